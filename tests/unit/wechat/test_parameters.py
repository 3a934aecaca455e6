"""The parameter rules shared by the MCP tools and the HTTP API."""

from __future__ import annotations

import pytest

from server.wechat.parameters import MAX_COUNT, BadParameterError, check_text, parse_count


@pytest.mark.parametrize("raw", [None, "", "  ", "null", "NULL", "undefined", "None"])
def test_an_empty_or_null_count_is_not_given(raw: str | None) -> None:
    assert parse_count("limit", raw) is None


@pytest.mark.parametrize(("raw", "value"), [("5", 5), (" 7 ", 7), ("-3", 0), ("0", 0)])
def test_counts_are_whole_numbers_and_negative_ones_are_zero(raw: str, value: int) -> None:
    assert parse_count("limit", raw) == value


@pytest.mark.parametrize("raw", ["ten", "1.5", "NaN", "inf", "1e3", "9" * 5000, "0x10"])
def test_a_count_that_is_no_whole_number_names_the_parameter(raw: str) -> None:
    with pytest.raises(BadParameterError, match="`offset`: must be a whole number"):
        parse_count("offset", raw)


def test_a_count_beyond_the_maximum_names_the_parameter() -> None:
    assert parse_count("limit", str(MAX_COUNT)) == MAX_COUNT
    with pytest.raises(BadParameterError, match=f"`limit`: must be at most {MAX_COUNT}"):
        parse_count("limit", "99999999999999999999999")


def test_text_with_an_unpaired_surrogate_is_refused_by_name() -> None:
    assert check_text("talker", "老妈\x00") == "老妈\x00"
    with pytest.raises(BadParameterError, match="`talker`: holds invalid Unicode"):
        check_text("talker", "a\ud800")
