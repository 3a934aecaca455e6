"""The time-range language: chatlog's conformance table plus our deliberate deviations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from server.wechat.errors import InvalidTimeRangeError
from server.wechat.timerange import ALL_TIME, parse_time_point, parse_time_range

NOW = datetime(2025, 4, 16, 15, 30, 0).astimezone()  # a Wednesday


def local(*parts: int) -> datetime:
    return datetime(*parts).astimezone()  # type: ignore[arg-type]


def end_of(*parts: int) -> datetime:
    return datetime(*parts, 23, 59, 59, 999999).astimezone()  # type: ignore[arg-type]


POINTS_OK = {
    "2020Q1": local(2020, 1, 1),
    "2020Q2": local(2020, 4, 1),
    "2020Q3": local(2020, 7, 1),
    "2020Q4": local(2020, 10, 1),
    "2020": local(2020, 1, 1),
    "1970": local(1970, 1, 1),
    "9999": local(9999, 1, 1),
    "202001": local(2020, 1, 1),
    "202012": local(2020, 12, 1),
    "2020-01": local(2020, 1, 1),
    "2020-12": local(2020, 12, 1),
    "20200101": local(2020, 1, 1),
    "20201231": local(2020, 12, 31),
    "2020-01-01": local(2020, 1, 1),
    "2020-12-31": local(2020, 12, 31),
    "20200229": local(2020, 2, 29),
    "20200101/12:34": local(2020, 1, 1, 12, 34),
    "2020-01-01/12:34": local(2020, 1, 1, 12, 34),
    "20200101120000": local(2020, 1, 1, 12),
    "20201231235959": local(2020, 12, 31, 23, 59, 59),
    "1577836800": datetime.fromtimestamp(1577836800, UTC),
    "1609459199": datetime.fromtimestamp(1609459199, UTC),
    "2020-01-01T12:00:00Z": datetime(2020, 1, 1, 12, tzinfo=UTC),
    "2020-01-01T12:00:00+08:00": datetime(2020, 1, 1, 12, tzinfo=timezone(timedelta(hours=8))),
    "2020-01-01T12:00Z": datetime(2020, 1, 1, 12, tzinfo=UTC),
    "2020-1-012": local(2020, 1, 12),
}

POINTS_FAILING = [
    "",
    "   ",
    "invalid-ago",
    "-1d-ago",
    "2020Q5",
    "1969Q1",
    "10000Q1",
    "1969",
    "10000",
    "202",
    "202013",
    "2020-13",
    "2020-00",
    "196912",
    "1969-12",
    "20190229",
    "20200230",
    "2020-02-30",
    "20200000",
    "20200132",
    "19691231",
    "1969-12-31",
    "20200101/24:00",
    "20200101/12:60",
    "20200101/12:34:56",
    "20200101/12-34",
    "19691231/12:34",
    "20200101240000",
    "20200101126000",
    "20200101120060",
    "2020010112000",
    "202001011200000",
    "19691231235959",
    "999999999",
    "253402300800",
    "abc",
    "2020-01-01T12:00:00",
    "2020-01-01 12:00:00Z",
    "99999",
    "2020/01/01",
    "01/01/2020",
    "2020-1-1",
    "20201-01-01",
    "9" * 38,
    "a" * 10000,
    "!@#$%^&*()",
    "2020-01-01' OR '1'='1",
    "21000229",
    "0h-ago",
    "5H-ago",
    "-5h-ago",
    "last-7D",
    "2020q1",
]

NOW_DEPENDENT = [
    "now",
    "today",
    "yesterday",
    "this-week",
    "last-week",
    "this-month",
    "last-month",
    "this-year",
    "last-year",
    "all",
    "1h-ago",
    "24h-ago",
    "1d-ago",
    "7d-ago",
    "1w-ago",
    "1m-ago",
    "1y-ago",
    "0d-ago",
    "Today",
    "NOW",
    "ALL",
    "1h30m-ago",
    "90s-ago",
    "1.5h-ago",
]


@pytest.mark.parametrize(("text", "expected"), POINTS_OK.items())
def test_a_point_in_the_conformance_table_parses_to_its_instant(
    text: str, expected: datetime
) -> None:
    point = parse_time_point(text, NOW)
    assert point is not None
    assert point.instant == expected


@pytest.mark.parametrize("text", POINTS_FAILING)
def test_a_point_outside_the_language_is_rejected(text: str) -> None:
    assert parse_time_point(text, NOW) is None


@pytest.mark.parametrize("text", NOW_DEPENDENT)
def test_relative_words_parse(text: str) -> None:
    assert parse_time_point(text, NOW) is not None


def test_leap_days_are_checked() -> None:
    assert parse_time_point("20000229", NOW) is not None
    assert parse_time_point("20190229", NOW) is None


def test_zoned_instants_keep_their_offset() -> None:
    utc = parse_time_point("2020-01-01T12:00:00Z", NOW)
    eastern = parse_time_point("2020-01-01T12:00:00-05:00", NOW)
    assert utc is not None and eastern is not None
    assert eastern.instant - utc.instant == timedelta(hours=5)


RANGES = {
    "2020-01-01~2020-01-31": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "2020-01-01,2020-01-31": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "2020-01-01 to 2020-01-31": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "20200101~20200131": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "2020-01-31~2020-01-01": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "2020-01-01": (local(2020, 1, 1), end_of(2020, 1, 1)),
    "20200101": (local(2020, 1, 1), end_of(2020, 1, 1)),
    "2020-01": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "202001": (local(2020, 1, 1), end_of(2020, 1, 31)),
    "2020Q1": (local(2020, 1, 1), end_of(2020, 3, 31)),
    "2020": (local(2020, 1, 1), end_of(2020, 12, 31)),
    "2020-01-01/12:34": (local(2020, 1, 1), end_of(2020, 1, 1)),
    "20200101120000": (local(2020, 1, 1), end_of(2020, 1, 1)),
    "2020-02-29": (local(2020, 2, 29), end_of(2020, 2, 29)),
    "2020~2021": (local(2020, 1, 1), end_of(2021, 12, 31)),
    "2020Q1~2020Q2": (local(2020, 1, 1), end_of(2020, 6, 30)),
    "20200101 to 20200105": (local(2020, 1, 1), end_of(2020, 1, 5)),
    " 2020-01-01 ~ 2020-01-02 ": (local(2020, 1, 1), end_of(2020, 1, 2)),
    "2023-04-18/14:30~2023-04-18/15:45": (local(2023, 4, 18, 14, 30), local(2023, 4, 18, 15, 45)),
    "2019-02": (local(2019, 2, 1), end_of(2019, 2, 28)),
    "2020-02": (local(2020, 2, 1), end_of(2020, 2, 29)),
    "2020-01-01T12:00:00Z": (
        datetime(2020, 1, 1, tzinfo=UTC),
        datetime(2020, 1, 1, 23, 59, 59, 999999, tzinfo=UTC),
    ),
    # Deviations from chatlog (docs/time-ranges.md):
    "this-week": (local(2025, 4, 14), end_of(2025, 4, 20)),
    "last-week": (local(2025, 4, 7), end_of(2025, 4, 13)),
    "1mo-ago": (local(2025, 3, 1), end_of(2025, 3, 31)),
    "30m-ago": (local(2025, 4, 16), end_of(2025, 4, 16)),
    "30m-ago~now": (NOW - timedelta(minutes=30), NOW),
    # Unchanged chatlog behaviour worth pinning:
    "1m-ago~now": (NOW - timedelta(minutes=1), NOW),
    "1w-ago": (local(2025, 4, 9), end_of(2025, 4, 9)),
    "1y-ago": (local(2024, 1, 1), end_of(2024, 12, 31)),
    "last-1m": (local(2025, 3, 16), end_of(2025, 4, 16)),
    "last-7d": (local(2025, 4, 9), end_of(2025, 4, 16)),
    "today": (local(2025, 4, 16), end_of(2025, 4, 16)),
    "yesterday": (local(2025, 4, 15), end_of(2025, 4, 15)),
    "this-month": (local(2025, 4, 1), end_of(2025, 4, 30)),
    "last-year": (local(2024, 1, 1), end_of(2024, 12, 31)),
    "2024-01-01~now": (local(2024, 1, 1), NOW),
}


@pytest.mark.parametrize(("text", "expected"), RANGES.items())
def test_a_range_covers_exactly_the_period_it_names(
    text: str, expected: tuple[datetime, datetime]
) -> None:
    time_range = parse_time_range(text, NOW)
    assert (time_range.start, time_range.end) == expected


def test_all_spans_every_message() -> None:
    assert parse_time_range("all", NOW) == ALL_TIME
    assert parse_time_range("ALL", NOW) == ALL_TIME
    assert parse_time_range("all~2020", NOW).end == end_of(2020, 12, 31)


def test_go_month_arithmetic_rolls_over_like_chatlog() -> None:
    march_31 = datetime(2023, 3, 31, 12).astimezone()
    assert parse_time_range("last-1m", march_31).start == local(2023, 3, 3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "last-0d",
        "last--1d",
        "last-1x",
        "2020-01-01~invalid",
        "invalid~2020-01-31",
        "2020-01-01~2020-02-30",
        "2020-01-01~",
        "~2020-01-31",
        "invalid",
        "2019-02-29",
        "2020-04-31",
        "2020-01-01,2020-01-02,2020-01-03",
        "1d-ago~",
        "-5h-ago",
    ],
)
def test_an_unreadable_range_raises_an_error_that_shows_examples(text: str) -> None:
    with pytest.raises(InvalidTimeRangeError, match="Examples"):
        parse_time_range(text, NOW)


@pytest.mark.parametrize(
    "text",
    [
        "last-99999999999y",
        "last-9000y",
        "99999999999y-ago",
        "9999999999999999h-ago",
        "99999999999999999999999mo-ago",
        "9999-12-31T23:59:59Z",
        "1e308h-ago",
    ],
)
def test_times_beyond_the_supported_years_are_a_clear_error(text: str) -> None:
    with pytest.raises(InvalidTimeRangeError, match="`time`"):
        parse_time_range(text)
