"""Decode a message body: type/sub type, readable content and media refs (chatlog's ParseMediaInfo).

Readers hand over the 64-bit type and the already decompressed body text; this module knows the
XML shapes of every message type in docs/wechat-formats.md, "Message types". Unreadable XML
never fails a query: the message keeps what could be read, as in chatlog.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.wechat import revokes
from server.wechat.model import SYSTEM_SENDER, Message

TEXT = 1
IMAGE = 3
VOICE = 34
CARD = 42
VIDEO = 43
EMOJI = 47
LOCATION = 48
APP = 49
VOIP = 50
SYSTEM = 10000
REVOKE = revokes.REVOKE

APP_RECORD_TYPES = frozenset({19, 24, 87})  # merged forward, note, group announcement
APP_QUOTE = 57
APP_PAT = 62
APP_TRANSFER = 2000

_TRANSFER_DIRECTIONS = {"1": "发送 ", "7": "发送 ", "3": "接收 ", "5": "接收 ", "4": "退还 "}


@dataclass(slots=True)
class DecodedBody:
    """What a body says; `sender` is set only when the body names a sender (system, pat)."""

    type: int
    sub_type: int
    content: str = ""
    contents: dict[str, Any] = field(default_factory=dict)
    refer: Message | None = None
    sender: str | None = None
    sender_name: str | None = None
    is_self: bool | None = None  # set when the body says whose it is (the user's own recall)


def split_type(raw_type: int) -> tuple[int, int]:
    """v4 packs the sub type into the high 32 bits (a quote is 57 << 32 | 49)."""
    return raw_type & 0xFFFFFFFF, (raw_type >> 32) & 0xFFFFFFFF


def parse_xml(text: str) -> ET.Element | None:
    text = text.strip()
    if not text.startswith("<"):
        return None
    try:
        return ET.fromstring(text)
    except ET.ParseError:
        return None


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def decode_body(msg_type: int, sub_type: int, text: str) -> DecodedBody:
    """Decode `text` (the body without any group sender prefix) of a message of `msg_type`."""
    body = DecodedBody(type=msg_type, sub_type=sub_type)
    if msg_type == TEXT:
        body.content = text
        return body
    if msg_type == SYSTEM:
        body.sender, body.sender_name = SYSTEM_SENDER, ""
        root = parse_xml(text)
        body.content = system_text(root) if root is not None else text
        _mark_own_revoke(body)
        return body
    if msg_type == REVOKE:
        root = parse_xml(text)
        if root is not None and revokes.is_revoke(root):
            body.content = revokes.revoke_sentence(root)
        else:
            body.content = text.strip() or revokes.FALLBACK
        _mark_own_revoke(body)
        return body
    root = parse_xml(text)
    if root is None:
        return body
    _DECODERS.get(msg_type, _decode_nothing)(root, body)
    return body


def _mark_own_revoke(body: DecodedBody) -> None:
    # "你撤回了一条消息" is the user's own recall, whoever the row names as its sender.
    if revokes.is_own_revoke(body.content):
        body.is_self, body.sender, body.sender_name = True, "", ""


def _decode_nothing(_root: ET.Element, _body: DecodedBody) -> None:
    pass


def _decode_image(root: ET.Element, body: DecodedBody) -> None:
    img = root.find("img")
    if img is not None and img.get("md5"):
        body.contents["md5"] = img.get("md5", "")


def _decode_voice(root: ET.Element, body: DecodedBody) -> None:
    voice = root.find("voicemsg")
    if voice is not None and voice.get("voicelength", "").isdigit():
        body.contents["voicelength"] = int(voice.get("voicelength", "0"))


def _decode_card(root: ET.Element, body: DecodedBody) -> None:
    for key in ("username", "nickname"):
        if root.get(key):
            body.contents[key] = root.get(key, "")


def _decode_video(root: ET.Element, body: DecodedBody) -> None:
    video = root.find("videomsg")
    if video is None:
        return
    for key in ("md5", "rawmd5"):
        if video.get(key):
            body.contents[key] = video.get(key, "")


def _decode_emoji(root: ET.Element, body: DecodedBody) -> None:
    emoji = root.find("emoji")
    if emoji is not None and emoji.get("cdnurl"):
        body.contents["cdnurl"] = emoji.get("cdnurl", "")


def _decode_location(root: ET.Element, body: DecodedBody) -> None:
    location = root.find("location")
    if location is None:
        return
    for key in ("x", "y", "label", "cityname", "poiname"):
        body.contents[key] = location.get(key, "")


def _decode_app(root: ET.Element, body: DecodedBody) -> None:
    app = root.find("appmsg")
    if app is None:
        return
    app_type = _text(app, "type")
    if app_type.isdigit():
        body.sub_type = int(app_type)
    sub = body.sub_type
    title, desc, url = _text(app, "title"), _text(app, "des"), _text(app, "url")
    if sub in (1, 4, 5, 92):
        body.contents.update(title=title, desc=desc, url=url)
    elif sub == 6:
        body.contents.update(title=title, md5=_text(app, "md5"))
    elif sub in APP_RECORD_TYPES:
        body.contents.update(title=title, desc=desc)
        record = parse_record(_text(app, "recorditem"))
        if record is not None:
            body.contents["recordInfo"] = record
    elif sub in (33, 36):
        body.contents.update(title=_text(app, "sourcedisplayname"), url=url)
    elif sub == 51:
        feed = app.find("finderFeed")
        if feed is not None:
            body.contents["title"] = " ".join(_text(feed, "desc").split("\n")).strip()
            body.contents["url"] = _text(feed, "mediaList/media/url")
    elif sub == 63:
        body.contents["title"] = _text(app, "finderLive/desc")
    elif sub == APP_QUOTE:
        body.content = title
        body.refer = _decode_refer(app.find("refermsg"))
    elif sub == APP_PAT:
        _decode_pat(root, app, body)
    elif sub == APP_TRANSFER:
        _decode_transfer(app, body)


def _decode_refer(refer: ET.Element | None) -> Message | None:
    if refer is None:
        return None
    type_text = _text(refer, "type")
    refer_type = int(type_text) if type_text.isdigit() else 0
    created = _text(refer, "createtime")
    sender = _text(refer, "chatusr") or _text(refer, "fromusr")
    inner = decode_body(refer_type, 0, (refer.findtext("content") or ""))
    return Message(
        seq=0,
        time=datetime.fromtimestamp(int(created) if created.isdigit() else 0).astimezone(),
        talker=_text(refer, "fromusr"),
        sender=sender,
        is_self=False,
        type=refer_type,
        sub_type=inner.sub_type,
        content=inner.content,
        contents=inner.contents,
        refer=None,  # chatlog renders one level of quoting; deeper levels are dropped
        sender_name=_text(refer, "displayname"),
    )


def _decode_pat(root: ET.Element, app: ET.Element, body: DecodedBody) -> None:
    record = app.find("patMsg/records/record")
    if record is not None:
        body.sender = _text(record, "fromUser") or None
        body.content = _text(record, "templete")
    if root.find("patinfo") is not None or app.find("patinfo") is not None:
        body.content = _text(app, "title")


def _decode_transfer(app: ET.Element, body: DecodedBody) -> None:
    pay = app.find("wcpayinfo")
    direction = _TRANSFER_DIRECTIONS.get(_text(pay, "paysubtype"), "")
    text = f"[转账|{direction}{_text(pay, 'feedesc')}]"
    memo = _text(pay, "pay_memo")
    body.content = f"{text}({memo})" if memo else text


_DECODERS = {
    IMAGE: _decode_image,
    VOICE: _decode_voice,
    CARD: _decode_card,
    VIDEO: _decode_video,
    EMOJI: _decode_emoji,
    LOCATION: _decode_location,
    APP: _decode_app,
}


def parse_record(text: str) -> dict[str, Any] | None:
    """The `<recordinfo>` of a merged forward / note / announcement, as plain dicts."""
    root = parse_xml(text)
    if root is None or root.tag != "recordinfo":
        return None
    return _record_dict(root)


def _record_dict(root: ET.Element) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for item in root.findall("datalist/dataitem"):
        entry: dict[str, Any] = {"datatype": item.get("datatype", "")}
        for key in (
            "datafmt",
            "sourcename",
            "sourcetime",
            "datadesc",
            "datatitle",
            "fullmd5",
            "link",
            "streamweburl",
        ):
            entry[key] = _text(item, key)
        location = item.find("location")
        if location is not None:
            entry["poiname"] = location.get("poiname", "")
        nested = item.find("recordxml/recordinfo")
        if nested is not None:
            entry["record"] = _record_dict(nested)
        items.append(entry)
    return {"title": _text(root, "title"), "desc": _text(root, "desc"), "items": items}


def system_text(root: ET.Element) -> str:
    """The sentence a `<sysmsg>` shows: revoke notice, member removal or filled template."""
    kind = root.get("type", "")
    if revokes.is_revoke(root):
        return revokes.revoke_sentence(root)
    if kind == "delchatroommember":
        return _text(root, "delchatroommember/plain")
    template_root = root.find("sysmsgtemplate/content_template")
    if template_root is None:
        return (root.text or "").strip()
    text = template_root.findtext("template") or ""
    for link in template_root.findall("link_list/link"):
        name = link.get("name", "")
        text = text.replace(f"${name}$", _link_text(link))
    return text


def _link_text(link: ET.Element) -> str:
    if link.get("type") != "link_profile":
        return _text(link, "title")
    names = []
    for member in link.findall("memberlist/member"):
        nickname, user_name = _text(member, "nickname"), _text(member, "username")
        if nickname:
            names.append(f"{nickname}({user_name})" if user_name else nickname)
    separator = link.findtext("separator") or "、"
    return separator.join(names)
