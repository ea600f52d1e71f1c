"""Dates typed by people: accepted shapes, and refusals that explain themselves."""

from datetime import date, time, timedelta

import pytest

from dgtracker.date_input import parse_date, parse_when
from dgtracker.dates import When, add_months, format_day, format_when
from dgtracker.errors import Refused

TODAY = date(2026, 2, 2)  # Monday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-02-09", date(2026, 2, 9)),
        ("09/02/2026", date(2026, 2, 9)),
        ("9/2/2026", date(2026, 2, 9)),
        ("9 Feb 2026", date(2026, 2, 9)),
        ("9 February", date(2026, 2, 9)),
        ("9th February 2026", date(2026, 2, 9)),
        ("Mon 9 Feb 2026", date(2026, 2, 9)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 2, 3)),
        ("yesterday", date(2026, 2, 1)),
        ("monday", date(2026, 2, 9)),  # the next one, not today
        ("fri", date(2026, 2, 6)),
        ("+7d", date(2026, 2, 9)),
        ("-2w", date(2026, 1, 19)),
        ("+1m", date(2026, 3, 2)),
    ],
)
def test_accepted_dates(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("31/02/2026", "February 2026 has no day 31"),
        ("2026-02-30", "February 2026 has no day 30"),
        ("13/13/2026", "no month 13"),
        ("02/09", "needs the year in full"),
        ("2/9/26", "needs the year in full"),
        ("Tue 9 Feb 2026", "is a Monday"),
        ("next week sometime", "Cannot read"),
        ("", "Cannot read"),
    ],
)
def test_refused_dates(typed: str, why: str) -> None:
    with pytest.raises(Refused) as caught:
        parse_date(typed, TODAY)
    assert why in caught.value.message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("early March 2026", When(date(2026, 3, 1), date(2026, 3, 10), None, "early March 2026")),
        ("mid March 2026", When(date(2026, 3, 11), date(2026, 3, 20), None, "mid March 2026")),
        ("late Feb 2026", When(date(2026, 2, 21), date(2026, 2, 28), None, "late February 2026")),
        (
            "late February 2028",
            When(date(2028, 2, 21), date(2028, 2, 29), None, "late February 2028"),
        ),
        ("w/c 2 March 2026", When(date(2026, 3, 2), date(2026, 3, 8), None, "w/c 2 March 2026")),
        ("March 2026", When(date(2026, 3, 1), date(2026, 3, 31), None, "March 2026")),
        ("2026-03-02..2026-03-06", When(date(2026, 3, 2), date(2026, 3, 6))),
        ("2 Mar 2026 to 6 Mar 2026", When(date(2026, 3, 2), date(2026, 3, 6))),
        ("tbc", When()),
        ("To be confirmed", When()),
        ("2026-02-09 14:00", When(date(2026, 2, 9), date(2026, 2, 9), time(14, 0))),
        ("9 Feb 2026 at 23:55", When(date(2026, 2, 9), date(2026, 2, 9), time(23, 55))),
        ("9 Feb", When(date(2026, 2, 9), date(2026, 2, 9))),
    ],
)
def test_milestone_schedules(typed: str, expected: When) -> None:
    assert parse_when(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("w/c 3 March 2026", "starts on a Monday"),
        ("2026-03-06..2026-03-02", "ends before it starts"),
        ("2026-02-09 25:00", "not a time of day"),
        ("31/02/2026", "no day 31"),
        ("soonish", "Cannot read"),
    ],
)
def test_refused_schedules(typed: str, why: str) -> None:
    with pytest.raises(Refused) as caught:
        parse_when(typed, TODAY)
    assert why in caught.value.message


def test_formats_read_the_same_in_every_locale() -> None:
    assert format_day(date(2026, 2, 9)) == "Mon 9 Feb 2026"
    assert format_when(When(date(2026, 3, 1), date(2026, 3, 10), None, "early March 2026")) == (
        "early March 2026 (1–10 Mar)"
    )
    assert format_when(When(date(2026, 2, 28), date(2026, 3, 3))) == "Sat 28 Feb – Tue 3 Mar 2026"
    assert format_when(When()) == "to be confirmed"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("03-02-2026", date(2026, 2, 3)),
        ("2026/02/03", date(2026, 2, 3)),
        ("3.2.2026", date(2026, 2, 3)),
    ],
)
def test_more_accepted_day_first_and_year_first_forms(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_windows_across_a_month_end_read_correctly() -> None:
    assert (
        format_when(parse_when("w/c 23 Feb 2026", TODAY)) == "w/c 23 February 2026 (23 Feb–1 Mar)"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 9), 0, date(2026, 5, 9)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected) -> None:
    assert add_months(day, months) == expected


def test_add_months_refuses_years_date_cannot_hold() -> None:
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(ValueError):
        add_months(date(1, 1, 1), -1)


def test_add_months_agrees_with_relativedelta() -> None:
    """The stdlib add_months does what `day + relativedelta(months=n)` did before it."""
    relativedelta = pytest.importorskip("dateutil.relativedelta").relativedelta
    first = date(2023, 11, 1)
    for offset in range(0, 900, 1):  # every day of Nov 2023 .. Apr 2026: ends of months, 29 Feb
        day = first + timedelta(days=offset)
        for months in range(-40, 41):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)


def test_month_names_and_lengths_are_the_calendars() -> None:
    """dates.py spells them out rather than load calendar (and locale) on every command."""
    import calendar

    from dgtracker.dates import MONTH_NAMES, days_in_month

    assert tuple(calendar.month_name)[1:] == MONTH_NAMES
    for year in (*range(1, 20), *range(1896, 2105), *range(9990, 10000)):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]
