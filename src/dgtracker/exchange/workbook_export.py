"""Candidates as an Excel workbook (.xlsx), written with openpyxl.

The same columns as the CSV export (sheet_export.EXPORT_COLUMNS), but typed: dates are
dates, counts are numbers, and every text cell is stored as text, so that "=SUM(1)" or
"+44 20 7946 0000" shows as typed and is never run as a formula (no quote needed). The
header is bold and frozen, and each column is as wide as its longest line (capped).
openpyxl is imported only here, by the command that needs it.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from dgtracker.exchange.sheet_export import DATE_COLUMNS, EXPORT_COLUMNS, Cell, candidate_cells
from dgtracker.record.model import Record

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.cell.cell import MergedCell

SHEET_TITLE = "Candidates"
DATE_FORMAT = "yyyy-mm-dd"  # unambiguous in every locale; Excel still sorts it as a date
TEXT_FORMAT = "@"
MAX_WIDTH = 50  # characters; longer text wraps


def candidates_xlsx(record: Record, today: date) -> bytes:
    """Every candidate as one sheet of a workbook, its bytes ready to write."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(EXPORT_COLUMNS))
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(name) for name in EXPORT_COLUMNS]
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, candidate in enumerate(record.candidates, start=2):
        values = candidate_cells(record, candidate, today)
        for column, (name, value) in enumerate(zip(EXPORT_COLUMNS, values, strict=True), 1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column)
            _store(cell, name, value)
            if isinstance(value, str) and "\n" in value:
                cell.alignment = wrap
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH) + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _store(cell: SheetCell | MergedCell, name: str, value: Cell) -> None:
    """Dates as dates, numbers as numbers, everything else as text (never a formula)."""
    cell.value = value
    if name in DATE_COLUMNS:
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # set after the value: "=SUM(1)" stays text
        cell.number_format = TEXT_FORMAT


def _width(value: Cell) -> int:
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)
