"""ServerHost: the one object that owns the running server, on the Qt thread's asyncio loop.

Widgets never touch `server.serving` directly: they call `start()`, `stop()` or `apply()` and
follow the signals. An `Application` belongs to one ServerConfig, so a new config builds a new
one (and closes the old); the controller around it binds the socket itself, which makes a busy
port a clean error with nothing half-started.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from server.api import (
    Address,
    Application,
    ClientEvent,
    ClientEventKind,
    ClientInfo,
    ServerConfig,
    ServerController,
    ServerError,
    TokenStoreError,
    build_application,
    restart_needed,
)

logger = logging.getLogger(__name__)

EVENT_BATCH_SECONDS = 0.3  # how long registry events gather before the GUI hears of them

ApplicationFactory = Callable[[ServerConfig], Application]


class ServerState(enum.StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    SERVING = "serving"
    STOPPING = "stopping"
    ERROR = "error"


class ServerHost(QObject):
    """Starts, stops and reconfigures the MCP server; reports what happens as signals.

    Signals:
        state_changed(str): the new `ServerState` value.
        started(str): the base URL, once connections are accepted.
        stopped(): serving ended (by request; a failed start emits `failed` instead).
        failed(str): a start failed; the message is fit to show a user.
        session_event(object): a `ClientEvent` from the current server's client registry.
        clients_changed(int): the number of active MCP clients (see server/mcp/clients.py).

    Registry events come with every request; they reach the window and the tray in batches
    (`EVENT_BATCH_SECONDS`), the latest event per client, so a busy server costs the GUI a few
    repaints a second rather than several per request.
    """

    state_changed = Signal(str)
    started = Signal(str)
    stopped = Signal()
    failed = Signal(str)
    session_event = Signal(object)
    clients_changed = Signal(int)

    def __init__(
        self,
        config: ServerConfig,
        build: ApplicationFactory = build_application,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._build = build
        self._state = ServerState.STOPPED
        self._error: str | None = None
        self._application: Application | None = None
        self._controller: ServerController | None = None
        self._unsubscribe: Callable[[], None] | None = None
        # Set while restoring a config that asked for "any free port": clients keep the
        # address they were using.
        self._pinned_port: int | None = None
        # start/stop/apply each take several awaits; running two at once would interleave them.
        self._lock = asyncio.Lock()
        self._pending_events: dict[str, ClientEvent] = {}
        # A loop timer, not a QTimer owned by this object: the host may be collected on any
        # thread, and a Qt timer destroyed off its thread stays registered and crashes later.
        self._flush_handle: asyncio.TimerHandle | None = None

    @property
    def config(self) -> ServerConfig:
        return self._config

    @property
    def state(self) -> ServerState:
        return self._state

    @property
    def error(self) -> str | None:
        """The last start failure, until the next successful start."""
        return self._error

    @property
    def address(self) -> Address | None:
        return self._controller.address if self._controller is not None else None

    @property
    def running(self) -> bool:
        return self._controller is not None and self._controller.running

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def application(self) -> Application | None:
        return self._application

    def sessions(self) -> list[ClientInfo]:
        return self._application.registry.snapshot() if self._application else []

    def client_count(self) -> int:
        """Active clients: those with a stream or request open, or heard from lately."""
        return self._application.registry.active_count if self._application else 0

    def close_session(self, handle: str) -> bool:
        """Disconnect one MCP client; False if it is already gone."""
        registry = self._application.registry if self._application else None
        client = registry.by_handle(handle) if registry is not None else None
        if registry is None or client is None:
            return False
        return registry.close(client, "disconnected from the desktop app")

    def revoke_app(self, name: str) -> bool:
        """Take back a connected app's token and end its clients; False if it had none."""
        application = self._application
        if application is None or application.client_tokens is None:
            return False
        try:
            revoked = application.client_tokens.revoke(name)
        except TokenStoreError as error:
            logger.warning("%s", error)
            return False
        for client in list(application.registry):
            if client.token_name == name:
                application.registry.close(client, "its access was revoked")
        return revoked

    async def start(self) -> bool:
        """Serve with the current config; True on success, else `failed` was emitted."""
        async with self._lock:
            return await self._start_locked()

    async def stop(self) -> None:
        async with self._lock:
            await self._stop_locked()

    async def apply(self, config: ServerConfig) -> str | None:
        """Switch to `config`: live while serving when only settings a running server can
        take changed (every connected client stays), else by a restart; on failure go back
        to the old config.

        Returns None on success, else the error message (the previous configuration is then
        serving again, if it was serving before).
        """
        async with self._lock:
            if config == self._config:
                return None
            if self.running and not restart_needed(self._config, config):
                return await self._reconfigure_locked(config)
            previous, was_running = self._config, self.running
            old_port = self.address.port if self.address is not None else None
            # A failed start still means the user wants to serve: try the new settings.
            wants_serving = was_running or self._state is ServerState.ERROR
            await self._stop_locked()
            await self._replace_application(config)
            if not wants_serving or await self._start_locked():
                return None
            error = self._error or "the server could not start"
            logger.warning("new settings failed (%s); restoring the previous ones", error)
            await self._replace_application(previous)
            if previous.port == 0:
                self._pinned_port = old_port
            if was_running and await self._start_locked():
                # Serving again on the old settings: the failure belongs to the dialog now.
                self._error = None
            return error

    async def _reconfigure_locked(self, config: ServerConfig) -> str | None:
        assert self._application is not None
        try:
            replacement = self._build(config)
        # Boundary: a broken data layer must not escape into a Qt slot; nothing changed yet.
        except Exception as error:
            logger.exception("the new settings could not be applied")
            return f"The new settings could not be applied: {error!r}"
        try:
            await self._application.reconfigure(replacement)
        # Boundary, as above: whatever happens must not escape into a Qt slot.
        except Exception as error:
            logger.exception("the new settings could not be applied in full")
            self._config = self._application.config  # what the server took, before it failed
            return f"The new settings could not be applied in full: {error!r}"
        self._config = config
        logger.info("applied new settings live; %d client(s) stay", self.client_count())
        return None

    async def shutdown(self) -> None:
        """Stop serving (every session is closed first) and release the application."""
        async with self._lock:
            await self._stop_locked()
            await self._replace_application(None)

    async def _start_locked(self) -> bool:
        if self.running:
            return True
        self._set_state(ServerState.STARTING)
        try:
            controller = await self._controller_for_config()
            address = await controller.start()
        except ServerError as error:
            message = str(error)
        except OSError as error:
            message = f"Cannot start the server: {error.strerror or error}"
        # Boundary: anything else (a broken data layer, say) must not escape into a Qt slot.
        except Exception as error:
            logger.exception("the server failed to start")
            message = f"The server failed to start: {error!r}"
        else:
            self._error = None
            self._set_state(ServerState.SERVING)
            self.started.emit(address.url)
            return True
        logger.error("%s", message)
        self._error = message
        self._set_state(ServerState.ERROR)
        self.failed.emit(message)
        return False

    async def _stop_locked(self) -> None:
        if not self.running:
            if self._state is not ServerState.ERROR:
                self._set_state(ServerState.STOPPED)
            return
        assert self._controller is not None
        self._set_state(ServerState.STOPPING)
        await self._controller.stop()
        self._set_state(ServerState.STOPPED)
        self.stopped.emit()

    async def _controller_for_config(self) -> ServerController:
        if self._controller is None:
            config = self._config
            if self._pinned_port is not None:
                config = config.model_copy(update={"port": self._pinned_port})
            application = self._build(config)
            self._application = application
            self._controller = ServerController(application, publish_endpoint=True)
            self._unsubscribe = application.registry.subscribe(self._on_session_event)
        return self._controller

    async def _replace_application(self, config: ServerConfig | None) -> None:
        application, self._application, self._controller = self._application, None, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._pending_events.clear()  # they were about the server that is gone
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if application is not None:
            await application.close()
        self._pinned_port = None
        if config is not None:
            self._config = config

    def _on_session_event(self, event: ClientEvent) -> None:
        handle = event.client.handle
        earlier = self._pending_events.pop(handle, None)
        if earlier is not None and earlier.kind is ClientEventKind.OPENED:
            # Not shown yet: it stays an arrival (or, if it already left, nothing at all).
            if event.kind is ClientEventKind.CLOSED:
                return
            event = ClientEvent(ClientEventKind.OPENED, event.client)
        self._pending_events[handle] = event
        if self._flush_handle is None:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(EVENT_BATCH_SECONDS, self._flush_events)

    def _flush_events(self) -> None:
        self._flush_handle = None
        events, self._pending_events = self._pending_events, {}
        for event in events.values():
            self.session_event.emit(event)
        self.clients_changed.emit(self.client_count())

    def _set_state(self, state: ServerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state.value)
