"""The panel's decision: merit order from the agreed marks.

Pure functions of a record. A candidate's total at an assessment is the weighted sum of
the panel's agreed marks for the criteria marked there. Merit (the Civil Service
Commission's principle) puts first everyone who meets the bar on every criterion
(appointable), best total first; candidates equal on the total are a tie unless a lead
criterion (those marked `lead`, in record order) separates them. No one who misses the
bar on a criterion is ranked, whatever their total; no one with a missing agreed mark is
ranked either: they are listed apart, with what is missing. Where members' own marks for
one criterion differ by MODERATE_SPREAD or more, the row says so, for moderation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dgtracker.record.model import Candidate, Criterion, Record, StageKind, moves_that_stand

MODERATE_SPREAD = 2


@dataclass(slots=True)
class MeritRow:
    candidate: Candidate
    marks: dict[str, int | None]  # criterion id -> agreed mark (None: not yet agreed)
    total: int | None  # None while a mark is missing
    appointable: bool | None  # None while a mark is missing
    missing: list[str]
    below_bar: list[str]
    moderate: list[str]  # criteria whose members' marks differ by MODERATE_SPREAD or more
    conflicts: list[str]  # panel members with a declared conflict
    written: dict[str, int | str | None] = field(default_factory=dict)  # marks as written
    # (grades on the marking frame)
    rank: int | None = None
    tie: bool = False
    tie_broken: bool = False  # level on the total with a neighbour, apart on a lead criterion
    lead_marks: tuple[int, ...] = field(default=())


def assessed_at(record: Record, stage_id: str) -> list[Criterion]:
    """The criteria marked at a stage, in record order."""
    return [c for c in record.criteria if stage_id in c.assess]


def reached(record: Record, candidate: Candidate, stage_id: str) -> bool:
    """Whether the candidate is at the stage or got past it (their history says so)."""
    return _Progress(record, stage_id).reached(candidate)


class _Progress:
    """Who reached a stage, with the stage order worked out once for a whole list."""

    def __init__(self, record: Record, stage_id: str) -> None:
        self.stage_id = stage_id
        wanted = next((i for i, s in enumerate(record.stages) if s.id == stage_id), None)
        # The stages that mean the candidate got there: it, and any later stage that is
        # not an outcome (an outcome, such as rejected, can follow any stage).
        self.there = {
            stage.id
            for index, stage in enumerate(record.stages)
            if wanted is not None
            and (stage.id == stage_id or (index >= wanted and stage.kind != StageKind.OUTCOME))
        }

    def reached(self, candidate: Candidate) -> bool:
        there = self.there
        if candidate.stage in there:
            return True
        return any(e.stage in there for e in moves_that_stand(candidate.history))


def default_assessment(record: Record) -> str | None:
    """The latest stage with agreed marks; else the latest stage any criterion assesses."""
    with_agreed = {
        sheet.assessment
        for candidate in record.candidates
        for sheet in candidate.marks
        if sheet.member is None
    }
    assessed = {stage for criterion in record.criteria for stage in criterion.assess}
    for wanted in (with_agreed, assessed):
        for stage in reversed(record.stages):
            if stage.id in wanted:
                return stage.id
    return None


def _row(
    candidate: Candidate, stage_id: str, criteria: list[Criterion], conflicts: list[str]
) -> MeritRow:
    """One candidate's row, in one pass over the criteria: each agreed mark, the total,
    what is missing or below the bar, and where the members' own marks differ."""
    agreed: dict[str, int] = {}
    by_member: dict[str, list[int]] = {}
    for sheet in candidate.marks:
        if sheet.assessment != stage_id:
            continue
        if sheet.member is None:
            agreed.update(sheet.scores)
        else:
            for criterion_id, score in sheet.scores.items():
                by_member.setdefault(criterion_id, []).append(score)
    marks: dict[str, int | None] = {}
    missing: list[str] = []
    below: list[str] = []
    moderate: list[str] = []
    total = 0
    lead: list[int] = []
    for criterion in criteria:
        mark = marks[criterion.id] = agreed.get(criterion.id)
        if mark is None:
            missing.append(criterion.id)
        else:
            total += criterion.weight * mark
            if mark < criterion.bar:
                below.append(criterion.id)
            if criterion.lead:
                lead.append(mark)
        scores = by_member.get(criterion.id, [])
        if len(scores) > 1 and max(scores) - min(scores) >= MODERATE_SPREAD:
            moderate.append(criterion.id)
    written: dict[str, int | str | None] = marks  # type: ignore[assignment]  # read only
    for criterion in criteria:
        mark = marks[criterion.id]
        if criterion.frame and mark is not None:
            if written is marks:  # a copy only where a grade differs from the number
                written = dict(marks)
            written[criterion.id] = criterion.as_written(mark)
    if missing:
        return MeritRow(candidate, marks, None, None, missing, below, moderate, conflicts, written)
    return MeritRow(
        candidate,
        marks,
        total,
        not below,
        [],
        below,
        moderate,
        conflicts,
        written,
        lead_marks=tuple(lead),
    )


def _conflicted(record: Record) -> dict[str, list[str]]:
    """Candidate id -> the panel members with a declared conflict, in panel order."""
    names: dict[str, list[str]] = {}
    for member in record.panel:
        for candidate_id in {conflict.candidate for conflict in member.conflicts}:
            names.setdefault(candidate_id, []).append(member.name)
    return names


def merit(record: Record, stage_id: str) -> list[MeritRow]:
    """Every candidate who reached the stage or has marks there: the ranked (appointable,
    in merit order), then those below the bar, then those with marks missing."""
    criteria = assessed_at(record, stage_id)
    progress = _Progress(record, stage_id)
    conflicted = _conflicted(record)
    rows = [
        _row(candidate, stage_id, criteria, conflicted.get(candidate.id, []))
        for candidate in record.candidates
        if progress.reached(candidate)
        or any(sheet.assessment == stage_id for sheet in candidate.marks)
    ]
    ranked = sorted(
        (r for r in rows if r.appointable),
        key=lambda r: (-(r.total or 0), tuple(-m for m in r.lead_marks), r.candidate.id),
    )
    place = 0
    for index, row in enumerate(ranked):
        before = ranked[index - 1] if index else None
        if before is not None and _equal(before, row):
            row.rank = before.rank
            row.tie = before.tie = True
        else:
            if before is not None and before.total == row.total:
                row.tie_broken = before.tie_broken = True
            place = index + 1
            row.rank = place
    below = sorted(
        (r for r in rows if r.appointable is False),
        key=lambda r: (-(r.total or 0), r.candidate.id),
    )
    incomplete = [r for r in rows if r.appointable is None]
    return ranked + below + incomplete


def _equal(one: MeritRow, other: MeritRow) -> bool:
    return one.total == other.total and one.lead_marks == other.lead_marks
