"""The milestones read from TOML data: a schedule (a date, a moment, a window or "to be
confirmed"), done and removed days, and the history of changes, every rule (record/field_rules.py)
checked. record/decode.py calls `milestones` while it reads the record.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from dgtracker.dates import When
from dgtracker.record.field_rules import CHANGES, MILESTONE, MILESTONE_CHANGE, Checker
from dgtracker.record.model import Milestone, MilestoneChange, MilestoneChangeKind


def _when(check: Checker, table: dict[str, Any], got: dict[str, Any], where: str) -> When:
    day, at, start, end = got["date"], got["at"], got["start"], got["end"]
    given = [name for name in ("date", "at", "start", "tbc") if name in table]
    if len(given) != 1:
        check.note(
            f"{where}: give exactly one of 'date', 'at', 'start' and 'end', or 'tbc = true'"
            + (f" (found {', '.join(given)})" if given else "")
        )
        return When()
    if given == ["tbc"] and got["tbc"] is False:
        check.note(f"{where}.tbc: give a date instead of 'tbc = false'")
    if at is not None:
        if at.tzinfo is not None:
            check.note(
                f"{where}.at: write a local time without an offset (the campaign's time zone "
                "applies)"
            )
        return When(at.date(), at.date(), time(at.hour, at.minute))
    if day is not None:
        return When(day, day)
    if start is not None:
        if end is None:
            check.note(f"{where}: a window needs an 'end' date as well as 'start'")
            return When()
        if end < start:
            check.note(f"{where}: the window ends before it starts")
        return When(start, end, None, got["label"])
    return When()


def milestones(check: Checker, raw: Any) -> list[Milestone]:
    """The milestones, each with its schedule, state and history; every problem noted."""
    if not isinstance(raw, list):
        check.note("milestones: expected a list of [[milestones]] tables")
        return []
    milestones: list[Milestone] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        read = check.item(item, f"milestones[{index}]", MILESTONE, seen, "milestone")
        if read is None:
            continue
        table, got, where, _ = read
        remind = got["remind_days"]
        if remind is not None and not all(type(d) is int and d >= 0 for d in remind):
            check.note(f"{where}.remind_days: expected a list of whole days >= 0")
            remind = None
        milestones.append(
            Milestone(
                id=got["id"] or "",
                title=got["title"] or "",
                when=_when(check, table, got, where),
                done=got["done"],
                removed=got["removed"],
                remind_days=tuple(remind) if remind is not None else None,
                history=_milestone_history(check, got["history"] or [], where),
            )
        )
    return milestones


def _milestone_history(check: Checker, raw: list[Any], where: str) -> list[MilestoneChange]:
    history = []
    for index, item in enumerate(raw):
        h_where = f"{where}.history[{index}]"
        table = check.table(item, h_where)
        if table is None:
            continue
        got = check.fields(table, MILESTONE_CHANGE, h_where)
        history.append(
            MilestoneChange(
                at=got["at"] or datetime(1970, 1, 1, tzinfo=UTC),
                by=got["by"] or "",
                change=CHANGES.get(got["change"] or "", MilestoneChangeKind.ADDED),
                before=got["before"],
                after=got["after"],
                reason=got["reason"],
                on=got["on"],
            )
        )
    return history
