"""MCP 2026-07-28 on /mcp, over raw HTTP: every status and error code the revision defines,
on a real server (docs/architecture.md, "Two eras on one endpoint")."""

import asyncio
import base64

import httpx
import pytest

from server.app import Extensions
from server.composition import build_application
from server.config import ServerConfig
from tests.support import ACCEPT_BOTH, Gate, rpc, running_server, wait_until

pytestmark = pytest.mark.asyncio

VERSION = "2026-07-28"
META = {
    "io.modelcontextprotocol/protocolVersion": VERSION,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "raw-http", "version": "1"},
}
NAMED = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}


ELICITING = {**META, "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}}}


def modern(method, params=None, id=1, **header_overrides):
    """A 2026-07-28 request body and the headers that go with it."""
    params = {"_meta": META, **(params or {})}
    headers = {
        "accept": ACCEPT_BOTH,
        "mcp-protocol-version": VERSION,
        "mcp-method": method,
    }
    if method in NAMED:
        headers["mcp-name"] = str(params.get(NAMED[method], ""))
    headers.update(header_overrides)
    return rpc(method, params, id), headers


async def post(client, server, method, params=None, id=1, **header_overrides):
    body, headers = modern(method, params, id, **header_overrides)
    return await client.post(server.url + "/mcp", json=body, headers=headers)


async def test_discover_names_the_versions_capabilities_and_server():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await post(client, server, "server/discover")
        assert response.status_code == 200
        result = response.json()["result"]
        assert result["supportedVersions"] == [VERSION]
        assert result["resultType"] == "complete"
        assert set(result["capabilities"]) >= {"tools", "resources", "prompts", "completions"}
        assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "chatlog-tray"
        assert (result["ttlMs"], result["cacheScope"]) == (600_000, "public")
        assert "mcp-session-id" not in response.headers


async def test_lists_carry_honest_caching_hints_and_calls_carry_only_the_result_type():
    async with running_server() as server, httpx.AsyncClient() as client:
        tools = (await post(client, server, "tools/list")).json()["result"]
        resources = (await post(client, server, "resources/list")).json()["result"]
        call = await post(client, server, "tools/call", {"name": "current_time", "arguments": {}})
        assert (tools["ttlMs"], tools["cacheScope"]) == (600_000, "public")
        assert (resources["ttlMs"], resources["cacheScope"]) == (0, "private")
        result = call.json()["result"]
        assert result["resultType"] == "complete" and "ttlMs" not in result


@pytest.mark.parametrize(
    ("meta", "missing"),
    [
        (None, "_meta"),
        ({"io.modelcontextprotocol/clientCapabilities": {}}, "protocolVersion"),
        ({"io.modelcontextprotocol/protocolVersion": VERSION}, "clientCapabilities"),
    ],
)
async def test_an_incomplete_meta_is_invalid_params_with_400_and_the_request_id(meta, missing):
    async with running_server() as server, httpx.AsyncClient() as client:
        headers = {
            "accept": ACCEPT_BOTH,
            "mcp-protocol-version": VERSION,
            "mcp-method": "tools/list",
        }
        params = {} if meta is None else {"_meta": meta}
        response = await client.post(
            server.url + "/mcp", json=rpc("tools/list", params, 41), headers=headers
        )
        assert response.status_code == 400
        answer = response.json()
        assert (answer["id"], answer["error"]["code"]) == (41, -32602)
        assert missing in answer["error"]["message"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"mcp-protocol-version": "2030-01-01"},
        {"mcp-method": "tools/list"},
        {"mcp-name": "another_tool"},
    ],
)
async def test_headers_that_disagree_with_the_body_are_a_header_mismatch(overrides):
    async with running_server() as server, httpx.AsyncClient() as client:
        params = {"name": "current_time", "arguments": {}}
        response = await post(client, server, "tools/call", params, 5, **overrides)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32020
        assert response.json()["id"] == 5


async def test_a_base64_encoded_name_header_matches_its_decoded_value():
    async with running_server() as server, httpx.AsyncClient() as client:
        encoded = "=?base64?" + base64.b64encode(b"current_time").decode() + "?="
        params = {"name": "current_time", "arguments": {}}
        response = await post(client, server, "tools/call", params, **{"mcp-name": encoded})
        assert response.status_code == 200
        assert response.json()["result"]["resultType"] == "complete"


