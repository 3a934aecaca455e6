"""One schema, three places: every setting has its flag, its saved form and (if it has a group)
its widget, and a value goes through each of them and comes back unchanged."""

import json
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel
from PySide6.QtCore import QSettings

from desktop.settings import DesktopSettings, SettingsStore, TokenStore, from_stored, to_stored
from desktop.settings_dialog import SettingsDialog
from devtools import settings_docs
from server.cli import build_parser, parse_args
from server.config import SETTINGS, ServerConfig
from server.settings_schema import Kind, Setting, Storage, entries
from tests.unit.wechat.crypto.conftest import KEY

pytestmark = pytest.mark.desktop

# A value other than the default for every setting; a new setting must be added here.
SAMPLE = {
    "host": "0.0.0.0",
    "port": 6123,
    "token": "sample-token-0123456789",
    "allow_origins": ("http://localhost:6274", "https://example.org"),
    "queue_capacity": 77,
    "workers": 5,
    "ping_interval": 12.5,
    "session_idle_timeout": 900.0,
    "max_sessions": 42,
    "data_dir": Path("/data/wechat"),
    "key": KEY,
    "file_keys": {"db_storage/message/message_0.db": KEY},
    "image_key": "0123456789abcdef",
    "open_access": True,
    "webhooks": (
        {
            "url": "http://127.0.0.1:8000/hook",
            "talker": "Family",
            "keyword": "urgent",
            "allow_remote": True,  # as --allow-remote-webhook sets it for every hook
        },
        {"url": "https://example.org/hook", "allow_remote": True},
    ),
    "search_index": False,
    "conformance_fixtures": True,
}


def _sample(*, kept_only: bool = False) -> ServerConfig:
    values = {
        name: value
        for name, value in SAMPLE.items()
        if not kept_only
        or next(e for e in SETTINGS if e.name == name).setting.storage is not Storage.NOWHERE
    }
    return ServerConfig.model_validate(values)


def test_the_sample_sets_every_setting_to_something_else_than_its_default():
    assert set(SAMPLE) == {entry.name for entry in SETTINGS}
    defaults = ServerConfig()
    assert all(getattr(_sample(), name) != getattr(defaults, name) for name in SAMPLE)


def test_every_setting_in_the_dialog_is_kept_between_runs():
    assert [
        entry.name
        for entry in SETTINGS
        if entry.setting.group and entry.setting.storage is Storage.NOWHERE
    ] == []
    secrets = [entry for entry in SETTINGS if entry.kind in (Kind.SECRET, Kind.KEY_TABLE)]
    assert all(entry.setting.storage is Storage.KEYCHAIN for entry in secrets)


def test_every_setting_has_its_flag_and_the_sample_goes_through_the_command_line(tmp_path):
    options = {option for action in build_parser()._actions for option in action.option_strings}
    assert {entry.flag for entry in SETTINGS} <= options
    key_file = tmp_path / "all_keys.json"
    key_file.write_text(
        json.dumps({name: {"enc_key": key} for name, key in SAMPLE["file_keys"].items()})
    )
    argv = []
    for entry in SETTINGS:
        value = SAMPLE[entry.name]
        if entry.kind is Kind.SWITCH:
            argv.append(entry.flag)
        elif entry.kind is Kind.LINES:
            argv += [part for item in value for part in (entry.flag, item)]
        elif entry.kind is Kind.KEY_TABLE:
            argv += [entry.flag, str(key_file)]
        elif entry.name == "webhooks":
            for hook in value:
                argv += [entry.flag, hook["url"]]
                for field in ("talker", "sender", "keyword"):
                    if field in hook:
                        argv += [f"--webhook-{field}", hook[field]]
            argv.append("--allow-remote-webhook")
        else:
            argv += [entry.flag, str(value)]
    _args, config = parse_args(argv, environ={})
    assert config == _sample()


def test_the_sample_is_saved_and_loaded_back_whole(store, ini_path, keychain):
    config = _sample(kept_only=True)
    store.save(DesktopSettings(config, serve_at_launch=False))
    fresh = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    assert fresh.load() == DesktopSettings(config, serve_at_launch=False)
    saved = QSettings(str(ini_path), QSettings.Format.IniFormat)
    for entry in SETTINGS:
        in_file = saved.contains(entry.settings_key)
        assert in_file == (entry.setting.storage is Storage.SETTINGS), entry.name
        if entry.setting.storage is Storage.KEYCHAIN:
            assert ("chatlog-tray", entry.setting.keychain_entry) in keychain.passwords
    assert KEY not in ini_path.read_text() and SAMPLE["token"] not in ini_path.read_text()


@pytest.mark.asyncio
async def test_every_setting_with_a_group_has_its_widget_and_the_sample_survives_the_dialog():
    async def _never(settings: DesktopSettings) -> str | None:
        raise AssertionError("nothing is applied here")

    config = _sample(kept_only=True)
    dialog = SettingsDialog(DesktopSettings(config), _never)
    assert set(dialog.editors) == {entry.name for entry in SETTINGS if entry.setting.group}
    for name, editor in dialog.editors.items():
        dialog.show_page(editor.entry.setting.group or "")
        assert editor.widget.isVisibleTo(dialog), name
        assert editor.widget.toolTip(), name  # the setting's help
    shown = dialog.current_settings()
    assert shown is not None and shown.config == config
    assert dialog.layout_checked is not None
    await dialog.layout_checked  # the folder is looked at off the GUI thread: let it finish


def test_the_generated_docs_table_and_translation_list_match_the_schema():
    assert settings_docs.stale() == []
    table = settings_docs.DOCS.read_text(encoding="utf-8")
    for entry in SETTINGS:
        assert f"| {entry.setting.label} | `{entry.flag}" in table


class _Hook(BaseModel):
    url: str
    chats: tuple[str, ...] = ()


class _WithRecords(BaseModel):
    hooks: Annotated[tuple[_Hook, ...], Setting("Hooks", "where new messages go")] = ()


def test_a_setting_holding_records_is_kept_as_json_and_validated_back():
    [entry] = entries(_WithRecords)
    assert entry.kind is Kind.RECORDS  # not one line per item: it brings its own widget
    hooks = (_Hook(url="http://127.0.0.1:9000/in", chats=("Alice",)), _Hook(url="http://x.test"))
    stored = to_stored(entry, hooks)
    assert isinstance(stored, str) and json.loads(stored)[0]["chats"] == ["Alice"]
    assert _WithRecords.model_validate({"hooks": from_stored(entry, stored)}).hooks == hooks
