"""`--webhook URL` and its filters on the command line.

Each `--webhook URL` starts a hook; `--webhook-talker`, `--webhook-sender` and
`--webhook-keyword` that follow it filter that hook (until the next `--webhook`). A hook to a
host that is not this computer is refused unless `--allow-remote-webhook` is given too.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

WEBHOOK_HELP = (
    "POST new messages to URL as JSON, in chatlog's webhook format (repeatable). Options that "
    "follow a --webhook filter that hook: --webhook-talker, --webhook-sender, --webhook-keyword. "
    "A URL whose host is not this computer (not localhost, 127.0.0.1 or ::1) sends your chats "
    "off it and is refused unless --allow-remote-webhook is given. Example: --webhook "
    "http://127.0.0.1:8000/hook --webhook-talker 'Family group' --webhook-keyword 'urgent|紧急'"
)
FILTERS = {
    "--webhook-talker": ("talker", "only messages in these chats (names or ids, comma list)"),
    "--webhook-sender": ("sender", "only messages from these people (names or ids, comma list)"),
    "--webhook-keyword": ("keyword", "only messages whose text matches this RE2 regex"),
}


class _WebhookAction(argparse.Action):
    """`--webhook URL` starts a hook; a filter flag after it sets a field of that hook."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        hooks: list[dict[str, str]] = list(getattr(namespace, "webhooks", None) or [])
        if option_string not in FILTERS:
            hooks.append({"url": str(values)})
        elif not hooks:
            parser.error(f"{option_string} filters a webhook: put it after --webhook URL")
        else:
            field = FILTERS[option_string][0]
            if field in hooks[-1]:
                parser.error(f"{option_string} is given twice for the webhook {hooks[-1]['url']}")
            hooks[-1] = {**hooks[-1], field: str(values)}
        namespace.webhooks = hooks


def add_webhook_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("webhooks", WEBHOOK_HELP)
    group.add_argument(
        "--webhook",
        action=_WebhookAction,
        metavar="URL",
        dest="webhooks",
        help="a receiver of new messages (repeatable)",
    )
    for option, (_field, help_text) in FILTERS.items():
        group.add_argument(
            option, action=_WebhookAction, metavar=_field.upper(), dest="webhooks", help=help_text
        )
    group.add_argument(
        "--allow-remote-webhook",
        action="store_true",
        help="confirm that the --webhook URLs whose host is another computer may receive your "
        "chat messages",
    )


def webhook_configs(args: argparse.Namespace) -> tuple[dict[str, Any], ...]:
    """The hooks given on the command line, as ServerConfig.webhooks entries."""
    allow_remote = bool(getattr(args, "allow_remote_webhook", False))
    return tuple(
        {**hook, "allow_remote": allow_remote} for hook in getattr(args, "webhooks", None) or []
    )


class WebhookFlags:
    """The webhooks' command line as the settings schema asks of a RECORDS setting
    (server/settings_schema.py `CustomFlags`)."""

    def add(self, parser: argparse.ArgumentParser) -> None:
        add_webhook_arguments(parser)

    def given(self, args: argparse.Namespace) -> object:
        return webhook_configs(args) or None
