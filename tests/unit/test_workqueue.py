import asyncio

import pytest

from server.workqueue import QueueFullError, WorkQueue
from tests.support import wait_until

pytestmark = pytest.mark.asyncio


class Recorder:
    """Jobs that record when they run and wait for the test to release them."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release = asyncio.Event()

    def job(self, label: str):
        async def run() -> None:
            self.started.append(label)
            await self.release.wait()

        return run


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_jobs_run_at_once_while_workers_are_free():
    queue, recorder = WorkQueue(capacity=2, workers=2), Recorder()
    queue.submit("a", recorder.job("a1"))
    queue.submit("a", recorder.job("a2"))
    await settle()
    assert recorder.started == ["a1", "a2"]
    assert queue.running == 2 and queue.waiting == 0
    recorder.release.set()
    await queue.close()


async def test_a_full_queue_refuses_work():
    queue, recorder = WorkQueue(capacity=2, workers=1), Recorder()
    queue.submit("a", recorder.job("a1"))
    queue.submit("a", recorder.job("a2"))
    queue.submit("b", recorder.job("b1"))
    with pytest.raises(QueueFullError):
        queue.submit("c", recorder.job("c1"))
    recorder.release.set()
    await queue.close()


async def test_one_owner_may_hold_only_half_of_the_waiting_places():
    queue, recorder = WorkQueue(capacity=4, workers=1), Recorder()
    queue.submit("flood", recorder.job("running"))
    queue.submit("flood", recorder.job("f1"))
    queue.submit("flood", recorder.job("f2"))
    with pytest.raises(QueueFullError, match="this session"):
        queue.submit("flood", recorder.job("f3"))
    queue.submit("other", recorder.job("o1"))  # the others still get in
    recorder.release.set()
    await queue.close()


async def test_waiting_jobs_are_taken_round_robin_across_owners():
    queue = WorkQueue(capacity=10, workers=1)
    order: list[str] = []
    gate = asyncio.Event()

    def job(label: str):
        async def run() -> None:
            order.append(label)
            if label == "first":
                await gate.wait()

        return run

    queue.submit("a", job("first"))
    await settle()
    for label in ("a1", "a2", "a3"):
        queue.submit("a", job(label))
    for label in ("b1", "b2"):
        queue.submit("b", job(label))
    gate.set()
    await wait_until(lambda: len(order) == 6)
    assert order == ["first", "a1", "b1", "a2", "b2", "a3"]
    await queue.close()


async def test_cancelling_a_waiting_job_frees_its_place_and_reports_it_done():
    queue, recorder = WorkQueue(capacity=1, workers=1), Recorder()
    queue.submit("a", recorder.job("running"))
    waiting = queue.submit("a", recorder.job("waiting"))
    finished = []
    waiting.add_done_callback(lambda: finished.append(True))
    waiting.cancel()
    assert finished == [True] and queue.waiting == 0
    queue.submit("a", recorder.job("next"))
    recorder.release.set()
    await queue.close()


async def test_cancelling_a_running_job_cancels_its_task_and_the_next_one_starts():
    queue, recorder = WorkQueue(capacity=5, workers=1), Recorder()
    running = queue.submit("a", recorder.job("first"))
    queue.submit("b", recorder.job("second"))
    await settle()
    running.cancel()
    await settle()
    assert recorder.started == ["first", "second"]
    assert running.done
    recorder.release.set()
    await queue.close()


async def test_cancel_owner_drops_everything_of_that_owner_only():
    queue, recorder = WorkQueue(capacity=5, workers=1), Recorder()
    queue.submit("gone", recorder.job("gone-running"))
    queue.submit("gone", recorder.job("gone-waiting"))
    queue.submit("stays", recorder.job("stays"))
    await settle()
    queue.cancel_owner("gone")
    await settle()
    assert recorder.started == ["gone-running", "stays"]
    recorder.release.set()
    await queue.close()


async def test_a_failing_job_is_logged_and_does_not_stop_the_pool(caplog):
    queue = WorkQueue(capacity=5, workers=1)
    done = asyncio.Event()

    async def boom() -> None:
        raise RuntimeError("bug")

    async def fine() -> None:
        done.set()

    queue.submit("a", boom)
    queue.submit("a", fine)
    await asyncio.wait_for(done.wait(), 30)
    assert "failed" in caplog.text
    await queue.close()


async def test_a_closed_queue_refuses_work_until_reopened():
    queue = WorkQueue(capacity=5, workers=1)
    await queue.close()
    with pytest.raises(QueueFullError):
        queue.submit("a", Recorder().job("x"))
    queue.reopen()
    recorder = Recorder()
    recorder.release.set()
    queue.submit("a", recorder.job("x"))
    await queue.close()
