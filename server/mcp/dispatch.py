"""MCP method dispatch: one table from method name to handler, one place errors become wire.

`Dispatcher.run` is the body of one queued job: it answers a request (or stays silent when the
request was cancelled) and keeps the session's counters. Notifications are handled inline by
`Dispatcher.notify`, never queued, so `notifications/cancelled` overtakes the work it cancels.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from server.mcp import jsonrpc, protocol
from server.mcp.context import Deliver, RequestContext
from server.mcp.features import PromptRegistry, ResourceRegistry
from server.mcp.sessions import LOG_LEVELS, ClientRequestError, Session
from server.mcp.tools import ToolRegistry

logger = logging.getLogger(__name__)

Handler = Callable[[Session, jsonrpc.Request, RequestContext], Awaitable[jsonrpc.JsonObject]]

# Methods a client may send before `initialize` has completed.
ALLOWED_BEFORE_INITIALIZE = frozenset({"initialize", "ping"})

INSTRUCTIONS = (
    "Chatlog Tray gives read-only access to the user's own WeChat chat history on this "
    "computer. Use current_time to turn relative dates into absolute ones before querying."
)


class Dispatcher:
    def __init__(
        self,
        tools: ToolRegistry,
        resources: ResourceRegistry | None = None,
        prompts: PromptRegistry | None = None,
        instructions: str = INSTRUCTIONS,
    ) -> None:
        self.tools = tools
        self.resources = resources or ResourceRegistry()
        self.prompts = prompts or PromptRegistry()
        self.instructions = instructions
        self.server_info = {
            "name": protocol.SERVER_NAME,
            "title": "Chatlog Tray",
            "version": protocol.server_version(),
        }
        self._methods: dict[str, Handler] = {
            "initialize": self._initialize,
            "ping": self._ping,
            "tools/list": self._tools_list,
            "tools/call": self._tools_call,
            "resources/list": self._resources_list,
            "resources/templates/list": self._resource_templates_list,
            "resources/read": self._resources_read,
            "resources/subscribe": self._resources_subscribe,
            "resources/unsubscribe": self._resources_subscribe,
            "prompts/list": self._prompts_list,
            "prompts/get": self._prompts_get,
            "completion/complete": self._complete,
            "logging/setLevel": self._set_level,
        }

    async def run(
        self, session: Session, request: jsonrpc.Request, respond: Deliver, notify: Deliver
    ) -> None:
        """Answer one request through `respond`; silent if cancelled."""
        context = RequestContext(session, request, notify)
        try:
            result = await self.handle(session, request, context)
            response = jsonrpc.result_message(request.id, result)
        except asyncio.CancelledError:
            raise
        except jsonrpc.JsonRpcError as error:
            response = jsonrpc.error_message(request.id, error)
        except ClientRequestError as error:
            response = jsonrpc.error_message(
                request.id, jsonrpc.JsonRpcError(jsonrpc.INTERNAL_ERROR, str(error))
            )
        except Exception:
            logger.exception("%s failed in session %s", request.method, session.id)
            response = jsonrpc.error_message(
                request.id, jsonrpc.JsonRpcError(jsonrpc.INTERNAL_ERROR, "Internal error")
            )
        finally:
            session.in_flight.pop(request.id, None)
        session.requests_served += 1
        session.touch()
        respond(response)
        session.changed()

    async def handle(
        self, session: Session, request: jsonrpc.Request, context: RequestContext
    ) -> jsonrpc.JsonObject:
        handler = self._methods.get(request.method)
        if handler is None:
            raise jsonrpc.JsonRpcError(
                jsonrpc.METHOD_NOT_FOUND, f"Method not found: {request.method}"
            )
        if not session.initialized and request.method not in ALLOWED_BEFORE_INITIALIZE:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_REQUEST, "Session not initialized: send initialize first"
            )
        return await handler(session, request, context)

    def notify(self, session: Session, notification: jsonrpc.Notification) -> None:
        """Handle a client notification; unknown ones are ignored, as the spec asks."""
        session.touch()
        if notification.method == "notifications/cancelled":
            request_id = notification.params.get("requestId")
            job = session.in_flight.get(request_id) if isinstance(request_id, str | int) else None
            if job is not None and isinstance(request_id, str | int):
                logger.debug("session %s cancelled request %r", session.id, request_id)
                session.in_flight.pop(request_id, None)
                job.cancel()
                session.changed()
        elif notification.method == "notifications/initialized":
            session.initialized = True

    # --- lifecycle -------------------------------------------------------------------------

    async def _initialize(
        self, session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        if session.protocol_version is not None:
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_REQUEST, "Session already initialized")
        params = request.params
        client = params.get("clientInfo")
        if isinstance(client, dict):
            session.client_name = _short_text(client.get("name"))
            session.client_version = _short_text(client.get("version"))
        capabilities = params.get("capabilities")
        session.client_capabilities = capabilities if isinstance(capabilities, dict) else {}
        session.protocol_version = protocol.negotiate(params.get("protocolVersion"))
        # Requests are served as soon as initialize has been answered; the spec's
        # notifications/initialized is welcome but clients that skip it still work.
        session.initialized = True
        return {
            "protocolVersion": session.protocol_version,
            "capabilities": self.capabilities(),
            "serverInfo": self.server_info,
            "instructions": self.instructions,
        }

    def capabilities(self) -> jsonrpc.JsonObject:
        return {
            "tools": {"listChanged": False},
            "resources": {"subscribe": True, "listChanged": False},
            "prompts": {"listChanged": False},
            "logging": {},
            "completions": {},
        }

    async def _ping(self, *_: Any) -> jsonrpc.JsonObject:
        return {}

    async def _set_level(
        self, session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        level = request.params.get("level")
        if level not in LOG_LEVELS:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS,
                f"Invalid log level: {level!r}",
                {"levels": list(LOG_LEVELS)},
            )
        session.log_level = level
        return {}

    # --- tools, resources, prompts -------------------------------------------------------

    async def _tools_list(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        return self.tools.list_page(request.params.get("cursor"))

    async def _tools_call(
        self, _session: Session, request: jsonrpc.Request, context: RequestContext
    ) -> jsonrpc.JsonObject:
        params = request.params
        return await self.tools.call(params.get("name"), params.get("arguments"), context)

    async def _resources_list(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        return self.resources.list_page(request.params.get("cursor"))

    async def _resource_templates_list(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        return self.resources.list_templates_page(request.params.get("cursor"))

    async def _resources_read(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        return await self.resources.read(request.params.get("uri"))

    async def _resources_subscribe(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        # Every resource here is static for the life of the server, so a subscription is
        # accepted and simply never fires.
        uri = request.params.get("uri")
        if not isinstance(uri, str) or not uri:
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "uri must be a string")
        return {}

    async def _prompts_list(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        return self.prompts.list_page(request.params.get("cursor"))

    async def _prompts_get(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        params = request.params
        return await self.prompts.get(params.get("name"), params.get("arguments"))

    async def _complete(
        self, _session: Session, request: jsonrpc.Request, _context: RequestContext
    ) -> jsonrpc.JsonObject:
        ref, argument = request.params.get("ref"), request.params.get("argument")
        if not isinstance(ref, dict) or not isinstance(argument, dict):
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "ref and argument are required")
        name, value = argument.get("name"), argument.get("value", "")
        if not isinstance(name, str) or not isinstance(value, str):
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "argument needs name and value")
        values: list[str] = []
        if ref.get("type") == "ref/prompt":
            values = self.prompts.complete(str(ref.get("name")), name, value)
        elif ref.get("type") != "ref/resource":
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS, "ref.type must be ref/prompt or ref/resource"
            )
        return {"completion": {"values": values, "total": len(values), "hasMore": False}}


def _short_text(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None
