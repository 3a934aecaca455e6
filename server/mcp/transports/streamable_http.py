"""Streamable HTTP (protocol 2025-03-26 and later): one endpoint, `/mcp`, both eras.

A request whose `MCP-Protocol-Version` is not a handshake version is served statelessly by
`ModernHttp` (2026-07-28, `modern_http.py`). Everything else is the handshake era:

- POST carries client messages. `initialize` (without a session header) creates a session and
  the answer carries its `Mcp-Session-Id`; every other POST must name a live session (400
  without the header, 404 for an unknown, expired or deleted one). Notifications and responses
  get 202. A request gets its answer in the POST's response: plain JSON when nothing else has
  to be said first, or an SSE stream when the handler sends progress, log messages or requests
  to the client before its result (or runs longer than a ping interval), so fast calls pay no
  streaming overhead.
- GET opens the session's one server-to-client stream (a second one gets 409).
- DELETE ends the session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from server import asgi
from server.mcp import jsonrpc, modern
from server.mcp.clients import Transport, credential_of
from server.mcp.outbox import Outbox, OutboxClosedError
from server.mcp.service import McpService
from server.mcp.sessions import Session, open_session
from server.mcp.subscriptions import SubscriptionHub
from server.mcp.transports.common import (
    pump_stream,
    remote_address,
    respond_rpc_error,
    token_name,
)
from server.mcp.transports.modern_http import ModernHttp
from server.workqueue import QueueFullError

logger = logging.getLogger(__name__)

SESSION_HEADER = b"mcp-session-id"
VERSION_HEADER = b"mcp-protocol-version"
ALLOW = [(b"allow", b"GET, POST, DELETE")]


class StreamableHttpTransport:
    def __init__(
        self,
        service: McpService,
        subscriptions: SubscriptionHub,
        ping_interval: float,
        bodies: asgi.BodyReader,
        outbox_limit: int,
    ) -> None:
        self.service = service
        self.ping_interval = ping_interval
        self.bodies = bodies
        self.outbox_limit = outbox_limit
        self.modern = ModernHttp(service, subscriptions, ping_interval, outbox_limit)
        self._accepting = True

    def set_ping_interval(self, seconds: float) -> None:
        """Ping every `seconds` from now on, open streams included, in both eras."""
        self.ping_interval = self.modern.ping_interval = seconds

    def _ping_interval(self) -> float:
        return self.ping_interval

    @property
    def accepting(self) -> bool:
        return self._accepting

    @accepting.setter
    def accepting(self, value: bool) -> None:
        self._accepting = self.modern.accepting = value

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        method = scope["method"]
        if modern.is_modern_version(asgi.header(scope, VERSION_HEADER)) and method != "POST":
            # The 2026-07-28 era has no GET stream and no session to DELETE.
            await asgi.respond(send, 405, b"", headers=[(b"allow", b"POST")])
        elif method == "POST":
            await self._post(scope, receive, send)
        elif method == "GET":
            await self._get(scope, receive, send)
        elif method == "DELETE":
            await self._delete(scope, send)
        else:
            await asgi.respond(send, 405, b"", headers=ALLOW)

    # --- POST ------------------------------------------------------------------------------

    async def _post(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        json_ok, sse_ok = asgi.accepts(scope)
        if not (json_ok or sse_ok):
            await respond_rpc_error(
                send,
                406,
                jsonrpc.INVALID_REQUEST,
                "Not Acceptable: accept application/json or text/event-stream",
            )
            return
        content_type = asgi.header(scope, b"content-type") or b""
        if not content_type.lower().startswith(asgi.JSON):
            await respond_rpc_error(
                send, 415, jsonrpc.INVALID_REQUEST, "Content-Type must be application/json"
            )
            return
        body = await self.bodies.read(receive)
        try:
            payload = jsonrpc.decode_json(body)
        except jsonrpc.JsonRpcError as error:
            await respond_rpc_error(send, 400, error.code, error.message)
            return
        if modern.is_modern_version(asgi.header(scope, VERSION_HEADER)):
            await self.modern.post(scope, payload, receive, send)
            return

        session_id = asgi.header(scope, SESSION_HEADER)
        new_session = False
        if session_id is not None:
            session = self._find(scope, session_id)
            if session is None:
                await respond_rpc_error(send, 404, jsonrpc.SESSION_NOT_FOUND, "Session not found")
                return
        elif _is_initialize(payload):
            if not self.accepting:
                await respond_rpc_error(send, 503, jsonrpc.SERVER_BUSY, "Server shutting down")
                return
            try:
                session = open_session(
                    self.service.registry,
                    Transport.STREAMABLE_HTTP,
                    remote_address(scope),
                    _credential(scope),
                    token_name(scope),
                )
            except QueueFullError as full:
                await respond_rpc_error(send, 503, jsonrpc.SERVER_BUSY, str(full))
                return
            new_session = True
        else:
            await respond_rpc_error(
                send, 400, jsonrpc.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required"
            )
            return

        outbox = Outbox(self.outbox_limit)

        def respond(message: Any) -> None:
            outbox.put(jsonrpc.encode(message))

        notify = respond if sse_ok else session.send_to_stream
        try:
            jobs = self.service.receive(session, payload, respond, notify)
        except QueueFullError as busy:
            if new_session:
                self.service.registry.close(session, "queue full at initialize")
            request_id = payload.get("id") if isinstance(payload, dict) else None
            await respond_rpc_error(
                send,
                429,
                jsonrpc.SERVER_BUSY,
                str(busy),
                request_id if jsonrpc.is_request_id(request_id) else None,
            )
            return

        if not jobs:
            outbox.close()
            refusal = await _next(outbox, 0)
            if refusal is None:
                await asgi.respond(send, 202)
            else:  # an invalid message or batch was answered with an error
                await asgi.respond(send, 400, refusal, asgi.JSON)
            return

        remaining = len(jobs)

        def job_done() -> None:
            nonlocal remaining
            remaining -= 1
            if not remaining:
                outbox.close()

        for job in jobs:
            job.add_done_callback(job_done)
        headers = [(SESSION_HEADER, session.id.encode())] if new_session else []
        session.add_request_stream(outbox)
        try:
            await self._answer(outbox, session, headers, json_ok, sse_ok, receive, send)
        finally:
            session.remove_request_stream(outbox)
            if new_session and session.protocol_version is None:
                # initialize was refused: the session never came to life.
                self.service.registry.close(session, "initialize failed")

    async def _answer(
        self,
        outbox: Outbox,
        session: Session,
        headers: asgi.Headers,
        json_ok: bool,
        sse_ok: bool,
        receive: asgi.Receive,
        send: asgi.Send,
    ) -> None:
        try:
            first = await outbox.get(self.ping_interval)
            # Only the final answer in the box and nothing else coming: plain JSON.
            while first is None and not sse_ok:
                first = await outbox.get(self.ping_interval)
        except OutboxClosedError:
            # Cancelled (notifications/cancelled, DELETE) before any answer: nothing to say.
            await asgi.respond(send, 202, headers=headers)
            return
        if first is not None and json_ok and outbox.closed and outbox.empty:
            await asgi.respond(send, 200, first, asgi.JSON, headers)
            return
        await send(
            {"type": "http.response.start", "status": 200, "headers": [*asgi.SSE_HEADERS, *headers]}
        )
        if first is not None:
            await send(
                {"type": "http.response.body", "body": asgi.sse_event(first), "more_body": True}
            )
        await pump_stream(outbox, send, receive, self._ping_interval)

    # --- GET and DELETE --------------------------------------------------------------------

    async def _get(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        _json_ok, sse_ok = asgi.accepts(scope)
        if not sse_ok:
            await respond_rpc_error(
                send, 406, jsonrpc.INVALID_REQUEST, "Not Acceptable: accept text/event-stream"
            )
            return
        session = await self._required_session(scope, send)
        if session is None:
            return
        task = asyncio.current_task()
        stream = session.attach_stream(lambda: task.cancel() if task is not None else None)
        if stream is None:
            await respond_rpc_error(
                send, 409, jsonrpc.INVALID_REQUEST, "Conflict: this session already has a stream"
            )
            return
        try:
            await send({"type": "http.response.start", "status": 200, "headers": asgi.SSE_HEADERS})
            await pump_stream(stream, send, receive, self._ping_interval)
        except asyncio.CancelledError:
            if not stream.closed:  # not our own abort of a stalled reader
                raise
        finally:
            session.detach_stream(stream)

    async def _delete(self, scope: asgi.Scope, send: asgi.Send) -> None:
        session = await self._required_session(scope, send)
        if session is None:
            return
        self.service.registry.close(session, "deleted by the client")
        await asgi.respond(send, 200)

    # --- helpers ---------------------------------------------------------------------------

    def _find(self, scope: asgi.Scope, session_id: bytes) -> Session | None:
        """The session this id names, if the caller may use it (see `Session.accepts`)."""
        session = self.service.registry.get(session_id.decode("latin-1"))
        if not isinstance(session, Session):
            return None
        return session if session.accepts(Transport.STREAMABLE_HTTP, _credential(scope)) else None

    async def _required_session(self, scope: asgi.Scope, send: asgi.Send) -> Session | None:
        session_id = asgi.header(scope, SESSION_HEADER)
        if session_id is None:
            await respond_rpc_error(
                send, 400, jsonrpc.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required"
            )
            return None
        session = self._find(scope, session_id)
        if session is None:
            await respond_rpc_error(send, 404, jsonrpc.SESSION_NOT_FOUND, "Session not found")
        return session


def _credential(scope: asgi.Scope) -> bytes:
    return credential_of(asgi.header(scope, b"authorization"))


def _is_initialize(payload: Any) -> bool:
    return isinstance(payload, dict) and payload.get("method") == "initialize" and "id" in payload


async def _next(outbox: Outbox, timeout: float) -> bytes | None:
    try:
        return await outbox.get(timeout)
    except OutboxClosedError:
        return None
