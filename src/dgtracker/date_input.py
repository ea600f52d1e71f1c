"""Dates as people type them: accepted shapes only, so that nothing ambiguous slips through.

Pure functions: "today" is always passed in, never looked up here. Typed text is first
matched against a short list of accepted shapes; dates.add_months does the month
arithmetic. Only commands that take a typed date load this module (its patterns take a few
milliseconds to compile).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dgtracker.dates import (
    ISO_DAY,
    MONTH_NAMES,
    MONTHS,
    WEEKDAYS,
    When,
    add_months,
    format_day,
    out_of_range,
)
from dgtracker.errors import Refused
from dgtracker.text import visible

_MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(MONTH_NAMES)}
_MONTH_NUMBER.update({abbr.lower(): i + 1 for i, abbr in enumerate(MONTHS)})
_MONTH_NUMBER["sept"] = 9
_WEEKDAY_NUMBER = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY_NUMBER.update({abbr.lower(): i for i, abbr in enumerate(WEEKDAYS)})

_MONTH_RE = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAY_NUMBER, key=len, reverse=True))
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")
_SHORT_YEAR = re.compile(r"^\d{1,2}([/.-])\d{1,2}\1\d{2}$")
_NO_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}$")
_DAY_MONTH = re.compile(
    rf"^(?:(?:{_WEEKDAY_RE}),?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmy])$", re.IGNORECASE)
_NEXT_WEEKDAY = re.compile(rf"^(?:next\s+)?({_WEEKDAY_RE})$", re.IGNORECASE)
_TIME = re.compile(r"^(.*?)(?:\s+at\s+|\s+|T)(\d{1,2}):(\d{2})$", re.IGNORECASE)
_PART_OF_MONTH = re.compile(
    rf"^(early|mid|late)[\s-]+({_MONTH_RE})(?:\s+(\d{{4}}))?$", re.IGNORECASE
)
_WHOLE_MONTH = re.compile(rf"^({_MONTH_RE})\s+(\d{{4}})$", re.IGNORECASE)
_WEEK_COMMENCING = re.compile(r"^(?:w/?c|week commencing)\s+(.+)$", re.IGNORECASE)
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|\bto\b|–|—)\s*(.+)$", re.IGNORECASE)
_TBC = {"tbc", "tba", "to be confirmed", "unknown"}

ACCEPTED_DATES = (
    "2026-02-09, 09/02/2026 (day first), 9 Feb 2026, Mon 9 Feb 2026, 9 February, today, "
    "tomorrow, yesterday, a weekday name (the next one), +7d, -2w, +1m, +1y"
)
ACCEPTED_WHEN = (
    f"a date ({ACCEPTED_DATES}), a date and time (2026-02-09 14:00), "
    "a window (early/mid/late March 2026, March 2026, w/c 2 March 2026, "
    "2026-03-02..2026-03-06) or tbc"
)


class Unreadable(Refused):
    """The text matches none of the accepted shapes (as opposed to an impossible date)."""


def _refuse(text: str, what: str, accepted: str) -> Refused:
    return Unreadable(f"Cannot read '{text}' as {what}.", hint=f"Accepted: {accepted}.")


def _build(year: int, month: int, day: int, text: str, day_first: bool = False) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            why = f"{MONTH_NAMES[month - 1]} {year} has no day {day}"
        else:
            why = f"there is no month {month}"
        raise Refused(
            f"'{text}' is not a real date: {why}.",
            hint="Dates are read day first: 09/02/2026 is 9 February 2026." if day_first else None,
        ) from None


def parse_date(text: str, today: date) -> date:
    """Read a date typed by a person; refuse anything ambiguous, impossible, or beyond the
    years a record can hold (dates.EARLIEST to dates.LATEST)."""
    try:
        day = _parse_date(text, today)
    except (OverflowError, ValueError):  # +9999y: beyond the calendar itself
        raise _beyond(text) from None
    _check_range(text, day)
    return day


def _beyond(text: str) -> Refused:
    return Refused(
        f"'{visible(text)}' is beyond the years a record can hold (1900 to 2999).",
        hint="Check the year.",
    )


def _check_range(text: str, *days: date | None) -> None:
    for day in days:
        if day is not None and out_of_range(day):
            raise _beyond(text)


def _parse_date(text: str, today: date) -> date:
    raw = " ".join(text.strip().split())
    lowered = raw.lower()
    if lowered in {"today", "now"}:
        return today
    if lowered == "tomorrow":
        return today + timedelta(days=1)
    if lowered == "yesterday":
        return today - timedelta(days=1)
    if ISO_DAY.fullmatch(raw):
        year, month, day = (int(part) for part in raw.split("-"))
        return _build(year, month, day, raw)
    if match := _DAY_FIRST.match(raw):
        return _build(int(match[4]), int(match[3]), int(match[1]), raw, day_first=True)
    if match := _YEAR_FIRST.match(raw):
        return _build(int(match[1]), int(match[3]), int(match[4]), raw)
    if _SHORT_YEAR.match(raw) or _NO_YEAR.match(raw):
        raise Refused(
            f"'{raw}' needs the year in full, as in 09/02/2026.",
            hint="A two-digit or missing year could mean more than one date.",
        )
    if match := _DAY_MONTH.match(raw):
        year = int(match[3]) if match[3] else today.year
        result = _build(year, _MONTH_NUMBER[match[2].lower()], int(match[1]), raw)
        _check_weekday(raw, result)
        return result
    if match := _RELATIVE.match(raw):
        amount = int(match[2]) * (1 if match[1] == "+" else -1)
        unit = match[3].lower()
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        return add_months(today, amount * (12 if unit == "y" else 1))
    if match := _NEXT_WEEKDAY.match(raw):
        ahead = (_WEEKDAY_NUMBER[match[1].lower()] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    raise _refuse(text, "a date", ACCEPTED_DATES)


def _check_weekday(raw: str, result: date) -> None:
    """'Mon 9 Feb 2026' is accepted, but only if 9 Feb 2026 is a Monday."""
    first = raw.split()[0].rstrip(",").lower()
    if first in _WEEKDAY_NUMBER and _WEEKDAY_NUMBER[first] != result.weekday():
        raise Refused(
            f"'{raw}' does not add up: {format_day(result)} is a "
            f"{calendar.day_name[result.weekday()]}.",
        )


def parse_when(text: str, today: date) -> When:
    """Read a milestone's date, date and time, window of days, or 'tbc'."""
    try:
        when = _parse_when(text, today)
    except (OverflowError, ValueError):  # w/c 27 December 9999: the week runs past the calendar
        raise _beyond(text) from None
    _check_range(text, when.start, when.end)
    return when


