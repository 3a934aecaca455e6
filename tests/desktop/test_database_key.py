"""The WeChat database key in the desktop app: typed, checked against the data, kept safe.

The encrypted folder is written by SQLCipher 4 (see tests/unit/wechat/crypto/conftest.py);
the key is checked by really opening it, on the store's threads.
"""

import logging

import httpx
import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtWidgets import QLabel, QLineEdit

from desktop.settings import (
    KEY_KEYCHAIN_PROBLEM,
    KEYRING_FILE_KEYS_USER,
    KEYRING_IMAGE_KEY_USER,
    KEYRING_KEY_USER,
    KEYRING_SERVICE,
    DesktopSettings,
)
from desktop.settings_dialog import SettingsDialog
from server.config import ServerConfig
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY
from tests.unit.wechat.crypto.keyfiles import key_file_entries, write_key_file

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


def _assert_no_key_in(text: str) -> None:
    for form in (KEY, KEY.upper(), OTHER_KEY):
        assert form not in text


async def _unused_apply(settings: DesktopSettings) -> str | None:
    raise AssertionError("apply must not run for an invalid key")


async def test_the_key_field_is_validated_as_typed_hidden_and_clearable():
    dialog = SettingsDialog(DesktopSettings(ServerConfig()), _unused_apply)
    assert dialog.key.echoMode() is QLineEdit.EchoMode.Password
    assert "keychain" in dialog.key_help.text() and "plain text" in dialog.key_help.text()
    dialog.key.setText(KEY[:20])
    assert not dialog.ok_button.isEnabled()
    assert "20 characters" in dialog.problems.text() and "64" in dialog.problems.text()
    dialog.key.setText("g" * 64)
    assert not dialog.ok_button.isEnabled()
    assert "0-9 and a-f" in dialog.problems.text()
    assert not await dialog.apply_changes()
    dialog.key.setText(f"  {KEY}\n")  # pasted with white space around it
    assert dialog.ok_button.isEnabled() and dialog.problems.isHidden()
    settings = dialog.current_settings()
    assert settings is not None and settings.config.key is not None
    assert settings.config.key.get_secret_value() == KEY
    dialog.reveal_key.setChecked(True)
    assert dialog.key.echoMode() is QLineEdit.EchoMode.Normal
    dialog.reveal_key.setChecked(False)
    dialog.clear_key.click()
    assert dialog.key.text() == ""
    settings = dialog.current_settings()
    assert settings is not None and settings.config.key is None


async def test_a_valid_key_for_encrypted_data_applies_and_the_window_lists_its_chats(
    make_app, encrypted_data, store, ini_path, keychain, caplog
):
    caplog.set_level(logging.DEBUG)
    app = make_app()
    await app.start()
    window = app.window
    await window.reload_chats()
    assert app.chats.is_demo

    dialog = app.open_settings()
    dialog.data_dir.setText(str(encrypted_data))
    dialog.key.setText(KEY)
    assert await dialog.accept_changes(), dialog.problems.text()
    assert not dialog.isVisible()

    await window.reload_chats()
    assert not app.chats.is_demo and app.chats.path == encrypted_data
    assert window.chat_model.rowCount() > 0
    assert window.chat_stack.currentWidget() is window.chat_table
    assert window.open_settings_button.isHidden()
    # The server reads the same encrypted folder.
    assert app.host.address is not None
    url = app.host.address.url + "/api/v1/session?limit=1"
    assert app.host.application is not None and app.host.application.client_tokens is not None
    token = app.host.application.client_tokens.issue("Test app")
    async with httpx.AsyncClient() as client:
        refused = await client.get(url)  # real data: an app needs its token
        answer = await client.get(url, headers={"authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert answer.status_code == 200
    assert window.chat_model.chat(0).user_name in answer.text

    saved = store.load().config
    assert saved.data_dir == encrypted_data
    assert saved.key is not None and saved.key.get_secret_value() == KEY
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_KEY_USER)] == KEY
    _assert_no_key_in(ini_path.read_text())
    _assert_no_key_in(caplog.text)


async def test_a_wrong_key_is_refused_and_the_previous_settings_keep_serving(
    make_app, encrypted_data, store, keychain, caplog
):
    caplog.set_level(logging.DEBUG)
    app = make_app(ServerConfig(port=0, data_dir=encrypted_data, key=KEY))
    await app.start()
    await app.window.reload_chats()
    listed = app.window.chat_model.rowCount()
    assert listed > 0
    serving = app.chats.store

    dialog = app.open_settings()
    dialog.key.setText(OTHER_KEY)
    dialog.workers.setValue(5)
    assert not await dialog.apply_changes()
    assert "Wrong key for this data" in dialog.problems.text()
    assert "previous settings" in dialog.problems.text()
    assert dialog.isVisible()

    assert app.host.running and app.host.config.key is not None
    assert app.host.config.key.get_secret_value() == KEY
    assert app.host.config.workers != 5
    assert app.chats.store is serving
    await app.window.reload_chats()
    assert app.window.chat_model.rowCount() == listed
    saved = store.load().config
    assert saved.key is not None and saved.key.get_secret_value() == KEY
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_KEY_USER)] == KEY
    _assert_no_key_in(caplog.text)

    dialog.key.setText(KEY)  # the right key again: the rest of the change applies
    assert await dialog.apply_changes()
    assert app.host.config.workers == 5


