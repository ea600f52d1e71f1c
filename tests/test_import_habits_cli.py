"""Spreadsheets as teams have them (issue 26, finding 7), through the CLI: LibreOffice's .ods,
job sites' month-first dates, a "Last Updated" column beside the applied date, row numbers
as the spreadsheet shows them, a workbook that prints, and a dry run that shows a new line.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import AS_OF, Cli, in_process, installed_dgtracker
from libreoffice import CSV_UTF8_IN, convert, needs_libreoffice


def _people(cli: Cli) -> list[dict]:
    return cli.data().get("candidates", [])


def _installed(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_dgtracker(), "--file", str(cli.path), "--as-of", AS_OF, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


# --- .ods ----------------------------------------------------------------------------

_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    '<office:body><office:spreadsheet><table:table table:name="Applicants">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def _ods(rows: str, mimetype: str = "application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    """An .ods as the OpenDocument standard lays it out: 'mimetype' first and stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_ods_file_is_imported_with_its_dates_and_rows(cli, tmp_path) -> None:
    rows = (
        f"<table:table-row>{_cell('Name')}{_cell('Email')}{_cell('Date applied')}</table:table-row>"
        "<table:table-row>"
        f"{_cell('Zoë Brontë')}{_cell('zoe@example.org')}"
        '<table:table-cell office:value-type="date" office:date-value="2026-01-09">'
        "<text:p>09/01/2026</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        f"<table:table-row>{_cell('Ada Lovelace')}{_cell('not-an-email')}</table:table-row>"
    )
    path = tmp_path / "applicants.ods"
    path.write_bytes(_ods(rows))
    refused = cli("import", str(path))
    assert refused.exit_code == 1  # row 5, after two empty rows, as LibreOffice shows it
    assert "row 5: The email does not look like an email address." in refused.output
    fixed = rows.replace("not-an-email", "ada@example.org")
    path.write_bytes(_ods(fixed))
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert plan["read_as"] == "OpenDocument spreadsheet"
    assert [(r["row"], r["name"], r["applied"]) for r in plan["rows"]] == [
        (2, "Zoë Brontë", "2026-01-09"),
        (5, "Ada Lovelace", "2026-02-02"),
    ]
    assert "Added 2 candidate(s)" in cli.ok("import", str(path))
    assert [(c["name"], str(c["applied"])) for c in _people(cli)] == [
        ("Zoë Brontë", "2026-01-09"),
        ("Ada Lovelace", "2026-02-02"),
    ]


def test_an_ods_that_repeats_a_cell_millions_of_times_is_refused_before_it_is_read(
    cli, tmp_path
) -> None:
    """3 KB on disk, ten million cells once calamine writes the repeats out (gigabytes)."""
    bomb = tmp_path / "bomb.ods"
    bomb.write_bytes(
        _ods(
            f"<table:table-row>{_cell('Name')}</table:table-row>"
            f'<table:table-row table:number-rows-repeated="10000">{_cell("x", 1000)}'
            "</table:table-row>"
        )
    )
    assert bomb.stat().st_size < 4000
    done = _installed(cli, "import", str(bomb))
    assert done.returncode == 1, done.stderr
    assert "repeats its cells to more than 50 MB" in done.stderr
    assert "Traceback" not in done.stderr and _people(cli) == []
    # A number held in the cell's attributes alone, with no text: as many cells.
    numbers = tmp_path / "numbers.ods"
    numbers.write_bytes(
        _ods(
            f"<table:table-row>{_cell('Name')}</table:table-row>"
            '<table:table-row table:number-rows-repeated="6000">'
            '<table:table-cell office:value-type="float" office:value="1" '
            'table:number-columns-repeated="16384"/></table:table-row>'
        )
    )
    result = cli("import", str(numbers))
    assert result.exit_code == 1 and "repeats its cells to more than" in result.output


class _Stream(io.RawIOBase):
    """Somewhere zipfile cannot seek back to: it writes each entry's sizes after its data."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:  # type: ignore[override]
        self.data += chunk
        return len(chunk)


def test_an_ods_written_as_a_stream_is_read_too(cli, tmp_path) -> None:
    stream = _Stream()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        rows = f"<table:table-row>{_cell('Name')}</table:table-row>"
        rows += f"<table:table-row>{_cell('Zoë Brontë')}</table:table-row>"
        archive.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    path = tmp_path / "streamed.ods"
    path.write_bytes(bytes(stream.data))
    assert "Added 1 candidate(s)" in cli.ok("import", str(path))
    assert _people(cli)[0]["name"] == "Zoë Brontë"


def test_other_opendocument_files_and_broken_ones_are_refused(cli, tmp_path) -> None:
    text = tmp_path / "letter.ods"
    text.write_bytes(_ods("", mimetype="application/vnd.oasis.opendocument.text"))
    broken = tmp_path / "broken.ods"
    broken.write_bytes(_ods("<table:table-row><table:table-cell>")[:-20])
    for path, why in ((text, "not a spreadsheet"), (broken, "cannot be read as")):
        result = cli("import", str(path))
        assert result.exit_code == 1 and why in result.output, result.output
        assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private LibreOffice profile, never the user's own."""
    return tmp_path_factory.mktemp("libreoffice") / "profile"


