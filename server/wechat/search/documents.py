"""What of a stored message the keyword scan looks at, so the index stores exactly that."""

from __future__ import annotations

from dataclasses import dataclass

from server.wechat import content as kind
from server.wechat.readers import Row
from server.wechat.render import CONSTANT_BODY_TEXT, body_text


@dataclass(frozen=True, slots=True)
class Document:
    """One message as the scan's filters see it (`query._keeps`): its sender and rendered text."""

    talker: str
    seq: int
    unix_time: int
    sender: str
    is_self: bool
    text: str


def document_of(row: Row) -> Document:
    """Mirrors `query._keeps`: plain text and fixed labels are judged on the stored row, every
    other type on its decoded message (which may name another sender)."""
    if row.type == kind.TEXT or row.type in CONSTANT_BODY_TEXT:
        return Document(
            row.talker, row.seq, row.unix_time, row.sender, row.is_self, indexed_text(row)
        )
    message = row.build()
    row.message = None  # the index keeps the text only; do not hold every decoded message
    return Document(
        row.talker, row.seq, row.unix_time, message.sender, message.is_self, body_text(message)
    )


def indexed_text(row: Row) -> str:
    """The text `document_of` stores for the row (its decoded message stays cached)."""
    if row.type == kind.TEXT:
        return row.text
    if row.type in CONSTANT_BODY_TEXT:
        return CONSTANT_BODY_TEXT[row.type]
    return body_text(row.build())
