"""Keywords are RE2 regular expressions: linear-time matching, refused features named."""

from __future__ import annotations

import time

import pytest

from server.wechat.errors import InvalidKeywordError, UnsupportedKeywordError
from server.wechat.keyword import KeywordPattern, compile_keyword


def test_a_keyword_matches_chinese_text_and_alternatives() -> None:
    pattern = KeywordPattern("火锅|hotpot")
    assert pattern.search("周末去吃火锅吗")
    assert pattern.search("HOTPOT tonight") is False
    assert KeywordPattern("(?i)hotpot").search("HOTPOT tonight")
    assert KeywordPattern(r"^.吃$").search("我吃")  # "." is one character, not one byte


def test_no_keyword_means_no_pattern() -> None:
    assert compile_keyword("") is None


@pytest.mark.parametrize(
    "bomb", ["(.*.*)*(@)", "(a+)+$", "(a|a)*b", "(x+x+)+y", ".*.*.*.*.*.*.*.*=@"]
)
def test_catastrophic_patterns_finish_at_once_on_a_long_text(bomb: str) -> None:
    text = "a" * 200_000 + "x" * 200_000
    started = time.monotonic()
    KeywordPattern(bomb).search(text)
    # Normally 1 ms; Python's re would take longer than the universe.
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("keyword", "feature"),
    [
        ("(?<=a)b", "lookbehind"),
        ("(?<!a)b", "negative lookbehind"),
        ("a(?=b)", "lookahead"),
        ("a(?!b)", "negative lookahead"),
        (r"(a)\1", "backreference"),
        ("(?P<x>a)(?P=x)", "backreference"),
        ("(?>a)", "atomic group"),
        ("a++", "possessive"),
        ("a{2}+", "possessive"),
        (r"\u706b", "\\u escape"),
    ],
)
def test_features_that_need_backtracking_are_refused_by_name(keyword: str, feature: str) -> None:
    with pytest.raises(UnsupportedKeywordError, match="unsupported regex feature") as caught:
        KeywordPattern(keyword)
    assert feature in str(caught.value) and "`keyword`" in str(caught.value)


@pytest.mark.parametrize("keyword", ["(", "[a", "a)", "*a", "a{1001}", "\ud800"])
def test_invalid_patterns_get_a_message_naming_the_keyword(keyword: str) -> None:
    with pytest.raises(InvalidKeywordError, match="`keyword`"):
        KeywordPattern(keyword)


def test_deep_nesting_and_huge_counts_neither_crash_nor_hang() -> None:
    assert KeywordPattern("(" * 5000 + "a" + ")" * 5000).search("xa")
    assert not KeywordPattern("a{4294967296}").search("aaaa")


def test_a_megabyte_keyword_is_refused_or_compiled_within_bounds() -> None:
    started = time.monotonic()
    try:
        KeywordPattern("(a|b)" * 200_000)
    except InvalidKeywordError as error:
        assert "pattern too large" in str(error)
        assert len(str(error)) < 500  # the keyword is not echoed whole
    assert time.monotonic() - started < 10  # normally 0.2 s
