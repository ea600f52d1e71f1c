"""Reading a spreadsheet file into a heading row and rows of text cells.

Files come as real programs write them: Excel's "CSV UTF-8" (UTF-8 with a BOM), its plain
"CSV" (Windows-1252 on Windows), its "Unicode text" (UTF-16 with a BOM, tab-separated),
LibreOffice's semicolon CSV, .xlsx workbooks and LibreOffice's .ods. The encoding is
found from the BOM, then UTF-8 is tried, then Windows-1252 (saying so; refused for UTF-8
with a stray byte); `encoding` overrides all of that. The delimiter is the standard
library's `csv.Sniffer` guess among comma, semicolon and tab, else the first of those on
the heading line. An .xlsx is read with openpyxl, an .ods with python-calamine, each
imported here only when such a file arrives; their dates come out as ISO text, so that
every file meets the same checks.

Every read is bounded, so that no file can hold the command (or the record's lock, which
is taken only after the file is read) for long: only a regular file or standard input, at
most `limit` bytes; the sniffer sees a few kilobytes (its pattern takes time that grows
with the square of its sample on quotes and tabs); a workbook's shared strings and its
rows and columns are capped before openpyxl reads them (a zip of a few megabytes can
unpack to gigabytes); an .ods's repeated rows and cells are counted before calamine
writes them out in memory (a cell repeated a million times is a few bytes on disk).

openpyxl and python-calamine are imported only by the file type that needs them (a CSV
import loads neither).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO
from zipfile import BadZipFile, ZipFile

from dgtracker.errors import Refused

_ZIP = b"PK\x03\x04"  # an .xlsx (Office Open XML) is a zip archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_DELIMITERS = ",;\t"
_SAMPLE = 64 * 1024  # how much of the file is looked at for NUL bytes
_SNIFF = 4 * 1024  # how much the sniffer looks at: a quarter of a second at worst
LIMIT_MB = 50  # the largest file an import reads, unless --max-mb says otherwise
WORKBOOK_ROWS = 500_000  # more than any campaign's applications
WORKBOOK_COLUMNS = 256


@dataclass(frozen=True, slots=True)
class Table:
    """The heading row and the rows that hold anything, each with its row number as a
    spreadsheet shows it (the heading is row 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    read_as: str  # how the file was read: "UTF-8", "Windows-1252", "Excel workbook", …
    notes: list[str] = field(default_factory=list)  # what the user should know about it
    # The line of a text file a row starts on, where that is not its row number (a cell of
    # several lines above it): the JSON contract's "line".
    lines: dict[int, int] = field(default_factory=dict)

    def line(self, row: int) -> int:
        return self.lines.get(row, row)


def read_input(path: Path, limit_mb: int = LIMIT_MB) -> bytes:
    """The bytes of a regular file, or of standard input for '-', refused at once when it
    is more than `limit_mb` megabytes, a device, a pipe or a folder."""
    limit = limit_mb * 1024 * 1024
    if str(path) == "-":
        if sys.stdin.isatty():
            raise Refused(
                "import - reads the file from standard input, but that is the terminal.",
                hint="Pipe a file in (some-command | dgtracker import -) or give its path.",
            )
        return _within(sys.stdin.buffer.read(limit + 1), "standard input", limit_mb)
    try:
        # O_NONBLOCK: opening a named pipe with no writer returns at once, to be refused
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Refused(f"No file at {path}.", hint="Give - to read standard input.") from None
    except IsADirectoryError:
        raise Refused(f"{path} is a folder, not a spreadsheet file.") from None
    except OSError as error:
        raise Refused(f"Cannot read {path}: {error.strerror or error}.") from None
    with os.fdopen(handle, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise Refused(f"{path} is a folder, not a spreadsheet file.")
        if not stat.S_ISREG(mode):
            raise Refused(
                f"{path} is not a file but a device or a pipe.",
                hint="Give a spreadsheet file, or pipe it in: some-command | dgtracker import -",
            )
        if os.fstat(file.fileno()).st_size > limit:
            _within(b"", str(path), limit_mb, over=True)
        return _within(file.read(limit + 1), str(path), limit_mb)


def _within(raw: bytes, name: str, limit_mb: int, over: bool = False) -> bytes:
    if over or len(raw) > limit_mb * 1024 * 1024:
        raise Refused(
            f"{name} is larger than {limit_mb} MB, more than a campaign's spreadsheet holds.",
            hint="Check it is the right file; if it is, give --max-mb with a larger size.",
        )
    return raw


def read_table_file(raw: bytes, name: str, encoding: str | None = None) -> Table:
    """A CSV/TSV text file, an .xlsx or an .ods workbook as a table; refuse what cannot be
    read."""
    if raw.startswith(_ZIP) and encoding is None:
        if _opendocument_type(raw) is not None:
            return read_opendocument(raw, name)
        return read_workbook(raw, name)
    if raw.startswith(_OLE):
        raise Refused(
            f"{name} is an old-style Excel file (.xls), which dgtracker cannot read.",
            hint="Save it as an Excel workbook (.xlsx) or as 'CSV UTF-8', then import that.",
        )
    text, read_as, notes = decode(raw, name, encoding)
    header, rows, lines = read_csv_text(text, name)
    return Table(header, rows, read_as, notes, lines)


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
    except UnicodeDecodeError as error:
        _refuse_broken_utf8(raw, name, error.start)
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


# A letter as UTF-8 writes it (two to four bytes). Windows-1252 text almost never holds
# one: it would be a capital with an accent followed by a curly quote or a symbol ("Ã«").
_UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _refuse_broken_utf8(raw: bytes, name: str, bad: int) -> None:
    """Refuse UTF-8 text with a byte that is not (a file joined from two, a cell pasted from
    elsewhere): read as Windows-1252, each of its accented letters would be stored as two
    wrong ones ("Zoë" as "ZoÃ«")."""
    if _UTF8_LETTER.search(raw) is None:
        return
    raise Refused(
        f"{name} is UTF-8 text with a byte that is not (byte {bad}): read another way, its "
        "accented letters would be stored wrong.",
        hint="Save it again from the spreadsheet as 'CSV UTF-8', or give --encoding if you "
        "know it (for example --encoding cp1252).",
    )


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
    sample = text[:_SNIFF]
    if len(sample) == _SNIFF:
        sample = sample.rsplit("\n", 1)[0]  # whole lines only
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found in _DELIMITERS and found:
        return found
    first_line = text.split("\n", 1)[0]
    return next((mark for mark in _DELIMITERS if mark in first_line), ",")


def read_csv_text(
    text: str, name: str
) -> tuple[list[str], list[tuple[int, list[str]]], dict[int, int]]:
    """The heading row; the rows that hold anything, each with its row number as Excel and
    LibreOffice show it (a cell of several lines is one row, a blank line a row); and the
    line each row starts on where that differs."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    lines: dict[int, int] = {}
    try:
        header = next(reader, None)
        line = reader.line_num + 1
        for row, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                rows.append((row, cells))
                if line != row:
                    lines[row] = line
            line = reader.line_num + 1
    except csv.Error as error:
        raise Refused(
            f"{name}, line {reader.line_num}: not readable as CSV ({error}).",
            hint="Check the quotes on that line; nothing was imported.",
        ) from None
    return _checked_header(header, name), rows, lines


def _checked_header(header: list[str] | None, name: str) -> list[str]:
    if not header or not any(cell.strip() for cell in header):
        raise Refused(f"{name} is empty: the first line should name the columns.")
    return header


# --- workbooks -----------------------------------------------------------------------


def read_workbook(raw: bytes, name: str) -> Table:
    """The first sheet of an .xlsx workbook, its cells as text (dates as ISO dates)."""
    from openpyxl import load_workbook

    try:
        _refuse_unpacking_far(raw, name)  # openpyxl reads some parts whole
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
        lines: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True, max_col=WORKBOOK_COLUMNS):
            if len(lines) == WORKBOOK_ROWS:
                raise _too_many_rows(name)
            lines.append(_trimmed([cell_text(value) for value in values]))
    finally:
        book.close()
    return _sheet_table(lines, name, "Excel workbook", notes)


def _refuse_unpacking_far(raw: bytes, name: str) -> None:
    """Refuse a zip that unpacks to far more than it weighs (raises BadZipFile if not one)."""
    with ZipFile(io.BytesIO(raw)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > 20 * len(raw) + LIMIT_MB * 1024 * 1024:
        raise Refused(
            f"{name} unpacks to {unpacked // (1024 * 1024):,} MB, far more than a sheet of "
            "candidates holds.",
            hint="Open it in Excel or LibreOffice and save it again, or as 'CSV UTF-8'.",
        )


def _too_many_rows(name: str) -> Refused:
    return Refused(
        f"{name} has more than {WORKBOOK_ROWS:,} rows, more than a campaign's applications.",
        hint="Check it is the right file; import the rows in parts if it is.",
    )


def _sheet_table(lines: list[list[str]], name: str, read_as: str, notes: list[str]) -> Table:
    """A sheet's rows from row 1 as a table: numbered as the spreadsheet numbers them."""
    header = _checked_header(lines[0] if lines else None, name)
    rows = [
        (number, cells)
        for number, cells in enumerate(lines[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(header, rows, read_as, notes)


# --- OpenDocument spreadsheets (.ods) --------------------------------------------------

_ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_CELL_BYTES = 32  # what calamine holds for each cell of a sheet's area, filled or not
# A row, a cell (with its repeats), and where a cell or a sheet ends, in content.xml.
_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _opendocument_type(raw: bytes) -> bytes | None:
    """The media type an OpenDocument file names in its entry 'mimetype', or None."""
    try:
        with ZipFile(io.BytesIO(raw)) as archive, archive.open("mimetype") as entry:
            return entry.read(100).strip()
    except (BadZipFile, KeyError, OSError, ValueError):
        return None  # not one: the workbook reader says what is wrong


def read_opendocument(raw: bytes, name: str) -> Table:
    """The first sheet of an .ods spreadsheet, its cells as text (dates as ISO dates)."""
    from python_calamine import CalamineError, CalamineWorkbook

    if _opendocument_type(raw) != _ODS_TYPE:
        raise Refused(
            f"{name} is an OpenDocument file but not a spreadsheet.",
            hint="Open it in LibreOffice Calc and save it as .ods or .xlsx.",
        )
    try:
        _refuse_unpacking_far(raw, name)
        _refuse_expanding_far(raw, name)
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except (BadZipFile, KeyError, OSError, ValueError, CalamineError) as error:
        raise _unreadable_ods(name, error) from None
    notes = []
    if len(book.sheet_names) > 1:
        notes.append(
            f"{name} has {len(book.sheet_names)} sheets: read the first, '{book.sheet_names[0]}'."
        )
    sheet = book.get_sheet_by_index(0)
    # calamine starts at the first filled row and column: pad back to row 1 and column A
    first_row, first_column = sheet.start or (0, 0)
    lines: list[list[str]] = [[] for _ in range(first_row)]
    for values in sheet.iter_rows():
        if len(lines) == WORKBOOK_ROWS:
            raise _too_many_rows(name)
        cells = [""] * first_column + [cell_text(value) for value in values]
        lines.append(_trimmed(cells[:WORKBOOK_COLUMNS]))
    book.close()
    return _sheet_table(lines, name, "OpenDocument spreadsheet", notes)


def _unreadable_ods(name: str, error: Exception) -> Refused:
    return Refused(
        f"{name} cannot be read as an OpenDocument spreadsheet ({error}).",
        hint="Open it in LibreOffice and save it again as .ods, .xlsx or 'CSV UTF-8'.",
    )


def _refuse_expanding_far(raw: bytes, name: str) -> None:
    """Refuse an .ods whose sheets, their repeated rows and cells written out as calamine
    holds them, take far more memory than its size."""
    budget = 20 * len(raw) + LIMIT_MB * 1024 * 1024
    with ZipFile(io.BytesIO(raw)) as archive, archive.open("content.xml") as content:
        held = _ods_bytes_held(content, budget)
    if held > budget:
        raise Refused(
            f"{name} repeats its cells to more than {budget // (1024 * 1024):,} MB, far more "
            "than a sheet of candidates holds.",
            hint="Open it in LibreOffice and save it again, or as 'CSV UTF-8'.",
        )


def _ods_bytes_held(content: IO[bytes], budget: int) -> int:
    """What calamine holds for content.xml's sheets: each sheet's area from its first to its
    last filled row (empty rows between filled ones written out, trailing ones not), as
    wide as its widest filled row, plus the text of each filled cell once per repeat.
    Stops counting once past `budget`."""
    held = 0
    rows = width = pending = 0  # the sheet's filled area; empty rows not yet followed
    repeat = column = filled_to = 0  # the row being read
    row_text = cell_start = cell_repeat = 0
    tail, base = b"", 0  # a tag cut by the chunk's end; where `text` starts in the file
    while chunk := content.read(1024 * 1024):
        text = tail + chunk
        cut = text.rfind(b">") + 1
        text, tail = text[:cut], text[cut:]
        offset, base = base, base + cut
        for tag in _ODS_TAG.finditer(text):
            closing, kind, attributes, empty = tag.groups()
            if kind == b"table":
                if not closing:  # a new sheet
                    held += rows * width * _ODS_CELL_BYTES
                    rows = width = pending = 0
                continue
            if kind == b"table-row":
                if not closing:
                    found = _ROWS_REPEATED.search(attributes)
                    repeat, column, filled_to, row_text = int(found[1]) if found else 1, 0, 0, 0
                elif filled_to:
                    rows += pending + repeat
                    width, pending = max(width, filled_to), 0
                    held += repeat * row_text
                elif rows:
                    pending += repeat
                if held + rows * width * _ODS_CELL_BYTES > budget:
                    return held + rows * width * _ODS_CELL_BYTES
                continue
            if closing:  # a filled cell ends: its text, once per repeat
                row_text += cell_repeat * (offset + tag.end() - cell_start)
                continue
            found = _COLUMNS_REPEATED.search(attributes)
            cell_repeat = int(found[1]) if found else 1
            column += cell_repeat
            if not empty:  # it holds something (text or a note): counted where it ends
                filled_to, cell_start = column, offset + tag.start()
            elif b"value-type" in attributes:  # a value in its attributes alone (a number)
                filled_to = column
                row_text += cell_repeat * len(tag[0])
    return held + rows * width * _ODS_CELL_BYTES


def _trimmed(cells: list[str]) -> list[str]:
    """A row without the empty cells a sheet's stated width pads it with."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


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
