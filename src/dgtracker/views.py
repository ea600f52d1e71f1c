"""What is true on a given day: milestone states, countdowns, the pipeline.

Pure functions of a record and "today"; they decide, and leave showing to render.py
(tables) and the JSON contract (the `*_json` functions below).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from dgtracker.dates import format_day, format_when
from dgtracker.model import (
    DEFAULT_REMINDER_DAYS,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    Record,
    Stage,
)

# Milestone states, part of the JSON contract.
DONE, TBC, UPCOMING, TODAY, UNDER_WAY, OVERDUE = (
    "done",
    "tbc",
    "upcoming",
    "today",
    "under_way",
    "overdue",
)


@dataclass(frozen=True, slots=True)
class MilestoneView:
    milestone: Milestone
    state: str
    days_until: int | None  # to the start; negative once it has begun
    countdown: str
    is_next: bool = False


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def milestone_state(milestone: Milestone, today: date) -> tuple[str, int | None]:
    when = milestone.when
    if when.start is None or when.end is None:
        return (DONE if milestone.done else TBC), None
    days_until = (when.start - today).days
    if milestone.done:
        return DONE, days_until
    if today < when.start:
        return UPCOMING, days_until
    if today > when.end:
        return OVERDUE, days_until
    return (UNDER_WAY if when.is_window else TODAY), days_until


def countdown(milestone: Milestone, state: str, today: date) -> str:
    when = milestone.when
    if state == DONE:
        return f"done on {format_day(milestone.done)}" if milestone.done else "done"
    if state == TBC or when.start is None or when.end is None:
        return "date to be confirmed"
    start, end = when.start, when.end
    if state == UPCOMING:
        ahead = (start - today).days
        prefix = "starts " if when.is_window else ""
        return f"{prefix}tomorrow" if ahead == 1 else f"{prefix}in {_days(ahead)}"
    if state == TODAY:
        return f"today at {when.time:%H:%M}" if when.time else "today"
    if state == UNDER_WAY:
        day = (today - start).days + 1
        return f"under way, day {day} of {(end - start).days + 1}"
    ago = (today - end).days
    past = "yesterday" if ago == 1 else f"{_days(ago)} ago"
    return f"{'ended ' if when.is_window else ''}{past} — not marked done"


def milestone_views(record: Record, today: date) -> list[MilestoneView]:
    views = []
    for milestone in record.milestones:
        state, days_until = milestone_state(milestone, today)
        text = countdown(milestone, state, today)
        views.append(MilestoneView(milestone, state, days_until, text))
    upcoming = [v for v in views if v.state in (TODAY, UNDER_WAY, UPCOMING)]
    if upcoming:
        soonest = min(upcoming, key=lambda v: v.milestone.when.start or today)
        views = [
            MilestoneView(v.milestone, v.state, v.days_until, v.countdown, v is soonest)
            for v in views
        ]
    return views


def pipeline(record: Record) -> dict[str, int]:
    """How many candidates are at each stage, in the record's stage order (zeros included)."""
    counts = Counter(candidate.stage for candidate in record.candidates)
    return {stage.id: counts.get(stage.id, 0) for stage in record.stages}


def active_stage_ids(record: Record) -> set[str]:
    return {stage.id for stage in record.stages if stage.kind == "active"}


APPOINTMENT_MILESTONE = "appointment"


def outcome_date(record: Record) -> date | None:
    """When the campaign reached its outcome: the latest day someone entered an appointed
    stage, else the day the "appointment" milestone was marked done; None if neither.
    Reserve-list expiry and the retention policy both count from it."""
    appointed = {stage.id for stage in record.stages if stage.kind == "appointed"}
    days = [
        event.on
        for candidate in record.candidates
        for event in candidate.history
        if event.action in {"added", "moved"} and event.stage in appointed
    ]
    if days:
        return max(days)
    for milestone in record.milestones:
        if milestone.id == APPOINTMENT_MILESTONE and milestone.done is not None:
            return milestone.done
    return None


def days_in_stage(candidate: Candidate, today: date) -> int | None:
    since = candidate.stage_since()
    return None if since is None else (today - since).days


# --- the JSON contract (documented in the README; fields are only ever added) -------


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


def status_json(record: Record, today: date) -> dict[str, Any]:
    views = milestone_views(record, today)
    counts = pipeline(record)
    active = active_stage_ids(record)
    following = next((v.milestone.id for v in views if v.is_next), None)
    campaign = record.campaign
    return {
        "as_of": today.isoformat(),
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "organisation": campaign.organisation or None,
            "grade": campaign.grade or None,
            "salary": campaign.salary or None,
            "timezone": campaign.timezone,
        },
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
    }


def stage_json(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "title": stage.title,
        "kind": stage.kind,
        "needs_reason": stage.needs_reason,
        "limit_days": stage.limit_days,
    }


def reminder_days(milestone: Milestone) -> tuple[int, ...]:
    """The days before a milestone to remind on: its own list, else the default."""
    if milestone.remind_days is None:
        return DEFAULT_REMINDER_DAYS
    return milestone.remind_days


def record_json(record: Record, today: date) -> dict[str, Any]:
    """The whole record (`export json`): `status --json` plus everything behind it."""
    whole = status_json(record, today)
    whole["campaign"]["description"] = record.campaign.description or None
    whole["retention"] = {
        "anonymise_after_months": record.retention.anonymise_after_months,
        "reserve_months": record.retention.reserve_months,
    }
    whole["stages"] = [stage_json(stage) for stage in record.stages]
    for milestone, shown in zip(record.milestones, whole["milestones"], strict=True):
        shown["remind_days"] = list(reminder_days(milestone))
        shown["history"] = [milestone_change_json(change) for change in milestone.history]
    whole["candidates"] = [candidate_detail_json(c, record, today) for c in record.candidates]
    return whole


def stage_title(record: Record, stage_id: str) -> str:
    stage: Stage | None = record.stage(stage_id)
    return stage.title if stage else stage_id
