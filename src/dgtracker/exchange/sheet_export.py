"""Candidates as spreadsheet rows: the columns of `export csv` and `export xlsx`.

Pure logic: the CLI writes the files. The columns are a contract: the first ten keep
their names and order, and columns are only ever added at the end. CSV cells that a
spreadsheet would run as a formula are neutralised with a quote (an import takes it off
again); a workbook stores every text cell as text, so it needs no quote.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from dgtracker.process.queries import days_in_stage, stage_title
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Candidate, Record, StageKind, moves_that_stand

BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with this mark
EXPORT_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "source",
    "stage",  # the stage's id
    "applied",
    "days in stage",
    "last change",
    "notes",
    # Added later, always at the end:
    "stage title",  # as the screen shows it: "Not progressed" for `rejected`
    "outcome",  # the outcome stage's title; empty while the candidate is in the process
    "reason",  # why the candidate moved to the current stage (rejection, withdrawal)
    "reserve rank",  # merit order on the reserve list
    "outcome date",  # the day the candidate reached that outcome
)
DATE_COLUMNS = frozenset({"applied", "last change", "outcome date"})
NUMBER_COLUMNS = frozenset({"days in stage", "reserve rank"})

Cell = str | int | date | None

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


def candidate_cells(record: Record, candidate: Candidate, today: date) -> list[Cell]:
    """One row, typed: text, whole numbers, dates or None, in EXPORT_COLUMNS order."""
    stage = record.stage(candidate.stage)
    decided = stage is not None and stage.kind != StageKind.ACTIVE
    stood = moves_that_stand(candidate.history)
    entered = stood[-1] if stood else None
    return [
        candidate.id,
        candidate.name,
        candidate.email,
        candidate.phone,
        candidate.source,
        candidate.stage,
        candidate.applied,
        days_in_stage(candidate, today),
        last_change(candidate),
        "\n".join(candidate.notes) or None,  # one note a line inside the cell
        stage_title(record, candidate.stage),
        stage.title if decided and stage else None,
        entered.reason if entered else None,
        candidate.rank,
        candidate.stage_since() if decided else None,
    ]


def candidate_row(record: Record, candidate: Candidate, today: date) -> list[str]:
    """The row as CSV text: dates as ISO dates, formulas neutralised."""
    text = []
    for cell in candidate_cells(record, candidate, today):
        if cell is None:
            text.append("")
        elif isinstance(cell, date):
            text.append(cell.isoformat())
        else:
            text.append(neutralise(str(cell)))
    return text


def candidates_csv(record: Record, today: date, bom: bool = True, each: Walk = quietly) -> str:
    """Every candidate as CSV text with CRLF line ends, as RFC 4180 and Excel expect."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = each(record.candidates, "Exporting")
    writer.writerows(candidate_row(record, c, today) for c in rows)
    return (BOM if bom else "") + out.getvalue()
