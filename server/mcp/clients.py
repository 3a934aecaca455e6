"""The client registry: every MCP client that reads the user's chats, whatever its era.

A handshake-era client is a session (`server/mcp/sessions.py`): it begins with `initialize`
and lives until its stream ends, it is deleted, disconnected or expires. A 2026-07-28 client
has no session: each request carries who it is (`clientInfo` in `_meta`), and the registry
recognises it by that name and version plus the credential it presents and the computer it
calls from. Both kinds are a `Client` here, so the window, `/api/v1/mcp/clients` and the tray
show the same list and count.

A `Client` owns the bookkeeping of its requests: `submit` records a request as in flight and
ties its completion (served count, last activity, change event) to the queue's job, so no
other layer touches those counters. Transports change a client only through its methods.

"Connected" means connected: a client with an open stream or a request in flight, or one
heard from within `QUIET_AFTER` seconds, is *active*; a client that went quiet is *idle*, and
it leaves the list after the idle timeout (a session is then ended).
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.mcp import jsonrpc
from server.mcp.outbox import Outbox
from server.workqueue import Job, JobFunction, QueueFullError, WorkQueue

logger = logging.getLogger(__name__)

# Seconds without a stream, a request in flight or any message before a client shows as idle.
QUIET_AFTER = 60.0
# A handshake session that never got past `initialize` (no `notifications/initialized`, no
# other request: a client probing which era the server speaks, such as mcp-remote's
# "fallback-test") is forgotten after this many seconds instead of the idle timeout.
PROBE_GRACE = 60.0


class Era(enum.StrEnum):
    HANDSHAKE = "handshake"  # initialize + sessions: 2024-11-05 ... 2025-11-25
    MODERN = "modern"  # stateless, per-request _meta: 2026-07-28


class Transport(enum.StrEnum):
    SSE = "sse"
    STREAMABLE_HTTP = "streamable-http"


class ClientState(enum.StrEnum):
    ACTIVE = "active"
    IDLE = "idle"


def credential_of(authorization: bytes | None) -> bytes:
    """A digest of the credential a request presented (its Authorization header, if any).

    Clients are bound to it: a session answers only requests that present the same one.
    Only the digest is kept, so the registry never holds a token (nor does a cache: only
    the digest of "no header", the common case, is computed once).
    """
    if not authorization:
        return _NO_CREDENTIAL
    return hashlib.sha256(authorization).digest()


_NO_CREDENTIAL = hashlib.sha256(b"").digest()


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """A point-in-time view of one client, safe to hand to another thread or serialise.

    `handle` is an opaque public name for the client: never a session id, which is a
    credential of its own.
    """

    handle: str
    era: str
    transport: str
    name: str | None
    version: str | None
    protocol_version: str | None
    remote_address: str | None
    first_seen: datetime
    last_activity: datetime
    requests_served: int
    requests_in_flight: int
    state: str
    token: str | None = None  # whose token it presented: a connected app's name, or none
    # The resources it subscribes to (resources/subscribe, or its subscriptions/listen streams).
    subscriptions: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "era": self.era,
            "transport": self.transport,
            "client": {"name": self.name, "version": self.version},
            "protocol_version": self.protocol_version,
            "remote_address": self.remote_address,
            "first_seen": self.first_seen.isoformat(),
            "last_activity": self.last_activity.isoformat(),
            "requests_served": self.requests_served,
            "requests_in_flight": self.requests_in_flight,
            "state": self.state,
            "token": self.token,
            "subscriptions": list(self.subscriptions),
        }


class ClientEventKind(enum.StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class ClientEvent:
    kind: ClientEventKind
    client: ClientInfo


ClientListener = Callable[[ClientEvent], None]
# Answers one in-flight request with an error when its client or the server goes away.
Abort = Callable[[jsonrpc.JsonRpcError], object]


class _InFlight:
    __slots__ = ("abort", "job")

    def __init__(self, abort: Abort | None) -> None:
        self.abort = abort
        self.job: Job | None = None


class Client:
    """One MCP client: who it is, and the requests it has in flight."""

    era: Era = Era.HANDSHAKE

    def __init__(
        self,
        registry: ClientRegistry,
        transport: Transport,
        remote_address: str | None,
        credential: bytes,
    ) -> None:
        self.id = secrets.token_urlsafe(24)  # the registry's key; a session id for sessions
        self.handle = secrets.token_hex(6)  # what listings show
        self.transport = transport
        self.remote_address = remote_address
        self.credential = credential
        self.token_name: str | None = None  # see ClientInfo.token
        self.first_seen = datetime.now(UTC)
        self.last_activity_time = time.time()  # wall clock, for display
        self.last_activity_monotonic = time.monotonic()  # for idleness
        self.name: str | None = None
        self.version: str | None = None
        self.protocol_version: str | None = None
        self.requests_served = 0
        self.closed = False
        self.state = ClientState.ACTIVE
        self._in_flight: dict[jsonrpc.RequestId, _InFlight] = {}
        self._registry = registry

    # --- identity and activity ------------------------------------------------------------

    def identify(self, name: object, version: object) -> None:
        """Take the client's name and version from `clientInfo` (ignored unless strings)."""
        self.name = _short_text(name)
        self.version = _short_text(version)

    def heard(self, protocol_version: str) -> None:
        """A message came from this client, at this protocol version."""
        self.protocol_version = protocol_version
        self.touch()

    def touch(self) -> None:
        # Called on every message, so it stores cheap floats; info() makes the datetime.
        self.last_activity_monotonic = time.monotonic()
        self.last_activity_time = time.time()

    def is_probe(self) -> bool:
        """Whether this client only ever probed the server (see `PROBE_GRACE`)."""
        return False

    @property
    def streams_open(self) -> int:
        """Server-to-client streams this client holds open (subclasses count theirs)."""
        return 0

    def subscribed_resources(self) -> frozenset[str]:
        """The URIs of the resources this client asked to hear about."""
        return frozenset()

    def quiet_for(self, now: float) -> float:
        """Seconds since this client was last busy: 0 while a stream or request is open."""
        if self._in_flight or self.streams_open:
            return 0.0
        return now - self.last_activity_monotonic

    def info(self) -> ClientInfo:
        return ClientInfo(
            handle=self.handle,
            era=self.era.value,
            transport=self.transport.value,
            name=self.name,
            version=self.version,
            protocol_version=self.protocol_version,
            remote_address=self.remote_address,
            first_seen=self.first_seen,
            last_activity=datetime.fromtimestamp(self.last_activity_time, UTC),
            requests_served=self.requests_served,
            requests_in_flight=len(self._in_flight),
            state=self.state.value,
            token=self.token_name,
            subscriptions=tuple(sorted(self.subscribed_resources())),
        )

    def changed(self) -> None:
        """Tell the registry's subscribers that this client's visible state changed."""
        if not self.closed:
            self._registry.publish(ClientEventKind.UPDATED, self)

    # --- requests -------------------------------------------------------------------------

    @property
    def requests_in_flight(self) -> int:
        return len(self._in_flight)

    def is_in_flight(self, request_id: jsonrpc.RequestId) -> bool:
        return request_id in self._in_flight

    def submit(
        self,
        queue: WorkQueue,
        request_id: jsonrpc.RequestId,
        work: JobFunction,
        abort: Abort | None = None,
    ) -> Job:
        """Queue one request's work; it counts as in flight until its job is done.

        `abort` answers the request with an error if the client or the server ends first.
        Raises QueueFullError (the request is then not in flight).
        """
        entry = self._in_flight[request_id] = _InFlight(abort)
        try:
            job = queue.submit(self.id, work)
        except QueueFullError:
            del self._in_flight[request_id]
            raise
        entry.job = job
        self.touch()
        self._set_state(ClientState.ACTIVE)
        job.add_done_callback(lambda: self._finished(request_id, entry))
        if not job.done:
            self.changed()
        return job

    def cancel_request(self, request_id: jsonrpc.RequestId) -> bool:
        """Cancel one request without answering it (the client withdrew it)."""
        entry = self._in_flight.get(request_id)
        if entry is None or entry.job is None:
            return False
        entry.abort = None
        entry.job.cancel()
        return True

    def _finished(self, request_id: jsonrpc.RequestId, entry: _InFlight) -> None:
        if self._in_flight.get(request_id) is entry:
            del self._in_flight[request_id]
        self.requests_served += 1
        self.touch()
        self.changed()

    def _abort_requests(self, reason: str) -> None:
        """Answer every request in flight with an error, then cancel its work."""
        error = jsonrpc.JsonRpcError(jsonrpc.SERVER_ERROR, reason)
        for entry in list(self._in_flight.values()):
            abort, entry.abort = entry.abort, None
            if abort is not None:
                try:
                    abort(error)
                except Exception:
                    logger.exception("answering an aborted request failed")
            if entry.job is not None:
                entry.job.cancel()
        self._in_flight.clear()

    # --- state ----------------------------------------------------------------------------

    def _set_state(self, state: ClientState) -> bool:
        if self.state is state:
            return False
        self.state = state
        return True

    def _close(self, queue: WorkQueue | None, reason: str) -> None:
        """End this client: answer and cancel its requests (subclasses end their streams)."""
        self.closed = True
        self._abort_requests(reason)
        if queue is not None:
            queue.cancel_owner(self.id)


