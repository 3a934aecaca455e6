"""Handshake-era sessions: one client connection from `initialize` to its end.

A `Session` is a `Client` (see `server/mcp/clients.py`) with what the handshake era adds:
the negotiated version and capabilities, the log level, where server-to-client messages go
(the SSE stream of the legacy transport, the optional GET stream of Streamable HTTP) and the
requests the server sent to the client (sampling, elicitation).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from server.mcp import jsonrpc, protocol
from server.mcp.clients import Client, ClientRegistry, Transport
from server.mcp.outbox import Outbox
from server.mcp.subscriptions import MAX_RESOURCE_SUBSCRIPTIONS
from server.workqueue import WorkQueue

logger = logging.getLogger(__name__)

DEFAULT_LOG_LEVEL = "info"


class ClientRequestError(Exception):
    """The client answered a server-to-client request with an error, or went away."""


class Session(Client):
    """One handshake-era client. Created by a transport, owned by the registry."""

    def __init__(
        self,
        registry: ClientRegistry,
        transport: Transport,
        remote_address: str | None,
        credential: bytes,
    ) -> None:
        super().__init__(registry, transport, remote_address, credential)
        self.client_capabilities: dict[str, Any] = {}
        self.initialized = False
        self.saw_initialized_notification = False
        self.log_level = DEFAULT_LOG_LEVEL
        # Set by the transport holding the session-wide stream, to cut a reader so slow
        # that its outbox overflowed (its writes may be blocked, so it cannot end cleanly).
        self.abort_stream: Callable[[], object] | None = None
        # The session-wide server-to-client stream: the SSE stream of the legacy transport,
        # the optional GET stream of Streamable HTTP (None while no GET stream is open).
        outbox_limit = registry.outbox_limit
        self.stream: Outbox | None = Outbox(outbox_limit) if transport is Transport.SSE else None
        # Outboxes of Streamable HTTP POSTs still answering, closed with the session.
        self.request_streams: set[Outbox] = set()
        self._client_requests: dict[str, asyncio.Future[jsonrpc.JsonObject]] = {}
        self._next_client_request = 0
        # URIs of `resources/subscribe`: told of their updates on the session-wide stream.
        self.resource_subscriptions: set[str] = set()

    @property
    def batches_allowed(self) -> bool:
        return self.protocol_version in protocol.BATCH_VERSIONS

    def subscribed_resources(self) -> frozenset[str]:
        return frozenset(self.resource_subscriptions)

    def subscribe_resource(self, uri: str) -> None:
        """`resources/subscribe`: raises -32602 past `MAX_RESOURCE_SUBSCRIPTIONS`."""
        if uri not in self.resource_subscriptions:
            if len(self.resource_subscriptions) >= MAX_RESOURCE_SUBSCRIPTIONS:
                raise jsonrpc.JsonRpcError(
                    jsonrpc.INVALID_PARAMS,
                    f"at most {MAX_RESOURCE_SUBSCRIPTIONS} resource subscriptions per session",
                )
            self.resource_subscriptions.add(uri)
            self.changed()

    def unsubscribe_resource(self, uri: str) -> None:
        if uri in self.resource_subscriptions:
            self.resource_subscriptions.discard(uri)
            self.changed()

    @property
    def streams_open(self) -> int:
        return (self.stream is not None and not self.stream.closed) + len(self.request_streams)

    def is_probe(self) -> bool:
        return not self.saw_initialized_notification and self.requests_served <= 1

    def accepts(self, transport: Transport, credential: bytes) -> bool:
        """Whether a request on `transport` presenting `credential` may use this session.

        A session id works only on the transport that created it and only with the
        credential that created it, so an id seen elsewhere is not a key to someone's chats.
        """
        return not self.closed and transport is self.transport and credential == self.credential

    # --- what the transports do to a session -------------------------------------------

    def attach_stream(self, abort: Callable[[], object]) -> Outbox | None:
        """Open the session-wide stream (Streamable HTTP's GET; an SSE session has its own
        from the start): None if one is open already. `abort` cuts a stalled reader."""
        if self.transport is Transport.SSE:
            stream = self.stream
        elif self.stream is not None:
            return None
        else:
            stream = self.stream = Outbox(self._registry.outbox_limit)
        self.abort_stream = abort
        self.touch()
        return stream

    def detach_stream(self, stream: Outbox) -> None:
        """The transport's side of `stream` ended."""
        if self.stream is stream:
            self.abort_stream = None
            if self.transport is not Transport.SSE:
                self.stream = None
        self.touch()

    def add_request_stream(self, outbox: Outbox) -> None:
        """A POST is answering on `outbox` (closed with the session)."""
        self.request_streams.add(outbox)

    def remove_request_stream(self, outbox: Outbox) -> None:
        self.request_streams.discard(outbox)

    def send_to_stream(self, message: jsonrpc.JsonObject) -> bool:
        """Send a message on the session-wide stream; False if there is none or it overflowed."""
        stream = self.stream
        if stream is None or stream.closed:
            return False
        if stream.put(jsonrpc.encode(message)):
            return True
        logger.warning("session %s stopped reading its stream; closing the stream", self.handle)
        stream.close()
        if self.abort_stream is not None:
            self.abort_stream()
        if self.transport is Transport.SSE:
            self._registry.close(self, "client stopped reading")
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
            logger.debug("session %s: response to unknown request %r", self.handle, response.id)
            return
        if response.error is not None:
            message = str(response.error.get("message", "error"))
            future.set_exception(ClientRequestError(f"the client answered: {message}"))
        else:
            future.set_result(response.result or {})

    def _close(self, queue: WorkQueue | None, reason: str) -> None:
        # Requests first: their error answers go out on the streams before these end.
        super()._close(queue, reason)
        if self.stream is not None:
            self.stream.close()
        for stream in list(self.request_streams):
            stream.close()
        for future in list(self._client_requests.values()):
            if not future.done():
                future.set_exception(ClientRequestError("the session ended"))


def open_session(
    registry: ClientRegistry,
    transport: Transport,
    remote_address: str | None,
    credential: bytes,
    token_name: str | None = None,
) -> Session:
    """Create and register a session (may evict the oldest idle one, see `max_sessions`)."""
    session = Session(registry, transport, remote_address, credential)
    session.token_name = token_name
    registry.add(session)
    return session
