"""`import` with files as Excel, LibreOffice and job sites write them, through the CLI.

Each file is built here byte for byte as the program writes it (the encoding, BOM, line
ends and delimiter are the point of each test), then imported; the test checks what the
user is told and what lands in the record.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from conftest import Cli, in_process, installed_dgtracker
from libreoffice import CSV_UTF8_IN, convert, needs_libreoffice

NAMES = ("Zoë Brontë", "Siân O'Connor")


def _people(cli: Cli) -> list[dict]:
    return cli.data().get("candidates", [])


def _summary(cli: Cli) -> list[tuple]:
    return [
        (c["name"], c.get("email"), c.get("phone"), str(c.get("applied")), c["stage"])
        for c in _people(cli)
    ]


def _rows(sep: str, eol: str = "\r\n") -> str:
    return (
        eol.join(
            [
                sep.join(["Name", "Email", "Date applied"]),
                sep.join([NAMES[0], "zoe@example.org", "09/01/2026"]),
                sep.join([NAMES[1], "sian@example.org", "30/01/2026"]),
            ]
        )
        + eol
    )


EXPECTED = [
    (NAMES[0], "zoe@example.org", None, "2026-01-09", "applied"),
    (NAMES[1], "sian@example.org", None, "2026-01-30", "applied"),
]


@pytest.mark.parametrize(
    ("label", "data", "read_as"),
    [
        # Excel "CSV (Comma delimited)" on Windows: Windows-1252, no BOM.
        ("excel-csv", _rows(",").encode("cp1252"), "Windows-1252"),
        # Excel "CSV UTF-8 (Comma delimited)": UTF-8 with a BOM.
        ("excel-csv-utf8", b"\xef\xbb\xbf" + _rows(",").encode("utf-8"), "UTF-8"),
        # Excel "Unicode Text": UTF-16 little-endian with a BOM, tab-separated.
        ("excel-unicode-text", b"\xff\xfe" + _rows("\t").encode("utf-16-le"), "UTF-16"),
        # LibreOffice with ";" as the field delimiter, LF line ends.
        ("libreoffice-semicolon", _rows(";", "\n").encode("utf-8"), "UTF-8"),
    ],
)
def test_files_as_excel_and_libreoffice_write_them(cli, tmp_path, label, data, read_as) -> None:
    path = tmp_path / f"{label}.csv"
    path.write_bytes(data)
    dry = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert dry["read_as"] == read_as
    assert [row["name"] for row in dry["rows"]] == list(NAMES)
    out = cli.ok("import", str(path))
    assert "Added 2 candidate(s) (c001–c002)" in out
    assert ("Windows-1252" in out) == (read_as == "Windows-1252")  # a guess is said so
    assert _summary(cli) == EXPECTED


def test_the_sniffer_splits_a_semicolon_file_whose_heading_holds_a_quoted_comma(
    cli, tmp_path
) -> None:
    path = tmp_path / "libreoffice.csv"
    path.write_text(
        '"Surname, forename";Email;Date applied\nBrontë, Zoë;zoe@example.org;09/01/2026\n',
        encoding="utf-8",
    )
    out = cli.ok("import", str(path), "--map", "Surname, forename=name")
    assert "Added 1 candidate(s)" in out
    assert _summary(cli) == [("Brontë, Zoë", "zoe@example.org", None, "2026-01-09", "applied")]


def test_an_encoding_can_be_given(cli, tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("Name,Email\nZoë,zoe@example.org\n".encode("latin-1"))
    out = cli.ok("import", str(path), "--encoding", "latin-1")
    assert "Windows-1252" not in out and cli.data()["candidates"][0]["name"] == "Zoë"
    result = cli("import", str(path), "--encoding", "klingon")
    assert result.exit_code == 1 and "'klingon' is not an encoding" in result.output


# A Civil Service Jobs-like export: an applicant number, names split, a date-time.
CIVIL_SERVICE_JOBS = (
    "Applicant ID,First Name,Last Name,Email Address,Telephone Number,"
    "Application Submitted Date,Application Status\r\n"
    "100234,Zoë,Brontë,zoe@example.org,020 7946 0000,09/01/2026 14:32,Submitted\r\n"
    "100239,Ada,Lovelace,ada@example.org,,2026-01-30T09:05:00Z,Submitted\r\n"
)
# A search firm's longlist: two phone columns, notes, and "9-Jan-26" dates.
SEARCH_FIRM = (
    "Candidate Name,Current Position,Current Employer,Date Submitted,"
    "Contact Telephone Number,Mobile Number,Email,Notes\r\n"
    '"Brontë, Zoë",CDIO,NHS England,9-Jan-26,020 7946 0000,07700 900123,zoe@example.org,'
    '"Strong on data; available from April"\r\n'
    "Ada Lovelace,CTO,Analytical Engines Ltd,09-Jan-2026,,07700 900456,ada@example.org,\r\n"
)


def test_a_civil_service_jobs_export(cli, tmp_path) -> None:
    path = tmp_path / "csj.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CIVIL_SERVICE_JOBS.encode("utf-8"))
    out = cli.ok("import", str(path))
    assert "Added 2 candidate(s)" in out
    assert "Columns not imported: Applicant ID, Application Status." in out
    assert _summary(cli) == [
        ("Zoë Brontë", "zoe@example.org", "020 7946 0000", "2026-01-09", "applied"),
        ("Ada Lovelace", "ada@example.org", None, "2026-01-30", "applied"),  # time dropped
    ]


def test_a_search_firm_longlist_with_phones_and_notes(cli, tmp_path) -> None:
    path = tmp_path / "longlist.csv"
    path.write_bytes(SEARCH_FIRM.encode("cp1252"))
    dry = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert dry["columns"] == {
        "name": "Candidate Name",
        "applied": "Date Submitted",
        "phone": "Contact Telephone Number",
        "mobile": "Mobile Number",
        "email": "Email",
        "notes": "Notes",
    }
    assert [(r["applied"], r["applied_from_file"]) for r in dry["rows"]] == [
        ("2026-01-09", True),
        ("2026-01-09", True),
    ]
    cli.ok("import", str(path))
    zoe, ada = _people(cli)
    assert zoe["name"] == "Brontë, Zoë" and zoe["phone"] == "020 7946 0000"
    assert zoe["history"][0]["note"] == (
        "Strong on data; available from April\nMobile: 07700 900123"
    )
    assert ada["phone"] == "07700 900456"  # the mobile, when there is no other number
    assert "note" not in ada["history"][0]
    assert str(ada["applied"]) == "2026-01-09"


def test_a_date_column_it_cannot_place_stops_the_import(cli, tmp_path) -> None:
    path = tmp_path / "portal.csv"
    path.write_text(
        "Name,Email,Uploaded\nZoë,zoe@example.org,09/01/2026\nAda,ada@example.org,31/02/2026\n",
        encoding="utf-8",
    )
    before = cli.path.read_bytes()
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "'Uploaded' hold dates but are not imported" in result.output
    assert "every candidate would get today" in result.output
    assert '--map "Uploaded=applied"' in result.output
    assert cli.path.read_bytes() == before

    result = cli("import", str(path), "--map", "Uploaded=applied")
    assert result.exit_code == 1
    assert "row 3: applied: '31/02/2026' is not a real date" in result.output
    assert cli.path.read_bytes() == before

    out = cli.ok("import", str(path), "--map", "Uploaded=-")  # left out on purpose
    assert "Added 2 candidate(s)" in out
    assert [str(c["applied"]) for c in _people(cli)] == ["2026-02-02", "2026-02-02"]


def test_a_map_for_a_heading_the_file_lacks_is_refused(cli, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Name\nZoë\n", encoding="utf-8")
    result = cli("import", str(path), "--map", "Date Submitted=applied")
    assert result.exit_code == 1 and "does not have ('Date Submitted')" in result.output
    result = cli("import", str(path), "--map", "Name=shoe size")
    assert result.exit_code == 1 and "should be 'Column heading=field'" in result.output


def test_import_reads_standard_input(cli) -> None:
    result = cli("import", "-", input=CIVIL_SERVICE_JOBS)
    assert result.exit_code == 0, result.output
    assert "Added 2 candidate(s)" in result.stdout
    assert [c["email"] for c in _people(cli)] == ["zoe@example.org", "ada@example.org"]


def test_import_reads_a_real_pipe_into_the_installed_command(cli) -> None:
    data = b"\xff\xfe" + "Name\tEmail\r\nZoë\tzoe@example.org\r\n".encode("utf-16-le")
    done = subprocess.run(
        [installed_dgtracker(), "--file", str(cli.path), "--as-of", "2026-02-02", "import", "-"],
        input=data,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"Added 1 candidate(s) (c001)" in done.stdout
    assert cli.data()["candidates"][0]["name"] == "Zoë"


def test_dry_run_json_lists_every_field_it_would_store(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    before = cli.path.read_bytes()
    path = tmp_path / "longlist.csv"
    path.write_text(SEARCH_FIRM, encoding="utf-8")
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json", "--update"))
    assert plan["counts"] == {"add": 1, "update": 1, "skip": 0}
    zoe, ada = plan["rows"]
    assert zoe == {
        "line": 2,
        "row": 2,
        "action": "add",
        "candidate": None,
        "name": "Brontë, Zoë",
        "email": "zoe@example.org",
        "phone": "020 7946 0000",
        "source": None,
        "applied": "2026-01-09",
        "applied_from_file": True,
        "stage": "applied",
        "note": "Strong on data; available from April\nMobile: 07700 900123",
        "move_to": None,
        "reason": None,
        "changes": [],
        "detail": None,
    }
    assert ada["action"] == "update" and ada["candidate"] == "c001"
    assert ada["changes"] == ["phone", "applied"]
    assert cli.path.read_bytes() == before


def _workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Full name", "Email", "Phone", "Date Submitted", "Notes"])
    sheet.append(["Zoë Brontë", "zoe@example.org", "+44 20 7946 0000", datetime(2026, 1, 9), ""])
    sheet.append(["Ada Lovelace", "ada@example.org", None, datetime(2026, 1, 30, 14, 32), "Hi"])
    book.save(path)


def test_an_xlsx_made_by_openpyxl(cli, tmp_path) -> None:
    path = tmp_path / "applicants.xlsx"
    _workbook(path)
    out = cli.ok("import", str(path))
    assert "Added 2 candidate(s)" in out
    assert _summary(cli) == [
        ("Zoë Brontë", "zoe@example.org", "+44 20 7946 0000", "2026-01-09", "applied"),
        ("Ada Lovelace", "ada@example.org", None, "2026-01-30", "applied"),
    ]
    assert _people(cli)[1]["history"][0]["note"] == "Hi"


def test_files_that_are_not_spreadsheets_are_refused_clearly(cli, tmp_path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    for path, why in ((broken, "cannot be read as an Excel workbook"), (old, "(.xls)")):
        result = cli("import", str(path))
        assert result.exit_code == 1 and why in result.output, result.output
        assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private LibreOffice profile, never the user's own."""
    return tmp_path_factory.mktemp("libreoffice") / "profile"


