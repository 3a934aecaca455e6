"""`notifications/resources/updated` for the chat resources, in both eras.

A handshake-era session subscribes with `resources/subscribe` and hears on its session-wide
stream (the SSE stream, or Streamable HTTP's GET stream); a 2026-07-28 client names the URIs in
the `resourceSubscriptions` of a `subscriptions/listen` stream and hears there, tagged with
the subscription's id (server/mcp/subscriptions.py).

`ResourceUpdates` subscribes to the change feed while at least one client subscribes to a chat
resource and lets go when the last one unsubscribes, closes its stream or leaves, so the feed
does no work for nobody. Each batch of new messages updates the all-chats resource and the
resource of every chat it touches; a client hears of each resource it subscribes to once per
batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from server.mcp import jsonrpc
from server.mcp.clients import Client, ClientEvent, ClientEventKind, ClientRegistry
from server.mcp.sessions import Session
from server.mcp.subscriptions import RESOURCE_UPDATED, SubscriptionHub
from server.push.feed import ChangeFeed, FeedBatch, FeedSubscription
from server.push.resources import affected, is_chat_resource

logger = logging.getLogger(__name__)


class ResourceUpdates:
    """Announces new messages as updates of the chat resources (a `ResourceWatch`)."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._feed = feed
        self._registry: ClientRegistry | None = None
        self._hub: SubscriptionHub | None = None
        # Clients that subscribe to a chat resource, by handle.
        self._subscribers: dict[str, Client] = {}
        self._subscription: FeedSubscription | None = None
        # Following the registry's events only while someone subscribes: without, every
        # request would pay for a snapshot of its client.
        self._unfollow: Callable[[], None] | None = None
        self.announced = 0  # notifications sent (for tests and the bench)

    def attach(self, registry: ClientRegistry, hub: SubscriptionHub) -> None:
        self._registry = registry
        self._hub = hub

    def follow(self, feed: ChangeFeed) -> None:
        """Announce `feed`'s messages from now on (the data folder or key changed live);
        subscribed clients stay subscribed."""
        if feed is self._feed:
            return
        old, self._feed = self._subscription, feed
        if old is not None:
            old.cancel()
            self._subscription = feed.listen(self._deliver) if self._subscribers else None

    def watches(self, uri: str) -> bool:
        return is_chat_resource(uri)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def watch(self, client: Client) -> None:
        if client.closed or not any(map(is_chat_resource, client.subscribed_resources())):
            return
        self._subscribers[client.handle] = client
        if self._unfollow is None and self._registry is not None:
            self._unfollow = self._registry.subscribe(self._client_changed)
        if self._subscription is None or not self._subscription.active:
            self._subscription = self._feed.listen(self._deliver)
        await self._feed.ready()

    def _client_changed(self, event: ClientEvent) -> None:
        handle = event.client.handle
        if handle not in self._subscribers:
            return
        if event.kind is ClientEventKind.CLOSED or not any(
            map(is_chat_resource, event.client.subscriptions)
        ):
            del self._subscribers[handle]
            if not self._subscribers:
                self._release()

    def _release(self) -> None:
        unfollow, self._unfollow = self._unfollow, None
        if unfollow is not None:
            unfollow()
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.cancel()
            logger.debug("no client subscribes to a chat resource: the feed may rest")

    def _deliver(self, batch: FeedBatch) -> None:
        talkers = {message.talker for message in batch.messages}
        listened: set[str] = set()  # by 2026-07-28 listen streams: the hub tells them
        for client in list(self._subscribers.values()):
            uris = sorted(uri for uri in client.subscribed_resources() if affected(uri, talkers))
            if not isinstance(client, Session):
                listened.update(uris)
                continue
            for uri in uris:
                notification = jsonrpc.notification_message(RESOURCE_UPDATED, {"uri": uri})
                if client.send_to_stream(notification):
                    self.announced += 1
        if self._hub is not None:
            for uri in sorted(listened):
                self.announced += self._hub.resource_updated(uri)
