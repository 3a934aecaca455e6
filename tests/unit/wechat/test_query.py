"""The query layer's shortcuts: literal extraction from regexes, fixed labels, local times."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from server.wechat import content as kind
from server.wechat.errors import InvalidKeywordError
from server.wechat.keyword import KeywordPattern
from server.wechat.model import Message
from server.wechat.query import required_literal
from server.wechat.readers.base import local_time
from server.wechat.render import CONSTANT_BODY_TEXT, body_text


@pytest.mark.parametrize(
    ("keyword", "literal"),
    [
        ("火锅", "火锅"),
        ("周末.*吃火锅吗", "吃火锅吗"),
        ("火锅|hotpot", None),
        ("(火锅|hotpot)好吃", "好吃"),
        (r"\[链接\|Python", "[链接|Python"),
        ("ab?c", "a"),
        ("abc+d", "abc"),
        ("abcd*", "abc"),
        ("x{2}yz", "yz"),
        ("x{2,}?yz", "yz"),
        ("a{b", "a"),
        (r"\d+元", "元"),
        (r"\x41bcd", "bcd"),
        (r"\u706b锅", "锅"),
        (r"(a)\1bc", "bc"),
        ("[火锅]汤", "汤"),
        ("[]x]yz", "yz"),
        ("(?i)alice", None),
        ("(?x) a b", None),
        ("(?=abc)abd", "abd"),
        ("^$", None),
        (".", None),
        (r"\x{706b}锅", "锅"),
        (r"\p{Han}+火锅", "火锅"),
        (r"\pL火锅", "火锅"),
        ("[[:alpha:]]xy", "xy"),
        (r"\Qa.b\E", None),
        ("(?U)abc", None),
    ],
)
def test_required_literal(keyword: str, literal: str | None) -> None:
    assert required_literal(keyword) == literal


_ALPHABET = ["a", "b", "火", "锅", *".*+?|()[]{}\\^$1,2", "\\pL", "[:alpha:]", "\\x{706b}"]


def _random_pattern(rng: random.Random) -> KeywordPattern | None:
    text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 8)))
    try:
        return KeywordPattern(text)
    except InvalidKeywordError:
        return None


def test_every_match_contains_the_extracted_literal() -> None:
    rng = random.Random(7)
    haystacks = [
        "".join(rng.choice("ab火锅12{},") for _ in range(rng.randint(0, 12))) for _ in range(300)
    ]
    checked = 0
    for _ in range(3000):
        pattern = _random_pattern(rng)
        if pattern is None:
            continue
        literal = required_literal(pattern.keyword)
        if literal is None:
            continue
        for text in haystacks:
            if pattern.search(text):
                assert literal in text, (pattern.keyword, literal, text)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("msg_type", sorted(CONSTANT_BODY_TEXT))
def test_constant_labels_are_what_rendering_writes(msg_type: int) -> None:
    message = Message(
        seq=1,
        time=local_time(0),
        talker="wxid_a",
        sender="wxid_a",
        is_self=False,
        type=msg_type,
        sub_type=0,
        content="anything 火锅",
        contents={"md5": "abc", "path": "p", "voice": "1", "rawmd5": "r"},
    )
    assert body_text(message) == CONSTANT_BODY_TEXT[msg_type]
    assert kind.TEXT not in CONSTANT_BODY_TEXT


def test_local_time_matches_astimezone() -> None:
    rng = random.Random(3)
    for stamp in [0, 1, 1_700_000_000, *(rng.randint(0, 2_000_000_000) for _ in range(2000))]:
        expected = datetime.fromtimestamp(stamp).astimezone()
        got = local_time(stamp)
        assert (got, got.tzinfo, got.tzname(), got.isoformat()) == (
            expected,
            expected.tzinfo,
            expected.tzname(),
            expected.isoformat(),
        )
