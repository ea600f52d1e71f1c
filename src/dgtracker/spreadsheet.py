"""Candidates to and from spreadsheets (CSV): the rows to export, and what an import does.

Pure logic: the CLI reads and writes the files. Exported cells that a spreadsheet would
run as a formula are neutralised; an import checks every row first and reports every
bad one, so that it adds all of the file or none of it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from dgtracker.actions import add_candidate
from dgtracker.date_input import parse_date
from dgtracker.errors import Refused
from dgtracker.model import ENTERS_STAGE, Action, Candidate, Event, Record
from dgtracker.text import clean_field
from dgtracker.views import days_in_stage

BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with this mark
EXPORT_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "source",
    "stage",
    "applied",
    "days in stage",
    "last change",
    "notes",
    "reason",  # why they are at their stage, where it needs one (added last: columns stay put)
)

# --- export ------------------------------------------------------------------------

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets
# (OWASP "CSV injection"). Quotes already in front are counted too, so that the import
# can take exactly one quote off again.
_FORMULA_START = re.compile("^'*[=+\\-@\t\r]")


def neutralise(cell: str) -> str:
    """Put a single quote before a cell a spreadsheet would treat as a formula."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def restore(cell: str) -> str:
    """Undo `neutralise`: a phone "'+44 20 …" comes back as "+44 20 …"."""
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell[1:]) else cell


def last_change(candidate: Candidate) -> date | None:
    return max((event.on for event in candidate.history), default=candidate.applied)


def stage_reason(candidate: Candidate) -> str | None:
    """The reason given with the event that put the candidate at their stage."""
    for event in reversed(candidate.history):
        if event.action in ENTERS_STAGE:
            return event.reason if event.stage == candidate.stage else None
    return None


def candidate_row(candidate: Candidate, today: date) -> list[str]:
    days = days_in_stage(candidate, today)
    changed = last_change(candidate)
    cells = [
        candidate.id,
        candidate.name,
        candidate.email or "",
        candidate.phone or "",
        candidate.source or "",
        candidate.stage,
        candidate.applied.isoformat() if candidate.applied else "",
        "" if days is None else str(days),
        changed.isoformat() if changed else "",
        "\n".join(candidate.notes),  # one note a line inside the cell
        stage_reason(candidate) or "",
    ]
    return [neutralise(cell) for cell in cells]


def candidates_csv(record: Record, today: date, bom: bool = True) -> str:
    """Every candidate as CSV text with CRLF line ends, as RFC 4180 and Excel expect."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(candidate_row(candidate, today) for candidate in record.candidates)
    return (BOM if bom else "") + out.getvalue()


# --- import: reading the file ------------------------------------------------------

# Heading names, compared lower-case with everything but letters and digits removed.
_HEADINGS = {
    "name": ("name", "fullname", "candidatename"),
    "first_name": ("firstname", "forename", "givenname"),
    "last_name": ("lastname", "surname", "familyname"),
    "email": ("email", "emailaddress"),
    "phone": ("phone", "telephone", "phonenumber", "telephonenumber", "mobile", "tel"),
    "source": ("source",),
    "applied": ("applied", "dateapplied", "applieddate", "applicationdate", "appliedon"),
    "stage": ("stage",),
    "reason": ("reason", "outcomereason"),
}
_FIELD_OF = {alias: name for name, aliases in _HEADINGS.items() for alias in aliases}


def heading_key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.casefold())


def decode(raw: bytes, name: str) -> str:
    """CSV bytes as text: UTF-8, with or without the BOM Excel writes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(
            f"{name} is not UTF-8 text (byte {error.start} cannot be read).",
            hint="In Excel, save it as 'CSV UTF-8 (Comma delimited)'; in LibreOffice, choose "
            "the UTF-8 character set.",
        ) from None


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that some spreadsheets write instead."""
    first_line = text.split("\n", 1)[0]
    return next((mark for mark in ",;\t" if mark in first_line), ",")


def read_table(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The heading row and the rows that hold anything, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise Refused(
            f"{name}, line {reader.line_num}: not readable as CSV ({error}).",
            hint="Check the quotes on that line; nothing was imported.",
        ) from None
    if not header or not any(cell.strip() for cell in header):
        raise Refused(f"{name} is empty: the first line should name the columns.")
    return header, rows


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds each field; headings that are not recognised are ignored."""

    index: dict[str, int]
    ignored: list[str]
    width: int  # how many columns the first line names


