"""A chat's recent messages as the rich text the sessions window shows, with thumbnails and a
play link for each voice message.

Every piece of chat text is escaped (it is anyone's input); thumbnails, made off the GUI
thread (`server/wechat/media/thumbnail.py`), are embedded as `data:` URIs, which the text
browser shows without fetching anything. A voice message's link is `voice:<ref>`, which the
window handles itself (the browser opens no link).
"""

from __future__ import annotations

import base64
import html

from PySide6.QtCore import QCoreApplication

from desktop.models import format_time
from desktop.voice_player import format_seconds
from server.api import Message, body_text, media_kind, media_ref, sender_label

VOICE_SCHEME = "voice"


def _mime(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def voice_link(message: Message, playing: bool) -> str:
    """'▶ Play 0:05' (the length WeChat recorded, when known), or '■ Stop' while it plays."""
    ref = media_ref(message)
    if ref is None or media_kind(message) != "voice":
        return ""
    if playing:
        label = "■ " + QCoreApplication.translate("ChatMessages", "Stop")
    else:
        label = "▶ " + QCoreApplication.translate("ChatMessages", "Play")
        milliseconds = message.contents.get("voicelength")
        if isinstance(milliseconds, int) and milliseconds > 0:
            label += " " + format_seconds(milliseconds / 1000)
    return f" <a href='{VOICE_SCHEME}:{html.escape(ref)}'>{html.escape(label)}</a>"


def message_html(
    message: Message, thumbnail: bytes | None = None, playing: str | None = None
) -> str:
    body = html.escape(body_text(message)).replace("\n", "<br>")
    voice = voice_link(message, playing is not None and playing == media_ref(message))
    picture = ""
    if thumbnail is not None:
        encoded = base64.b64encode(thumbnail).decode("ascii")
        picture = f"<br><img src='data:{_mime(thumbnail)};base64,{encoded}'>"
    return (
        f"<p><span style='color:gray'>{format_time(message.time)}</span> "
        f"<b>{html.escape(sender_label(message))}</b><br>{body}{voice}{picture}</p>"
    )


def messages_html(
    messages: list[Message],
    thumbnails: dict[str, bytes] | None = None,
    playing: str | None = None,
) -> str:
    """`playing`: the reference of the voice message playing now, shown with Stop."""
    shown = thumbnails or {}
    return "".join(
        message_html(message, shown.get(media_ref(message) or ""), playing) for message in messages
    )
