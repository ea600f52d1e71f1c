"""The rules a record keeps, stated once: each table's fields, their types and limits.

`Field.problem` is the one statement of a field's rule. The schema (record/decode.py) uses it
twice over: `compile_rules` turns a table's Fields into one fast reader that builds a table
keeping every rule straight away (most records break no rule, and a large one has tens of
thousands of events); any other table goes through `Checker.fields`, which asks the same
questions to say what is wrong and where. tests/test_field_rules.py holds the two to the same
answers, so there is no second copy of a rule to drift from the first.

(Over 400 lines on purpose: every table's fields and the rules across them stay in one
place, which is what keeps each rule stated once.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from dgtracker.compared import FrozenCompared
from dgtracker.dates import EARLIEST, LATEST, format_day, out_of_range
from dgtracker.record.model import (
    PERSONAL_FIELDS,
    RESERVE_STAGE,
    SCS_BANDS,
    Action,
    Candidate,
    CriterionKind,
    Event,
    MilestoneChangeKind,
    PanelRole,
    Stage,
    StageKind,
    moves_that_stand,
)
from dgtracker.text import GLANCE_NAMES, problems_in_text, quick_text_check

_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    date: "a date (2026-02-09)",
    datetime: "a date and time",
    list: "a list",
    dict: "a table",
    object: "any value",
}
STAGE_ID = "stage"  # Field.choices: a stage id of this record


def _describe(value: Any) -> str:
    return _KIND_NAMES.get(type(value), type(value).__name__)


# TOML's integers are 64-bit: Python reads larger ones, but other TOML tools would not.
INT_LOWEST, INT_HIGHEST = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Field(FrozenCompared):
    """One field of a table and the rule it keeps."""

    kind: type  # the exact type TOML gives (datetime is a date and bool an int: not here)
    required: bool = False
    text: str | None = None  # the text.py rule it keeps (name, email, note, …)
    choices: Collection[str] | None = None  # the values it may take, or STAGE_ID
    noun: str | None = None  # what an unknown choice is called (None: list the choices)
    aware: bool = False  # a moment that must carry its UTC offset
    keys: Collection[str] | None = None  # a table of text: the keys it may have

    def problem(self, value: Any, stage_ids: Collection[str]) -> str | None:
        """Why `value` breaks this field's rule, or None when it keeps it (or is absent
        and not required: `missing` is the caller's to say, with where)."""
        if value is None:
            return "missing" if self.required else None
        if type(value) is not self.kind and self.kind is not object:
            return f"expected {_KIND_NAMES[self.kind]}, found {_describe(value)}"
        if self.kind is date or self.kind is datetime:
            return self._moment(value)
        if self.kind is int and not INT_LOWEST <= value <= INT_HIGHEST:
            return "a whole number too large for TOML (64 bits)"
        if self.text is not None:
            return problems_in_text(self.text, str(value))
        if self.choices is not None:
            allowed = stage_ids if self.choices == STAGE_ID else self.choices
            if value not in allowed:
                if self.noun is None:
                    return f"'{value}' is not one of {', '.join(allowed)}"
                return f"unknown {self.noun} '{value}'"
        if self.keys is not None and isinstance(value, dict):
            for key, item in value.items():
                if key not in self.keys:
                    return f"unknown field '{key}' (fields: {', '.join(self.keys)})"
                if type(item) is not str:
                    return f"{key}: expected text, found {_describe(item)}"
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
CRITERION_KINDS = {kind.value: kind for kind in CriterionKind}
ROLES = {role.value: role for role in PanelRole}

