from server.mcp.sessions import SessionEventKind, SessionRegistry, Transport


def test_the_registry_tells_subscribers_about_every_change():
    registry = SessionRegistry()
    events = []
    unsubscribe = registry.subscribe(events.append)
    session = registry.create(Transport.STREAMABLE_HTTP, "127.0.0.1:5000")
    session.client_name = "Claude"
    session.changed()
    registry.close(session.id)
    assert [e.kind for e in events] == [
        SessionEventKind.OPENED,
        SessionEventKind.UPDATED,
        SessionEventKind.CLOSED,
    ]
    assert events[1].session.client_name == "Claude"
    unsubscribe()
    registry.create(Transport.SSE, None)
    assert len(events) == 3


def test_a_failing_subscriber_does_not_break_the_registry(caplog):
    registry = SessionRegistry()

    def broken(_event):
        raise RuntimeError("ui bug")

    registry.subscribe(broken)
    session = registry.create(Transport.SSE, None)
    assert registry.get(session.id) is session
    assert "session listener failed" in caplog.text


def test_snapshots_are_plain_values_that_serialise_to_json():
    registry = SessionRegistry()
    session = registry.create(Transport.SSE, "[::1]:6000")
    [info] = registry.snapshot()
    data = info.to_json()
    assert data["id"] == session.id
    assert data["transport"] == "sse"
    assert data["remote_address"] == "[::1]:6000"
    assert data["created"].endswith("+00:00")


def test_closing_an_unknown_session_says_so():
    assert SessionRegistry().close("nope") is False


def test_only_idle_streamable_sessions_expire():
    registry = SessionRegistry()
    idle = registry.create(Transport.STREAMABLE_HTTP, None)
    busy = registry.create(Transport.STREAMABLE_HTTP, None)
    legacy = registry.create(Transport.SSE, None)
    for session in (idle, busy, legacy):
        session.last_activity_monotonic -= 100
    busy.in_flight["1"] = object()  # type: ignore[assignment]
    assert registry.expire_idle(10) == 1
    assert registry.get(idle.id) is None
    assert registry.get(busy.id) is busy and registry.get(legacy.id) is legacy


def test_close_all_empties_the_registry():
    registry = SessionRegistry()
    for _ in range(3):
        registry.create(Transport.SSE, None)
    registry.close_all()
    assert len(registry) == 0
