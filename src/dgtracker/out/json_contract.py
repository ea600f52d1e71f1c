"""The JSON contract: every object that `--json`, `export json` and `export-subject` print.

Documented in docs/json.md; fields are only ever added, never renamed or removed, and
every field is always present (null when empty). What is true is process/queries.py's to decide;
this module only spells it out.

The merge's modules are imported only by the JSON of `check` and of a conflict: `status
--json` loads none of them (start-up budget).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from dgtracker.dates import format_when
from dgtracker.out.panel_json import criterion_json, marks_json, member_json, slots_json
from dgtracker.process.blind import BlindView, blind_until, hidden_ids, in_force
from dgtracker.process.queries import (
    MilestoneView,
    active_stage_ids,
    current_milestones,
    milestone_views,
    outcome_date,
    pipeline,
)
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import (
    Campaign,
    Candidate,
    Event,
    MergeConflict,
    Milestone,
    MilestoneChange,
    Record,
    Stage,
    current_answers,
)
from dgtracker.record.summary import Listing, Summary, list_entry

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dgtracker.exchange.letters import MailResult
    from dgtracker.exchange.sheet_import import ImportPlan
    from dgtracker.process.privacy import FilePlan
    from dgtracker.team.merge_erasure import KeptErasure


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def milestone_json(view: MilestoneView) -> dict[str, Any]:
    milestone = view.milestone
    when = milestone.when
    return {
        "id": milestone.id,
        "title": milestone.title,
        "start": _iso(when.start),
        "end": _iso(when.end),
        "time": when.time.strftime("%H:%M") if when.time else None,
        "label": when.label,
        "when": format_when(when),
        "days_until": view.days_until,
        "state": view.state,
        "countdown": view.countdown,
        "next": view.is_next,
        "done": _iso(milestone.done),
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "organisation": campaign.organisation or None,
        "grade": campaign.grade or None,
        "salary": campaign.salary or None,
        "timezone": campaign.timezone,
    }


def status_json(
    record: Record, today: date, summaries: Sequence[Summary] | None = None
) -> dict[str, Any]:
    """`summaries`: the candidates' (record/summary.py), for a record read without them."""
    views = milestone_views(record, today)
    counts = pipeline(record, summaries)
    active = active_stage_ids(record)
    following = next((v.milestone.id for v in views if v.is_next), None)
    return {
        "as_of": today.isoformat(),
        "campaign": campaign_json(record.campaign),
        "next_milestone": following,
        "milestones": [milestone_json(view) for view in views],
        "pipeline": counts,
        "candidates_total": len(record.candidates if summaries is None else summaries),
        "active_total": sum(n for stage, n in counts.items() if stage in active),
    }


def candidate_json(
    candidate: Candidate, record: Record, today: date, blinding: BlindView | None = None
) -> dict[str, Any]:
    """A candidate; `blinding`: as the name-blind sift shows them (process/blind.py)."""
    return listed_json(list_entry(candidate), record, today, blinding)


def listed_json(
    listed: Listing, record: Record, today: date, blinding: BlindView | None = None
) -> dict[str, Any]:
    """A candidate, from their listing (record/summary.py): what `candidates --json` lists,
    and `candidate_json` prints of anyone."""
    stage = record.stage(listed.stage)
    hidden = blinding is not None and blinding.blinded(listed.id)
    since = listed.since
    return {
        "id": listed.id,
        "name": None if hidden else listed.name,
        "email": listed.email,
        "phone": listed.phone,
        "source": listed.source,
        "applied": _iso_ordinal(listed.applied),
        "stage": listed.stage,
        "stage_title": stage.title if stage else None,
        "stage_since": _iso_ordinal(since),
        "days_in_stage": None if since is None else today.toordinal() - since,
        "rank": listed.rank,
        "notes": list(listed.notes),
        "name_hidden": hidden,
        "name_revealed": blinding is not None and blinding.was_revealed(listed.id),
    }


