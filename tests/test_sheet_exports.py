"""`export csv` columns and `export xlsx`, read back by openpyxl and by LibreOffice."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Cli
from libreoffice import CSV_UTF8_IN, CSV_UTF8_OUT, convert, needs_libreoffice

ADDED = ["stage title", "outcome", "reason", "reserve rank", "outcome date"]


def _campaign(cli: Cli) -> None:
    """An appointed, a reserve with a rank, a rejected with a reason, one in process."""
    add = ("add-candidate", "--applied", "2026-01-12")
    cli.ok(*add, "Zoë Brontë", "--email", "zoe@example.org", "--phone", "+44 20 7946 0000")
    cli.ok(*add, "Siân O'Connor", "--email", "sian@example.org", "--note", "Strong\nSecond line")
    cli.ok(*add, "=HYPERLINK(1)", "--email", "x@example.org")
    cli.ok(*add, "Ada Lovelace")
    cli.ok("move", "c001", "appointed", "--on", "2026-01-30")
    cli.ok("move", "c002", "reserve", "--on", "2026-01-30", "--rank", "1")
    reason = "Did not meet the criteria; feedback sent, by phone"
    cli.ok("move", "c003", "rejected", "--on", "2026-01-20", "--reason", reason)


def _csv_rows(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_adds_outcome_columns_after_the_old_ones(cli) -> None:
    _campaign(cli)
    raw = cli("export", "csv").stdout_bytes
    header = raw.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert header[:10] == [
        "id", "name", "email", "phone", "source", "stage", "applied", "days in stage",
        "last change", "notes",
    ]  # fmt: skip
    assert header[10:] == ADDED
    zoe, sian, bad, ada = _csv_rows(raw)
    assert [zoe[c] for c in ADDED] == ["Appointed", "Appointed", "", "", "2026-01-30"]
    assert [sian[c] for c in ADDED] == ["Reserve list", "Reserve list", "", "1", "2026-01-30"]
    assert [bad[c] for c in ADDED] == [
        "Not progressed",
        "Not progressed",
        "Did not meet the criteria; feedback sent, by phone",
        "",
        "2026-01-20",
    ]
    assert bad["stage"] == "rejected" and bad["name"] == "'=HYPERLINK(1)"
    assert [ada[c] for c in ADDED] == ["Applied", "", "", "", ""]  # still in the process


def test_xlsx_has_typed_dates_a_frozen_bold_header_and_no_formulas(cli, tmp_path) -> None:
    _campaign(cli)
    path = tmp_path / "candidates.xlsx"
    out = cli.ok("export", "xlsx", "-o", str(path))
    assert "Wrote" in out and "4 candidate(s)" in out
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Candidates" and sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[10:] == ADDED and all(cell.font.b for cell in sheet[1])
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    column = {name: i for i, name in enumerate(header)}
    zoe, sian, bad = rows["c001"], rows["c002"], rows["c003"]
    assert zoe[column["applied"]].value == datetime(2026, 1, 12)  # a date, not text
    assert zoe[column["applied"]].number_format == "yyyy-mm-dd"
    assert zoe[column["phone"]].value == "+44 20 7946 0000"  # no quote needed
    assert zoe[column["phone"]].data_type == "s"
    assert bad[column["name"]].value == "=HYPERLINK(1)" and bad[column["name"]].data_type == "s"
    assert bad[column["reason"]].value.startswith("Did not meet")
    assert sian[column["reserve rank"]].value == 1
    assert sian[column["notes"]].value == "Strong\nSecond line"
    assert sian[column["notes"]].alignment.wrap_text
    assert sheet.column_dimensions["B"].width >= len("Siân O'Connor")
    assert sheet.column_dimensions["M"].width <= 52  # long text is capped, then wraps


def test_xlsx_to_a_pipe_is_the_workbook_bytes(cli) -> None:
    result = cli("export", "xlsx")
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK\x03\x04")


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private LibreOffice profile, never the user's own."""
    return tmp_path_factory.mktemp("libreoffice") / "profile"


@needs_libreoffice
def test_libreoffice_reads_both_exports_with_names_dates_and_reasons_intact(
    cli, tmp_path, lo_profile
) -> None:
    _campaign(cli)
    exported_csv = tmp_path / "from-csv.csv"
    exported_xlsx = tmp_path / "from-xlsx.xlsx"
    cli.ok("export", "csv", "-o", str(exported_csv))
    cli.ok("export", "xlsx", "-o", str(exported_xlsx))
    # The CSV as a user opens it, choosing UTF-8 and English (UK); saved as a workbook.
    [from_csv] = convert(lo_profile, [exported_csv], "xlsx", tmp_path / "a", CSV_UTF8_IN)
    # The workbook saved back as UTF-8 CSV.
    [from_xlsx] = convert(lo_profile, [exported_xlsx], CSV_UTF8_OUT, tmp_path / "b")

    sheet = load_workbook(from_csv).worksheets[0]
    seen = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[1] for row in seen] == [
        "Zoë Brontë",
        "Siân O'Connor",
        "'=HYPERLINK(1)",
        "Ada Lovelace",
    ]
    assert seen[0][6] == datetime(2026, 1, 12)  # LibreOffice read the ISO date as a date
    assert seen[2][12] == "Did not meet the criteria; feedback sent, by phone"

    rows = _csv_rows(from_xlsx.read_bytes())
    assert [r["name"] for r in rows] == [
        "Zoë Brontë",
        "Siân O'Connor",
        "=HYPERLINK(1)",
        "Ada Lovelace",
    ]
    assert rows[0]["applied"] == "2026-01-12" and rows[0]["outcome date"] == "2026-01-30"
    assert rows[0]["phone"] == "+44 20 7946 0000"
    assert rows[2]["reason"] == "Did not meet the criteria; feedback sent, by phone"
    assert rows[2]["stage title"] == "Not progressed"


def test_only_workbooks_load_openpyxl(run, cli, tmp_path) -> None:
    """openpyxl is heavy: a CSV import or export never loads it; a workbook does."""
    sheet = tmp_path / "people.csv"
    sheet.write_text("Name,Email\nZoë,zoe@example.org\n", encoding="utf-8")
    common = ("--file", str(cli.path), "--as-of", "2026-02-02")

    def modules(*words: str) -> set[str]:
        done = run(*common, *words, env={"PYTHONPROFILEIMPORTTIME": "1"})
        assert done.returncode == 0, done.stderr[-2000:]
        return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}  # fmt: skip

    assert "openpyxl" not in modules("import", str(sheet))
    assert "openpyxl" not in modules("export", "csv")
    assert "openpyxl" in modules("export", "xlsx", "-o", str(tmp_path / "c.xlsx"))
