"""Builds the Application for a ServerConfig: the MCP core, the WeChat data layer (its tools,
its HTTP API, its health) and, on request, the conformance fixtures (from devtools/, through
server/devhooks.py)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from server.app import Application, Extensions
from server.client_tokens import ClientTokens
from server.config import ServerConfig
from server.devhooks import add_conformance_fixtures
from server.mcp.subscriptions import SubscriptionHub
from server.mcp.tools.chat import chat_tools
from server.mcp.tools.media import media_tools
from server.mcp.tools.search import search_tools
from server.push.feed import ChangeFeed
from server.push.resources import chat_resources
from server.push.updates import ResourceUpdates
from server.push.webhooks import Webhooks
from server.wechat.crypto.keys import KeyRing
from server.wechat.media.image_key import ImageKey
from server.wechat.media.service import MediaService
from server.wechat.search.service import SearchSettings
from server.wechat.store import ChatStore, open_store

if TYPE_CHECKING:
    from quart import Blueprint

logger = logging.getLogger(__name__)


def build_application(
    config: ServerConfig, store: ChatStore | None = None, tokens: ClientTokens | None = None
) -> Application:
    """The whole server. Without a `store`, one over `config.data_dir` (demo data if unset) is
    opened and closed with the application; a given store stays open for its owner.

    Real data (not the demo) needs a token per app (`tokens`, the keychain's by default)
    unless the user chose open access.
    """
    owned = store is None
    if store is None:
        search = SearchSettings(enabled=config.search_index)
        store = open_store(config.data_dir, keys_of(config), search)
    if tokens is None:
        tokens = ClientTokens()
        tokens.refresh()  # read once before serving, so a connected app is known at once
    # The one change feed: everything that pushes new messages subscribes to it.
    feed = ChangeFeed(store)
    media = MediaService(
        store, ImageKey(config.image_key.get_secret_value()) if config.image_key else None
    )
    extensions = Extensions(
        tools=[
            *chat_tools(store),
            *search_tools(store),
            *media_tools(media, partial(_base_url, config)),
        ],
        blueprints=[
            partial(_chat_api, store),
            partial(_media_api, media),
            partial(_export_api, store, media),
        ],
        health=store.status,
        closers=[store.close] if owned else [],  # the Application closes the feed first
        feed=feed,
        client_tokens=tokens,
        requires_client_token=not store.is_demo and not config.open_access,
        webhooks=Webhooks(config.webhooks),
    )
    if extensions.requires_client_token:
        logger.info(
            "serving real WeChat data: each app needs its own token; connect one with "
            "'chatlog-tray clients add NAME' (or the tray's 'Connect an AI app'), or start "
            "with --open-access"
        )
    if not config.conformance_fixtures:
        # The chat resources, their updates announced in both eras as new messages arrive.
        extensions.resources = chat_resources(store)
        extensions.subscriptions = SubscriptionHub(
            ("resourceSubscriptions",), watch=ResourceUpdates(feed)
        )
    else:
        add_conformance_fixtures(extensions)
    return Application(config, extensions)


def _chat_api(store: ChatStore) -> Blueprint:
    # Imported when the Quart app is built, after start-up (see server/app.py).
    from server.web.chat_api import create_chat_api

    return create_chat_api(store)


def keys_of(config: ServerConfig) -> KeyRing | None:
    """The key ring of the configured key and key file (None: neither was given)."""
    return KeyRing.from_texts(
        config.key.get_secret_value() if config.key else None,
        {name: key.get_secret_value() for name, key in config.file_keys.items()},
    )


def _media_api(media: MediaService) -> Blueprint:
    from server.web.media_api import create_media_api

    return create_media_api(media)


def _export_api(store: ChatStore, media: MediaService) -> Blueprint:
    from server.web.export_api import create_export_api

    return create_export_api(store, media)


def _base_url(config: ServerConfig) -> str:
    # Links to videos and files name the configured address (a port of 0 is only known once
    # bound, so the link is then relative to the server).
    if config.port == 0:
        return ""
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{config.port}"
