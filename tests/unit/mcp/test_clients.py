import asyncio

import pytest

from server.mcp import jsonrpc
from server.mcp.clients import (
    QUIET_AFTER,
    ClientEventKind,
    ClientRegistry,
    Transport,
    credential_of,
)
from server.mcp.outbox import Outbox
from server.mcp.sessions import open_session
from server.workqueue import QueueFullError, WorkQueue

NO_TOKEN = credential_of(None)


def session(registry, transport=Transport.STREAMABLE_HTTP, address=None):
    return open_session(registry, transport, address, NO_TOKEN)


def test_the_registry_tells_subscribers_about_every_change():
    registry = ClientRegistry()
    events = []
    unsubscribe = registry.subscribe(events.append)
    client = session(registry, address="127.0.0.1:5000")
    client.identify("Claude", "1.0")
    client.changed()
    registry.close(client)
    assert [e.kind for e in events] == [
        ClientEventKind.OPENED,
        ClientEventKind.UPDATED,
        ClientEventKind.CLOSED,
    ]
    assert events[1].client.name == "Claude"
    unsubscribe()
    session(registry, Transport.SSE)
    assert len(events) == 3


def test_a_failing_subscriber_does_not_break_the_registry(caplog):
    registry = ClientRegistry()

    def broken(_event):
        raise RuntimeError("ui bug")

    registry.subscribe(broken)
    client = session(registry, Transport.SSE)
    assert registry.get(client.id) is client
    assert "client listener failed" in caplog.text


def test_snapshots_show_an_opaque_handle_never_the_session_id():
    registry = ClientRegistry()
    client = session(registry, Transport.SSE, "[::1]:6000")
    [info] = registry.snapshot()
    data = info.to_json()
    assert data["handle"] == client.handle
    assert client.id not in str(data)
    assert data["era"] == "handshake"
    assert data["transport"] == "sse"
    assert data["remote_address"] == "[::1]:6000"
    assert data["first_seen"].endswith("+00:00")
    assert registry.by_handle(client.handle) is client


def test_closing_a_client_twice_says_so():
    registry = ClientRegistry()
    client = session(registry)
    assert registry.close(client) is True
    assert registry.close(client) is False


def test_a_session_answers_only_its_own_transport_and_credential():
    registry = ClientRegistry()
    mine = open_session(registry, Transport.STREAMABLE_HTTP, None, credential_of(b"Bearer a"))
    assert mine.accepts(Transport.STREAMABLE_HTTP, credential_of(b"Bearer a"))
    assert not mine.accepts(Transport.SSE, credential_of(b"Bearer a"))
    assert not mine.accepts(Transport.STREAMABLE_HTTP, credential_of(b"Bearer b"))
    assert not mine.accepts(Transport.STREAMABLE_HTTP, NO_TOKEN)


def test_quiet_clients_turn_idle_and_leave_after_the_idle_timeout():
    registry = ClientRegistry()
    quiet, recent, streaming = session(registry), session(registry), session(registry)
    for client in (quiet, recent, streaming):
        client.saw_initialized_notification = True
    quiet.last_activity_monotonic -= QUIET_AFTER + 1
    streaming.last_activity_monotonic -= 10_000
    streaming.request_streams.add(object())  # type: ignore[arg-type]
    assert registry.sweep(idle_timeout=1800) == 0
    assert quiet.state == "idle" and recent.state == "active" and streaming.state == "active"
    assert registry.active_count == 2
    quiet.last_activity_monotonic -= 1800
    assert registry.sweep(idle_timeout=1800) == 1
    assert registry.get(quiet.id) is None and registry.get(streaming.id) is streaming


def test_a_session_that_only_probed_leaves_after_a_minute_not_the_idle_timeout():
    registry = ClientRegistry()
    probe, real = session(registry), session(registry)
    real.saw_initialized_notification = True
    for client in (probe, real):
        client.last_activity_monotonic -= 61
    assert registry.sweep(idle_timeout=1800) == 1
    assert registry.get(probe.id) is None and registry.get(real.id) is real


