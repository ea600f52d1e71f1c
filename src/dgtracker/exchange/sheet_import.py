"""Candidates from spreadsheets: each row checked, and what an import does.

Pure logic: exchange/sheet_files.py reads the file, exchange/import_columns.py says which column is
which, the CLI saves. An import checks every row first
and reports every bad one, so that it adds all of the file or none of it. The export side
(and the formula quotes an import takes off again) is in exchange/sheet_export.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from dgtracker.date_input import parse_cell_date
from dgtracker.errors import Refused
from dgtracker.exchange.import_columns import Columns, map_columns, refuse_dates_left_out
from dgtracker.exchange.import_columns import (
    parse_mapping as parse_mapping,  # for the import command
)
from dgtracker.exchange.sheet_export import restore
from dgtracker.exchange.sheet_files import Table
from dgtracker.process.bulk import working_copy
from dgtracker.process.candidate_actions import add_candidate, ids_held, move
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Action, Candidate, Event, Record
from dgtracker.text import clean_field

# --- import: checking each row -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One checked row of the file: a candidate to add or to match by email."""

    row: int  # as the spreadsheet numbers it: the heading is row 1
    line: int  # the line of the file it starts on (its row number in a workbook)
    name: str
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    applied: date | None = None
    stage: str | None = None
    note: str | None = None  # from a Notes column: the note added with the candidate
    id: str | None = None  # with --update: the candidate the row is about
    reason: str | None = None  # why they are at (or move to) the row's stage


def _cell(cells: list[str], columns: Columns, wanted: str) -> str:
    position = columns.index.get(wanted)
    if position is None or position >= len(cells):
        return ""
    return restore(cells[position].strip())


def _stage_ids(record: Record) -> dict[str, str]:
    """A stage by its id or its title, ignoring case."""
    ids = {stage.title.casefold(): stage.id for stage in record.stages}
    ids.update({stage.id.casefold(): stage.id for stage in record.stages})
    return ids


def check_row(
    number: int, line: int, cells: list[str], columns: Columns, record: Record, today: date
) -> tuple[Row, list[str]]:
    """The row as a candidate, and the reasons it cannot be one (none: it is good)."""
    problems: list[str] = []

    def text(field: str, value: str) -> str | None:
        try:
            return clean_field(field, value) or None
        except Refused as error:
            problems.append(error.message)
            return None

    def cell(wanted: str) -> str:
        return _cell(cells, columns, wanted)

    given = cell("name") or f"{cell('first_name')} {cell('last_name')}".strip()
    name = text("name", given) if given else None  # needed to add someone (see _outcome)
    if name and _LOST_LETTER.search(name):
        problems.append(f"the name has '?' for a letter: {_LOST_SAID}")
    row = Row(
        row=number,
        line=line,
        name=name or "",
        email=text("email", cell("email")),
        phone=text("phone", cell("phone") or cell("mobile")),
        source=text("source", cell("source")),
        applied=_applied(cell("applied"), today, record.campaign.timezone, problems),
        stage=_stage(cell("stage"), _stage_ids(record), record, problems),
        note=text("note", _note(cell("notes"), cell("phone"), cell("mobile"))),
        id=cell("id").lower() or None,
        reason=text("reason", cell("reason")),
    )
    if any(extra.strip() for extra in cells[columns.width :]):
        problems.append("more cells than the first line has columns")
    return row, problems


# A '?' against a letter: what Excel's plain "CSV" (Windows-1252) writes for a letter it
# cannot hold, such as Ł or Ż ("Łukasz Żółć" becomes "?ukasz ?ó??"). No name has one.
_LOST_LETTER = re.compile(r"\w\?|\?\w")
_LOST_SAID = (
    "the file lost letters its encoding cannot hold (Excel's plain 'CSV'); save it from "
    "Excel as 'CSV UTF-8' or as a workbook and import that"
)


def _letters_lost(value: str, stored: str | None) -> bool:
    """Whether `value` is `stored` with some of its letters turned into '?'."""
    return (
        stored is not None
        and "?" in value
        and len(value) == len(stored)
        and value != stored
        and all(
            new == old or (new == "?" and old.isalpha())
            for new, old in zip(value, stored, strict=True)
        )
    )


def _note(notes: str, phone: str, mobile: str) -> str:
    """The Notes cell, and a mobile number that the phone column leaves no room for."""
    if phone and mobile and mobile != phone:
        return "\n".join(part for part in (notes, f"Mobile: {mobile}") if part)
    return notes


