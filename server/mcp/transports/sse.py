"""The legacy HTTP+SSE transport (protocol 2024-11-05), kept for the clients that still use it.

`GET /sse` opens a session and its stream, whose first event names the endpoint to POST to.
`POST /message?sessionId=…` (also `/messages`, also `session_id=`) queues a message and answers
202 at once; every answer travels back on the stream. The session lives exactly as long as the
stream: when the client disconnects, it leaves the registry and its work is cancelled.
"""

from __future__ import annotations

import asyncio
import logging

from server import asgi
from server.mcp import jsonrpc
from server.mcp.clients import Transport, credential_of
from server.mcp.service import McpService
from server.mcp.sessions import Session, open_session
from server.mcp.transports.common import (
    pump_stream,
    remote_address,
    respond_rpc_error,
    token_name,
)
from server.workqueue import QueueFullError

logger = logging.getLogger(__name__)

ENDPOINT_PATH = "/message"


class SseTransport:
    def __init__(self, service: McpService, ping_interval: float, bodies: asgi.BodyReader) -> None:
        self.service = service
        self.ping_interval = ping_interval
        self.bodies = bodies
        self.accepting = True

    def _ping_interval(self) -> float:
        return self.ping_interval  # read at each wait: a live settings change reaches open streams

    async def open_stream(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["method"] != "GET":
            await asgi.respond(send, 405, b"", headers=[(b"allow", b"GET")])
            return
        if not self.accepting:
            await asgi.respond_text(send, 503, "the server is shutting down")
            return
        registry = self.service.registry
        try:
            session = open_session(
                registry,
                Transport.SSE,
                remote_address(scope),
                credential_of(asgi.header(scope, b"authorization")),
                token_name(scope),
            )
        except QueueFullError as full:
            await asgi.respond_text(send, 503, str(full))
            return
        task = asyncio.current_task()
        # A reader so slow that its outbox overflows is cut off here, mid-write.
        stream = session.attach_stream(lambda: task.cancel() if task is not None else None)
        assert stream is not None  # SSE sessions always have their stream
        endpoint = f"{ENDPOINT_PATH}?sessionId={session.id}".encode()
        try:
            await send({"type": "http.response.start", "status": 200, "headers": asgi.SSE_HEADERS})
            await send(
                {
                    "type": "http.response.body",
                    "body": asgi.sse_event(endpoint, b"endpoint"),
                    "more_body": True,
                }
            )
            await pump_stream(stream, send, receive, self._ping_interval)
        except asyncio.CancelledError:
            if not session.closed:  # not our own abort: the server is stopping
                raise
        finally:
            session.detach_stream(stream)
            registry.close(session, "stream ended")

    async def post_message(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["method"] != "POST":
            await asgi.respond(send, 405, b"", headers=[(b"allow", b"POST")])
            return
        session_id = asgi.query_param(scope, "sessionId", "session_id")
        if not session_id:
            await respond_rpc_error(send, 400, jsonrpc.INVALID_REQUEST, "sessionId is required")
            return
        session = self.service.registry.get(session_id)
        credential = credential_of(asgi.header(scope, b"authorization"))
        # Only an SSE session, and only for the credential that opened it (an id seen
        # elsewhere is not a key to someone's chats).
        if not isinstance(session, Session) or not session.accepts(Transport.SSE, credential):
            await respond_rpc_error(send, 404, jsonrpc.SESSION_NOT_FOUND, "Session not found")
            return
        body = await self.bodies.read(receive)
        try:
            payload = jsonrpc.decode_json(body)
        except jsonrpc.JsonRpcError as error:
            await respond_rpc_error(send, 400, error.code, error.message)
            return
        deliver = session.send_to_stream
        try:
            self.service.receive(session, payload, deliver, deliver)
        except QueueFullError as busy:
            request_id = payload.get("id") if isinstance(payload, dict) else None
            if not jsonrpc.is_request_id(request_id):
                request_id = None
            await respond_rpc_error(send, 429, jsonrpc.SERVER_BUSY, str(busy), request_id)
            return
        await asgi.respond(send, 202, b"Accepted", b"text/plain; charset=utf-8")
