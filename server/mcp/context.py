"""What a request's handler can do while it runs: progress, logs and requests to the client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from server.mcp import jsonrpc
from server.mcp.sessions import LOG_LEVELS, ClientRequestError, Session

# Where a message goes: a stream, a POST's answer or a batch collector.
Deliver = Callable[[Any], object]

CLIENT_REQUEST_TIMEOUT = 300.0


class RequestContext:
    """Implements `ToolContext` for one request; `notify` routes to the request's stream."""

    __slots__ = ("_last_progress", "notify", "progress_token", "request_id", "session")

    def __init__(self, session: Session, request: jsonrpc.Request, notify: Deliver) -> None:
        self.session = session
        self.request_id = request.id
        self.notify = notify
        meta = request.params.get("_meta")
        token = meta.get("progressToken") if isinstance(meta, dict) else None
        valid = isinstance(token, str) or (isinstance(token, int) and not isinstance(token, bool))
        self.progress_token: str | int | None = token if valid else None
        self._last_progress: float | None = None

    @property
    def session_id(self) -> str:
        return self.session.id

    @property
    def client_capabilities(self) -> jsonrpc.JsonObject:
        return self.session.client_capabilities

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self.progress_token is None:
            return
        if self._last_progress is not None and progress <= self._last_progress:
            return  # the spec requires progress to increase with every notification
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
        if LOG_LEVELS.index(level) < LOG_LEVELS.index(self.session.log_level):
            return
        params: jsonrpc.JsonObject = {"level": level, "data": data}
        if logger is not None:
            params["logger"] = logger
        self.notify(jsonrpc.notification_message("notifications/message", params))

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
