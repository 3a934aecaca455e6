"""Short, stable references to media messages (`[图片 ref=…]` in query_chat_log).

A reference is the message's time in base 36 and 6 hex digits of a hash of its chat and
sequence number: `lq3x9k2-1f0c3a`. Both are stored in WeChat's databases, so the reference
stays the same across restarts; the time narrows the lookup to one second of messages, the
hash picks the message among them.
"""

from __future__ import annotations

import hashlib
import re

from server.wechat import content as kind
from server.wechat.model import Message

_REF = re.compile(r"^([0-9a-z]{1,8})-([0-9a-f]{6})$")
FILE_SUB_TYPE = 6


def media_kind(message: Message) -> str | None:
    """'image', 'voice', 'video' or 'file' for a message that carries one, else None."""
    if message.type == kind.IMAGE:
        return "image"
    if message.type == kind.VOICE:
        return "voice"
    if message.type == kind.VIDEO:
        return "video"
    if message.type == kind.APP and message.sub_type == FILE_SUB_TYPE:
        return "file"
    return None


def _digest(talker: str, seq: int) -> str:
    text = f"{talker}\x00{seq}".encode()
    return hashlib.blake2s(text, digest_size=3).hexdigest()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def media_ref(message: Message) -> str | None:
    """The message's reference if it carries media, else None."""
    if media_kind(message) is None:
        return None
    return f"{_base36(int(message.time.timestamp()))}-{_digest(message.talker, message.seq)}"


def parse_ref(ref: str) -> tuple[int, str] | None:
    """(Unix time, hash) of a well-formed reference, else None."""
    match = _REF.match(ref.strip().lower())
    if match is None:
        return None
    return int(match.group(1), 36), match.group(2)


def matches(message: Message, digest: str) -> bool:
    return media_kind(message) is not None and _digest(message.talker, message.seq) == digest


def with_ref(body: str, message: Message) -> str:
    """A label such as `[图片]` or `[文件|name]` with the reference inside: `[图片 ref=…]`."""
    ref = media_ref(message)
    if ref is None or not body.endswith("]") or "\n" in body:
        return body
    return f"{body[:-1]} ref={ref}]"


def text_with_ref(text: str, message: Message) -> str:
    """A rendered message (`message_text`) whose media label carries the reference."""
    ref = media_ref(message)
    stripped = text.rstrip("\n")
    if ref is None or not stripped.endswith("]"):
        return text
    return f"{stripped[:-1]} ref={ref}]{text[len(stripped) :]}"
