"""The rules a record keeps, stated once: each table's fields, their types and limits.

`Field.problem` is the one statement of a field's rule. The schema (schema.py) asks it of
every field twice over: `keeps_rules` builds a table that keeps every rule straight away
(the fast path: most records break no rule, and a large one has tens of thousands of
events); any other table goes through `Checker.fields`, which asks the same question to
say what is wrong and where. There is no second copy of a rule to drift from the first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dgtracker.dates import out_of_range
from dgtracker.model import ENTERS_STAGE, Action, Event, MilestoneChangeKind, StageKind
from dgtracker.text import problems_in_text

_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    date: "a date (2026-02-09)",
    datetime: "a date and time",
    list: "a list",
    dict: "a table",
}
STAGE_ID = "stage"  # Field.choices: a stage id of this record


def _describe(value: Any) -> str:
    return _KIND_NAMES.get(type(value), type(value).__name__)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a table and the rule it keeps."""

    kind: type  # the exact type TOML gives (datetime is a date and bool an int: not here)
    required: bool = False
    text: str | None = None  # the text.py rule it keeps (name, email, note, …)
    choices: Collection[str] | None = None  # the values it may take, or STAGE_ID
    noun: str | None = None  # what an unknown choice is called (None: list the choices)
    aware: bool = False  # a moment that must carry its UTC offset

    def problem(self, value: Any, stage_ids: frozenset[str]) -> str | None:
        """Why `value` breaks this field's rule, or None when it keeps it (or is absent
        and not required: `missing` is the caller's to say, with where)."""
        if value is None:
            return "missing" if self.required else None
        if type(value) is not self.kind:
            return f"expected {_KIND_NAMES[self.kind]}, found {_describe(value)}"
        if self.kind is date or self.kind is datetime:
            return self._moment(value)
        if self.text is not None:
            return problems_in_text(self.text, str(value))
        if self.choices is not None:
            allowed = stage_ids if self.choices == STAGE_ID else self.choices
            if value not in allowed:
                if self.noun is None:
                    return f"'{value}' is not one of {', '.join(allowed)}"
                return f"unknown {self.noun} '{value}'"
        return None

    def _moment(self, value: Any) -> str | None:
        """A day or a moment: within the years a record holds, with an offset if asked."""
        day = value.date() if type(value) is datetime else value
        if problem := out_of_range(day):
            return problem
        if self.aware and value.tzinfo is None:
            return "needs a UTC offset (for example 2026-02-02T09:30:00Z)"
        return None


Fields = Mapping[str, Field]

ACTIONS = {action.value: action for action in Action}
CHANGES = {change.value: change for change in MilestoneChangeKind}
KINDS = {kind.value: kind for kind in StageKind}

