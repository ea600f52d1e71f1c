"""The JSON contract: every object that `--json`, `export json` and `export-subject` print.

Documented in the README; fields are only ever added, never renamed or removed, and
every field is always present (null when empty). What is true is views.py's to decide;
this module only spells it out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dgtracker.dates import format_when
from dgtracker.model import Campaign, Candidate, Event, MilestoneChange, Record, Stage
from dgtracker.views import (
    MilestoneView,
    active_stage_ids,
    current_milestones,
    days_in_stage,
    milestone_views,
    pipeline,
)


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


def status_json(record: Record, today: date) -> dict[str, Any]:
    views = milestone_views(record, today)
    counts = pipeline(record)
    active = active_stage_ids(record)
    following = next((v.milestone.id for v in views if v.is_next), None)
    return {
        "as_of": today.isoformat(),
        "campaign": campaign_json(record.campaign),
        "next_milestone": following,
        "milestones": [milestone_json(view) for view in views],
        "pipeline": counts,
        "candidates_total": len(record.candidates),
        "active_total": sum(n for stage, n in counts.items() if stage in active),
    }


def candidate_json(candidate: Candidate, record: Record, today: date) -> dict[str, Any]:
    stage = record.stage(candidate.stage)
    return {
        "id": candidate.id,
        "name": candidate.name,
        "email": candidate.email,
        "phone": candidate.phone,
        "source": candidate.source,
        "applied": _iso(candidate.applied),
        "stage": candidate.stage,
        "stage_title": stage.title if stage else None,
        "stage_since": _iso(candidate.stage_since()),
        "days_in_stage": days_in_stage(candidate, today),
        "rank": candidate.rank,
        "notes": candidate.notes,
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
    }


def candidate_detail_json(candidate: Candidate, record: Record, today: date) -> dict[str, Any]:
    detail = candidate_json(candidate, record, today)
    detail["history"] = [event_json(event) for event in candidate.history]
    return detail


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


def stage_json(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "title": stage.title,
        "kind": stage.kind,
        "needs_reason": stage.needs_reason,
        "limit_days": stage.limit_days,
    }


def record_json(record: Record, today: date) -> dict[str, Any]:
    """The whole record (`export json`): `status --json` plus everything behind it."""
    whole = status_json(record, today)
    whole["campaign"]["description"] = record.campaign.description or None
    whole["retention"] = {
        "anonymise_after_months": record.retention.anonymise_after_months,
        "reserve_months": record.retention.reserve_months,
    }
    whole["stages"] = [stage_json(stage) for stage in record.stages]
    for milestone, shown in zip(current_milestones(record), whole["milestones"], strict=True):
        shown["remind_days"] = list(milestone.reminder_days)
        shown["history"] = [milestone_change_json(change) for change in milestone.history]
    whole["candidates"] = [candidate_detail_json(c, record, today) for c in record.candidates]
    return whole
