"""Persisted desktop settings: QSettings for plain values, the OS keychain for the secrets.

The two secrets, the access token and the WeChat database key, never go into QSettings (an
INI file or the registry, readable by anything running as the user). Each is one `keyring`
entry; when no keychain backend works (a headless Linux box without Secret Service, say) it
is kept for this session only and `SecretStore.problem` says so, so the settings dialog can
tell the user.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from pydantic import TypeAdapter, ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings

from server.api import (
    MIN_TOKEN_LENGTH,
    SETTING,
    SETTINGS,
    Entry,
    Kind,
    ServerConfig,
    Storage,
    register_secret,
)

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "chatlog-tray"
# Each secret's keychain entry is named in its setting (server/config.py).
KEYRING_USER = SETTING["token"].setting.keychain_entry
KEYRING_KEY_USER = SETTING["key"].setting.keychain_entry
KEYRING_FILE_KEYS_USER = SETTING["file_keys"].setting.keychain_entry
KEYRING_IMAGE_KEY_USER = SETTING["image_key"].setting.keychain_entry

# The settings kept as plain values (QSettings key "server/<field>") and in the keychain.
PLAIN = tuple(entry for entry in SETTINGS if entry.setting.storage is Storage.SETTINGS)
SECRET = tuple(entry for entry in SETTINGS if entry.setting.storage is Storage.KEYCHAIN)
SERVE_AT_LAUNCH_KEY = "app/serve_at_launch"
# Translated where they are shown (context "Settings").
KEYCHAIN_PROBLEM = str(
    QT_TRANSLATE_NOOP(
        "Settings",
        "No system keychain is available, so the token is kept only until the app quits.",
    )
)
KEY_KEYCHAIN_PROBLEM = str(
    QT_TRANSLATE_NOOP(
        "Settings",
        "No system keychain is available, so the database key is kept only until the app quits.",
    )
)


@dataclass(frozen=True)
class DesktopSettings:
    """What the settings dialog edits: the server's config plus app-only preferences."""

    config: ServerConfig
    serve_at_launch: bool = True


class SecretStore:
    """One secret in the OS keychain, or in memory when there is no usable keychain."""

    def __init__(
        self,
        service: str = KEYRING_SERVICE,
        user: str = KEYRING_USER,
        problem: str = KEYCHAIN_PROBLEM,
    ) -> None:
        self._service = service
        self._user = user
        self._problem_text = problem
        self._session_secret: str | None = None
        self.problem: str | None = None

    @property
    def persistent(self) -> bool:
        return self.problem is None

    def load(self) -> str | None:
        if self.problem is not None:
            return self._session_secret
        try:
            return keyring.get_password(self._service, self._user)
        # Boundary with whatever backend the OS offers: any failure means "no keychain".
        except Exception as error:
            self._fall_back(error)
            return self._session_secret

    def save(self, secret: str | None) -> None:
        self._session_secret = secret
        if self.problem is not None:
            return
        try:
            if secret:
                keyring.set_password(self._service, self._user, secret)
            else:
                # Nothing stored is already the wanted state.
                with contextlib.suppress(keyring.errors.PasswordDeleteError):
                    keyring.delete_password(self._service, self._user)
        except Exception as error:
            self._fall_back(error)

    def _fall_back(self, error: Exception) -> None:
        # The backend's error names the entry at most, never the secret.
        logger.warning(
            "no usable keychain (%s); the %s is kept for this session only", error, self._user
        )
        self.problem = self._problem_text


class TokenStore(SecretStore):
    """The MCP bearer token."""


class KeyStore(SecretStore):
    """The WeChat database key (64 hex characters)."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        super().__init__(service, KEYRING_KEY_USER, KEY_KEYCHAIN_PROBLEM)


class FileKeysStore(SecretStore):
    """A key file's per-database keys (all_keys.json), as one JSON object of name -> key."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        super().__init__(service, KEYRING_FILE_KEYS_USER, KEY_KEYCHAIN_PROBLEM)