TOP = {
    "schema": Field(int, required=True),
    "next_candidate_number": Field(int),
    "campaign": Field(dict),
    "retention": Field(dict),
    "stages": Field(list),
    "milestones": Field(list),
    "candidates": Field(list),
}
CAMPAIGN = {
    "id": Field(str, required=True, text="title"),
    "title": Field(str, required=True, text="title"),
    "organisation": Field(str, text="organisation"),
    "grade": Field(str, text="grade"),
    "salary": Field(str, text="salary"),
    "timezone": Field(str, text="id"),
    "description": Field(str, text="description"),
}
RETENTION = {"anonymise_after_months": Field(int), "reserve_months": Field(int)}
STAGE = {
    "id": Field(str, required=True, text="id"),
    "title": Field(str, text="title"),
    "kind": Field(str, choices=tuple(KINDS)),
    "needs_reason": Field(bool),
    "limit_days": Field(int),
}
MILESTONE = {
    "id": Field(str, required=True, text="id"),
    "title": Field(str, required=True, text="title"),
    "date": Field(date),
    "at": Field(datetime),
    "start": Field(date),
    "end": Field(date),
    "label": Field(str, text="label"),
    "tbc": Field(bool),
    "done": Field(date),
    "remind_days": Field(list),
    "history": Field(list),
}
MILESTONE_CHANGE = {
    "at": Field(datetime, required=True, aware=True),
    "by": Field(str, required=True, text="by"),
    "change": Field(str, required=True, choices=frozenset(CHANGES), noun="change"),
    "before": Field(str, text="label"),
    "after": Field(str, text="label"),
    "reason": Field(str, text="reason"),
}
CANDIDATE = {
    "id": Field(str, required=True, text="id"),
    "name": Field(str, required=True, text="name"),
    "email": Field(str, text="email"),
    "phone": Field(str, text="phone"),
    "source": Field(str, text="source"),
    "applied": Field(date),
    "stage": Field(str, required=True, choices=STAGE_ID, noun="stage"),
    "rank": Field(int),
    "history": Field(list),
}
EVENT = {
    "at": Field(datetime, required=True, aware=True),
    "on": Field(date, required=True),
    "by": Field(str, required=True, text="by"),
    "action": Field(str, required=True, choices=frozenset(ACTIONS), noun="action"),
    "stage": Field(str, choices=STAGE_ID, noun="stage"),
    "from_stage": Field(str, choices=STAGE_ID, noun="stage"),
    "note": Field(str, text="note"),
    "reason": Field(str, text="reason"),
}


# Colleagues' clocks may disagree a little (their changes meet in a merge): an entry is out
# of order when it was recorded more than this before the entry above it.
CLOCK_SKEW = timedelta(days=1)


def history_problem(stage: str, history: list[Event]) -> str | None:
    """Why a candidate's history cannot be true, or None: entries are recorded in time
    order (within CLOCK_SKEW), and the stage is the one the last stage entry put them at
    (writers save what they load, so a record breaking this is refused, not built on)."""
    latest: datetime | None = None
    entered: str | None = None
    for index, event in enumerate(history):
        at = event.at
        if type(at) is datetime and at.tzinfo is not None:
            if latest is not None and at < latest - CLOCK_SKEW:
                return f"history[{index}] is out of time order ({at} is before {latest})"
            latest = at
        if event.action in ENTERS_STAGE and event.stage:
            entered = event.stage
    if entered is not None and entered != stage:
        return f"stage is '{stage}', but the history's last move put them at '{entered}'"
    return None


def keeps_rules(table: Any, fields: Fields, stage_ids: frozenset[str]) -> bool:
    """Whether `table` is a table with known fields only, each keeping its rule."""
    if type(table) is not dict or not fields.keys() >= table.keys():
        return False
    get = table.get
    return all(field.problem(get(key), stage_ids) is None for key, field in fields.items())


class Checker:
    """Collects every problem found in one pass over the document, with where it is."""

    def __init__(self, stage_ids: frozenset[str] = frozenset()) -> None:
        self.problems: list[str] = []
        self.stage_ids = stage_ids

    def table(self, value: Any, where: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problems.append(f"{where}: expected a table")
        return None

    def fields(self, table: dict[str, Any], fields: Fields, where: str) -> dict[str, Any]:
        """Each field's value where it keeps its rule, else None; every problem noted."""
        for key in sorted(table.keys() - fields.keys()):
            self.problems.append(f"{where}: unknown field '{key}'")
        values: dict[str, Any] = {}
        for key, field in fields.items():
            value = table.get(key)
            problem = field.problem(value, self.stage_ids)
            if problem is None:
                values[key] = value
            elif problem == "missing":
                self.problems.append(f"{where}: missing field '{key}'")
                values[key] = None
            else:
                self.problems.append(f"{where}.{key}: {problem}")
                # a moment without an offset is still read, to find any other problem
                values[key] = value if field.aware and type(value) is datetime else None
        return values

    def note(self, problem: str) -> None:
        self.problems.append(problem)


def text_id(table: dict[str, Any]) -> str:
    """A table's id, to say where a problem is (empty when it has no usable one)."""
    value = table.get("id")
    return value if type(value) is str else ""