TOP = {
    "schema": Field(int, required=True),
    "next_candidate_number": Field(int),
    "campaign": Field(dict),
    "retention": Field(dict),
    "stages": Field(list),
    "criteria": Field(list),
    "panel": Field(dict),
    "milestones": Field(list),
    "candidates": Field(list),
    "conflicts": Field(list),
    "mail": Field(dict),
    "monitoring": Field(dict),
    "blind": Field(list),
}
MAIL = {"from": Field(str, text="sender")}  # the sender of letters: Name <address>
CAMPAIGN = {
    "id": Field(str, required=True, text="title"),
    "title": Field(str, required=True, text="title"),
    "organisation": Field(str, text="organisation"),
    "grade": Field(str, text="grade"),
    "salary": Field(str, text="salary"),
    "timezone": Field(str, text="id"),
    "description": Field(str, text="description"),
    "calendar": Field(str, text="id"),
    "band": Field(str, choices=SCS_BANDS),
    "external": Field(bool),
}
RETENTION = {"anonymise_after_months": Field(int), "reserve_months": Field(int)}
BLIND = {
    "at": Field(datetime, required=True, aware=True),
    "on": Field(date, required=True),
    "by": Field(str, required=True, text="by"),
    "until": Field(str, choices=STAGE_ID, noun="stage"),
}
STAGE = {
    "id": Field(str, required=True, text="id"),
    "title": Field(str, text="title"),
    "kind": Field(str, choices=tuple(KINDS)),
    "needs_reason": Field(bool),
    "limit_days": Field(int),
    "share_reason": Field(bool),
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
    "removed": Field(date),
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
    "on": Field(date),
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
    "marks": Field(list),
    "slots": Field(list),
    "aliases": Field(list),
    "disability_confident": Field(bool),
    "adjustments": Field(str, text="adjustments"),
    "monitoring": Field(list),
}
# One answer to a diversity monitoring question (its value is checked against the
# record's policy by record/decode.py, which knows it).
ANSWER = {
    "at": Field(datetime, required=True, aware=True),
    "on": Field(date, required=True),
    "question": Field(str, required=True, text="id"),
    "value": Field(str, required=True, text="id"),
}
# The record's monitoring policy: questions -> allowed values, and the purged answers kept.
MONITORING = {"questions": Field(dict), "kept": Field(list)}
KEPT_ANSWER = {
    "question": Field(str, required=True, text="id"),
    "value": Field(str, required=True, text="id"),
    "reached": Field(list),
    "token": Field(str, required=True, text="id"),
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
    "rank": Field(int),
    "undoes": Field(int),
    "was": Field(dict, keys=PERSONAL_FIELDS),
    "recorded": Field(date),
    "letter": Field(str, text="id"),
    "subject": Field(str, text="subject"),
    "sent": Field(bool),
}

# The panel's work (panel/merit.py decides with it; record/decode_panel.py reads it).
CRITERION = {
    "id": Field(str, required=True, text="id"),
    "title": Field(str, required=True, text="title"),
    "kind": Field(str, required=True, choices=tuple(CRITERION_KINDS)),
    "scale": Field(object),  # [lowest, highest] whole numbers, or "frame"
    "bar": Field(int),
    "assess": Field(list),  # stage ids
    "weight": Field(int),
    "lead": Field(bool),
    "changed": Field(date),
}
PANEL = {"members": Field(list)}
PANEL_MEMBER = {
    "name": Field(str, required=True, text="name"),
    "role": Field(str, choices=tuple(ROLES)),
    "commissioner": Field(bool),
    "email": Field(str, text="email"),
    "conflicts": Field(list),
}
CONFLICT = {"candidate": Field(str, required=True, text="id"), "note": Field(str, text="note")}
MARKS = {
    "assessment": Field(str, required=True, choices=STAGE_ID, noun="stage"),
    "member": Field(str, text="name"),
    "agreed": Field(bool),
    "scores": Field(dict, required=True),
    "evidence": Field(str, text="evidence"),
}
SLOT = {
    "assessment": Field(str, required=True, choices=STAGE_ID, noun="stage"),
    "at": Field(datetime, required=True),
    "minutes": Field(int),
    "where": Field(str, text="where"),
    "booked": Field(datetime, aware=True),
    "rescheduled": Field(int),
    "cancelled": Field(datetime, aware=True),
}
# A merge conflict waiting for `dgtracker resolve` (team/merge.py, team/conflicts.py).
MERGE_CONFLICT = {
    "id": Field(str, required=True),
    "path": Field(list, required=True),
    "ours": Field(object),
    "theirs": Field(object),
    "base": Field(object),
    "ours_by": Field(str),
    "ours_at": Field(datetime, aware=True),
    "theirs_by": Field(str),
    "theirs_at": Field(datetime, aware=True),
}


