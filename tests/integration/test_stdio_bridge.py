"""`chatlog-tray stdio` as a client runs it: a real process on pipes, a real server behind it.

The official SDK's stdio client drives the bridge in both eras; raw pipes check what only
raw pipes can show (every stdout line is protocol, cancellation, answers to failures).
"""

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

from server import endpoint
from server.app import Extensions
from server.composition import build_application
from server.config import ServerConfig
from server.serving import ServerController
from tests.support import Gate, running_server, wait_until

pytestmark = pytest.mark.asyncio

CLIENT = types.Implementation(name="Claude Desktop", version="0.9.1")
TOKEN = "bridge-token-0123456789"
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "raw-pipe", "version": "1"},
}


@asynccontextmanager
async def demo_server() -> AsyncIterator[tuple[str, Any]]:
    """The whole application with its demo data, as the tray app serves it."""
    application = build_application(ServerConfig(port=0))
    controller = ServerController(application)
    address = await controller.start()
    try:
        yield address.url, application
    finally:
        await controller.stop()
        await application.close()


def bridge(*args: str, env: dict[str, str] | None = None) -> StdioServerParameters:
    base = {RUNTIME: os.environ[RUNTIME]}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "desktop", "stdio", *args], env={**base, **(env or {})}
    )


RUNTIME = endpoint.RUNTIME_DIR_ENV


async def test_a_handshake_era_client_reads_the_chats_and_shows_under_its_own_name():
    async with (
        demo_server() as (url, application),
        stdio_client(bridge("--url", url)) as (read, write),
        ClientSession(read, write, client_info=CLIENT) as session,
    ):
        initialized = await session.initialize()
        assert initialized.server_info.name == "chatlog-tray"
        names = {tool.name for tool in (await session.list_tools()).tools}
        assert "query_chat_log" in names
        hits = await session.call_tool("query_chat_log", {"talker": "老妈", "limit": 3})
        assert not hits.is_error and hits.structured_content["messages"]
        [info] = application.registry.snapshot()
        assert (info.name, info.version, info.era) == ("Claude Desktop", "0.9.1", "handshake")
    # End of input ended the session (the SDK gives the bridge 2 s, then 2 s after SIGTERM,
    # and the bridge's DELETE may take up to 5 s on a slow machine).
    await wait_until(lambda: not application.registry.snapshot(), timeout=15)


@pytest.mark.parametrize("mode", ["2026-07-28", "auto"])
async def test_a_2026_client_reads_the_chats_statelessly_under_its_own_name(mode):
    async with (
        demo_server() as (url, application),
        Client(bridge("--url", url), mode=mode, client_info=CLIENT) as client,
    ):
        assert client.protocol_version == "2026-07-28"
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "query_chat_log" in names
        hits = await client.call_tool("query_chat_log", {"talker": "老妈", "limit": 3})
        assert not hits.is_error and hits.structured_content["messages"]
        [info] = application.registry.snapshot()
        assert (info.name, info.version, info.era) == ("Claude Desktop", "0.9.1", "modern")


# --- raw pipes -----------------------------------------------------------------------------


class Pipe:
    """The bridge as a subprocess with raw pipes: write messages, read stdout lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[bytes] = []

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def receive(self, timeout: float = 30) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        assert line, "the bridge closed its output"
        self.lines.append(line)
        return json.loads(line)

    async def finish(self) -> tuple[int, bytes, bytes]:
        """Close stdin; the exit status, the rest of stdout and all of stderr."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        out, err = await asyncio.wait_for(self.process.communicate(), 60)
        self.lines += out.splitlines(keepends=True)
        assert self.process.returncode is not None
        return self.process.returncode, out, err


@asynccontextmanager
async def raw_bridge(*args: str, env: dict[str, str] | None = None) -> AsyncIterator[Pipe]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desktop",
        "stdio",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    pipe = Pipe(process)
    try:
        yield pipe
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()


async def wait_until_accepting(port: int, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while True:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.02)
                continue
            writer.close()
            await writer.wait_closed()
            return


