"""Candidates as an Excel workbook (.xlsx), written with openpyxl.

The same columns as the CSV export (sheet_export.EXPORT_COLUMNS), but typed: dates are
dates, counts are numbers, and every text cell is stored as text, so that "=SUM(1)" or
"+44 20 7946 0000" shows as typed and is never run as a formula (no quote needed). The
header is bold and frozen, and each column is as wide as its longest line, capped so that
long text wraps. It prints as a team reads it on paper: landscape A4, one page wide, the
header row on every page, text wrapped in its cell rather than spilling over the next.
openpyxl is imported only here, by the command that needs it.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dgtracker.exchange.sheet_export import (
    DATE_COLUMNS,
    EXPORT_COLUMNS,
    NUMBER_COLUMNS,
    Cell,
    candidate_cells,
)
from dgtracker.record.model import Record

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SHEET_TITLE = "Candidates"
DATE_FORMAT = "yyyy-mm-dd"  # unambiguous in every locale; Excel still sorts it as a date
TEXT_FORMAT = "@"
MAX_WIDTH = 45  # characters; longer text wraps (notes)
# Narrower caps where a long value is rare and wrapping it costs little, so that the
# sheet fits a landscape page wide at a size that can still be read (about 60 %).
CAPS = {"reason": 30, "name": 24, "email": 28, "source": 16, "stage title": 16, "outcome": 16}
NUMBER_WIDTH = 8  # "days in stage" and "reserve rank": their headings wrap
LINE_HEIGHT = 15  # points: a line of the default font (Calibri 11)


def candidates_xlsx(record: Record, today: date) -> bytes:
    """Every candidate as one sheet of a workbook, its bytes ready to write.

    The workbook is written as it goes (openpyxl's write-only mode): each row is made and
    sent on, rather than every cell of the sheet held as an object until the end (about
    140,000 cells at 10,000 candidates). So what applies to the whole sheet (the columns'
    widths, the frozen header, the print set-up) is set before the first row, and a row's
    height before that row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    wrap = Alignment(wrap_text=True, vertical="top")
    rows = [candidate_cells(record, candidate, today) for candidate in record.candidates]
    widths = _widths(rows)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"
    # The sheet's size is known before its first row: its <dimension>, which openpyxl's
    # writer gives a sheet that can say it, as a sheet held whole has it.
    size = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{len(rows) + 1}"
    sheet.calculate_dimension = lambda: size
    _print_setup(sheet)
    sheet.row_dimensions[1].height = LINE_HEIGHT * 2  # "days in stage" wraps
    bold = Font(bold=True)
    sheet.append([_heading(sheet, heading, wrap, bold) for heading in EXPORT_COLUMNS])
    for number, values in enumerate(rows, start=2):
        # LibreOffice keeps a row one line high unless told (a wrapped note then
        # prints over the rows below it): the height its longest cell wraps to.
        lines = max(_lines(value, width) for value, width in zip(values, widths, strict=True))
        if lines > 1:
            sheet.row_dimensions[number].height = LINE_HEIGHT * lines
        sheet.append(
            [
                None if value is None else _store(_styled(sheet, wrap), name, value)
                for name, value in zip(EXPORT_COLUMNS, values, strict=True)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _styled(sheet: WriteOnlyWorksheet, wrap: Alignment, font: Font | None = None) -> SheetCell:
    """A cell of the sheet (its value set after): text longer than its column wraps, never
    spills over."""
    cell = WriteOnlyCell(sheet)
    cell.alignment = wrap
    if font is not None:
        cell.font = font
    return cell


def _heading(sheet: WriteOnlyWorksheet, heading: str, wrap: Alignment, bold: Font) -> SheetCell:
    cell = _styled(sheet, wrap, bold)
    cell.value = heading
    return cell


def _print_setup(sheet: Any) -> None:
    """Landscape A4, one page wide (as many pages down as it takes), the header row on
    every page, grid lines, and the page number at the foot. (`sheet` is write-only: it
    has these settings, though openpyxl's type stubs do not say so.)"""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # no limit down the pages
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl makes an empty one with each sheet
    footer.center.text = "Page &P of &N"


def _widths(rows: list[list[Cell]]) -> list[int]:
    """Each column's width in characters: its longest line (or heading), up to its cap; a
    number column's heading wraps onto two lines."""
    widths = [NUMBER_WIDTH if name in NUMBER_COLUMNS else len(name) for name in EXPORT_COLUMNS]
    for values in rows:
        for column, value in enumerate(values):
            if value is not None:
                widths[column] = max(widths[column], _width(value))
    caps = [
        CAPS.get(name, NUMBER_WIDTH if name in NUMBER_COLUMNS else MAX_WIDTH)
        for name in EXPORT_COLUMNS
    ]
    return [min(width, cap) for width, cap in zip(widths, caps, strict=True)]


def _lines(value: Cell, width: int) -> int:
    """How many lines `value` takes wrapped at `width` characters (a little generous: a
    wrap breaks at a space, and letters differ in width)."""
    if not isinstance(value, str):
        return 1
    return sum(max(1, -(-len(line) * 11 // (width * 10))) for line in value.split("\n"))


def _store(cell: SheetCell, name: str, value: Cell) -> SheetCell:
    """Dates as dates, numbers as numbers, everything else as text (never a formula)."""
    cell.value = value
    if name in DATE_COLUMNS:
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # set after the value: "=SUM(1)" stays text
        cell.number_format = TEXT_FORMAT
    return cell


def _width(value: Cell) -> int:
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)
