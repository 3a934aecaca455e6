"""Starting and stopping the real server: busy ports, restarts, stops with open streams."""

import asyncio
import socket
import time

import httpx
import pytest

from server import serving
from server.app import Application
from server.config import ServerConfig
from server.serving import PortInUseError, ServerController, ServerError
from tests.support import SseReader, running_server, sse_session, streamable_session, wait_until

pytestmark = pytest.mark.asyncio


async def test_port_zero_serves_on_a_real_free_port():
    async with running_server() as server, httpx.AsyncClient() as client:
        assert server.port > 0
        assert (await client.get(server.url + "/health")).status_code == 200


async def test_a_busy_port_is_a_clean_error_and_nothing_is_left_running():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        controller = ServerController(Application(ServerConfig(port=port)))
        with pytest.raises(PortInUseError, match=f"Port {port} on 127.0.0.1 is already in use"):
            await controller.start()
        assert not controller.running


async def test_an_unknown_host_is_a_clean_error():
    config = ServerConfig(host="no-such-host.invalid", port=0, token="t" * 16)
    controller = ServerController(Application(config))
    with pytest.raises(ServerError, match="Cannot listen"):
        await controller.start()


async def test_the_server_can_be_stopped_and_started_again_on_the_same_port():
    app = Application(ServerConfig(port=0))
    controller = ServerController(app)
    port = (await controller.start()).port
    await controller.stop()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/health")
    app = Application(ServerConfig(port=port))
    controller = ServerController(app)
    assert (await controller.start()).port == port
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200
    await controller.stop()


async def test_one_application_survives_several_start_stop_cycles():
    app = Application(ServerConfig(port=0))
    controller = ServerController(app)
    for _ in range(3):
        address = await controller.start()
        async with httpx.AsyncClient() as client:
            await streamable_session(client, address.url)
            assert len(app.registry) == 1
        await controller.stop()
        assert len(app.registry) == 0


async def test_stopping_with_open_streams_ends_them_cleanly_and_quickly(monkeypatch, caplog):
    # A long grace: a stop that had to wait for the streams would take it all (Hypercorn ends
    # what is left when it is over), and the controller would then cancel what still runs.
    monkeypatch.setattr(serving, "GRACEFUL_TIMEOUT", 30.0)
    async with httpx.AsyncClient() as client, running_server() as server:
        async with (
            sse_session(client, server.url) as (_e1, sse_reader),
            sse_session(client, server.url) as (_e2, other_reader),
        ):
            _, headers = await streamable_session(client, server.url)
            async with client.stream("GET", server.url + "/mcp", headers=headers) as get_stream:
                await wait_until(lambda: len(server.app.registry) == 3)
                started = time.monotonic()
                elapsed = await server.controller.stop()
                # Normally 20 ms: the streams end at once, not when the 30 s grace is over.
                assert elapsed < 10 and time.monotonic() - started < 10
                assert "outlived the graceful stop" not in caplog.text
                assert await sse_reader.at_end()
                assert await other_reader.at_end()
                assert await SseReader(get_stream).at_end()
        assert len(server.app.registry) == 0
        assert not server.app.request_tasks


async def test_requests_after_stop_are_refused():
    async with running_server() as server:
        url = server.url
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(url + "/health")


async def test_many_connects_and_disconnects_leave_no_session_behind():
    async with running_server() as server:
        for _ in range(200):  # the bench does 10,000; this proves the mechanism quickly
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            await reader.readuntil(b"sessionId=")
            writer.close()
            await writer.wait_closed()
        await wait_until(lambda: len(server.app.registry) == 0)
        await wait_until(lambda: not server.app.request_tasks)
