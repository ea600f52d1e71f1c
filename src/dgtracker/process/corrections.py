"""Corrections that leave a trace: edit a candidate's details, undo their last change,
rename or remove a milestone, and take a person erased on request out of the process.

Every correction appends to a history; nothing is deleted. Pure like process/candidate_actions.py:
the clock and the user are passed in.
"""

from __future__ import annotations

from datetime import date, datetime

from dgtracker.dates import format_day
from dgtracker.errors import Refused
from dgtracker.process.candidate_actions import (
    cancel_slot,
    find_candidate,
    find_milestone,
    rerank,
    restore_slots,
    slot_when,
    slots_to_come,
)
from dgtracker.record.model import (
    PERSONAL_FIELDS,
    RESERVE_STAGE,
    Action,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    Record,
    StageKind,
    effective_history,
    stage_and_rank,
)

WITHDRAWN_STAGE = "withdrawn"  # where a person erased on request leaves the process to


def _as_text(value: str | date | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


def _from_text(field: str, text: str) -> str | date | None:
    if not text:
        return None
    return date.fromisoformat(text) if field == "applied" else text


def edit_candidate(
    record: Record,
    wanted: str,
    changes: dict[str, str | date | None],
    *,
    by: str,
    today: date,
    now: datetime,
    reason: str | None = None,
) -> tuple[Candidate, list[str]]:
    """Correct personal details. `changes`: field → new value ("" clears it). Returns the
    candidate and the fields that changed; the event keeps the values they replace."""
    candidate = find_candidate(record, wanted)
    new = {f: (v or None) for f, v in changes.items() if (v or None) != getattr(candidate, f)}
    if not new:
        raise Refused(f"Nothing to change: {candidate.id} already has those details.")
    if "name" in new and new["name"] is None:
        raise Refused("A candidate's name cannot be empty.")
    applied = new.get("applied")
    if isinstance(applied, date) and applied > today:
        raise Refused(f"The applied date {format_day(applied)} is after today.")
    email = new.get("email")
    if isinstance(email, str):
        for other in record.candidates:
            if (
                other is not candidate
                and other.email
                and other.email.casefold() == email.casefold()
            ):
                raise Refused(f"A candidate with that email is already in the record ({other.id}).")
    changed = [f for f in PERSONAL_FIELDS if f in new]
    was = {f: _as_text(getattr(candidate, f)) for f in changed}
    for f in changed:
        setattr(candidate, f, new[f])
    candidate.history.append(
        Event(at=now, on=today, by=by, action=Action.EDITED, reason=reason or None, was=was)
    )
    return candidate, changed


def _last_change(candidate: Candidate) -> tuple[int, Event]:
    """The candidate's last change in force (notes, redactions and slot bookings aside):
    what `undo` cancels. A slot is changed by `schedule` itself (booked again, or
    --cancel); a slot a move cancelled comes back when the move is undone."""
    in_force = {id(event) for event in effective_history(candidate.history)}
    skipped = (Action.NOTE, Action.REDACTED, Action.SCHEDULED)
    for index in range(len(candidate.history) - 1, -1, -1):
        event = candidate.history[index]
        if id(event) not in in_force or event.action in skipped:
            continue
        if event.action == Action.ADDED:
            raise Refused(
                f"{candidate.id} has no change to undo since they were added.",
                hint=f"To take out someone added by mistake: dgtracker purge --candidate "
                f"{candidate.id} (their details are erased; the id stays used).",
            )
        if event.action == Action.PURGED:
            raise Refused(f"{candidate.id}'s personal data was erased; that cannot be undone.")
        return index, event
    raise Refused(f"{candidate.id} has nothing to undo.")


def undo(
    record: Record, wanted: str, *, reason: str, by: str, today: date, now: datetime
) -> tuple[Candidate, Event]:
    """Cancel the candidate's last change with a compensating event; returns the event
    undone. Stage, rank and details become what they were before it."""
    candidate = find_candidate(record, wanted)
    if not reason:
        raise Refused("An undo needs a reason.", hint="Add --reason TEXT.")
    index, undone = _last_change(candidate)
    compensating = Event(at=now, on=today, by=by, action=Action.UNDONE, undoes=index, reason=reason)
    stage, rank = stage_and_rank([*candidate.history, compensating])
    stage = stage or candidate.stage
    if rank is not None and stage == RESERVE_STAGE:
        for other in record.candidates:
            if other is not candidate and other.stage == stage and other.rank == rank:
                raise Refused(
                    f"Undoing gives {candidate.id} place {rank} on the list, now {other.id}'s.",
                    hint=f"Give {other.id} another place first (dgtracker move {other.id} "
                    f"{RESERVE_STAGE} --rank N).",
                )
    if undone.was is not None:
        compensating.was = {f: _as_text(getattr(candidate, f)) for f in undone.was}
        for f, text in undone.was.items():
            setattr(candidate, f, _from_text(f, text))
    if stage != candidate.stage:
        compensating.stage, compensating.from_stage = stage, candidate.stage
    compensating.rank = rank
    restored = restore_slots(candidate, undone, now)
    if restored:
        compensating.note = "; ".join(
            f"{s.assessment.capitalize()} slot {slot_when(s)} restored" for s in restored
        )
    candidate.history.append(compensating)
    candidate.stage, candidate.rank = stage, rank
    return candidate, undone


def describe_event(record: Record, event: Event) -> str:
    """An event in a few words, for messages ("the move to Appointed on Mon 1 Jun 2026")."""
    day = format_day(event.on)
    if event.action == Action.MOVED:
        stage = record.stage(event.stage or "")
        return f"the move to {stage.title if stage else event.stage} on {day}"
    if event.was:
        return f"the edit of {', '.join(event.was)} on {day}"
    if event.action == Action.EDITED and event.rank is not None:
        return f"the new place on the reserve list ({event.rank}) on {day}"
    return f"the {event.action} on {day}"


# --- a person erased on request leaves the process ----------------------------------


def withdraw_erased(
    record: Record, candidate: Candidate, *, by: str, today: date, now: datetime
) -> None:
    """Someone erased on request who is still in the process (or on the reserve list)
    leaves it for the withdrawn stage; those below them on the list move up a place."""
    stage = record.stage(candidate.stage)
    target = record.stage(WITHDRAWN_STAGE)
    if target is None or stage is None:
        return
    if stage.kind != StageKind.ACTIVE and stage.id != RESERVE_STAGE:
        return
    left = candidate.rank if stage.id == RESERVE_STAGE else None
    candidate.history.append(
        Event(
            at=now,
            on=today,
            by=by,
            action=Action.MOVED,
            stage=target.id,
            from_stage=candidate.stage,
        )  # no reason of its own: the purge entry just before it says why
    )
    candidate.stage, candidate.rank = target.id, None
    for slot in slots_to_come(record, candidate, today, now):  # nobody will sit them
        # written after the notes were blanked: no note, as their interview time is theirs
        cancel_slot(candidate, slot, why=None, by=by, today=today, now=now, noted=False)
    if left is None:
        return
    for other in record.candidates:
        if other.stage == RESERVE_STAGE and other.rank is not None and other.rank > left:
            reason = f"{candidate.id} left the list"
            rerank(other, other.rank - 1, by=by, on=today, now=now, reason=reason, today=today)


# --- milestones ---------------------------------------------------------------------


def rename_milestone(
    record: Record, wanted: str, title: str, *, by: str, today: date, now: datetime
) -> Milestone:
    milestone = find_milestone(record, wanted)
    if not title:
        raise Refused("A milestone's title cannot be empty.")
    if title == milestone.title:
        raise Refused(f"'{milestone.id}' is already called that.")
    milestone.history.append(
        MilestoneChange(
            at=now,
            by=by,
            change=MilestoneChangeKind.RENAMED,
            before=milestone.title,
            after=title,
            on=today,
        )
    )
    milestone.title = title
    return milestone


def remove_milestone(
    record: Record, wanted: str, *, reason: str, by: str, today: date, now: datetime
) -> Milestone:
    """A tombstone: the milestone stays in the record, marked removed, with its history."""
    milestone = find_milestone(record, wanted)
    if not reason:
        raise Refused("Removing a milestone needs a reason.", hint="Add --reason TEXT.")
    milestone.history.append(
        MilestoneChange(at=now, by=by, change=MilestoneChangeKind.REMOVED, reason=reason, on=today)
    )
    milestone.removed = today
    return milestone
