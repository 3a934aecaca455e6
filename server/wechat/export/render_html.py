"""HTML: one page that opens in any browser, with pictures shown and voice playable.

Chat text is anyone's input: every piece of it goes through `html.escape` (quotes too, so it
cannot leave an attribute), and the page's Content-Security-Policy allows no script, no
request anywhere, only the pictures and sounds embedded in it or in its own folder, so even
a mistake here could not run anything or send anything off the computer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from server.wechat.export.attach import Attachment
from server.wechat.export.collect import ChatCount
from server.wechat.export.options import ExportOptions
from server.wechat.export.renderer import Entry
from server.wechat.render import FULL_TIME_FORMAT, body_text, sender_label
from server.wechat.timerange import ALL_TIME

POLICY = (
    "default-src 'none'; img-src data: 'self' file:; media-src data: 'self' file:; "
    "style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
)
_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1f; background: #f5f5f7; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .2rem; }
.span { color: #666; margin: 0 0 .8rem; }
.m { background: #fff; border-radius: 8px; padding: .5rem .75rem; margin: .45rem 0; }
.m.self { background: #e7f6e0; margin-left: 3rem; }
.h { color: #666; font-size: .85rem; }
.h b { color: #1d1d1f; margin-left: .4rem; }
.t { white-space: pre-wrap; overflow-wrap: anywhere; }
.m img { display: block; max-width: 100%; max-height: 24rem; margin-top: .35rem; }
.m audio { display: block; margin-top: .35rem; }
.note { color: #a33; font-size: .85rem; }
footer { color: #666; font-size: .85rem; margin: 1.5rem 0; }
"""
# A <source> type names the codec where the container alone does not (Ogg holds Opus here).
_AUDIO_TYPES = {"audio/ogg": "audio/ogg; codecs=opus"}


def _attachment_html(attachment: Attachment, label: str) -> str:
    if not attachment.src:
        return f'<div class="note">{escape(attachment.note)}</div>'
    src = escape(attachment.src)
    if attachment.kind == "image":
        return f'<img src="{src}" alt="{escape(label)}" loading="lazy">'
    # The type says what the sound is before it is loaded: a browser that cannot play it
    # knows without fetching it.
    kind = escape(_AUDIO_TYPES.get(attachment.mime, attachment.mime))
    return f'<audio controls preload="none"><source src="{src}" type="{kind}"></audio>'


def message_html(entry: Entry) -> str:
    message = entry.message
    text = body_text(message)
    classes = "m self" if message.is_self else "m"
    parts = [
        f'<div class="{classes}"><div class="h">',
        f'<time datetime="{escape(message.time.isoformat())}">',
        f"{escape(message.time.strftime(FULL_TIME_FORMAT))}</time>",
        f"<b>{escape(sender_label(message))}</b></div>",
        f'<div class="t">{escape(text)}</div>',
    ]
    if entry.attachment is not None:
        parts.append(_attachment_html(entry.attachment, text))
    parts.append("</div>\n")
    return "".join(parts)


class HtmlRenderer:
    def __init__(self) -> None:
        self._count = 0

    def head(self, chat: ChatCount, options: ExportOptions) -> str:
        title = escape(chat.name)
        if options.time == ALL_TIME:
            span = "all messages"
        else:
            start = options.time.start.strftime(FULL_TIME_FORMAT)
            span = f"{start} – {options.time.end.strftime(FULL_TIME_FORMAT)}"
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<header><h1>{title}</h1>"
            f'<p class="span">{escape(chat.talker)} · {escape(span)}</p>'
            "</header>\n<main>\n"
        )

    def page(self, entries: list[Entry]) -> str:
        self._count += len(entries)
        return "".join(message_html(entry) for entry in entries)

    def tail(self) -> str:
        stamp = datetime.now(UTC).astimezone().strftime(FULL_TIME_FORMAT)
        return (
            f"</main>\n<footer>{self._count} messages, exported by Chatlog Tray on "
            f"{escape(stamp)}</footer>\n</body>\n</html>\n"
        )
