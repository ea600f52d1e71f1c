"""Milestones as an iCalendar file (RFC 5545), built with the `icalendar` library.

The file depends only on the record, never on today or the clock, so that exporting an
unchanged record gives the same bytes, and a calendar that imports it again updates its
events (stable UIDs, SEQUENCE and DTSTAMP) rather than adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from dgtracker.dates import format_day, format_when, format_when_inline
from dgtracker.model import Milestone, Record

PRODUCT_ID = "-//dgtracker//dgtracker//EN"
REMIND_AT = time(9, 0)  # alarms go off at the start of the working day, not at midnight
# The DTSTAMP of a milestone with no recorded change. A fixed moment rather than "now":
# the export must not change unless the record does.
NO_CHANGE_STAMP = datetime(1970, 1, 1, tzinfo=UTC)


def milestone_uid(record: Record, milestone: Milestone) -> str:
    """The same milestone always has the same UID, so calendars update, not duplicate."""
    return f"{milestone.id}@{record.campaign.id}.dgtracker"


def calendar_bytes(record: Record, extra: Iterable[Event] = ()) -> bytes:
    """The milestones that have a date, as an iCalendar file (CRLF line ends, folded);
    `extra`: more events to include (candidates' slots, from slot_calendar.py)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", record.campaign.title)
    for milestone in record.milestones:
        if milestone.when.start is not None:
            calendar.add_component(_event(record, milestone))
    for event in extra:
        calendar.add_component(event)
    _add_time_zone(calendar, record)
    data: bytes = calendar.to_ical()
    return data


def _event(record: Record, milestone: Milestone) -> Event:
    event = Event()
    event.add("uid", milestone_uid(record, milestone))
    event.add("dtstamp", last_changed(milestone))
    # Calendars take the event with the higher SEQUENCE as the newer one.
    event.add("sequence", sum(1 for c in milestone.history if c.change == "rescheduled"))
    event.add("summary", milestone.title)
    event.add("description", _description(record, milestone))
    start, end = _span(milestone, record.campaign.timezone)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    # Milestones mark the diary; they should not block time as busy.
    event.add("transp", "TRANSPARENT")
    if not milestone.done:  # reminders for something already done help nobody
        for days in sorted(set(milestone.reminder_days), reverse=True):
            event.add_component(_alarm(milestone, days))
    return event


def last_changed(milestone: Milestone) -> datetime:
    """The latest recorded change: a deterministic DTSTAMP that still moves on each change."""
    moments = [change.at.astimezone(UTC).replace(microsecond=0) for change in milestone.history]
    return max(moments, default=NO_CHANGE_STAMP)


def _span(milestone: Milestone, timezone: str) -> tuple[date | datetime, date | None]:
    """DTSTART and DTEND: all-day dates end the day after (DTEND is exclusive)."""
    when = milestone.when
    assert when.start is not None and when.end is not None
    if when.time is not None:
        # A moment (a deadline) in the campaign's zone; with no DTEND it lasts no time.
        return datetime.combine(when.start, when.time, ZoneInfo(timezone)), None
    return when.start, when.end + timedelta(days=1)


def _description(record: Record, milestone: Milestone) -> str:
    lines = [record.campaign.title, format_when(milestone.when)]
    if milestone.done:
        lines.append(f"Done on {format_day(milestone.done)}.")
    reasons = [c.reason for c in milestone.history if c.change == "rescheduled" and c.reason]
    if reasons:
        lines.append(f"Rescheduled: {reasons[-1]}")
    return "\n".join(lines)


def alarm_offset(days_before: int, at: time | None) -> timedelta:
    """From the start to REMIND_AT on the reminder day (never after a timed start)."""
    since_midnight = timedelta(hours=at.hour, minutes=at.minute) if at else timedelta(0)
    offset = timedelta(days=-days_before, hours=REMIND_AT.hour) - since_midnight
    return min(offset, timedelta(0)) if at else offset


def _alarm(milestone: Milestone, days_before: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text(milestone, days_before))
    alarm.add("trigger", alarm_offset(days_before, milestone.when.time))
    return alarm


def alarm_text(milestone: Milestone, days_before: int) -> str:
    soon = {0: "today", 1: "tomorrow"}.get(days_before, f"in {days_before} days")
    starts = "starts " if milestone.when.is_window else ""
    return f"{milestone.title} {starts}{soon} ({format_when_inline(milestone.when)})"


def _add_time_zone(calendar: Calendar, record: Record) -> None:
    """A VTIMEZONE for timed events, covering only the years they fall in (small, stable)."""
    years = [m.when.start.year for m in record.milestones if m.when.start and m.when.time]
    if not years:
        return
    calendar.add_missing_timezones(
        first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1)
    )
