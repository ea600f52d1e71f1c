"""The JSON contract for the panel's work: criteria, the panel, marks, slots and merit.

Like out/json_contract.py: every field always present (null when empty), fields only added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dgtracker.panel.merit import MeritRow
from dgtracker.record.model import FRAME_GRADES, Candidate, Criterion, Marks, PanelMember, Slot

if TYPE_CHECKING:
    from dgtracker.panel.changes import ReservePlace
    from dgtracker.process.blind import BlindView


def criterion_json(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "title": criterion.title,
        "kind": criterion.kind,
        "scale": [criterion.low, criterion.high],
        "bar": criterion.bar,
        "assess": list(criterion.assess),
        "weight": criterion.weight,
        "lead": criterion.lead,
        "frame": criterion.frame,
        "grades": list(FRAME_GRADES) if criterion.frame else None,
        "changed": criterion.changed.isoformat() if criterion.changed else None,
    }


def member_json(member: PanelMember) -> dict[str, Any]:
    return {
        "name": member.name,
        "role": member.role,
        "marks": member.role != "adviser",
        "commissioner": member.commissioner,
        "email": member.email,
        "conflicts": [{"candidate": c.candidate, "note": c.note} for c in member.conflicts],
    }


def written(scores: dict[str, int], criteria: list[Criterion]) -> dict[str, int | str]:
    """Marks as written: numbers, and the grades of criteria on the marking frame."""
    frame = {c.id: c for c in criteria if c.frame}
    if not frame:
        return dict(scores)
    return {cid: frame[cid].as_written(m) if cid in frame else m for cid, m in scores.items()}


def sheet_json(sheet: Marks, criteria: list[Criterion]) -> dict[str, Any]:
    """One member's (or the agreed) marks at one assessment."""
    return {
        "assessment": sheet.assessment,
        "member": sheet.member,
        "agreed": sheet.member is None,
        "scores": written(sheet.scores, criteria),
        "evidence": sheet.evidence,
    }


def marks_json(candidate: Candidate, criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [sheet_json(sheet, criteria) for sheet in candidate.marks]


def score_json(candidate: Candidate, sheet: Marks, criteria: list[Criterion]) -> dict[str, Any]:
    """`score --json`: the sheet the marks landed on, whole (earlier marks on it too)."""
    return {"id": candidate.id, **sheet_json(sheet, criteria)}


def slot_json(slot: Slot) -> dict[str, Any]:
    return {
        "assessment": slot.assessment,
        "start": slot.at.isoformat(timespec="minutes"),
        "end": slot.end.isoformat(timespec="minutes"),
        "minutes": slot.minutes,
        "where": slot.where,
        "cancelled": slot.cancelled.isoformat() if slot.cancelled else None,
    }


def slots_json(candidate: Candidate) -> list[dict[str, Any]]:
    return [slot_json(slot) for slot in candidate.slots]


def scheduled_json(candidate: Candidate, slot: Slot, earlier: Slot | None) -> dict[str, Any]:
    """`schedule --json`: the slot booked (or cancelled), and the one it replaced."""
    return {
        "id": candidate.id,
        "slot": slot_json(slot),
        "was": slot_json(earlier) if earlier is not None else None,
    }


def criterion_done_json(criterion: Criterion, *, removed: bool) -> dict[str, Any]:
    """`criteria add|change|remove --json`: the criterion as it now is (or was, removed)."""
    return {"id": criterion.id, "removed": removed, "criterion": criterion_json(criterion)}


def member_done_json(member: PanelMember) -> dict[str, Any]:
    """`panel add|conflict --json`: the member as they now are, conflicts and all."""
    return {"name": member.name, "member": member_json(member)}


def merit_json(rows: list[MeritRow], blinding: BlindView | None = None) -> list[dict[str, Any]]:
    """The `merit --json` contract; `blinding`: as the name-blind sift shows the rows."""
    hidden = blinding.hidden if blinding is not None else frozenset()
    revealed = blinding.revealed if blinding is not None else frozenset()
    return [
        {
            "rank": row.rank,
            "id": row.candidate.id,
            "name": None if row.candidate.id in hidden else row.candidate.name,
            "total": row.total,
            "appointable": row.appointable,
            "tie": row.tie,
            "tie_broken": row.tie_broken,
            "marks": row.written,
            "missing": row.missing,
            "below_bar": row.below_bar,
            "moderate": row.moderate,
            "conflicts": row.conflicts,
            "name_hidden": row.candidate.id in hidden,
            "name_revealed": row.candidate.id in revealed,
        }
        for row in rows
    ]


def reserve_json(plan: list[ReservePlace], stage_id: str, dry_run: bool) -> dict[str, Any]:
    """The `reserve --from-merit --json` contract: who is (or would be) placed where."""
    return {
        "dry_run": dry_run,
        "assessment": stage_id,
        "count": len(plan),
        "places": [
            {
                "id": place.candidate.id,
                "name": place.candidate.name,
                "rank": place.rank,
                "merit_rank": place.merit_rank,
                "tied": place.tied,
            }
            for place in plan
        ],
    }
