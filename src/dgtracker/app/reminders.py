"""What needs attention on a given day: the reminders behind `dgtracker remind`.

Pure functions of a record, "today" and the options; they decide, and leave printing to
cli/reminders.py. Every message shows user text through `visible`, because the output
is read in a terminal or a cron mail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from dgtracker.compared import FrozenCompared
from dgtracker.dates import add_months, add_working_days, format_day, format_when_inline
from dgtracker.panel.slots import slot_reminders
from dgtracker.process.privacy import anonymise_on, due_for_retention
from dgtracker.process.queries import (
    current_milestones,
    outcome_date,
    outcome_decided,
    reserve_list,
    told_of_outcome,
)
from dgtracker.record.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Milestone,
    Record,
    StageKind,
)
from dgtracker.text import visible

# Reminder kinds, part of the `remind --json` contract.
MILESTONE, OVERDUE, TBC, STAGE_LIMIT, RESERVE, PURGE = (
    "milestone",
    "overdue",
    "tbc",
    "stage_limit",
    "reserve",
    "purge",
)
SLOT = "slot"  # a candidate's assessment slot tomorrow (slots.py)
AUDIT = "audit"  # the competition breaks the Commission's rules (panel/audit.py)
UNTOLD = "untold"  # an outcome decided, and no letter logged since (`mail`)
TELL_WITHIN_WORKING_DAYS = 5
# Among reminders due on the same day, the more pressing kind comes first.
_KIND_ORDER = (OVERDUE, AUDIT, PURGE, STAGE_LIMIT, UNTOLD, RESERVE, TBC, SLOT, MILESTONE)
CLOSING_MILESTONE = "closing"  # work on the first stage starts once applications close

DEFAULT_STAGE_LIMIT_DAYS = 21  # for an active stage without its own limit_days
RESERVE_REMINDER_DAYS = (30, 14, 7, 3, 1, 0)  # days before the reserve list expires


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Reminder(FrozenCompared):
    """One reminder, as `remind` says it."""

    kind: str
    subject: str  # a milestone id, a candidate id, or "reserve"
    due: date
    days: int  # from today to `due`; negative once past
    message: str


def due_reminders(record: Record, today: date, within: int | None = None) -> list[Reminder]:
    """The reminders due today, most urgent first.

    Without `within`, an upcoming date is reminded on its reminder days only; with it,
    everything due in the next `within` days is listed (a weekly digest). Anything past
    due is reminded every day until it is dealt with.
    """
    found = [
        *_milestone_reminders(record, today, within),
        *_tbc_reminders(record, today),
        *_stage_limit_reminders(record, today, within),
        *_untold_reminders(record, today, within),
        *_reserve_reminders(record, today, within),
        *_slot_reminders(record, today, within),
        *_purge_reminders(record, today),
        *_audit_reminders(record, today),
    ]
    # sorted() is stable: reminders of the same day and kind stay in record order.
    return sorted(found, key=lambda r: (r.days, _KIND_ORDER.index(r.kind)))


def reminders_json(reminders: list[Reminder]) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "subject": r.subject,
            "due": r.due.isoformat(),
            "days": r.days,
            "message": r.message,
        }
        for r in reminders
    ]


def _wanted(days: int, reminder_days: Collection[int], within: int | None) -> bool:
    if days < 0:
        return True  # past due: every day until it is dealt with
    # A digest adds the days ahead; it never hides what today's reminder days would show.
    return days in reminder_days or (within is not None and days <= within)


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _ago(days: int) -> str:
    return "yesterday" if days == 1 else f"{days} days ago"


def _count_days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


# --- milestones ---------------------------------------------------------------------


def _milestone_reminders(record: Record, today: date, within: int | None) -> Iterator[Reminder]:
    for milestone in current_milestones(record):
        start, end = milestone.when.start, milestone.when.end
        if milestone.done or start is None or end is None:
            continue
        title, when = visible(milestone.title), visible(format_when_inline(milestone.when))
        if end < today:
            days = (end - today).days
            ended = "ended" if milestone.when.is_window else "was due"
            message = f"{title} {ended} {_ago(-days)} ({when}) and is not marked done"
            yield Reminder(OVERDUE, milestone.id, end, days, message)
        elif today <= start:
            days = (start - today).days
            if _wanted(days, milestone.reminder_days, within):
                message = f"{title} {_in_days(days)} ({when})"
                yield Reminder(MILESTONE, milestone.id, start, days, message)
        elif within is not None:
            # Under way inside its window: only a digest mentions it, counting to the end.
            days = (end - today).days
            if days <= within:
                message = f"{title} under way, ends {_in_days(days)} ({when})"
                yield Reminder(MILESTONE, milestone.id, end, days, message)


def _passed_on(milestone: Milestone, today: date) -> date | None:
    """The day a milestone counts as passed (marked done, or its end gone by), or None."""
    days = []
    if milestone.done is not None and milestone.done <= today:
        days.append(milestone.done)
    if milestone.when.end is not None and milestone.when.end < today:
        days.append(milestone.when.end)
    return min(days) if days else None


def _tbc_reminders(record: Record, today: date) -> Iterator[Reminder]:
    """A date still to be confirmed once the milestone before it has passed."""
    plan = current_milestones(record)
    for before, milestone in pairwise(plan):
        if not milestone.when.is_tbc or milestone.done:
            continue
        passed = _passed_on(before, today)
        if passed is None:
            continue
        how = f"done {format_day(passed)}" if before.done == passed else format_day(passed)
        message = (
            f"{visible(milestone.title)}: date still to be confirmed, and "
            f"{visible(before.title)} has passed ({how})"
        )
        yield Reminder(TBC, milestone.id, passed, (passed - today).days, message)


# --- candidates ---------------------------------------------------------------------


def _stage_limit_reminders(record: Record, today: date, within: int | None) -> Iterator[Reminder]:
    """Candidates at an active stage longer than its limit; a digest adds those about to be."""
    first = record.stages[0].id if record.stages else None
    opens = _work_opens(record)
    for candidate in record.candidates:
        stage = record.stage(candidate.stage)
        since = candidate.stage_since()
        if stage is None or stage.kind != StageKind.ACTIVE or since is None:
            continue
        if any(event.action == Action.PURGED for event in candidate.history):
            continue  # anonymised: never named again
        if stage.id == first and opens is not None:
            since = max(since, opens)  # no one can act on applications before they close
        limit = stage.limit_days or DEFAULT_STAGE_LIMIT_DAYS
        limit_day = since + timedelta(days=limit)
        days = (limit_day - today).days
        if not _wanted(days, (), within):
            continue
        who, at = visible(f"{candidate.id} {candidate.name}"), visible(stage.title)
        in_stage = max(0, (today - since).days)
        if days < 0:
            message = f"{who} has been at {at} for {_count_days(in_stage)} (limit {limit})"
        else:
            message = (
                f"{who} reaches the {limit}-day limit at {at} {_in_days(days)} "
                f"({_count_days(in_stage)} so far)"
            )
        yield Reminder(STAGE_LIMIT, candidate.id, limit_day, days, message)


def _untold_reminders(record: Record, today: date, within: int | None) -> Iterator[Reminder]:
    """People whose outcome was decided and who have had no letter since (the log that
    `mail` keeps), TELL_WITHIN_WORKING_DAYS working days on; a digest adds those about to be.
    Only once the record logs letters at all: a team that writes them elsewhere is not
    reminded of every outcome."""
    logging = any(e.action == Action.LETTER for c in record.candidates for e in c.history)
    for candidate in record.candidates if logging else ():
        decided = outcome_decided(record, candidate)
        if decided is None or told_of_outcome(record, candidate) is not None:
            continue
        if any(event.action == Action.PURGED for event in candidate.history):
            continue  # anonymised: never named again
        due = add_working_days(decided, TELL_WITHIN_WORKING_DAYS)
        days = (due - today).days
        if days > 0 and (within is None or days > within):
            continue  # not yet due (a digest names those due within its days)
        who, at = (
            visible(f"{candidate.id} {candidate.name}"),
            visible(stage_title(record, candidate)),
        )
        since = f"{at} since {format_day(decided)}"
        if days <= 0:
            message = f"{who} has not been told their outcome ({since}): dgtracker mail"
        else:
            message = f"{who} should be told their outcome {_in_days(days)} ({since})"
        yield Reminder(UNTOLD, candidate.id, due, days, message)


def stage_title(record: Record, candidate: Candidate) -> str:
    stage = record.stage(candidate.stage)
    return stage.title if stage else candidate.stage


def _work_opens(record: Record) -> date | None:
    """The day work on the first stage can start: when applications close (None: no
    such milestone, or its date is to be confirmed)."""
    for milestone in current_milestones(record):
        if milestone.id == CLOSING_MILESTONE:
            return milestone.when.end
    return None


def _purge_reminders(record: Record, today: date) -> Iterator[Reminder]:
    """How many people's data is due for anonymising: a count, never a name."""
    outcome = outcome_date(record)
    due = due_for_retention(record, today, outcome)
    if not due:
        return
    since = min(anonymise_on(record, d.candidate, outcome) or today for d in due)
    people = "1 candidate" if len(due) == 1 else f"{len(due)} candidates"
    message = f"Personal data of {people} is due for anonymisation: run dgtracker purge"
    yield Reminder(PURGE, PURGE, since, (since - today).days, message)


