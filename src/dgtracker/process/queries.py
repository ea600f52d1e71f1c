"""What is true on a given day: milestone states, countdowns, the pipeline.

Pure functions of a record and "today"; they decide, and leave showing to out/tables.py
(tables) and out/json_contract.py (the JSON contract).

candidate_actions is imported only by the selection that names stages: reading
commands load no action (start-up budget).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from dgtracker.compared import FrozenCompared
from dgtracker.dates import format_day
from dgtracker.record.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Milestone,
    Record,
    Stage,
    StageKind,
    effective_history,
)
from dgtracker.record.summary import Listing, Summary

# Milestone states, part of the JSON contract.
DONE, TBC, UPCOMING, TODAY, UNDER_WAY, OVERDUE = (
    "done",
    "tbc",
    "upcoming",
    "today",
    "under_way",
    "overdue",
)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class MilestoneView(FrozenCompared):
    """A milestone as the tables show it: its state and countdown."""

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


def current_milestones(record: Record) -> list[Milestone]:
    """The milestones in the plan: those removed stay in the record only as tombstones."""
    return [milestone for milestone in record.milestones if milestone.removed is None]


def milestone_views(record: Record, today: date) -> list[MilestoneView]:
    views = []
    for milestone in current_milestones(record):
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


def pipeline(record: Record, summaries: Sequence[Summary] | None = None) -> dict[str, int]:
    """How many candidates are at each stage, in the record's stage order (zeros included).
    `summaries`: the candidates' (record/summary.py), for a record read without them."""
    if summaries is None:
        counts = Counter(candidate.stage for candidate in record.candidates)
    else:
        counts = Counter(summary.stage for summary in summaries)
    return {stage.id: counts.get(stage.id, 0) for stage in record.stages}


def active_stage_ids(record: Record) -> set[str]:
    return {stage.id for stage in record.stages if stage.kind == StageKind.ACTIVE}


APPOINTMENT_MILESTONE = "appointment"


class AtStage(Protocol):
    """A candidate, or what `remind` keeps of them (record/summary.py `Watch`), as the
    outcome and the retention dates count them."""

    @property
    def stage(self) -> str: ...
    def stage_since(self) -> date | None: ...


def outcome_date(record: Record, people: Iterable[AtStage] | None = None) -> date | None:
    """When the campaign reached its outcome, from what is true now: the latest day on
    which someone now at an appointed stage entered it, else the day the "appointment"
    milestone was marked done; None if neither. An appointment undone since (a
    reinstating move) sets no date. Reserve-list expiry, the retention policy and a
    subject access export all count from it: this is the one place it is decided.
    `people`: the record's candidates as `remind` keeps them, when it has not built them."""
    appointed = {stage.id for stage in record.stages if stage.kind == StageKind.APPOINTED}
    days = [
        since
        for candidate in (record.candidates if people is None else people)
        if candidate.stage in appointed and (since := candidate.stage_since()) is not None
    ]
    if days:
        return max(days)
    for milestone in current_milestones(record):
        if milestone.id == APPOINTMENT_MILESTONE and milestone.done is not None:
            return milestone.done
    return None


def days_in_stage(candidate: Candidate, today: date) -> int | None:
    since = candidate.stage_since()
    return None if since is None else (today - since).days


def stage_title(record: Record, stage_id: str) -> str:
    stage: Stage | None = record.stage(stage_id)
    return stage.title if stage else stage_id


class Ranked(Protocol):
    """A candidate, or their summary (record/summary.py), as the reserve list orders them."""

    @property
    def id(self) -> str: ...
    @property
    def rank(self) -> int | None: ...


RankedT = TypeVar("RankedT", bound=Ranked)


def merit_order(candidates: list[RankedT]) -> list[RankedT]:
    """The reserve list's order: by rank, those without one after, then by id."""
    return sorted(candidates, key=lambda c: (c.rank is None, c.rank or 0, c.id))


def reserve_list(record: Record) -> list[Candidate]:
    """Who is on the reserve list, in merit order; those whose data was purged are gone."""
    return merit_order(
        [
            c
            for c in record.candidates
            if c.stage == RESERVE_STAGE and not any(e.action == Action.PURGED for e in c.history)
        ]
    )


def select_candidates(
    record: Record, listings: list[Listing], *, stage: str | None, active: bool
) -> list[Listing]:
    """The candidates a list asks for, by their listings (record/summary.py): at one stage
    (the reserve list in merit order), still in the process, or all, in record order."""
    chosen = listings
    if stage is not None:
        from dgtracker.process.candidate_actions import resolve_stage

        stage = resolve_stage(record, stage)
        chosen = [c for c in chosen if c.stage == stage]
        if stage == RESERVE_STAGE:
            chosen = merit_order(chosen)
    if active:
        in_process = active_stage_ids(record)
        chosen = [c for c in chosen if c.stage in in_process]
    return chosen


# --- who has been told their outcome (the log of letters, `mail`) -------------------------


def outcome_decided(record: Record, candidate: AtStage) -> date | None:
    """The day the candidate reached the outcome they are at (appointed, reserve list,
    not progressed, withdrawn), or None while they are still in the process."""
    stage = record.stage(candidate.stage)
    if stage is None or stage.kind == StageKind.ACTIVE:
        return None
    return candidate.stage_since()


def told_of_outcome(record: Record, candidate: Candidate) -> date | None:
    """The day a letter (drafted or sent) was first logged to them since their outcome
    was decided, or None: not told yet (or no outcome)."""
    letters = (e.day for e in effective_history(candidate.history) if e.action == Action.LETTER)
    return told_since(outcome_decided(record, candidate), letters)


def told_since(decided: date | None, letters: Iterable[date]) -> date | None:
    """The first of the days letters were logged (in order) on or after `decided`."""
    if decided is None:
        return None
    return next((day for day in letters if day >= decided), None)