def test_modern_clients_are_recognised_by_name_version_credential_and_host():
    registry = ClientRegistry()
    first = registry.modern_client("Cursor", "1.2", NO_TOKEN, "127.0.0.1:50001")
    again = registry.modern_client("Cursor", "1.2", NO_TOKEN, "127.0.0.1:50002")
    other_token = registry.modern_client("Cursor", "1.2", credential_of(b"Bearer x"), None)
    assert again is first and first.remote_address == "127.0.0.1:50002"
    assert other_token is not first
    assert first.info().era == "modern"
    assert len(registry) == 2


def test_the_session_cap_evicts_the_oldest_idle_session():
    registry = ClientRegistry(max_sessions=2)
    oldest, newer = session(registry), session(registry)
    oldest.last_activity_monotonic -= 100
    newer.last_activity_monotonic -= 50
    third = session(registry)
    assert registry.get(oldest.id) is None
    assert {registry.get(newer.id), registry.get(third.id)} == {newer, third}


def test_the_session_cap_refuses_when_every_session_is_busy():
    registry = ClientRegistry(max_sessions=1)
    busy = session(registry)
    busy.request_streams.add(object())  # type: ignore[arg-type]
    with pytest.raises(QueueFullError):
        session(registry)


@pytest.mark.asyncio
async def test_a_request_is_in_flight_until_its_job_ends_and_then_counts_as_served():
    queue = WorkQueue(capacity=10, workers=1)
    registry = ClientRegistry(queue)
    client = session(registry)
    release = asyncio.Event()

    async def work():
        await release.wait()

    client.submit(queue, 1, work)
    assert client.is_in_flight(1) and client.info().requests_in_flight == 1
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not client.is_in_flight(1)
    assert client.requests_served == 1


@pytest.mark.asyncio
async def test_closing_a_client_answers_its_requests_in_flight_with_an_error():
    queue = WorkQueue(capacity=10, workers=1)
    registry = ClientRegistry(queue)
    client = session(registry)
    answers = []
    client.submit(queue, 7, asyncio.Event().wait, abort=answers.append)
    registry.close(client, "disconnected from the desktop app")
    [error] = answers
    assert error.code == jsonrpc.SERVER_ERROR
    assert "disconnected from the desktop app" in error.message
    await queue.close()


@pytest.mark.asyncio
async def test_a_cancelled_request_is_not_answered():
    queue = WorkQueue(capacity=10, workers=1)
    registry = ClientRegistry(queue)
    client = session(registry)
    answers = []
    client.submit(queue, 7, asyncio.Event().wait, abort=answers.append)
    assert client.cancel_request(7)
    registry.close(client)
    assert answers == []
    await queue.close()


def test_a_sessions_subscriptions_show_in_its_snapshot_and_change_it():
    registry = ClientRegistry()
    events = []
    registry.subscribe(events.append)
    client = session(registry)
    client.subscribe_resource("wechat://chats/recent")
    client.subscribe_resource("wechat://chats/recent")  # once
    client.subscribe_resource("test://other")
    assert registry.snapshot()[0].subscriptions == ("test://other", "wechat://chats/recent")
    client.unsubscribe_resource("test://other")
    client.unsubscribe_resource("test://never-subscribed")
    assert [e.client.subscriptions for e in events if e.kind is ClientEventKind.UPDATED] == [
        ("wechat://chats/recent",),
        ("test://other", "wechat://chats/recent"),
        ("wechat://chats/recent",),
    ]


def test_a_session_subscribes_to_at_most_a_thousand_resources():
    client = session(ClientRegistry())
    for number in range(1000):
        client.subscribe_resource(f"test://{number}")
    with pytest.raises(jsonrpc.JsonRpcError, match="at most 1000"):
        client.subscribe_resource("test://one-too-many")
    assert len(client.subscribed_resources()) == 1000


def test_a_modern_clients_subscriptions_are_those_of_its_open_listen_streams():
    registry = ClientRegistry()
    client = registry.modern_client("Assistant", "1", NO_TOKEN, "127.0.0.1:5000")
    first, second = Outbox(1024), Outbox(1024)
    client.add_listen_stream(first, frozenset({"wechat://chats/recent"}))
    client.add_listen_stream(second, frozenset({"wechat://chats/a/recent"}))
    assert client.info().subscriptions == ("wechat://chats/a/recent", "wechat://chats/recent")
    client.remove_listen_stream(first)
    assert client.info().subscriptions == ("wechat://chats/a/recent",)
    assert client.info().to_json()["subscriptions"] == ["wechat://chats/a/recent"]
