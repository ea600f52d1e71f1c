"""Reading a spreadsheet file into a heading row and rows of text cells.

Files come as real programs write them: Excel's "CSV UTF-8" (UTF-8 with a BOM), its plain
"CSV" (Windows-1252 on Windows), its "Unicode text" (UTF-16 with a BOM, tab-separated),
LibreOffice's semicolon CSV, and .xlsx workbooks. The encoding is found from the BOM, then
UTF-8 is tried, then Windows-1252 (saying so); `encoding` overrides all of that. The
delimiter is the standard library's `csv.Sniffer` guess among comma, semicolon and tab,
else the first of those on the heading line. An .xlsx is read with openpyxl, imported
here only when a workbook arrives; its dates come out as ISO text, so that every file
meets the same checks.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from dgtracker.errors import Refused

_ZIP = b"PK\x03\x04"  # an .xlsx (Office Open XML) is a zip archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_DELIMITERS = ",;\t"
_SAMPLE = 64 * 1024  # how much of the file the sniffer looks at


@dataclass(frozen=True, slots=True)
class Table:
    """The heading row and the rows that hold anything, each with its line (or row) number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    read_as: str  # how the file was read: "UTF-8", "Windows-1252", "Excel workbook", …
    notes: list[str] = field(default_factory=list)  # what the user should know about it


def read_table_file(raw: bytes, name: str, encoding: str | None = None) -> Table:
    """A CSV/TSV text file or an .xlsx workbook as a table; refuse what cannot be read."""
    if raw.startswith(_ZIP) and encoding is None:
        return read_workbook(raw, name)
    if raw.startswith(_OLE):
        raise Refused(
            f"{name} is an old-style Excel file (.xls), which dgtracker cannot read.",
            hint="Save it as an Excel workbook (.xlsx) or as 'CSV UTF-8', then import that.",
        )
    text, read_as, notes = decode(raw, name, encoding)
    header, rows = read_csv_text(text, name)
    return Table(header, rows, read_as, notes)


# --- text files ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """The file's text, the encoding it was read as, and a note if that was a guess."""
    if encoding is not None:
        return _decode_as(raw, name, encoding), encoding, []
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return _decode_as(raw[len(bom) :], name, codec), label, []
    if b"\x00" in raw[:_SAMPLE]:
        raise Refused(
            f"{name} looks like UTF-16 text without a byte-order mark.",
            hint="Give the encoding, as in --encoding utf-16-le.",
        )
    try:
        return raw.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise Refused(
            f"{name} is neither UTF-8 nor Windows-1252 text (byte {error.start}).",
            hint="Give its encoding with --encoding, or save it from Excel as 'CSV UTF-8'.",
        ) from None
    note = (
        f"{name} is not UTF-8: read it as Windows-1252 (what Excel's plain 'CSV' writes). "
        "If names look wrong, import again with --encoding (for example latin-1 or utf-16)."
    )
    return text, "Windows-1252", [note]


def _decode_as(raw: bytes, name: str, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise Refused(
            f"'{encoding}' is not an encoding Python knows.",
            hint="Try utf-8, utf-16, cp1252 (Windows) or latin-1.",
        ) from None
    try:
        text = raw.decode(codec.name)
    except UnicodeDecodeError as error:
        raise Refused(
            f"{name} is not {encoding} text (byte {error.start} cannot be read).",
            hint="Give another --encoding, or leave it out to let dgtracker detect it.",
        ) from None
    return text.removeprefix("\ufeff")


def delimiter(text: str) -> str:
    """The field separator: csv.Sniffer's guess, else the first of , ; tab on line one."""
    sample = text[:_SAMPLE]
    if len(sample) == _SAMPLE:
        sample = sample.rsplit("\n", 1)[0]  # whole lines only
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found in _DELIMITERS and found:
        return found
    first_line = text.split("\n", 1)[0]
    return next((mark for mark in _DELIMITERS if mark in first_line), ",")


def read_csv_text(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The heading row and the rows that hold anything, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=True)
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
    return _checked_header(header, name), rows


def _checked_header(header: list[str] | None, name: str) -> list[str]:
    if not header or not any(cell.strip() for cell in header):
        raise Refused(f"{name} is empty: the first line should name the columns.")
    return header


# --- workbooks -----------------------------------------------------------------------


def read_workbook(raw: bytes, name: str) -> Table:
    """The first sheet of an .xlsx workbook, its cells as text (dates as ISO dates)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise Refused(
            f"{name} cannot be read as an Excel workbook ({error}).",
            hint="Open it in Excel or LibreOffice and save it again as .xlsx or 'CSV UTF-8'.",
        ) from None
    try:
        sheet = book.worksheets[0]
        notes = []
        if len(book.worksheets) > 1:
            notes.append(
                f"{name} has {len(book.worksheets)} sheets: read the first, '{sheet.title}'."
            )
        lines = [
            [cell_text(value) for value in values] for values in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
    header = _checked_header(lines[0] if lines else None, name)
    rows = [
        (number, cells)
        for number, cells in enumerate(lines[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(header, rows, "Excel workbook", notes)


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: dates as ISO, whole numbers bare."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def dates_in(table: Table, headings: list[str], read_date: Callable[[str], object]) -> list[str]:
    """Those of `headings` whose filled cells are at least half dates ("Monday" is not)."""
    stripped = [heading.strip() for heading in table.header]
    found = []
    for heading in headings:
        position = stripped.index(heading)
        cells = [c[position].strip() for _, c in table.rows if position < len(c)]
        cells = [cell for cell in cells if cell]
        dates = sum(1 for cell in cells if _is_date(cell, read_date))
        if cells and dates * 2 >= len(cells):
            found.append(heading)
    return found


def _is_date(cell: str, read_date: Callable[[str], object]) -> bool:
    if not any(char.isdigit() for char in cell):
        return False
    try:
        read_date(cell)
    except Refused:
        return False
    return True
