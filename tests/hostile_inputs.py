"""Hostile argument values, shared by the hostile-input tests and bench/fuzz.py.

Each is something a careless model, a buggy client or an attacker may send: nulls, wrong
types, numbers beyond every range, times beyond the calendar, regular expressions that
backtrack forever, deep nesting, huge and broken strings.
"""

from __future__ import annotations

from typing import Any

CATASTROPHIC_REGEXES = [
    "(.*.*)*(@)",
    "(a+)+$",
    "(a|a)*b",
    "(x+x+)+y",
    "(.*){1,1000}(.*){1,1000}@",
    "a{4294967296}",
    "(" * 5000 + "a" + ")" * 5000,
]
REFUSED_REGEXES = ["(?<=a)b", "(?<!a)b", "a(?=b)", "a(?!b)", r"(a)\1", "(?P<x>a)(?P=x)", "a++"]
INVALID_REGEXES = ["(", "[a", "a)", "*a", "a{1001}", "(" * 5000, "\\"]
EXTREME_TIMES = [
    "last-99999999999y",
    "99999999999y-ago",
    "9999999999999999h-ago",
    "9999-12-31T23:59:59Z",
    "0000-01-01",
    "1969-12-31~1970-01-01",
    "99999999999999999999",
    "-1",
    "2024-02-30",
    "2024-13",
    "now~",
    "~",
]
NUMBERS: list[Any] = [
    -1,
    -(2**63),
    2**31,
    2**63,
    2**64,
    10**30,
    10**4000,
    0.5,
    1e308,
    -0.0,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "0x10",
    "10",
    " 10 ",
    "",
]
STRINGS: list[Any] = [
    "",
    " ",
    "x" * 1_000_000,
    "\x00",
    "\x00\x01\x1b[31m\x7f",
    "a\ud800b",
    "\udfff",
    "😀" * 1000,
    "%ff%fe",
    "'; DROP TABLE contact; --",
    "../../../../etc/passwd",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    ",,,,",
    "我,me,self",
]
TYPES: list[Any] = [None, True, False, [], {}, [1, 2], {"a": 1}, 0]

ALL_VALUES: list[Any] = [
    *TYPES,
    *NUMBERS,
    *STRINGS,
    *EXTREME_TIMES,
    *CATASTROPHIC_REGEXES,
    *REFUSED_REGEXES,
    *INVALID_REGEXES,
]


def as_query_value(value: Any) -> str:
    """How a value reaches the HTTP API: query strings carry text only."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return str(value)
    return value if isinstance(value, str) else repr(value)


# Raw query strings whose percent-escapes are not UTF-8 (a client sending Latin-1 or garbage).
RAW_QUERY_VALUES = ["%ff%fe", "%c3%28", "%ed%a0%80", "%00", "%e4%bd", "%", "%zz", "a%2"]

# Every tool and API route with the parameters each accepts.
TOOLS = {
    "query_recent_chat": ["keyword", "limit", "offset"],
    "query_contact": ["keyword", "limit", "offset"],
    "query_chat_room": ["keyword", "limit", "offset"],
    "query_chat_log": ["time", "talker", "sender", "keyword", "limit", "offset"],
    "current_time": ["anything"],
}
ROUTES = {
    "/api/v1/session": ["keyword", "limit", "offset", "format"],
    "/api/v1/contact": ["keyword", "limit", "offset", "format"],
    "/api/v1/chatroom": ["keyword", "limit", "offset", "format"],
    "/api/v1/chatlog": ["time", "talker", "sender", "keyword", "limit", "offset", "format"],
}
