"""Changes to a record's candidates: each checks the rules, then changes the record in
memory; and finding a milestone or a stage by what a person typed (a candidate:
process/finding.py's `find_candidate`, which `show` uses without loading this module).

Callable from Python without the CLI; the CLI only parses input and saves the result.
Milestones change in process/milestone_actions.py; many candidates at once in process/bulk.py.
"""

from __future__ import annotations

from datetime import date, datetime

from dgtracker.dates import format_day
from dgtracker.errors import Refused
from dgtracker.process.finding import find_candidate as find_candidate
from dgtracker.process.finding import suggest
from dgtracker.record.field_rules import move_dated_too_early
from dgtracker.record.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Event,
    Milestone,
    Record,
    Slot,
    StageKind,
    candidate_id,
)
from dgtracker.text import clean_field


def find_milestone(record: Record, wanted: str) -> Milestone:
    for milestone in record.milestones:
        if milestone.id == wanted:
            if milestone.removed is not None:
                raise Refused(
                    f"Milestone '{wanted}' was removed on {format_day(milestone.removed)}.",
                    hint="Add a new milestone if it is to happen after all.",
                )
            return milestone
    hint = suggest(wanted, (m.id for m in record.milestones if m.removed is None))
    raise Refused(
        f"No milestone with id '{wanted}'.",
        hint=hint or "Run 'dgtracker milestone list' to list the ids.",
    )


def resolve_stage(record: Record, typed: str) -> str:
    """The id of the stage a person typed: its id or its title, in any case."""
    wanted = typed.strip().casefold()
    for stage in record.stages:
        if wanted in (stage.id.casefold(), stage.title.casefold()):
            return stage.id
    names = [s.id for s in record.stages] + [s.title for s in record.stages]
    hint = suggest(typed.strip(), names)
    raise Refused(
        f"'{typed}' is not a stage of this campaign.",
        hint=(hint + " " if hint else "") + f"Stages: {', '.join(s.id for s in record.stages)}.",
    )


def _not_in_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise Refused(
            f"The {what} date {format_day(day)} is after today ({format_day(today)}).",
            hint="Record changes once they have happened.",
        )


# Crockford's base32 in lower case: digits and letters without i, l, o and u, which are
# easy to misread or mistype.
DRAWN_ID_LETTERS = "0123456789abcdefghjkmnpqrstvwxyz"
DRAWN_ID_LENGTH = 5


def ids_held(record: Record) -> set[str]:
    """Every id the record's candidates hold or have held (aliases from old merges), and
    any the panel's declared conflicts name."""
    held = {cid for c in record.candidates for cid in (c.id, *c.aliases)}
    return held | {c.candidate for member in record.panel for c in member.conflicts}


def new_candidate_id(record: Record, taken: set[str]) -> str:
    """The id for a new candidate, never one in `taken` (ids_held, kept up to date by a
    caller adding many). A record kept alone counts (c001, c002, …: they read best, and
    there is one copy). A shared record's copies add apart, so each new id is drawn at
    random (c7k2m: 32**5 ids, with a letter so it never looks like a counter id): two
    copies cannot both hand out one id by counting, and a merge never renumbers."""
    if not record.shared:
        number = record.next_candidate_number
        while candidate_id(number) in taken:
            number += 1
        record.next_candidate_number = number + 1
        return candidate_id(number)
    import secrets  # only a drawn id needs it

    while True:
        tail = "".join(secrets.choice(DRAWN_ID_LETTERS) for _ in range(DRAWN_ID_LENGTH))
        drawn = f"c{tail}"
        if not tail.isdigit() and drawn not in taken:
            return drawn