# Colleagues' clocks may disagree a little (their changes meet in a merge): an entry is out
# of order when it was recorded more than this before the entry above it.
CLOCK_SKEW = timedelta(days=1)


def move_dated_too_early(left: str, entered: date | None, on: date) -> str | None:
    """The one rule for a move's date, kept by `move` and by every check of a record: it is
    not earlier than the day the candidate entered the stage it leaves (the same day is
    fine; `--on` backdates a move that far and no further). What is wrong, or None."""
    if entered is None or on >= entered:
        return None
    return (
        f"entered '{left}' on {format_day(entered)}; "
        f"a move cannot be dated earlier ({format_day(on)})"
    )


def _early_move(history: list[Event], stood: list[Event]) -> str | None:
    """The first move that stands (of `stood`, from `history`) dated before the move that
    stands before it, when it leaves the stage that one entered. Two copies that both made
    one move (one of them backdated) leave two moves from the same stage, merged in the
    order they were recorded: the second does not leave the stage the first entered."""
    for before, event in pairwise(stood):
        if event.from_stage not in (None, before.stage):
            continue
        problem = move_dated_too_early(before.stage or "", before.on, event.on)
        if problem is not None:
            index = next(i for i, e in enumerate(history) if e is event)
            return f"history[{index}] is dated before the stage it leaves: they {problem}"
    return None


def history_problem(stage: str, history: list[Event], settled: bool = True) -> str | None:
    """Why a candidate's history cannot be true, or None: entries are recorded in time
    order (within CLOCK_SKEW), and the stage is the one the last stage entry put them at
    (writers save what they load, so a record breaking this is refused, not built on).
    `settled` False: a merge left two moves of theirs in conflict (team/merge.py), and the stage
    stays as it was before both until `resolve` chooses one."""
    latest: datetime | None = None
    for index, event in enumerate(history):
        at = event.at
        if type(at) is datetime and at.tzinfo is not None:
            # `at < latest` first: entries in order never pay for the subtraction
            if latest is not None and at < latest and at < latest - CLOCK_SKEW:
                return f"history[{index}] is out of time order ({at} is before {latest})"
            latest = at
    if not settled:
        return None
    stood = moves_that_stand(history)  # what an undo cancelled puts no one anywhere
    entered = stood[-1].stage if stood else None
    if entered is not None and entered != stage:
        return f"stage is '{stage}', but the history's last move put them at '{entered}'"
    return _early_move(history, stood)


def candidate_problems(
    candidate: Candidate, stages: Mapping[str, Stage], settled: bool = True
) -> list[str]:
    """The rules a candidate keeps across its fields, whichever path built it (the fast
    load or the checks): a place in merit order only on the reserve list, and a reason
    for being at a stage that needs one (unless the person's data, reasons included, was
    purged, or, `settled` False, the stage waits for `resolve` to choose between two
    moves). Each problem starts with the field it is about."""
    problems = []
    if candidate.rank is not None and candidate.stage != RESERVE_STAGE:
        problems.append(
            f"rank: a place in merit order belongs to the reserve list ('{RESERVE_STAGE}'), "
            f"not '{candidate.stage}' (remove the rank)"
        )
    stage = stages.get(candidate.stage)
    if settled and stage is not None and stage.needs_reason and not _reason_given(candidate):
        problems.append(
            f"stage: '{stage.id}' needs a reason, and the history has none for it (add "
            'reason = "…" to the event that moved them there)'
        )
    for index, event in enumerate(candidate.history):
        if event.undoes is not None and not 0 <= event.undoes < index:
            problems.append(f"history[{index}].undoes: must be the place of an earlier event")
    return problems


def _reason_given(candidate: Candidate) -> bool:
    """The event that put the candidate at their stage gives a reason (or was purged)."""
    if any(event.action == Action.PURGED for event in candidate.history):
        return True
    stood = moves_that_stand(candidate.history)  # as history_problem counts them
    return bool(stood) and stood[-1].stage == candidate.stage and bool(stood[-1].reason)


Reader = Callable[[Any, Collection[str]], "tuple[Any, ...] | None"]


