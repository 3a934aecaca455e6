"""Carries each client message from stdin to `/mcp` in its era, and every answer to stdout.

Both eras of docs/architecture.md ("Two eras on one endpoint"), decided per message:

- `initialize` starts a handshake-era session: it is POSTed without a session, and the
  answer's `Mcp-Session-Id` and negotiated version go on every later POST. After
  `notifications/initialized`, the session's GET stream is opened and relayed, so requests
  and notifications the server sends on its own (sampling, elicitation, log messages) reach
  the client; the client's answers to them are POSTed back.
- A request whose `_meta` names a 2026-07-28-era version is POSTed statelessly with the
  headers its body implies (`headers.py`). On stdio, `notifications/cancelled` is how such a
  request is cancelled, and on HTTP closing the response is: the bridge does the latter.

Requests run concurrently, one task each; answers (JSON or every message of an SSE stream,
in order) are written as they come. Every request gets exactly one answer unless the client
cancelled it: an HTTP error with a JSON-RPC body is relayed (given the request's id when it
has none, so the client can match it), and a failed connection or an answer that is not
JSON-RPC becomes a JSON-RPC error for that id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from server.bridge import sse
from server.bridge.headers import modern_headers, modern_version
from server.bridge.stdio import LineWriter
from server.mcp import jsonrpc

logger = logging.getLogger(__name__)

ACCEPT = "application/json, text/event-stream"
SESSION_HEADER = "mcp-session-id"
VERSION_HEADER = "mcp-protocol-version"
# Seconds the requests still running at end of input get to answer before they are dropped.
CLOSE_GRACE = 5.0
# Seconds the DELETE that ends the session may take at exit. It only bounds a hung server: a
# busy one can take more than a second or two to answer, and a session left behind stays in
# the app's client list until its idle timeout.
END_SESSION_TIMEOUT = 5.0

RequestId = str | int
Observer = Callable[[httpx.Response | None, dict[str, Any]], None]


class Relay:
    def __init__(self, url: str, writer: LineWriter, http: httpx.AsyncClient) -> None:
        self.url = url
        self.writer = writer
        self.http = http
        self.session_id: str | None = None
        self.protocol_version: str | None = None
        self._requests: dict[RequestId, asyncio.Task[None]] = {}
        self._stateless: dict[RequestId, asyncio.Task[None]] = {}  # cancelled by closing
        self._cancelled: set[RequestId] = set()
        self._streams: set[asyncio.Task[None]] = set()  # the GET stream, listen streams
        self._initializing: asyncio.Task[None] | None = None

    # --- from the client -------------------------------------------------------------------

    async def handle_line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message = json.loads(line)
        except ValueError:
            await self._error(None, jsonrpc.PARSE_ERROR, "Parse error: a line is not JSON")
            return
        await self.handle(message)

    async def handle(self, message: Any) -> None:
        if not (isinstance(message, dict) and modern_version(message) is not None):
            # Handshake-era messages after `initialize` need its session: a client that
            # does not wait for the answer (a script) must not overtake it.
            await self._initialized()
        if isinstance(message, list):  # a batch (2025-03-26 only): one POST, as it came
            self._start(message, _request_ids(message), self._session_headers())
            return
        if not isinstance(message, dict):
            await self._error(None, jsonrpc.INVALID_REQUEST, "Invalid Request: not an object")
            return
        method, message_id = message.get("method"), message.get("id")
        if isinstance(method, str) and "id" in message:
            if isinstance(message_id, str | int) and jsonrpc.is_request_id(message_id):
                self._request(message, message_id)
            else:
                await self._error(None, jsonrpc.INVALID_REQUEST, "Invalid Request: bad id")
        elif isinstance(method, str):
            await self._notification(message, method)
        elif "result" in message or "error" in message:
            await self._answer_to_server(message)
        else:
            await self._error(None, jsonrpc.INVALID_REQUEST, "Invalid Request")

    async def _initialized(self) -> None:
        initializing = self._initializing
        if initializing is not None and not initializing.done():
            await asyncio.wait({initializing})

    def _request(self, message: dict[str, Any], request_id: RequestId) -> None:
        version = modern_version(message)
        if message["method"] == "initialize":
            self._initializing = self._start(message, [request_id], {}, self._observe_initialize)
        elif version is not None:
            task = self._start(message, [request_id], modern_headers(message, version))
            self._stateless[request_id] = task
            task.add_done_callback(lambda _: self._stateless.pop(request_id, None))
            if message["method"] == "subscriptions/listen":
                # Lives as long as the subscription: not a request to wait for at the end.
                self._requests.pop(request_id, None)
                self._streams.add(task)
                task.add_done_callback(self._streams.discard)
        else:
            self._start(message, [request_id], self._session_headers())

    async def _notification(self, message: dict[str, Any], method: str) -> None:
        if method == "notifications/cancelled":
            params = message.get("params")
            target = params.get("requestId") if isinstance(params, dict) else None
            if isinstance(target, str | int):
                if target in self._requests or target in self._stateless:
                    self._cancelled.add(target)  # its answer, if any, is not expected
                stateless = self._stateless.get(target)
                if stateless is not None:
                    stateless.cancel()  # closes its response: the server cancels the work
                    return
        version = modern_version(message)
        if self.session_id is not None and version is None:
            status = await self._post_quietly(message, self._session_headers())
            if method == "notifications/initialized" and status == 202:
                self._open_server_stream()
        elif version is not None:
            await self._post_quietly(message, modern_headers(message, version))
        else:
            logger.debug("dropped %s: there is no session to deliver it to", method)

    async def _answer_to_server(self, message: dict[str, Any]) -> None:
        if self.session_id is None:
            logger.warning("dropped a response: there is no session that asked for it")
            return
        await self._post_quietly(message, self._session_headers())

    # --- to the server ---------------------------------------------------------------------

    def _start(
        self,
        message: Any,
        request_ids: list[RequestId],
        headers: dict[str, str],
        observe: Observer | None = None,
    ) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(
            self._exchange(message, request_ids, headers, observe)
        )
        for request_id in request_ids:
            self._requests[request_id] = task

        def finished(_: asyncio.Task[None]) -> None:
            for request_id in request_ids:
                if self._requests.get(request_id) is task:
                    del self._requests[request_id]
                self._cancelled.discard(request_id)

        task.add_done_callback(finished)
        return task

    async def _exchange(
        self,
        message: Any,
        request_ids: list[RequestId],
        headers: dict[str, str],
        observe: Observer | None,
    ) -> None:
        """POST one message and relay its answer; unanswered requests get an error."""
        pending = set(request_ids)
        problem = "the server sent no answer"
        try:
            async with self.http.stream(
                "POST", self.url, content=_encode(message), headers=_post_headers(headers)
            ) as response:
                problem = await self._relay_answer(response, pending, observe)
        except httpx.HTTPError as error:
            problem = f"cannot reach chatlog-tray at {self.url}: {_describe(error)}"
            logger.warning("%s", problem)
        for request_id in pending - self._cancelled:
            await self._error(request_id, jsonrpc.SERVER_ERROR, problem)

    async def _relay_answer(
        self, response: httpx.Response, pending: set[RequestId], observe: Observer | None
    ) -> str:
        """Relay what the response carries; returns why a request left pending got no answer."""
        kind = _content_type(response)
        if kind == "text/event-stream" and response.status_code == 200:
            async for data in sse.message_data(response):
                await self._forward_text(data, pending, response, observe)
            return "the server ended its stream without an answer"
        body = await response.aread()
        if response.status_code == 202:
            return "the server accepted the request but sent no answer"
        payload = _json(body) if kind == "application/json" else None
        if _is_jsonrpc(payload):
            await self._forward(payload, pending, response, observe)
            return f"the server answered HTTP {response.status_code} without an answer"
        what = kind or "no content type"
        problem = f"the server answered HTTP {response.status_code} ({what}), not JSON-RPC"
        logger.warning("%s", problem)
        return problem

    async def _forward_text(
        self,
        data: str,
        pending: set[RequestId],
        response: httpx.Response | None,
        observe: Observer | None,
    ) -> None:
        payload = _json(data.encode("utf-8"))
        if _is_jsonrpc(payload):
            await self._forward(payload, pending, response, observe)
        else:
            logger.warning("skipped an event that is not JSON-RPC")

    async def _forward(
        self,
        payload: Any,
        pending: set[RequestId],
        response: httpx.Response | None,
        observe: Observer | None,
    ) -> None:
        for message in payload if isinstance(payload, list) else [payload]:
            if not isinstance(message, dict):
                continue
            is_answer = "result" in message or "error" in message
            if is_answer and message.get("id") is None and len(pending) == 1:
                # An HTTP-level refusal (401, 400) knows no id; the client needs it to match.
                message = {**message, "id": next(iter(pending))}
            if is_answer:
                pending.discard(message.get("id"))
            if observe is not None:
                observe(response, message)
            await self.writer.write(message)

    def _observe_initialize(self, response: httpx.Response | None, message: dict[str, Any]) -> None:
        result = message.get("result")
        if response is None or not isinstance(result, dict):
            return
        session_id = response.headers.get(SESSION_HEADER)
        version = result.get("protocolVersion")
        if session_id:
            self.session_id = session_id
            self.protocol_version = version if isinstance(version, str) else None
            logger.info("session started (protocol %s)", self.protocol_version)

    async def _post_quietly(self, message: Any, headers: dict[str, str]) -> int | None:
        """POST a notification or response; problems are logged (nothing to answer)."""
        try:
            response = await self.http.post(
                self.url, content=_encode(message), headers=_post_headers(headers)
            )
        except httpx.HTTPError as error:
            logger.warning("cannot reach chatlog-tray at %s: %s", self.url, _describe(error))
            return None
        if response.status_code >= 400:
            logger.warning("the server refused a message: HTTP %d", response.status_code)
        return response.status_code

    def _open_server_stream(self) -> None:
        task = asyncio.get_running_loop().create_task(self._server_stream())
        self._streams.add(task)
        task.add_done_callback(self._streams.discard)

    async def _server_stream(self) -> None:
        """Relay the session's GET stream: what the server says on its own."""
        headers = {"accept": "text/event-stream", **self._session_headers()}
        try:
            async with self.http.stream("GET", self.url, headers=headers) as response:
                if response.status_code != 200:
                    logger.info("no server stream (HTTP %d)", response.status_code)
                    return
                async for data in sse.message_data(response):
                    await self._forward_text(data, set(), None, None)
        except httpx.HTTPError as error:
            logger.info("the server stream ended: %s", _describe(error))

    def _session_headers(self) -> dict[str, str]:
        headers = {}
        if self.session_id is not None:
            headers[SESSION_HEADER] = self.session_id
        if self.protocol_version is not None:
            headers[VERSION_HEADER] = self.protocol_version
        return headers

    async def _error(self, request_id: RequestId | None, code: int, text: str) -> None:
        error = jsonrpc.error_message(request_id, jsonrpc.JsonRpcError(code, text))
        await self.writer.write(error)

    # --- the end ---------------------------------------------------------------------------

    async def close(self, grace: float | None = None) -> None:
        """At end of input: let running requests answer briefly, then end the session."""
        grace = CLOSE_GRACE if grace is None else grace
        running = set(self._requests.values())
        if running and grace > 0:
            await asyncio.wait(running, timeout=grace)
        await _cancel_all([*self._requests.values(), *self._streams])
        if self.session_id is not None:
            try:
                await self.http.delete(
                    self.url, headers=self._session_headers(), timeout=END_SESSION_TIMEOUT
                )
            except httpx.HTTPError as error:
                logger.info("cannot end the session: %s", _describe(error))
            self.session_id = None


async def _cancel_all(tasks: Iterable[asyncio.Task[None]]) -> None:
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _request_ids(batch: list[Any]) -> list[RequestId]:
    return [
        message["id"]
        for message in batch
        if isinstance(message, dict) and "method" in message
        if jsonrpc.is_request_id(message.get("id"))
    ]


def _post_headers(headers: dict[str, str]) -> dict[str, str]:
    return {"accept": ACCEPT, "content-type": "application/json", **headers}


def _encode(message: Any) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _content_type(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";")[0].strip().lower()


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


def _is_jsonrpc(payload: Any) -> bool:
    if isinstance(payload, list):
        return bool(payload) and all(isinstance(item, dict) for item in payload)
    return isinstance(payload, dict) and ("jsonrpc" in payload or "error" in payload)


def _describe(error: httpx.HTTPError) -> str:
    cause = error.__cause__ or error.__context__
    text = str(error) or (str(cause) if cause is not None else "")
    return text or type(error).__name__
