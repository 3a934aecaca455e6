"""The configured webhooks as one listener of the change feed (server/push/feed.py).

While the server serves, the webhooks hold one feed subscription (none when no hook is
configured, so the feed does no work for them). For each batch of new messages every hook
takes the ones its filters want into its own queue and returns at once; each hook's task does
the sending (server/push/hook_delivery.py). Nothing here blocks the loop or raises into the
feed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from server.push.feed import ChangeFeed, FeedBatch, FeedMessage, FeedSubscription
from server.push.hook_config import WebhookConfig
from server.push.hook_delivery import DeliverySettings, HookDelivery, HookStatus

logger = logging.getLogger(__name__)


class Webhooks:
    """Every configured hook, started and stopped with the server."""

    def __init__(
        self, configs: Iterable[WebhookConfig], settings: DeliverySettings | None = None
    ) -> None:
        self.hooks = [
            HookDelivery(index, config, settings) for index, config in enumerate(configs, 1)
        ]
        self._subscription: FeedSubscription | None = None
        self._subscribing: asyncio.Task[None] | None = None
        if self.hooks:
            # httpx logs every request's full URL at INFO; a receiver's URL may hold a secret.
            logging.getLogger("httpx").setLevel(logging.WARNING)

    def __len__(self) -> int:
        return len(self.hooks)

    def __bool__(self) -> bool:
        return bool(self.hooks)

    @property
    def listening(self) -> bool:
        """True once every new message reaches the hooks (the feed subscription is live)."""
        return self._subscription is not None and self._subscription.active

    def start(self, feed: ChangeFeed | None = None) -> None:
        """Start each hook's task and subscribe to `feed`, on the running loop."""
        if not self.hooks:
            return
        for hook in self.hooks:
            hook.start()
            where = "another computer" if hook.config.is_remote else "this computer"
            logger.info(
                "webhook %d: %s on %s, %s",
                hook.index,
                hook.config.target,
                where,
                _filter_count(hook.config),  # names and keywords stay out of the log
            )
        if feed is not None and self._subscribing is None:
            self._subscribing = asyncio.get_running_loop().create_task(
                self._subscribe(feed), name="webhooks-subscribe"
            )

    async def ready(self) -> None:
        """Wait until the hooks follow the feed `start` gave them (at once if none)."""
        if self._subscribing is not None:
            await asyncio.wait([self._subscribing])

    async def _subscribe(self, feed: ChangeFeed) -> None:
        try:
            self._subscription = await feed.subscribe(self.on_batch)
        except Exception:  # a closed store: the hooks stay idle, the server goes on
            logger.exception("webhooks could not follow new messages")

    async def stop(self) -> None:
        subscribing, self._subscribing = self._subscribing, None
        if subscribing is not None:
            subscribing.cancel()
            await asyncio.wait([subscribing])
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
        for hook in self.hooks:
            await hook.stop()

    def on_batch(self, batch: FeedBatch) -> None:
        """The feed's listener."""
        self.deliver(batch.messages)

    def deliver(self, messages: Sequence[FeedMessage]) -> None:
        """Hand each hook the new messages it wants (oldest first)."""
        for hook in self.hooks:
            hook.offer(messages)

    def statuses(self) -> list[HookStatus]:
        return [hook.status() for hook in self.hooks]

    def health(self) -> dict[str, Any]:
        """For /health: counts and errors per hook; no filters, no URL secrets, no chat text."""
        statuses = self.statuses()
        return {
            "count": len(statuses),
            "listening": self.listening,
            "failing": sum(status.state == "retrying" for status in statuses),
            "hooks": [status.to_json() for status in statuses],
        }


def _filter_count(config: WebhookConfig) -> str:
    count = sum(1 for value in (config.talker, config.sender, config.keyword) if value)
    return f"{count} filter(s)" if count else "no filters"
