"""Server-sent events from an httpx response: the data of each `message` event, in order.

Comment lines (the server's pings) and other event types are skipped; a multi-line `data`
field is joined with newlines, as the SSE format says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


async def message_data(response: httpx.Response) -> AsyncIterator[str]:
    event, data = "message", list[str]()
    async for line in response.aiter_lines():
        if not line:
            if data and event == "message":
                yield "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data and event == "message":
        yield "\n".join(data)
