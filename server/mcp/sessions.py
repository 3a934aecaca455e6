"""The session registry: every connected MCP client, observable by the UI and the API.

A `Session` is one client connection's state: who it is (from `initialize`), where its
server-to-client messages go, and what work it has in flight. The `SessionRegistry` creates,
finds, expires and closes sessions and tells subscribers about every change, so the desktop
window and `GET /api/v1/mcp/sessions` show the same truth.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.mcp import jsonrpc, protocol
from server.mcp.outbox import Outbox
from server.workqueue import Job, WorkQueue

logger = logging.getLogger(__name__)

LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
DEFAULT_LOG_LEVEL = "info"


class Transport(enum.StrEnum):
    SSE = "sse"
    STREAMABLE_HTTP = "streamable-http"


class ClientRequestError(Exception):
    """The client answered a server-to-client request with an error, or went away."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A point-in-time view of one session, safe to hand to another thread or serialise."""

    id: str
    transport: str
    client_name: str | None
    client_version: str | None
    protocol_version: str | None
    remote_address: str | None
    created: datetime
    last_activity: datetime
    requests_served: int
    requests_in_flight: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "transport": self.transport,
            "client": {"name": self.client_name, "version": self.client_version},
            "protocol_version": self.protocol_version,
            "remote_address": self.remote_address,
            "created": self.created.isoformat(),
            "last_activity": self.last_activity.isoformat(),
            "requests_served": self.requests_served,
            "requests_in_flight": self.requests_in_flight,
        }


