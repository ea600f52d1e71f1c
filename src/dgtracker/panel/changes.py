"""Changes to the panel's work: criteria, panel members and conflicts, marks, and the
reserve list built from merit order. Each checks its rules, then changes the record in
memory (like process/candidate_actions.py: the clock and the user are passed in; the CLI saves).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dgtracker.errors import Refused
from dgtracker.panel.merit import assessed_at, merit, reached
from dgtracker.process.candidate_actions import (
    cancel_slot,
    find_candidate,
    resolve_stage,
    slots_to_come,
)
from dgtracker.record.model import (
    FRAME_BAR,
    FRAME_GRADES,
    FRAME_POINTS,
    RESERVE_STAGE,
    Action,
    Candidate,
    Conflict,
    Criterion,
    CriterionKind,
    Event,
    Marks,
    PanelMember,
    PanelRole,
    Record,
    StageKind,
)

_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
AGREED = "agreed"  # what the panel's agreed marks are called where a member's name goes


def find_criterion(record: Record, wanted: str) -> Criterion:
    for criterion in record.criteria:
        if criterion.id == wanted:
            return criterion
    known = ", ".join(c.id for c in record.criteria) or "none yet"
    raise Refused(
        f"No criterion with id '{wanted}'.",
        hint=f"Criteria: {known}. Add one with 'dgtracker criteria add'.",
    )


def stage_ids(record: Record, typed: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for text in typed:
        stage_id = resolve_stage(record, text)
        if stage_id not in found:
            found.append(stage_id)
    return tuple(found)


def _check_rules(record: Record, criterion: Criterion) -> None:
    if criterion.low >= criterion.high:
        raise Refused(f"The scale {criterion.low}–{criterion.high} is empty; give LOW-HIGH.")
    if not criterion.low <= criterion.bar <= criterion.high:
        raise Refused(
            f"The bar {criterion.bar} is outside the scale {criterion.low}–{criterion.high}."
        )
    if criterion.weight < 1:
        raise Refused("The weight must be a whole number of at least 1.")
    for other in record.criteria:
        shared = [s for s in criterion.assess if s in other.assess]
        if other.id != criterion.id and other.frame != criterion.frame and shared:
            raise Refused(
                f"'{other.id}' is marked at '{shared[0]}' on "
                f"{'the marking frame' if other.frame else 'numbers'}; one assessment is "
                "marked on one scale.",
                hint="Use the same --scale as the other criteria marked there.",
            )


def add_criterion(record: Record, criterion: Criterion, today: date) -> Criterion:
    if not _ID_RE.fullmatch(criterion.id):
        raise Refused(
            f"'{criterion.id}' is not a usable id.",
            hint="Use lower-case letters, digits and hyphens (at most 40).",
        )
    if any(c.id == criterion.id for c in record.criteria):
        raise Refused(f"There is already a criterion with id '{criterion.id}'.")
    _check_rules(record, criterion)
    criterion.changed = today  # `audit` compares it with the closing date
    record.criteria.append(criterion)
    return criterion


def _marks_for(record: Record, criterion_id: str) -> list[tuple[str, int]]:
    """(assessment, mark) of every mark given for a criterion."""
    return [
        (sheet.assessment, score)
        for candidate in record.candidates
        for sheet in candidate.marks
        for cid, score in sheet.scores.items()
        if cid == criterion_id
    ]


def change_criterion(record: Record, wanted: str, changed: Criterion, today: date) -> Criterion:
    """Replace a criterion's settings; once marked, only changes that leave every mark and
    the merit order as they were (title, kind, a wider scale, an assessment added)."""
    criterion = find_criterion(record, wanted)
    _check_rules(record, changed)
    given = _marks_for(record, criterion.id)
    if given:
        unsafe = [
            what
            for what, same in (
                ("bar", changed.bar == criterion.bar),
                ("weight", changed.weight == criterion.weight),
                ("lead", changed.lead == criterion.lead),
                (
                    "scale",
                    changed.frame == criterion.frame
                    and all(changed.low <= score <= changed.high for _, score in given),
                ),
                ("assess", {stage for stage, _ in given} <= set(changed.assess)),
            )
            if not same
        ]
        if unsafe:
            raise Refused(
                f"'{criterion.id}' already has {len(given)} mark(s); changing its "
                f"{', '.join(unsafe)} would change marks or the merit order after marking.",
                hint="Criteria are settled before the panel marks. Title, kind, a wider "
                "scale and new assessments can still change.",
            )
    settings = (
        criterion.title,
        criterion.kind,
        criterion.low,
        criterion.high,
        criterion.bar,
        criterion.assess,
        criterion.weight,
        criterion.lead,
        criterion.frame,
    )
    criterion.title, criterion.kind, criterion.frame = changed.title, changed.kind, changed.frame
    criterion.low, criterion.high, criterion.bar = changed.low, changed.high, changed.bar
    criterion.assess, criterion.weight, criterion.lead = (
        changed.assess,
        changed.weight,
        changed.lead,
    )
    if settings != (
        changed.title,
        changed.kind,
        changed.low,
        changed.high,
        changed.bar,
        changed.assess,
        changed.weight,
        changed.lead,
        changed.frame,
    ):
        criterion.changed = today
    return criterion


def remove_criterion(record: Record, wanted: str) -> Criterion:
    criterion = find_criterion(record, wanted)
    given = _marks_for(record, criterion.id)
    if given:
        raise Refused(
            f"'{criterion.id}' has {len(given)} mark(s); it cannot be removed.",
            hint="Marks are part of the panel's record of its decision.",
        )
    record.criteria.remove(criterion)
    return criterion


# --- the panel -----------------------------------------------------------------------


def find_member(record: Record, wanted: str) -> PanelMember:
    folded = wanted.strip().casefold()
    for member in record.panel:
        if member.name.casefold() == folded:
            return member
    known = ", ".join(m.name for m in record.panel) or "no one yet"
    raise Refused(
        f"'{wanted}' is not on the panel.",
        hint=f"Panel: {known}. Add a member with 'dgtracker panel add NAME --role ROLE'.",
    )


def add_member(
    record: Record, name: str, role: PanelRole, *, commissioner: bool = False
) -> PanelMember:
    if name.casefold() == AGREED:
        raise Refused(f"'{name}' is kept for the panel's agreed marks; give the member's name.")
    if any(m.name.casefold() == name.casefold() for m in record.panel):
        raise Refused(f"{name} is already on the panel.")
    member = PanelMember(name, role, commissioner=commissioner)
    record.panel.append(member)
    return member


def declare_conflict(record: Record, name: str, wanted: str, note: str | None) -> PanelMember:
    member = find_member(record, name)
    candidate = find_candidate(record, wanted)
    existing = member.conflicted(candidate.id)
    if existing is not None:
        existing.note = note or existing.note
    else:
        member.conflicts.append(Conflict(candidate.id, note))
    return member


# --- marks ---------------------------------------------------------------------------


def marked_sheet(
    record: Record, candidate: Candidate, assessment: str, member: str | None
) -> Marks:
    """The sheet `score` wrote for this member (None: the agreed marks) at this assessment."""
    stage_id = resolve_stage(record, assessment)
    who = find_member(record, member).name if member is not None else None
    return next(s for s in candidate.marks if s.assessment == stage_id and s.member == who)


def score(
    record: Record,
    wanted: str,
    assessment: str,
    scores: dict[str, int],
    *,
    member: str | None,
    evidence: str | None,
    by: str,
    today: date,
    now: datetime,
) -> Candidate:
    """Record one member's marks (member None: the panel's agreed marks)."""
    candidate = find_candidate(record, wanted)
    stage_id = resolve_stage(record, assessment)
    if not scores:
        raise Refused("Give at least one mark, as CRITERION=N.")
    marked_here = {c.id for c in assessed_at(record, stage_id)}
    for criterion_id, mark in scores.items():
        criterion = find_criterion(record, criterion_id)
        if criterion.id not in marked_here:
            raise Refused(
                f"'{criterion.id}' is not marked at '{stage_id}'.",
                hint=f"Marked there: {', '.join(sorted(marked_here)) or 'nothing'}.",
            )
        if not criterion.low <= mark <= criterion.high:
            raise Refused(
                f"{criterion.id}={mark} is outside the scale {criterion.low}–{criterion.high}."
            )
    if not reached(record, candidate, stage_id):
        raise Refused(
            f"{candidate.id} has not reached '{stage_id}' (they are at '{candidate.stage}').",
            hint=f"Move them first: dgtracker move {candidate.id} {stage_id}",
        )
    who = None
    if member is not None:
        panel_member = find_member(record, member)
        if panel_member.role == PanelRole.ADVISER:
            raise Refused(f"{panel_member.name} is an adviser to the panel and does not mark.")
        conflict = panel_member.conflicted(candidate.id)
        if conflict is not None:
            raise Refused(
                f"{panel_member.name} has declared a conflict of interest with {candidate.id}"
                + (f" ({conflict.note})" if conflict.note else "")
                + "; their marks for this candidate are not taken."
            )
        who = panel_member.name
    sheet = next((s for s in candidate.marks if s.assessment == stage_id and s.member == who), None)
    if sheet is None:
        sheet = Marks(stage_id, who)
        candidate.marks.append(sheet)
    shown = {c.id: c.shown for c in record.criteria}
    changed = [
        f"{cid} {shown[cid](sheet.scores[cid])}→{shown[cid](mark)}"
        if cid in sheet.scores
        else f"{cid} {shown[cid](mark)}"
        for cid, mark in scores.items()
    ]
    sheet.scores.update(scores)
    if evidence:
        sheet.evidence = f"{sheet.evidence}\n\n{evidence}" if sheet.evidence else evidence
    whose = "agreed marks" if who is None else f"marks by {who}"
    candidate.history.append(
        Event(
            at=now,
            on=today,
            by=by,
            action=Action.SCORED,
            note=f"{stage_id.capitalize()} {whose}: {', '.join(changed)}",
        )
    )
    return candidate


# --- the reserve list from merit order -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ReservePlace:
    candidate: Candidate
    rank: int
    merit_rank: int
    tied: bool


def reserve_plan(record: Record, stage_id: str) -> list[ReservePlace]:
    """The appointable candidates still waiting at the stage (or already on the reserve
    list), in merit order, with their places on the reserve list, after any place held by
    others."""
    order = {stage.id: index for index, stage in enumerate(record.stages)}
    chosen = []
    for row in merit(record, stage_id):
        stage = record.stage(row.candidate.stage)
        if not row.appointable or stage is None:
            continue
        # Someone already taken further (preferred, offer) or appointed is not in reserve;
        # nor is anyone who withdrew or was not progressed.
        waiting = stage.kind == StageKind.ACTIVE and order[stage.id] <= order[stage_id]
        if waiting or stage.id == RESERVE_STAGE:
            chosen.append(row)
    ids = {row.candidate.id for row in chosen}
    held = [c.rank or 0 for c in record.candidates if c.stage == RESERVE_STAGE and c.id not in ids]
    start = max(held, default=0)
    return [
        ReservePlace(row.candidate, start + index, row.rank or 0, row.tie)
        for index, row in enumerate(chosen, start=1)
    ]


def apply_reserve(
    record: Record, plan: list[ReservePlace], stage_id: str, *, by: str, today: date, now: datetime
) -> list[ReservePlace]:
    """Put everyone in the plan at their place; those already there are left alone."""
    done = []
    for place in plan:
        candidate = place.candidate
        if candidate.stage == RESERVE_STAGE and candidate.rank == place.rank:
            continue
        tie = " (tied in merit order)" if place.tied else ""
        note = f"Reserve list place {place.rank}, from merit order at {stage_id}{tie}"
        from_stage = None if candidate.stage == RESERVE_STAGE else candidate.stage
        if from_stage:  # out of the process, as `move` to an outcome: no slots to sit
            for slot in slots_to_come(record, candidate, today, now):
                why = f"moved to {RESERVE_STAGE}"
                cancel_slot(candidate, slot, why=why, by=by, today=today, now=now)
        candidate.history.append(
            Event(
                at=now,
                on=today,
                by=by,
                action=Action.MOVED if from_stage else Action.EDITED,
                stage=RESERVE_STAGE,
                from_stage=from_stage,
                note=note,
            )
        )
        candidate.stage, candidate.rank = RESERVE_STAGE, place.rank
        done.append(place)
    return done


def new_criterion(
    criterion_id: str,
    title: str,
    kind: str,
    *,
    scale: tuple[int, int],
    bar: int,
    assess: tuple[str, ...],
    weight: int,
    lead: bool,
    frame: bool = False,
) -> Criterion:
    try:
        criterion_kind = CriterionKind(kind.strip().lower())
    except ValueError:
        raise Refused(
            f"'{kind}' is not a kind of criterion.",
            hint=f"Kinds: {', '.join(k.value for k in CriterionKind)}.",
        ) from None
    if frame:  # the Commission's grades, A … E as 6 … 1, appointable at C
        scale, bar = (FRAME_POINTS["E"], FRAME_POINTS["A"]), FRAME_BAR
    return Criterion(
        criterion_id, title, criterion_kind, scale[0], scale[1], bar, assess, weight, lead, frame
    )


def read_marks(record: Record, typed: dict[str, str]) -> dict[str, int]:
    """Marks as typed (criterion id -> text): a whole number on a numbered criterion, a
    grade of the marking frame on a frame one; anything else refused with what is allowed."""
    scores: dict[str, int] = {}
    for criterion_id, text in typed.items():
        criterion = find_criterion(record, criterion_id)
        if criterion.frame:
            grade = text.strip().upper()
            if grade not in FRAME_POINTS:
                raise Refused(
                    f"{criterion.id}={text} is not a grade of the marking frame.",
                    hint=f"Grades: {', '.join(FRAME_GRADES)} (C or better is appointable).",
                )
            scores[criterion.id] = FRAME_POINTS[grade]
        elif text.strip().lstrip("-").isdigit():
            scores[criterion.id] = int(text)
        else:
            raise Refused(
                f"{criterion.id}={text} is not a mark.",
                hint=f"'{criterion.id}' is marked {criterion.low}–{criterion.high}.",
            )
    return scores
