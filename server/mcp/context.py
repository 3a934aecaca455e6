"""What a request's handler can do while it runs: progress, logs and input from the client.

`RequestContext` serves a handshake-era request: messages go to the request's stream or the
session's, and input is asked for with a server-to-client request on the session.
`ModernContext` serves a 2026-07-28 request: progress goes to the request's own response
stream, log messages only when the request asked for them in `_meta`, and input is asked for
with an `InputRequiredResult` (see `server/mcp/mrtr.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from server.mcp import jsonrpc, modern, mrtr
from server.mcp.clients import Client
from server.mcp.mrtr import InputRequest
from server.mcp.protocol import LOG_LEVELS
from server.mcp.sessions import ClientRequestError, Session

# Where a message goes: a stream, a POST's answer or a batch collector.
Deliver = Callable[[Any], object]

CLIENT_REQUEST_TIMEOUT = 300.0


class _Context:
    """What both eras' contexts share: progress (increasing, as the spec requires, and only
    when the request asked for it) and log messages at or above the wanted level."""

    __slots__ = ("_last_progress", "notify", "progress_token", "request_id")

    def __init__(self, request: jsonrpc.Request, notify: Deliver) -> None:
        self.request_id = request.id
        self.notify = notify
        meta = request.params.get("_meta")
        token = meta.get("progressToken") if isinstance(meta, dict) else None
        self.progress_token: str | int | None = token if jsonrpc.is_request_id(token) else None
        self._last_progress: float | None = None

    def _log_level(self) -> str | None:
        """The least severe level to send; None sends none."""
        raise NotImplementedError

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self.progress_token is None:
            return
        if self._last_progress is not None and progress <= self._last_progress:
            return
        self._last_progress = progress
        params: jsonrpc.JsonObject = {"progressToken": self.progress_token, "progress": progress}
        if total is not None:
            params["total"] = total
        if message is not None:
            params["message"] = message
        self.notify(jsonrpc.notification_message("notifications/progress", params))

    async def log(self, level: str, data: Any, logger: str | None = None) -> None:
        if level not in LOG_LEVELS:
            raise ValueError(f"unknown log level {level!r}")
        wanted = self._log_level()
        if wanted is None or LOG_LEVELS.index(level) < LOG_LEVELS.index(wanted):
            return
        params: jsonrpc.JsonObject = {"level": level, "data": data}
        if logger is not None:
            params["logger"] = logger
        self.notify(jsonrpc.notification_message("notifications/message", params))


class RequestContext(_Context):
    """Implements `ToolContext` for one handshake-era request."""

    __slots__ = ("session",)

    def __init__(self, session: Session, request: jsonrpc.Request, notify: Deliver) -> None:
        super().__init__(request, notify)
        self.session = session

    @property
    def client(self) -> Client:
        return self.session

    @property
    def client_capabilities(self) -> jsonrpc.JsonObject:
        return self.session.client_capabilities

    def _log_level(self) -> str | None:
        return self.session.log_level

    async def request_client(self, method: str, params: jsonrpc.JsonObject) -> jsonrpc.JsonObject:
        request_id, future = self.session.new_client_request()
        self.notify(jsonrpc.request_message(request_id, method, params))
        try:
            async with asyncio.timeout(CLIENT_REQUEST_TIMEOUT):
                return await future
        except TimeoutError:
            raise ClientRequestError(f"the client did not answer {method} in time") from None
        finally:
            future.cancel()

    async def request_inputs(
        self, requests: dict[str, InputRequest]
    ) -> dict[str, jsonrpc.JsonObject]:
        """Ask the client every question at once, on the session; answers by key."""
        keys = list(requests)
        answers = await asyncio.gather(
            *(self.request_client(requests[key].method, requests[key].params) for key in keys)
        )
        return dict(zip(keys, answers, strict=True))


class ModernContext(_Context):
    """Implements `ToolContext` for one 2026-07-28 request."""

    __slots__ = ("_answers", "client", "client_capabilities", "log_level")

    def __init__(
        self,
        client: Client,
        request: jsonrpc.Request,
        meta: jsonrpc.JsonObject,
        notify: Deliver,
        answers: jsonrpc.JsonObject,
    ) -> None:
        super().__init__(request, notify)
        self.client = client
        capabilities = meta.get(modern.CLIENT_CAPABILITIES_META)
        self.client_capabilities: jsonrpc.JsonObject = (
            capabilities if isinstance(capabilities, dict) else {}
        )
        level = meta.get(modern.LOG_LEVEL_META)
        # No level in _meta: the client asked for no log messages at all.
        self.log_level: str | None = level if level in LOG_LEVELS else None
        self._answers = answers

    def _log_level(self) -> str | None:
        return self.log_level

    async def request_client(self, method: str, params: jsonrpc.JsonObject) -> jsonrpc.JsonObject:
        key = method.replace("/", "_")
        return (await self.request_inputs({key: InputRequest(method, params)}))[key]

    async def request_inputs(
        self, requests: dict[str, InputRequest]
    ) -> dict[str, jsonrpc.JsonObject]:
        """The answers to every question if the client has sent them all; otherwise end
        this round with an `InputRequiredResult` asking for the ones still missing."""
        for request in requests.values():
            capability = mrtr.missing_capability(request.method, self.client_capabilities)
            if capability is not None:
                raise jsonrpc.JsonRpcError(
                    jsonrpc.MISSING_CLIENT_CAPABILITY,
                    f"this needs the client capability {capability!r}, which it did not declare",
                    {"requiredCapabilities": {capability: {}}},
                )
        missing = {
            key: request
            for key, request in requests.items()
            if not mrtr.answers_question(request.method, self._answers.get(key) or {})
        }
        if missing:
            raise mrtr.InputRequiredError(missing)
        return {key: self._answers[key] for key in requests}
