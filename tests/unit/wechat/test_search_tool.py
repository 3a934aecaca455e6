"""The `search_messages` tool: hits newest first, named, with snippets; the same with an index."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from server.mcp.tools.base import ToolResult
from server.mcp.tools.search import search_tools, snippet, word_pattern
from server.wechat.search.service import SearchSettings
from server.wechat.store import ChatStore, open_store
from tests.unit.wechat.test_chat_tools import NullContext


async def search(store: ChatStore, **arguments: Any) -> dict[str, Any]:
    tool = search_tools(store)[0]
    output = await tool.handler(NullContext(), tool.arguments.model_validate(arguments))
    assert isinstance(output, ToolResult) and output.structured is not None
    return output.structured


@pytest.mark.asyncio
async def test_hits_are_newest_first_with_names_and_snippets(store: ChatStore) -> None:
    found = await search(store, query="火锅", limit=5)
    hits = found["hits"]
    assert found["total"] > 5 and found["next_offset"] == 5 and len(hits) == 5
    assert [h["time"] for h in hits] == sorted((h["time"] for h in hits), reverse=True)
    for hit in hits:
        assert "火锅" in hit["snippet"] and hit["chat_name"] and hit["sender_name"]
        assert hit["chat_name"] != hit["talker"]  # one-to-one chats are named too
    second = await search(store, query="火锅", limit=5, offset=5)
    assert second["hits"][0]["time"] <= hits[-1]["time"]


@pytest.mark.asyncio
async def test_case_is_ignored_and_results_match_the_index(
    store: ChatStore, data_dir: Path, tmp_path: Path
) -> None:
    indexed = open_store(data_dir, search=SearchSettings(directory=tmp_path))
    try:
        for _ in range(400):
            if indexed.status()["search"]["state"] == "ready":
                break
            await asyncio.sleep(0.05)
        for query in ("DEADLINE", "deadline", "py", "line", "火", "周末", "a.b", "[链接", "吃 py"):
            for order in ("asc", "desc"):
                slow = await search(store, query=query, limit=50, order=order)
                fast = await search(indexed, query=query, limit=50, order=order)
                assert fast == slow, query
        lower = await search(store, query="deadline", limit=100)
        upper = await search(store, query="DeadLine", limit=100)
        assert lower == {**upper, "query": "deadline"} and lower["total"] > 0
    finally:
        await indexed.close()


def test_a_snippet_is_cut_around_the_match() -> None:
    text = "x" * 100 + "火锅" + "y" * 100
    assert snippet(text, "火锅", 5) == "…xxxxx火锅yyyyy…"
    assert snippet("短", "火锅") == "短"


def test_latin_words_match_whole_or_by_their_beginning_and_chinese_anywhere() -> None:
    import re2

    def finds(query: str, text: str) -> bool:
        return re2.search(word_pattern(query), text) is not None

    assert finds("line", "Deadline? No: the LINE is busy") and finds("line", "lineup")
    assert not finds("line", "deadline") and not finds("py", "happy")
    assert finds("py", "学python") and finds("3.5", "v3.5") is False
    assert finds("火锅", "吃火锅吧") and finds("a+b", "x a+b")
    assert snippet("happy python", "py", 3) == "…py pytho…"  # around the word, not "happy"


@pytest.mark.asyncio
async def test_a_latin_query_does_not_find_it_inside_other_words(store: ChatStore) -> None:
    inside = await search(store, query="line", limit=100)
    assert all(
        re.search(r"\bline", hit["snippet"], re.IGNORECASE | re.ASCII) for hit in inside["hits"]
    )
    everything = await store.messages(keyword="(?i)line", limit=0)
    assert inside["total"] < everything.total, "the demo data has 'deadline' too"