def _iso_ordinal(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def mail_json(result: MailResult) -> dict[str, Any]:
    """What `mail` did, by candidate id: never a name, an address or a letter's text."""
    return {
        "template": result.template,
        "mode": result.mode,
        "folder": str(result.folder) if result.folder is not None else None,
        "letters": [
            {"id": cid, "file": str(path) if path is not None else None}
            for cid, path in result.letters
        ],
        "found": result.found,
        "no_address": result.no_address,
        "already": result.already,
        "not_applicable": [
            {"id": cid, "missing": missing} for cid, missing in result.not_applicable
        ],
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "on": event.on.isoformat(),
        "by": event.by,
        "action": event.action,
        "stage": event.stage,
        "from_stage": event.from_stage,
        "note": event.note,
        "reason": event.reason,
        "rank": event.rank,
        "undoes": event.undoes,
        "was": dict(event.was) if event.was is not None else None,
        "recorded": event.day.isoformat(),
        "letter": event.letter,
        "subject": event.subject,
        "sent": event.sent,
    }


def _team_only(candidate: Candidate) -> dict[str, Any]:
    """What the recruitment team arranges and the panel never sees: in `show` only."""
    return {
        "disability_confident": candidate.disability_confident,
        "adjustments": candidate.adjustments,
    }


def candidate_detail_json(
    candidate: Candidate,
    record: Record,
    today: date,
    blinding: BlindView | None = None,
    *,
    for_team: bool = True,
) -> dict[str, Any]:
    """`show --json`; `for_team` False (the exported record, which may reach the panel)
    leaves out what only the recruitment team sees; `blinding`: as the name-blind sift
    shows them (process/blind.py)."""
    detail = candidate_json(candidate, record, today, blinding)
    if for_team:
        detail.update(_team_only(candidate))
    detail["history"] = [event_json(event) for event in candidate.history]
    detail["marks"] = marks_json(candidate, record.criteria)
    detail["slots"] = slots_json(candidate)
    return detail


def added_json(candidate: Candidate, record: Record, today: date) -> dict[str, Any]:
    """`add-candidate --json`: the new id, and the candidate as `show --json` gives it."""
    return {"id": candidate.id, "candidate": candidate_detail_json(candidate, record, today)}


def noted_json(candidate: Candidate) -> dict[str, Any]:
    """`note --json`: the event the note added to the history."""
    return {"id": candidate.id, "event": event_json(candidate.history[-1])}


def edited_json(
    candidate: Candidate, changed: list[str], record: Record, today: date
) -> dict[str, Any]:
    """`edit --json`: which fields changed, and the candidate as it now is."""
    return {
        "id": candidate.id,
        "changed": changed,
        "event": event_json(candidate.history[-1]),
        "candidate": {
            **candidate_json(candidate, record, today),
            **_team_only(candidate),
        },
    }


def undone_json(candidate: Candidate, undone: Event, record: Record, today: date) -> dict[str, Any]:
    """`undo --json`: the change undone, the compensating event, and where they now are."""
    return {
        "id": candidate.id,
        "undone": event_json(undone),
        "event": event_json(candidate.history[-1]),
        "candidate": candidate_json(candidate, record, today),
    }


def milestone_change_json(change: MilestoneChange) -> dict[str, Any]:
    return {
        "at": change.at.isoformat(),
        "by": change.by,
        "change": change.change,
        "before": change.before,
        "after": change.after,
        "reason": change.reason,
        "on": change.day.isoformat(),
    }


def milestone_done_json(record: Record, milestone: Milestone, today: date) -> dict[str, Any]:
    """What a `milestone` command did: the milestone as `milestone list --json` gives it
    (null once removed), and the change it made, as its history keeps it."""
    view = next((v for v in milestone_views(record, today) if v.milestone is milestone), None)
    return {
        "id": milestone.id,
        "milestone": milestone_json(view) if view is not None else None,
        "removed": _iso(milestone.removed),
        "change": milestone_change_json(milestone.history[-1]) if milestone.history else None,
    }


def stage_json(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "title": stage.title,
        "kind": stage.kind,
        "needs_reason": stage.needs_reason,
        "limit_days": stage.limit_days,
    }


def record_json(
    record: Record, today: date, each: Walk = quietly, blinding: BlindView | None = None
) -> dict[str, Any]:
    """The whole record (`export json`): `status --json` plus everything behind it;
    `blinding`: as the name-blind sift shows it (process/blind.py)."""
    whole = status_json(record, today)
    whole["campaign"]["description"] = record.campaign.description or None
    whole["campaign"]["band"] = record.campaign.band or None
    whole["campaign"]["external"] = record.campaign.external
    whole["retention"] = {
        "anonymise_after_months": record.retention.anonymise_after_months,
        "reserve_months": record.retention.reserve_months,
    }
    whole["stages"] = [stage_json(stage) for stage in record.stages]
    whole["criteria"] = [criterion_json(criterion) for criterion in record.criteria]
    whole["panel"] = [member_json(member) for member in record.panel]
    for milestone, shown in zip(current_milestones(record), whole["milestones"], strict=True):
        shown["remind_days"] = list(milestone.reminder_days)
        shown["history"] = [milestone_change_json(change) for change in milestone.history]
    candidates = each(record.candidates, "Exporting")
    whole["candidates"] = [
        candidate_detail_json(c, record, today, blinding, for_team=False) for c in candidates
    ]
    whole["blind"] = blind_json(record, blinding)
    return whole


def blind_json(record: Record, blinding: BlindView | None = None) -> dict[str, Any]:
    """The name-blind sift: whether it is on, until which stage, since when, and how many
    candidates it shows by id only (or, with --reveal, showed by name all the same)."""
    setting = in_force(record)
    until = blind_until(record)
    stage = record.stage(until) if until else None
    hidden = blinding.hidden if blinding is not None else hidden_ids(record)
    return {
        "on": until is not None,
        "until": until,
        "until_title": stage.title if stage else None,
        "set_on": setting.on.isoformat() if setting is not None else None,
        "set_by": setting.by if setting is not None else None,
        "hidden": len(hidden),
        "revealed": len(blinding.revealed) if blinding is not None else 0,
    }


def check_json(path: str, record: Record | None, problems: list[str]) -> dict[str, Any]:
    """`check --json`: whether the record keeps every rule, and each problem found."""
    from dgtracker.team.merge_erasure import kept_erasures  # check alone needs it

    return {
        "path": path,
        "valid": record is not None,
        "problems": problems,
        "candidates": len(record.candidates) if record else None,
        "milestones": len(record.milestones) if record else None,
        "stages": len(record.stages) if record else None,
        "conflicts": [_conflict(c) for c in record.conflicts] if record else [],
        "erasures_kept": [_kept(kept) for kept in kept_erasures(record)] if record else [],
    }


def _kept(kept: KeptErasure) -> dict[str, Any]:
    """An erasure a merge kept over another copy's changes, as `check --json` lists it:
    ids, counts, kinds of change and team members, never the data."""
    return {
        "candidate": kept.candidate,
        "at": kept.at.isoformat(),
        "on": kept.on.isoformat(),
        "changes": kept.changes,
        "actions": list(kept.actions),
        "by": list(kept.by),
        "message": kept.describe(),
    }


def _plain(value: Any) -> Any:
    """A conflict's value as JSON holds it: moments and dates as ISO 8601 text (a schedule
    at a time, a history's entries)."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_plain(part) for part in value]
    return value


def _conflict(conflict: MergeConflict) -> dict[str, Any]:
    """A merge conflict waiting for `resolve`, as `check --json` lists it."""
    from dgtracker.team.conflicts import describe_conflict

    return {
        "id": conflict.id,
        "ours": _plain(conflict.ours),
        "theirs": _plain(conflict.theirs),
        "base": _plain(conflict.base),
        "ours_by": conflict.ours_by,
        "theirs_by": conflict.theirs_by,
        "message": describe_conflict(conflict),
    }


def created_json(path: str, record: Record, backup: str | None) -> dict[str, Any]:
    """`init --json`: the record made, its campaign, and the backup of the one it replaced."""
    return {"path": path, "campaign": campaign_json(record.campaign), "backup": backup}


def resolved_json(conflict: MergeConflict, side: str, record: Record) -> dict[str, Any]:
    """`resolve --json`: the conflict settled (as `check --json` listed it), the side kept,
    and the ids of the conflicts still waiting."""
    return {
        "id": conflict.id,
        "kept": side,
        "conflict": _conflict(conflict),
        "waiting": [waiting.id for waiting in record.conflicts],
    }


def purge_json(plans: list[FilePlan], dry_run: bool, leftovers: int = 0) -> dict[str, Any]:
    """`purge --json`: per file, who is (or would be) anonymised and which fields, where
    mentions of them are erased and which conflicts about them are dropped; by ids and
    field names, never the values."""
    return {
        "dry_run": dry_run,
        "files": [
            {
                "path": str(plan.path),
                "candidates": [{"id": d.candidate.id, "fields": d.held} for d in plan.due],
                "mentions": [
                    {"of": m.of, "kind": m.kind, "item": m.item, "fields": list(m.fields)}
                    for m in plan.erased.mentions
                ],
                "conflicts_dropped": plan.erased.conflicts,
            }
            for plan in plans
            if plan.due
        ],
        "leftovers_removed": leftovers,
    }


def moves_json(moved: list[Candidate], *, dry_run: bool) -> dict[str, Any]:
    """What a `move` of several people did (or, dry_run, would do): a line for each."""
    moves = []
    for candidate in moved:
        last = candidate.history[-1]
        moves.append(
            {
                "id": candidate.id,
                "name": candidate.name,
                "from": last.from_stage or candidate.stage,  # a new rank: from reserve to it
                "to": candidate.stage,
                "on": last.on.isoformat(),
                "rank": candidate.rank,
            }
        )
    return {"dry_run": dry_run, "count": len(moves), "moves": moves}


def import_plan_json(plan: ImportPlan, name: str, record: Record, today: date) -> dict[str, Any]:
    """What `import --dry-run --json` would do: every field each row would store."""
    rows = []
    for outcome in plan.outcomes:
        row, existing = outcome.row, outcome.existing
        applied = today if outcome.dated_today else row.applied
        rows.append(
            {
                "line": row.line,
                "row": row.row,
                "action": outcome.action,
                "candidate": existing.id if existing else None,
                "name": row.name or (existing.name if existing else None),
                "email": row.email,
                "phone": row.phone,
                "source": row.source,
                "applied": applied.isoformat() if applied else None,
                "applied_from_file": row.applied is not None,
                "stage": existing.stage if existing else (row.stage or record.stages[0].id),
                "note": row.note if outcome.action == "add" else None,
                "move_to": outcome.move_to,
                "reason": outcome.reason,
                "changes": list(outcome.changes),
                "detail": outcome.detail or None,
            }
        )
    return {
        "dry_run": True,
        "file": name,
        "read_as": plan.read_as,
        "notes": plan.notes,
        "columns": plan.columns,
        "ignored_columns": plan.ignored_columns,
        "counts": {action: plan.count(action) for action in ("add", "update", "skip")},
        "rows": rows,
    }


def import_done_json(plan: ImportPlan, name: str, added: list[Candidate]) -> dict[str, Any]:
    """What `import --json` did: ids added, updated and skipped (by row), as the dry run's
    plan names its rows; no names or emails (the record holds them)."""
    adds = [outcome for outcome in plan.outcomes if outcome.action == "add"]
    added_by_row = {outcome.row.row: c.id for c, outcome in zip(added, adds, strict=True)}
    rows = [
        {
            "line": outcome.row.line,
            "row": outcome.row.row,
            "action": outcome.action,
            "candidate": added_by_row.get(outcome.row.row)
            or (outcome.existing.id if outcome.existing else None),
            "changes": list(outcome.changes),
            "detail": outcome.detail or None,
        }
        for outcome in plan.outcomes
    ]
    dated = [c.id for c, outcome in zip(added, adds, strict=True) if outcome.dated_today]
    return {
        "dry_run": False,
        "file": name,
        "read_as": plan.read_as,
        "notes": plan.notes,
        "columns": plan.columns,
        "ignored_columns": plan.ignored_columns,
        "counts": {action: plan.count(action) for action in ("add", "update", "skip")},
        "added": [candidate.id for candidate in added],
        "updated": [row["candidate"] for row in rows if row["action"] == "update"],
        "skipped": [row["candidate"] for row in rows if row["action"] == "skip"],
        "dated_today": dated,
        "rows": rows,
    }


def subject_access_json(record: Record, candidate: Candidate, today: date) -> dict[str, Any]:
    """Everything the record holds about one person (a subject access request)."""
    # Only export-subject needs the retention rules: loading them costs every other
    # reader (status --json, candidates --json) about 50 M instructions.
    from dgtracker.process.privacy import anonymise_on, is_appointed, retention_months
    from dgtracker.record.personal_data import personal_data_held

    due = anonymise_on(record, candidate, outcome_date(record))
    campaign = campaign_json(record.campaign)
    return {
        "as_of": today.isoformat(),
        "campaign": {key: campaign[key] for key in ("id", "title", "organisation")},
        "candidate": candidate_detail_json(candidate, record, today),
        "monitoring": current_answers(candidate.monitoring),
        "retention": {
            "anonymise_after_months": retention_months(record, candidate),
            "appointed": is_appointed(record, candidate),
            "anonymise_on": due.isoformat() if due and personal_data_held(candidate) else None,
        },
    }