async def test_encrypted_data_without_a_key_is_refused_with_a_hint(make_app, encrypted_data, store):
    app = make_app(serve=False)
    dialog = app.open_settings()
    dialog.data_dir.setText(str(encrypted_data))
    assert not await dialog.apply_changes()
    assert "encrypted" in dialog.problems.text() and "database key" in dialog.problems.text()
    assert store.load().config.data_dir is None
    assert app.chats.is_demo


async def test_the_window_says_the_key_is_wrong_and_opens_the_settings(make_app, encrypted_data):
    app = make_app(ServerConfig(port=0, data_dir=encrypted_data, key=OTHER_KEY), serve=False)
    window = app.window
    await window.reload_chats()
    assert window.chat_stack.currentWidget() is window.chat_empty
    assert "Wrong key for this data" in window.chat_empty.text()
    assert not window.open_settings_button.isHidden()
    window.open_settings_button.click()
    assert app.dialog is not None and app.dialog.isVisible()
    assert app.dialog.key.text() == OTHER_KEY


async def test_the_window_says_when_encrypted_data_needs_a_key(make_app, encrypted_data):
    app = make_app(ServerConfig(port=0, data_dir=encrypted_data), serve=False)
    window = app.window
    await window.reload_chats()
    assert "encrypted" in window.chat_empty.text()
    assert "Database key" in window.chat_empty.text()
    assert not window.open_settings_button.isHidden()


async def test_without_a_keychain_the_dialog_says_the_key_is_kept_for_the_session(make_app):
    keyring.set_keyring(NoKeyring())
    app = make_app(ServerConfig(port=0, key=KEY), serve=False)
    dialog = app.open_settings()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert KEY_KEYCHAIN_PROBLEM in labels
    assert dialog.key.text() == KEY  # still there for this session


async def test_a_key_file_opens_encrypted_data_and_is_kept_in_the_keychain_only(
    make_app, encrypted_data, store, ini_path, keychain, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    key_file = write_key_file(tmp_path / "all_keys.json", encrypted_data)
    app = make_app(serve=False)
    dialog = app.open_settings()
    dialog.data_dir.setText(str(encrypted_data))
    assert dialog.load_key_file_from(key_file)
    assert "database key(s) from a key file" in dialog.key_file_label.text()
    assert await dialog.accept_changes(), dialog.problems.text()

    await app.window.reload_chats()
    assert not app.chats.is_demo and app.window.chat_model.rowCount() > 0
    saved = store.load().config
    assert saved.key is None and len(saved.file_keys) == len(key_file_entries(encrypted_data)) - 1
    stored = keychain.passwords[(KEYRING_SERVICE, KEYRING_FILE_KEYS_USER)]
    some_key = next(iter(saved.file_keys.values())).get_secret_value()
    assert some_key in stored
    assert some_key not in ini_path.read_text() and some_key not in caplog.text


async def test_a_file_that_is_not_a_key_file_is_refused_with_its_name(make_app, tmp_path):
    app = make_app(serve=False)
    dialog = app.open_settings()
    bad = tmp_path / "notes.json"
    bad.write_text("[1, 2, 3]", encoding="utf-8")
    assert not dialog.load_key_file_from(bad)
    assert "notes.json" in dialog.problems.text()


async def test_the_image_key_is_set_in_settings_kept_in_the_keychain_and_reaches_the_server(
    make_app, store, ini_path, keychain, caplog
):
    caplog.set_level(logging.DEBUG)
    image_key = "0123456789abcdef"
    app = make_app(serve=False)
    dialog = app.open_settings()
    assert dialog.image_key.echoMode() == QLineEdit.EchoMode.Password
    dialog.image_key.setText("too short")
    assert not await dialog.accept_changes()
    assert "Image key" in dialog.problems.text() and "too short" not in dialog.problems.text()
    dialog.image_key.setText(image_key)
    assert await dialog.accept_changes(), dialog.problems.text()
    saved = store.load().config
    assert saved.image_key is not None and saved.image_key.get_secret_value() == image_key
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_IMAGE_KEY_USER)] == image_key
    assert app.host.config.image_key is not None
    assert image_key not in ini_path.read_text() and image_key not in caplog.text
