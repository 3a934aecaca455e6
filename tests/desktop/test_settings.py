"""Persisted settings: plain values in QSettings, the token in the keychain only."""

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QSettings

from desktop.settings import (
    KEY_KEYCHAIN_PROBLEM,
    KEYRING_KEY_USER,
    KEYRING_SERVICE,
    KEYRING_USER,
    DesktopSettings,
    KeyStore,
    SettingsStore,
    TokenStore,
)
from server.config import ServerConfig
from server.logging_setup import redactor
from tests.unit.wechat.crypto.conftest import KEY

pytestmark = pytest.mark.desktop


def test_settings_round_trip_and_the_token_stays_out_of_the_settings_file(
    store, ini_path, keychain
):
    config = ServerConfig(
        host="0.0.0.0",
        port=5999,
        queue_capacity=42,
        workers=3,
        ping_interval=12,
        session_idle_timeout=600,
        data_dir=Path("/data/wechat"),
        token="s3cret-token-value",
        allow_origins=("http://localhost:6274", "https://example.org"),
    )
    store.save(DesktopSettings(config, serve_at_launch=False))

    reloaded = SettingsStore(
        QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore()
    ).load()
    assert reloaded == DesktopSettings(config, serve_at_launch=False)
    assert "s3cret-token-value" not in ini_path.read_text()
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_USER)] == "s3cret-token-value"


def test_clearing_the_token_removes_it_from_the_keychain(store, keychain):
    store.save(DesktopSettings(ServerConfig(token="abc-abc-abc-abc-abc")))
    store.save(DesktopSettings(ServerConfig()))
    assert keychain.passwords == {}
    assert store.load().config.token is None


def test_defaults_when_nothing_was_saved(store):
    assert store.load() == DesktopSettings(ServerConfig(), serve_at_launch=True)


def test_an_invalid_stored_value_falls_back_to_its_default_and_keeps_the_rest(ini_path):
    raw = QSettings(str(ini_path), QSettings.Format.IniFormat)
    raw.setValue("server/port", "99999")
    raw.setValue("server/workers", "not a number")
    raw.setValue("server/queue_capacity", "77")
    raw.sync()
    loaded = SettingsStore(
        QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore()
    ).load()
    assert loaded.config.port == ServerConfig().port
    assert loaded.config.workers == ServerConfig().workers
    assert loaded.config.queue_capacity == 77


def test_without_a_keychain_the_token_lives_for_the_session_only(store, ini_path):
    keyring.set_keyring(NoKeyring())  # what keyring picks when no backend is usable
    store.save(DesktopSettings(ServerConfig(token="session-only-token")))
    assert store.tokens.problem is not None and not store.tokens.persistent
    assert store.load().config.token is not None
    assert store.load().config.token.get_secret_value() == "session-only-token"
    assert "session-only-token" not in ini_path.read_text()
    fresh = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    assert fresh.load().config.token is None


def test_a_network_host_whose_token_was_lost_falls_back_to_loopback(store, keychain):
    store.save(DesktopSettings(ServerConfig(host="0.0.0.0", token="gone-soon-gone-soon")))
    keychain.passwords.clear()  # e.g. the keychain was reset
    loaded = store.load().config
    assert loaded.host == "127.0.0.1" and loaded.token is None


def test_a_stored_token_too_short_for_the_minimum_is_ignored_and_loopback_is_kept(
    store, keychain, caplog
):
    store.save(DesktopSettings(ServerConfig(host="0.0.0.0", token="long-enough-token")))
    keychain.passwords[(KEYRING_SERVICE, KEYRING_USER)] = "Zq7w"  # saved by an older version
    loaded = store.load().config
    assert loaded.host == "127.0.0.1" and loaded.token is None
    assert "shorter than 16 characters" in caplog.text
    assert "Zq7w" not in caplog.text


def test_the_database_key_is_a_second_keychain_entry_and_never_in_the_settings_file(
    store, ini_path, keychain
):
    config = ServerConfig(
        data_dir=Path("/data/wechat"), token="tok-tok-tok-tok-tok", key=KEY.upper()
    )
    store.save(DesktopSettings(config))
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_KEY_USER)] == KEY.upper()
    assert keychain.passwords[(KEYRING_SERVICE, KEYRING_USER)] == "tok-tok-tok-tok-tok"
    text = ini_path.read_text().lower()
    assert KEY not in text and "database-key" not in text
    reloaded = SettingsStore(
        QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore(), KeyStore()
    ).load()
    assert reloaded.config.key is not None and reloaded.config.key.get_secret_value() == (
        KEY.upper()
    )
    assert KEY.upper() in redactor.secrets  # masked in every log handler

    store.save(
        DesktopSettings(ServerConfig(data_dir=Path("/data/wechat"), token="tok-tok-tok-tok-tok"))
    )
    assert (KEYRING_SERVICE, KEYRING_KEY_USER) not in keychain.passwords
    assert store.load().config.key is None


def test_a_damaged_stored_key_is_ignored_without_logging_it(store, keychain, caplog):
    keychain.passwords[(KEYRING_SERVICE, KEYRING_KEY_USER)] = "not-a-key-" + KEY[:10]
    assert store.load().config.key is None
    assert "database key" in caplog.text and KEY[:10] not in caplog.text


def test_without_a_keychain_the_key_lives_for_the_session_only(store, ini_path):
    keyring.set_keyring(NoKeyring())
    store.save(DesktopSettings(ServerConfig(key=KEY)))
    assert store.keys.problem == KEY_KEYCHAIN_PROBLEM and not store.keys.persistent
    loaded = store.load().config.key
    assert loaded is not None and loaded.get_secret_value() == KEY
    assert KEY not in ini_path.read_text()
    fresh = SettingsStore(QSettings(str(ini_path), QSettings.Format.IniFormat), TokenStore())
    assert fresh.load().config.key is None
