"""Which literal text of a keyword (an RE2 regex) the index can look for."""

from __future__ import annotations

from server.wechat.query import REGEX_SPECIALS, required_literal

_CASELESS_PREFIX = "(?i)"


def is_plain(keyword: str) -> bool:
    """A keyword without regex syntax: it matches exactly the texts that contain it."""
    return not REGEX_SPECIALS.intersection(keyword)


def index_literal(keyword: str) -> str | None:
    """Text every match of `keyword` contains, ignoring case (the index ignores case).

    A leading `(?i)` (how `search_messages` asks for a case-insensitive match) only changes
    case, so the literal of the rest still narrows.
    """
    if is_plain(keyword):
        return keyword or None
    if keyword.startswith(_CASELESS_PREFIX):
        keyword = keyword[len(_CASELESS_PREFIX) :]
    return required_literal(keyword)


def escape(text: str) -> str:
    """`text` as an RE2 regex matching it literally (every special escaped)."""
    return "".join("\\" + ch if ch in REGEX_SPECIALS else ch for ch in text)
