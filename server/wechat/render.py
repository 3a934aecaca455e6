"""Messages and sessions as plain text for people and models (docs/wechat-formats.md, "Plain text").

Differences from chatlog, on purpose (see docs/time-ranges.md, "Rendering"): media links are
only written when a `media_base_url` is given (chatlog wrote `http:///image/...` without one),
and long texts are cut at characters, never inside a UTF-8 sequence.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server.wechat import content as kind
from server.wechat.model import Message, Session

SELF_NAME = "我"  # "me"
UNKNOWN_CONTENT_LIMIT = 120
SESSION_CONTENT_LIMIT = 120
RECORD_TITLE_LIMIT = 80

FULL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
YEAR_TIME_FORMAT = "%m-%d %H:%M:%S"
DAY_TIME_FORMAT = "%H:%M:%S"

_RECORD_LABELS = {19: "合并转发", 24: "笔记", 87: "群公告"}
# Every fixed piece of text the renderer adds around stored content (see query.py).
RENDERED_VOCABULARY = (
    "[图片]![图片](/image/[语音]/voice/[名片|]![视频](/video/![动画表情]()[位置|[链接|]("
    "[文件|/file/[GIF表情][红包][红包封面][合并转发|[笔记|[群公告|[小程序|][视频号|"
    "[视频号直播|[音乐|[分享][语音通话][引用]> [转账|发送 接收 退还 Type: Content: <...>"
    "我系统消息...[撤回了一条消息]"
)
_SIMPLE_APP_LABELS = {8: "[GIF表情]", 2001: "[红包]", 2003: "[红包封面]"}
# Types whose `body_text` without a media base URL is a fixed label, whatever the body says:
# the query layer filters them without decoding (and SQL drops them when a keyword cannot
# match the label). tests/unit/wechat/test_render.py keeps this in step with `body_text`.
CONSTANT_BODY_TEXT = {
    kind.IMAGE: "[图片]",
    kind.VOICE: "[语音]",
    kind.VIDEO: "[视频]",
    kind.VOIP: "[语音通话]",
}


def _cut(text: str, limit: int, marker: str) -> str:
    return text if len(text) <= limit else text[:limit] + marker


def _media_link(label: str, kind: str, keys: list[str], base_url: str | None) -> str:
    keys = [key for key in keys if key]
    if base_url is None or not keys:
        return f"[{label}]"
    return f"![{label}]({base_url.rstrip('/')}/{kind}/{','.join(keys)})"


def body_text(message: Message, media_base_url: str | None = None) -> str:
    """The message body in one short, markdown-ish form (chatlog's PlainTextContent)."""
    c = message.contents
    match message.type:
        case kind.TEXT | kind.SYSTEM | kind.REVOKE:
            return message.content
        case kind.IMAGE:
            keys = [c.get("md5", ""), c.get("path", ""), c.get("thumbpath", "")]
            return _media_link("图片", "image", keys, media_base_url)
        case kind.VOICE:
            return _media_link("语音", "voice", [str(c.get("voice", ""))], media_base_url)
        case kind.CARD:
            return f"[名片|{c['nickname']}]" if c.get("nickname") else "[名片]"
        case kind.VIDEO:
            keys = [c.get("md5", ""), c.get("rawmd5", ""), c.get("path", "")]
            return _media_link("视频", "video", keys, media_base_url)
        case kind.EMOJI:
            return f"![动画表情]({c['cdnurl']})" if c.get("cdnurl") else "[动画表情]"
        case kind.LOCATION:
            parts = [str(c.get(key, "")) for key in ("label", "cityname", "x", "y")]
            return "[位置|" + "|".join(parts) + "]"
        case kind.APP:
            return _app_text(message, media_base_url)
        case kind.VOIP:
            return "[语音通话]"
    return f"Type: {message.type} Content: {_cut(message.content, UNKNOWN_CONTENT_LIMIT, '<...>')}"


def _app_text(message: Message, base_url: str | None) -> str:
    c, sub = message.contents, message.sub_type
    title, url = c.get("title", ""), c.get("url", "")
    if sub == 1:
        return f"[链接|{title}]({c.get('desc', '')})"
    if sub in (4, 5):
        return f"[链接|{title}]({url})"
    if sub == 6:
        if base_url is None or not c.get("md5"):
            return f"[文件|{title}]"
        return f"[文件|{title}]({base_url.rstrip('/')}/file/{c['md5']})"
    if sub in _RECORD_LABELS:
        label = _RECORD_LABELS[sub]
        record = c.get("recordInfo")
        if not isinstance(record, dict):
            return f"[{label}]"
        return record_text(record, label, title, base_url)
    if sub in (33, 36):
        return f"[小程序|{title}]({url})" if title else "[小程序]"
    if sub == 51:
        return f"[视频号|{title}]({url})" if title else "[视频号]"
    if sub == kind.APP_QUOTE:
        return _quote_text(message, base_url)
    if sub == 63:
        return f"[视频号直播|{title}]" if title else "[视频号直播]"
    if sub == 92:
        return f"[音乐|{title}]({url})"
    if sub in (62, 2000):
        return message.content
    return _SIMPLE_APP_LABELS.get(sub, "[分享]")


def _quote_text(message: Message, base_url: str | None) -> str:
    if message.refer is None:
        return f"> [引用]\n{message.content}" if message.content else "[引用]"
    quoted = message_text(message.refer, YEAR_TIME_FORMAT, media_base_url=base_url)
    lines = "".join(f"> {line}\n" for line in quoted.split("\n") if line)
    return lines + message.content


def record_text(
    record: dict[str, Any], label: str, title: str = "", base_url: str | None = None
) -> str:
    """A merged forward / note / announcement: a title line, then each item indented."""
    if not title:
        title = record.get("title") or _cut(
            " ".join(str(record.get("desc", "")).split("\n")).strip(), RECORD_TITLE_LIMIT, "..."
        )
    lines = [f"[{label}|{title}]"]
    for item in record.get("items", []):
        rendered = _record_item_lines(item, label, base_url)
        if rendered is None:
            continue
        lines.append(f"  {item.get('sourcename', '')} {item.get('sourcetime', '')}")
        lines.extend(rendered)
    return "\n".join(lines) + "\n"


def _record_item_lines(item: dict[str, Any], label: str, base_url: str | None) -> list[str] | None:
    kind, md5 = item.get("datatype", ""), item.get("fullmd5", "")
    one_line = " ".join(str(item.get("datadesc", "")).split("\n")).strip()
    match kind:
        case "17" if isinstance(item.get("record"), dict):
            nested = record_text(item["record"], label, item.get("datatitle", ""), base_url)
            return [f"  {line}" for line in nested.split("\n")[:-1]] + [""]
        case "2":
            return [f"  {_media_link('图片', 'image', [md5], base_url)}", ""]
        case "4":
            return [f"  {_media_link('视频', 'video', [md5], base_url)}", ""]
        case "8":
            if item.get("datafmt") == ".htm":
                return None
            return [f"  [文件|{item.get('datatitle', '')}]", ""]
        case "5":
            return [f"  [链接|{item.get('datatitle', '')}]({item.get('link', '')})", ""]
        case "6":
            return [f"  [位置|{item.get('poiname', '')}]", ""]
        case "22":
            return [f"  [视频号|{one_line}]", ""]
        case "23":
            return [f"  [视频号直播|{one_line}]", ""]
        case "32":
            return [
                f"  [音乐|{item.get('datatitle', '')}]({item.get('streamweburl', '')})",
                "",
            ]
        case "37":
            return ["  [动画表情]", ""]
    return [f"  {line}" for line in str(item.get("datadesc", "")).split("\n")] + [""]


def sender_label(message: Message) -> str:
    sender = SELF_NAME if message.is_self else message.sender
    return f"{message.sender_name}({sender})" if message.sender_name else sender


def talker_label(message: Message) -> str:
    return f"{message.talker_name}({message.talker})" if message.talker_name else message.talker


def message_text(
    message: Message,
    time_format: str = YEAR_TIME_FORMAT,
    *,
    show_talker: bool = False,
    media_base_url: str | None = None,
) -> str:
    """`sender [chat] [kind] time` on one line, the body below, ending with a newline.

    `kind` ("official account", "WeCom") is shown for such chats only (server/wechat/chatkinds.py).
    """
    head = sender_label(message) + " "
    # Across chats, name the chat: a group's always, a one-to-one chat's when the user wrote
    # (otherwise its sender already is the chat).
    if show_talker and (message.is_chat_room or message.is_self):
        head += f"[{talker_label(message)}] "
    kind_label = message.contents.get("chatKind")
    if kind_label:
        head += f"[{kind_label}] "
    head += message.time.strftime(time_format)
    return f"{head}\n{body_text(message, media_base_url)}\n"


def session_text(session: Session, limit: int = SESSION_CONTENT_LIMIT) -> str:
    head = f"{session.nick_name}({session.user_name}) {session.time.strftime(FULL_TIME_FORMAT)}\n"
    if limit <= 0:
        return head
    return head + _cut(session.content, limit, " <...>") + "\n"


def time_format_for(start: datetime, end: datetime) -> str:
    """The shortest time format that is unambiguous within [start, end] (PerfectTimeFormat)."""
    local_start, local_end = start.astimezone(), end.astimezone()
    if local_end.time() == datetime.min.time():
        local_end -= timedelta(seconds=1)
    if local_start.year != local_end.year:
        return FULL_TIME_FORMAT
    if local_start.timetuple().tm_yday != local_end.timetuple().tm_yday:
        return YEAR_TIME_FORMAT
    return DAY_TIME_FORMAT
