"""What the tray app (desktop/) may use from the server: everything else in server/ is the
server's own business and may change without desktop/ noticing.

The `chatlog-tray` command itself (arguments, logging, subcommands) has its lighter surface in
server/commands.py, so that `chatlog-tray stdio` does not load the server to start.
tests/unit/test_import_rules.py fails when desktop/ imports anything else from server/.
"""

from __future__ import annotations

from server.app import Application
from server.cli import config_from_args
from server.client_tokens import ClientTokens, TokenStoreError
from server.composition import build_application
from server.config import MIN_TOKEN_LENGTH, SETTING, SETTINGS, ServerConfig, is_loopback_host
from server.connect.client import Client
from server.connect.clients import CLIENTS
from server.connect.service import FAILURES, Connector
from server.logging_setup import log_dir, register_secret
from server.mcp.clients import ClientEvent, ClientEventKind, ClientInfo
from server.mcp.protocol import server_version
from server.push.hook_config import NO_FILTERS, WebhookConfig, url_host
from server.push.hook_delivery import HookStatus
from server.push.webhooks import Webhooks
from server.resources import resource_path
from server.security import SERVER_TOKEN_NAME, generate_token
from server.serving import Address, ServerController, ServerError
from server.settings_schema import GROUPS, WEBHOOKS, Entry, Kind, Storage, restart_needed
from server.wechat.crypto.errors import EncryptedDatabaseError, KeyFileError, WrongKeyError
from server.wechat.crypto.keyfile import read_key_file
from server.wechat.crypto.keys import KEY_HEX_LENGTH, KeyRing
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.export.destination import FileExistsExportError
from server.wechat.export.engine import ExportResult, export_to_file
from server.wechat.export.media_file import SaveProgress, save_media
from server.wechat.export.options import (
    SUFFIXES,
    ExportError,
    ExportFormat,
    ExportOptions,
    ExportProgress,
    MediaMode,
    VoiceFormat,
)
from server.wechat.layout import DataDir, detect
from server.wechat.media.errors import MediaError, MediaNotFoundError
from server.wechat.media.image_key import ImageKey
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import Media, MediaService
from server.wechat.media.thumbnail import thumbnails
from server.wechat.media.voice import SAMPLE_RATE as VOICE_SAMPLE_RATE
from server.wechat.model import Message, Session
from server.wechat.query import MessageQuery, Page
from server.wechat.render import body_text, sender_label
from server.wechat.search.service import SearchSettings
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import ALL_TIME, TimeRange

__all__ = [
    "ALL_TIME",
    "CLIENTS",
    "FAILURES",
    "GROUPS",
    "KEY_HEX_LENGTH",
    "MIN_TOKEN_LENGTH",
    "NO_FILTERS",
    "SERVER_TOKEN_NAME",
    "SETTING",
    "SETTINGS",
    "SUFFIXES",
    "VOICE_SAMPLE_RATE",
    "WEBHOOKS",
    "Address",
    "Application",
    "ChatStore",
    "Client",
    "ClientEvent",
    "ClientEventKind",
    "ClientInfo",
    "ClientTokens",
    "Connector",
    "DataDir",
    "DataSourceError",
    "EncryptedDatabaseError",
    "Entry",
    "ExportError",
    "ExportFormat",
    "ExportOptions",
    "ExportProgress",
    "ExportResult",
    "FileExistsExportError",
    "HookStatus",
    "ImageKey",
    "KeyFileError",
    "KeyRing",
    "Kind",
    "Media",
    "MediaError",
    "MediaMode",
    "MediaNotFoundError",
    "MediaService",
    "Message",
    "MessageQuery",
    "Page",
    "QueryError",
    "SaveProgress",
    "SearchSettings",
    "ServerConfig",
    "ServerController",
    "ServerError",
    "Session",
    "Storage",
    "TimeRange",
    "TokenStoreError",
    "VoiceFormat",
    "WebhookConfig",
    "Webhooks",
    "WrongKeyError",
    "body_text",
    "build_application",
    "config_from_args",
    "detect",
    "export_to_file",
    "generate_token",
    "is_loopback_host",
    "log_dir",
    "media_kind",
    "media_ref",
    "open_store",
    "read_key_file",
    "register_secret",
    "resource_path",
    "restart_needed",
    "save_media",
    "sender_label",
    "server_version",
    "thumbnails",
    "url_host",
]
