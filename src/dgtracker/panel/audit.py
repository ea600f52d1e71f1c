"""The competition checked against the Civil Service Commission's rules, as a ledger checker
checks a ledger: each rule a short stable code, a sentence, and a check that returns findings.

Pure functions of a record and a day. A finding names the ids involved, never a name: the
report of an audit travels further than the record. `RULES` is the list `audit` runs, in
the order it prints; a rule is one entry (the Disability Confident rule is one: its check
lives in process/fairness.py and is wired in `DISABILITY_CONFIDENT_CHECK`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dgtracker.dates import add_months
from dgtracker.panel.merit import default_assessment, merit
from dgtracker.process.queries import outcome_date, reserve_list
from dgtracker.record.model import (
    RESERVE_STAGE,
    Candidate,
    PanelRole,
    Record,
    StageKind,
    moves_that_stand,
)

COMMISSION_RESERVE_MONTHS = 12  # the Recruitment Principles' longest reserve list
CLOSING_MILESTONE = "closing"
APPOINTMENT_MILESTONE = "appointment"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # the rule's code
    ids: tuple[str, ...]  # candidate ids, or panel.members[N] for a member: never names
    detail: str  # what was found
    todo: str  # what to do about it


Check = Callable[[Record, date], list[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # short and stable: scripts and docs refer to it
    sentence: str  # what the rule says
    check: Check | None  # None: not wired in yet (its finding-maker lives elsewhere)


def _member_ref(index: int) -> str:
    """A panel member by their place on the panel (from 0), as findings name them."""
    return f"panel.members[{index}]"


def _chair(record: Record, today: date) -> list[Finding]:
    chairs = [i for i, m in enumerate(record.panel) if m.role == PanelRole.CHAIR]
    if not chairs:
        return [
            Finding(
                "no-chair",
                (),
                "The panel has no chair.",
                "Add one: dgtracker panel add NAME --role chair"
                + (" --commissioner" if _commission_chairs(record) else ""),
            )
        ]
    return []


def _commission_chairs(record: Record) -> bool:
    """An SCS3 competition open outside the Civil Service: a Commissioner chairs it."""
    return record.campaign.band == "SCS3" and record.campaign.external


def _commissioner_chair(record: Record, today: date) -> list[Finding]:
    if not _commission_chairs(record):
        return []
    chairs = [i for i, m in enumerate(record.panel) if m.role == PanelRole.CHAIR]
    if not chairs or any(record.panel[i].commissioner for i in chairs):
        return []  # no chair at all is `no-chair`'s finding
    return [
        Finding(
            "chair-not-commissioner",
            tuple(_member_ref(i) for i in chairs),
            "This is an SCS3 external competition, and its chair is not a Civil Service "
            "Commissioner.",
            "Ask the Commission for a Commissioner to chair, and record them: "
            "dgtracker panel add NAME --role chair --commissioner",
        )
    ]


def _appointed_on_merit(record: Record, today: date) -> list[Finding]:
    appointed = [
        c
        for c in record.candidates
        if (s := record.stage(c.stage)) and s.kind == StageKind.APPOINTED
    ]
    stage_id = default_assessment(record)
    if not appointed or stage_id is None:
        return []
    rows = merit(record, stage_id)
    first = [row.candidate.id for row in rows if row.rank == 1]
    found = []
    for candidate in appointed:
        row = next((r for r in rows if r.candidate is candidate), None)
        if row is not None and row.rank == 1:
            continue
        if row is None or row.appointable is None:
            why = f"has no complete agreed marks at '{stage_id}'"
        elif row.appointable is False:
            why = f"is below the bar at '{stage_id}'"
        else:
            why = f"is placed {row.rank} in merit order at '{stage_id}'"
        found.append(
            Finding(
                "appointed-out-of-merit",
                (candidate.id, *first),
                f"{candidate.id} was appointed but {why}; first among the appointable: "
                f"{', '.join(first) or 'no one'}.",
                "Appoint the first appointable candidate in merit order, or record the "
                "panel's agreed marks that support the choice (dgtracker score … --agreed).",
            )
        )
    return found


def _conflicted_marks(record: Record, today: date) -> list[Finding]:
    by_id = {c.id: c for c in record.candidates} if any(m.conflicts for m in record.panel) else {}
    found = []
    for index, member in enumerate(record.panel):
        for conflict in member.conflicts:
            candidate = by_id.get(conflict.candidate)
            if candidate is None:
                continue
            marked = sorted(
                {s.assessment for s in candidate.marks if s.member == member.name and s.scores}
            )
            if marked:
                found.append(
                    Finding(
                        "conflicted-marks",
                        (candidate.id, _member_ref(index)),
                        f"A panel member ({_member_ref(index)}) declared a conflict with "
                        f"{candidate.id} and has marks for them at {', '.join(marked)}.",
                        "Set those marks aside and agree the marks without them; record the "
                        "agreed marks again (dgtracker score … --agreed).",
                    )
                )
    return found


def closing_day(record: Record) -> date | None:
    """The day applications closed, as the closing milestone says (None: not set)."""
    for milestone in record.milestones:
        if milestone.id == CLOSING_MILESTONE and milestone.removed is None:
            return milestone.when.end
    return None


def _criteria_before_closing(record: Record, today: date) -> list[Finding]:
    closed = closing_day(record)
    if closed is None:
        return []
    # Changes after `today` are left out: `--as-of` shows the competition as it stood.
    late = [c.id for c in record.criteria if c.changed is not None and closed < c.changed <= today]
    if not late:
        return []
    return [
        Finding(
            "criteria-after-closing",
            tuple(late),
            f"Criteria added or changed after applications closed ({closed.isoformat()}): "
            f"{', '.join(late)}.",
            "Assess against the criteria published with the advert; if a change was "
            "needed, record why and tell the Commission.",
        )
    ]


def _everyone_has_an_outcome(record: Record, today: date) -> list[Finding]:
    done = next(
        (
            m.done
            for m in record.milestones
            if m.id == APPOINTMENT_MILESTONE and m.removed is None and m.done is not None
        ),
        None,
    )
    if done is None or done > today:
        return []
    active = {s.id for s in record.stages if s.kind == StageKind.ACTIVE}
    waiting = tuple(c.id for c in record.candidates if c.stage in active)
    if not waiting:
        return []
    return [
        Finding(
            "no-outcome",
            waiting,
            f"The appointment was made ({done.isoformat()}), and {len(waiting)} candidate(s) "
            "still have no outcome.",
            "Give each an outcome: dgtracker move ID rejected --reason …, or the reserve list.",
        )
    ]


def _reserve_within_limit(record: Record, today: date) -> list[Finding]:
    found = []
    months = record.retention.reserve_months
    if months > COMMISSION_RESERVE_MONTHS:
        found.append(
            Finding(
                "reserve-too-long",
                (),
                f"The record keeps its reserve list for {months} months "
                f"(retention.reserve_months); the limit is {COMMISSION_RESERVE_MONTHS}.",
                f"Set retention.reserve_months to {COMMISSION_RESERVE_MONTHS} or fewer in the "
                "record.",
            )
        )
    waiting = reserve_list(record)
    # The list runs from the outcome (process/queries.py decides it, as for the reminder
    # and retention); before there is one, from the first place given on it.
    start = outcome_date(record) or min(
        (since for c in waiting if (since := c.stage_since()) is not None), default=None
    )
    if start is not None and add_months(start, COMMISSION_RESERVE_MONTHS) < today and waiting:
        expired = sorted(c.id for c in waiting)
        found.append(
            Finding(
                "reserve-too-long",
                tuple(expired),
                f"The reserve list has run for more than {COMMISSION_RESERVE_MONTHS} months "
                f"(since {start.isoformat()}) and still holds {len(expired)} candidate(s).",
                "Close the reserve list: move them to an outcome (dgtracker move ID "
                'rejected --reason "Reserve list closed").',
            )
        )
    return found


def _reason_given(candidate: Candidate) -> bool:
    """Whether the move that put the candidate where they are carries a reason."""
    stood = moves_that_stand(candidate.history)
    return bool(stood and stood[-1].reason)


def _rejections_with_reasons(record: Record, today: date) -> list[Finding]:
    # Every outcome but the reserve list, whether or not the record's own stage asks for a
    # reason (a hand-edited record may not): the Commission's rule does not bend with it.
    needing = {
        s.id
        for s in record.stages
        if s.needs_reason or (s.kind == StageKind.OUTCOME and s.id != RESERVE_STAGE)
    }
    missing = tuple(c.id for c in record.candidates if c.stage in needing and not _reason_given(c))
    if not missing:
        return []
    return [
        Finding(
            "no-reason",
            missing,
            f"{len(missing)} candidate(s) were rejected (or left) without a recorded reason.",
            "Record the reason the panel gave: dgtracker note ID … or correct the move "
            "(dgtracker undo, then move again with --reason).",
        )
    ]


def from_ids(code: str, detail: str, todo: str, find: Callable[[Record], list[str]]) -> Check:
    """A check made from a function that names the candidate ids breaking a rule."""

    def check(record: Record, today: date) -> list[Finding]:
        ids = tuple(find(record))
        return [Finding(code, ids, detail.format(count=len(ids)), todo)] if ids else []

    return check


# The Disability Confident rule: process/fairness.py's
# `disability_confident_not_invited(record) -> list[str]` (candidate ids) is wired here,
# as from_ids("disability-confident", "{count} Disability Confident candidate(s) met the
# minimum criteria at the sift and were not invited to interview.", "Invite them: …",
# disability_confident_not_invited); until then the rule is listed and skipped.
DISABILITY_CONFIDENT_CHECK: Check | None = None


RULES: tuple[Rule, ...] = (
    Rule("no-chair", "The panel has a chair.", _chair),
    Rule(
        "chair-not-commissioner",
        "A Civil Service Commissioner chairs an SCS3 external competition.",
        _commissioner_chair,
    ),
    Rule(
        "appointed-out-of-merit",
        "The candidate appointed is the first appointable candidate in merit order.",
        _appointed_on_merit,
    ),
    Rule(
        "disability-confident",
        "A Disability Confident candidate who meets the minimum criteria at the sift is "
        "invited to interview.",
        DISABILITY_CONFIDENT_CHECK,
    ),
    Rule(
        "conflicted-marks",
        "A panel member's marks for a candidate they declared a conflict with are not counted.",
        _conflicted_marks,
    ),
    Rule(
        "criteria-after-closing",
        "The criteria are set before applications close and not changed after.",
        _criteria_before_closing,
    ),
    Rule(
        "no-outcome",
        "Every candidate has an outcome once the appointment is made.",
        _everyone_has_an_outcome,
    ),
    Rule(
        "reserve-too-long",
        f"A reserve list lasts at most {COMMISSION_RESERVE_MONTHS} months.",
        _reserve_within_limit,
    ),
    Rule("no-reason", "Every rejection records its reason.", _rejections_with_reasons),
)


@dataclass(frozen=True, slots=True)
class Audit:
    findings: list[Finding]
    checked: list[Rule]  # the rules run
    skipped: list[Rule]  # the rules not wired in yet


def audit(record: Record, today: date) -> Audit:
    findings: list[Finding] = []
    checked, skipped = [], []
    for rule in RULES:
        if rule.check is None:
            skipped.append(rule)
            continue
        checked.append(rule)
        findings += rule.check(record, today)
    return Audit(findings, checked, skipped)