@needs_libreoffice
def test_an_ods_saved_by_libreoffice_imports_through_the_installed_command(
    cli, tmp_path, lo_profile
) -> None:
    source = tmp_path / "applicants.csv"
    source.write_text(
        "Name,Email,Date applied,Notes,Last Updated\r\n"
        'Zoë Brontë,zoe@example.org,09/01/2026,"Strong on data\nAvailable from April",'
        "01/02/2026\r\n"
        "Siân O'Connor,sian@example.org,30/01/2026,,01/02/2026\r\n",
        encoding="utf-8",
    )
    # Read as UTF-8 in English (UK): the dates become typed dates in the .ods.
    [book] = convert(lo_profile, [source], "ods", tmp_path / "out", infilter=CSV_UTF8_IN)
    assert zipfile.ZipFile(book).read("mimetype").startswith(b"application/vnd.oasis")
    done = _installed(cli, "import", str(book))
    assert done.returncode == 0, done.stderr
    assert "Added 2 candidate(s) (c001–c002)" in done.stdout
    assert "Columns not imported: Last Updated." in done.stdout
    zoe, sian = _people(cli)
    assert (zoe["name"], str(zoe["applied"])) == ("Zoë Brontë", "2026-01-09")
    assert zoe["history"][0]["note"] == "Strong on data\nAvailable from April"
    assert (sian["name"], str(sian["applied"])) == ("Siân O'Connor", "2026-01-30")


# --- dates and date columns -----------------------------------------------------------


def test_month_first_dates_as_job_sites_write_them(cli, tmp_path) -> None:
    path = tmp_path / "indeed.csv"
    path.write_text(
        "Name,Date Applied\r\n"
        'Ada Lovelace,"Jan 15, 2026"\r\n'
        'Zoë Brontë,"January 9, 2026"\r\n'
        'Mary Seacole,"Thu, Jan 29, 2026 10:30 AM"\r\n'
        "Alan Turing,Feb 1 2026\r\n",
        encoding="utf-8",
    )
    cli.ok("import", str(path))
    assert [str(c["applied"]) for c in _people(cli)] == [
        "2026-01-15",
        "2026-01-09",
        "2026-01-29",
        "2026-02-01",
    ]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text('Name,Date Applied\r\nA B,"Fri, Jan 15, 2026"\r\nC D,Jan 26\r\n')
    result = cli("import", str(wrong))
    assert result.exit_code == 1
    assert "row 2: applied: 'Fri, Jan 15, 2026' does not add up" in result.output
    assert "row 3: applied: Cannot read 'Jan 26' as a date" in result.output