def _applied(value: str, today: date, zone: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        day = parse_cell_date(value, today, zone)
    except Refused as error:
        problems.append(f"applied: {error.message}")
        return None
    if day > today:
        problems.append(f"applied: {day.isoformat()} is after today ({today.isoformat()})")
        return None
    return day


def _stage(value: str, ids: dict[str, str], record: Record, problems: list[str]) -> str | None:
    if not value:
        return None
    found = ids.get(value.casefold())
    if found is None:
        stages = ", ".join(stage.id for stage in record.stages)
        problems.append(f"'{value}' is not a stage of this campaign (stages: {stages})")
    return found


# --- import: what it will do -------------------------------------------------------

ADD, UPDATE, SKIP = "add", "update", "skip"
_UPDATABLE = ("name", "phone", "source", "applied")  # the email is how rows are matched


@dataclass(frozen=True, slots=True)
class RowPlan:
    row: Row
    action: str  # add | update | skip
    existing: Candidate | None = None  # the candidate already in the record with this email
    changes: tuple[str, ...] = ()  # the fields an update changes
    detail: str = ""
    move_to: str | None = None  # the stage an update moves them to (with the row's reason)

    @property
    def dated_today(self) -> bool:
        """An added row with no applied date: it is given the day of the import."""
        return self.action == ADD and self.row.applied is None

    @property
    def reason(self) -> str | None:
        """The row's reason as stored: with the stage it is added at, or the move it makes."""
        return self.row.reason if self.action == ADD or self.move_to else None


@dataclass(slots=True)
class ImportPlan:
    outcomes: list[RowPlan] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the heading it came from
    read_as: str = ""  # the encoding, or "Excel workbook"
    notes: list[str] = field(default_factory=list)  # how the file was read, when a guess

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)


def plan_import(
    table: Table,
    name: str,
    record: Record,
    today: date,
    update: bool,
    mapping: dict[str, str] | None = None,
    each: Walk = quietly,
) -> ImportPlan:
    """Check every row and decide what happens to each; refuse the file if any row is bad."""
    columns = map_columns(table.header, name, mapping, update)
    refuse_dates_left_out(table, columns, name, today)
    index = _Index(record)
    first_row_of: dict[str, int] = {}  # duplicates inside the file itself
    plan = ImportPlan(
        ignored_columns=columns.ignored,
        columns=columns.named(table.header),
        read_as=table.read_as,
        notes=table.notes,
    )
    problems: list[tuple[int, str]] = []
    for number, cells in each(table.rows, "Checking rows"):
        row, row_problems = check_row(number, table.line(number), cells, columns, record, today)
        if row.email:
            first = first_row_of.setdefault(row.email.casefold(), number)
            if first != number:
                row_problems.append(f"the same email as row {first}")
        outcome = None if row_problems else _outcome(row, record, index, update, row_problems)
        if outcome is not None and outcome.existing is not None and update:
            first = first_row_of.setdefault(outcome.existing.id, number)
            if first != number:
                row_problems.append(f"{outcome.existing.id} is on row {first} too")
        if row_problems:
            reasons = "; ".join(problem.rstrip(".") for problem in row_problems)
            problems.append((number, f"row {number}: {reasons}."))
        elif outcome is not None:
            plan.outcomes.append(outcome)
    problems += _refused_moves(record, plan.outcomes, today)
    if problems:
        raise Refused(
            f"{name}: {len(problems)} bad row(s); nothing was imported.\n"
            + "\n".join(f"  {problem}" for _, problem in sorted(problems)),
            hint="Fix those rows and import again (--dry-run shows what would happen).",
        )
    return plan


class _Index:
    """Candidates by id and by email (ignoring case): built once, so an import stays linear."""

    def __init__(self, record: Record) -> None:
        self.by_id = {candidate.id: candidate for candidate in record.candidates}
        self.by_email: dict[str, list[Candidate]] = {}
        for candidate in record.candidates:
            if candidate.email:
                self.by_email.setdefault(candidate.email.casefold(), []).append(candidate)

    def matches(self, row: Row, problems: list[str]) -> list[Candidate]:
        if row.id is None:
            return self.by_email.get(row.email.casefold(), []) if row.email else []
        found = self.by_id.get(row.id)
        if found is None:
            problems.append(f"no candidate has the id '{row.id}'")
            return []
        if row.email and row.email.casefold() != (found.email or "").casefold():
            problems.append(f"the email is not {found.id}'s (emails are matched, not changed)")
        return [found]