def request(id: int | str, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def modern(id: int | str, method: str, **params: Any) -> dict[str, Any]:
    return request(id, method, {**params, "_meta": MODERN_META})


def is_jsonrpc(line: bytes) -> bool:
    message = json.loads(line)
    return (
        isinstance(message, dict)
        and message.get("jsonrpc") == "2.0"
        and line.endswith(b"\n")
        and line.count(b"\n") == 1
        and ("method" in message or "result" in message or "error" in message)
    )


async def test_stdout_carries_protocol_only_and_end_of_input_exits_zero():
    async with demo_server() as (url, _application), raw_bridge("--url", url) as pipe:
        params = {"protocolVersion": "2025-06-18", "capabilities": {}}
        init = request(0, "initialize", {**params, "clientInfo": CLIENT.model_dump()})
        await pipe.send(init)
        assert (await pipe.receive())["result"]["protocolVersion"] == "2025-06-18"
        await pipe.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        await pipe.send(request(1, "tools/list"))
        await pipe.send(request(2, "tools/call", {"name": "query_recent_chat", "arguments": {}}))
        await pipe.send(modern("m", "tools/call", name="current_time", arguments={}))
        answers = {(await pipe.receive())["id"] for _ in range(3)}
        assert answers == {1, 2, "m"}
        code, _rest, err = await pipe.finish()
    assert code == 0
    assert pipe.lines and all(is_jsonrpc(line) for line in pipe.lines)
    assert b"relaying to" in err  # the log went to stderr


async def test_a_cancelled_2026_request_stops_its_work_and_gets_no_answer():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        raw_bridge("--url", server.url) as pipe,
    ):
        await pipe.send(modern("slow", "tools/call", name="hold", arguments={}))
        async with asyncio.timeout(30):
            await gate.entered.wait()
        cancel = {
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": {"requestId": "slow", "_meta": MODERN_META},
        }
        await pipe.send(cancel)
        async with asyncio.timeout(30):
            await gate.cancelled.wait()  # the closed response cancelled the work
        await pipe.send(modern("next", "tools/call", name="current_time", arguments={}))
        assert (await pipe.receive())["id"] == "next"  # and "slow" was never answered
        code, rest, _err = await pipe.finish()
    assert code == 0 and rest == b""


async def test_failures_become_json_rpc_errors_for_the_request():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}"
    async with raw_bridge("--url", url) as pipe:
        await pipe.send(modern(7, "tools/list"))
        answer = await pipe.receive()
        assert answer["id"] == 7 and answer["error"]["code"] == -32000
        assert "cannot reach chatlog-tray" in answer["error"]["message"]
        await pipe.send({"not": "json-rpc"})
        assert (await pipe.receive())["error"]["code"] == -32600
        code, _rest, _err = await pipe.finish()
    assert code == 0


