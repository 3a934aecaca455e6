"""Webhooks in Settings: a list with filters, a confirmation for another computer, saved."""

import pytest
from PySide6.QtCore import QSettings

from desktop.settings import DesktopSettings, SettingsStore, TokenStore
from desktop.settings_dialog import SettingsDialog
from server.config import ServerConfig
from server.push.hook_config import WebhookConfig

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

REMOTE = "https://hooks.example.com/in"
LOCAL = "http://127.0.0.1:8000/hook"


async def _applied(settings: DesktopSettings) -> str | None:
    return None


def _dialog(config: ServerConfig | None = None) -> SettingsDialog:
    return SettingsDialog(DesktopSettings(config or ServerConfig()), _applied)


async def test_a_loopback_hook_with_filters_reaches_the_settings():
    dialog = _dialog()
    editor = dialog.webhooks
    editor.add_hook(LOCAL, talker="Family", keyword="urgent|紧急")
    assert dialog.ok_button.isEnabled() and dialog.apply_button.isEnabled()
    settings = dialog.current_settings()
    assert settings is not None
    [hook] = settings.config.webhooks
    assert (hook.url, hook.talker, hook.sender, hook.keyword) == (
        LOCAL,
        "Family",
        "",
        "urgent|紧急",
    )
    assert await dialog.apply_changes()


async def test_a_hook_to_another_computer_needs_its_box_ticked():
    dialog = _dialog()
    editor = dialog.webhooks
    row = editor.add_hook(REMOTE)
    assert not dialog.ok_button.isEnabled()
    assert "hooks.example.com is another computer" in dialog.problems.text()
    assert "Webhook 1" in dialog.problems.text()
    assert "leave this one" in editor.table.item(row, 0).toolTip()
    editor.set_cell(row, "allow_remote", True)
    assert dialog.ok_button.isEnabled() and dialog.problems.isHidden()
    settings = dialog.current_settings()
    assert settings is not None and settings.config.webhooks[0].allow_remote


async def test_a_confirmation_holds_for_its_host_only():
    dialog = _dialog()
    editor = dialog.webhooks
    row = editor.add_hook(REMOTE, allow_remote=True)
    assert dialog.ok_button.isEnabled()
    editor.set_cell(row, "url", REMOTE + "/other-path")  # the same host: still confirmed
    assert dialog.ok_button.isEnabled()
    editor.set_cell(row, "url", "https://elsewhere.example.net/in")
    assert not dialog.ok_button.isEnabled()  # another computer: asked anew
    assert "elsewhere.example.net is another computer" in dialog.problems.text()


async def test_a_url_typed_into_a_row_is_checked_as_typed():
    dialog = _dialog()
    editor = dialog.webhooks
    editor.add_button.click()  # an empty row, its URL being edited
    assert not dialog.ok_button.isEnabled()
    assert "enter its URL" in dialog.problems.text()
    editor.set_cell(0, "url", "ftp://127.0.0.1/x")
    assert "http:// or https://" in dialog.problems.text()
    editor.set_cell(0, "url", LOCAL)
    editor.set_cell(0, "keyword", "(?=lookahead)")
    assert "lookahead" in dialog.problems.text() and not dialog.ok_button.isEnabled()
    editor.set_cell(0, "keyword", "")
    assert dialog.ok_button.isEnabled()


async def test_removing_a_hook_takes_it_out_of_the_settings():
    config = ServerConfig(webhooks=(WebhookConfig(url=LOCAL), WebhookConfig(url=LOCAL + "2")))
    dialog = _dialog(config)
    editor = dialog.webhooks
    assert editor.table.rowCount() == 2 and not dialog.apply_button.isEnabled()
    editor.table.selectRow(0)
    editor.remove_button.click()
    settings = dialog.current_settings()
    assert settings is not None and [h.url for h in settings.config.webhooks] == [LOCAL + "2"]
    assert dialog.apply_button.isEnabled()


async def test_hooks_are_kept_in_the_keychain_with_their_confirmation(ini_path, keychain):
    hooks = (
        WebhookConfig(url=LOCAL, sender="Mum"),
        WebhookConfig(url=REMOTE, keyword="紧急", allow_remote=True),
    )
    store = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    store.save(DesktopSettings(ServerConfig(webhooks=hooks)))
    again = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    assert again.load().config.webhooks == hooks
    # A receiver's URL may carry its secret: it never reaches the settings file.
    assert "127.0.0.1:8" not in ini_path.read_text() and "webhooks" not in ini_path.read_text()
    assert ("chatlog-tray", "webhooks") in keychain.passwords


async def test_a_damaged_stored_hook_is_left_out_and_the_rest_kept(ini_path, keychain, caplog):
    keychain.set_password(
        "chatlog-tray",
        "webhooks",
        '[{"url": "https://hooks.example.com/in?key=SECRET"}, {"url": "' + LOCAL + '"}]',
    )
    store = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    assert [hook.url for hook in store.load().config.webhooks] == [LOCAL]
    assert "stored webhook 1" in caplog.text and "SECRET" not in caplog.text