class ImageKeyStore(SecretStore):
    """The WeChat 4.x image key, for pictures in the newer .dat format."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        super().__init__(service, KEYRING_IMAGE_KEY_USER, KEY_KEYCHAIN_PROBLEM)


class SettingsStore:
    """Reads and writes DesktopSettings; bad stored values fall back to their defaults.

    Which setting goes where is read from the schema (`server.config.SETTINGS`): a new
    setting is saved and loaded without any change here.
    """

    def __init__(
        self,
        qsettings: QSettings,
        tokens: SecretStore,
        keys: SecretStore | None = None,
        file_keys: SecretStore | None = None,
        image_keys: SecretStore | None = None,
    ) -> None:
        self._qsettings = qsettings
        self.tokens = tokens
        self.keys = keys if keys is not None else KeyStore()
        self.file_keys = file_keys if file_keys is not None else FileKeysStore()
        self.image_keys = image_keys if image_keys is not None else ImageKeyStore()
        given = {
            "token": self.tokens,
            "key": self.keys,
            "file_keys": self.file_keys,
            "image_key": self.image_keys,
        }
        # Setting name -> its keychain entry; a secret added to the schema gets one here.
        self.secrets: dict[str, SecretStore] = {
            entry.name: given.get(entry.name)
            or SecretStore(KEYRING_SERVICE, entry.setting.keychain_entry, KEY_KEYCHAIN_PROBLEM)
            for entry in SECRET
        }

    def load(self) -> DesktopSettings:
        values: dict[str, Any] = {}
        for entry in PLAIN:
            raw = self._qsettings.value(entry.settings_key)
            if raw is None or raw == "":
                continue
            value = from_stored(entry, raw)
            if entry.kind is Kind.RECORDS and isinstance(value, list):
                value = _valid_records(entry, value)
            if _valid(entry.name, value):
                values[entry.name] = value
            elif entry.kind is Kind.RECORDS:
                # Records may hold secrets (a webhook's URL): named, never shown.
                logger.warning("ignoring the stored %s: not valid", entry.settings_key)
            else:
                logger.warning("ignoring invalid stored setting %s=%r", entry.settings_key, raw)
        for entry in SECRET:
            value = self._load_secret(entry)
            if value:
                values[entry.name] = value
        try:
            config = ServerConfig.model_validate(values)
        except ValidationError:
            # Each value was fine alone, so it is the one cross-field rule: a network-wide
            # host without a token (the keychain may have lost it). Back to loopback.
            logger.warning("no access token for host %s; using the default host", values["host"])
            values.pop("host", None)
            config = ServerConfig.model_validate(values)
        serve = _as_bool(self._qsettings.value(SERVE_AT_LAUNCH_KEY, True))
        return DesktopSettings(config, serve)

    def _load_secret(self, entry: Entry) -> object:
        """The secret kept for `entry`, registered for masking in logs; None if unusable."""
        raw = self.secrets[entry.name].load()
        if not raw:
            return None
        if entry.kind is Kind.KEY_TABLE:
            return _stored_key_table(raw, entry)
        if entry.kind is Kind.RECORDS:
            return self._stored_records(entry, raw)
        register_secret(raw.strip())
        if _valid(entry.name, raw):
            return raw
        if entry.name == "token":
            # Saved before tokens had a minimum length. Without it the server is loopback-only.
            logger.warning(
                "ignoring the stored access token: it is shorter than %d characters; "
                "generate a new one in Settings",
                MIN_TOKEN_LENGTH,
            )
        else:
            # The text itself stays out of the log: it may be a real key with a typo.
            logger.warning("ignoring the stored %s: it is not valid", entry.setting.label.lower())
        return None

    @staticmethod
    def _stored_records(entry: Entry, raw: str) -> list[Any] | None:
        """The records kept in the keychain (webhooks: a URL may carry a receiver's secret),
        each still valid; a damaged one costs only itself."""
        records = from_stored(entry, raw)
        if not isinstance(records, list):
            logger.warning("ignoring the stored %s: not valid", entry.name)
            return None
        kept = _valid_records(entry, records)
        return kept or None

    def save(self, settings: DesktopSettings) -> None:
        config = settings.config
        for entry in PLAIN:
            self._qsettings.setValue(
                entry.settings_key, to_stored(entry, getattr(config, entry.name))
            )
        self._qsettings.setValue(SERVE_AT_LAUNCH_KEY, settings.serve_at_launch)
        self._qsettings.sync()
        for entry in SECRET:
            value = getattr(config, entry.name)
            if entry.kind is Kind.KEY_TABLE:
                table = {name: key.get_secret_value() for name, key in value.items()}
                secret = json.dumps(table) if table else None
            elif entry.kind is Kind.RECORDS:
                secret = str(to_stored(entry, value)) if value else None
            else:
                secret = value.get_secret_value() if value is not None else None
            self.secrets[entry.name].save(secret)


def _stored_key_table(raw: str, entry: Entry) -> dict[str, str] | None:
    """The per-database keys kept in the keychain, each registered for masking in logs."""
    what = entry.setting.label.lower()
    try:
        table = json.loads(raw)
    except ValueError:
        logger.warning("ignoring the stored %s: it is not valid JSON", what)
        return None
    keys = {str(name): key for name, key in table.items() if isinstance(key, str)}
    for key in keys.values():
        register_secret(key)
    if not _valid(entry.name, keys):
        logger.warning("ignoring the stored %s: one of its keys is invalid", what)
        return None
    return keys


def to_stored(entry: Entry, value: Any) -> object:
    """A plain setting as QSettings keeps it (text for lists and folders)."""
    if entry.kind is Kind.LINES:
        return "\n".join(value)
    if entry.kind is Kind.FOLDER:
        return "" if value is None else str(value)
    if entry.kind is Kind.RECORDS:
        return json.dumps(_RECORDS.dump_python(value, mode="json"))
    return value


def from_stored(entry: Entry, raw: object) -> object:
    """A stored value back in its setting's type; left as it is when it does not convert
    (validation then rejects it). INI files give back strings; the registry and plists
    give back typed values."""
    if entry.kind is Kind.LINES:
        if isinstance(raw, list):
            return tuple(str(item) for item in raw)
        return tuple(line for line in str(raw).splitlines() if line.strip())
    if entry.kind is Kind.FOLDER:
        return Path(str(raw))
    if entry.kind is Kind.SWITCH:
        return _as_bool(raw)
    if entry.kind is Kind.RECORDS:
        try:
            return json.loads(str(raw))
        except ValueError:
            return raw
    converter = {Kind.INTEGER: int, Kind.NUMBER: float}.get(entry.kind)
    if converter is not None:
        try:
            return converter(str(raw))
        except ValueError:
            return raw
    return str(raw)


# Any JSON-able value: a RECORDS setting is saved as JSON and validated back by ServerConfig.
_RECORDS: TypeAdapter[Any] = TypeAdapter(Any)


def _valid_records(entry: Entry, records: list[Any]) -> list[Any]:
    """The stored records that are still valid: one damaged record costs only itself."""
    kept = []
    for number, record in enumerate(records, 1):
        if _valid(entry.name, [record]):
            kept.append(record)
        else:
            logger.warning("ignoring stored %s %d: not valid", _singular(entry.name), number)
    return kept


def _singular(name: str) -> str:
    return name.removesuffix("s")  # "webhooks" -> "stored webhook 2"


def _valid(name: str, value: object) -> bool:
    # With a placeholder token, so that a non-loopback host is judged on its own here.
    try:
        ServerConfig.model_validate({"token": "x" * MIN_TOKEN_LENGTH, name: value})
    except ValidationError:
        return False
    return True


def _as_bool(raw: object) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("true", "1", "yes")
    return bool(raw)
