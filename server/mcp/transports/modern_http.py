"""Streamable HTTP in the 2026-07-28 era: one self-contained POST per request on `/mcp`.

A request whose `MCP-Protocol-Version` is not a handshake version comes here (see
`StreamableHttpTransport`). There is no `initialize` and no session: the envelope
(`server/mcp/modern.py`) says who the client is, the registry recognises it, and the request
goes through the same bounded, fair work queue as every other. The answer is plain JSON when
the handler has nothing to say first, else an SSE stream carrying its progress (and log
messages, if the request asked for them) and then the result. Closing the response stream
cancels the work. `subscriptions/listen` holds its stream open for change notifications.
GET and DELETE do not exist in this era (405).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from server import asgi
from server.mcp import jsonrpc, modern, mrtr
from server.mcp.clients import ModernClient, credential_of
from server.mcp.context import ModernContext
from server.mcp.outbox import Outbox, OutboxClosedError
from server.mcp.service import McpService
from server.mcp.subscriptions import SubscriptionHub, accepted_filter
from server.mcp.transports.common import remote_address, status_headers, token_name
from server.workqueue import QueueFullError

logger = logging.getLogger(__name__)


class ModernHttp:
    def __init__(
        self,
        service: McpService,
        subscriptions: SubscriptionHub,
        ping_interval: float,
        outbox_limit: int,
    ) -> None:
        self.service = service
        self.subscriptions = subscriptions
        self.ping_interval = ping_interval
        self.outbox_limit = outbox_limit
        self.seal = mrtr.RequestStateSeal()
        self.accepting = True

    async def post(
        self, scope: asgi.Scope, payload: Any, receive: asgi.Receive, send: asgi.Send
    ) -> None:
        """Serve one decoded POST body (headers already checked by the transport)."""
        message = jsonrpc.parse_message(payload) if isinstance(payload, dict) else None
        if message is None:
            await _refuse(send, None, jsonrpc.INVALID_REQUEST, "send one JSON-RPC request per POST")
            return
        match message:
            case jsonrpc.Notification():
                # No client notification means anything on this wire (cancelling is closing
                # the response stream); accepted and dropped, as the spec says.
                await asgi.respond(send, 202)
                return
            case jsonrpc.Response():
                await _refuse(send, message.id, jsonrpc.INVALID_REQUEST, "no request to answer")
                return
            case jsonrpc.Invalid(id=message_id, reason=reason):
                await _refuse(
                    send, message_id, jsonrpc.INVALID_REQUEST, f"Invalid Request: {reason}"
                )
                return
        request = message
        try:
            envelope = modern.check_envelope(request, lambda name: asgi.header(scope, name))
        except jsonrpc.JsonRpcError as error:
            await _answer_error(send, request.id, error)
            return
        if not self.accepting:
            await _refuse(
                send, request.id, jsonrpc.SERVER_ERROR, "the server is shutting down", 503
            )
            return
        client = self.service.registry.modern_client(
            envelope.client_name,
            envelope.client_version,
            credential_of(asgi.header(scope, b"authorization")),
            remote_address(scope),
            token_name(scope),
        )
        client.heard(envelope.protocol_version)
        if request.method == "subscriptions/listen":
            await self._listen(scope, request, client, receive, send)
        elif not self.service.dispatcher.knows_modern(request.method):
            unknown = jsonrpc.JsonRpcError(
                jsonrpc.METHOD_NOT_FOUND, f"Method not found: {request.method}"
            )
            await _answer_error(send, request.id, unknown)
        else:
            await self._call(scope, request, envelope, client, receive, send)

    async def _call(
        self,
        scope: asgi.Scope,
        request: jsonrpc.Request,
        envelope: modern.Envelope,
        client: ModernClient,
        receive: asgi.Receive,
        send: asgi.Send,
    ) -> None:
        try:
            answers = self._answers_so_far(request, client.credential)
        except jsonrpc.JsonRpcError as error:
            await _answer_error(send, request.id, error)
            return
        _json_ok, sse_ok = asgi.accepts(scope)
        outbox = Outbox(self.outbox_limit)
        # The HTTP status of the last message the outbox took: when that message goes back
        # alone as plain JSON, its status is known without decoding it again.
        status = 200

        def respond(message: jsonrpc.JsonObject) -> None:
            nonlocal status
            if outbox.put(jsonrpc.encode(message)):
                status = modern.http_status(message)

        context = ModernContext(
            client, request, envelope.meta, respond if sse_ok else _drop, answers
        )
        dispatcher, seal = self.service.dispatcher, self.seal

        async def handle() -> jsonrpc.JsonObject:
            try:
                return await dispatcher.handle_modern(request, context)
            except mrtr.InputRequiredError as needed:
                if request.method not in mrtr.INPUT_METHODS:
                    raise
                # Bound to what the client sent: no handler changes a request's params.
                binding = mrtr.binding_for(request.method, request.params, client.credential)
                state = seal.seal(binding, answers)
                result = mrtr.input_required_result(needed.requests, state)
                return modern.complete_result(request.method, result, dispatcher.server_info)

        try:
            job = self.service.submit(client, request, handle, respond)
        except QueueFullError as busy:
            await _refuse(send, request.id, jsonrpc.SERVER_ERROR, str(busy), 429)
            return
        if job.done:
            # The queue started the job eagerly and it has already answered; with nothing
            # before its answer (most calls), that answer goes back as plain JSON now. No
            # work is left for a disconnect to cancel, so no watcher is needed, as on the
            # handshake path.
            only = outbox.take_only()
            if only is not None:
                await asgi.respond(send, status, only, asgi.JSON)
                return
        job.add_done_callback(outbox.close)
        await self._stream_answer(outbox, client, request.id, receive, send, lambda: status)

    def _answers_so_far(self, request: jsonrpc.Request, credential: bytes) -> jsonrpc.JsonObject:
        """Answers from earlier rounds (sealed in requestState) plus this round's."""
        if request.method not in mrtr.INPUT_METHODS:
            return {}
        params = request.params
        state = params.get("requestState")
        if state is None:  # a first round: nothing sealed, so no binding to compute
            return mrtr.input_responses(params)
        binding = mrtr.binding_for(request.method, params, credential)
        return {**self.seal.open(binding, state), **mrtr.input_responses(params)}

    async def _stream_answer(
        self,
        outbox: Outbox,
        client: ModernClient,
        request_id: jsonrpc.RequestId,
        receive: asgi.Receive,
        send: asgi.Send,
        status_of_last: Callable[[], int],
    ) -> None:
        """JSON if the answer comes first, else SSE; a client that leaves cancels the work.

        `status_of_last()` is the HTTP status of the last message put in the outbox.
        """
        watcher = asyncio.get_running_loop().create_task(asgi.wait_for_disconnect(receive))

        def client_left(task: asyncio.Task[None]) -> None:
            if not task.cancelled():
                client.cancel_request(request_id)
                outbox.close()

        watcher.add_done_callback(client_left)
        try:
            first = await _next(outbox, self.ping_interval)
            if first is not None and outbox.closed and outbox.empty:
                await asgi.respond(send, status_of_last(), first, asgi.JSON)
                return
            if first is None and outbox.closed:
                return  # cancelled before any answer: nothing may be sent for it
            await send({"type": "http.response.start", "status": 200, "headers": asgi.SSE_HEADERS})
            chunk = asgi.PING if first is None else asgi.sse_event(first)
            while True:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                try:
                    data = await outbox.get(self.ping_interval)
                except OutboxClosedError:
                    break
                chunk = asgi.PING if data is None else asgi.sse_event(data)
            if not watcher.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _listen(
        self,
        scope: asgi.Scope,
        request: jsonrpc.Request,
        client: ModernClient,
        receive: asgi.Receive,
        send: asgi.Send,
    ) -> None:
        try:
            honoured = accepted_filter(
                request.params.get("notifications"), self.subscriptions.supported
            )
        except jsonrpc.JsonRpcError as error:
            await _answer_error(send, request.id, error)
            return
        if not asgi.accepts(scope)[1]:
            await _refuse(
                send, request.id, jsonrpc.INVALID_REQUEST, "accept text/event-stream", 406
            )
            return
        outbox = Outbox(self.outbox_limit)
        subscription = self.subscriptions.open(request.id, honoured, outbox)
        client.add_listen_stream(outbox, subscription.resources)
        watcher = asyncio.get_running_loop().create_task(asgi.wait_for_disconnect(receive))
        watcher.add_done_callback(lambda _: outbox.close())
        try:
            watch = self.subscriptions.watch
            if watch is not None and any(map(watch.watches, subscription.resources)):
                await watch.watch(client)  # acknowledged once every later update is announced
            outbox.put(
                subscription.tagged(
                    "notifications/subscriptions/acknowledged", {"notifications": honoured}
                )
            )
            await send({"type": "http.response.start", "status": 200, "headers": asgi.SSE_HEADERS})
            while True:
                try:
                    data = await outbox.get(self.ping_interval)
                except OutboxClosedError:
                    break
                chunk = asgi.PING if data is None else asgi.sse_event(data)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if not watcher.done():  # the server ended it: say so gracefully
                ending = jsonrpc.result_message(
                    request.id,
                    {"resultType": "complete", "_meta": {modern.SUBSCRIPTION_ID_META: request.id}},
                )
                await send(
                    {
                        "type": "http.response.body",
                        "body": asgi.sse_event(jsonrpc.encode(ending)),
                        "more_body": False,
                    }
                )
        finally:
            self.subscriptions.close(subscription)
            client.remove_listen_stream(outbox)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def _drop(_message: object) -> None:
    """Where notifications go for a client that accepts no stream: nowhere."""


async def _next(outbox: Outbox, ping_interval: float) -> bytes | None:
    """The first message; None if the outbox closed empty or stayed silent past a ping."""
    try:
        return await outbox.get(ping_interval)
    except OutboxClosedError:
        return None


async def _answer_error(
    send: asgi.Send, request_id: jsonrpc.RequestId | None, error: jsonrpc.JsonRpcError
) -> None:
    message = jsonrpc.error_message(request_id, error)
    await asgi.respond(send, modern.http_status(message), jsonrpc.encode(message), asgi.JSON)


async def _refuse(
    send: asgi.Send,
    request_id: jsonrpc.RequestId | None,
    code: int,
    text: str,
    status: int | None = None,
) -> None:
    message = jsonrpc.error_message(request_id, jsonrpc.JsonRpcError(code, text))
    if request_id is None:
        del message["id"]  # 2026-07-28 ids are strings or integers: unknown means absent
    status = status or modern.http_status(message)
    await asgi.respond(send, status, jsonrpc.encode(message), asgi.JSON, status_headers(status))
