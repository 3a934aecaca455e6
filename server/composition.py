"""Builds the Application for a ServerConfig: the MCP core, the WeChat data layer (its tools,
its HTTP API, its health) and, on request, the conformance fixtures."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from server.app import Application, Extensions
from server.client_tokens import ClientTokens
from server.config import ServerConfig
from server.mcp.conformance import conformance_prompts, conformance_resources, conformance_tools
from server.mcp.conformance_modern import MODERN_PROMPTS, modern_conformance_tools
from server.mcp.subscriptions import SubscriptionHub
from server.mcp.tools.chat import chat_tools
from server.mcp.tools.search import search_tools
from server.wechat.crypto.keys import DatabaseKey
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
        key = DatabaseKey(config.key.get_secret_value()) if config.key else None
        store = open_store(config.data_dir, key, SearchSettings(enabled=config.search_index))
    if tokens is None:
        tokens = ClientTokens()
        tokens.refresh()  # read once before serving, so a connected app is known at once
    extensions = Extensions(
        tools=[*chat_tools(store), *search_tools(store)],
        blueprints=[partial(_chat_api, store)],
        health=store.status,
        closers=[store.close] if owned else [],
        client_tokens=tokens,
        requires_client_token=not store.is_demo and not config.open_access,
    )
    if extensions.requires_client_token:
        logger.info(
            "serving real WeChat data: each app needs its own token; connect one with "
            "'chatlog-tray clients add NAME' (or the tray's 'Connect an AI app'), or start "
            "with --open-access"
        )
    if config.conformance_fixtures:
        # The fixtures announce list changes on demand, so listen streams may ask for them.
        hub = SubscriptionHub(("toolsListChanged", "promptsListChanged"))
        extensions.subscriptions = hub
        extensions.tools.extend([*conformance_tools(), *modern_conformance_tools(hub)])
        extensions.resources = conformance_resources()
        extensions.prompts = conformance_prompts(MODERN_PROMPTS)
    return Application(config, extensions)


def _chat_api(store: ChatStore) -> Blueprint:
    # Imported when the Quart app is built, after start-up (see server/app.py).
    from server.web.chat_api import create_chat_api

    return create_chat_api(store)
