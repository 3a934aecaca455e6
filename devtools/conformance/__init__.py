"""The official MCP conformance suite's fixtures (docs/dev/conformance.md), served only with
`--conformance-fixtures`; server/devhooks.py calls `add_conformance_fixtures`."""

from __future__ import annotations

from devtools.conformance.fixtures import (
    conformance_prompts,
    conformance_resources,
    conformance_tools,
)
from devtools.conformance.modern import MODERN_PROMPTS, modern_conformance_tools
from server.app import Extensions
from server.mcp.subscriptions import SubscriptionHub


def add_conformance_fixtures(extensions: Extensions) -> None:
    """Serve the fixtures' tools, resources and prompts besides the application's own."""
    # The fixtures announce list changes on demand, so listen streams may ask for them.
    hub = SubscriptionHub(("toolsListChanged", "promptsListChanged"))
    extensions.subscriptions = hub
    extensions.tools.extend([*conformance_tools(), *modern_conformance_tools(hub)])
    extensions.resources = conformance_resources()
    extensions.prompts = conformance_prompts(MODERN_PROMPTS)
