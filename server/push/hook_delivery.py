"""Delivery to one webhook: its own bounded queue, its own task, its own HTTP client.

Nothing a receiver does reaches past its hook: a receiver that fails, refuses or hangs only
makes its own queue wait (each attempt ends after `timeout` seconds), never another hook, the
feed or the server. Messages leave in the order they came, in batches of at most `batch_size`.
A failed batch is retried with exponential backoff (`first_retry` doubling up to `max_retry`
seconds) until it goes through; meanwhile new messages wait in the queue, which keeps the
newest `capacity` and counts the ones it had to drop. A receiver that refuses a batch outright
(4xx other than 408 and 429) would refuse it again, so that batch is dropped and counted.

chatlog crashed on the first network error (docs/webhooks.md); here every failure becomes the
hook's `last_error` and a log line, never an exception out of the task.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from server.mcp.protocol import server_version
from server.push.feed import FeedMessage
from server.push.hook_config import WebhookConfig
from server.push.hook_payload import HookFilter, payload

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 429})


class Outcome(enum.Enum):
    """What an attempt leaves to do with its batch."""

    DONE = "done"  # delivered, or refused for good
    RETRY = "retry"


@dataclass(frozen=True)
class DeliverySettings:
    capacity: int = 1000  # messages waiting per hook at most (the oldest are dropped)
    batch_size: int = 100  # messages per POST at most
    timeout: float = 5.0  # seconds one attempt may take, connecting included
    first_retry: float = 0.5  # seconds before the first retry; doubles each time
    max_retry: float = 30.0  # the longest wait between two attempts


@dataclass(frozen=True)
class HookStatus:
    """One hook's state for /health and the window (no chat content, no URL secrets)."""

    index: int
    target: str  # scheme://host:port
    url: str  # the URL without its query or user part (the window shows it, /health not)
    remote: bool
    filters: str
    state: str  # "idle", "sending", "retrying" or "stopped"
    delivered: int  # messages the receiver accepted
    failed: int  # attempts that failed
    dropped: int  # messages that will never be delivered (queue full, or refused)
    queued: int  # messages waiting, the batch being sent included
    last_error: str | None
    last_error_at: datetime | None
    last_delivery_at: datetime | None

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "target": self.target,
            "remote": self.remote,
            "state": self.state,
            "delivered": self.delivered,
            "failed": self.failed,
            "dropped": self.dropped,
            "queued": self.queued,
            "lastError": self.last_error,
            "lastErrorAt": _stamp(self.last_error_at),
            "lastDeliveryAt": _stamp(self.last_delivery_at),
        }


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


class HookDelivery:
    """The queue and the sending task of one webhook."""

    def __init__(
        self, index: int, config: WebhookConfig, settings: DeliverySettings | None = None
    ) -> None:
        self.index = index
        self.config = config
        self.settings = settings or DeliverySettings()
        self._filter = HookFilter(config)
        self._queue: deque[FeedMessage] = deque()
        self._sending: Sequence[FeedMessage] = ()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self.state = "stopped"
        self.delivered = 0
        self.failed = 0
        self.dropped = 0
        self.last_error: str | None = None
        self.last_error_at: datetime | None = None
        self.last_delivery_at: datetime | None = None

    # On the loop, from the feed ---------------------------------------------------------------

    def offer(self, messages: Sequence[FeedMessage]) -> int:
        """Queue the messages this hook wants; returns how many. Never blocks, never raises
        on a message (a filter that cannot read one skips it)."""
        if self._task is None:
            return 0
        taken = 0
        for message in messages:
            try:
                wanted = self._filter.wants(message)
            except Exception:  # boundary: one odd message must not stop the others
                logger.exception("webhook %d: a filter failed on a message", self.index)
                continue
            if not wanted:
                continue
            if len(self._queue) >= self.settings.capacity:
                self._queue.popleft()
                self.dropped += 1
            self._queue.append(message)
            taken += 1
        if taken:
            self._wake.set()
        return taken

    def status(self) -> HookStatus:
        return HookStatus(
            index=self.index,
            target=self.config.target,
            url=self.config.shown_url,
            remote=self.config.is_remote,
            filters=self.config.describe_filters(),
            state=self.state,
            delivered=self.delivered,
            failed=self.failed,
            dropped=self.dropped,
            queued=len(self._queue) + len(self._sending),
            last_error=self.last_error,
            last_error_at=self.last_error_at,
            last_delivery_at=self.last_delivery_at,
        )

    # Lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is not None:
            return
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout),
            # Chats go exactly where the user said: no proxy from the environment, no redirect
            # to a host the user never confirmed.
            trust_env=False,
            follow_redirects=False,
            headers={"user-agent": f"chatlog-tray/{server_version()}"},
        )
        self.state = "idle"
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"webhook {self.index}"
        )

    async def stop(self) -> None:
        """Cancel the task and close the client; what was still queued is not sent."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # wait() does not raise the task's cancellation, only this coroutine's own.
            await asyncio.wait([task])
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self.state = "stopped"

    # The task -----------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            while not self._queue:
                self.state = "idle"
                self._wake.clear()
                await self._wake.wait()
            size = min(self.settings.batch_size, len(self._queue))
            self._sending = [self._queue.popleft() for _ in range(size)]
            await self._send_until_done(self._sending)
            self._sending = ()

    async def _send_until_done(self, batch: Sequence[FeedMessage]) -> None:
        delay = self.settings.first_retry
        self.state = "sending"
        while True:
            outcome = await self._attempt(batch)
            if outcome is not Outcome.RETRY:
                return
            self.state = "retrying"
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.max_retry)

    async def _attempt(self, batch: Sequence[FeedMessage]) -> Outcome:
        assert self._client is not None
        try:
            body = json.dumps(payload(self.config, batch), ensure_ascii=False).encode("utf-8")
            response = await self._client.post(
                self.config.url, content=body, headers={"content-type": "application/json"}
            )
        except httpx.TimeoutException:
            return self._failed(f"no answer within {self.settings.timeout:g} s", Outcome.RETRY)
        except httpx.HTTPError as error:
            # The class names what went wrong; the message may repeat the URL, so it stays out.
            return self._failed(_describe(error), Outcome.RETRY)
        except Exception:  # boundary: a bug here must not end the hook's task
            # (payload() and the client are ours; this is the last line of defence)
            logger.exception("webhook %d: sending failed", self.index)
            # The same batch would fail the same way: drop it rather than block the hook.
            self.dropped += len(batch)
            return self._failed("internal error (see the log)", Outcome.DONE)
        status = response.status_code
        if 200 <= status < 300:
            self.delivered += len(batch)
            self.last_delivery_at = datetime.now(UTC)
            return Outcome.DONE
        reason = f"HTTP {status} {response.reason_phrase[:80]}".rstrip()
        if status >= 500 or status in RETRYABLE_STATUSES:
            return self._failed(reason, Outcome.RETRY)
        # Refused (4xx), or redirected (3xx; redirects are not followed): the same batch
        # would meet the same answer.
        self.dropped += len(batch)
        return self._failed(f"{reason}: {len(batch)} message(s) dropped", Outcome.DONE)

    def _failed(self, reason: str, outcome: Outcome) -> Outcome:
        self.failed += 1
        self.last_error = reason
        self.last_error_at = datetime.now(UTC)
        logger.warning("webhook %d (%s): %s", self.index, self.config.target, reason)
        return outcome


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "cannot connect"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the receiver broke the connection"
    return type(error).__name__