def add_candidate(
    record: Record,
    *,
    name: str,
    by: str,
    today: date,
    now: datetime,
    email: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    applied: date | None = None,
    stage: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    allow_duplicate_email: bool = False,
    taken: set[str] | None = None,
    disability_confident: bool = False,
    adjustments: str | None = None,
) -> Candidate:
    """Add a candidate, with a new id (new_candidate_id). `taken`: the ids held
    (ids_held), kept up to date by a caller adding many."""
    stage = resolve_stage(record, stage) if stage else record.stages[0].id
    _reason_if_needed(record, stage, reason, "Adding a candidate")
    if applied is not None:
        _not_in_future(applied, today, "applied")
    if email and not allow_duplicate_email:
        wanted = email.casefold()
        for other in record.candidates:
            if other.email and other.email.casefold() == wanted:
                raise Refused(
                    f"A candidate with that email is already in the record ({other.id}).",
                    hint="Use --allow-duplicate-email if this really is another person.",
                )
    if taken is None:
        taken = ids_held(record)
    candidate = Candidate(
        id=new_candidate_id(record, taken),
        name=name,
        stage=stage,
        email=email or None,
        phone=phone or None,
        source=source or None,
        applied=applied,
        disability_confident=disability_confident,
        adjustments=adjustments or None,
        history=[
            Event(
                at=now,
                on=applied or today,
                by=by,
                action=Action.ADDED,
                stage=stage,
                note=note or None,
                reason=reason or None,
                recorded=today if applied not in (None, today) else None,
            )
        ],
    )
    record.candidates.append(candidate)
    taken.add(candidate.id)
    return candidate


def move(
    record: Record,
    wanted: str | Candidate,
    stage_id: str,
    *,
    by: str,
    today: date,
    now: datetime,
    on: date | None = None,
    note: str | None = None,
    reason: str | None = None,
    rank: int | None = None,
    reinstate: bool = False,
) -> Candidate:
    """Move a candidate (`wanted`: as typed, or one already found) to another stage."""
    candidate = find_candidate(record, wanted) if isinstance(wanted, str) else wanted
    stage_id = resolve_stage(record, stage_id)
    target = record.stage(stage_id)
    current = record.stage(candidate.stage)
    assert target is not None
    on = on or today
    _not_in_future(on, today, "move")
    if rank is not None and stage_id != RESERVE_STAGE:
        raise Refused(
            "--rank is the place in merit order on the reserve list.",
            hint=f"Leave out --rank, or move them to '{RESERVE_STAGE}'.",
        )
    if rank is not None:
        _check_rank_free(record, candidate, stage_id, rank)
    if stage_id == candidate.stage:
        if rank is not None and rank != candidate.rank:
            return rerank(candidate, rank, by=by, on=on, now=now, reason=reason, today=today)
        raise Refused(f"{candidate.id} is already at '{stage_id}'.")
    _reason_if_needed(record, stage_id, reason, f"Moving {candidate.id}")
    if current is not None and current.kind != StageKind.ACTIVE and not reinstate:
        raise Refused(
            f"{candidate.id} is at '{current.id}', an outcome; moving them on reinstates them.",
            hint="Add --reinstate to confirm (and --reason to say why).",
        )
    too_early = move_dated_too_early(candidate.stage, candidate.stage_since(), on)
    if too_early is not None:
        raise Refused(f"{candidate.id} {too_early}.")
    if target.kind != StageKind.ACTIVE:  # out of the process: nobody sits their slots
        for slot in slots_to_come(record, candidate, today, now):
            cancel_slot(candidate, slot, why=f"moved to {stage_id}", by=by, today=today, now=now)
    candidate.history.append(
        Event(
            at=now,
            on=on,
            by=by,
            action=Action.MOVED,
            stage=stage_id,
            from_stage=candidate.stage,
            note=note or None,
            reason=reason or None,
            rank=rank,
            recorded=today if on != today else None,
        )
    )
    candidate.stage = stage_id
    candidate.rank = rank
    return candidate


def _reason_if_needed(record: Record, stage_id: str, reason: str | None, doing: str) -> None:
    stage = record.stage(stage_id)
    if stage is not None and stage.needs_reason and not reason:
        raise Refused(
            f"{doing} to '{stage_id}' needs a reason.",
            hint="Add --reason TEXT (it is kept in the candidate's history).",
        )


