"""Who may reach the server: Host, Origin, token, body limits — on MCP and API routes."""

import asyncio

import httpx
import pytest

from tests.support import ACCEPT_BOTH, initialize, running_server, sse_session

pytestmark = pytest.mark.asyncio

ROUTES = [
    ("POST", "/mcp"),
    ("GET", "/sse"),
    ("POST", "/message?sessionId=x"),
    ("GET", "/api/v1/mcp/sessions"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_a_foreign_host_header_is_refused(method, path):
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.request(
            method,
            server.url + path,
            json=initialize(),
            headers={"host": "evil.example.com", "accept": ACCEPT_BOTH},
        )
        assert response.status_code == 421
        assert len(server.app.registry) == 0


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_a_foreign_browser_origin_is_refused_with_403(method, path):
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.request(
            method,
            server.url + path,
            json=initialize(),
            headers={"origin": "http://evil.example.com", "accept": ACCEPT_BOTH},
        )
        assert response.status_code == 403
        assert "access-control-allow-origin" not in response.headers


async def test_the_servers_own_origin_and_localhost_names_are_allowed():
    async with running_server() as server, httpx.AsyncClient() as client:
        own = f"127.0.0.1:{server.port}"
        response = await client.post(
            server.url + "/mcp",
            json=initialize(),
            headers={"host": own, "origin": f"http://{own}", "accept": ACCEPT_BOTH},
        )
        assert response.status_code == 200
        by_name = await client.get(f"http://localhost:{server.port}/health")
        assert by_name.status_code == 200


async def test_a_listed_origin_gets_cors_headers_and_a_preflight_but_never_a_wildcard():
    origin = "http://localhost:6274"
    async with running_server(allow_origins=(origin,)) as server, httpx.AsyncClient() as client:
        preflight = await client.options(
            server.url + "/mcp", headers={"origin": origin, "access-control-request-method": "POST"}
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "mcp-session-id" in preflight.headers["access-control-allow-headers"]
        response = await client.post(
            server.url + "/mcp",
            json=initialize(),
            headers={"origin": origin, "accept": ACCEPT_BOTH},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert "mcp-session-id" in response.headers["access-control-expose-headers"]


MCP_CLIENT_HEADERS = [
    "authorization",
    "content-type",
    "accept",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
    "mcp-method",
    "mcp-name",
]
BROWSER = "http://localhost:6274"
TOKEN = "a-token-of-22-letters!"


def preflight_headers(origin: str = BROWSER) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
    }


async def test_with_a_token_a_browser_preflight_from_a_listed_origin_needs_no_token():
    async with (
        running_server(token=TOKEN, allow_origins=(BROWSER,)) as server,
        httpx.AsyncClient() as client,
    ):
        preflight = await client.options(server.url + "/mcp", headers=preflight_headers())
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == BROWSER
        allowed = preflight.headers["access-control-allow-headers"].split(", ")
        assert allowed == MCP_CLIENT_HEADERS
        assert "POST" in preflight.headers["access-control-allow-methods"]
        response = await client.post(
            server.url + "/mcp",
            json=initialize(),
            headers={"origin": BROWSER, "accept": ACCEPT_BOTH, "authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == BROWSER
        exposed = response.headers["access-control-expose-headers"].split(", ")
        assert exposed == ["mcp-session-id", "mcp-protocol-version"]


async def test_the_real_request_after_a_preflight_still_needs_the_token_and_may_read_the_401():
    async with (
        running_server(token=TOKEN, allow_origins=(BROWSER,)) as server,
        httpx.AsyncClient() as client,
    ):
        response = await client.post(
            server.url + "/mcp", json=initialize(), headers={"origin": BROWSER}
        )
        assert response.status_code == 401
        assert response.headers["access-control-allow-origin"] == BROWSER
        assert len(server.app.registry) == 0


async def test_only_a_preflight_skips_the_token_and_only_from_a_listed_origin():
    async with (
        running_server(token=TOKEN, allow_origins=(BROWSER,)) as server,
        httpx.AsyncClient() as client,
    ):
        plain_options = await client.options(server.url + "/mcp", headers={"origin": BROWSER})
        assert plain_options.status_code == 401
        assert "access-control-allow-methods" not in plain_options.headers
        own = f"http://127.0.0.1:{server.port}"  # allowed as the server itself, but not listed
        for origin, status in (("http://evil.example.com", 403), (own, 401)):
            refused = await client.options(server.url + "/mcp", headers=preflight_headers(origin))
            assert refused.status_code == status, origin
            assert "access-control-allow-origin" not in refused.headers
            assert "access-control-allow-methods" not in refused.headers


async def test_an_options_request_without_a_requested_method_gets_no_preflight_grant():
    async with running_server(allow_origins=(BROWSER,)) as server, httpx.AsyncClient() as client:
        plain_options = await client.options(server.url + "/mcp", headers={"origin": BROWSER})
        assert plain_options.status_code != 204
        assert "access-control-allow-methods" not in plain_options.headers
        assert "access-control-allow-headers" not in plain_options.headers


async def test_a_preflight_is_still_subject_to_the_host_check():
    async with (
        running_server(token=TOKEN, allow_origins=(BROWSER,)) as server,
        httpx.AsyncClient() as client,
    ):
        rebound = await client.options(
            server.url + "/mcp", headers={**preflight_headers(), "host": "evil.example.com"}
        )
        assert rebound.status_code == 421
        assert "access-control-allow-methods" not in rebound.headers


async def test_with_a_token_every_route_but_health_needs_it():
    async with running_server(token="s3cret-token-value") as server, httpx.AsyncClient() as client:
        assert (await client.get(server.url + "/health")).status_code == 200
        for method, path in ROUTES:
            response = await client.request(method, server.url + path, json=initialize())
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"].startswith("Bearer")
        wrong = await client.get(
            server.url + "/api/v1/mcp/sessions", headers={"authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401
        right = await client.post(
            server.url + "/mcp",
            json=initialize(),
            headers={"authorization": "Bearer s3cret-token-value", "accept": ACCEPT_BOTH},
        )
        assert right.status_code == 200


async def test_the_token_never_appears_in_the_log(caplog):
    caplog.set_level("DEBUG")
    async with running_server(token="s3cret-token-value") as server, httpx.AsyncClient() as client:
        await client.get(server.url + "/sse", headers={"authorization": "Bearer wrong"})
        await client.post(
            server.url + "/mcp",
            json=initialize(),
            headers={"authorization": "Bearer s3cret-token-value", "accept": ACCEPT_BOTH},
        )
    assert "s3cret-token-value" not in caplog.text


async def test_a_body_over_the_limit_gets_413():
    async with running_server(max_body_bytes=2048) as server, httpx.AsyncClient() as client:
        big = {**initialize(), "padding": "x" * 4096}
        response = await client.post(server.url + "/mcp", json=big, headers={"accept": ACCEPT_BOTH})
        assert response.status_code == 413
        async with sse_session(client, server.url) as (endpoint, _reader):
            assert (await client.post(endpoint, json=big)).status_code == 413


async def test_a_body_that_trickles_in_too_slowly_gets_408_and_the_connection_closes():
    async with running_server(body_timeout=0.2) as server:
        head = await answer_to_a_partly_sent_body(server.port, length=100, sent=b'{"jsonrpc"')
        assert head.startswith(b"HTTP/1.1 408 ")
        assert b"\r\nconnection: close\r\n" in head.lower()


async def test_a_413_sent_before_the_body_arrived_says_that_the_connection_closes():
    async with running_server(max_body_bytes=2048) as server:
        head = await answer_to_a_partly_sent_body(server.port, length=100_000, sent=b"x" * 4096)
        assert head.startswith(b"HTTP/1.1 413 ")
        assert b"\r\nconnection: close\r\n" in head.lower()


async def test_a_refusal_sent_before_the_body_arrived_says_that_the_connection_closes():
    async with running_server(token=TOKEN) as server:
        head = await answer_to_a_partly_sent_body(server.port, length=100_000, sent=b"x" * 4096)
        assert head.startswith(b"HTTP/1.1 401 ")
        assert b"\r\nconnection: close\r\n" in head.lower()


async def test_after_a_413_a_keep_alive_client_loses_none_of_its_next_50_requests():
    one_connection = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with (
        running_server(max_body_bytes=2048) as server,
        httpx.AsyncClient(limits=one_connection) as client,
    ):
        too_big = await client.post(
            server.url + "/mcp",
            content=b"x" * 100_000,
            headers={"accept": ACCEPT_BOTH, "content-type": "application/json"},
        )
        assert too_big.status_code == 413
        statuses = [(await client.get(server.url + "/health")).status_code for _ in range(50)]
        assert statuses == [200] * 50


async def test_an_answer_after_the_whole_body_keeps_the_connection_open():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=initialize(), headers={"accept": ACCEPT_BOTH}
        )
        assert response.status_code == 200
        assert "connection" not in response.headers


async def answer_to_a_partly_sent_body(port: int, length: int, sent: bytes) -> bytes:
    """Send a POST /mcp whose body is `length` bytes long but only `sent` of it; the answer's
    head, once the server has closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Accept: application/json\r\nContent-Length: %d\r\n\r\n" % length + sent
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)  # to the end: the server closes
    finally:
        writer.close()
    return answer.partition(b"\r\n\r\n")[0] + b"\r\n"


async def test_health_reports_the_queue_and_clients():
    async with running_server(queue_capacity=7, workers=3) as server, httpx.AsyncClient() as client:
        health = (await client.get(server.url + "/health")).json()
        assert health["status"] == "ok"
        assert health["queue"] == {"capacity": 7, "waiting": 0, "running": 0, "workers": 3}
        assert health["mcp_clients"] == {"known": 0, "active": 0}