class SessionEventKind(enum.StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class SessionEvent:
    kind: SessionEventKind
    session: SessionInfo


SessionListener = Callable[[SessionEvent], None]


class Session:
    """One MCP client. Created by a transport, owned by the registry."""

    def __init__(
        self,
        registry: SessionRegistry,
        transport: Transport,
        remote_address: str | None,
        outbox_limit: int,
    ) -> None:
        self.id = str(uuid.uuid4())
        self.transport = transport
        self.remote_address = remote_address
        self.created = datetime.now(UTC)
        self.last_activity_time = time.time()  # wall clock, for display
        self.last_activity_monotonic = time.monotonic()  # for expiry
        self.client_name: str | None = None
        self.client_version: str | None = None
        self.protocol_version: str | None = None
        self.client_capabilities: dict[str, Any] = {}
        self.initialized = False
        self.log_level = DEFAULT_LOG_LEVEL
        self.requests_served = 0
        self.in_flight: dict[jsonrpc.RequestId, Job] = {}
        self.closed = False
        # Set by the transport holding the session-wide stream, to cut a reader so slow
        # that its outbox overflowed (its writes may be blocked, so it cannot end cleanly).
        self.abort_stream: Callable[[], object] | None = None
        # The session-wide server-to-client stream: the SSE stream of the legacy transport,
        # the optional GET stream of Streamable HTTP (None while no GET stream is open).
        self.stream: Outbox | None = Outbox(outbox_limit) if transport is Transport.SSE else None
        self.outbox_limit = outbox_limit
        # Outboxes of Streamable HTTP POSTs still answering, closed with the session.
        self.request_streams: set[Outbox] = set()
        self._registry = registry
        self._client_requests: dict[str, asyncio.Future[jsonrpc.JsonObject]] = {}
        self._next_client_request = 0

    @property
    def batches_allowed(self) -> bool:
        return self.protocol_version in protocol.BATCH_VERSIONS

    def touch(self) -> None:
        # Called on every message, so it stores cheap floats; info() makes the datetime.
        self.last_activity_monotonic = time.monotonic()
        self.last_activity_time = time.time()

    def info(self) -> SessionInfo:
        return SessionInfo(
            id=self.id,
            transport=self.transport.value,
            client_name=self.client_name,
            client_version=self.client_version,
            protocol_version=self.protocol_version,
            remote_address=self.remote_address,
            created=self.created,
            last_activity=datetime.fromtimestamp(self.last_activity_time, UTC),
            requests_served=self.requests_served,
            requests_in_flight=len(self.in_flight),
        )

    def changed(self) -> None:
        """Tell the registry's subscribers that this session's visible state changed."""
        self._registry.publish(SessionEventKind.UPDATED, self)

    def send_to_stream(self, message: jsonrpc.JsonObject) -> bool:
        """Send a message on the session-wide stream; False if there is none or it overflowed."""
        stream = self.stream
        if stream is None or stream.closed:
            return False
        if stream.put(jsonrpc.encode(message)):
            return True
        logger.warning("session %s stopped reading its stream; closing the stream", self.id)
        stream.close()
        if self.abort_stream is not None:
            self.abort_stream()
        if self.transport is Transport.SSE:
            self._registry.close(self.id, "client stopped reading")
        return False

    def new_client_request(self) -> tuple[str, asyncio.Future[jsonrpc.JsonObject]]:
        """Allocate an id and a future for a request this server sends to the client."""
        self._next_client_request += 1
        request_id = f"srv-{self._next_client_request}"
        future: asyncio.Future[jsonrpc.JsonObject] = asyncio.get_running_loop().create_future()
        self._client_requests[request_id] = future
        future.add_done_callback(lambda _: self._client_requests.pop(request_id, None))
        return request_id, future

    def resolve_client_request(self, response: jsonrpc.Response) -> None:
        future = self._client_requests.get(str(response.id))
        if future is None or future.done():
            logger.debug("session %s: response to unknown request %r", self.id, response.id)
            return
        if response.error is not None:
            message = str(response.error.get("message", "error"))
            future.set_exception(ClientRequestError(f"the client answered: {message}"))
        else:
            future.set_result(response.result or {})

    def _close(self, queue: WorkQueue | None) -> None:
        self.closed = True
        if queue is not None:
            queue.cancel_owner(self.id)
        for job in list(self.in_flight.values()):
            job.cancel()
        self.in_flight.clear()
        if self.stream is not None:
            self.stream.close()
        for stream in list(self.request_streams):
            stream.close()
        for future in list(self._client_requests.values()):
            if not future.done():
                future.set_exception(ClientRequestError("the session ended"))


class SessionRegistry:
    """All live sessions, with change notification and idle expiry."""

    def __init__(self, queue: WorkQueue | None = None, outbox_limit: int = 8 * 1024 * 1024):
        self._sessions: dict[str, Session] = {}
        self._listeners: list[SessionListener] = []
        self._queue = queue
        self._outbox_limit = outbox_limit

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, transport: Transport, remote_address: str | None) -> Session:
        session = Session(self, transport, remote_address, self._outbox_limit)
        self._sessions[session.id] = session
        logger.info("session %s opened (%s from %s)", session.id, transport, remote_address)
        self.publish(SessionEventKind.OPENED, session)
        return session

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def close(self, session_id: str, reason: str = "closed") -> bool:
        """End a session: cancel its work, end its streams, forget it. False if unknown."""
        session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        session._close(self._queue)
        logger.info("session %s closed (%s)", session_id, reason)
        self.publish(SessionEventKind.CLOSED, session)
        return True

    def close_all(self, reason: str = "server stopping") -> None:
        for session_id in list(self._sessions):
            self.close(session_id, reason)

    def expire_idle(self, idle_timeout: float) -> int:
        """Close Streamable HTTP sessions idle for longer than `idle_timeout` seconds.

        A session with work in flight or an open stream is not idle. Legacy SSE sessions live
        exactly as long as their stream and are never expired here.
        """
        deadline = time.monotonic() - idle_timeout
        expired = [
            session.id
            for session in self._sessions.values()
            if session.transport is Transport.STREAMABLE_HTTP
            and session.last_activity_monotonic < deadline
            and not session.in_flight
            and session.stream is None
            and not session.request_streams
        ]
        for session_id in expired:
            self.close(session_id, "idle timeout")
        return len(expired)

    def snapshot(self) -> list[SessionInfo]:
        return [session.info() for session in self._sessions.values()]

    def subscribe(self, listener: SessionListener) -> Callable[[], None]:
        """Call `listener` on every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, kind: SessionEventKind, session: Session) -> None:
        if not self._listeners:
            return
        event = SessionEvent(kind, session.info())
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("session listener failed")
