"""The one bounded work queue shared by every MCP session.

At most `workers` jobs run at once; at most `capacity` more wait. A full queue refuses new work
(`QueueFullError`, which the transports turn into HTTP 429) instead of growing. Waiting jobs are
taken round-robin across their owners (sessions), and one owner may hold at most half of the
waiting places, so a client that floods the queue cannot starve the others.

Each job runs in its own task so that it can be cancelled alone (`notifications/cancelled`, a
disconnect) without disturbing the pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

JobFunction = Callable[[], Awaitable[Any]]


class QueueFullError(Exception):
    """The queue (or this owner's share of it) has no room; try again later."""


class Job:
    """One unit of work: waiting, then running in its own task, then done."""

    __slots__ = ("_callbacks", "_queue", "done", "function", "owner", "task")

    def __init__(self, queue: WorkQueue, owner: str, function: JobFunction) -> None:
        self._queue = queue
        self.owner = owner
        self.function = function
        self.task: asyncio.Task[Any] | None = None
        self.done = False
        self._callbacks: list[Callable[[], object]] = []

    def add_done_callback(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the job has finished, failed, or been dropped or cancelled."""
        if self.done:
            callback()
        else:
            self._callbacks.append(callback)

    def _finish(self) -> None:
        if self.done:
            return
        self.done = True
        for callback in self._callbacks:
            try:
                callback()
            except Exception:
                logger.exception("job completion callback failed")
        self._callbacks.clear()

    @property
    def running(self) -> bool:
        return self.task is not None

    def cancel(self) -> None:
        """Drop the job if it waits; cancel its task if it runs."""
        if self.task is None:
            self._queue._discard_waiting(self)
        else:
            self.task.cancel()


class WorkQueue:
    def reopen(self) -> None:
        """Accept work again after `close` (the server was stopped and started again)."""
        self._closed = False

    def __init__(self, capacity: int, workers: int) -> None:
        if capacity < 1 or workers < 1:
            raise ValueError("capacity and workers must be at least 1")
        self.capacity = capacity
        self.workers = workers
        self.owner_share = max(1, capacity // 2)
        self._waiting: OrderedDict[str, deque[Job]] = OrderedDict()
        self._waiting_count = 0
        self._running: set[Job] = set()
        self._closed = False

    def resize(self, capacity: int, workers: int) -> None:
        """Take new limits while running: more workers start waiting jobs at once; fewer let
        the running jobs finish (none is cancelled); a smaller capacity refuses new work until
        the waiting line is short enough (none waiting is dropped)."""
        if capacity < 1 or workers < 1:
            raise ValueError("capacity and workers must be at least 1")
        self.capacity = capacity
        self.workers = workers
        self.owner_share = max(1, capacity // 2)
        self._start_next()

    @property
    def waiting(self) -> int:
        return self._waiting_count

    @property
    def running(self) -> int:
        return len(self._running)

    def submit(self, owner: str, function: JobFunction) -> Job:
        """Queue `function` for `owner`; raises QueueFullError when there is no room."""
        if self._closed:
            raise QueueFullError("the server is shutting down")
        job = Job(self, owner, function)
        if len(self._running) < self.workers and not self._waiting_count:
            # A free worker starts the job eagerly: it runs right here until it first waits,
            # so a quick request (most are) is answered without a trip through the loop.
            self._start(job, eager=True)
            return job
        if self._waiting_count >= self.capacity:
            raise QueueFullError(f"the work queue is full ({self.capacity} requests waiting)")
        owner_jobs = self._waiting.get(owner)
        if owner_jobs is None:
            owner_jobs = self._waiting[owner] = deque()
        elif len(owner_jobs) >= self.owner_share:
            raise QueueFullError(
                f"this session already has {len(owner_jobs)} requests waiting; "
                "wait for answers before sending more"
            )
        owner_jobs.append(job)
        self._waiting_count += 1
        return job

    def cancel_owner(self, owner: str) -> None:
        """Drop every waiting job of `owner` and cancel its running ones."""
        for job in self._waiting.pop(owner, ()):
            self._waiting_count -= 1
            job._finish()
        for job in [job for job in self._running if job.owner == owner]:
            job.cancel()

    async def close(self) -> None:
        """Refuse new work, drop waiting jobs, cancel running ones and wait for them to end."""
        self._closed = True
        waiting = [job for jobs in self._waiting.values() for job in jobs]
        self._waiting.clear()
        self._waiting_count = 0
        for job in waiting:
            job._finish()
        tasks = [job.task for job in self._running if job.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    def _start(self, job: Job, eager: bool = False) -> None:
        self._running.add(job)
        task = asyncio.Task(self._run(job), loop=asyncio.get_running_loop(), eager_start=eager)
        if not task.done():
            job.task = task

    async def _run(self, job: Job) -> None:
        try:
            await job.function()
        except asyncio.CancelledError:
            pass
        except Exception:
            # Jobs answer their own errors; reaching here is a bug in the job itself.
            logger.exception("work item of session %s failed", job.owner)
        finally:
            self._running.discard(job)
            job._finish()
            self._start_next()

    def _start_next(self) -> None:
        # Never eager here: a chain of quick waiting jobs would otherwise recurse.
        while self._waiting_count and len(self._running) < self.workers:
            owner, jobs = self._waiting.popitem(last=False)
            job = jobs.popleft()
            self._waiting_count -= 1
            if jobs:  # round robin: this owner goes to the back of the line
                self._waiting[owner] = jobs
            self._start(job)

    def _discard_waiting(self, job: Job) -> None:
        jobs = self._waiting.get(job.owner)
        if jobs is None:
            return
        try:
            jobs.remove(job)
        except ValueError:
            return
        self._waiting_count -= 1
        if not jobs:
            del self._waiting[job.owner]
        job._finish()
