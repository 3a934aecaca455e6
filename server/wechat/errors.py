"""Errors of the WeChat data layer, each with a message fit to show a user.

    DataSourceError
     ├── DataDirNotFoundError      the configured directory does not exist
     ├── UnknownLayoutError        no known WeChat database layout inside it
     ├── DatabaseUnreadableError   a database is corrupt, encrypted or not SQLite at all
     ├── DatabaseLockedError       a database stayed locked by another program
     └── StoreClosedError          the store was used after `close()`
    QueryError
     ├── InvalidTimeRangeError     a time expression that the time language cannot read
     ├── InvalidKeywordError       a keyword that is not a valid regular expression
     │    └── UnsupportedKeywordError  a regex feature RE2 refuses (backreference, lookaround)
     └── QueryTimeoutError         the query ran over its time budget and was stopped
    QueryCancelledError            the caller went away; nobody reads this error

`DataSourceError` means the environment is at fault (the caller reports it and keeps serving);
`QueryError` means the caller's arguments are at fault (HTTP 400, tool `isError`).
"""

from __future__ import annotations

from pathlib import Path


class DataSourceError(Exception):
    """The WeChat data could not be read; `str(error)` is a user-facing explanation."""


class DataDirNotFoundError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"WeChat data directory not found: {path}")
        self.path = path


class UnknownLayoutError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No WeChat databases found in {path}. Choose the decrypted account folder "
            "(WeChat 3.x: the folder holding Msg/MicroMsg.db; WeChat 4.x: the folder holding "
            "db_storage/; Mac WeChat 3.x: the folder holding Message/msg_0.db)."
        )
        self.path = path


class DatabaseUnreadableError(DataSourceError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot read {path.name}: {reason}. Is the file decrypted and complete?")
        self.path = path


class DatabaseCorruptError(DataSourceError):
    """SQLite found damage while reading (the file's header was fine when it was opened)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"A WeChat database could not be read: {reason}. The file may be damaged or "
            "still being written; try again, or decrypt or copy it again."
        )


class DatabaseLockedError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name} is locked by another program; try again in a moment.")
        self.path = path


class StoreClosedError(DataSourceError):
    def __init__(self) -> None:
        super().__init__("The chat store has been closed.")


class QueryError(ValueError):
    """The query's arguments are invalid; `str(error)` says which and why."""


def shown(text: str, limit: int = 80) -> str:
    """`text` quoted for an error message, cut short: a hostile value may be megabytes."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} chars)"


class InvalidTimeRangeError(QueryError):
    def __init__(self, text: str, reason: str = "") -> None:
        super().__init__(
            f"Invalid time range {shown(text)} for `time`{reason}. Examples: 2024-05-01, "
            "2024-05, 2024, 2024Q2, 2024-05-01/09:30~2024-05-01/18:00, 2024-05-01~2024-05-31, "
            "today, yesterday, this-week, last-month, last-7d, 3h-ago~now, all."
        )
        self.text = text


class InvalidKeywordError(QueryError):
    def __init__(self, keyword: str, reason: str) -> None:
        super().__init__(f"Invalid `keyword` regular expression {shown(keyword)}: {reason}")
        self.keyword = keyword


class UnsupportedKeywordError(InvalidKeywordError):
    def __init__(self, keyword: str, feature: str) -> None:
        super().__init__(
            keyword,
            f"unsupported regex feature: {feature}. Keywords are RE2 regular expressions, "
            "which always match in linear time; backreferences, lookahead, lookbehind, atomic "
            "groups and possessive quantifiers are not available",
        )
        self.feature = feature


class QueryTimeoutError(QueryError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The query ran for more than {seconds:g} s and was stopped. Narrow it: a shorter "
            "`time` range, a `talker`, or a more specific `keyword`."
        )
        self.seconds = seconds


class QueryCancelledError(Exception):
    """The query was called off (client cancelled, disconnected, or the server is stopping)."""
