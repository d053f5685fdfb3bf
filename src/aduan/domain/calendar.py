"""The business calendar of Asia/Jakarta: Monday–Friday less public holidays and cuti bersama."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

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
