"""A chat's recent messages as the rich text the sessions window shows, with thumbnails.

Every piece of chat text is escaped (it is anyone's input); thumbnails, made off the GUI
thread (`server/wechat/media/thumbnail.py`), are embedded as `data:` URIs, which the text
browser shows without fetching anything.
"""

from __future__ import annotations

import base64
import html

from desktop.models import format_time
from server.wechat.media.refs import media_ref
from server.wechat.model import Message
from server.wechat.render import body_text, sender_label


def _mime(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def message_html(message: Message, thumbnail: bytes | None = None) -> str:
    body = html.escape(body_text(message)).replace("\n", "<br>")
    picture = ""
    if thumbnail is not None:
        encoded = base64.b64encode(thumbnail).decode("ascii")
        picture = f"<br><img src='data:{_mime(thumbnail)};base64,{encoded}'>"
    return (
        f"<p><span style='color:gray'>{format_time(message.time)}</span> "
        f"<b>{html.escape(sender_label(message))}</b><br>{body}{picture}</p>"
    )


def messages_html(messages: list[Message], thumbnails: dict[str, bytes] | None = None) -> str:
    shown = thumbnails or {}
    return "".join(
        message_html(message, shown.get(media_ref(message) or "")) for message in messages
    )
