"""The settings dialog: validation as typed, live apply, a busy port shown in the dialog."""

from pathlib import Path

import pytest

from desktop.settings import DesktopSettings
from desktop.settings_dialog import ALL_INTERFACES, SettingsDialog
from server.config import ServerConfig

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


async def _never_called(settings: DesktopSettings) -> str | None:
    raise AssertionError("apply must not run for invalid settings")


def _dialog(config: ServerConfig | None = None) -> SettingsDialog:
    return SettingsDialog(DesktopSettings(config or ServerConfig()), _never_called)


async def test_a_bad_origin_is_reported_as_typed_and_blocks_ok():
    dialog = _dialog()
    assert dialog.ok_button.isEnabled()
    dialog.origins.setPlainText("localhost:6274")
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    assert "http://" in dialog.problems.text()
    assert not dialog.problems.isHidden()
    dialog.origins.setPlainText("http://localhost:6274")
    assert dialog.ok_button.isEnabled() and dialog.apply_button.isEnabled()
    assert dialog.problems.isHidden()
    dialog.origins.setPlainText("*")
    assert not await dialog.apply_changes()  # invalid settings never reach `apply`


async def test_all_interfaces_needs_a_token_and_shows_a_warning():
    dialog = _dialog()
    assert dialog.network_warning.isHidden()
    dialog.host.setCurrentIndex(dialog.host.findData(ALL_INTERFACES))
    assert not dialog.network_warning.isHidden()
    assert not dialog.ok_button.isEnabled()
    assert "token" in dialog.problems.text()
    dialog.generate_token.click()
    assert len(dialog.token.text()) >= 32
    assert dialog.token.text().isalnum()  # never "-…", which a command line takes for a flag
    assert dialog.ok_button.isEnabled()
    settings = dialog.current_settings()
    assert settings is not None and settings.config.host == ALL_INTERFACES


async def test_a_short_token_is_reported_as_typed_and_blocks_ok():
    dialog = _dialog()
    dialog.token.setText("abc123")
    assert not dialog.ok_button.isEnabled()
    assert "Access token" in dialog.problems.text() and "16" in dialog.problems.text()
    assert "abc123" not in dialog.problems.text()
    dialog.token.setText("abc123" * 3)
    assert dialog.ok_button.isEnabled()


async def test_the_data_directory_shows_the_detected_layout(tmp_path):
    dialog = _dialog()
    assert "demo" in dialog.layout_label.text()
    dialog.data_dir.setText(str(tmp_path / "missing"))
    await dialog.layout_checked
    assert "not found" in dialog.layout_label.text()
    account = tmp_path / "wxid_me"
    (account / "db_storage" / "contact").mkdir(parents=True)
    (account / "db_storage" / "contact" / "contact.db").write_bytes(b"")
    dialog.data_dir.setText(str(account))
    assert "Looking at the folder" in dialog.layout_label.text()  # off the GUI thread
    await dialog.layout_checked
    assert "WeChat 4.x" in dialog.layout_label.text()
    settings = dialog.current_settings()
    assert settings is not None and settings.config.data_dir == Path(account)


async def test_apply_on_a_busy_port_shows_the_error_and_keeps_the_old_server(
    make_app, busy_port, store
):
    app = make_app()
    await app.start()
    assert app.host.address is not None
    serving_port = app.host.address.port
    dialog = app.open_settings()
    dialog.port.setValue(busy_port)
    assert dialog.apply_button.isEnabled()
    assert not await dialog.apply_changes()
    assert "already in use" in dialog.problems.text()
    assert "previous settings" in dialog.problems.text()
    assert dialog.isVisible()
    assert app.host.running and app.host.address.port == serving_port
    assert store.load().config.port == 0  # nothing saved
    dialog.port.setValue(0)
    assert await dialog.accept_changes()
    assert not dialog.isVisible()


async def test_apply_reconfigures_the_server_and_saves_the_settings(make_app, store, keychain):
    app = make_app()
    await app.start()
    dialog = app.open_settings()
    dialog.workers.setValue(3)
    dialog.generate_token.click()
    token = dialog.token.text()
    assert await dialog.apply_changes()
    assert not dialog.apply_button.isEnabled()  # nothing left to apply
    assert app.host.running
    assert app.host.application is not None and app.host.application.queue.workers == 3
    saved = store.load().config
    assert saved.workers == 3
    assert saved.token is not None and saved.token.get_secret_value() == token
    assert token in keychain.passwords.values()


async def test_browse_opens_in_the_home_folder_when_no_folder_is_typed():
    from PySide6.QtWidgets import QFileDialog

    dialog = _dialog()
    dialog.browse.click()
    [picker] = dialog.findChildren(QFileDialog)
    assert Path(picker.directory().absolutePath()) == Path.home()
    picker.reject()


async def test_a_new_address_or_port_is_said_to_restart_the_server_before_apply():
    dialog = _dialog(ServerConfig(port=5030))
    assert dialog.restart_note.isHidden()
    dialog.workers.setValue(3)
    dialog.origins.setPlainText("http://localhost:6274")
    assert dialog.restart_note.isHidden()  # applied live: nothing to warn about
    dialog.port.setValue(5031)
    assert not dialog.restart_note.isHidden()
    assert "restarts the server" in dialog.restart_note.text()
    dialog.port.setValue(5030)
    dialog.host.setCurrentIndex(dialog.host.findData(ALL_INTERFACES))
    assert not dialog.restart_note.isHidden()
