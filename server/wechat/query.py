"""Queries over one data directory, run synchronously on a worker thread.

This is the layer between the readers (rows of one layout) and the async store: it keeps the
contact directory fresh, resolves names to user names, touches only the shards a time range
needs, filters by sender and keyword, fills in display names and paginates.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from server.wechat import budget
from server.wechat import content as kind
from server.wechat.directory import Directory
from server.wechat.errors import DatabaseCorruptError, DatabaseLockedError, DataSourceError
from server.wechat.files import Signature, file_signature
from server.wechat.keyword import KeywordPattern, compile_keyword
from server.wechat.model import ChatRoom, Contact, Message, Session
from server.wechat.readers import Reader, Row, RowQuery, Shard
from server.wechat.readers.base import time_order
from server.wechat.render import CONSTANT_BODY_TEXT, RENDERED_VOCABULARY, body_text
from server.wechat.search.index import Filters as IndexFilters
from server.wechat.timerange import ALL_TIME, TimeRange
from server.wechat.unreadable import SkippedShard, UnreadableFiles

# Characters rendering uses around labels ([图片], [链接|...](...)) are all regex specials, so a
# literal that holds none of them cannot straddle a label (see `_survives_rendering`).
_REGEX_SPECIALS = frozenset(".^$*+?{}[]\\|()")
REGEX_SPECIALS = _REGEX_SPECIALS
_SELF_WORDS = frozenset({"我", "me", "self"})


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """What to fetch; empty `talkers` means every chat, `limit` 0 means no limit;
    `order` "desc" pages from the newest message."""

    time: TimeRange = ALL_TIME
    talkers: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    keyword: str = ""
    limit: int = 100
    offset: int = 0
    order: Literal["asc", "desc"] = "asc"


class MessageIndex(Protocol):
    """A full-text index that may answer a keyword query (server/wechat/search/)."""

    def find(
        self,
        reader: Reader,
        known: list[str],
        pattern: KeywordPattern,
        filters: IndexFilters,
        descending: bool,
        limit: int,
        offset: int,
    ) -> tuple[list[Row], int] | None:
        """The page's rows and the total, or None when only the scan can answer."""
        ...


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of results and how many match in all."""

    items: list[T]
    total: int
    offset: int
    limit: int
    talkers: tuple[str, ...] = field(default=())
    # Message databases left out because they could not be read (docs/isolation.md).
    skipped: tuple[SkippedShard, ...] = field(default=())

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.offset - len(self.items))


def split_names(text: str | None) -> tuple[str, ...]:
    """`"a, b,,a"` -> ("a", "b"): trimmed, empties dropped, first occurrence kept."""
    if not text:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _page[T](items: list[T], offset: int, limit: int) -> list[T]:
    return items[offset : offset + limit] if limit > 0 else items[offset:]


class ChatQueries:
    """Every query the store offers, blocking; safe to call from several threads."""

    def __init__(self, reader: Reader, unreadable: UnreadableFiles | None = None) -> None:
        self._reader = reader
        self._unreadable = unreadable if unreadable is not None else UnreadableFiles()
        self._lock = threading.Lock()
        self._directory: tuple[Signature, Directory] | None = None
        self.index: MessageIndex | None = None  # set by the store once an index exists

    @property
    def reader(self) -> Reader:
        return self._reader

    def directory(self) -> Directory:
        """The contact directory, re-read whenever the contact database changes."""
        signature = self._reader.directory_signature()
        with self._lock:
            if self._directory is not None and self._directory[0] == signature:
                return self._directory[1]
        directory = Directory.build(self._reader.contacts(), self._reader.chat_rooms())
        with self._lock:
            self._directory = (signature, directory)
        return directory

    def sessions(self, keyword: str, limit: int, offset: int) -> Page[Session]:
        """Newest first; SQL pages, names are resolved for the returned page only."""
        directory = self.directory()
        offset = max(0, offset)
        if not keyword:
            total = self._reader.session_count()
            found = self._reader.sessions(limit if limit > 0 else -1, offset)
        else:
            # The keyword matches the chat's id or (case-folded) a part of the name shown,
            # which may come from the contact directory: filter on the two cheap columns,
            # then read the page's rows.
            folded = keyword.casefold()
            users = [
                user
                for user, nick in self._reader.session_keys()
                if user == keyword or folded in (directory.talker_name(user) or nick).casefold()
            ]
            total = len(users)
            chosen = _page(users, offset, limit)
            found = self._reader.sessions(users=chosen) if chosen else []
        items = [
            Session(
                s.user_name,
                s.order,
                directory.talker_name(s.user_name) or s.nick_name,
                s.content,
                s.time,
            )
            for s in found
        ]
        return Page(items, total, offset, limit)

    def contacts(self, keyword: str, limit: int, offset: int) -> Page[Contact]:
        directory = self.directory()
        found = directory.search_contacts(keyword) if keyword else list(directory.contacts.values())
        return Page(_page(found, offset, limit), len(found), offset, limit)

    def chat_rooms(self, keyword: str, limit: int, offset: int) -> Page[ChatRoom]:
        directory = self.directory()
        found = directory.search_rooms(keyword) if keyword else list(directory.rooms.values())
        return Page(_page(found, offset, limit), len(found), offset, limit)

    def messages(self, query: MessageQuery) -> Page[Message]:
        """Messages in time order (oldest first) matching every given filter.

        Rows are filtered before they become `Message`s: plain text and media with a fixed
        label are judged on the stored text, other types are decoded once; only the page is
        built and named. Totals stay exact.

        Raises:
            InvalidKeywordError: the keyword is not a valid (RE2) regular expression.
            DataSourceError: a database could not be read.
        """
        pattern = compile_keyword(query.keyword)
        directory = self.directory()
        talkers = tuple(dict.fromkeys(directory.resolve_talker(t) for t in query.talkers))
        senders = (
            directory.resolve_senders(query.senders, talkers) if query.senders else frozenset()
        )
        wants_self = bool(_SELF_WORDS.intersection(query.senders))
        filtered = pattern is not None or bool(query.senders)
        literal = required_literal(query.keyword) if pattern is not None else None
        must_contain = literal if literal is not None and _survives_rendering(literal) else None
        skip_types = (
            tuple(t for t, label in CONSTANT_BODY_TEXT.items() if not pattern.search(label))
            if pattern is not None
            else ()
        )
        start, end = query.time.start_unix, query.time.end_unix
        shards = [shard for shard in self._reader.shards() if shard.overlaps(start, end)]
        known = [*directory.contacts, *directory.rooms]
        descending = query.order == "desc"
        if self.index is not None and pattern is not None:
            filters = IndexFilters(start, end, talkers, tuple(senders), wants_self)
            indexed = self.index.find(
                self._reader, known, pattern, filters, descending, query.limit, query.offset
            )
            if indexed is not None:
                names = _Names(directory)
                items = [names.named(row.build()) for row in indexed[0]]
                return Page(items, indexed[1], query.offset, query.limit, talkers)
        needed = query.offset + query.limit if query.limit > 0 and not descending else None

        collected: list[Row] = []
        cutoff = end  # the time of the last row a page needs, once that many are collected
        total = 0
        skipped: list[SkippedShard] = []
        for shard in shards:
            budget.check()
            row_query = RowQuery(
                start,
                end,
                talkers or None,
                literal=literal,
                limit=None if filtered else needed,
                must_contain=must_contain,
                skip_types=skip_types,
            )
            # Without a filter, rows are wanted until the page is full, and from a shard that
            # starts before the last row the page needs: shards come by first message time
            # but may overlap (migrated history). Counts are always wanted.
            wants_rows = filtered or needed is None or len(collected) < needed
            wants_rows = wants_rows or shard.start <= cutoff
            try:
                found, count = self._shard_rows(
                    shard, row_query, known, wants_rows, filtered, (senders, wants_self, pattern)
                )
            except (DataSourceError, sqlite3.DatabaseError) as error:
                skipped.append(self._skip(shard, error))
                if len(skipped) == len(shards):
                    # Nothing left to answer from: the query fails as one reading failure.
                    raise _as_data_source_error(error) from error
                continue
            total += count
            collected.extend(found)
            if not filtered:
                collected.sort(key=time_order)
                if needed is not None and len(collected) >= needed:
                    cutoff = collected[needed - 1].unix_time
        collected.sort(key=time_order)  # overlapping shards: each one's rows are not a run
        if descending:
            collected.reverse()
        names = _Names(directory)
        items = [names.named(row.build()) for row in _page(collected, query.offset, query.limit)]
        return Page(items, total, query.offset, query.limit, talkers, tuple(skipped))

    def named_messages(self, rows: list[Row]) -> list[Message]:
        """The rows decoded, with the chat's and the sender's display names, in their order."""
        names = _Names(self.directory())
        return [names.named(row.build()) for row in rows]

    def _shard_rows(
        self,
        shard: Shard,
        row_query: RowQuery,
        known: list[str],
        wants_rows: bool,
        filtered: bool,
        filters: tuple[frozenset[str], bool, KeywordPattern | None],
    ) -> tuple[list[Row], int]:
        """One shard's rows (in time order) and its count of matches; all or nothing, so a
        shard that fails midway adds nothing."""
        if not filtered:
            rows = self._reader.rows(shard, row_query, known) if wants_rows else []
            return sorted(rows, key=time_order), self._reader.count(shard, row_query, known)
        senders, wants_self, pattern = filters
        matching: list[Row] = []
        for row in self._reader.rows(shard, row_query, known):
            budget.check()  # decoding and matching may be long: stop when called off
            if _keeps(row, senders, wants_self, pattern):
                matching.append(row)
        return sorted(matching, key=time_order), len(matching)

    def _skip(self, shard: Shard, error: DataSourceError | sqlite3.DatabaseError) -> SkippedShard:
        """Leave out a shard that could not be read, remembered until its file changes.

        Raises:
            QueryTimeoutError, QueryCancelledError: the error was the query being stopped.
            DatabaseLockedError: passing, so the query fails as before (tried again next time).
        """
        budget.check()  # an interrupted statement is the budget's doing, not the file's
        if isinstance(error, DatabaseLockedError):
            raise error
        failure = _as_data_source_error(error)
        path = getattr(error, "path", None)
        if not isinstance(path, Path) or path not in shard.paths:
            path = shard.paths[0]
        # Several files in one shard (Mac 3.x) are only remembered when the error names one.
        if len(shard.paths) == 1 or getattr(error, "path", None) == path:
            self._unreadable.failed(path, file_signature(path), failure)
        return SkippedShard(path.name, str(failure), shard.start, shard.end)


def _as_data_source_error(error: DataSourceError | sqlite3.DatabaseError) -> DataSourceError:
    return error if isinstance(error, DataSourceError) else DatabaseCorruptError(str(error))


def _keeps(
    row: Row, senders: frozenset[str], wants_self: bool, pattern: KeywordPattern | None
) -> bool:
    """Whether a row passes the sender and keyword filters, decoding it only if needed.

    A text message renders as its own text and a photo, voice, video or call as a fixed label,
    with the stored sender: no `Message` is needed. Other types are built (once, kept on the
    row for the page).
    """
    if row.type == kind.TEXT or row.type in CONSTANT_BODY_TEXT:
        sender, is_self = row.sender, row.is_self
        if senders and sender not in senders and not (wants_self and is_self):
            return False
        if pattern is None:
            return True
        rendered = row.text if row.type == kind.TEXT else CONSTANT_BODY_TEXT[row.type]
        return pattern.search(rendered)
    message = row.build()
    if senders and message.sender not in senders and not (wants_self and message.is_self):
        return False
    return pattern is None or pattern.search(body_text(message))


class _Names:
    """Display names for one page, each talker looked up once."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self._talkers: dict[str, str] = {}

    def named(self, message: Message) -> Message:
        directory = self._directory
        talker_name = self._talkers.get(message.talker)
        if talker_name is None:
            talker_name = self._talkers[message.talker] = directory.talker_name(message.talker)
        sender_name = message.sender_name
        if not sender_name and not message.is_self and message.sender:
            sender_name = directory.sender_name(message.talker, message.sender)
        return Message(
            message.seq,
            message.time,
            message.talker,
            message.sender,
            message.is_self,
            message.type,
            message.sub_type,
            message.content,
            message.contents,
            message.refer,
            talker_name,
            sender_name,
        )