def _check_rank_free(record: Record, candidate: Candidate, stage_id: str, rank: int) -> None:
    for other in record.candidates:
        if other is not candidate and other.stage == stage_id and other.rank == rank:
            raise Refused(
                f"Place {rank} on the list is already {other.id}'s.",
                hint=f"Give {other.id} another place first: dgtracker move {other.id} "
                f"{stage_id} --rank N",
            )


def rerank(
    candidate: Candidate,
    rank: int,
    *,
    by: str,
    on: date,
    now: datetime,
    reason: str | None,
    today: date,
) -> Candidate:
    """A new place in merit order for someone already on the list."""
    before = "no place" if candidate.rank is None else f"place {candidate.rank}"
    candidate.history.append(
        Event(
            at=now,
            on=on,
            by=by,
            action=Action.EDITED,
            stage=candidate.stage,
            note=f"Merit order: {before} → place {rank}",
            reason=reason or None,
            rank=rank,
            recorded=today if on != today else None,
        )
    )
    candidate.rank = rank
    return candidate


def add_note(
    record: Record, wanted: str, text: str, *, by: str, today: date, now: datetime
) -> Candidate:
    candidate = find_candidate(record, wanted)
    candidate.history.append(Event(at=now, on=today, by=by, action=Action.NOTE, note=text))
    return candidate


def log_letter(
    record: Record,
    wanted: str,
    template: str,
    subject: str,
    *,
    sent: bool,
    by: str,
    today: date,
    now: datetime,
) -> Candidate:
    """The communications log: a letter drafted (or sent) to the candidate, as an entry
    in their history that names the template and subject, never the body or address."""
    candidate = find_candidate(record, wanted)
    candidate.history.append(
        Event(
            at=now,
            on=today,
            by=by,
            action=Action.LETTER,
            letter=clean_field("id", template),
            subject=clean_field("subject", subject),
            sent=sent,
        )
    )
    return candidate


# --- a candidate's slots (booked in slots.py) -----------------------------------------


def slot_when(slot: Slot) -> str:
    return f"{slot.at:%Y-%m-%d %H:%M}–{slot.end:%H:%M}"


def slots_to_come(record: Record, candidate: Candidate, today: date, now: datetime) -> list[Slot]:
    """The candidate's standing slots that start after this moment of the record's day
    (the clock's time of day on `today`, so that --as-of decides the day)."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(record.campaign.timezone))
    moment = datetime.combine(today, local.time().replace(tzinfo=None))
    return [s for s in candidate.slots if s.cancelled is None and s.at > moment]


def cancel_slot(
    candidate: Candidate,
    slot: Slot,
    *,
    why: str | None,
    by: str,
    today: date,
    now: datetime,
    noted: bool = True,
) -> None:
    """Cancel a slot: kept in the record (a calendar is sent it as cancelled, one SEQUENCE
    on), said in the history at the same moment, which `undo` uses to bring it back.
    `noted` False: the entry says nothing of the slot (an erased person's interview time is
    their personal data too)."""
    slot.cancelled = now
    slot.rescheduled += 1
    note = f"{slot.assessment.capitalize()} slot {slot_when(slot)} cancelled"
    candidate.history.append(
        Event(
            at=now,
            on=today,
            by=by,
            action=Action.SCHEDULED,
            note=(note + (f" ({why})" if why else "")) if noted else None,
        )
    )


def restore_slots(candidate: Candidate, undone: Event, now: datetime) -> list[Slot]:
    """The slots that the undone change cancelled, standing again (one SEQUENCE on; the
    booking dated now, which is how `--as-of` knows when they came back)."""
    restored = [s for s in candidate.slots if s.cancelled is not None and s.cancelled == undone.at]
    for slot in restored:
        slot.cancelled = None
        slot.booked = now
        slot.rescheduled += 1
    return restored
