"""ServerHost: the real server on the qasync loop, started, stopped, reconfigured."""

import httpx
import pytest

from desktop.server_host import ServerHost, ServerState
from server.config import ServerConfig

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


async def test_start_serves_health_and_stop_ends_serving():
    host = ServerHost(ServerConfig(port=0))
    states: list[str] = []
    host.state_changed.connect(states.append)
    assert await host.start()
    assert host.address is not None
    async with httpx.AsyncClient() as client:
        response = await client.get(host.address.url + "/health")
    assert response.status_code == 200
    await host.shutdown()
    assert not host.running
    assert states == ["starting", "serving", "stopping", "stopped"]


async def test_a_busy_port_is_a_failed_start_with_a_readable_error(busy_port):
    host = ServerHost(ServerConfig(port=busy_port))
    failures: list[str] = []
    host.failed.connect(failures.append)
    assert not await host.start()
    assert host.state is ServerState.ERROR
    assert failures == [host.error]
    assert f"Port {busy_port}" in failures[0] and "already in use" in failures[0]
    await host.shutdown()


async def test_apply_on_a_busy_port_restores_the_previous_config_and_keeps_serving(busy_port):
    host = ServerHost(ServerConfig(port=0))
    await host.start()
    assert host.address is not None
    error = await host.apply(ServerConfig(port=busy_port))
    assert error is not None and "already in use" in error
    assert host.running and host.state is ServerState.SERVING
    assert host.config.port == 0
    assert host.error is None
    async with httpx.AsyncClient() as client:
        assert (await client.get(host.address.url + "/health")).status_code == 200
    await host.shutdown()


async def test_apply_gives_a_running_server_the_new_config():
    host = ServerHost(ServerConfig(port=0, workers=2))
    await host.start()
    assert await host.apply(ServerConfig(port=0, workers=3)) is None
    assert host.running
    assert host.application is not None and host.application.queue.workers == 3
    await host.shutdown()


async def test_apply_while_stopped_only_changes_the_config():
    host = ServerHost(ServerConfig(port=0))
    assert await host.apply(ServerConfig(port=0, queue_capacity=5)) is None
    assert not host.running and host.state is ServerState.STOPPED
    assert host.config.queue_capacity == 5


async def test_apply_after_a_failed_start_tries_the_new_config(busy_port):
    host = ServerHost(ServerConfig(port=busy_port))
    assert not await host.start()
    assert await host.apply(ServerConfig(port=0)) is None
    assert host.state is ServerState.SERVING
    await host.shutdown()