def compile_rules(fields: Fields) -> Reader:
    """One function that reads a table keeping every rule in `fields`: its values in the
    order of `fields`, or None when any rule is broken. It asks the questions
    `Field.problem` asks, written out once per table so that a large record is read at the
    speed of plain comparisons (asking each Field in turn costs 1.7 times as much);
    tests/test_field_rules.py holds it to the same answers as `keeps_rules`."""
    names: dict[str, Any] = {
        **GLANCE_NAMES,
        "problems_in_text": problems_in_text,
        "text_table": _text_table,
        "known": frozenset(fields),
    }
    lines = [
        "def read(table, stage_ids):",
        "    if type(table) is not dict or not known.issuperset(table):",
        "        return None",
        "    get = table.get",
    ]
    for index, (key, field) in enumerate(fields.items()):
        value, kind = f"v{index}", f"kind{index}"
        names[kind] = field.kind
        broken = [] if field.kind is object else [f"type({value}) is not {kind}"]
        if field.text is not None:  # text.py's own quick answer first, then the full rule
            quick = quick_text_check(field.text, value)
            broken.append(
                f"not ({quick}) and problems_in_text({field.text!r}, {value}) is not None"
            )
        if field.choices == STAGE_ID:
            broken.append(f"{value} not in stage_ids")
        elif field.choices is not None:
            names[f"choices{index}"] = frozenset(field.choices)
            broken.append(f"{value} not in choices{index}")
        if field.keys is not None:
            names[f"keys{index}"] = frozenset(field.keys)
            broken.append(f"not text_table({value}, keys{index})")
        if field.kind is date or field.kind is datetime:  # dates.out_of_range, by the year
            broken.append(f"not {EARLIEST.year} <= {value}.year <= {LATEST.year}")
        if field.aware:
            broken.append(f"{value}.tzinfo is None")
        if field.kind is int:
            broken.append(f"not {INT_LOWEST} <= {value} <= {INT_HIGHEST}")
        test = " or ".join(broken) or "False"
        absent_or_broken = (
            f"{value} is None or {test}" if field.required else f"{value} is not None and ({test})"
        )
        lines += [
            f"    {value} = get({key!r})",
            f"    if {absent_or_broken}:",
            "        return None",
        ]
    lines.append(f"    return ({', '.join(f'v{index}' for index in range(len(fields)))},)")
    exec("\n".join(lines), names)  # source made above from the Field data alone
    read: Reader = names["read"]
    return read


def _text_table(value: dict[str, Any], keys: Collection[str]) -> bool:
    """A table of text with known keys only (Field.keys), as Field.problem checks it."""
    return all(key in keys and type(item) is str for key, item in value.items())


def keeps_rules(table: Any, fields: Fields, stage_ids: Collection[str]) -> bool:
    """Whether `table` is a table with known fields only, each keeping its rule: asked of
    each Field in turn (the reference for compile_rules, and for tables read once)."""
    if type(table) is not dict or not fields.keys() >= table.keys():
        return False
    get = table.get
    return all(field.problem(get(key), stage_ids) is None for key, field in fields.items())


class Checker:
    """Collects every problem found in one pass over the document, with where it is."""

    def __init__(self, stage_ids: frozenset[str] = frozenset()) -> None:
        self.problems: list[str] = []
        self.stage_ids = stage_ids
        self.stages: list[Stage] = []  # the record's stages, once read
        self.unsettled: set[str] = set()  # candidates whose stage waits for `resolve`

    def item(
        self, value: Any, where: str, fields: Fields, seen: set[str], noun: str
    ) -> tuple[dict[str, Any], dict[str, Any], str, str] | None:
        """One table of a list of tables with ids (stages, milestones, candidates, …):
        the table, its fields as `fields` reads them, where it is (named by its id), and
        its id; None when it is no table. An id already `seen` is noted as a duplicate."""
        table = self.table(value, where)
        if table is None:
            return None
        item_id = text_id(table)
        where = f"{where} ({item_id})" if item_id else where
        got = self.fields(table, fields, where)
        if item_id in seen:
            self.note(f"{where}: duplicate {noun} id '{item_id}'")
        seen.add(item_id)
        return table, got, where, item_id

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