def test_a_column_of_month_first_dates_is_never_dropped_for_today(cli, tmp_path) -> None:
    """Before, "Jan 15, 2026" was not seen as a date: the column was dropped and everyone
    was given today's date."""
    path = tmp_path / "indeed.csv"
    path.write_text('Name,Date\r\nAda Lovelace,"Jan 15, 2026"\r\n', encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 1 and "'Date' hold dates but are not imported" in result.output
    cli.ok("import", str(path), "--map", "Date=applied")
    assert str(_people(cli)[0]["applied"]) == "2026-01-15"


def test_a_last_updated_column_does_not_block_the_mapped_applied_date(cli, tmp_path) -> None:
    path = tmp_path / "tracker.csv"
    path.write_text(
        "Name,Date Applied,Last Updated\r\nAda Lovelace,09/01/2026,01/02/2026\r\n",
        encoding="utf-8",
    )
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert plan["ignored_columns"] == ["Last Updated"]
    out = cli.ok("import", str(path))
    assert "Columns not imported: Last Updated." in out
    assert str(_people(cli)[0]["applied"]) == "2026-01-09"
    # Without the applied date it still stops: the date would be guessed.
    alone = tmp_path / "alone.csv"
    alone.write_text("Name,Last Updated\r\nGrace Hopper,01/02/2026\r\n", encoding="utf-8")
    result = cli("import", str(alone))
    assert result.exit_code == 1 and "'Last Updated' hold dates" in result.output


# --- rows as the spreadsheet numbers them ---------------------------------------------

_MULTILINE = (
    "Name,Email,Notes\r\n"
    'Ada Lovelace,ada@example.org,"First line\r\nsecond line\r\nthird line"\r\n'
    "Bad Email,not-an-email,\r\n"
)


def test_a_bad_row_after_a_cell_of_several_lines_is_named_by_its_row(cli, tmp_path) -> None:
    """The bad row is row 3 in Excel and LibreOffice, though it starts on line 5."""
    path = tmp_path / "sift.csv"
    path.write_text(_MULTILINE, encoding="utf-8")
    done = in_process("--file", str(cli.path), "--as-of", AS_OF, "import", str(path))
    assert done.returncode == 1
    assert "row 3: The email does not look like an email address." in done.stderr
    assert "line 5" not in done.stderr and "row 5" not in done.stderr
    path.write_text(_MULTILINE.replace("not-an-email", "bad@example.org"), encoding="utf-8")
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert [(r["row"], r["line"]) for r in plan["rows"]] == [(2, 2), (3, 5)]
    every = cli.ok("import", str(path), "--dry-run", "--all").splitlines()
    assert every[1] == "row 3: add Bad Email <bad@example.org> at applied"


def test_a_workbook_names_bad_rows_by_their_row(cli, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Notes"])
    sheet.append(["Ada Lovelace", "ada@example.org", "First line\nsecond line"])
    sheet.append([])
    sheet.append(["Bad Email", "not-an-email"])
    path = tmp_path / "sift.xlsx"
    book.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "row 4: The email does not look like an email address." in result.output


# --- a dry run shows a new line -------------------------------------------------------


def test_a_dry_run_shows_a_new_line_as_an_arrow(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the note on one line of the table
    path = tmp_path / "sift.csv"
    path.write_text(_MULTILINE.replace("not-an-email", "bad@example.org"), encoding="utf-8")
    table = cli.ok("import", str(path), "--dry-run")
    assert "<U+000A>" not in table
    assert "note: First line↵second line↵third line" in table
    every = cli.ok("import", str(path), "--dry-run", "--all")
    assert "<U+000A>" not in every
    assert (
        "row 2: add Ada Lovelace <ada@example.org> at applied: "
        "note: First line↵second line↵third line"
    ) in every.splitlines()
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert plan["rows"][0]["note"] == "First line\nsecond line\nthird line"  # the real text
    done = _installed(cli, "import", str(path), "--dry-run", "--all")
    assert "First line↵second line↵third line" in done.stdout


# --- the workbook prints --------------------------------------------------------------


def _sheet_of(cli: Cli, tmp_path: Path, people: int) -> Path:
    """A record of `people` candidates with long notes and reasons, exported as .xlsx."""
    note = "Strong on data and delivery; led a team of forty through a merger. " * 3
    rows = ["Name,Email,Phone,Source,Date Applied,Notes"]
    rows += [
        f"Person {n},person{n}@example.org,020 7946 {n:04d},LinkedIn,09/01/2026,"
        f'"{note}\nAvailable from April"'
        for n in range(1, people + 1)
    ]
    sheet = tmp_path / "people.csv"
    sheet.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    cli.ok("import", str(sheet))
    path = tmp_path / "candidates.xlsx"
    cli.ok("export", "xlsx", "-o", str(path))
    return path


def test_the_workbook_prints_landscape_one_page_wide_with_the_header_on_each(cli, tmp_path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(_sheet_of(cli, tmp_path, 3)).active
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    notes = sheet["J2"]
    assert notes.alignment.wrap_text and notes.alignment.vertical == "top"
    assert sheet.column_dimensions["J"].width <= 47  # long notes wrap within the column
    widths = sum(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNO")
    assert widths < 260  # about 60 % on a landscape A4 page: still readable


@needs_libreoffice
def test_the_workbook_prints_as_landscape_pages_a_page_wide(cli, tmp_path, lo_profile) -> None:
    """LibreOffice prints the exported workbook: landscape A4 pages, every column on the
    first page, the header on the second page too."""
    book = _sheet_of(cli, tmp_path, 60)
    [pdf] = convert(lo_profile, [book], "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    facts = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    width, _, height = facts["Page size"].split()[:3]
    assert float(width) > float(height)  # landscape
    assert round(float(width)) == 842  # A4: 842 x 595 points
    pages = int(facts["Pages"])
    assert pages >= 2
    for page in (1, 2):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for heading in ("name", "notes", "outcome", "reason"):
            assert heading in text, (page, heading)  # every column, and the header repeated
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "Available from April" in first  # a note's lines are printed, not cut off


# --- decoding is checked, not guessed --------------------------------------------------


def test_utf8_with_a_stray_byte_is_refused_not_read_as_windows_1252(cli, tmp_path) -> None:
    """A UTF-8 sheet with one row pasted from a Windows-1252 file: read as Windows-1252,
    every name of the rest was stored wrong ("Zoë Brontë" as "ZoÃ« BrontÃ«")."""
    path = tmp_path / "joined.csv"
    path.write_bytes(
        "Name,Email\r\nZoë Brontë,zoe@example.org\r\n".encode()
        + b"Ren\xe9e Smith,r@example.org\r\n"
    )
    before = cli.path.read_bytes()
    result = cli("import", str(path))
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "is UTF-8 text with a byte that is not (byte 45)" in said
    assert "'CSV UTF-8'" in said and cli.path.read_bytes() == before
    cli.ok("import", str(path), "--encoding", "cp1252")  # said, not guessed
    assert [c["name"] for c in _people(cli)] == ["ZoÃ« BrontÃ«", "Renée Smith"]
    windows = tmp_path / "windows.csv"  # Excel's plain CSV: still read, and said
    windows.write_bytes("Name,Email\r\nSiân O’Connor,s@example.org\r\n".encode("cp1252"))
    assert "read it as Windows-1252" in cli.ok("import", str(windows))
    assert _people(cli)[-1]["name"] == "Siân O’Connor"
