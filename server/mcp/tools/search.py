"""`search_messages`: find messages by their text across every chat, newest first.

A case-insensitive literal search (not a regex) that the full-text index answers once it is
built (server/wechat/search/); until then, or with `--no-search-index`, the same query scans.
Each hit names its chat, its sender and its time and shows a short snippet around the match.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from server.mcp.tools.base import Tool, ToolContext, ToolError, ToolResult
from server.mcp.tools.chat import (
    NO_MESSAGES,
    Count,
    Pagination,
    Text,
    _framed,
    _guarded,
    _limit,
    _pagination,
    _valid_text,
)
from server.wechat.errors import QueryError
from server.wechat.model import Message
from server.wechat.query import MessageQuery, split_names
from server.wechat.render import SELF_NAME, body_text
from server.wechat.search.literals import escape
from server.wechat.store import ChatStore
from server.wechat.timerange import ALL_TIME, parse_time_range

SNIPPET_CONTEXT = 30  # characters shown on each side of the match
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


class SearchArguments(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    query: Annotated[str, AfterValidator(lambda v, info: _valid_text(v, info))] = Field(
        min_length=1,
        description="Text to find, as typed (not a regex); case is ignored. Chinese of any "
        "length anywhere in a message; Latin words whole or by their beginning ('line' finds "
        "'lineup', not 'deadline').",
    )
    talker: Text = Field(None, description="Only these chats (id or name; comma-separated).")
    sender: Text = Field(None, description="Only from these senders (id or name; '我' = me).")
    time: Text = Field(None, description="Time range as in query_chat_log (default: all).")
    limit: Count = Field(None, description=f"Hits per page (default {DEFAULT_LIMIT}).")
    offset: Count = Field(None, description="Hits to skip, from the previous page's hint.")
    order: Literal["asc", "desc"] = Field("desc", description="desc: newest first (default).")


class SearchHit(BaseModel):
    time: str
    talker: str
    chat_name: str
    sender: str
    sender_name: str
    is_self: bool
    snippet: str


class SearchHits(Pagination):
    query: str
    hits: list[SearchHit]


def word_pattern(query: str) -> str:
    """`query` as the RE2 regex search_messages matches: case ignored, and each Latin word
    (a run of ASCII letters and digits) must start a word of the text, so "line" finds
    "Line 5" and "lineup" but not "deadline". Other scripts match anywhere: Chinese has no
    spaces between its words."""
    parts = ["(?i)"]
    previous = ""
    for char in query:
        if _is_latin(char) and not _is_latin(previous):
            parts.append(r"\b")  # RE2's \b is the ASCII word boundary
        parts.append(escape(char))
        previous = char
    return "".join(parts)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def snippet(text: str, query: str, context: int = SNIPPET_CONTEXT) -> str:
    """A short piece of `text` around the first match of `query` (as `word_pattern`)."""
    text = " ".join(text.split())
    # Python's \b is the ASCII one too under re.ASCII, as in RE2.
    match = re.search(word_pattern(query)[4:], text, re.IGNORECASE | re.ASCII)
    found = match.start() if match else -1
    start = max(0, found - context) if found >= 0 else 0
    end = (found if found >= 0 else 0) + len(query) + context
    piece = text[start:end]
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def _hit(message: Message, query: str) -> SearchHit:
    sender_name = SELF_NAME if message.is_self else (message.sender_name or message.sender)
    return SearchHit(
        time=message.time.isoformat(),
        talker=message.talker,
        chat_name=message.talker_name or message.talker,
        sender=message.sender,
        sender_name=sender_name,
        is_self=message.is_self,
        snippet=snippet(body_text(message), query),
    )


def search_tools(store: ChatStore) -> list[Tool]:
    async def search(_context: ToolContext, args: SearchArguments) -> ToolResult:
        try:
            time_range = parse_time_range(args.time) if args.time else ALL_TIME
        except QueryError as error:
            raise ToolError(str(error)) from error
        query = MessageQuery(
            time=time_range,
            talkers=split_names(args.talker),
            senders=split_names(args.sender),
            keyword=word_pattern(args.query),  # the index narrows by its longest literal
            limit=_limit(args.limit, DEFAULT_LIMIT, MAX_LIMIT),
            offset=args.offset or 0,
            order=args.order,
        )
        page = await _guarded(lambda: store.messages(query))
        hits = [_hit(message, args.query) for message in page.items]
        output = SearchHits(
            **_pagination(store, page, len(hits)),  # type: ignore[arg-type]
            query=args.query,
            hits=hits,
        )
        lines = [
            f"{hit.time[:19].replace('T', ' ')} [{hit.chat_name}] {hit.sender_name}: {hit.snippet}"
            for hit in hits
        ]
        body = "\n".join(lines) + "\n" if lines else NO_MESSAGES
        text = _framed(
            store, f"{page.total} messages match.\n" + body, page.total, output.next_offset
        )
        return ToolResult.text(text, structured=output.model_dump(mode="json"))

    return [
        Tool(
            name="search_messages",
            title="Search WeChat messages",
            description=SEARCH_DESCRIPTION,
            arguments=SearchArguments,
            output=SearchHits,
            handler=search,
        )
    ]


SEARCH_DESCRIPTION = (
    "Full-text search of the user's WeChat messages across all chats (or the given ones), "
    "newest first: each hit has its chat's name, the sender, the time and a snippet around "
    "the match, plus the total and the next page's offset. `query` is plain text (case "
    "ignored, Chinese of any length, Latin words or prefixes). Use query_chat_log with the "
    "hit's chat and time to read the conversation around it."
)