def _survives_rendering(literal: str) -> bool:
    """Whether every rendered match of `literal` also shows in the stored body.

    Rendering adds labels ([图片], [链接|...]), times and digits and unescapes XML; a literal
    that is none of these can only match text the body holds verbatim, so rows without it
    are dropped before the costly decode. Other keywords take the full path.
    """
    if _REGEX_SPECIALS.intersection(literal):
        return False
    return literal not in RENDERED_VOCABULARY and not any(
        ch.isspace() or ch.isdigit() or ch in "&<>\"'" for ch in literal
    )


_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")
_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}  # hex digits after \x, \u, \U
_BRACED_ESCAPES = frozenset("xpPN")
_FLAG_LETTERS = frozenset("aiLmsuxU-")


def required_literal(keyword: str) -> str | None:
    """The longest plain substring every match of the RE2 regex `keyword` must contain, if any.

    A conservative scan (no regex semantics are guessed): runs of ordinary characters and
    escaped punctuation outside groups and classes count; a quantified character is dropped
    from its run; any top-level `|` or inline flag (case folding, verbose) gives None. SQL
    and byte scans use the result to drop rows early; the regex still decides every match.
    """
    runs: list[str] = []
    run: list[str] = []

    def cut() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    index, size = 0, len(keyword)
    while index < size:
        char = keyword[index]
        if char == "|":
            return None
        if char == "\\":
            if index + 1 >= size:
                return None
            escaped = keyword[index + 1]
            index += 2
            if not escaped.isascii() or not escaped.isalnum():
                run.append(escaped)  # \. \[ \( ... and escaped non-ASCII are themselves
                continue
            if escaped == "Q":
                return None  # RE2's quoted text \Q...\E: not worth reading here
            cut()  # a class (\d, \pL), an anchor (\b) or a code (\n, \x41, \1): no literal
            if escaped in _BRACED_ESCAPES and index < size and keyword[index] == "{":
                closing = keyword.find("}", index)  # \x{4e2d}, \p{Han}, \N{...}
                index = size if closing < 0 else closing + 1
            elif escaped in _ESCAPE_LENGTHS:
                index += _ESCAPE_LENGTHS[escaped]
            elif escaped in "pP":
                index += 1  # a one-letter Unicode class: \pL
            elif escaped.isdigit():
                while index < size and keyword[index].isdigit():
                    index += 1
            continue
        if char in "*?+{":
            quantifier = _QUANTIFIER.match(keyword, index) if char == "{" else None
            if char == "{" and quantifier is None:
                cut()  # a literal "{": left out, the run restarts after it
                index += 1
                continue
            if char != "+" and run:
                run.pop()  # optional or counted: not required as such
            cut()  # with "+" the character is there at least once, but may repeat
            index = quantifier.end() if quantifier is not None else index + 1
            if index < size and keyword[index] in "?+":
                index += 1  # lazy or possessive quantifier
            continue
        if char == "(":
            if (
                keyword.startswith("(?", index)
                and index + 2 < size
                and (keyword[index + 2] in _FLAG_LETTERS)
            ):
                return None
            cut()
            index = _skip_group(keyword, index)  # a quantifier after it then drops nothing
            continue
        if char == "[":
            cut()
            index = _skip_class(keyword, index)
            continue
        if char in ".^$":
            cut()
            index += 1
            continue
        if char == ")":
            return None  # unbalanced: leave it to the regex
        run.append(char)
        index += 1
    cut()
    if not runs:
        return None
    best = max(runs, key=len)
    return best or None


def _skip_class(pattern: str, index: int) -> int:
    """The index after the character class starting at `pattern[index]` ("[")."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a leading "]" is a member
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern.startswith("[:", index):
            closing = pattern.find(":]", index + 2)  # a POSIX class: [[:alpha:]]
            if closing >= 0:
                index = closing + 2
                continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return index


def _skip_group(pattern: str, index: int) -> int:
    """The index after the group starting at `pattern[index]` ("("), nested groups included."""
    depth = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _skip_class(pattern, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index