class ModernClient(Client):
    """A 2026-07-28 client: no session, known by who it says it is and how it calls.

    Its only streams are its `subscriptions/listen` streams (each with the resources its filter
    named), closed with it.
    """

    era = Era.MODERN

    def __init__(
        self,
        registry: ClientRegistry,
        remote_address: str | None,
        credential: bytes,
    ) -> None:
        super().__init__(registry, Transport.STREAMABLE_HTTP, remote_address, credential)
        self.listen_streams: dict[Outbox, frozenset[str]] = {}

    @property
    def streams_open(self) -> int:
        return len(self.listen_streams)

    def subscribed_resources(self) -> frozenset[str]:
        return frozenset().union(*self.listen_streams.values())

    def add_listen_stream(self, outbox: Outbox, resources: frozenset[str] = frozenset()) -> None:
        """A `subscriptions/listen` stream opened (it keeps the client active), subscribed
        to `resources`."""
        self.listen_streams[outbox] = resources
        self.changed()

    def remove_listen_stream(self, outbox: Outbox) -> None:
        self.listen_streams.pop(outbox, None)
        self.touch()
        self.changed()

    def _close(self, queue: WorkQueue | None, reason: str) -> None:
        super()._close(queue, reason)
        for stream in list(self.listen_streams):
            stream.close()


