"""The time-range language of chatlog (docs/time-ranges.md), minus its bugs.

A range is written as one point (`2024-05-01`, `2024-05`, `2024Q2`, `yesterday`, ...) which
expands to the whole day, month, quarter or year it names, or as two points joined by `~`, `,`
or ` to `. Every deviation from chatlog is listed in docs/time-ranges.md.

All dates are local time unless the text carries a zone (RFC 3339) or is a Unix timestamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from server.wechat.errors import InvalidTimeRangeError

MIN_YEAR, MAX_YEAR = 1970, 9999
MIN_UNIX, MAX_UNIX = 1_000_000_000, 253_402_300_799
_SEPARATORS = ("~", ",", " to ")

_RELATIVE = re.compile(r"^(\d+)(mo|[hdwmy])-ago$")
_LAST = re.compile(r"^last-(\d+)([dwmy])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_CLOCK = re.compile(r"^(\d\d):(\d\d)$")
_GO_DURATION = re.compile(r"^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$")
_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
_GO_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


class Granularity(IntEnum):
    """How much time a point stands for; a range's ends are widened to it."""

    SECOND = 0
    MINUTE = 1
    HOUR = 2
    DAY = 3
    WEEK = 4
    MONTH = 5
    QUARTER = 6
    YEAR = 7


@dataclass(frozen=True, slots=True)
class TimePoint:
    instant: datetime
    granularity: Granularity


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A closed interval of aware datetimes."""

    start: datetime
    end: datetime

    @property
    def start_unix(self) -> int:
        return max(0, int(self.start.timestamp()))

    @property
    def end_unix(self) -> int:
        return int(self.end.timestamp())


ALL_TIME = TimeRange(
    datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
)


def _local(
    year: int, month: int = 1, day: int = 1, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second).astimezone()


def add_date(moment: datetime, years: int = 0, months: int = 0, days: int = 0) -> datetime:
    """Go's AddDate: month overflow rolls over (Mar 31 minus one month is Mar 3, not Feb 28)."""
    month_index = moment.month - 1 + months
    year = moment.year + years + month_index // 12
    first = date(year, month_index % 12 + 1, 1)
    target = first + timedelta(days=moment.day - 1 + days)
    naive = datetime.combine(target, moment.time().replace(tzinfo=None))
    return naive.astimezone() if _is_local(moment) else naive.replace(tzinfo=moment.tzinfo)


def _is_local(moment: datetime) -> bool:
    """Whether `moment` is in the machine's zone (then DST must be re-resolved after arithmetic)."""
    return moment.tzinfo is not UTC and moment.utcoffset() == moment.astimezone().utcoffset()


def _midnight(moment: datetime) -> datetime:
    return _local(moment.year, moment.month, moment.day)


def _valid_date(year: int, month: int, day: int) -> bool:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _word_point(word: str, now: datetime) -> TimePoint | None:
    today = _midnight(now)
    monday = add_date(today, days=-today.weekday())
    day, week, month, year = Granularity.DAY, Granularity.WEEK, Granularity.MONTH, Granularity.YEAR
    points = {
        "now": TimePoint(now, Granularity.SECOND),
        "today": TimePoint(today, day),
        "yesterday": TimePoint(add_date(today, days=-1), day),
        "this-week": TimePoint(monday, week),
        "last-week": TimePoint(add_date(monday, days=-7), week),
        "this-month": TimePoint(_local(now.year, now.month), month),
        "last-month": TimePoint(add_date(_local(now.year, now.month), months=-1), month),
        "this-year": TimePoint(_local(now.year), year),
        "last-year": TimePoint(_local(now.year - 1), year),
        "all": TimePoint(ALL_TIME.start, year),
    }
    return points.get(word.lower())


