"""The record as it stood at the end of a past day, rebuilt from its append-only history.

Pure: a record and a day in, a new record out (the one given is left as it was). Every
read command given `--as-of D` before the latest recorded change shows this record, so
that what it prints on D can be printed again later, unchanged by what came after:

- candidates: present once added; their history up to D; stage and reserve rank from
  the changes in force on D (undos applied); personal details as they were, by taking
  back each later edit (a purge is never taken back: erased data stays erased); slots
  as they stood (one cancelled later standing, one booked later left out);
- the name-blind sift: the settings made by D, the last of them in force;
- milestones: present once added and not yet removed; schedule, title and done as they
  were, by taking back each later reschedule and rename; their history up to D.

A change's day is the record's own day when it was written (which --as-of sets), not
the wall clock, nor the earlier day a backdated change took effect.

The date parser (dateutil) is imported only for a milestone's free-text time (start-up budget).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from dgtracker.dates import When
from dgtracker.errors import Refused
from dgtracker.record.model import (
    PERSONAL_FIELDS,
    Action,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    Record,
    Slot,
    stage_and_rank,
)
from dgtracker.record.summary import Summary, Watch, latest_day


def latest_change(
    record: Record, summaries: Sequence[Summary | Watch] | None = None
) -> date | None:
    """The day of the latest change the record holds (None: it holds none). `summaries`:
    its candidates' summaries or watches (record/summary.py; each holds the day of their
    latest change), for a record read without them."""
    if summaries is None:
        days = [day for day in map(latest_day, record.candidates) if day is not None]
    else:
        latest = max((s.latest for s in summaries if s.latest is not None), default=None)
        days = [] if latest is None else [date.fromordinal(latest)]
    days += [change.day for m in record.milestones for change in m.history]
    days += [m.done for m in record.milestones if m.done is not None]
    days += [setting.on for setting in record.blind]
    return max(days, default=None)


def as_it_stood(record: Record, day: date) -> Record:
    """The record as it stood at the end of `day`."""
    return replace(
        record,
        milestones=[m for m in (_milestone(m, day) for m in record.milestones) if m],
        candidates=[c for c in (_candidate(c, day) for c in record.candidates) if c],
        blind=[setting for setting in record.blind if setting.on <= day],
    )


# --- candidates ---------------------------------------------------------------------


def _candidate(candidate: Candidate, day: date) -> Candidate | None:
    added = next((e.day for e in candidate.history if e.action == Action.ADDED), None)
    if added is not None and added > day:
        return None
    if added is None and candidate.applied is not None and candidate.applied > day:
        return None
    kept = _history_until(candidate.history, day)
    later_answers = any(answer.on > day for answer in candidate.monitoring)
    if len(kept) == len(candidate.history) and not later_answers:
        return candidate
    details: dict[str, str | date | bool | None] = {
        f: getattr(candidate, f) for f in PERSONAL_FIELDS
    }
    for event in reversed([e for e in candidate.history if e.day > day]):
        _take_back(details, event)
    stage, rank = stage_and_rank(kept)
    return replace(
        candidate,
        slots=_slots(candidate, day),
        name=_text(details["name"]) or candidate.name,
        email=_text(details["email"]),
        phone=_text(details["phone"]),
        source=_text(details["source"]),
        applied=details["applied"] if isinstance(details["applied"], date) else None,
        disability_confident=details["disability_confident"] is True,
        adjustments=_text(details["adjustments"]),
        monitoring=[answer for answer in candidate.monitoring if answer.on <= day],
        stage=stage or candidate.stage,
        rank=rank,
        history=kept,
    )


def _slots(candidate: Candidate, day: date) -> list[Slot]:
    """The slots as they stood: one booked later left out, one cancelled later standing,
    one brought back later by an undo still cancelled (or, undone before its cancel,
    standing). Each change is found in the history by its kind and moment, which the slot
    keeps (the last of one kind at one moment: changes in one second share it; a booking
    is the last before its cancel, which may share its second)."""
    history = candidate.history
    places: dict[tuple[Action, datetime | None], list[int]] = {}
    for index, event in enumerate(history):
        places.setdefault((event.action, event.at), []).append(index)

    def last(action: Action, at: datetime | None, before: int) -> tuple[int, Event | None]:
        found = [index for index in places.get((action, at), ()) if index < before]
        return (found[-1], history[found[-1]]) if found else (before, None)

    end = len(history)
    found = []
    for slot in candidate.slots:
        restore = last(Action.UNDONE, slot.booked, end)[1]
        restored_later = restore is not None and restore.day > day
        if restored_later and restore is not None and restore.undoes is not None:
            undone = history[restore.undoes]
            before = 1 if undone.day <= day else 2  # the restore, and the cancel if later
            cancelled = undone.at if before == 1 else None
            slot = replace(slot, cancelled=cancelled, rescheduled=slot.rescheduled - before)
        # A cancel after the day first (it counts in `rescheduled`): a slot booked after
        # the day and cancelled since was never booked on it, not moved.
        cancelled_at, cancel = last(Action.SCHEDULED, slot.cancelled, end)
        if cancel is not None and cancel.day > day:
            slot = replace(slot, cancelled=None, rescheduled=slot.rescheduled - 1)
        booking = None if restored_later else last(Action.SCHEDULED, slot.booked, cancelled_at)[1]
        if booking is not None and booking.day > day and slot.rescheduled == 0:
            continue  # booked later
        found.append(slot)
    return found


def _text(value: str | date | bool | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _take_back(details: dict[str, str | date | bool | None], event: Event) -> None:
    """Undo a later change's effect on personal details (an edit, or the undo of one)."""
    for field, text in (event.was or {}).items():
        if field == "disability_confident":
            details[field] = bool(text)
        elif field == "applied":
            details[field] = date.fromisoformat(text) if text else None
        else:
            details[field] = text or None


