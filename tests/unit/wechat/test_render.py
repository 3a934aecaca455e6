"""Every message type renders to its plain text (docs/wechat-formats.md, "Plain text"); media
links only on request."""

from __future__ import annotations

from datetime import datetime

import pytest

from devtools.demo.corpus import build_dataset
from server.wechat.model import Message, Session
from server.wechat.readers.base import build_message
from server.wechat.render import (
    FULL_TIME_FORMAT,
    body_text,
    message_text,
    session_text,
    time_format_for,
)

SAMPLE = build_dataset(1500)


def decoded(msg_type: int, sub_type: int) -> Message:
    source = next(m for m in SAMPLE.messages if (m.type, m.sub_type) == (msg_type, sub_type))
    return build_message(
        seq=1,
        unix_time=source.time,
        talker=source.talker,
        sender=source.sender,
        is_self=source.is_self,
        msg_type=source.type,
        sub_type=0,
        text=source.body,
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ((3, 0), "[图片]"),
        ((34, 0), "[语音]"),
        ((42, 0), "[名片|"),
        ((43, 0), "[视频]"),
        ((47, 0), "![动画表情](https://emoji.example.invalid/"),
        ((48, 0), "[位置|"),
        ((49, 5), "[链接|"),
        ((49, 6), "[文件|"),
        ((49, 19), "[合并转发|群聊的聊天记录]\n  Alice Chen 2024-03-01 10:00\n  方案 A 更好\n"),
        ((49, 33), "[小程序|美团外卖](https://mp.weixin.qq.com/demo-mini)"),
        ((49, 51), "[视频号|春天的西湖 太美了](https://channels.example.invalid/v/1)"),
        ((49, 57), "> "),
        ((49, 62), '"'),
        ((49, 92), "[音乐|晴天](https://music.example.invalid/qingtian)"),
        ((49, 2000), "[转账|"),
        ((50, 0), "[语音通话]"),
    ],
)
def test_each_type_renders_its_label(kind: tuple[int, int], expected: str) -> None:
    assert body_text(decoded(*kind)).startswith(expected)


def test_text_renders_as_itself() -> None:
    message = decoded(1, 0)
    assert body_text(message) == message.content != ""


def test_system_messages_fill_their_template_and_name_the_system() -> None:
    rendered = [
        body_text(m)
        for m in (
            build_message(
                seq=1,
                unix_time=s.time,
                talker=s.talker,
                sender=s.sender,
                is_self=False,
                msg_type=10000,
                sub_type=0,
                text=s.body,
            )
            for s in SAMPLE.messages
            if s.type == 10000
        )
    ]
    assert any("撤回了一条消息" in text for text in rendered)
    assert any("邀请" in text and "加入了群聊" in text and "$" not in text for text in rendered)


def test_a_quote_shows_the_quoted_message_then_the_reply() -> None:
    text = body_text(decoded(49, 57))
    quoted, reply = text.rsplit("\n", 1)
    assert all(line.startswith("> ") for line in quoted.split("\n"))
    assert reply in {"同意 👍", "好的，没问题", "Agreed.", "这个我来跟进"}


def test_media_links_appear_when_a_base_url_is_given() -> None:
    image = decoded(3, 0)
    assert body_text(image, "http://127.0.0.1:5030").startswith(
        f"![图片](http://127.0.0.1:5030/image/{image.contents['md5']}"
    )


def test_unknown_types_show_number_and_cut_content() -> None:
    message = build_message(
        seq=1,
        unix_time=0,
        talker="a",
        sender="a",
        is_self=False,
        msg_type=99,  # 10002 (revoke) is known now: see test_real_folders.py
        sub_type=0,
        text="",
    )
    long = Message(**{**_fields(message), "content": "字" * 200})
    assert body_text(long) == "Type: 99 Content: " + "字" * 120 + "<...>"


def _fields(message: Message) -> dict[str, object]:
    return {name: getattr(message, name) for name in Message.__slots__}  # type: ignore[attr-defined]


def test_a_message_line_names_sender_talker_and_time() -> None:
    message = Message(
        seq=1,
        time=datetime(2024, 4, 5, 9, 31, 2).astimezone(),
        talker="123@chatroom",
        sender="wxid_a",
        is_self=False,
        type=1,
        sub_type=0,
        content="hello",
        talker_name="Team",
        sender_name="Alice",
    )
    assert message_text(message, show_talker=True) == (
        "Alice(wxid_a) [Team(123@chatroom)] 04-05 09:31:02\nhello\n"
    )
    assert message_text(message).startswith("Alice(wxid_a) 04-05")


def test_the_user_is_called_me() -> None:
    message = Message(
        seq=1,
        time=datetime(2024, 1, 1).astimezone(),
        talker="wxid_b",
        sender="wxid_self",
        is_self=True,
        type=1,
        sub_type=0,
        content="hi",
    )
    assert message_text(message).startswith("我 ")


def test_session_text_cuts_long_content_at_characters() -> None:
    session = Session("wxid_a", 1, "Alice", "长" * 130, datetime(2024, 1, 1).astimezone())
    assert session_text(session) == "Alice(wxid_a) 2024-01-01 00:00:00\n" + "长" * 120 + " <...>\n"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2024, 4, 1), (2024, 4, 1, 23, 59), "%H:%M:%S"),
        ((2024, 4, 1), (2024, 4, 30, 23, 59), "%m-%d %H:%M:%S"),
        ((2024, 4, 1), (2024, 4, 2), "%H:%M:%S"),  # an end at midnight belongs to the day before
        ((2023, 1, 1), (2024, 12, 31), FULL_TIME_FORMAT),
    ],
)
def test_time_format_is_the_shortest_unambiguous_one(
    start: tuple[int, ...], end: tuple[int, ...], expected: str
) -> None:
    assert time_format_for(datetime(*start).astimezone(), datetime(*end).astimezone()) == expected  # type: ignore[arg-type]


def test_revoke_notices_keep_their_sentence_and_own_recalls_are_the_users() -> None:
    def revoke(msg_type: int, text: str) -> Message:
        return build_message(
            seq=1,
            unix_time=0,
            talker="a",
            sender="a",
            is_self=False,
            msg_type=msg_type,
            sub_type=0,
            text=text,
        )

    other = revoke(
        10002,
        '<sysmsg type="revokemsg"><revokemsg>'
        '<content>"张三" 撤回了一条消息</content></revokemsg></sysmsg>',
    )
    assert body_text(other) == '"张三" 撤回了一条消息' and not other.is_self
    own = revoke(
        10002,
        '<sysmsg type="revokemsg"><revokemsg>'
        "<replacemsg><![CDATA[你撤回了一条消息]]></replacemsg></revokemsg></sysmsg>",
    )
    assert body_text(own) == "你撤回了一条消息" and own.is_self and own.sender == ""
    assert revoke(10000, "你撤回了一条消息").is_self
    assert body_text(revoke(10002, "")) == "[撤回了一条消息]"