def _relative_point(text: str, now: datetime) -> TimePoint | None:
    if not text.endswith("-ago"):
        return None
    if text == "0d-ago":
        return TimePoint(_midnight(now), Granularity.DAY)
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if amount <= 0:
            return None
        if unit == "h":
            return TimePoint(now - timedelta(hours=amount), Granularity.HOUR)
        if unit == "m":  # minutes; chatlog read this as months (`30m-ago` = 30 months ago)
            return TimePoint(now - timedelta(minutes=amount), Granularity.SECOND)
        if unit in ("d", "w"):
            return TimePoint(
                add_date(now, days=-amount * (7 if unit == "w" else 1)), Granularity.DAY
            )
        if unit == "mo":
            return TimePoint(add_date(now, months=-amount), Granularity.MONTH)
        return TimePoint(add_date(now, years=-amount), Granularity.YEAR)
    duration = text.removesuffix("-ago")
    if not _GO_DURATION.match(duration):  # also rejects "-5h" (chatlog: 5 hours in the future)
        return None
    seconds = sum(
        float(number) * _GO_UNIT_SECONDS[unit]
        for number, unit in _GO_DURATION_PART.findall(duration)
    )
    if seconds <= 0:
        return None
    granularity = (
        Granularity.SECOND
        if seconds < 3600
        else Granularity.HOUR
        if seconds < 86400
        else Granularity.DAY
    )
    return TimePoint(now - timedelta(seconds=seconds), granularity)