@needs_libreoffice
def test_an_xlsx_saved_by_libreoffice(cli, tmp_path, lo_profile) -> None:
    source = tmp_path / "applicants.csv"
    source.write_text(SEARCH_FIRM, encoding="utf-8")
    # Read as UTF-8 in English (UK), so that 09-Jan-2026 becomes a typed date.
    [book] = convert(lo_profile, [source], "xlsx", tmp_path / "out", infilter=CSV_UTF8_IN)
    out = cli.ok("import", str(book))
    assert "Added 2 candidate(s)" in out
    zoe, ada = _people(cli)
    assert zoe["name"] == "Brontë, Zoë" and str(zoe["applied"]) == "2026-01-09"
    assert zoe["history"][0]["note"].startswith("Strong on data")
    assert ada["phone"] == "07700 900456" and str(ada["applied"]) == "2026-01-09"


def test_utf16_without_a_mark_asks_for_the_encoding(cli, tmp_path) -> None:
    path = tmp_path / "unmarked.txt"
    path.write_bytes("Name\tEmail\r\nZoë\tzoe@example.org\r\n".encode("utf-16-le"))
    result = cli("import", str(path))
    assert result.exit_code == 1 and "--encoding utf-16-le" in result.output
    assert _people(cli) == []
    out = cli.ok("import", str(path), "--encoding", "utf-16-le")
    assert "Added 1 candidate(s)" in out and _people(cli)[0]["name"] == "Zoë"


