"""The configured webhooks as one listener of the change feed.

`Webhooks.deliver(messages)` is what the feed calls, on the event loop, with each batch of new
messages (oldest first): every hook takes the messages its filters want into its own queue and
returns at once; each hook's task does the sending (server/push/hook_delivery.py). Nothing
here blocks the loop or raises into the feed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from server.push.hook_config import WebhookConfig
from server.push.hook_delivery import DeliverySettings, HookDelivery, HookStatus
from server.wechat.model import Message

logger = logging.getLogger(__name__)


class Webhooks:
    """Every configured hook, started and stopped with the server."""

    def __init__(
        self, configs: Iterable[WebhookConfig], settings: DeliverySettings | None = None
    ) -> None:
        self.hooks = [
            HookDelivery(index, config, settings) for index, config in enumerate(configs, 1)
        ]
        if self.hooks:
            # httpx logs every request's full URL at INFO; a receiver's URL may hold a secret.
            logging.getLogger("httpx").setLevel(logging.WARNING)

    def __len__(self) -> int:
        return len(self.hooks)

    def __bool__(self) -> bool:
        return bool(self.hooks)

    def start(self) -> None:
        """Start each hook's task on the running loop."""
        for hook in self.hooks:
            hook.start()
        for hook in self.hooks:
            where = "another computer" if hook.config.is_remote else "this computer"
            logger.info(
                "webhook %d: %s on %s, %s",
                hook.index,
                hook.config.target,
                where,
                hook.config.describe_filters(),
            )

    async def stop(self) -> None:
        for hook in self.hooks:
            await hook.stop()

    def deliver(self, messages: Sequence[Message]) -> None:
        """The feed's listener: hand each hook the new messages it wants."""
        for hook in self.hooks:
            hook.offer(messages)

    def statuses(self) -> list[HookStatus]:
        return [hook.status() for hook in self.hooks]

    def health(self) -> dict[str, Any]:
        """For /health: counts and errors per hook; no filters, no URL secrets, no chat text."""
        statuses = self.statuses()
        return {
            "count": len(statuses),
            "failing": sum(status.state == "retrying" for status in statuses),
            "hooks": [status.to_json() for status in statuses],
        }
