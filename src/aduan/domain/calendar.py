"""The business calendar of Asia/Jakarta: Monday–Friday less holidays and cuti bersama, and office hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    # "government" is the category that carries cuti bersama, the joint leave days offices close on.
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"), language="id")
    return frozenset(days.keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closed_days(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end``; 0 when ``end <= start``."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


# ---------------------------------------------------------------- office hours (moments, not just days)

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """When Pemprov DKI's offices are open, per weekday (Monday = 0); a closed day has no window.

    The default is the regular schedule of the province's ASN (Perpres 21/2023, Pergub DKI): Monday to
    Thursday 08:00–16:00 WIB, Friday 08:00–16:30 WIB (the longer Friday break is inside the window)."""

    windows: tuple[tuple[time, time] | None, ...] = (
        (time(8, 0), time(16, 0)),
        (time(8, 0), time(16, 0)),
        (time(8, 0), time(16, 0)),
        (time(8, 0), time(16, 0)),
        (time(8, 0), time(16, 30)),
        None,
        None,
    )

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing of ``day`` in Jakarta time, or None when the office is closed all day."""
        hours = self.windows[day.weekday()]
        if hours is None or not is_working_day(day):
            return None
        opening, closing = hours
        return datetime.combine(day, opening, JAKARTA), datetime.combine(day, closing, JAKARTA)


DEFAULT_HOURS = OfficeHours()


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a moment must carry its time zone")
    return moment.astimezone(JAKARTA)


def _next_open_day(day: date, hours: OfficeHours) -> date:
    """``day`` itself when the office opens on it, else the first following day it does."""
    while hours.window(day) is None:
        day += timedelta(days=1)
    return day


def _at_clock(day: date, clock: time, hours: OfficeHours) -> datetime:
    """The moment at ``clock`` on ``day`` (an open day), held within that day's opening and closing."""
    window = hours.window(day)
    assert window is not None
    moment = datetime.combine(day, clock, JAKARTA)
    return min(max(moment, window[0]), window[1])


def counting_start(received: datetime, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """When a deadline starts counting: at once during office hours; a report received before opening
    counts from that day's opening, one received after closing, on a weekend or on a holiday from the next
    working day's opening."""
    local = _local(received)
    window = hours.window(local.date())
    if window is not None and local < window[1]:
        return max(local, window[0])
    day = _next_open_day(local.date() + timedelta(days=1), hours)
    opening = hours.window(day)
    assert opening is not None
    return opening[0]


def add_working_days_at(start: datetime, count: int, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """``count`` working days after ``start``: the same clock time on the ``count``-th working day after
    ``start``'s day, held within that day's office hours (Friday 16:20 + 1 is Monday 16:00)."""
    if count < 0:
        raise ValueError("count must not be negative")
    local = _local(start)
    day = local.date()
    for _ in range(count):
        day = _next_open_day(day + timedelta(days=1), hours)
    if count == 0:
        day = _next_open_day(day, hours)
    return _at_clock(day, local.time(), hours)


def subtract_working_days_at(moment: datetime, count: int, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """``count`` working days before ``moment``: the same clock time on the ``count``-th working day before
    ``moment``'s day, held within that day's office hours."""
    if count < 0:
        raise ValueError("count must not be negative")
    local = _local(moment)
    day = local.date()
    for _ in range(count):
        day -= timedelta(days=1)
        while hours.window(day) is None:
            day -= timedelta(days=1)
    if count == 0:
        day = _next_open_day(day, hours)
    return _at_clock(day, local.time(), hours)


def add_calendar_days_at(start: datetime, count: int, hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """``count`` calendar days after ``start``; a moment that falls on a closed day moves to the same clock
    time on the next working day, and any moment is held within its day's office hours."""
    if count < 0:
        raise ValueError("count must not be negative")
    local = _local(start) + timedelta(days=count)
    return _at_clock(_next_open_day(local.date(), hours), local.time(), hours)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Jakarta: an EWS date is met until midnight."""
    return datetime.combine(day, time(23, 59, 59), JAKARTA)
