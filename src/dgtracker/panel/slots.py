"""Candidates' assessment and interview slots: booking, clashes, a day's agenda, and the
reminder of tomorrow's slots.

A campaign has one panel, so two slots that overlap in time are a clash, whoever they
are for. Times are local to the campaign's time zone. Pure functions: the clock and the
user are passed in.

Booking and cancelling import the candidate actions they use in their own calls: `remind`
reads tomorrow's slots here on every run, and needs none of them (nor the field rules they
load; start-up budget).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dgtracker.compared import FrozenCompared
from dgtracker.errors import Refused
from dgtracker.record.model import Action, Candidate, Event, Record, Slot, StageKind
from dgtracker.text import visible

if TYPE_CHECKING:
    from dgtracker.record.summary import Watch

SLOT = "slot"  # the reminder kind, part of the `remind --json` contract


def clashes(record: Record, candidate: Candidate, new: Slot) -> list[tuple[Candidate, Slot]]:
    """The booked slots that overlap `new` (the one it replaces left out)."""
    found = []
    for other in record.candidates:
        for slot in other.slots:
            if slot.cancelled is not None:
                continue
            if other is candidate and slot.assessment == new.assessment:
                continue
            if slot.at < new.end and new.at < slot.end:
                found.append((other, slot))
    return found


def book(
    record: Record,
    wanted: str,
    assessment: str,
    at: datetime,
    *,
    minutes: int,
    where: str | None,
    allow_overlap: bool,
    by: str,
    today: date,
    now: datetime,
) -> tuple[Candidate, Slot | None]:
    """Book (or move) a candidate's slot at an assessment; returns it and the slot before."""
    from dgtracker.process.candidate_actions import find_candidate, resolve_stage, slot_when

    candidate = find_candidate(record, wanted)
    stage_id = resolve_stage(record, assessment)
    at_stage = record.stage(candidate.stage)
    if at_stage is not None and at_stage.kind != StageKind.ACTIVE:
        # Their slots were cancelled when they left; a new one would sit in the diary for
        # nobody (and take the place `undo` would restore a cancelled one into).
        raise Refused(
            f"{candidate.id} is at '{at_stage.id}', an outcome: a slot is booked only for "
            "someone still in the process.",
            hint=f"Reinstate them first (dgtracker undo {candidate.id} --reason TEXT, or "
            f"dgtracker move {candidate.id} STAGE --reinstate --reason TEXT).",
        )
    if minutes < 1:
        raise Refused("A slot lasts at least one minute.")
    where = where or None
    earlier = next((s for s in candidate.slots if s.assessment == stage_id), None)
    slot = Slot(
        stage_id, at, minutes, where, now, 0 if earlier is None else earlier.rescheduled + 1
    )
    standing = earlier if earlier is not None and earlier.cancelled is None else None
    if standing and (standing.at, standing.minutes, standing.where) == (at, minutes, where):
        raise Refused(f"{candidate.id} is already booked for {stage_id} at {slot_when(standing)}.")
    overlap = clashes(record, candidate, slot)
    if overlap and not allow_overlap:
        other, taken = overlap[0]
        raise Refused(
            f"{slot_when(slot)} overlaps {other.id}'s {taken.assessment} slot "
            f"({slot_when(taken)}); the panel cannot be in both.",
            hint="Choose another time, or add --allow-overlap if the panel really splits.",
        )
    note = f"{stage_id.capitalize()} slot {slot_when(slot)}" + (f" ({where})" if where else "")
    if standing:
        note += f"; was {slot_when(standing)}" + (f" ({standing.where})" if standing.where else "")
    if earlier is not None:
        candidate.slots.remove(earlier)
    candidate.slots.append(slot)
    candidate.history.append(
        Event(at=now, on=today, by=by, action=Action.SCHEDULED, stage=None, note=note)
    )
    return candidate, earlier


def cancel(
    record: Record, wanted: str, assessment: str, *, by: str, today: date, now: datetime
) -> tuple[Candidate, Slot]:
    """Cancel a candidate's booked slot at an assessment."""
    from dgtracker.process.candidate_actions import cancel_slot, find_candidate, resolve_stage

    candidate = find_candidate(record, wanted)
    stage_id = resolve_stage(record, assessment)
    slot = next((s for s in candidate.slots if s.assessment == stage_id), None)
    if slot is None or slot.cancelled is not None:
        state = "no slot" if slot is None else "only a cancelled slot"
        raise Refused(
            f"{candidate.id} has {state} for {stage_id}; there is nothing to cancel.",
            hint=f"See their slots: dgtracker show {candidate.id}",
        )
    cancel_slot(candidate, slot, why=None, by=by, today=today, now=now)
    return candidate, slot


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AgendaItem(FrozenCompared):
    """One entry of the panel's agenda."""

    candidate: Candidate
    slot: Slot
    absent: list[str]  # panel members who do not sit for this candidate (a conflict)


def sitting(record: Record, candidate: Candidate) -> str:
    """The panel for a candidate: every member, less any with a conflict (named)."""
    if not record.panel:
        return "—"
    marking = [m for m in record.panel if not m.conflicted(candidate.id)]
    text = ", ".join(m.name for m in marking) or "—"
    out = [m.name for m in record.panel if m.conflicted(candidate.id)]
    return text + (f" (not {', '.join(out)}: conflict)" if out else "")


def agenda(record: Record, day: date) -> list[AgendaItem]:
    items = []
    for candidate in record.candidates:
        for slot in candidate.slots:
            if slot.at.date() == day and slot.cancelled is None:
                absent = [m.name for m in record.panel if m.conflicted(candidate.id)]
                items.append(AgendaItem(candidate, slot, absent))
    return sorted(items, key=lambda item: (item.slot.at, item.candidate.id))


def slot_reminders(
    watches: list[Watch], today: date, within: int | None
) -> Iterator[tuple[str, date, int, str]]:
    """(subject, day, days ahead, message) for each slot tomorrow (or within a digest),
    from the slots booked and not cancelled that `remind` keeps of each candidate
    (record/summary.py `Watch`)."""
    ahead = max(1, within or 1)  # a digest may ask past the calendar's last day: up to it
    last = date.max if ahead > (date.max - today).days else today + timedelta(days=ahead)
    coming = sorted(
        (
            (at, candidate.id, candidate.name, assessment, where)
            for candidate in watches
            for at, assessment, where in map(_booked, candidate.slots)
            if today < at.date() <= last
        ),
        key=lambda item: item[:2],
    )
    for at, cid, name, assessment, where in coming:
        day = at.date()
        days = (day - today).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        place = f" ({visible(where)})" if where else ""
        message = f"{cid} {visible(name)}: {assessment} {when} at {at:%H:%M}{place}"
        yield cid, day, days, message


def _booked(slot: tuple[str, str, str | None]) -> tuple[datetime, str, str | None]:
    at, assessment, where = slot
    return datetime.fromisoformat(at), assessment, where
