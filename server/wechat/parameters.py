"""The rules every query parameter follows, over MCP and over the HTTP API alike.

- An optional parameter given as null (JSON) or as an empty, `null` or `undefined` value (a
  query string written by a script) is simply not given.
- Counts (`limit`, `offset`) are whole numbers up to `MAX_COUNT`; anything larger could not
  be bound in SQL and never means anything useful.
- Text must be valid Unicode: an unpaired surrogate (`"\\ud800"` in JSON) cannot be encoded
  for SQLite or RE2.

Each failure raises `BadParameterError` naming the parameter, which the tools turn into an
`isError` result and the API into a 400.
"""

from __future__ import annotations

from server.wechat.errors import QueryError, shown

MAX_COUNT = 1_000_000_000
_UNSET_WORDS = frozenset({"", "null", "undefined", "none"})


class BadParameterError(QueryError):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Invalid `{name}`: {problem}")
        self.name = name


def is_unset(raw: str | None) -> bool:
    """Whether a query-string value stands for "not given"."""
    return raw is None or raw.strip().lower() in _UNSET_WORDS


def parse_count(name: str, raw: str | None) -> int | None:
    """A count from a query string: None when not given; negative counts are 0 (chatlog)."""
    if is_unset(raw):
        return None
    assert raw is not None
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadParameterError(name, f"must be a whole number, got {shown(raw)}") from None
    return check_count(name, max(0, value))


def check_count(name: str, value: int) -> int:
    if value > MAX_COUNT:
        raise BadParameterError(name, f"must be at most {MAX_COUNT}, got {shown(str(value))}")
    return value


def check_text(name: str, value: str) -> str:
    """`value`, unless it holds an unpaired surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadParameterError(name, "holds invalid Unicode (an unpaired surrogate)") from None
    return value
