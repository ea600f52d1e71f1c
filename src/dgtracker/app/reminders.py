"""What needs attention on a given day: the reminders behind `dgtracker remind`.

Pure functions of a record, "today" and the options; they decide, and leave printing to
cli/reminders.py. Every message shows user text through `visible`, because the output
is read in a terminal or a cron mail.

Of the candidates they read only what record/summary.py's `Watch` keeps of each, so that
`remind` reads those from the record's cache and builds no candidate (docs/performance.md,
"`remind` from the candidates' watches"); the Commission's audit alone reads the whole
record, and runs only for a record that keeps its panel.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from dgtracker.compared import FrozenCompared
from dgtracker.dates import add_months, add_working_days, format_day, format_when_inline
from dgtracker.panel.slots import slot_reminders
from dgtracker.process.queries import (
    current_milestones,
    merit_order,
    outcome_date,
    outcome_decided,
    stage_title,
    told_since,
)
from dgtracker.record.model import RESERVE_STAGE, Milestone, Record, StageKind
from dgtracker.record.summary import Watch, watches_of
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


def due_reminders(
    record: Record,
    today: date,
    within: int | None = None,
    watches: list[Watch] | None = None,
) -> list[Reminder]:
    """The reminders due today, most urgent first.

    Without `within`, an upcoming date is reminded on its reminder days only; with it,
    everything due in the next `within` days is listed (a weekly digest). Anything past
    due is reminded every day until it is dealt with. `watches`: what `remind` reads of
    each of the record's candidates, in order, when the cache holds them (the record's
    candidates then are not read, unless it keeps its panel: the audit reads them); else
    made from the candidates, as the cache makes them.
    """
    if watches is None:
        watches = watches_of(record)
    found = [
        *_milestone_reminders(record, today, within),
        *_tbc_reminders(record, today),
        *_stage_limit_reminders(record, watches, today, within),
        *_untold_reminders(record, watches, today, within),
        *_reserve_reminders(record, watches, today, within),
        *_slot_reminders(watches, today, within),
        *_purge_reminders(record, watches, today),
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


def _stage_limit_reminders(
    record: Record, watches: list[Watch], today: date, within: int | None
) -> Iterator[Reminder]:
    """Candidates at an active stage longer than its limit; a digest adds those about to be."""
    first = record.stages[0].id if record.stages else None
    opens = _work_opens(record)
    # Each active stage's limit, its title as shown, and the day its count starts from at
    # the earliest (no one can act on applications before they close), as ordinals: this
    # runs for every candidate, and reads nothing else of the record. (A stage's id is
    # its own: the checks refuse a record that gives two stages one.)
    watched: dict[str, tuple[int, str, int]] = {}
    for stage in record.stages:
        if stage.kind == StageKind.ACTIVE:
            floor = opens.toordinal() if stage.id == first and opens is not None else 0
            limit = stage.limit_days or DEFAULT_STAGE_LIMIT_DAYS
            watched[stage.id] = (limit, visible(stage.title), floor)
    now = today.toordinal()
    for candidate in watches:
        found = watched.get(candidate.stage)
        if found is None or candidate.since is None:
            continue
        if candidate.purged:
            continue  # anonymised: never named again
        limit, at, floor = found
        start = max(candidate.since, floor)
        days = start + limit - now
        if not _wanted(days, (), within):
            continue
        who = visible(f"{candidate.id} {candidate.name}")
        in_stage = max(0, now - start)
        if days < 0:
            message = f"{who} has been at {at} for {_count_days(in_stage)} (limit {limit})"
        else:
            message = (
                f"{who} reaches the {limit}-day limit at {at} {_in_days(days)} "
                f"({_count_days(in_stage)} so far)"
            )
        yield Reminder(STAGE_LIMIT, candidate.id, date.fromordinal(start + limit), days, message)


def _untold_reminders(
    record: Record, watches: list[Watch], today: date, within: int | None
) -> Iterator[Reminder]:
    """People whose outcome was decided and who have had no letter since (the log that
    `mail` keeps), TELL_WITHIN_WORKING_DAYS working days on; a digest adds those about to be.
    Only once the record logs letters at all: a team that writes them elsewhere is not
    reminded of every outcome."""
    logging = any(candidate.logged for candidate in watches)
    for candidate in watches if logging else ():
        decided = outcome_decided(record, candidate)
        if (
            decided is None
            or told_since(decided, map(date.fromordinal, candidate.letters)) is not None
        ):
            continue
        if candidate.purged:
            continue  # anonymised: never named again
        due = add_working_days(decided, TELL_WITHIN_WORKING_DAYS)
        days = (due - today).days
        if days > 0 and (within is None or days > within):
            continue  # not yet due (a digest names those due within its days)
        who, at = (
            visible(f"{candidate.id} {candidate.name}"),
            visible(stage_title(record, candidate.stage)),
        )
        since = f"{at} since {format_day(decided)}"
        if days <= 0:
            message = f"{who} has not been told their outcome ({since}): dgtracker mail"
        else:
            message = f"{who} should be told their outcome {_in_days(days)} ({since})"
        yield Reminder(UNTOLD, candidate.id, due, days, message)


def _work_opens(record: Record) -> date | None:
    """The day work on the first stage can start: when applications close (None: no
    such milestone, or its date is to be confirmed)."""
    for milestone in current_milestones(record):
        if milestone.id == CLOSING_MILESTONE:
            return milestone.when.end
    return None


def _purge_reminders(record: Record, watches: list[Watch], today: date) -> Iterator[Reminder]:
    """How many people's data is due for anonymising: a count, never a name. Those
    process/privacy.py `due_for_retention` finds: not appointed, their retention ended by
    today, and holding personal data."""
    outcome = outcome_date(record, watches)
    if outcome is None:
        return  # nobody is due before the outcome (privacy.py `anonymise_on`)
    from dgtracker.process.privacy import anonymise_on  # loaded once there is an outcome

    due = [
        on
        for candidate in watches
        if (on := anonymise_on(record, candidate, outcome)) is not None
        and on <= today
        and candidate.holds
    ]
    if not due:
        return
    since = min(due)
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


def _reserve_reminders(
    record: Record, watches: list[Watch], today: date, within: int | None
) -> Iterator[Reminder]:
    # process/queries.py `reserve_list`: in merit order, those whose data was purged gone
    waiting = merit_order([c for c in watches if c.stage == RESERVE_STAGE and not c.purged])
    appointed_on = outcome_date(record, watches)
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


def _slot_reminders(watches: list[Watch], today: date, within: int | None) -> Iterator[Reminder]:
    for subject, day, days, message in slot_reminders(watches, today, within):
        yield Reminder(SLOT, subject, day, days, message)
