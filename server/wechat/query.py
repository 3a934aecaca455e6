"""Queries over one data directory, run synchronously on a worker thread.

This is the layer between the readers (rows of one layout) and the async store: it keeps the
contact directory fresh, resolves names to user names, touches only the shards a time range
needs, filters by sender and keyword, fills in display names and paginates.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace

from server.wechat.connections import Signature
from server.wechat.directory import Directory
from server.wechat.errors import InvalidKeywordError
from server.wechat.model import ChatRoom, Contact, Message, Session
from server.wechat.readers import Reader, RowQuery
from server.wechat.render import RENDERED_VOCABULARY, body_text
from server.wechat.timerange import ALL_TIME, TimeRange

_REGEX_SPECIALS = frozenset(".^$*+?{}[]\\|()")
_SELF_WORDS = frozenset({"我", "me", "self"})


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """What to fetch; empty `talkers` means every chat, `limit` 0 means no limit."""

    time: TimeRange = ALL_TIME
    talkers: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    keyword: str = ""
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of results and how many match in all."""

    items: list[T]
    total: int
    offset: int
    limit: int
    talkers: tuple[str, ...] = field(default=())

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

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._lock = threading.Lock()
        self._directory: tuple[Signature, Directory] | None = None

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
        directory = self.directory()
        sessions = [
            replace(s, nick_name=directory.talker_name(s.user_name) or s.nick_name)
            for s in self._reader.sessions()
        ]
        sessions.sort(key=lambda s: s.time, reverse=True)
        if keyword:
            folded = keyword.casefold()
            sessions = [
                s
                for s in sessions
                if s.user_name == keyword or folded in s.nick_name.casefold()
                or folded in directory.talker_name(s.user_name).casefold()
            ]  # fmt: skip
        return Page(_page(sessions, offset, limit), len(sessions), offset, limit)

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

        Raises:
            InvalidKeywordError: the keyword is not a valid regular expression.
            DataSourceError: a database could not be read.
        """
        pattern = _compile(query.keyword)
        directory = self.directory()
        talkers = tuple(dict.fromkeys(directory.resolve_talker(t) for t in query.talkers))
        senders = (
            directory.resolve_senders(query.senders, talkers) if query.senders else frozenset()
        )
        wants_self = bool(_SELF_WORDS.intersection(query.senders))
        filtered = pattern is not None or bool(query.senders)
        literal = query.keyword if pattern is not None and _is_literal(query.keyword) else None
        must_contain = literal if literal is not None and _survives_rendering(literal) else None
        start, end = query.time.start_unix, query.time.end_unix
        shards = [shard for shard in self._reader.shards() if shard.overlaps(start, end)]
        known = [*directory.contacts, *directory.rooms]
        needed = query.offset + query.limit if query.limit > 0 else None

        collected: list[Message] = []
        total = 0
        for shard in shards:
            row_query = RowQuery(
                start, end, talkers or None, literal, None if filtered else needed, must_contain
            )
            if not filtered:
                if needed is None or len(collected) < needed:
                    rows = self._reader.messages(shard, row_query, known)
                    collected.extend(sorted(rows, key=_time_order))
                total += self._reader.count(shard, row_query, known)
                continue
            matching = [
                m
                for m in self._reader.messages(shard, row_query, known)
                if (not senders or m.sender in senders or (wants_self and m.is_self))
                and (pattern is None or pattern.search(body_text(m)))
            ]
            total += len(matching)
            collected.extend(sorted(matching, key=_time_order))
        items = [_named(m, directory) for m in _page(collected, query.offset, query.limit)]
        return Page(items, total, query.offset, query.limit, talkers)


def _time_order(message: Message) -> tuple[object, int]:
    return message.time, message.seq


def _named(message: Message, directory: Directory) -> Message:
    sender_name = message.sender_name
    if not sender_name and not message.is_self and message.sender:
        sender_name = directory.sender_name(message.talker, message.sender)
    return replace(
        message, talker_name=directory.talker_name(message.talker), sender_name=sender_name
    )


def _survives_rendering(literal: str) -> bool:
    """Whether every rendered match of `literal` also shows in the stored body.

    Rendering adds labels ([图片], [链接|...]), times and digits and unescapes XML; a literal
    that is none of these can only match text the body holds verbatim, so rows without it
    are dropped before the costly decode. Other keywords take the full path.
    """
    return literal not in RENDERED_VOCABULARY and not any(
        ch.isspace() or ch.isdigit() or ch in "&<>\"'" for ch in literal
    )


def _is_literal(keyword: str) -> bool:
    return not _REGEX_SPECIALS.intersection(keyword)


def _compile(keyword: str) -> re.Pattern[str] | None:
    if not keyword:
        return None
    try:
        return re.compile(keyword)
    except re.error as error:
        raise InvalidKeywordError(keyword, str(error)) from error
