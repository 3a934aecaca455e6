"""The composition root of the server: builds every part from a ServerConfig and routes HTTP.

The MCP hot paths (`/mcp`, `/sse`, `/message`, `/messages`) and `/health` are plain ASGI
handlers in front of Quart, because routing a POST through Quart costs about as much CPU as the
whole MCP request; the HTTP API is a normal Quart app behind the same security gate. Importing
Quart takes longer than everything else at start-up, so it is imported on a worker thread once
the server is serving, and the Quart app is built when the first API request needs it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from quart import Blueprint, Quart

    from server.push.feed import ChangeFeed

from server import asgi
from server.client_tokens import ClientTokens
from server.config import ServerConfig
from server.mcp import jsonrpc
from server.mcp.clients import Client, ClientRegistry
from server.mcp.dispatch import Dispatcher
from server.mcp.features import PromptRegistry, ResourceRegistry
from server.mcp.service import McpService
from server.mcp.subscriptions import SubscriptionHub
from server.mcp.tools import Tool, ToolRegistry
from server.mcp.tools.current_time import CURRENT_TIME
from server.mcp.transports.common import rpc_error_body
from server.mcp.transports.sse import SseTransport
from server.mcp.transports.streamable_http import StreamableHttpTransport
from server.push.updates import ResourceUpdates
from server.push.webhooks import Webhooks
from server.security import SERVER_TOKEN_NAME, SecurityPolicy
from server.workqueue import WorkQueue

logger = logging.getLogger(__name__)

MCP_PATHS = frozenset({"/mcp", "/mcp/", "/sse", "/message", "/messages", "/messages/"})


@dataclass
class Extensions:
    """What the data layer (and test fixtures) add to the core server."""

    tools: list[Tool] = field(default_factory=list)
    resources: ResourceRegistry | None = None
    prompts: PromptRegistry | None = None
    # Where change notifications for `subscriptions/listen` streams come from.
    subscriptions: SubscriptionHub = field(default_factory=SubscriptionHub)
    # The apps the user connected, each with its own token (server/client_tokens.py), and
    # whether a request needs one (real data served without open access).
    client_tokens: ClientTokens | None = None
    requires_client_token: bool = False
    # Factories, called when the Quart app is built (after start-up, see the module docstring).
    blueprints: list[Callable[[], Blueprint]] = field(default_factory=list)
    health: Callable[[], dict[str, Any]] | None = None
    # The configured webhooks (server/push/webhooks.py), started and stopped with serving.
    webhooks: Webhooks = field(default_factory=lambda: Webhooks(()))
    # Called once when the application is closed for good (e.g. to close the data store).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # New messages of the chat data, for whatever pushes them (server/push/feed.py).
    feed: ChangeFeed | None = None


class Application:
    """The ASGI application plus handles on its parts (registry, queue) for the UI and tests."""

    def __init__(self, config: ServerConfig, extensions: Extensions | None = None) -> None:
        extensions = extensions or Extensions()
        self.config = config
        self.queue = WorkQueue(config.queue_capacity, config.workers)
        self.registry = ClientRegistry(
            self.queue, outbox_limit=config.max_pending_bytes, max_sessions=config.max_sessions
        )
        self.subscriptions = extensions.subscriptions
        if self.subscriptions.watch is not None:
            self.subscriptions.watch.attach(self.registry, self.subscriptions)
        self.feed = extensions.feed
        tools = ToolRegistry([CURRENT_TIME, *extensions.tools])
        self.dispatcher = Dispatcher(
            tools,
            extensions.resources,
            extensions.prompts,
            announced=extensions.subscriptions.supported,
            resource_watch=extensions.subscriptions.watch,
        )
        self.service = McpService(
            self.dispatcher, self.queue, self.registry, config.session_idle_timeout
        )
        bodies = asgi.BodyReader(config.max_body_bytes, config.body_timeout)
        self.sse = SseTransport(self.service, config.ping_interval, bodies)
        self.streamable = StreamableHttpTransport(
            self.service,
            self.subscriptions,
            config.ping_interval,
            bodies,
            config.max_pending_bytes,
        )
        self.client_tokens = extensions.client_tokens
        self.security = SecurityPolicy(
            config, extensions.client_tokens, extensions.requires_client_token
        )
        self._token_refresher: asyncio.Task[None] | None = None
        self._health_extra = extensions.health
        self.webhooks = extensions.webhooks
        self._closers = extensions.closers
        self._blueprints = extensions.blueprints
        self._web: Quart | None = None
        self._web_lock = asyncio.Lock()
        self._web_import: asyncio.Future[None] | None = None
        self._routes: dict[str, asgi.AsgiApp] = {
            "/mcp": self.streamable,
            "/mcp/": self.streamable,
            "/sse": self.sse.open_stream,
            "/message": self.sse.post_message,
            "/messages": self.sse.post_message,
            "/messages/": self.sse.post_message,
            "/health": self._health_route,
        }
        # Every running HTTP request's task, so a stop can cancel what will not end by itself.
        self.request_tasks: set[asyncio.Task[Any]] = set()

    async def reconfigure(self, replacement: Application) -> None:
        """Serve with `replacement`'s settings and content, keeping every connected client.

        `replacement` is a new Application built for the new config (by the same factory as
        this one) and never started; this one takes its limits, its tools and data (a new
        data folder or key), its security policy (token, origins, open access) and its
        closers, while sessions, streams, the queue and running requests stay. Settings that
        need a new socket (host, port) are not taken here: see `restart_needed` in
        server/settings_schema.py. Runs on the serving loop; the old content is closed last.
        """
        config, previous = replacement.config, self.config
        refused = self._clients_refused_by(replacement)
        old_closers, old_web, old_refresher = self._closers, self._web, self._token_refresher
        self.config = config
        self.queue.resize(config.queue_capacity, config.workers)
        self.registry.max_sessions = config.max_sessions
        self.service.idle_timeout = config.session_idle_timeout
        self.sse.ping_interval = config.ping_interval
        self.streamable.set_ping_interval(config.ping_interval)
        # Requests already dispatched finish on the old tools; the next ones use the new.
        self.dispatcher = self.service.dispatcher = replacement.dispatcher
        self.security = replacement.security
        self.client_tokens = replacement.client_tokens
        self._health_extra = replacement._health_extra
        self._closers = replacement._closers
        self._blueprints = replacement._blueprints
        self._web = None  # rebuilt on the next API request, over the new data
        self._token_refresher = None
        if old_refresher is not None:
            old_refresher.cancel()
        if self.sse.accepting and self.client_tokens is not None:
            loop = asyncio.get_running_loop()
            self._token_refresher = loop.create_task(_refresh_tokens(self.client_tokens))
        for client in refused:
            # Its next request would be refused anyway; its open stream must not outlive that.
            self.registry.close(client, "the server's access settings changed")
        await self._take_push(replacement, previous)
        # The new settings serve from here on; what follows only releases the old content,
        # and a failure there is logged, not passed on as a failed Apply.
        try:
            if old_web is not None:
                await old_web.shutdown()
            for close in old_closers:
                await close()
        except Exception:
            logger.exception("releasing the previous settings' resources failed")
        logger.info("settings applied without a restart")

    async def _take_push(self, replacement: Application, previous: ServerConfig) -> None:
        """What pushes new messages, across a live Apply. On the same data the running change
        feed stays (the replacement's, never started, is dropped), so no message falls
        between two feeds, and unchanged webhooks keep running with their queues. New data
        brings the replacement's feed: resource subscriptions stay with this application's
        hub, whose watch follows it, and the webhooks start again on it."""
        old_feed, new_feed = self.feed, replacement.feed
        same_data = (
            old_feed is not None and new_feed is not None and new_feed.store is old_feed.store
        )
        if same_data:
            if new_feed is not None:
                await new_feed.close()
        else:
            self.feed = new_feed
            watch = self.subscriptions.watch
            if isinstance(watch, ResourceUpdates) and new_feed is not None:
                watch.follow(new_feed)
            if old_feed is not None:
                await old_feed.close()
        self.dispatcher.resource_watch = self.subscriptions.watch
        if same_data and replacement.config.webhooks == previous.webhooks:
            await replacement.webhooks.stop()  # never started: nothing to lose
            return
        await self.webhooks.stop()
        self.webhooks = replacement.webhooks
        if self.sse.accepting:
            self.webhooks.start(self.feed)
        # The Apply ends once the feed has noted what the folder holds and the hooks listen: a
        # message written after it is announced and delivered, never taken for one already there.
        if self.feed is not None:
            await self.feed.ready()
        await self.webhooks.ready()

    def _clients_refused_by(self, replacement: Application) -> list[Client]:
        """The connected clients the new access settings would not let in: those that came
        without a token when one is now required, or with the server token that changed."""
        token_changed = self.config.token != replacement.config.token
        return [
            client
            for client in self.registry
            if (client.token_name is None and replacement.security.token_required)
            or (client.token_name == SERVER_TOKEN_NAME and token_changed)
        ]

    def health(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "status": "ok",
            "server": self.dispatcher.server_info,
            "mcp_clients": {"known": len(self.registry), "active": self.registry.active_count},
            "queue": {
                "capacity": self.queue.capacity,
                "waiting": self.queue.waiting,
                "running": self.queue.running,
                "workers": self.queue.workers,
            },
        }
        if self._health_extra is not None:
            status["data"] = self._health_extra()
        if self.feed is not None:
            # What pushes new messages (server/push/): the change feed and the webhooks.
            status["push"] = {"feed": self.feed.status()}
            if self.webhooks:
                status["push"]["webhooks"] = self.webhooks.health()
        return status

    @property
    def web(self) -> Quart:
        """The Quart app behind the API routes, built on first use."""
        if self._web is None:
            from server.web.app import create_web_app

            self._web = create_web_app(
                self.registry,
                [factory() for factory in self._blueprints],
                self.config.max_body_bytes,
                self.config.body_timeout,
            )
        return self._web

    def start(self) -> None:
        """Open for business on the running loop (the server controller calls this)."""
        self.sse.accepting = self.streamable.accepting = True
        self.service.start()
        self.webhooks.start(self.feed)
        loop = asyncio.get_running_loop()
        if self._web is None and self._web_import is None:
            self._web_import = loop.run_in_executor(None, _import_web_modules)
        if self.client_tokens is not None and self._token_refresher is None:
            self._token_refresher = loop.create_task(_refresh_tokens(self.client_tokens))

    async def stop(self) -> None:
        """Refuse new sessions, end every session (streams end cleanly), cancel all work."""
        self.sse.accepting = self.streamable.accepting = False
        if self._token_refresher is not None:
            self._token_refresher.cancel()
            self._token_refresher = None
        await self.service.stop()
        await self.webhooks.stop()

    async def close(self) -> None:
        """Release what the extensions hold (data store connections); call after stop."""
        if self._web_import is not None:
            await self._web_import
        if self.feed is not None:
            await self.feed.close()  # before the store it reads
        for close in self._closers:
            await close()

    async def _web_asgi(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if self._web is None:
            async with self._web_lock:
                if self._web_import is not None:
                    await self._web_import  # the import started at start-up
                web = self.web
                await web.startup()
        # Quart types its ASGI signature more narrowly than the plain one used here.
        await cast(asgi.AsgiApp, self.web)(scope, receive, send)

    async def _health_route(
        self, scope: asgi.Scope, _receive: asgi.Receive, send: asgi.Send
    ) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await asgi.respond(send, 405, headers=[(b"allow", b"GET, HEAD")])
            return
        await asgi.respond(send, 200, jsonrpc.encode(self.health()), asgi.JSON)

    async def _lifespan(self, receive: asgi.Receive, send: asgi.Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._web is not None:
                    await self._web.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: none here
            await send({"type": "websocket.close", "code": 1000})
            return
        task = asyncio.current_task()
        if task is not None:
            self.request_tasks.add(task)
        try:
            await self._handle_http(scope, receive, send)
        finally:
            if task is not None:
                self.request_tasks.discard(task)

    async def _handle_http(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        path = scope["path"]
        receive, send = asgi.close_if_answered_early(scope, receive, send)
        try:
            self.security.check(scope)
        except asgi.HttpError as denied:
            # A listed origin may read the refusal (a browser client learns it needs a token).
            cors = self.security.cors_headers(scope)
            await self._deny(path, denied, _with_headers(send, cors) if cors else send)
            return
        if self.security.is_preflight(scope):
            await asgi.respond(send, 204, headers=self.security.preflight_headers(scope))
            return
        cors = self.security.cors_headers(scope)
        if cors:
            send = _with_headers(send, cors)
        handler = self._routes.get(path)
        if handler is None:
            await self._web_asgi(scope, receive, send)
            return
        try:
            await handler(scope, receive, send)
        except asgi.HttpError as error:
            await asgi.respond(
                send,
                error.status,
                rpc_error_body(jsonrpc.INVALID_REQUEST, error.message),
                asgi.JSON,
            )
        except asgi.ClientDisconnectedError:
            pass

    async def _deny(self, path: str, denied: asgi.HttpError, send: asgi.Send) -> None:
        logger.warning("refused %s: %s", path, denied.message)
        headers = (
            [(b"www-authenticate", b'Bearer realm="chatlog-tray"')]
            if (denied.status == 401)
            else []
        )
        if path in MCP_PATHS:
            body = rpc_error_body(jsonrpc.INVALID_REQUEST, denied.message)
        else:
            body = jsonrpc.encode({"error": {"code": denied.status, "message": denied.message}})
        await asgi.respond(send, denied.status, body, asgi.JSON, headers)


def _with_headers(send: asgi.Send, extra: asgi.Headers) -> asgi.Send:
    async def send_with_headers(message: asgi.Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return send_with_headers


# How often the client tokens are re-read: an app connected or revoked from the command line
# (another process) takes effect within this many seconds.
TOKEN_REFRESH_SECONDS = 3.0


async def _refresh_tokens(tokens: ClientTokens) -> None:
    loop = asyncio.get_running_loop()
    while True:
        await loop.run_in_executor(None, tokens.refresh)  # the keychain may block
        await asyncio.sleep(TOKEN_REFRESH_SECONDS)


def _import_web_modules() -> None:
    importlib.import_module("server.web.app")
