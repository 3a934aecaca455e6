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
from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings

from server.api import MIN_TOKEN_LENGTH, ServerConfig, WebhookConfig, register_secret

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "chatlog-tray"
KEYRING_USER = "mcp-token"
KEYRING_KEY_USER = "database-key"
KEYRING_FILE_KEYS_USER = "database-key-file"
KEYRING_IMAGE_KEY_USER = "image-key"

# QSettings key -> ServerConfig field, for the fields persisted as plain values.
_FIELDS = {
    "server/host": "host",
    "server/port": "port",
    "server/queue_capacity": "queue_capacity",
    "server/workers": "workers",
    "server/ping_interval": "ping_interval",
    "server/session_idle_timeout": "session_idle_timeout",
    "server/data_dir": "data_dir",
    "server/allow_origins": "allow_origins",
    "server/open_access": "open_access",
}
SERVE_AT_LAUNCH_KEY = "app/serve_at_launch"
# ServerConfig.webhooks as a JSON list (desktop/webhooks_editor.py edits it).
WEBHOOKS_KEY = "server/webhooks"
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
    """Reads and writes DesktopSettings; bad stored values fall back to their defaults."""

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

    def load(self) -> DesktopSettings:
        values: dict[str, Any] = {}
        for key, name in _FIELDS.items():
            raw = self._qsettings.value(key)
            if raw is None or raw == "":
                continue
            value = _from_stored(name, raw)
            if _valid(name, value):
                values[name] = value
            else:
                logger.warning("ignoring invalid stored setting %s=%r", key, raw)
        token = self.tokens.load()
        if token and _valid("token", token):
            values["token"] = token
        elif token:
            # Saved before tokens had a minimum length. Without it the server is loopback-only.
            logger.warning(
                "ignoring the stored access token: it is shorter than %d characters; "
                "generate a new one in Settings",
                MIN_TOKEN_LENGTH,
            )
        database_key = self.keys.load()
        if database_key and _valid("key", database_key):
            register_secret(database_key.strip())
            values["key"] = database_key
        elif database_key:
            # The text itself stays out of the log: it may be a real key with a typo.
            logger.warning("ignoring the stored database key: it is not 64 hex characters")
        image_key = self.image_keys.load()
        if image_key and _valid("image_key", image_key):
            register_secret(image_key.strip())
            values["image_key"] = image_key
        elif image_key:
            logger.warning("ignoring the stored image key: it is not a valid image key")
        file_keys = _stored_file_keys(self.file_keys.load())
        if file_keys:
            values["file_keys"] = file_keys
        webhooks = _stored_webhooks(self._qsettings.value(WEBHOOKS_KEY))
        if webhooks:
            values["webhooks"] = webhooks
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

    def save(self, settings: DesktopSettings) -> None:
        config = settings.config
        for key, name in _FIELDS.items():
            value = getattr(config, name)
            if name == "allow_origins":
                value = "\n".join(value)
            elif name == "data_dir":
                value = "" if value is None else str(value)
            self._qsettings.setValue(key, value)
        self._qsettings.setValue(SERVE_AT_LAUNCH_KEY, settings.serve_at_launch)
        self._qsettings.setValue(
            WEBHOOKS_KEY, json.dumps([hook.model_dump() for hook in config.webhooks])
        )
        self._qsettings.sync()
        self.tokens.save(config.token.get_secret_value() if config.token else None)
        self.keys.save(config.key.get_secret_value() if config.key else None)
        self.image_keys.save(config.image_key.get_secret_value() if config.image_key else None)
        stored = {name: key.get_secret_value() for name, key in config.file_keys.items()}
        self.file_keys.save(json.dumps(stored) if stored else None)


def _stored_file_keys(raw: str | None) -> dict[str, str]:
    """The per-database keys kept in the keychain, each registered for masking in logs."""
    if not raw:
        return {}
    try:
        table = json.loads(raw)
    except ValueError:
        logger.warning("ignoring the stored key file: it is not valid JSON")
        return {}
    keys = {str(name): key for name, key in table.items() if isinstance(key, str)}
    for key in keys.values():
        register_secret(key)
    if not _valid("file_keys", keys):
        logger.warning("ignoring the stored key file: one of its keys is invalid")
        return {}
    return keys


def _stored_webhooks(raw: object) -> list[WebhookConfig]:
    """The stored webhooks that are still valid; a bad entry is left out (named by number:
    its URL may hold a secret)."""
    if not raw:
        return []
    try:
        entries = json.loads(str(raw))
    except ValueError:
        logger.warning("ignoring the stored webhooks: they are not valid JSON")
        return []
    hooks = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [], 1):
        try:
            hooks.append(WebhookConfig.model_validate(entry))
        except ValidationError:
            logger.warning("ignoring stored webhook %d: it is not valid", number)
    return hooks


def _from_stored(name: str, raw: object) -> object:
    # INI files give back strings; the registry and plists give back typed values.
    if name == "allow_origins":
        if isinstance(raw, list):
            return tuple(str(item) for item in raw)
        return tuple(line for line in str(raw).splitlines() if line.strip())
    if name == "data_dir":
        return Path(str(raw))
    if name in ("port", "queue_capacity", "workers"):
        try:
            return int(str(raw))
        except ValueError:
            return raw
    if name in ("ping_interval", "session_idle_timeout"):
        try:
            return float(str(raw))
        except ValueError:
            return raw
    if name == "open_access":
        return _as_bool(raw)
    return str(raw)


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