def _parse_when(text: str, today: date) -> When:
    raw = " ".join(text.strip().split())
    lowered = raw.lower()
    if lowered in _TBC:
        return When()
    if match := _PART_OF_MONTH.match(raw):
        part, month_name, year_text = match[1].lower(), match[2], match[3]
        month = _MONTH_NUMBER[month_name.lower()]
        year = int(year_text) if year_text else today.year
        last = calendar.monthrange(year, month)[1]
        first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
        label = f"{part} {MONTH_NAMES[month - 1]} {year}"
        return When(date(year, month, first_day), date(year, month, last_day), None, label)
    if match := _WHOLE_MONTH.match(raw):
        month, year = _MONTH_NUMBER[match[1].lower()], int(match[2])
        last = calendar.monthrange(year, month)[1]
        label = f"{MONTH_NAMES[month - 1]} {year}"
        return When(date(year, month, 1), date(year, month, last), None, label)
    if match := _WEEK_COMMENCING.match(raw):
        monday = parse_date(match[1], today)
        if monday.weekday() != 0:
            raise Refused(
                f"'{raw}': a week commencing starts on a Monday, "
                f"but {format_day(monday)} is a {calendar.day_name[monday.weekday()]}.",
            )
        label = f"w/c {monday.day} {MONTH_NAMES[monday.month - 1]} {monday.year}"
        return When(monday, monday + timedelta(days=6), None, label)
    if match := _RANGE.match(raw):
        start, end = parse_date(match[1], today), parse_date(match[2], today)
        if end < start:
            raise Refused(f"'{raw}': the window ends before it starts.")
        return When(start, end)
    if (match := _TIME.match(raw)) and not ISO_DAY.fullmatch(raw):
        day = parse_date(match[1], today)
        hour, minute = int(match[2]), int(match[3])
        if hour > 23 or minute > 59:
            raise Refused(f"'{raw}': {hour:02d}:{minute:02d} is not a time of day.")
        return When(day, day, time(hour, minute))
    try:
        day = parse_date(raw, today)
    except Unreadable:
        raise _refuse(text, "a milestone date", ACCEPTED_WHEN) from None
    return When(day, day)


