"""Dates as people read them: days, windows and "to be confirmed", written out the same way
in every locale. Pure functions.

Reading what people type is date_input.py's job, loaded only by commands that take a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from dgtracker.compared import FrozenCompared

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# calendar.month_name's, spelt out: Python's calendar loads locale to find them, and
# their C locale (which Python never leaves for dates) is these (tests/test_dates.py).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # the shape of 2026-02-09 (use fullmatch)
# The days a record can hold: far wider than any campaign, and far enough from the ends of
# Python's calendar (year 9999) that a window, an alarm or a day after still exists.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def out_of_range(day: date) -> str | None:
    """Why a day is outside what a record can hold, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{day.isoformat()} is outside the years a record can hold (1900 to 2999)"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class When(FrozenCompared):
    """When a milestone happens: a day, a day and time, a window of days, or not yet known."""

    start: date | None = None
    end: date | None = None
    time: time | None = None
    label: str | None = None

    @property
    def is_tbc(self) -> bool:
        return self.start is None

    @property
    def is_window(self) -> bool:
        return self.start is not None and self.end is not None and self.end > self.start


def format_day(day: date) -> str:
    """Mon 9 Feb 2026 — the same in every locale."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def format_span(start: date, end: date) -> str:
    """Sun 1 – Tue 10 Mar 2026; Sat 28 Feb – Tue 3 Mar 2026."""
    if start.year != end.year:
        return f"{format_day(start)} – {format_day(end)}"
    first = f"{WEEKDAYS[start.weekday()]} {start.day}"
    if start.month != end.month:
        first += f" {MONTHS[start.month - 1]}"
    return f"{first} – {format_day(end)}"


def _window_days(start: date, end: date) -> str:
    """1–10 Mar; 23 Feb–1 Mar."""
    last = f"{end.day} {MONTHS[end.month - 1]}"
    if start.month == end.month:
        return f"{start.day}–{last}"
    return f"{start.day} {MONTHS[start.month - 1]}–{last}"


def format_when_inline(when: When) -> str:
    """As format_when, but without brackets, for text that is itself in brackets."""
    if when.label and when.is_window and when.start and when.end:
        return f"{when.label}, {_window_days(when.start, when.end)}"
    return format_when(when)


def format_when(when: When) -> str:
    if when.start is None or when.end is None:
        return "to be confirmed"
    if when.is_window:
        if when.label:
            return f"{when.label} ({_window_days(when.start, when.end)})"
        return format_span(when.start, when.end)
    if when.time is not None:
        return f"{format_day(when.start)} {when.time:%H:%M}"
    return format_day(when.start)


def add_working_days(day: date, days: int) -> date:
    """The day `days` working days (Monday to Friday) after `day`; bank holidays count as
    working days (the record does not know them)."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 Aug + 6 months = 28 Feb).

    `months` may be negative. Raises ValueError outside years 1 to 9999, as `date` does.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def days_in_month(year: int, month: int) -> int:
    """How many days the month has (calendar.monthrange's second value)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]