def _digits_point(text: str) -> TimePoint | None:
    if len(text) == 4:
        year = int(text)
        return TimePoint(_local(year), Granularity.YEAR) if _valid_date(year, 1, 1) else None
    if len(text) == 6:
        return _month_point(int(text[:4]), int(text[4:]))
    if len(text) == 8:
        return _day_point(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 12:
        return _minute_point(text[:8], int(text[8:10]), int(text[10:12]))
    if len(text) == 14:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
        hour, minute, second = int(text[8:10]), int(text[10:12]), int(text[12:])
        if not _valid_date(year, month, day) or hour > 23 or minute > 59 or second > 59:
            return None
        return TimePoint(_local(year, month, day, hour, minute, second), Granularity.SECOND)
    number = int(text)
    if not MIN_UNIX <= number <= MAX_UNIX:
        return None
    return TimePoint(datetime.fromtimestamp(number).astimezone(), Granularity.SECOND)


def _month_point(year: int, month: int) -> TimePoint | None:
    if not _valid_date(year, month, 1):
        return None
    return TimePoint(_local(year, month), Granularity.MONTH)


def _day_point(year: int, month: int, day: int) -> TimePoint | None:
    if not _valid_date(year, month, day):
        return None
    return TimePoint(_local(year, month, day), Granularity.DAY)


def _dashed_numbers(text: str, count: int) -> list[int] | None:
    parts = text.split("-")
    if len(parts) != count or not all(part.isdigit() and part.isascii() for part in parts):
        return None
    return [int(part) for part in parts]


def _date_part(text: str) -> TimePoint | None:
    if len(text) == 8 and text.isdigit() and text.isascii():
        return _day_point(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 10 and text.count("-") == 2:
        numbers = _dashed_numbers(text, 3)
        return _day_point(*numbers) if numbers else None
    return None


def _minute_point(day_text: str, hour: int, minute: int) -> TimePoint | None:
    day = _date_part(day_text)
    if day is None or hour > 23 or minute > 59:
        return None
    start = day.instant
    return TimePoint(_local(start.year, start.month, start.day, hour, minute), Granularity.MINUTE)


def parse_time_point(text: str, now: datetime | None = None) -> TimePoint | None:
    """One point of the language, or None if `text` is not one (chatlog's TimeOf)."""
    text = text.strip()
    if not text:
        return None
    now = now or datetime.now().astimezone()
    word = _word_point(text, now)
    if word is not None:
        return word
    if text.endswith("-ago"):
        return _relative_point(text, now)
    quarter = _QUARTER.match(text)
    if quarter:
        year, number = int(quarter.group(1)), int(quarter.group(2))
        if not _valid_date(year, 1, 1):
            return None
        return TimePoint(_local(year, 3 * number - 2), Granularity.QUARTER)
    if text.isdigit() and text.isascii():
        return _digits_point(text)
    if len(text) == 7 and text.count("-") == 1:
        numbers = _dashed_numbers(text, 2)
        return _month_point(*numbers) if numbers else None
    if len(text) == 10 and text.count("-") == 2:
        return _date_part(text)
    if "/" in text:
        parts = text.split("/")
        clock = _CLOCK.match(parts[1]) if len(parts) == 2 else None
        if clock is None:
            return None
        return _minute_point(parts[0], int(clock.group(1)), int(clock.group(2)))
    if "T" in text and _RFC3339.match(text):
        try:
            return TimePoint(datetime.fromisoformat(text), Granularity.SECOND)
        except ValueError:
            return None
    return None


def _day_start(moment: datetime) -> datetime:
    if _is_local(moment):
        return _midnight(moment)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def floor(point: TimePoint) -> datetime:
    """The first instant of the period the point stands for."""
    moment, granularity = point.instant, point.granularity
    if granularity <= Granularity.HOUR or moment == ALL_TIME.start:
        return moment
    day = _day_start(moment)
    if granularity == Granularity.DAY:
        return day
    if granularity == Granularity.WEEK:
        return add_date(day, days=-day.weekday())
    first_month = {
        Granularity.MONTH: moment.month,
        Granularity.QUARTER: (moment.month - 1) // 3 * 3 + 1,
        Granularity.YEAR: 1,
    }[granularity]
    return add_date(day, months=first_month - moment.month, days=1 - moment.day)


def ceiling(point: TimePoint) -> datetime:
    """The last instant (to the microsecond) of the period the point stands for."""
    granularity = point.granularity
    if granularity <= Granularity.HOUR:
        return point.instant
    start = floor(point)
    next_start = {
        Granularity.DAY: lambda: add_date(start, days=1),
        Granularity.WEEK: lambda: add_date(start, days=7),
        Granularity.MONTH: lambda: add_date(start, months=1),
        Granularity.QUARTER: lambda: add_date(start, months=3),
        Granularity.YEAR: lambda: add_date(start, years=1),
    }[granularity]()
    return next_start - timedelta(microseconds=1)


def _whole(point: TimePoint) -> TimeRange:
    if point.instant == ALL_TIME.start:
        return ALL_TIME
    if point.granularity <= Granularity.DAY:
        point = TimePoint(point.instant, Granularity.DAY)
    return TimeRange(floor(point), ceiling(point))


def parse_time_range(text: str, now: datetime | None = None) -> TimeRange:
    """The closed range `text` names.

    Raises:
        InvalidTimeRangeError: `text` is not in the language, or names a time outside the
            years 1970-9999 (`last-99999999999y`, `9999-12-31T23:59:59Z` widened to its day).
    """
    try:
        return _parse_range(text, now)
    except InvalidTimeRangeError:
        raise
    except (OverflowError, ValueError):  # datetime arithmetic beyond year 1 or 9999
        reason = f": it reaches outside the years {MIN_YEAR}-{MAX_YEAR}"
        raise InvalidTimeRangeError(text, reason) from None


def _parse_range(text: str, now: datetime | None) -> TimeRange:
    stripped = text.strip()
    now = now or datetime.now().astimezone()
    if stripped.lower() == "all":
        return ALL_TIME
    last = _LAST.match(stripped)
    if last:
        amount, unit = int(last.group(1)), last.group(2)
        if amount <= 0:
            raise InvalidTimeRangeError(text)
        today = _midnight(now)
        start = {
            "d": lambda: add_date(today, days=-amount),
            "w": lambda: add_date(today, days=-7 * amount),
            "m": lambda: add_date(today, months=-amount),
            "y": lambda: add_date(today, years=-amount),
        }[unit]()
        return TimeRange(start, ceiling(TimePoint(today, Granularity.DAY)))
    for separator in _SEPARATORS:
        if separator not in stripped:
            continue
        parts = stripped.split(separator)
        if len(parts) != 2:
            continue
        first, second = parse_time_point(parts[0], now), parse_time_point(parts[1], now)
        if first is None or second is None:
            continue
        start, end = floor(first), ceiling(second)
        if start > end:
            start, end = floor(second), ceiling(first)
        return TimeRange(start, end)
    point = parse_time_point(stripped, now)
    if point is None:
        raise InvalidTimeRangeError(text)
    return _whole(point)
