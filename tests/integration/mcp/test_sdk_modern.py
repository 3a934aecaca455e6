"""The official MCP Python SDK 2.x `Client` on /mcp in every connect mode: the 2026-07-28
revision pinned, `auto` (which must land on 2026-07-28, not fall back) and `legacy`."""

import asyncio

import httpx
import pytest
from mcp import Client, types

from devtools.conformance.fixtures import (
    conformance_prompts,
    conformance_resources,
    conformance_tools,
)
from devtools.conformance.modern import MODERN_PROMPTS, modern_conformance_tools
from server.app import Extensions
from server.mcp.subscriptions import SubscriptionHub
from tests.support import running_server

pytestmark = pytest.mark.asyncio

MODES = ["2026-07-28", "auto", "legacy"]
EXPECTED_VERSION = {"2026-07-28": "2026-07-28", "auto": "2026-07-28", "legacy": "2025-11-25"}
CLIENT = types.Implementation(name="pytest-sdk", version="9.9")


def fixtures() -> Extensions:
    hub = SubscriptionHub(("toolsListChanged", "promptsListChanged"))
    return Extensions(
        tools=[*conformance_tools(), *modern_conformance_tools(hub)],
        resources=conformance_resources(),
        prompts=conformance_prompts(MODERN_PROMPTS),
        subscriptions=hub,
    )


@pytest.mark.parametrize("mode", MODES)
async def test_every_connect_mode_lists_and_calls_tools_at_its_era(mode):
    async with (
        running_server() as server,
        Client(server.url + "/mcp", mode=mode, client_info=CLIENT) as client,
    ):
        assert client.protocol_version == EXPECTED_VERSION[mode]
        tools = await client.list_tools()
        assert [tool.name for tool in tools.tools] == ["current_time"]
        result = await client.call_tool("current_time", {})
        assert not result.is_error
        assert result.content[0].text.startswith(result.structured_content["time"])


@pytest.mark.parametrize("mode", MODES)
async def test_the_client_appears_once_in_the_registry_with_its_name_and_era(mode):
    async with (
        running_server() as server,
        Client(server.url + "/mcp", mode=mode, client_info=CLIENT) as client,
    ):
        for _ in range(3):
            await client.call_tool("current_time", {})
        [info] = server.app.registry.snapshot()
        assert (info.name, info.version) == ("pytest-sdk", "9.9")
        assert info.era == ("handshake" if mode == "legacy" else "modern")
        assert info.protocol_version == EXPECTED_VERSION[mode]
        assert info.requests_served >= 4  # the list-less calls plus discover or initialize
        assert info.state == "active"


@pytest.mark.parametrize("mode", MODES)
async def test_a_tool_that_needs_the_user_asks_through_the_clients_elicitation(mode):
    asked = []

    async def answer(_context, params):
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"name": "Alice"})

    async with (
        running_server(fixtures()) as server,
        Client(server.url + "/mcp", mode=mode, elicitation_callback=answer) as client,
    ):
        result = await client.call_tool("test_input_required_result_elicitation", {})
        assert result.content[0].text == "Hello, Alice!"
        assert asked == ["What is your name?"]


async def test_a_multi_round_tool_keeps_the_first_answer_across_rounds():
    async def answer(_context, params):
        field = next(iter(params.requested_schema["properties"]))
        return types.ElicitResult(
            action="accept", content={field: {"name": "Bo"}.get(field, "teal")}
        )

    async with (
        running_server(fixtures()) as server,
        Client(server.url + "/mcp", mode="2026-07-28", elicitation_callback=answer) as client,
    ):
        result = await client.call_tool("test_input_required_result_multi_round", {})
        assert result.content[0].text == "Bo likes teal."


async def test_progress_arrives_on_the_requests_own_stream():
    seen = []

    async def progress(value, total, _message):
        seen.append((value, total))

    async with (
        running_server(fixtures()) as server,
        Client(server.url + "/mcp", mode="2026-07-28") as client,
    ):
        result = await client.call_tool("test_tool_with_progress", {}, progress_callback=progress)
        assert not result.is_error
        assert seen == [(0, 100), (50, 100), (100, 100)]


@pytest.mark.parametrize("log_level", [None, "info"])
async def test_log_messages_arrive_only_when_the_request_opts_in(log_level):
    messages = []

    async def on_log(params):
        messages.append(params.data)

    async with (
        running_server(fixtures()) as server,
        Client(
            server.url + "/mcp", mode="2026-07-28", logging_callback=on_log, log_level=log_level
        ) as client,
    ):
        await client.call_tool("test_logging_tool", {})
        expected = (
            []
            if log_level is None
            else [f"Logging tool {s}" for s in ("started", "working", "done")]
        )
        assert messages == expected


async def test_a_listen_stream_gets_the_list_change_it_asked_for():
    async with (
        running_server(fixtures()) as server,
        Client(server.url + "/mcp", mode="2026-07-28") as client,
        client.listen(tools_list_changed=True) as subscription,
    ):
        assert server.app.registry.snapshot()[0].state == "active"
        await client.call_tool("test_trigger_tool_change", {})
        async with asyncio.timeout(30):
            event = await anext(aiter(subscription))
        assert "tools" in type(event).__name__.lower()


async def test_a_modern_client_is_idle_when_quiet_and_leaves_after_the_idle_timeout():
    # The default idle timeout, and the registry swept here: a 1 s one let the server's own
    # sweeper remove the client before the test could look at it, on a slow machine.
    async with running_server() as server:
        registry, idle_timeout = server.app.registry, server.app.config.session_idle_timeout
        async with Client(server.url + "/mcp", mode="2026-07-28") as client:
            await client.call_tool("current_time", {})
        [modern] = list(registry)
        modern.last_activity_monotonic -= 120  # as if it had been quiet for two minutes
        assert registry.sweep(idle_timeout) == 0
        assert modern.info().state == "idle"
        modern.last_activity_monotonic -= idle_timeout  # and now for longer than the timeout
        assert registry.sweep(idle_timeout) == 1
        assert len(registry) == 0


async def test_the_clients_api_lists_both_eras_and_the_sessions_api_only_sessions():
    async with (
        running_server() as server,
        Client(server.url + "/mcp", mode="legacy", client_info=CLIENT) as legacy,
        Client(server.url + "/mcp", mode="2026-07-28", client_info=CLIENT) as modern,
        httpx.AsyncClient() as http,
    ):
        await legacy.call_tool("current_time", {})
        await modern.call_tool("current_time", {})
        clients = (await http.get(server.url + "/api/v1/mcp/clients")).json()
        sessions = (await http.get(server.url + "/api/v1/mcp/sessions")).json()
        assert (clients["count"], clients["active"]) == (2, 2)
        assert sorted(c["era"] for c in clients["clients"]) == ["handshake", "modern"]
        assert {c["client"]["name"] for c in clients["clients"]} == {"pytest-sdk"}
        assert [s["era"] for s in sessions["sessions"]] == ["handshake"]