ModernKey = tuple[str | None, str | None, bytes, str | None]


class ClientRegistry:
    """Every known client, with change notification, idleness and a cap on sessions."""

    def __init__(
        self,
        queue: WorkQueue | None = None,
        outbox_limit: int = 8 * 1024 * 1024,
        max_sessions: int = 1000,
    ) -> None:
        self._clients: dict[str, Client] = {}
        self._handles: dict[str, Client] = {}
        self._modern: dict[ModernKey, ModernClient] = {}
        self._listeners: list[ClientListener] = []
        self._queue = queue
        self.outbox_limit = outbox_limit
        self.max_sessions = max_sessions

    def __len__(self) -> int:
        return len(self._clients)

    def __iter__(self) -> Iterator[Client]:
        return iter(list(self._clients.values()))

    @property
    def active_count(self) -> int:
        return sum(client.state is ClientState.ACTIVE for client in self._clients.values())

    def add(self, client: Client) -> None:
        """Register a new client (a session counts against `max_sessions`)."""
        if client.era is Era.HANDSHAKE:
            self._make_room_for_a_session()
        self._clients[client.id] = client
        self._handles[client.handle] = client
        logger.info(
            "client %s opened (%s %s from %s)",
            client.handle,
            client.era,
            client.transport,
            client.remote_address,
        )
        self.publish(ClientEventKind.OPENED, client)

    def get(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def by_handle(self, handle: str) -> Client | None:
        return self._handles.get(handle)

    def modern_client(
        self,
        name: object,
        version: object,
        credential: bytes,
        remote_address: str | None,
        token_name: str | None = None,
    ) -> ModernClient:
        """The 2026-07-28 client with this name, version and credential calling from this
        host, first seen now if it is new; its address is updated to the latest."""
        host = remote_address.rsplit(":", 1)[0] if remote_address else None
        key = (_short_text(name), _short_text(version), credential, host)
        client = self._modern.get(key)
        if client is None:
            client = ModernClient(self, remote_address, credential)
            client.identify(name, version)
            client.token_name = token_name
            self._modern[key] = client
            self.add(client)
        else:
            client.remote_address = remote_address
        return client

    def close(self, client: Client, reason: str = "closed") -> bool:
        """End a client: answer and cancel its work, end its streams, forget it."""
        if self._clients.pop(client.id, None) is None:
            return False
        self._handles.pop(client.handle, None)
        for key, known in list(self._modern.items()):
            if known is client:
                del self._modern[key]
        client._close(self._queue, f"the client was disconnected: {reason}")
        logger.info("client %s closed (%s)", client.handle, reason)
        self.publish(ClientEventKind.CLOSED, client)
        return True

    def close_all(self, reason: str = "server stopping") -> None:
        for client in list(self._clients.values()):
            self.close(client, reason)

    def sweep(self, idle_timeout: float) -> int:
        """Mark quiet clients idle, forget those idle too long; returns how many left.

        A session that never got past `initialize` leaves after `PROBE_GRACE` seconds.
        """
        now = time.monotonic()
        gone = 0
        for client in list(self._clients.values()):
            quiet = client.quiet_for(now)
            limit = min(idle_timeout, PROBE_GRACE) if client.is_probe() else idle_timeout
            if quiet > limit:
                self.close(client, "idle timeout")
                gone += 1
            elif client._set_state(ClientState.IDLE if quiet > QUIET_AFTER else ClientState.ACTIVE):
                self.publish(ClientEventKind.UPDATED, client)
        return gone

    def snapshot(self) -> list[ClientInfo]:
        return [client.info() for client in self._clients.values()]

    def subscribe(self, listener: ClientListener) -> Callable[[], None]:
        """Call `listener` on every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, kind: ClientEventKind, client: Client) -> None:
        if not self._listeners:
            return
        event = ClientEvent(kind, client.info())
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("client listener failed")

    def _make_room_for_a_session(self) -> None:
        sessions = [c for c in self._clients.values() if c.era is Era.HANDSHAKE]
        if len(sessions) < self.max_sessions:
            return
        now = time.monotonic()
        quiet = [c for c in sessions if c.quiet_for(now) > 0]
        if not quiet:
            raise QueueFullError(f"too many live sessions ({self.max_sessions}), all busy")
        oldest = max(quiet, key=lambda c: c.quiet_for(now))
        self.close(oldest, "evicted to make room for a new session")


def _short_text(value: object, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None