async def test_a_page_that_is_not_json_rpc_becomes_an_error_too():
    async def html(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send(
            {
                "type": "http.response.start",
                "status": 502,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        await send({"type": "http.response.body", "body": b"<h1>Bad gateway</h1>"})

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    stop = asyncio.Event()
    task = asyncio.ensure_future(serve(html, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
    try:
        await wait_until_accepting(port)
        async with raw_bridge("--url", f"http://127.0.0.1:{port}/mcp") as pipe:
            await pipe.send(request("x", "tools/list"))
            answer = await pipe.receive()
            assert answer["id"] == "x" and "HTTP 502 (text/html)" in answer["error"]["message"]
            await pipe.finish()
    finally:
        stop.set()
        await task


async def test_the_token_comes_from_the_environment_and_a_401_is_relayed_with_the_id():
    async with running_server(token=TOKEN) as server:
        async with raw_bridge("--url", server.url) as pipe:
            await pipe.send(modern(3, "tools/list"))
            refused = await pipe.receive()
            assert refused["id"] == 3 and refused["error"]["code"] == -32600
            assert "401" in refused["error"]["message"] or "token" in refused["error"]["message"]
            await pipe.finish()
        params = bridge("--url", server.url, env={"CHATLOG_TRAY_TOKEN": TOKEN})
        async with Client(params, mode="2026-07-28", client_info=CLIENT) as client:
            assert [t.name for t in (await client.list_tools()).tools] == ["current_time"]


async def test_the_token_from_a_file_works_and_never_reaches_the_log(tmp_path: Path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    async with running_server(token=TOKEN) as server:
        args = ("--url", server.url, "--token-file", str(token_file), "--log-level", "debug")
        async with raw_bridge(*args) as pipe:
            await pipe.send(modern(1, "tools/list"))
            assert "result" in await pipe.receive()
            code, _rest, err = await pipe.finish()
    assert code == 0 and TOKEN.encode() not in err


# --- finding and starting the app --------------------------------------------------------


# The bridge always also looks for an app on the default address (there is no option to look
# elsewhere), where another app on this computer may serve, even for a moment (another
# checkout's tests, say). These tests skip then: checked just before they run, and again
# afterwards from what the bridge did, since such an app may come and go meanwhile.
DEFAULT_ADDRESS = "127.0.0.1:5030"
TAKEN = f"an app serves on {DEFAULT_ADDRESS}, where the bridge looks first"


def default_port_taken() -> bool:
    try:
        return httpx.get(f"http://{DEFAULT_ADDRESS}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def free_default_port() -> None:
    if default_port_taken():
        pytest.skip(TAKEN)


async def test_the_app_not_running_is_started_headless_and_found_through_its_endpoint_file(
    tmp_path: Path, free_default_port: None
):
    runtime = tmp_path / "runtime"
    env = {RUNTIME: str(runtime)}
    # A start may take a while on a loaded machine; the time it may take is not the point.
    params = bridge("--start-headless", "--start-port", "0", "--start-timeout", "60", env=env)
    started_pid = None
    try:
        found_elsewhere = False
        try:
            async with Client(params, mode="auto", client_info=CLIENT) as client:
                found_elsewhere = not (runtime / "endpoint.json").exists()
                if not found_elsewhere:
                    published = json.loads((runtime / "endpoint.json").read_text())
                    assert set(published) == {"url", "pid"}  # nothing secret
                    started_pid = published["pid"]
                    names = {t.name for t in (await client.list_tools()).tools}
                    assert "query_chat_log" in names
        except Exception:  # an app on the default address that wants a token, say
            if (runtime / "endpoint.json").exists() or not default_port_taken():
                raise
            found_elsewhere = True
        if found_elsewhere:
            pytest.skip(TAKEN)
        # A second bridge finds the same app instead of starting another.
        async with Client(params, mode="legacy", client_info=CLIENT) as client:
            await client.list_tools()
            assert json.loads((runtime / "endpoint.json").read_text())["pid"] == started_pid
    finally:
        if started_pid is not None:
            os.kill(started_pid, signal.SIGTERM)
    await wait_until(lambda: not (runtime / "endpoint.json").exists(), timeout=30)


async def test_an_app_that_cannot_start_is_a_clear_error_and_a_nonzero_exit(
    tmp_path: Path, free_default_port: None
):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        env = {RUNTIME: str(tmp_path / "runtime")}
        args = ("--start-headless", "--start-port", port, "--start-timeout", "30")
        async with raw_bridge(*args, env=env) as pipe:
            code, out, err = await pipe.finish()
    found = f"relaying to http://{DEFAULT_ADDRESS}/mcp".encode() in err
    if code == 0 and found and b"the app is not running" not in err:  # it never tried a start
        pytest.skip(TAKEN)
    assert code == 3 and out == b""
    assert b"cannot reach Chatlog Tray: the app exited with status 2" in err


async def test_no_start_relays_the_failure_instead_of_starting(
    tmp_path: Path, free_default_port: None
):
    env = {RUNTIME: str(tmp_path / "runtime")}
    async with raw_bridge("--no-start", env=env) as pipe:
        await pipe.send(modern(1, "tools/list"))
        answer = await pipe.receive()
        unreachable = answer.get("error", {}).get("code") == -32000
        # Answered, and not by an app it started (that would have published its endpoint).
        started = (tmp_path / "runtime").exists()
        if not (unreachable or started) and ("result" in answer or default_port_taken()):
            pytest.skip(TAKEN)
        assert unreachable, answer
        await pipe.finish()
    assert not (tmp_path / "runtime").exists()


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_a_tool_that_asks_the_user_reaches_the_clients_elicitation_through_the_bridge(mode):
    # Handshake era: the question arrives on the POST's SSE stream and the answer is POSTed
    # back on the session; 2026-07-28: an input-required result and a retry.
    from tests.integration.mcp.test_sdk_modern import fixtures

    asked = []

    async def answer(_context: Any, params: Any) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"name": "Alice"})

    async with (
        running_server(fixtures()) as server,
        Client(bridge("--url", server.url), mode=mode, elicitation_callback=answer) as client,
    ):
        result = await client.call_tool("test_input_required_result_elicitation", {})
        assert result.content[0].text == "Hello, Alice!"
        assert asked == ["What is your name?"]


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_log_messages_reach_the_client_on_the_post_stream_and_on_the_session_stream():
    from server.mcp.sessions import Session
    from tests.support import logging_tool

    logged = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        logged.append(params.data)

    async with (
        running_server(Extensions(tools=[logging_tool()])) as server,
        stdio_client(bridge("--url", server.url)) as (read, write),
        ClientSession(read, write, logging_callback=on_log) as session,
    ):
        await session.initialize()
        await session.set_logging_level("info")
        result = await session.call_tool("say", {})  # its log message rides the POST's stream
        assert result.content[0].text == "said"
        await wait_until(lambda: logged == ["hello from the tool"])
        # The bridge opened the session's GET stream after initialization: what the server
        # says outside any request arrives there.
        [info] = server.app.registry.snapshot()
        server_side = server.app.registry.by_handle(info.handle)
        assert isinstance(server_side, Session)
        await wait_until(lambda: server_side.stream is not None)
        notice = {"level": "info", "data": "from the session stream"}
        assert server_side.send_to_stream(
            {"jsonrpc": "2.0", "method": "notifications/message", "params": notice}
        )
        await wait_until(lambda: logged[-1:] == ["from the session stream"])
