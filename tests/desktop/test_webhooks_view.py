"""The Webhooks tab: each hook, what it subscribes to, where it sends, how it fares."""

import pytest

from server.config import ServerConfig
from server.push.hook_config import WebhookConfig
from tests.support import wait_until
from tests.unit.push.messages import text_message
from tests.webhook_receiver import webhook_receiver

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


def _cell(table, row: int, column: int) -> str:
    return table.item(row, column).text()


async def test_the_tab_shows_each_hook_marks_the_remote_one_and_counts_deliveries(make_app):
    async with webhook_receiver() as receiver, webhook_receiver(status=500) as failing:
        hooks = (
            WebhookConfig(url=receiver.url + "?token=hidden", talker="Family"),
            WebhookConfig(url="https://hooks.example.com/in", allow_remote=True),
            WebhookConfig(url=failing.url),
        )
        app = make_app(ServerConfig(port=0, webhooks=hooks))
        window = app.window
        view = window.webhooks_view
        view.refresh()
        assert _cell(view.table, 0, 3) == "stopped"  # configured, not started yet
        await app.start()
        window.tabs.setCurrentWidget(view)
        window.bring_to_front()
        table = view.table
        assert view.stack.currentWidget() is table and table.rowCount() == 3
        assert _cell(table, 0, 0) == receiver.url  # the query (a secret, maybe) is not shown
        assert _cell(table, 0, 1) == "talker=Family"
        assert _cell(table, 1, 2) == "⚠ another computer"
        assert _cell(table, 0, 2) == "this computer"
        webhooks = app.host.application.webhooks
        webhooks.deliver([text_message(1, "hello")])  # as the change feed would
        await receiver.wait_for_messages(1)
        await wait_until(lambda: _cell(table, 0, 4) == "1")  # refreshed by itself
        await wait_until(lambda: _cell(table, 2, 3) == "failing, retrying")
        assert "HTTP 500" in _cell(table, 2, 8)
        assert _cell(table, 2, 7) == "1"


async def test_without_hooks_the_tab_says_how_to_add_one(make_app):
    app = make_app()
    await app.start()
    view = app.window.webhooks_view
    view.refresh()
    assert view.stack.currentWidget() is view.empty
    assert "Settings" in view.empty.text()
