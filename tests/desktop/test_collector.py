"""The app collects reference cycles on the GUI thread, never on a worker thread."""

import gc
import threading

import pytest

from desktop.collector import MainThreadCollector

pytestmark = pytest.mark.desktop


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cycles_made_on_a_worker_thread_are_freed_by_the_collector_on_this_thread(qapp):
    collector = MainThreadCollector()
    try:
        assert not gc.isenabled()
        freed_on: list[str] = []

        class Tracked(Cycle):
            def __del__(self) -> None:
                freed_on.append(threading.current_thread().name)

        def make_garbage() -> None:
            for _ in range(gc.get_threshold()[0] * 3):
                Tracked()  # each one a cycle: only the cycle collector frees them

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        assert freed_on == []  # nothing collected on the worker
        collector.collect()
        gc.collect()
        assert freed_on and set(freed_on) == {threading.main_thread().name}
    finally:
        collector.stop()
    assert gc.isenabled()
