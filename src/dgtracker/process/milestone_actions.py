"""Changes to a record's milestones: add, mark done, reschedule, reopen. Each checks the
rules, then changes the record in memory, keeping the earlier schedule in the history.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dgtracker.dates import When, format_day
from dgtracker.errors import Refused
from dgtracker.process.candidate_actions import _not_in_future, find_milestone
from dgtracker.record.model import (
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    Record,
    when_spec,
)

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower()).strip("-")[:40] or "milestone"


def add_milestone(
    record: Record,
    title: str,
    when: When,
    *,
    by: str,
    now: datetime,
    milestone_id: str | None = None,
    remind_days: tuple[int, ...] | None = None,
    today: date | None = None,
) -> Milestone:
    taken = {m.id for m in record.milestones}
    if milestone_id:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", milestone_id):
            raise Refused(
                f"'{milestone_id}' is not a usable id.",
                hint="Use lower-case letters, digits and hyphens (at most 40).",
            )
        if milestone_id in taken:
            raise Refused(f"There is already a milestone with id '{milestone_id}'.")
        new_id = milestone_id
    else:
        base = new_id = slug(title)
        count = 2
        while new_id in taken:
            new_id, count = f"{base}-{count}", count + 1
    milestone = Milestone(
        id=new_id,
        title=title,
        when=when,
        remind_days=remind_days,
        history=[
            MilestoneChange(
                at=now, by=by, change=MilestoneChangeKind.ADDED, after=when_spec(when), on=today
            )
        ],
    )
    record.milestones.insert(_date_order_position(record.milestones, when), milestone)
    return milestone


def _date_order_position(milestones: list[Milestone], when: When) -> int:
    """Just before the first milestone dated later; at the end if none is, or if `when`
    is tbc. Milestones still to be confirmed keep their place in the process."""
    if when.start is not None:
        for index, other in enumerate(milestones):
            if other.when.start is not None and other.when.start > when.start:
                return index
    return len(milestones)


def mark_done(
    record: Record,
    wanted: str,
    *,
    on: date,
    today: date,
    by: str,
    now: datetime,
    early: bool = False,
) -> Milestone:
    milestone = find_milestone(record, wanted)
    _not_in_future(on, today, "done")
    if milestone.done:
        raise Refused(f"'{milestone.id}' was already marked done on {format_day(milestone.done)}.")
    start = milestone.when.start
    if start is not None and on < start and not early:
        raise Refused(
            f"'{milestone.id}' starts on {format_day(start)}; {format_day(on)} is before it.",
            hint="If it really happened early, add --early (or reschedule it first).",
        )
    milestone.done = on
    milestone.history.append(
        MilestoneChange(
            at=now, by=by, change=MilestoneChangeKind.DONE, after=on.isoformat(), on=today
        )
    )
    return milestone


def reschedule(
    record: Record,
    wanted: str,
    when: When,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
    reopen: bool = False,
    today: date | None = None,
) -> Milestone:
    """A new schedule; a milestone marked done stays done unless `reopen` (it then has
    still to happen on the new date)."""
    milestone = find_milestone(record, wanted)
    if when == milestone.when:
        raise Refused(f"'{milestone.id}' is already set for {when_spec(when)}.")
    milestone.history.append(
        MilestoneChange(
            at=now,
            by=by,
            change=MilestoneChangeKind.RESCHEDULED,
            before=when_spec(milestone.when),
            after=when_spec(when),
            reason=reason or None,
            on=today,
        )
    )
    milestone.when = when
    if reopen:
        reopen_milestone(record, milestone.id, by=by, now=now, today=today)
    return milestone


def reopen_milestone(
    record: Record,
    wanted: str,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
    today: date | None = None,
) -> Milestone:
    """A milestone marked done by mistake (or to happen again) is open once more."""
    milestone = find_milestone(record, wanted)
    if milestone.done is None:
        raise Refused(f"'{milestone.id}' is not marked done.")
    milestone.history.append(
        MilestoneChange(
            at=now,
            by=by,
            change=MilestoneChangeKind.REOPENED,
            before=milestone.done.isoformat(),
            reason=reason or None,
            on=today,
        )
    )
    milestone.done = None
    return milestone
