"""A chat's recent messages as the rich text the sessions window shows, with thumbnails and a
link for each thing the window can do with a message's media.

Every piece of chat text is escaped (it is anyone's input); thumbnails, made off the GUI
thread (`server/wechat/media/thumbnail.py`), are embedded as `data:` URIs, which the text
browser shows without fetching anything. The links are handled by the window itself (the
browser opens none): `picture:<ref>` opens a picture in the viewer (its label and its
thumbnail), `voice:<ref>` plays or stops a voice message, `save:<ref>` saves a voice message,
video or file (a video's thumbnail too: the app does not play videos).
"""

from __future__ import annotations

import base64
import html

from PySide6.QtCore import QCoreApplication

from desktop.models import format_size, format_time
from desktop.stored_media import Stored
from desktop.voice_player import format_seconds
from server.api import Message, body_text, media_kind, media_ref, sender_label

PICTURE_SCHEME = "picture"
VOICE_SCHEME = "voice"
SAVE_SCHEME = "save"
SAVED_KINDS = ("voice", "video", "file")  # a picture is saved from its viewer


def _mime(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def _link(scheme: str, ref: str, label: str, tooltip: str = "") -> str:
    title = f" title='{html.escape(tooltip)}'" if tooltip else ""
    return f"<a href='{scheme}:{html.escape(ref)}'{title}>{label}</a>"


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
    return " " + _link(VOICE_SCHEME, ref, html.escape(label))


def save_link(message: Message, stored: Stored | None = None) -> str:
    """'Save…' for a voice message, a video or a file, with the size when known; for a video
    or file known to be missing, why not instead ('not on this computer')."""
    ref = media_ref(message)
    if ref is None or media_kind(message) not in SAVED_KINDS:
        return ""
    if stored is not None and stored.missing is not None:
        note = QCoreApplication.translate("ChatMessages", "(not on this computer)")
        title = html.escape(stored.missing)
        return f" <span style='color:gray' title='{title}'>{html.escape(note)}</span>"
    if stored is not None and stored.size is not None:
        label = QCoreApplication.translate("ChatMessages", "Save… (%1)")
        label = label.replace("%1", format_size(stored.size))
    else:
        label = QCoreApplication.translate("ChatMessages", "Save…")
    return " " + _link(SAVE_SCHEME, ref, html.escape(label))


def message_html(
    message: Message,
    thumbnail: bytes | None = None,
    playing: str | None = None,
    stored: Stored | None = None,
) -> str:
    ref = media_ref(message)
    kind = media_kind(message)
    body = html.escape(body_text(message)).replace("\n", "<br>")
    if ref is not None and kind == "image":
        # The label opens the picture too: one without a thumbnail (not downloaded, no image
        # key) opens in the viewer, which says why it cannot be shown.
        body = _link(PICTURE_SCHEME, ref, body)
    voice = voice_link(message, playing is not None and playing == ref)
    save = save_link(message, stored)
    if voice and save:
        save = " ·" + save
    picture = ""
    if thumbnail is not None:
        encoded = base64.b64encode(thumbnail).decode("ascii")
        image = f"<img src='data:{_mime(thumbnail)};base64,{encoded}'>"
        missing = stored is not None and stored.missing is not None
        if ref is not None and not missing:
            # A video's thumbnail (when there is one) saves it: the app plays no videos. A
            # video not on this computer (WeChat often keeps only the thumbnail) links nowhere.
            image = _link(PICTURE_SCHEME if kind == "image" else SAVE_SCHEME, ref, image)
        picture = f"<br>{image}"
    return (
        f"<p><span style='color:gray'>{format_time(message.time)}</span> "
        f"<b>{html.escape(sender_label(message))}</b><br>{body}{voice}{save}{picture}</p>"
    )


def messages_html(
    messages: list[Message],
    thumbnails: dict[str, bytes] | None = None,
    playing: str | None = None,
    stored: dict[str, Stored] | None = None,
) -> str:
    """`playing`: the reference of the voice message playing now, shown with Stop; `stored`:
    what is known of the videos' and files' copies, by reference."""
    shown = thumbnails or {}
    found = stored or {}
    return "".join(
        message_html(
            message,
            shown.get(media_ref(message) or ""),
            playing,
            found.get(media_ref(message) or ""),
        )
        for message in messages
    )
