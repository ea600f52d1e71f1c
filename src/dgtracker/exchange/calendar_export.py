"""Milestones as an iCalendar file (RFC 5545), built with the `icalendar` library.

The file depends only on the record, never on today or the clock, so that exporting an
unchanged record gives the same bytes, and a calendar that imports it again updates its
events (stable UIDs, SEQUENCE and DTSTAMP) rather than adding copies.

A milestone that had a date and lost it (moved back to "to be confirmed", or removed) is
still sent, at its last known dates, as STATUS:CANCELLED with a higher SEQUENCE, for as
long as the record holds it: a calendar that imported the event then drops it, whenever
it next reads the file. By default an event has one alarm, before its start (Outlook
takes at most one, and reads a duration trigger as "before the start" whatever its sign,
per Microsoft's MS-OXCICAL); `alarms="all"` gives one for each reminder day.

The date parser (dateutil) is imported only for a milestone's free-text time (start-up budget).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vText

from dgtracker.dates import When, format_day, format_when, format_when_inline
from dgtracker.record.model import Milestone, MilestoneChangeKind, Record

PRODUCT_ID = "-//dgtracker//dgtracker//EN"
REMIND_AT = time(9, 0)  # alarms go off at the start of the working day, not at midnight
# The DTSTAMP of a milestone with no recorded change. A fixed moment rather than "now":
# the export must not change unless the record does.
NO_CHANGE_STAMP = datetime(1970, 1, 1, tzinfo=UTC)
TIMED_LENGTH = timedelta(hours=1)  # a milestone at a time of day: the record has no end
ALARMS = ("one", "all", "none")


def uid_domain(record: Record) -> str:
    """What follows the '@' of every UID: the record's own calendar token (made at `init`)
    keeps two records of one title apart; a record made before tokens keeps the UIDs it
    always had, so a calendar that imported it goes on updating rather than duplicating."""
    token = record.campaign.calendar
    return f"{token}.{record.campaign.id}.dgtracker" if token else f"{record.campaign.id}.dgtracker"


def milestone_uid(record: Record, milestone: Milestone) -> str:
    """The same milestone always has the same UID, so calendars update, not duplicate."""
    return f"{milestone.id}@{uid_domain(record)}"


def calendar_bytes(record: Record, alarms: str = "one", extra: Iterable[Event] = ()) -> bytes:
    """The milestones that have (or had) a date, as an iCalendar file (CRLF, folded);
    `extra`: more events to include (candidates' slots, from exchange/slot_calendar.py)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(record.campaign.title))  # escaped like any text
    for milestone in record.milestones:
        when = shown_when(milestone)
        if when is not None:
            calendar.add_component(_event(record, milestone, when, alarms))
    for event in extra:
        calendar.add_component(event)
    _add_time_zone(calendar, record)
    data: bytes = calendar.to_ical()
    return data


def is_cancelled(milestone: Milestone) -> bool:
    """Sent as a cancelled event: removed, or back to "to be confirmed"."""
    return milestone.removed is not None or milestone.when.start is None


def shown_when(milestone: Milestone) -> When | None:
    """The dates its event has: its own, else the last it had; None if it never had one."""
    if milestone.when.start is not None:
        return milestone.when
    from dgtracker.date_input import parse_when

    for change in reversed(milestone.history):
        for spec in (change.after, change.before):
            if spec and spec != "tbc":
                # A `when_spec` is absolute (ISO days, labels with their year).
                return parse_when(spec, date(2000, 1, 1))
    return None


def sequence(milestone: Milestone) -> int:
    """Each reschedule and the removal count: calendars keep the highest SEQUENCE."""
    counted = (MilestoneChangeKind.RESCHEDULED, MilestoneChangeKind.REMOVED)
    changes = sum(1 for change in milestone.history if change.change in counted)
    noted = any(change.change == MilestoneChangeKind.REMOVED for change in milestone.history)
    return changes + (1 if milestone.removed is not None and not noted else 0)


def _event(record: Record, milestone: Milestone, when: When, alarms: str) -> Event:
    cancelled = is_cancelled(milestone)
    event = Event()
    event.add("uid", milestone_uid(record, milestone))
    event.add("dtstamp", last_changed(milestone))
    event.add("sequence", sequence(milestone))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", milestone.title + _cancelled_note(milestone))
    event.add("description", _description(record, milestone, when))
    start, end = _span(when, record.campaign.timezone)
    event.add("dtstart", start)
    event.add("dtend", end)
    # Milestones mark the diary; they should not block time as busy.
    event.add("transp", "TRANSPARENT")
    if not milestone.done and not cancelled:  # reminders for something done help nobody
        for days in _alarm_days(milestone, alarms):
            event.add_component(_alarm(milestone, days, alarms))
    return event


def _cancelled_note(milestone: Milestone) -> str:
    if milestone.removed is not None:
        return " (removed)"
    return " (date to be confirmed)" if milestone.when.start is None else ""


def _alarm_days(milestone: Milestone, alarms: str) -> list[int]:
    """ "all": every reminder day; "one": the nearest day before (else the day itself)."""
    days = sorted(set(milestone.reminder_days), reverse=True)
    if alarms == "all":
        return days
    if alarms == "none" or not days:
        return []
    before = [day for day in days if day >= 1]
    return [min(before) if before else 0]


def last_changed(milestone: Milestone) -> datetime:
    """The latest recorded change: a deterministic DTSTAMP that still moves on each change."""
    moments = [change.at.astimezone(UTC).replace(microsecond=0) for change in milestone.history]
    return max(moments, default=NO_CHANGE_STAMP)


def _span(when: When, timezone: str) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND: all-day dates end the day after (DTEND is exclusive)."""
    assert when.start is not None and when.end is not None
    if when.time is not None:
        start = datetime.combine(when.start, when.time, ZoneInfo(timezone))
        return start, start + TIMED_LENGTH
    return when.start, when.end + timedelta(days=1)


def _description(record: Record, milestone: Milestone, when: When) -> str:
    lines = [record.campaign.title, format_when(when)]
    if milestone.removed is not None:
        lines.append(f"Removed on {format_day(milestone.removed)}: this event is cancelled.")
    elif milestone.when.start is None:
        lines.append("The date is to be confirmed again: this event is cancelled.")
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


def _alarm(milestone: Milestone, days_before: int, alarms: str) -> Alarm:
    offset = alarm_offset(days_before, milestone.when.time)
    if alarms == "one":
        offset = min(offset, timedelta(0))  # never after the start: Outlook reads it so
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text(milestone, days_before))
    alarm.add("trigger", offset)
    return alarm


def alarm_text(milestone: Milestone, days_before: int) -> str:
    soon = {0: "today", 1: "tomorrow"}.get(days_before, f"in {days_before} days")
    starts = "starts " if milestone.when.is_window else ""
    return f"{milestone.title} {starts}{soon} ({format_when_inline(milestone.when)})"


def _add_time_zone(calendar: Calendar, record: Record) -> None:
    """A VTIMEZONE for timed events, covering only the years they fall in (small, stable).

    Built here and put first rather than left to `add_missing_timezones`, whose placement
    and extra UTC zone vary between icalendar releases (6.3 puts it last, 7.0 adds UTC).
    """
    shown = [shown_when(milestone) for milestone in record.milestones]
    years = [when.start.year for when in shown if when and when.start and when.time]
    if not years:
        return
    zone = Timezone.from_tzid(
        record.campaign.timezone,
        first_date=date(min(years), 1, 1),
        last_date=date(max(years) + 1, 1, 1),
    )
    calendar.subcomponents.insert(0, zone)
