"""The official MCP Python SDK as the client, over both transports."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from mcp import ClientSession, types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from devtools.conformance.fixtures import (
    conformance_prompts,
    conformance_resources,
    conformance_tools,
)
from server.app import Extensions
from tests.support import running_server, wait_until

pytestmark = pytest.mark.asyncio

TRANSPORTS = ["streamable-http", "sse"]


@asynccontextmanager
async def connect(url: str, transport: str, **session_options) -> AsyncIterator[ClientSession]:
    transport_cm = (
        streamable_http_client(url + "/mcp")
        if transport == "streamable-http"
        else sse_client(url + "/sse")
    )
    async with (
        transport_cm as streams,
        ClientSession(streams[0], streams[1], **session_options) as session,
    ):
        await session.initialize()
        yield session


def fixtures() -> Extensions:
    return Extensions(
        tools=conformance_tools(), resources=conformance_resources(), prompts=conformance_prompts()
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_sdk_client_lists_and_calls_current_time(transport):
    async with running_server() as server, connect(server.url, transport) as client:
        tools = await client.list_tools()
        assert [tool.name for tool in tools.tools] == ["current_time"]
        result = await client.call_tool("current_time", {})
        assert not result.is_error
        assert result.content[0].text.startswith(result.structured_content["time"])


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_session_is_registered_with_the_client_identity_and_removed_after(transport):
    async with running_server() as server:
        async with connect(server.url, transport) as client:
            await client.send_ping()
            [info] = server.app.registry.snapshot()
            assert info.transport == transport
            assert info.protocol_version == "2025-11-25"
            assert info.name  # the SDK names itself
        await wait_until(lambda: len(server.app.registry) == 0)
        await wait_until(lambda: not server.app.request_tasks)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_progress_notifications_reach_the_sdk_callback(transport):
    seen: list[float] = []

    async def on_progress(progress: float, _total: float | None, _message: str | None) -> None:
        seen.append(progress)

    async with running_server(fixtures()) as server, connect(server.url, transport) as client:
        result = await client.call_tool(
            "test_tool_with_progress", {}, progress_callback=on_progress
        )
        assert not result.is_error
    assert seen == [0, 50, 100]


# The SDK deprecates logging/setLevel for the 2026-07-28 protocol; we serve the handshake era.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_log_messages_reach_the_sdk_logging_callback(transport):
    logged: list[str] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logged.append(params.data)

    async with (
        running_server(fixtures()) as server,
        connect(server.url, transport, logging_callback=on_log) as client,
    ):
        await client.set_logging_level("debug")
        await client.call_tool("test_tool_with_logging", {})
        await wait_until(lambda: len(logged) == 3)
    assert logged == ["Tool execution started", "Tool processing data", "Tool execution completed"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_tool_can_ask_the_client_to_sample(transport):
    async def sample(_context, params: types.CreateMessageRequestParams):
        prompt = params.messages[0].content.text
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"echo {prompt}"),
            model="test",
            stop_reason="endTurn",
        )

    async with (
        running_server(fixtures()) as server,
        connect(server.url, transport, sampling_callback=sample) as client,
    ):
        result = await client.call_tool("test_sampling", {"prompt": "hi"})
    assert result.content[0].text == "LLM response: echo hi"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_resources_and_prompts_work_through_the_sdk(transport):
    async with running_server(fixtures()) as server, connect(server.url, transport) as client:
        text = await client.read_resource("test://static-text")
        assert text.contents[0].text == "This is the content of the static text resource."
        templated = await client.read_resource("test://template/42/data")
        assert '"id": "42"' in templated.contents[0].text
        prompt = await client.get_prompt("test_prompt_with_arguments", {"arg1": "a", "arg2": "b"})
        assert prompt.messages[0].content.text == "Prompt with arguments: arg1='a', arg2='b'"


async def test_fixtures_never_appear_without_the_flag():
    async with running_server() as server, connect(server.url, "streamable-http") as client:
        assert [t.name for t in (await client.list_tools()).tools] == ["current_time"]
        assert (await client.list_resources()).resources == []
        assert (await client.list_prompts()).prompts == []


SDK1 = Path(__file__).resolve().parents[2] / "peers" / "sdk1"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_sdk_1x_client_connects_and_calls_a_tool(transport):
    async with running_server() as server:
        process = await asyncio.create_subprocess_exec(
            "uv", "run", "--quiet", "--project", str(SDK1), "--locked",
            "python", str(SDK1 / "client.py"), server.url, transport,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        async with asyncio.timeout(90):  # the first run installs the 1.x environment
            out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        report = json.loads(out.decode().strip().splitlines()[-1])
        assert report["sdk"].startswith("1.")
        assert report["protocol_version"] in ("2025-06-18", "2025-11-25")
        assert (report["tools"], report["is_error"]) == (["current_time"], False)
        await wait_until(lambda: len(server.app.registry) == 0)  # it ended its session