def _history_until(history: list[Event], day: date) -> list[Event]:
    """The events made by the end of `day`; an undo keeps pointing at the same event."""
    position: dict[int, int] = {}
    kept: list[Event] = []
    for index, event in enumerate(history):
        if event.day > day:
            continue
        if event.undoes is not None:
            if event.undoes not in position:
                continue  # what it undoes came later: nothing to undo yet
            if position[event.undoes] != event.undoes:
                event = replace(event, undoes=position[event.undoes])
        position[index] = len(kept)
        kept.append(event)
    return kept


# --- milestones ---------------------------------------------------------------------


def _milestone(milestone: Milestone, day: date) -> Milestone | None:
    history = milestone.history
    added = next((c.day for c in history if c.change == MilestoneChangeKind.ADDED), None)
    if added is not None and added > day:
        return None
    kept = [change for change in history if change.day <= day]
    done_now = milestone.done if milestone.done is not None and milestone.done <= day else None
    if len(kept) == len(history) and done_now == milestone.done:
        return milestone
    when, title = milestone.when, milestone.title
    for change in reversed([c for c in history if c.day > day]):
        if change.change == MilestoneChangeKind.RESCHEDULED and change.before is not None:
            when = _schedule(change.before, when, day)
        elif change.change == MilestoneChangeKind.RENAMED and change.before is not None:
            title = change.before
    return replace(
        milestone,
        title=title,
        when=when,
        done=_done(milestone, kept, day),
        removed=next(
            (c.day for c in kept if c.change == MilestoneChangeKind.REMOVED),
            None,
        ),
        history=kept,
    )


def _done(milestone: Milestone, kept: list[MilestoneChange], day: date) -> date | None:
    """Marked done by the end of `day`: the changes then in force say so; a milestone
    marked done without a history entry (by hand) counts from the day it gives."""
    if not any(c.change == MilestoneChangeKind.DONE for c in milestone.history):
        return milestone.done if milestone.done is not None and milestone.done <= day else None
    done = None
    for change in kept:
        if change.change == MilestoneChangeKind.DONE and change.after:
            done = date.fromisoformat(change.after)
        elif change.change == MilestoneChangeKind.REOPENED:
            done = None
    return done


def _schedule(spec: str, current: When, day: date) -> When:
    """A schedule from its history text (model.when_spec); the current one if unreadable."""
    from dgtracker.date_input import parse_when

    try:
        return parse_when(spec, day)
    except Refused:
        return current
