"""The fairness duties as rules on the record: who met the bar at the sift, who was invited
to interview, which diversity stages a person reached, and the Disability Confident promise
(an interview for a disabled applicant who opts in and meets the minimum criteria).

Pure functions of a record: no files, no clock. docs/fairness.md says what each means.
"""

from __future__ import annotations

from dgtracker.record.model import Candidate, Record, StageKind, moves_that_stand

INTERVIEW_STAGE = "interview"  # the default stages' final interview

# The stages diversity is counted by, in order (docs/fairness.md says how each is found).
DIVERSITY_STAGES = (
    "applied",
    "sifted_in",
    "shortlisted",
    "interviewed",
    "appointable",
    "appointed",
)


def assessed_stages(record: Record) -> list[str]:
    """The stages at which a criterion is marked, in stage order."""
    marked = {stage for criterion in record.criteria for stage in criterion.assess}
    return [stage.id for stage in record.stages if stage.id in marked]


def sift_stage(record: Record) -> str | None:
    """The sift: the first stage at which the panel marks against criteria."""
    stages = assessed_stages(record)
    return stages[0] if stages else None


def interview_stage(record: Record) -> str | None:
    """The interview: the stage `interview` if the record has it, else the last stage at
    which criteria are marked (when that is not the sift)."""
    if record.stage(INTERVIEW_STAGE) is not None:
        return INTERVIEW_STAGE
    stages = assessed_stages(record)
    return stages[-1] if len(stages) > 1 else None


def met_the_bar(record: Record, candidate: Candidate, stage_id: str) -> bool:
    """The panel's agreed marks at the stage meet each criterion's bar there, every one
    marked (the rule panel/merit.py calls appointable)."""
    criteria = [c for c in record.criteria if stage_id in c.assess]
    if not criteria:
        return False
    agreed: dict[str, int] = {}
    for sheet in candidate.marks:
        if sheet.assessment == stage_id and sheet.member is None:
            agreed.update(sheet.scores)
    return all(c.id in agreed and agreed[c.id] >= c.bar for c in criteria)


def _there(record: Record, stage_id: str) -> frozenset[str]:
    """The stages that mean a candidate got to `stage_id`: it, and any later stage that is
    not an outcome (an outcome, such as rejected, can follow any stage)."""
    index = next((i for i, s in enumerate(record.stages) if s.id == stage_id), None)
    if index is None:
        return frozenset()
    return frozenset(
        stage.id
        for i, stage in enumerate(record.stages)
        if stage.id == stage_id or (i >= index and stage.kind != StageKind.OUTCOME)
    )


def _reached(there: frozenset[str], candidate: Candidate, stood: list[str]) -> bool:
    return candidate.stage in there or any(stage in there for stage in stood)


def reached_stage(record: Record, candidate: Candidate, stage_id: str) -> bool:
    """At the stage or past it: it, or any later stage that is not an outcome, is where they
    are or where a move that stands put them."""
    stood = [e.stage or "" for e in moves_that_stand(candidate.history)]
    return _reached(_there(record, stage_id), candidate, stood)


def invited_to_interview(record: Record, candidate: Candidate) -> bool:
    """Reached the interview stage (or a later one that is not an outcome), or holds a
    slot there that stands."""
    stage_id = interview_stage(record)
    if stage_id is None:
        return False
    if reached_stage(record, candidate, stage_id):
        return True
    return any(s.assessment == stage_id and s.cancelled is None for s in candidate.slots)


def disability_confident_not_invited(record: Record) -> list[str]:
    """The ids of Disability Confident candidates who met the bar at the sift but were not
    invited to interview, in record order."""
    sift = sift_stage(record)
    if sift is None:
        return []
    return [
        candidate.id
        for candidate in record.candidates
        if candidate.disability_confident
        and met_the_bar(record, candidate, sift)
        and not invited_to_interview(record, candidate)
    ]


class DiversityStages:
    """The diversity stages each candidate reached, in DIVERSITY_STAGES order, with the
    record's stage order worked out once for a whole list.

    applied: everyone; sifted in: reached the record's second stage; shortlisted: reached
    `shortlist`; interviewed: invited to interview; appointable: met the bar at the last
    stage marked against criteria; appointed: at a stage of kind appointed."""

    def __init__(self, record: Record) -> None:
        self.record = record
        second = record.stages[1].id if len(record.stages) > 1 else None
        self.sifted = _there(record, second) if second else frozenset()
        self.shortlisted = _there(record, "shortlist")
        self.interview = interview_stage(record)
        self.interviewed = _there(record, self.interview) if self.interview else frozenset()
        marked = assessed_stages(record)
        self.last_marked = marked[-1] if marked else None
        self.appointed = frozenset(
            stage.id for stage in record.stages if stage.kind == StageKind.APPOINTED
        )

    def __call__(self, candidate: Candidate) -> tuple[str, ...]:
        stood = [e.stage or "" for e in moves_that_stand(candidate.history)]
        reached = ["applied"]
        if _reached(self.sifted, candidate, stood):
            reached.append("sifted_in")
        if _reached(self.shortlisted, candidate, stood):
            reached.append("shortlisted")
        if _reached(self.interviewed, candidate, stood) or any(
            s.assessment == self.interview and s.cancelled is None for s in candidate.slots
        ):
            reached.append("interviewed")
        if self.last_marked and met_the_bar(self.record, candidate, self.last_marked):
            reached.append("appointable")
        if candidate.stage in self.appointed:
            reached.append("appointed")
        return tuple(reached)


def diversity_stages(record: Record, candidate: Candidate) -> tuple[str, ...]:
    """The diversity stages one candidate reached (DiversityStages, for one)."""
    return DiversityStages(record)(candidate)
