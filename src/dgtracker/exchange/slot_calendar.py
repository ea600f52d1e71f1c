"""Candidates' slots as calendar events, for `export ics --slots`.

Calendars get shared, so a slot's title names the candidate by id only, unless the user
asks for names, and nothing says who on the panel has declared a conflict. Times go out
in UTC (no time-zone table needed); UIDs are stable and SEQUENCE counts the changes, so that
a calendar importing the file again updates a moved slot rather than adding a copy, and
drops a cancelled one (STATUS:CANCELLED; every other slot is CONFIRMED). Like
exchange/calendar_export.py, the events depend only on the record, never on the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Event

from dgtracker.exchange.calendar_export import uid_domain
from dgtracker.record.model import Candidate, Record, Slot

NO_CHANGE_STAMP = datetime(1970, 1, 1, tzinfo=UTC)


def slot_events(record: Record, *, with_names: bool = False) -> list[Event]:
    return [
        slot_event(record, candidate, slot, with_names=with_names)
        for candidate in record.candidates
        for slot in candidate.slots
    ]


def slot_uid(record: Record, candidate: Candidate, slot: Slot) -> str:
    """One slot's UID: the same in `export ics --slots` and in an invitation's calendar
    request, so accepting either updates the one event."""
    return f"slot-{candidate.id}-{slot.assessment}@{uid_domain(record)}"


def slot_event(
    record: Record, candidate: Candidate, slot: Slot, *, with_names: bool = False
) -> Event:
    zone = ZoneInfo(record.campaign.timezone)
    stage = record.stage(slot.assessment)
    what = stage.title if stage else slot.assessment
    # no name where the name-blind sift hides it (process/blind.py)
    who = f"{candidate.id} {candidate.name}" if with_names and candidate.name else candidate.id
    event = Event()
    event.add("uid", slot_uid(record, candidate, slot))
    changed = slot.cancelled or slot.booked or NO_CHANGE_STAMP
    event.add("dtstamp", changed.astimezone(UTC))
    event.add("sequence", slot.rescheduled)
    event.add("status", "CANCELLED" if slot.cancelled else "CONFIRMED")
    event.add("summary", f"{what}: {who}")
    event.add("dtstart", slot.at.replace(tzinfo=zone).astimezone(UTC))
    event.add("dtend", slot.end.replace(tzinfo=zone).astimezone(UTC))
    if slot.where:
        event.add("location", slot.where)
    event.add("description", record.campaign.title)
    return event