def map_columns(header: list[str], name: str) -> Columns:
    index: dict[str, int] = {}
    ignored: list[str] = []
    for position, heading in enumerate(header):
        found = _FIELD_OF.get(heading_key(heading))
        if found is None:
            if heading.strip():
                ignored.append(heading.strip())
            continue
        if found in index:
            raise Refused(
                f"{name}: two columns give the {found.replace('_', ' ')} "
                f"('{header[index[found]]}' and '{heading}').",
                hint="Remove or rename one of them.",
            )
        index[found] = position
    if "name" not in index and not {"first_name", "last_name"} <= index.keys():
        raise Refused(
            f"{name}: no column for the candidate's name.",
            hint="Name a column 'name' or 'full name' (or 'first name' and 'last name'). "
            "Also recognised: email, phone, source, applied (date applied), stage, reason.",
        )
    return Columns(index, ignored, len(header))


# --- import: checking each row -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One checked row of the file: a candidate to add or to match by email."""

    line: int
    name: str
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    applied: date | None = None
    stage: str | None = None
    reason: str | None = None


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
    line: int, cells: list[str], columns: Columns, record: Record, today: date
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
    name = text("name", given)
    row = Row(
        line=line,
        name=name or "",
        email=text("email", cell("email")),
        phone=text("phone", cell("phone")),
        source=text("source", cell("source")),
        applied=_applied(cell("applied"), today, problems),
        stage=_stage(cell("stage"), _stage_ids(record), record, problems),
        reason=text("reason", cell("reason")),
    )
    stage = record.stage(row.stage) if row.stage else None
    if stage is not None and stage.needs_reason and not row.reason:
        problems.append(f"stage '{stage.id}' needs a reason (give one in a 'reason' column)")
    if any(extra.strip() for extra in cells[columns.width :]):
        problems.append("more cells than the first line has columns")
    return row, problems


def _applied(value: str, today: date, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        day = parse_date(value, today)
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
class Outcome:
    row: Row
    action: str  # add | update | skip
    existing: Candidate | None = None  # the candidate already in the record with this email
    changes: tuple[str, ...] = ()  # the fields an update changes
    detail: str = ""


@dataclass(slots=True)
class ImportPlan:
    outcomes: list[Outcome] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)


def plan_import(text: str, name: str, record: Record, today: date, update: bool) -> ImportPlan:
    """Check every row and decide what happens to each; refuse the file if any row is bad."""
    header, table = read_table(text, name)
    columns = map_columns(header, name)
    by_email = _email_index(record)
    first_line_of: dict[str, int] = {}  # duplicates inside the file itself
    plan = ImportPlan(ignored_columns=columns.ignored)
    problems: list[str] = []
    for line, cells in table:
        row, row_problems = check_row(line, cells, columns, record, today)
        if row.email:
            first = first_line_of.setdefault(row.email.casefold(), line)
            if first != line:
                row_problems.append(f"the same email as line {first}")
        outcome = None if row_problems else _outcome(row, by_email, update, row_problems)
        if row_problems:
            reasons = "; ".join(problem.rstrip(".") for problem in row_problems)
            problems.append(f"line {line}: {reasons}.")
        elif outcome is not None:
            plan.outcomes.append(outcome)
    if problems:
        raise Refused(
            f"{name}: {len(problems)} bad row(s); nothing was imported.\n"
            + "\n".join(f"  {problem}" for problem in problems),
            hint="Fix those rows and import again (--dry-run shows what would happen).",
        )
    return plan


def _email_index(record: Record) -> dict[str, list[Candidate]]:
    """Candidates by email, ignoring case: built once, so an import stays linear."""
    index: dict[str, list[Candidate]] = {}
    for candidate in record.candidates:
        if candidate.email:
            index.setdefault(candidate.email.casefold(), []).append(candidate)
    return index


def _outcome(
    row: Row, by_email: dict[str, list[Candidate]], update: bool, problems: list[str]
) -> Outcome:
    matches = by_email.get(row.email.casefold(), []) if row.email else []
    if not matches:
        return Outcome(row, ADD)
    existing = matches[0]
    if not update:
        return Outcome(row, SKIP, existing, detail="already in the record")
    if len(matches) > 1:
        ids = " and ".join(c.id for c in matches)
        problems.append(f"{len(matches)} candidates have this email ({ids}); update them by hand")
    changes = tuple(f for f in _UPDATABLE if _given_and_different(row, existing, f))
    stage_note = ""
    if row.stage is not None and row.stage != existing.stage:
        stage_note = f"; stage left at {existing.stage} (use 'dgtracker move')"
    if not changes:
        return Outcome(row, SKIP, existing, detail=f"up to date{stage_note}")
    return Outcome(row, UPDATE, existing, changes, f"{', '.join(changes)}{stage_note}")


def _given_and_different(row: Row, candidate: Candidate, name: str) -> bool:
    """An empty cell leaves a field as it is; it never clears it."""
    value = getattr(row, name)
    return value is not None and value != getattr(candidate, name)


def apply_import(
    record: Record, plan: ImportPlan, *, by: str, today: date, now: datetime
) -> list[Candidate]:
    """Make the planned changes in memory; return the candidates added, in file order."""
    taken = {candidate.id for candidate in record.candidates}
    added = []
    for outcome in plan.outcomes:
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