async def test_an_unsupported_version_lists_the_supported_ones():
    async with running_server() as server, httpx.AsyncClient() as client:
        meta = {**META, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
        headers = {
            "accept": ACCEPT_BOTH,
            "mcp-protocol-version": "2099-01-01",
            "mcp-method": "tools/list",
        }
        response = await client.post(
            server.url + "/mcp", json=rpc("tools/list", {"_meta": meta}, 7), headers=headers
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == -32022
        assert error["data"] == {"supported": [VERSION], "requested": "2099-01-01"}


@pytest.mark.parametrize(
    "method", ["unknown/method", "initialize", "ping", "logging/setLevel", "resources/subscribe"]
)
async def test_unknown_and_removed_methods_are_404_method_not_found(method):
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await post(client, server, method, {"uri": "x"}, 9)
        assert response.status_code == 404
        assert (response.json()["id"], response.json()["error"]["code"]) == (9, -32601)


@pytest.mark.parametrize("verb", ["GET", "DELETE"])
async def test_get_and_delete_do_not_exist_in_this_era(verb):
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.request(
            verb, server.url + "/mcp", headers={"mcp-protocol-version": VERSION}
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


async def test_a_notification_is_accepted_and_a_batch_is_refused():
    async with running_server() as server, httpx.AsyncClient() as client:
        body, headers = modern("notifications/cancelled", {"requestId": 1}, id=None)
        assert (
            await client.post(server.url + "/mcp", json=body, headers=headers)
        ).status_code == 202
        batch, headers = modern("tools/list")
        response = await client.post(server.url + "/mcp", json=[batch], headers=headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600
        assert "id" not in response.json()  # unknown ids are left out, never null


async def test_a_session_id_header_is_ignored_and_none_is_issued():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await post(client, server, "tools/list", **{"mcp-session-id": "made-up"})
        assert response.status_code == 200
        assert "mcp-session-id" not in response.headers


async def test_the_same_security_gate_applies():
    token = "a-long-enough-test-token"
    async with running_server(token=token) as server, httpx.AsyncClient() as client:
        assert (await post(client, server, "tools/list")).status_code == 401
        evil = await post(client, server, "tools/list", origin="http://evil.example")
        assert evil.status_code == 403
        allowed = await post(client, server, "tools/list", authorization=f"Bearer {token}")
        assert allowed.status_code == 200


async def test_a_full_queue_answers_429_with_the_request_id_and_retry_after():
    gate = Gate()
    extensions = Extensions(tools=[gate.tool()])
    async with (
        running_server(extensions, queue_capacity=1, workers=1) as server,
        httpx.AsyncClient() as client,
    ):
        call = {"name": "hold", "arguments": {}}
        first = asyncio.create_task(post(client, server, "tools/call", call, 1))
        await gate.entered.wait()
        # One request runs, one waits (its own client, so the per-owner share is not hit).
        second_body, second_headers = modern("tools/call", call, 2)
        meta = {**META, "io.modelcontextprotocol/clientInfo": {"name": "other", "version": "1"}}
        second_body["params"]["_meta"] = meta
        second = asyncio.create_task(
            client.post(server.url + "/mcp", json=second_body, headers=second_headers)
        )
        await wait_until(lambda: server.app.queue.waiting == 1)
        refused = await post(client, server, "tools/call", call, 3)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert (refused.json()["id"], refused.json()["error"]["code"]) == (3, -32000)
        gate.release.set()
        assert (await first).status_code == (await second).status_code == 200


async def test_closing_the_response_stream_cancels_the_work():
    gate = Gate()
    async with running_server(Extensions(tools=[gate.tool()])) as server:
        async with httpx.AsyncClient() as client:
            task = asyncio.create_task(post(client, server, "tools/call", {"name": "hold"}))
            await gate.entered.wait()
            task.cancel()  # the client gives up: its connection closes
        await asyncio.wait_for(gate.cancelled.wait(), 30)
        await wait_until(lambda: server.app.queue.running == 0)
        [info] = server.app.registry.snapshot()
        assert info.requests_in_flight == 0


async def test_a_missing_client_capability_is_400_with_the_capability_named():
    app = build_application(ServerConfig(port=0, conformance_fixtures=True))
    async with running_server(app=app) as server, httpx.AsyncClient() as client:
        params = {"name": "test_missing_capability", "arguments": {}}
        response = await post(client, server, "tools/call", params, 3)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == -32021
        assert error["data"] == {"requiredCapabilities": {"sampling": {}}}


async def test_input_is_asked_for_with_a_sealed_state_that_cannot_be_tampered_with():
    app = build_application(ServerConfig(port=0, conformance_fixtures=True))
    async with running_server(app=app) as server, httpx.AsyncClient() as client:
        params = {
            "name": "test_input_required_result_request_state",
            "arguments": {},
            "_meta": ELICITING,
        }
        first = (await post(client, server, "tools/call", params)).json()["result"]
        assert first["resultType"] == "input_required"
        assert first["inputRequests"]["confirm"]["method"] == "elicitation/create"
        answer = {"confirm": {"action": "accept", "content": {"ok": True}}}
        tampered = {**params, "inputResponses": answer, "requestState": first["requestState"] + "x"}
        refused = await post(client, server, "tools/call", tampered)
        assert (refused.status_code, refused.json()["error"]["code"]) == (400, -32602)
        honest = {**params, "inputResponses": answer, "requestState": first["requestState"]}
        done = (await post(client, server, "tools/call", honest)).json()["result"]
        assert done["content"][0]["text"].startswith("state-ok")


async def test_a_request_state_from_another_tool_is_refused():
    app = build_application(ServerConfig(port=0, conformance_fixtures=True))
    async with running_server(app=app) as server, httpx.AsyncClient() as client:
        asked = {
            "name": "test_input_required_result_request_state",
            "arguments": {},
            "_meta": ELICITING,
        }
        state = (await post(client, server, "tools/call", asked)).json()["result"]["requestState"]
        other = {
            "name": "test_input_required_result_tampered_state",
            "arguments": {},
            "_meta": ELICITING,
        }
        reused = await post(client, server, "tools/call", {**other, "requestState": state})
        assert reused.json()["error"]["code"] == -32602
        assert "another request" in reused.json()["error"]["message"]


async def test_a_missing_resource_is_invalid_params_naming_the_uri():
    app = build_application(ServerConfig(port=0, conformance_fixtures=True))
    async with running_server(app=app) as server, httpx.AsyncClient() as client:
        response = await post(client, server, "resources/read", {"uri": "test://nothing"})
        error = response.json()["error"]
        assert (response.status_code, error["code"]) == (400, -32602)
        assert error["data"] == {"uri": "test://nothing"}