def _outcome(row: Row, record: Record, index: _Index, update: bool, problems: list[str]) -> RowPlan:
    matches = index.matches(row, problems)
    if not matches:
        if not row.name and not problems:
            problems.append("The name cannot be empty.")  # as add-candidate says it
        stage = record.stage(row.stage) if row.stage else None
        if stage is not None and stage.needs_reason and not row.reason:
            problems.append(f"stage '{stage.id}' needs a reason (give one in a 'reason' column)")
        return RowPlan(row, ADD)
    existing = matches[0]
    if not update:
        return RowPlan(row, SKIP, existing, detail="already in the record")
    if len(matches) > 1:
        ids = " and ".join(c.id for c in matches)
        problems.append(f"{len(matches)} candidates have this email ({ids}); update them by hand")
    changes = tuple(f for f in _UPDATABLE if _given_and_different(row, existing, f))
    for changed in changes:
        value = getattr(row, changed)
        if isinstance(value, str) and _letters_lost(value, getattr(existing, changed)):
            problems.append(f"the {changed} of {existing.id} has '?' for its letters: {_LOST_SAID}")
    move_to = row.stage if row.stage is not None and row.stage != existing.stage else None
    if not changes and move_to is None:
        return RowPlan(row, SKIP, existing, detail="up to date")
    detail = ", ".join([*changes, *([f"moved to {move_to}"] if move_to else [])])
    return RowPlan(row, UPDATE, existing, changes, detail, move_to)


def _given_and_different(row: Row, candidate: Candidate, name: str) -> bool:
    """An empty cell leaves a field as it is; it never clears it."""
    value = getattr(row, name)
    return value not in (None, "") and value != getattr(candidate, name)


def _refused_moves(record: Record, outcomes: list[RowPlan], today: date) -> list[tuple[int, str]]:
    """Each row whose move the rules refuse, with why: the moves tried, as `move` would make
    them, on a working copy of the record."""
    moving = [outcome for outcome in outcomes if outcome.move_to and outcome.existing]
    if not moving:
        return []
    working, now = working_copy(record), datetime.combine(today, time(), UTC)
    # Each row's candidate in the copy, by place: looking each id up again walked the
    # whole list per row, seconds for a sheet of thousands.
    place = {id(candidate): index for index, candidate in enumerate(record.candidates)}
    refused = []
    for outcome in moving:
        assert outcome.existing is not None and outcome.move_to is not None
        try:
            move(
                working,
                working.candidates[place[id(outcome.existing)]],
                outcome.move_to,
                by="",
                today=today,
                now=now,
                reason=outcome.row.reason,
            )
        except Refused as error:
            number = outcome.row.row
            refused.append((number, f"row {number}: {error.message.rstrip('.')}."))
    return refused


def apply_import(
    record: Record,
    plan: ImportPlan,
    *,
    by: str,
    today: date,
    now: datetime,
    each: Walk = quietly,
) -> list[Candidate]:
    """Make the planned changes in memory; return the candidates added, in file order."""
    taken = ids_held(record)
    added = []
    for outcome in each(plan.outcomes, "Importing"):
        row = outcome.row
        if outcome.action == ADD:
            # Duplicate emails were checked against the index above, once for the file.
            added.append(
                add_candidate(
                    record,
                    name=row.name,
                    email=row.email,
                    phone=row.phone,
                    source=row.source,
                    applied=row.applied or today,
                    stage=row.stage,
                    note=row.note,
                    reason=row.reason,
                    by=by,
                    today=today,
                    now=now,
                    allow_duplicate_email=True,
                    taken=taken,
                )
            )
        elif outcome.action == UPDATE and outcome.existing is not None:
            _update(outcome.existing, row, outcome.changes, by=by, today=today, now=now)
            if outcome.move_to is not None:  # checked by _refused_moves: allowed
                move(
                    record,
                    outcome.existing,
                    outcome.move_to,
                    by=by,
                    today=today,
                    now=now,
                    reason=row.reason,
                )
    return added


def _update(
    candidate: Candidate,
    row: Row,
    changes: tuple[str, ...],
    *,
    by: str,
    today: date,
    now: datetime,
) -> None:
    if not changes:
        return
    for name in changes:
        setattr(candidate, name, getattr(row, name))
    candidate.history.append(
        Event(
            at=now,
            on=today,
            by=by,
            action=Action.EDITED,
            reason=f"Updated by import: {', '.join(changes)}",
        )
    )
