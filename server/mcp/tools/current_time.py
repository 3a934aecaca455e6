"""`current_time`: the local time, so a model can resolve "today" or "last week"."""

from __future__ import annotations

import time

from pydantic import BaseModel, ConfigDict, Field

from server.mcp.tools.base import Tool, ToolContext, ToolResult


class NoArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CurrentTime(BaseModel):
    time: str = Field(description="Local time, RFC 3339 with UTC offset.")
    timezone: str = Field(description="Local time zone name or abbreviation.")
    utc_offset: str = Field(description="Offset from UTC, e.g. +08:00.")
    weekday: str = Field(description="Day of the week in English.")
    unix: int = Field(description="Seconds since 1970-01-01T00:00:00Z.")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def rfc3339_offset(seconds_east: int) -> str:
    sign = "+" if seconds_east >= 0 else "-"
    hours, minutes = divmod(abs(seconds_east) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


async def current_time(_context: ToolContext, _arguments: NoArguments) -> ToolResult:
    unix = int(time.time())
    local = time.localtime(unix)
    offset = rfc3339_offset(local.tm_gmtoff)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", local) + offset
    # Built as a plain dict (the shape of CurrentTime, which only declares the schema):
    # this tool is called often and validating our own output would double its cost.
    structured = {
        "time": stamp,
        "timezone": local.tm_zone,
        "utc_offset": offset,
        "weekday": WEEKDAYS[local.tm_wday],
        "unix": unix,
    }
    # The RFC 3339 stamp first, as chatlog's users' prompts expect, then what the description
    # promises a model that reads only the text: the weekday and the zone.
    text = f"{stamp} ({structured['weekday']}, {local.tm_zone})"
    return ToolResult.text(text, structured=structured)


CURRENT_TIME = Tool(
    name="current_time",
    title="Current time",
    description=(
        "Get the current local date and time (RFC 3339 with UTC offset, e.g. "
        "2025-04-18T21:29:00+08:00) and the day of the week. Call this first whenever the "
        "user speaks of relative times such as today (今天), yesterday (昨天), this week (本周) "
        "or last month (上个月), then build an absolute time range from it."
    ),
    arguments=NoArguments,
    output=CurrentTime,
    handler=current_time,
)
