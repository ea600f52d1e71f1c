"""What the campaign report shows, as plain data: the timeline, the funnel, the candidates
(for a panel) and the competition record (for the Civil Service Commission).

Pure functions of a record and a day. Drawing is report/charts_svg.py's and out/charts.py's
job; the page is report/page.py's. Nothing here returns a candidate's name, email or phone
unless the caller asks for the panel's table, which is the only place they belong.

The date parser (dateutil) is imported only for a milestone's free-text time (start-up budget).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from dgtracker.compared import Compared, FrozenCompared
from dgtracker.dates import When, format_when
from dgtracker.errors import Refused
from dgtracker.process.queries import DONE, OVERDUE, TBC, milestone_state, stage_title
from dgtracker.record.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Milestone,
    MilestoneChangeKind,
    Record,
    StageKind,
)
from dgtracker.record.summary import Summary, summaries_of, summarise

# --- the timeline ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Span(FrozenCompared):
    """A stretch of days on the timeline."""

    start: date
    end: date


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TimelineItem(FrozenCompared):
    """One milestone on the timeline."""

    id: str
    title: str
    when: When  # as planned now
    state: str  # views' milestone states: done, tbc, upcoming, today, under_way, overdue
    done: date | None
    first_planned: When  # as first planned (the same as `when` if never moved)
    earlier: tuple[Span, ...] = ()  # every dated schedule it had before the current one
    reschedules: int = 0

    @property
    def current(self) -> Span | None:
        if self.when.start is None or self.when.end is None:
            return None
        return Span(self.when.start, self.when.end)

    @property
    def moved(self) -> bool:
        return self.reschedules > 0


def _schedule(spec: str | None, today: date) -> When:
    """A schedule written in a milestone's history (model.when_spec), read back."""
    if not spec:
        return When()
    from dgtracker.date_input import parse_when

    try:
        return parse_when(spec, today)
    except Refused:  # a history entry written by hand: show the milestone without it
        return When()


def is_shown(milestone: Milestone) -> bool:
    """False for a removed milestone (kept in the record as a tombstone once removal lands)."""
    return getattr(milestone, "removed", None) is None


def timeline(record: Record, today: date, with_history: bool = True) -> list[TimelineItem]:
    """The milestones as the timeline shows them; `with_history` False leaves out the
    earlier schedules (reading them back needs date_input, which `status` does without)."""
    items = []
    for milestone in record.milestones:
        if not is_shown(milestone):
            continue
        state, _ = milestone_state(milestone, today)
        earlier: list[Span] = []
        first: When | None = None
        reschedules = 0
        for change in milestone.history if with_history else ():
            if change.change == MilestoneChangeKind.ADDED and first is None:
                first = _schedule(change.after, today)
            elif change.change == MilestoneChangeKind.RESCHEDULED:
                before = _schedule(change.before, today)
                first = before if first is None else first
                reschedules += 1
                if before.start is not None and before.end is not None:
                    earlier.append(Span(before.start, before.end))
        items.append(
            TimelineItem(
                milestone.id,
                milestone.title,
                milestone.when,
                state,
                milestone.done,
                milestone.when if first is None else first,
                tuple(earlier),
                reschedules,
            )
        )
    return items


def timeline_range(items: list[TimelineItem], today: date) -> tuple[date, date]:
    """The first and last day the timeline has to show (today included)."""
    days = [today]
    for item in items:
        for span in (item.current, *item.earlier):
            if span is not None:
                days += [span.start, span.end]
        if item.done is not None:
            days.append(item.done)
    return min(days), max(days)


def describe_timeline_item(item: TimelineItem) -> str:
    """The timeline item in words, for text alternatives and tables."""
    parts = [f"{item.title}: {format_when(item.when)}"]
    if item.moved:
        parts.append(f"first planned {format_when(item.first_planned)}")
        parts.append(f"moved {item.reschedules} time(s)")
    if item.state == DONE and item.done is not None:
        parts.append(f"done {item.done.isoformat()}")
    elif item.state == OVERDUE:
        parts.append("overdue, not marked done")
    elif item.state == TBC:
        parts.append("date to be confirmed")
    return "; ".join(parts)


# --- the funnel --------------------------------------------------------------------


@dataclass(slots=True, eq=False, repr=False)
class FunnelStage(Compared):
    """A stage of the funnel: how many reached it."""

    id: str
    title: str
    reached: int = 0
    here_now: int = 0
    left: Counter[str] = field(default_factory=Counter)  # outcome stage title -> how many
    reasons: Counter[str] = field(default_factory=Counter)  # "Withdrawn: reason" -> how many

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def _path(candidate: Candidate) -> list[str]:
    """The stages the candidate entered, in order (from the moves that stand, else the
    stage now)."""
    stages = list(summarise(candidate).stood)
    if not stages or stages[-1] != candidate.stage:
        stages.append(candidate.stage)
    return stages


