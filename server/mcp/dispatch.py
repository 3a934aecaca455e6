"""MCP method dispatch: one table from method name to handler, for both eras.

`Dispatcher.handle` answers one handshake-era request and `handle_modern` one 2026-07-28
request; both return the result or raise `JsonRpcError`. Nothing here counts requests or
touches a client's bookkeeping: `Client.submit` owns that. Notifications of the handshake era
are handled inline by `notify`, never queued, so `notifications/cancelled` overtakes the work
it cancels.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from server.mcp import jsonrpc, modern, protocol
from server.mcp.context import ModernContext, RequestContext
from server.mcp.features import PromptRegistry, ResourceRegistry
from server.mcp.protocol import LOG_LEVELS
from server.mcp.sessions import Session
from server.mcp.subscriptions import ResourceWatch
from server.mcp.tools import ToolRegistry

logger = logging.getLogger(__name__)

HandlerContext = RequestContext | ModernContext
Handler = Callable[[jsonrpc.Request, HandlerContext], Awaitable[jsonrpc.JsonObject]]

# Methods a client may send before `initialize` has completed.
ALLOWED_BEFORE_INITIALIZE = frozenset({"initialize", "ping"})
# Handshake-era methods that 2026-07-28 removed: a modern request for them gets 404/-32601.
REMOVED_IN_MODERN = frozenset(
    {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"}
)

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
        announced: frozenset[str] = frozenset(),
        resource_watch: ResourceWatch | None = None,
    ) -> None:
        self.tools = tools
        self.announced = announced  # what subscriptions/listen can deliver
        self.resource_watch = resource_watch  # what announces resource updates
        self.resources = resources or ResourceRegistry()
        self.prompts = prompts or PromptRegistry()
        self.instructions = instructions
        self.server_info = {
            "name": protocol.SERVER_NAME,
            "title": "Chatlog Tray",
            "version": protocol.server_version(),
        }
        # Methods both eras share.
        self._methods: dict[str, Handler] = {
            "tools/list": self._tools_list,
            "tools/call": self._tools_call,
            "resources/list": self._resources_list,
            "resources/templates/list": self._resource_templates_list,
            "resources/read": self._resources_read,
            "prompts/list": self._prompts_list,
            "prompts/get": self._prompts_get,
            "completion/complete": self._complete,
        }
        self._handshake_methods: dict[str, Handler] = {
            **self._methods,
            "initialize": self._initialize,
            "ping": self._ping,
            "resources/subscribe": self._resources_subscribe,
            "resources/unsubscribe": self._resources_unsubscribe,
            "logging/setLevel": self._set_level,
        }
        self._modern_methods: dict[str, Handler] = {
            **self._methods,
            "server/discover": self._discover,
        }

    def knows_modern(self, method: str) -> bool:
        return method in self._modern_methods

    async def handle(
        self, session: Session, request: jsonrpc.Request, context: RequestContext
    ) -> jsonrpc.JsonObject:
        handler = self._handshake_methods.get(request.method)
        if handler is None:
            raise jsonrpc.JsonRpcError(
                jsonrpc.METHOD_NOT_FOUND, f"Method not found: {request.method}"
            )
        if not session.initialized and request.method not in ALLOWED_BEFORE_INITIALIZE:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_REQUEST, "Session not initialized: send initialize first"
            )
        return await handler(request, context)

    async def handle_modern(
        self, request: jsonrpc.Request, context: ModernContext
    ) -> jsonrpc.JsonObject:
        handler = self._modern_methods.get(request.method)
        if handler is None:
            raise jsonrpc.JsonRpcError(
                jsonrpc.METHOD_NOT_FOUND, f"Method not found: {request.method}"
            )
        return modern.complete_result(
            request.method, await handler(request, context), self.server_info
        )

    def notify(self, session: Session, notification: jsonrpc.Notification) -> None:
        """Handle a client notification; unknown ones are ignored, as the spec asks."""
        session.touch()
        if notification.method == "notifications/cancelled":
            request_id = notification.params.get("requestId")
            if isinstance(request_id, str | int) and session.cancel_request(request_id):
                logger.debug("session %s cancelled request %r", session.handle, request_id)
        elif notification.method == "notifications/initialized":
            session.initialized = True
            session.saw_initialized_notification = True

    def capabilities(self) -> jsonrpc.JsonObject:
        return {
            "tools": {"listChanged": False},
            "resources": {"subscribe": True, "listChanged": False},
            "prompts": {"listChanged": False},
            "logging": {},
            "completions": {},
        }

    # --- lifecycle -------------------------------------------------------------------------

    async def _initialize(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        session = _session_of(context)
        if session.protocol_version is not None:
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_REQUEST, "Session already initialized")
        params = request.params
        client = params.get("clientInfo")
        if isinstance(client, dict):
            session.identify(client.get("name"), client.get("version"))
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

    async def _discover(
        self, _request: jsonrpc.Request, _context: HandlerContext
    ) -> jsonrpc.JsonObject:
        return {
            "supportedVersions": list(protocol.MODERN_VERSIONS),
            "capabilities": modern.capabilities(self.announced),
            "instructions": self.instructions,
        }

    async def _ping(self, *_: Any) -> jsonrpc.JsonObject:
        return {}

    async def _set_level(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        level = request.params.get("level")
        if level not in LOG_LEVELS:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS,
                f"Invalid log level: {level!r}",
                {"levels": list(LOG_LEVELS)},
            )
        _session_of(context).log_level = level
        return {}

    # --- tools, resources, prompts -------------------------------------------------------

    async def _tools_list(
        self, request: jsonrpc.Request, _context: HandlerContext
    ) -> jsonrpc.JsonObject:
        return self.tools.list_page(request.params.get("cursor"))

    async def _tools_call(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        params = request.params
        return await self.tools.call(params.get("name"), params.get("arguments"), context)

    async def _resources_list(
        self, request: jsonrpc.Request, _context: HandlerContext
    ) -> jsonrpc.JsonObject:
        return await self.resources.list_page(request.params.get("cursor"))

    async def _resource_templates_list(
        self, request: jsonrpc.Request, _context: HandlerContext
    ) -> jsonrpc.JsonObject:
        return self.resources.list_templates_page(request.params.get("cursor"))

    async def _resources_read(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        try:
            return await self.resources.read(request.params.get("uri"))
        except jsonrpc.JsonRpcError as error:
            if error.code == jsonrpc.RESOURCE_NOT_FOUND and isinstance(context, ModernContext):
                # 2026-07-28 folds "resource not found" into invalid params.
                raise jsonrpc.JsonRpcError(
                    jsonrpc.INVALID_PARAMS, error.message, error.data
                ) from None
            raise

    async def _resources_subscribe(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        # Updates are announced for the resources the watch knows (the chat resources); a
        # subscription to any other resource (static for the life of the server) is accepted
        # and never fires. Answered once every later update will be announced.
        uri = _uri_of(request)
        session = _session_of(context)
        session.subscribe_resource(uri)
        watch = self.resource_watch
        if watch is not None and watch.watches(uri):
            await watch.watch(session)
        return {}

    async def _resources_unsubscribe(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        _session_of(context).unsubscribe_resource(_uri_of(request))
        return {}

    async def _prompts_list(
        self, request: jsonrpc.Request, _context: HandlerContext
    ) -> jsonrpc.JsonObject:
        return self.prompts.list_page(request.params.get("cursor"))

    async def _prompts_get(
        self, request: jsonrpc.Request, context: HandlerContext
    ) -> jsonrpc.JsonObject:
        params = request.params
        return await self.prompts.get(params.get("name"), params.get("arguments"), context)

    async def _complete(
        self, request: jsonrpc.Request, _context: HandlerContext
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


def _uri_of(request: jsonrpc.Request) -> str:
    uri = request.params.get("uri")
    if not isinstance(uri, str) or not uri:
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "uri must be a string")
    return uri


def _session_of(context: HandlerContext) -> Session:
    # Only handshake-era methods call this, and only a handshake request reaches them.
    assert isinstance(context, RequestContext)
    return context.session
