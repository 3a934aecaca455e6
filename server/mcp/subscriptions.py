"""`subscriptions/listen` (2026-07-28): long-lived streams of the change notifications a
client opted in to.

Each listen stream has a filter (tools, prompts or resources list changed; updates of named
resources). `SubscriptionHub.publish` hands a notification to exactly the streams whose
filter asked for it, tagged with the stream's subscription id (the JSON-RPC id of its
`subscriptions/listen` request), and never to any other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from server.mcp import jsonrpc
from server.mcp.modern import SUBSCRIPTION_ID_META
from server.mcp.outbox import Outbox

if TYPE_CHECKING:
    from server.mcp.clients import Client, ClientRegistry

logger = logging.getLogger(__name__)

# Filter flag -> the notification it lets through.
LIST_CHANGED = {
    "toolsListChanged": "notifications/tools/list_changed",
    "promptsListChanged": "notifications/prompts/list_changed",
    "resourcesListChanged": "notifications/resources/list_changed",
}
RESOURCE_UPDATED = "notifications/resources/updated"
MAX_RESOURCE_SUBSCRIPTIONS = 1000


class ResourceWatch(Protocol):
    """What announces updates of some resources to the clients subscribed to them, in both
    eras (the chat resources: server/push/updates.py)."""

    def watches(self, uri: str) -> bool:
        """Whether updates of `uri` are announced."""
        ...

    async def watch(self, client: Client) -> None:
        """`client` now subscribes to resources it watches: returns once every later
        update of them will be announced."""
        ...

    def attach(self, registry: ClientRegistry, hub: SubscriptionHub) -> None:
        """Where the subscribers are (called once by the application)."""
        ...


@dataclass(eq=False)
class Subscription:
    id: jsonrpc.RequestId
    outbox: Outbox
    methods: frozenset[str]
    resources: frozenset[str] = field(default_factory=frozenset)

    def tagged(self, method: str, params: dict[str, Any] | None = None) -> bytes:
        body = dict(params or {})
        body["_meta"] = {SUBSCRIPTION_ID_META: self.id}
        return jsonrpc.encode(jsonrpc.notification_message(method, body))


def accepted_filter(requested: object, supported: Iterable[str]) -> dict[str, Any]:
    """The part of a client's filter this server honours (what the acknowledgment echoes).

    Raises -32602 for a filter that is not an object or names resources wrongly.
    """
    if not isinstance(requested, dict):
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "notifications must be an object")
    honoured: dict[str, Any] = {
        flag: True for flag in supported if flag in LIST_CHANGED and requested.get(flag) is True
    }
    uris = requested.get("resourceSubscriptions")
    if uris is not None and "resourceSubscriptions" in supported:
        if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS, "notifications.resourceSubscriptions must list URIs"
            )
        if len(uris) > MAX_RESOURCE_SUBSCRIPTIONS:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS,
                f"at most {MAX_RESOURCE_SUBSCRIPTIONS} resources per subscription",
            )
        honoured["resourceSubscriptions"] = list(dict.fromkeys(uris))
    return honoured


class SubscriptionHub:
    """Every open listen stream, and the notifications that go to them."""

    def __init__(self, supported: Iterable[str] = (), watch: ResourceWatch | None = None) -> None:
        # What this server can ever announce; the rest of a filter is declined.
        self.supported = frozenset(supported)
        # What announces resource updates (to listen streams and handshake sessions alike).
        self.watch = watch
        self._subscriptions: set[Subscription] = set()

    def __len__(self) -> int:
        return len(self._subscriptions)

    def open(
        self, subscription_id: jsonrpc.RequestId, honoured: dict[str, Any], outbox: Outbox
    ) -> Subscription:
        methods = frozenset(LIST_CHANGED[flag] for flag in honoured if flag in LIST_CHANGED)
        resources = frozenset(honoured.get("resourceSubscriptions", ()))
        subscription = Subscription(subscription_id, outbox, methods, resources)
        self._subscriptions.add(subscription)
        return subscription

    def close(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def list_changed(self, flag: str) -> int:
        """Announce that a list changed (flag as in the filter); returns streams told."""
        method = LIST_CHANGED[flag]
        targets = [s for s in self._subscriptions if method in s.methods]
        return _send(targets, method, None)

    def resource_updated(self, uri: str) -> int:
        """Announce that a resource changed; returns streams told."""
        targets = [s for s in self._subscriptions if uri in s.resources]
        return _send(targets, RESOURCE_UPDATED, {"uri": uri})


def _send(targets: list[Subscription], method: str, params: dict[str, Any] | None) -> int:
    told = 0
    for subscription in targets:
        if subscription.outbox.put(subscription.tagged(method, params)):
            told += 1
        else:  # a reader that stopped reading loses its stream, not our memory
            subscription.outbox.close()
    return told
