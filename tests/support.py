"""Helpers for tests that need the real server: Hypercorn on 127.0.0.1:0, raw HTTP, SSE."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import keyring.errors
from keyring.backend import KeyringBackend
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from server.app import Application, Extensions
from server.config import ServerConfig
from server.mcp.tools import Tool, ToolContext
from server.mcp.tools.current_time import NoArguments
from server.serving import ServerController
from server.wechat.store import ChatStore

# Seconds a wait may take before the test fails. Only a bound on a hang (pytest-timeout ends
# a test after 120 s): what is awaited normally comes in milliseconds, or within a GUI timer's
# second, but a loaded machine can stall for seconds.
TIMEOUT = 30.0
ACCEPT_BOTH = "application/json, text/event-stream"


@dataclass
class RunningServer:
    app: Application
    controller: ServerController
    url: str

    @property
    def port(self) -> int:
        assert self.controller.address is not None
        return self.controller.address.port


@asynccontextmanager
async def running_server(
    extensions: Extensions | None = None, *, app: Application | None = None, **settings: Any
) -> AsyncIterator[RunningServer]:
    """A real server on a free loopback port, stopped (and checked stopped) afterwards.

    Pass `app` to serve an application built elsewhere (e.g. by `build_application`).
    """
    if app is None:
        app = Application(ServerConfig(**{"port": 0, **settings}), extensions)
    controller = ServerController(app)
    address = await controller.start()
    try:
        yield RunningServer(app, controller, address.url)
    finally:
        await controller.stop()
        await app.close()


async def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Wait for a condition that another task makes true; fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


def rpc(method: str, params: dict[str, Any] | None = None, id: int | str | None = 1) -> dict:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    if id is not None:
        message["id"] = id
    return message


def initialize(version: str = "2025-11-25", id: int = 0) -> dict:
    return rpc(
        "initialize",
        {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": {"name": "pytest", "version": "1.0"},
        },
        id,
    )


class SseReader:
    """Reads events from an open SSE response: (event, data) pairs, pings counted apart."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self.pings = 0

    async def next_event(self, timeout: float = TIMEOUT) -> tuple[str, str]:
        event, data = "message", []
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if line.startswith(":"):
                    self.pings += 1
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and data:
                    return event, "\n".join(data)
        raise EOFError("the stream ended")

    async def next_message(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        event, data = await self.next_event(timeout)
        assert event == "message", event
        return json.loads(data)

    async def next_ping(self, timeout: float = TIMEOUT) -> None:
        seen = self.pings
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if line.startswith(":"):
                    self.pings += 1
                if self.pings > seen:
                    return
        raise EOFError("the stream ended")

    async def at_end(self, timeout: float = TIMEOUT) -> bool:
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if line.startswith(":"):
                    continue
                if line:
                    return False
        return True


@asynccontextmanager
async def sse_session(
    client: httpx.AsyncClient, url: str, *, initialized: bool = False
) -> AsyncIterator[tuple[str, SseReader]]:
    """Open GET /sse; yields the POST endpoint URL and a reader for the stream.

    With `initialized`, the session has also been through `initialize` (its answer read).
    """
    async with client.stream("GET", url + "/sse") as response:
        assert response.status_code == 200
        reader = SseReader(response)
        event, endpoint = await reader.next_event()
        assert event == "endpoint"
        if initialized:
            await client.post(url + endpoint, json=initialize(id="init"))
            assert (await reader.next_message())["id"] == "init"
        yield url + endpoint, reader


async def streamable_session(
    client: httpx.AsyncClient, url: str, version: str = "2025-11-25"
) -> tuple[str, dict[str, str]]:
    """Initialize over /mcp; returns the session id and headers for later requests."""
    response = await client.post(
        url + "/mcp", json=initialize(version), headers={"accept": ACCEPT_BOTH}
    )
    assert response.status_code == 200, response.text
    session_id = response.headers["mcp-session-id"]
    headers = {"accept": ACCEPT_BOTH, "mcp-session-id": session_id, "mcp-protocol-version": version}
    await client.post(url + "/mcp", json=rpc("notifications/initialized", id=None), headers=headers)
    return session_id, headers


class Gate:
    """A tool that blocks until released: holds requests in flight without any sleep."""

    def __init__(self, name: str = "hold") -> None:
        self.name = name
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.calls = 0

    def tool(self) -> Tool:
        async def hold(_context: ToolContext, _arguments: NoArguments) -> str:
            self.calls += 1
            self.entered.set()
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
            return "released"

        return Tool(
            name=self.name,
            description="Waits until the test releases it.",
            arguments=NoArguments,
            handler=hold,
        )


def progress_tool() -> Tool:
    """`count`: reports progress 1/2 and 2/2, then answers "counted"."""

    async def count(context: ToolContext, _arguments: NoArguments) -> str:
        await context.report_progress(1, 2)
        await context.report_progress(2, 2)
        return "counted"

    return Tool(
        name="count", description="Reports progress twice.", arguments=NoArguments, handler=count
    )


def logging_tool() -> Tool:
    """`say`: sends one info log message, then answers "said"."""

    async def say(context: ToolContext, _arguments: NoArguments) -> str:
        await context.log("info", "hello from the tool")
        return "said"

    return Tool(name="say", description="Logs one message.", arguments=NoArguments, handler=say)


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict.

    The OS keychain (Secret Service, Keychain, Credential Manager) cannot run on a headless
    CI box, so the tests plug this backend in through keyring's own `set_keyring`.
    """

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@asynccontextmanager
async def serving_whole_app(
    config: ServerConfig, store: ChatStore | None = None
) -> AsyncIterator[str]:
    """The whole application as headless mode builds it for `config` (with `store`, if
    given), on a real server; client tokens in memory. Yields its base URL."""
    from server.client_tokens import ClientTokens, MemoryVault
    from server.composition import build_application

    application = build_application(config, store, ClientTokens(MemoryVault()))
    controller = ServerController(application)
    address = await controller.start()
    try:
        yield address.url
    finally:
        await controller.stop()
        await application.close()


@asynccontextmanager
async def mcp_client(url: str) -> AsyncIterator[ClientSession]:
    """The official SDK's client session over Streamable HTTP, initialized."""
    async with (
        streamable_http_client(url + "/mcp") as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        yield client