def _audit_reminders(record: Record, today: date) -> Iterator[Reminder]:
    """The audit's findings, by count and rule code (never a name or an id): on every day
    there are any, as an overdue milestone is, so a daily run says it once a day. Only for
    a record that keeps its panel: one used for the timetable alone is not told every day
    that it has no chair (`audit` still says so)."""
    if not record.panel:
        return
    from dgtracker.panel.audit import audit  # remind loads the audit only when run

    findings = audit(record, today).findings
    if not findings:
        return
    codes = ", ".join(dict.fromkeys(f.rule for f in findings))
    count = "1 audit finding" if len(findings) == 1 else f"{len(findings)} audit findings"
    message = f"{count} ({codes}): run dgtracker audit"
    yield Reminder(AUDIT, AUDIT, today, 0, message)


def _reserve_reminders(record: Record, today: date, within: int | None) -> Iterator[Reminder]:
    waiting = reserve_list(record)
    appointed_on = outcome_date(record)
    if not waiting or appointed_on is None:
        return
    expires = add_months(appointed_on, record.retention.reserve_months)
    days = (expires - today).days
    if not _wanted(days, RESERVE_REMINDER_DAYS, within):
        return
    ids = visible(", ".join(c.id for c in waiting))
    when = format_day(expires)
    if days < 0:
        message = f"Reserve list places expired {_ago(-days)} ({when}): {ids}"
    else:
        message = f"Reserve list places expire {_in_days(days)} ({when}): {ids}"
    yield Reminder(RESERVE, RESERVE_STAGE, expires, days, message)


def _slot_reminders(record: Record, today: date, within: int | None) -> Iterator[Reminder]:
    for subject, day, days, message in slot_reminders(record, today, within):
        yield Reminder(SLOT, subject, day, days, message)
