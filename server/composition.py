"""Builds the Application for a ServerConfig: the core plus the data layer and, on request,
the conformance fixtures."""

from __future__ import annotations

from server.app import Application, Extensions
from server.config import ServerConfig
from server.mcp.conformance import conformance_prompts, conformance_resources, conformance_tools


async def build_application(config: ServerConfig) -> Application:
    extensions = Extensions()
    if config.conformance_fixtures:
        extensions.tools.extend(conformance_tools())
        extensions.resources = conformance_resources()
        extensions.prompts = conformance_prompts()
    return Application(config, extensions)
