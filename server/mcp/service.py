"""The MCP service: what both transports share once a message has arrived.

It owns the session registry, the work queue and the dispatcher, and turns one decoded POST
body (a message or, on 2025-03-26, a batch) into queued requests and inline notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from server.mcp import jsonrpc
from server.mcp.context import Deliver
from server.mcp.dispatch import Dispatcher
from server.mcp.sessions import Session, SessionRegistry
from server.workqueue import Job, QueueFullError, WorkQueue

logger = logging.getLogger(__name__)

EXPIRY_CHECK_SECONDS = 30.0


class McpService:
    def __init__(
        self,
        dispatcher: Dispatcher,
        queue: WorkQueue,
        registry: SessionRegistry,
        session_idle_timeout: float,
    ) -> None:
        self.dispatcher = dispatcher
        self.queue = queue
        self.registry = registry
        self.session_idle_timeout = session_idle_timeout
        self._reaper: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin expiring idle sessions (call on the serving loop)."""
        self.queue.reopen()
        if self._reaper is None:
            self._reaper = asyncio.get_running_loop().create_task(self._expire_idle_sessions())

    async def stop(self) -> None:
        """Close every session and cancel all work; the service can be started again."""
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        self.registry.close_all()
        await self.queue.close()

    async def _expire_idle_sessions(self) -> None:
        interval = min(EXPIRY_CHECK_SECONDS, self.session_idle_timeout / 2)
        while True:
            await asyncio.sleep(interval)
            expired = self.registry.expire_idle(self.session_idle_timeout)
            if expired:
                logger.info("expired %d idle session(s)", expired)

    def receive(
        self, session: Session, payload: Any, respond: Deliver, notify: Deliver
    ) -> list[Job]:
        """Take one decoded body; returns the jobs of the requests it queued.

        Raises QueueFullError when a single request finds no room (a batch answers busy
        items with errors instead, so the rest of the batch is not lost).
        """
        session.touch()
        if isinstance(payload, list):
            return self._receive_batch(session, payload, respond, notify)
        return self._receive_one(session, jsonrpc.parse_message(payload), respond, notify)

    def _receive_one(
        self, session: Session, message: jsonrpc.Message, respond: Deliver, notify: Deliver
    ) -> list[Job]:
        match message:
            case jsonrpc.Request():
                job = self._submit(session, message, respond, notify)
                return [] if job is None else [job]
            case jsonrpc.Notification():
                self.dispatcher.notify(session, message)
            case jsonrpc.Response():
                session.resolve_client_request(message)
            case jsonrpc.Invalid(id=message_id, reason=reason):
                error = jsonrpc.JsonRpcError(jsonrpc.INVALID_REQUEST, f"Invalid Request: {reason}")
                respond(jsonrpc.error_message(message_id, error))
        return []

    def _submit(
        self, session: Session, request: jsonrpc.Request, respond: Deliver, notify: Deliver
    ) -> Job | None:
        if request.id in session.in_flight:
            error = jsonrpc.JsonRpcError(
                jsonrpc.INVALID_REQUEST, f"Request id {request.id!r} is already in use"
            )
            respond(jsonrpc.error_message(request.id, error))
            return None
        dispatcher = self.dispatcher
        job = self.queue.submit(
            session.id, lambda: dispatcher.run(session, request, respond, notify)
        )
        if not job.done:  # a quick job may already have answered (see WorkQueue.submit)
            session.in_flight[request.id] = job
        session.changed()
        return job

    def _receive_batch(
        self, session: Session, payload: list[Any], respond: Deliver, notify: Deliver
    ) -> list[Job]:
        if not session.batches_allowed:
            error = jsonrpc.JsonRpcError(
                jsonrpc.INVALID_REQUEST,
                "Invalid Request: batches are only accepted in protocol version 2025-03-26",
            )
            respond(jsonrpc.error_message(None, error))
            return []
        if not payload:
            error = jsonrpc.JsonRpcError(jsonrpc.INVALID_REQUEST, "Invalid Request: empty batch")
            respond(jsonrpc.error_message(None, error))
            return []
        messages = [jsonrpc.parse_message(item) for item in payload]
        expected = sum(not isinstance(m, jsonrpc.Notification | jsonrpc.Response) for m in messages)
        collect = _BatchCollector(expected, respond)
        queued: list[Job] = []
        for message in messages:
            if isinstance(message, jsonrpc.Request) and message.method == "initialize":
                error = jsonrpc.JsonRpcError(
                    jsonrpc.INVALID_REQUEST, "initialize must not be part of a batch"
                )
                collect(jsonrpc.error_message(message.id, error))
                continue
            try:
                queued += self._receive_one(session, message, collect, notify)
            except QueueFullError as busy:
                error = jsonrpc.JsonRpcError(jsonrpc.SERVER_BUSY, str(busy))
                collect(jsonrpc.error_message(getattr(message, "id", None), error))
        return queued


class _BatchCollector:
    """Gathers the answers of one batch and delivers them together, as JSON-RPC asks."""

    def __init__(self, expected: int, deliver: Callable[[Any], object]) -> None:
        self._expected = expected
        self._answers: list[jsonrpc.JsonObject] = []
        self._deliver = deliver

    def __call__(self, message: jsonrpc.JsonObject) -> None:
        self._answers.append(message)
        if len(self._answers) == self._expected:
            self._deliver(self._answers)