def test_a_workbook_with_several_sheets_is_read_from_the_first_and_says_so(cli, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Applicants"
    book.active.append(["Name", "Email"])
    book.active.append(["Zoë Brontë", "zoe@example.org"])
    book.create_sheet("Withdrawn").append(["Name", "Email"])
    path = tmp_path / "two-sheets.xlsx"
    book.save(path)
    out = cli.ok("import", str(path), "--dry-run")
    assert "has 2 sheets: read the first, 'Applicants'" in out
    assert "Columns read (Excel workbook)" in out


def test_dry_run_shows_the_reason_an_added_row_will_store(cli, tmp_path) -> None:
    """A sheet with a stage and its reason (our own export, say): the dry run shows the
    reason as the import stores it."""
    path = tmp_path / "outcomes.csv"
    path.write_text(
        'name,stage,reason\r\nAda Lovelace,rejected,"Did not meet criterion 2, «résumé»"\r\n'
        "Zoë Brontë,longlist,\r\n",
        encoding="utf-8",
    )
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    ada, zoe = plan["rows"]
    assert (ada["stage"], ada["reason"]) == ("rejected", "Did not meet criterion 2, «résumé»")
    assert zoe["reason"] is None
    table = cli.ok("import", str(path), "--dry-run")
    assert "reason: Did" in " ".join(table.split()) and "«résumé»" in table
    cli.ok("import", str(path))
    stored = cli.candidate("c001")["history"][0]
    assert stored["reason"] == "Did not meet criterion 2, «résumé»"


def test_an_import_says_who_was_given_today_for_want_of_a_date(cli, tmp_path) -> None:
    path = tmp_path / "longlist.csv"
    path.write_text(
        "Name,Date Submitted\r\nAda Lovelace,01/02/2026\r\nZoë Brontë,\r\nMary Seacole,\r\n",
        encoding="utf-8",
    )
    out = cli.ok("import", str(path))
    assert "Added 3 candidate(s) (c001–c003)" in out
    assert (
        "Note: 2 had no applied date in the file and were given today's, 2026-02-02 "
        "(c002, c003); correct one with 'dgtracker edit ID --applied DATE'."
    ) in " ".join(out.split())
    assert [c["applied"].isoformat() for c in cli.data()["candidates"]] == [
        "2026-02-01",
        "2026-02-02",
        "2026-02-02",
    ]
    dated = tmp_path / "dated.csv"
    dated.write_text("Name,Date Submitted\r\nAlan Turing,01/02/2026\r\n", encoding="utf-8")
    assert "no applied date" not in cli.ok("import", str(dated))


def test_a_time_with_its_zone_gives_the_day_it_was_in_the_campaigns_zone(cli, tmp_path) -> None:
    """Job sites write UTC: an application at 23:30 UTC on 31 January made from two hours
    behind was made on 1 February in London. A time without a zone keeps its day."""
    path = tmp_path / "jobsite.csv"
    path.write_text(
        "Name,Application Submitted Date\r\n"
        "Ada Lovelace,2026-01-31T23:30:00-02:00\r\n"  # 01:30 on 1 February in London
        "Zoë Brontë,2026-02-01T02:00:00+05:30\r\n"  # 20:30 on 31 January in London
        "Mary Seacole,2026-01-31T23:30:00Z\r\n"  # London is on UTC in winter
        "Alan Turing,31/01/2026 11:30 pm\r\n",  # no zone: the day written
        encoding="utf-8",
    )
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    expected = ["2026-02-01", "2026-01-31", "2026-01-31", "2026-01-31"]
    assert [row["applied"] for row in plan["rows"]] == expected
    cli.ok("import", str(path))
    assert [c["applied"].isoformat() for c in cli.data()["candidates"]] == expected
    late = tmp_path / "late.csv"
    late.write_text("Name,Date Submitted\r\nA B,2026-02-02T23:30:00-01:00\r\n", encoding="utf-8")
    refused = cli("import", str(late))  # 00:30 on 3 February in London: after today
    assert refused.exit_code == 1 and "2026-02-03 is after today" in refused.output


@pytest.mark.parametrize(
    ("cell", "applied"),
    [
        ("31/01/2026 11:30 pm -02:00", "2026-02-01"),  # 23:30, two hours behind London
        ("01/02/2026 12:30 am +01:00", "2026-01-31"),  # 00:30, an hour ahead of London
        ("31 Jan 2026 11:30 p.m. GMT", "2026-01-31"),
        ("01/02/2026 12:10 pm -0500", "2026-02-01"),
    ],
)
def test_am_pm_and_a_zone_give_the_right_day(cli, tmp_path, cell: str, applied: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"Name,Date Submitted\r\nAda Lovelace,{cell}\r\n", encoding="utf-8")
    plan = json.loads(cli.ok("import", str(path), "--dry-run", "--json"))
    assert plan["rows"][0]["applied"] == applied


@pytest.mark.parametrize(
    "cell",
    [
        "2026-01-09 23:30 +2400",  # no zone is a day or more from UTC
        "2026-01-09 23:30 +01:99",
        "2026-01-09 23:30 m",
        "2026-01-09 11:30 p",
        "2026-01-09 0:30 pm",
        "2026-01-09 13:30 pm",
    ],
)
def test_an_impossible_time_or_zone_makes_the_row_bad(cli, tmp_path, cell: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"Name,Date Submitted\r\nAda Lovelace,{cell}\r\n", encoding="utf-8")
    done = cli("import", str(path), "--dry-run")
    assert done.exit_code == 1, done.output
    assert "row 2: applied:" in done.output and "Traceback" not in done.output


def _excel_plain_csv(rows: list[list[str]]) -> bytes:
    """What Excel's plain "CSV" writes on Windows: Windows-1252, a letter it cannot hold
    (Ł, Ż, ć) written as '?', CRLF."""
    text = "\r\n".join(",".join(cells) for cells in rows) + "\r\n"
    return text.encode("cp1252", errors="replace")


def test_a_name_whose_letters_excel_turned_into_question_marks_is_refused(cli, tmp_path) -> None:
    sheet = tmp_path / "sift.csv"
    sheet.write_bytes(
        _excel_plain_csv(
            [["Name", "Email"], ["Łukasz Żółć", "lz@example.org"], ["Zoë Brontë", "z@example.org"]]
        )
    )
    assert b"?ukasz ?\xf3??" in sheet.read_bytes()
    before = cli.path.read_bytes()
    done = in_process("--file", str(cli.path), "--as-of", "2026-02-02", "import", str(sheet))
    assert done.returncode == 1, done.stderr
    assert "row 2: the name has '?' for a letter" in done.stderr
    assert "'CSV UTF-8'" in done.stderr
    assert "line 3" not in done.stderr  # Zoë Brontë is whole in Windows-1252
    assert "Traceback" not in done.stderr
    assert cli.path.read_bytes() == before


def test_an_update_never_stores_letters_turned_into_question_marks(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Łukasz Żółć", "--email", "lz@example.org", "--source", "Agencja Łódź")
    sheet = tmp_path / "sift.csv"
    sheet.write_bytes(
        _excel_plain_csv(
            [["Email", "Source", "Stage"], ["lz@example.org", "Agencja Łódź", "longlist"]]
        )
    )
    before = cli.path.read_bytes()
    result = cli("import", str(sheet), "--update")
    assert result.exit_code != 0
    assert "the source of c001 has '?' for its letters" in result.output
    assert cli.path.read_bytes() == before
    assert cli.candidate("c001")["source"] == "Agencja Łódź"


# --- bounded reading: nothing an import is given can hold it (or the record) for long ---


def _installed_import(cli: Cli, *words: str) -> subprocess.CompletedProcess[str]:
    # The timeout only keeps a hang from stopping the suite; what is asserted is the answer.
    return subprocess.run(
        [installed_dgtracker(), "--file", str(cli.path), "--as-of", "2026-02-02", "import", *words],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_is_refused_before_anything_is_read(cli) -> None:
    done = _installed_import(cli, "/dev/zero")
    assert done.returncode == 1
    assert "/dev/zero is not a file but a device or a pipe" in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_with_no_writer_is_refused_not_waited_on(cli, tmp_path) -> None:
    fifo = tmp_path / "sheet.csv"
    os.mkfifo(fifo)
    done = _installed_import(cli, str(fifo))
    assert done.returncode == 1
    assert "is not a file but a device or a pipe" in done.stderr


def test_a_file_over_the_size_limit_is_refused(cli, tmp_path) -> None:
    sheet = tmp_path / "big.csv"
    rows = "".join(f"Person {n},p{n}@example.org\r\n" for n in range(40_000))
    sheet.write_text("Name,Email\r\n" + rows, encoding="utf-8", newline="")
    before = cli.path.read_bytes()
    base = ("--file", str(cli.path), "--as-of", "2026-02-02", "import", str(sheet))
    done = in_process(*base, "--max-mb", "1")
    assert done.returncode == 1
    assert "is larger than 1 MB" in done.stderr and "--max-mb" in done.stderr
    assert cli.path.read_bytes() == before
    assert in_process(*base, "--dry-run").returncode == 0  # within 50 MB


def test_quotes_and_tabs_that_slow_the_sniffer_are_read_in_a_bounded_sample(cli, tmp_path) -> None:
    """csv.Sniffer takes time growing with the square of its sample on such text (75 s for
    64 KB); the import sniffs a few kilobytes and answers."""
    sheet = tmp_path / "odd.csv"
    sheet.write_text('"\t' * 32 * 1024, encoding="utf-8")
    done = _installed_import(cli, str(sheet))
    assert done.returncode == 1 and "Traceback" not in done.stderr


def test_a_workbook_that_unpacks_to_far_more_than_it_weighs_is_refused(cli, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Email"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * 200_000_000 + b"</sheetData>")
            out.writestr(entry, data)
    assert bomb.stat().st_size < 2_000_000
    done = _installed_import(cli, str(bomb))
    assert done.returncode == 1
    assert "unpacks to 190 MB" in done.stderr


def test_a_workbook_with_more_rows_than_the_cap_is_refused(cli, tmp_path, monkeypatch) -> None:
    from openpyxl import Workbook

    from dgtracker.exchange import sheet_files

    monkeypatch.setattr(sheet_files, "WORKBOOK_ROWS", 20)
    book = Workbook()
    book.active.append(["Name", "Email"])
    for number in range(30):
        book.active.append([f"Person {number}", f"p{number}@example.org"])
    book.active.cell(row=1, column=16_000, value=None)  # a stated width far past the data
    sheet = tmp_path / "many.xlsx"
    book.save(sheet)
    result = cli("import", str(sheet))
    assert result.exit_code == 1
    assert "has more than 20 rows" in result.output
    monkeypatch.setattr(sheet_files, "WORKBOOK_ROWS", 40)
    result = cli("import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "Added 30 candidate(s)" in result.output
