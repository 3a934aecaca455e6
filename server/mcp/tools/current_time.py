"""`current_time`: the local time, so a model can resolve "today" or "last week"."""

from __future__ import annotations

from datetime import datetime

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


async def current_time(_context: ToolContext, _arguments: NoArguments) -> ToolResult:
    now = datetime.now().astimezone().replace(microsecond=0)
    stamp = now.isoformat()
    result = CurrentTime(
        time=stamp,
        timezone=now.tzname() or "",
        utc_offset=stamp[-6:],
        weekday=now.strftime("%A"),
        unix=int(now.timestamp()),
    )
    # The text stays the bare RFC 3339 stamp that chatlog's users' prompts expect.
    return ToolResult.text(stamp, structured=result.model_dump())


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
