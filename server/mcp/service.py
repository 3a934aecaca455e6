"""The MCP service: what the transports share once a message has arrived.

It owns the client registry, the work queue and the dispatcher. For the handshake era it
turns one decoded POST body (a message or, on 2025-03-26, a batch) into queued requests and
inline notifications; for 2026-07-28 it queues the one request a POST carries. Either way a
request's job is `_answer`: dispatch, then one response through the transport's `respond`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from server.mcp import jsonrpc
from server.mcp.clients import Client, ClientRegistry
from server.mcp.context import Deliver, RequestContext
from server.mcp.dispatch import Dispatcher
from server.mcp.sessions import ClientRequestError, Session
from server.workqueue import Job, QueueFullError, WorkQueue

logger = logging.getLogger(__name__)

# How often clients are checked for idleness (the window shows the change within this).
SWEEP_SECONDS = 5.0

Handle = Callable[[], Awaitable[jsonrpc.JsonObject]]


class McpService:
    def __init__(
        self,
        dispatcher: Dispatcher,
        queue: WorkQueue,
        registry: ClientRegistry,
        idle_timeout: float,
    ) -> None:
        self.dispatcher = dispatcher
        self.queue = queue
        self.registry = registry
        self.idle_timeout = idle_timeout
        self._sweeper: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching clients for idleness (call on the serving loop)."""
        self.queue.reopen()
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_clients())

    async def stop(self) -> None:
        """End every client (their requests are answered with an error) and all work."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        self.registry.close_all("the server is stopping")
        await self.queue.close()

    async def _sweep_clients(self) -> None:
        while True:
            # Read each time: the timeout can change while serving (a live settings change).
            await asyncio.sleep(min(SWEEP_SECONDS, self.idle_timeout / 2))
            gone = self.registry.sweep(self.idle_timeout)
            if gone:
                logger.info("%d idle client(s) left", gone)

    # --- one request, either era -----------------------------------------------------------

    def submit(
        self, client: Client, request: jsonrpc.Request, handle: Handle, respond: Deliver
    ) -> Job:
        """Queue one request; its answer (or error) goes to `respond` exactly once.

        Raises QueueFullError when there is no room.
        """

        def abort(error: jsonrpc.JsonRpcError) -> None:
            respond(jsonrpc.error_message(request.id, error))

        return client.submit(
            self.queue, request.id, lambda: _answer(request, handle, respond), abort
        )

    # --- the handshake era -----------------------------------------------------------------

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
        if session.is_in_flight(request.id):
            error = jsonrpc.JsonRpcError(
                jsonrpc.INVALID_REQUEST, f"Request id {request.id!r} is already in use"
            )
            respond(jsonrpc.error_message(request.id, error))
            return None
        context = RequestContext(session, request, notify)
        dispatcher = self.dispatcher
        return self.submit(
            session, request, lambda: dispatcher.handle(session, request, context), respond
        )

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


async def _answer(request: jsonrpc.Request, handle: Handle, respond: Deliver) -> None:
    """The body of one queued request: dispatch, then answer; silent when cancelled."""
    request_id = request.id
    try:
        response = jsonrpc.result_message(request_id, await handle())
    except asyncio.CancelledError:
        raise
    except jsonrpc.JsonRpcError as error:
        response = jsonrpc.error_message(request_id, error)
    except ClientRequestError as error:
        response = jsonrpc.error_message(
            request_id, jsonrpc.JsonRpcError(jsonrpc.INTERNAL_ERROR, str(error))
        )
    except Exception:
        logger.exception("%s failed (request %r)", request.method, request_id)
        response = jsonrpc.error_message(
            request_id, jsonrpc.JsonRpcError(jsonrpc.INTERNAL_ERROR, "Internal error")
        )
    respond(response)


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
