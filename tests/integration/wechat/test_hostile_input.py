"""Every hostile value for every parameter of every tool and API route, on a real server.

Never an internal error (-32603, 5xx), never an HTML page, and a bad value gets a message that
names the parameter. The values are in tests/hostile_inputs.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.demo import generate
from server.config import ServerConfig
from server.wechat.model import Layout
from server.wechat.store import ChatStore
from tests.hostile_inputs import (
    ALL_VALUES,
    CATASTROPHIC_REGEXES,
    RAW_QUERY_VALUES,
    ROUTES,
    TOOLS,
    as_query_value,
)
from tests.support import rpc, serving_whole_app, streamable_session

pytestmark = pytest.mark.asyncio

API_LONGEST = 4000  # longer query strings are the HTTP layer's business (431), not ours


def serving(store: ChatStore | None = None) -> AbstractAsyncContextManager[str]:
    """The whole application on the demo data (or on `store`), as headless mode builds it
    with --open-access (these tests are about the values sent, not who sends them)."""
    return serving_whole_app(ServerConfig(port=0, open_access=True), store)


async def call_tool(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], name: str, arguments: Any
) -> dict[str, Any]:
    # ASCII JSON: lone surrogates travel as "\\ud800" escapes, as a sloppy client sends them.
    body = json.dumps(rpc("tools/call", {"name": name, "arguments": arguments}))
    sent = {**headers, "content-type": "application/json"}
    response = await client.post(url + "/mcp", content=body, headers=sent)
    assert response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = response.json()
    return answer


def problems_of_tool_answer(answer: dict[str, Any], parameter: str) -> str | None:
    if "error" in answer:
        code = answer["error"]["code"]
        # -32700: the server's JSON parser refuses lone surrogates ("\\ud800") outright.
        return (
            None
            if code in (-32602, -32700)
            else f"JSON-RPC error {code}: {answer['error']['message']}"
        )
    result = answer["result"]
    if result.get("isError"):
        text = result["content"][0]["text"]
        return None if parameter in text else f"error that does not name {parameter}: {text}"
    return None


@pytest.mark.parametrize("tool", sorted(TOOLS))
async def test_every_hostile_argument_gets_a_result_or_an_error_naming_it(tool: str) -> None:
    failures = []
    async with serving() as url, httpx.AsyncClient(timeout=30) as client:
        _, headers = await streamable_session(client, url)
        for parameter in TOOLS[tool]:
            for value in ALL_VALUES:
                answer = await call_tool(client, url, headers, tool, {parameter: value})
                problem = problems_of_tool_answer(answer, parameter)
                if problem:
                    failures.append(f"{parameter}={str(value)[:40]!r}: {problem[:200]}")
    assert not failures, "\n".join(failures)


def problems_of_api_answer(response: httpx.Response, parameter: str) -> str | None:
    kind = response.headers.get("content-type", "")
    if response.status_code >= 500 or "html" in kind:
        return f"{response.status_code} {kind}: {response.text[:200]}"
    if response.status_code == 400:
        message = response.json()["error"]["message"]
        return None if parameter in message else f"400 that does not name {parameter}: {message}"
    return None if response.status_code == 200 else f"unexpected {response.status_code}"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_every_hostile_parameter_gets_an_answer_or_a_json_400_naming_it(route: str) -> None:
    failures = []
    async with serving() as url, httpx.AsyncClient(timeout=30) as client:
        for parameter in ROUTES[route]:
            values = [as_query_value(value) for value in ALL_VALUES]
            # Lone surrogates cannot be percent-encoded: RAW_QUERY_VALUES has their bytes.
            for value in [v for v in values if len(v) <= API_LONGEST and _encodable(v)]:
                params = {"limit": "1", parameter: value}  # a page of one: the check is cheap
                response = await client.get(url + route, params=params)
                problem = problems_of_api_answer(response, parameter)
                if problem:
                    failures.append(f"{parameter}={value[:40]!r}: {problem}")
            for raw in RAW_QUERY_VALUES:  # percent-escapes that are not UTF-8
                response = await client.get(f"{url}{route}?limit=1&{parameter}={raw}")
                problem = problems_of_api_answer(response, parameter)
                if problem:
                    failures.append(f"{parameter}={raw} (raw): {problem}")
    assert not failures, "\n".join(failures)


async def test_tool_arguments_that_are_not_an_object_are_invalid_params() -> None:
    async with serving() as url, httpx.AsyncClient(timeout=10) as client:
        _, headers = await streamable_session(client, url)
        for arguments in ["text", 5, [1], True]:
            answer = await call_tool(client, url, headers, "query_chat_log", arguments)
            assert answer["error"]["code"] == -32602


# Seconds /health may take while hostile work runs: it normally answers within 0.15 s, as the
# work runs on worker threads; on the loop, a regex bomb would hold it up for ever.
HEALTH_WITHIN = 5.0


async def health_latencies_while(url: str, work: asyncio.Future[Any]) -> list[float]:
    """Poll /health until `work` is done; the seconds each answer took."""
    latencies = []
    async with httpx.AsyncClient(timeout=30) as client:
        while not work.done():
            started = time.monotonic()
            response = await client.get(url + "/health")
            assert response.status_code == 200
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.02)
    return latencies


@pytest.mark.parametrize("bomb", CATASTROPHIC_REGEXES[:4])
async def test_a_regex_bomb_answers_at_once_and_health_keeps_answering(bomb: str) -> None:
    async with serving() as url, httpx.AsyncClient(timeout=30) as client:
        _, headers = await streamable_session(client, url)
        tool = asyncio.ensure_future(
            call_tool(client, url, headers, "query_chat_log", {"keyword": bomb, "limit": 0})
        )
        api = asyncio.ensure_future(client.get(url + "/api/v1/chatlog", params={"keyword": bomb}))
        both = asyncio.gather(tool, api)
        latencies = await health_latencies_while(url, both)
        answer, response = await asyncio.wait_for(both, 30)
    assert "result" in answer and not answer["result"].get("isError")
    assert response.status_code == 200
    assert max(latencies) < HEALTH_WITHIN


@pytest.fixture(scope="module")
def big_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-big")
    generate(root, Layout.V4, messages=80_000)
    return root


async def test_a_query_over_its_time_budget_ends_with_a_clear_error_while_health_answers(
    big_store_dir: Path,
) -> None:
    store = ChatStore(big_store_dir, time_budget=0.3)
    try:
        async with serving(store) as url, httpx.AsyncClient(timeout=30) as client:
            _, headers = await streamable_session(client, url)
            arguments = {"keyword": "(.*.*)*(@)", "limit": 0}
            tool = asyncio.ensure_future(
                call_tool(client, url, headers, "query_chat_log", arguments)
            )
            api = asyncio.ensure_future(client.get(url + "/api/v1/chatlog", params=arguments))
            both = asyncio.gather(tool, api)
            latencies = await health_latencies_while(url, both)
            answer, response = await asyncio.wait_for(both, 30)
    finally:
        await store.close()
    assert answer["result"]["isError"]
    assert "more than 0.3 s" in answer["result"]["content"][0]["text"]
    assert response.status_code == 400
    assert json.loads(response.text)["error"]["code"] == "query_timeout"
    assert latencies and max(latencies) < HEALTH_WITHIN