# --- dates in spreadsheet cells ------------------------------------------------------

# A time after the date, as exports write it: "09/02/2026 14:32", "2026-02-09T14:32:00Z",
# "2026-02-09 14:32:00.000+01:00", "9 Feb 2026 2:32 pm".
_CELL_TIME = re.compile(
    r"^(.*?\d)(?:T|\s+)(\d{1,2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:([ap])\.?m\.?)?\s*(Z|UTC|GMT|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$",
    re.IGNORECASE,
)
# "09-Feb-2026", "9-Feb-26", "09 Feb 26", "9/February/2026": Excel's and job sites' forms.
_CELL_NAMED_MONTH = re.compile(rf"^(\d{{1,2}})[-\s/.]({_MONTH_RE})\.?[-\s/.](\d{{2}}|\d{{4}})$",
                               re.IGNORECASE)  # fmt: skip
_CELL_SHORT_YEAR = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2})$")
# "Jan 15, 2026", "January 15th 2026", "Thu, Jan 15, 2026": US job sites (Indeed) write the
# month first. The month is a name, so the order is clear; the year is needed ("Jan 26"
# could be a day or a year).
_CELL_MONTH_FIRST = re.compile(
    rf"^(?:(?:{_WEEKDAY_RE}),?\s+)?({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$",
    re.IGNORECASE,
)
ACCEPTED_CELL_DATES = (
    f"{ACCEPTED_DATES}; in a file also a date and time (09/02/2026 14:32, "
    "2026-02-09T14:32:00Z; the day is kept), 09-Feb-2026, 9-Feb-26, 09/02/26 "
    "(a two-digit year is 2000 + the year: 26 is 2026) and the month first with its year "
    "(Jan 15, 2026)"
)


def parse_cell_date(text: str, today: date, zone: str | None = None) -> date:
    """A date from a spreadsheet cell: what `parse_date` reads, plus the shapes exports use.

    A time is dropped and the day written is kept, unless a zone follows it
    ("2026-06-09T23:30:00Z"): then the day is the one it was in `zone`, the campaign's
    (10 June in London). A two-digit year means 20YY: a file holds applications, never
    dates before 2000.
    """
    raw = " ".join(text.strip().split())
    moment = None
    if (match := _CELL_TIME.match(raw)) and not ISO_DAY.fullmatch(raw):
        hour, minute = int(match[2]), int(match[3])
        if hour > 23 or minute > 59 or (match[4] and not 1 <= hour <= 12):
            raise Refused(f"'{raw}': {match[2]}:{match[3]} is not a time of day.")
        if match[4]:  # 12 am is midnight, 12 pm noon
            hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
        moment = (time(hour, minute), match[5])
        raw = match[1]
    day = _cell_day(raw, text, today)
    if moment is None or moment[1] is None or zone is None:
        return day
    written = datetime.combine(day, moment[0], _offset(moment[1]))
    return written.astimezone(ZoneInfo(zone)).date()


def _offset(written: str) -> tzinfo:
    """Z, UTC, GMT, +01:00, +0100 or -05 as a fixed offset from UTC."""
    if written.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if written[0] == "-" else 1
    digits = written[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _cell_day(raw: str, text: str, today: date) -> date:
    if match := _CELL_NAMED_MONTH.match(raw):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        return _build(year, _MONTH_NUMBER[match[2].lower()], int(match[1]), raw)
    if match := _CELL_MONTH_FIRST.match(raw):
        day = _build(int(match[3]), _MONTH_NUMBER[match[1].lower()], int(match[2]), raw)
        _check_weekday(raw, day)
        return day
    if match := _CELL_SHORT_YEAR.match(raw):
        return _build(2000 + int(match[4]), int(match[3]), int(match[1]), raw, day_first=True)
    try:
        return parse_date(raw, today)
    except Unreadable:
        raise _refuse(text, "a date", ACCEPTED_CELL_DATES) from None
