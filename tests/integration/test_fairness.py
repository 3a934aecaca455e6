"""One client flooding the shared queue must not starve the others."""

import asyncio

import httpx
import pytest

from server.app import Extensions
from server.mcp.tools import Tool
from server.mcp.tools.current_time import NoArguments
from tests.support import Gate, rpc, running_server, sse_session, wait_until

pytestmark = pytest.mark.asyncio


def recording_tool(order: list[str]) -> Tool:
    async def note(context, _arguments: NoArguments) -> str:
        order.append(context.client.id)
        return "noted"

    return Tool(name="note", description="Records who called.", arguments=NoArguments, handler=note)


async def test_a_flooding_session_is_capped_and_the_others_are_served_in_turn():
    gate, order = Gate(), []
    extensions = Extensions(tools=[gate.tool(), recording_tool(order)])
    async with (
        running_server(extensions, queue_capacity=4, workers=1) as server,
        httpx.AsyncClient() as client,
        sse_session(client, server.url, initialized=True) as (flood, _flood_stream),
        sse_session(client, server.url, initialized=True) as (polite, _polite_stream),
    ):
        await client.post(flood, json=rpc("tools/call", {"name": "hold"}, id=1))
        await asyncio.wait_for(gate.entered.wait(), 30)
        statuses = [
            (
                await client.post(flood, json=rpc("tools/call", {"name": "note"}, id=10 + i))
            ).status_code
            for i in range(4)
        ]
        assert statuses == [202, 202, 429, 429]  # at most half of the queue
        polite_status = (
            await client.post(polite, json=rpc("tools/call", {"name": "note"}, id=20))
        ).status_code
        assert polite_status == 202
        gate.release.set()
        await wait_until(lambda: len(order) == 3)
        flood_id, polite_id = (endpoint.rsplit("=", 1)[1] for endpoint in (flood, polite))
        assert order == [flood_id, polite_id, flood_id]  # round robin, not first come