def funnel(record: Record, summaries: Sequence[Summary] | None = None) -> list[FunnelStage]:
    """For each stage of the process (active stages, then appointment): how many reached
    it, how many are there now, and how many left from it to which outcome and why.
    Counted from the candidates' summaries (record/summary.py): `summaries`, for a record
    read without its candidates (`status` from the cache), else made from its candidates."""
    order = [s for s in record.stages if s.kind != StageKind.OUTCOME]
    position = {stage.id: i for i, stage in enumerate(order)}
    rows = [FunnelStage(stage.id, stage.title) for stage in order]
    furthest_count = [0] * (len(order) + 1)  # index 0: reached none of them
    # Candidates alike in all the funnel counts are counted together, in the order the
    # first of each comes, so every count is made in the order it would be one by one
    # (a campaign's candidates take few routes: the benchmark's 10,000 take 4).
    alike = Counter(
        (stage, stood, reason)
        for stage, stood, reason, _ in (summaries_of(record) if summaries is None else summaries)
    )
    for (stage_now, stood, reason), many in alike.items():
        furthest = position.get(stage_now, -1)
        for stage in stood:
            at = position.get(stage, -1)
            furthest = at if at > furthest else furthest
        furthest_count[furthest + 1] += many
        here = position.get(stage_now)
        if here is not None:
            rows[here].here_now += many
        elif furthest >= 0:
            row = rows[furthest]
            outcome = stage_title(record, stage_now)
            row.left[outcome] += many
            if reason:
                row.reasons[f"{outcome}: {reason}"] += many
    reached = 0
    for index in range(len(order) - 1, -1, -1):
        reached += furthest_count[index + 1]
        rows[index].reached = reached
    return rows


def leaving_reason(candidate: Candidate) -> str | None:
    """The reason given when the candidate entered the stage they are at now."""
    return summarise(candidate).reason


def furthest_stage(record: Record, candidate: Candidate) -> str:
    """The id of the furthest stage of the process the candidate reached."""
    order = [s.id for s in record.stages if s.kind != StageKind.OUTCOME]
    reached = [s for s in _path(candidate) if s in order]
    return max(reached, key=order.index) if reached else candidate.stage


# --- the competition record (for the Commission) -----------------------------------


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class CompetitionRow(FrozenCompared):
    """One candidate, from application to outcome, with nothing that identifies them."""

    id: str
    applied: date | None
    furthest: str  # stage title
    outcome: str  # "Appointed", "Reserve list (rank 2)", "Not progressed", "In process"
    outcome_on: date | None
    reason: str  # scrubbed of names, emails and phone numbers
    path: str  # "Applied → Longlist (sift) → Withdrawn"


REMOVED = "[removed]"


class Scrubber:
    """Takes every candidate out of text: each name they had (now, before an edit, in a
    waiting conflict) and each word of it, in any case and with or without accents, their
    email and phone, and any other email address or phone number (mentions.redact, with
    everyone's identifiers at once)."""

    def __init__(self, record: Record) -> None:
        # Only the report scrubs: `status`, which draws the timeline and the funnel from
        # this module, loads no mentions.
        from dgtracker.record.mentions import everyone_identifiers

        self.everyone = everyone_identifiers(record)

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        from dgtracker.record.mentions import redact, remove_any_email_or_phone

        return redact(remove_any_email_or_phone(text, REMOVED), self.everyone, REMOVED)


def competition_record(record: Record, scrub: Scrubber | None = None) -> list[CompetitionRow]:
    """Every candidate by id, from application to outcome; reasons scrubbed of personal data."""
    scrub = scrub or Scrubber(record)
    rows = []
    for candidate in record.candidates:
        stage = record.stage(candidate.stage)
        kind = stage.kind if stage else StageKind.ACTIVE
        title = stage_title(record, candidate.stage)
        if kind == StageKind.ACTIVE:
            outcome = "In process"
        elif candidate.stage == RESERVE_STAGE and candidate.rank is not None:
            outcome = f"{title} (rank {candidate.rank})"
        else:
            outcome = title
        entered = candidate.stage_since()
        path = " → ".join(stage_title(record, s) for s in _path(candidate))
        rows.append(
            CompetitionRow(
                candidate.id,
                candidate.applied,
                stage_title(record, furthest_stage(record, candidate)),
                outcome,
                None if kind == StageKind.ACTIVE else entered,
                scrub(leaving_reason(candidate)) if kind != StageKind.ACTIVE else "",
                path,
            )
        )
    return rows


# --- the change trail --------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TrailRow(FrozenCompared):
    """One row of the report's trail."""

    by: str
    what: str
    count: int
    first: date
    last: date


def change_trail(record: Record, scrub: Scrubber | None = None) -> list[TrailRow]:
    """Who changed what and when, summarised: one row for each person and kind of change.
    A name that is also a candidate's (or holds an email or phone number) is removed."""
    scrub = scrub or Scrubber(record)
    seen: dict[tuple[str, str], list[date]] = {}
    for candidate in record.candidates:
        for event in candidate.history:
            what = _CANDIDATE_CHANGES.get(event.action, str(event.action))
            seen.setdefault((event.by, what), []).append(event.at.date())
    for milestone in record.milestones:
        for change in milestone.history:
            what = f"milestone {change.change}"
            seen.setdefault((change.by, what), []).append(change.at.date())
    return sorted(
        (
            TrailRow(scrub(by), what, len(days), min(days), max(days))
            for (by, what), days in seen.items()
        ),
        key=lambda row: (row.first, row.by, row.what),
    )


_CANDIDATE_CHANGES = {
    Action.ADDED: "candidate added",
    Action.MOVED: "candidate moved",
    Action.NOTE: "note written",
    Action.EDITED: "candidate details edited",
    Action.PURGED: "personal data removed",
}
