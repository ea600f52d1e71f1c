"""`import FILE.csv` through the CLI: all rows or none, and what lands in the record."""

from pathlib import Path

from conftest import Cli

HEADER = "name,email,phone,source,applied,stage\r\n"


def _write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _people(cli: Cli) -> list[tuple]:
    return [
        (c["id"], c["name"], c.get("email"), c.get("phone"), c["stage"])
        for c in cli.data().get("candidates", [])
    ]


def test_csv_round_trip_into_a_new_record(cli, tmp_path) -> None:
    cli.ok(
        "add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--phone", "+44 20 7946 0000"
    )
    cli.ok("add-candidate", "--email", "x@example.org", "--", '=HYPERLINK("http://x")')
    cli.ok("add-candidate", "Zoë Brontë, OBE", "--source", "search; firm", "--applied", "9/1/2026")
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org", "--phone", "-")
    cli.ok("move", "c001", "longlist")
    cli.ok("move", "c004", "rejected", "--reason", "Did not meet the criteria")
    exported = tmp_path / "candidates.csv"
    cli.ok("export", "csv", "-o", str(exported))

    other = Cli(tmp_path / "other.toml")
    other.ok("init")
    out = other.ok("import", str(exported))
    assert "Added 4 candidate(s) (c001–c004)" in out
    assert (
        "Columns not imported: id, days in stage, last change, stage title, outcome, "
        "reserve rank, outcome date." in out
    )
    assert _people(other) == _people(cli)
    zoe = other.candidate("c003")
    assert zoe["source"] == "search; firm" and str(zoe["applied"]) == "2026-01-09"
    assert other.candidate("c004")["phone"] == "-"


def test_header_aliases_bom_and_day_first_dates(cli, tmp_path) -> None:
    text = (
        "Full Name,E-mail Address,Telephone,Source,Date Applied,Stage,Comments\r\n"
        "Ada Lovelace,ada@example.org,020 7946 0000,advert,09/01/2026,Longlist (sift),hi\r\n"
        "Grace Hopper,,,,,\r\n"
    )
    for bom in (True, False):
        cli.ok("init", "--force")
        out = cli.ok("import", str(_write(tmp_path / "people.csv", text, bom=bom)))
        assert "Added 2 candidate(s)" in out and "Columns not imported" not in out
        ada, grace = cli.data()["candidates"]
        assert ada["name"] == "Ada Lovelace"  # no BOM left on the first heading
        assert ada["email"] == "ada@example.org" and ada["phone"] == "020 7946 0000"
        assert str(ada["applied"]) == "2026-01-09"  # day first
        assert ada["stage"] == "longlist"  # a stage by its title
        assert str(grace["applied"]) == "2026-02-02" and grace["stage"] == "applied"  # defaults
        assert ada["history"][0]["by"] == "tester"
        assert ada["history"][0]["note"] == "hi"  # a Comments column becomes a note


def test_first_and_last_name_columns_and_semicolons(cli, tmp_path) -> None:
    text = "First name;Surname;Email\nAda;Lovelace;ada@example.org\n"
    cli.ok("import", str(_write(tmp_path / "site.csv", text)))
    assert _people(cli) == [("c001", "Ada Lovelace", "ada@example.org", None, "applied")]


def test_every_bad_row_is_listed_and_nothing_is_imported(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Existing", "--email", "taken@example.org")
    before = cli.path.read_bytes()
    text = HEADER + (
        "Good Row,good@example.org,,,,\r\n"
        "Bad Email,not-an-email,,,,\r\n"
        ",nameless@example.org,,,,\r\n"
        "Bad Date,,,,31/02/2026,\r\n"
        "Future,,,,tomorrow,\r\n"
        "Bad Stage,,,,,shortlistt\r\n"
        "\r\n"
        "Twice,good@example.org,,,,\r\n"
        '"Multi\r\nline",,,,,nowhere\r\n'
    )
    result = cli("import", str(_write(tmp_path / "bad.csv", text)))
    assert result.exit_code == 1
    message = result.output
    assert "bad.csv: 7 bad row(s); nothing was imported." in message
    for expected in (
        "row 3: The email does not look like an email address.",
        "row 4: The name cannot be empty.",
        "row 5: applied: '31/02/2026' is not a real date",
        "row 6: applied: 2026-02-03 is after today (2026-02-02).",
        "row 7: 'shortlistt' is not a stage of this campaign",
        "row 9: the same email as row 2.",  # a duplicate inside the file (line 8 is blank)
        "row 10: ",  # a quoted cell over two lines: the row starts on line 10
    ):
        assert expected in message, expected
    assert "Traceback" not in message
    assert cli.path.read_bytes() == before


def test_duplicate_emails_are_skipped_and_reported(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--phone", "1")
    text = HEADER + "Ada L,ADA@example.org,2,,,\r\nGrace Hopper,grace@example.org,,,,\r\n"
    out = cli.ok("import", str(_write(tmp_path / "people.csv", text)))
    assert "row 2: skipped ADA@example.org (c001): already in the record" in out
    assert "Added 1 candidate(s) (c002); updated 0; skipped 1." in out
    assert "--update" in out
    assert cli.candidate("c001")["name"] == "Ada Lovelace"
    assert cli.candidate("c001")["phone"] == "1"


def test_update_changes_the_given_fields_and_records_an_edit(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--source", "advert")
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    text = (
        HEADER
        + "Ada King,ada@EXAMPLE.org,020 7946 0000,,,shortlist\r\n"  # blank source: kept
        + "Grace Hopper,grace@example.org,,,,\r\n"  # nothing new
    )
    out = cli.ok("import", str(_write(tmp_path / "people.csv", text)), "--update", "--by", "sec")
    assert "row 2: updated c001: name, phone, moved to shortlist" in out
    assert "row 3: skipped grace@example.org (c002): up to date" in out
    ada = cli.candidate("c001")
    assert (ada["name"], ada["email"], ada["phone"]) == (
        "Ada King",
        "ada@example.org",
        "020 7946 0000",
    )
    assert ada["source"] == "advert" and ada["stage"] == "shortlist"  # moved, as `move` would
    edit, moved = ada["history"][-2:]
    assert (moved["action"], moved["from_stage"], moved["by"]) == ("moved", "applied", "sec")
    assert edit["action"] == "edited" and edit["by"] == "sec"
    assert edit["reason"] == "Updated by import: name, phone"
    assert len(cli.candidate("c002")["history"]) == 1


def test_dry_run_shows_a_table_and_writes_nothing(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    before = cli.path.read_bytes()
    text = HEADER + "Ada,ada@example.org,,,,\r\nGrace Hopper,grace@example.org,,,,shortlist\r\n"
    out = cli.ok("import", str(_write(tmp_path / "people.csv", text)), "--dry-run")
    assert "Dry run" in out
    assert "Grace Hopper" in out and "grace@example.org" in out and "shortlist" in out
    assert "skip c001" in out and "already in the" in out
    assert "2026-02-02" in out and "(today)" in out  # the applied day it would store
    assert "Would add 1, update 0 and skip 1. Nothing was written." in out
    assert cli.path.read_bytes() == before

    bad = _write(tmp_path / "bad.csv", HEADER + "X,nope,,,,\r\n")
    result = cli("import", str(bad), "--dry-run")
    assert result.exit_code == 1 and "row 2:" in result.output


def test_files_that_cannot_be_read_are_refused(cli, tmp_path) -> None:
    before = cli.path.read_bytes()
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name\nZoë\n".encode("latin-1"))
    cases = [
        (str(tmp_path / "missing.csv"), "No file at"),
        (str(latin1), "is not utf-8 text"),
        (str(_write(tmp_path / "empty.csv", "")), "is empty"),
        (str(_write(tmp_path / "noname.csv", "email,phone\r\na@b.org,1\r\n")), "no column for"),
        (str(_write(tmp_path / "two.csv", "name,full name\r\nA,B\r\n")), "two columns give"),
        (str(_write(tmp_path / "quote.csv", 'name\r\n"Ada"x\r\n')), "not readable as CSV"),
        (str(_write(tmp_path / "wide.csv", "name\r\nAda,extra\r\n")), "more cells"),
    ]
    for path, why in cases:
        result = cli("import", path, *(["--encoding", "utf-8"] if path == str(latin1) else []))
        assert result.exit_code == 1, (path, result.output)
        assert why in result.output, (path, result.output)
        assert "Traceback" not in result.output
    assert cli.path.read_bytes() == before


def test_a_large_import_is_one_save_with_sequential_ids(cli, tmp_path) -> None:
    rows = "".join(f"Person {n},p{n}@example.org,,,,\r\n" for n in range(1, 501))
    out = cli.ok("import", str(_write(tmp_path / "many.csv", HEADER + rows)))
    assert "Added 500 candidate(s) (c001–c500)" in out
    data = cli.data()
    assert len(data["candidates"]) == 500 and data["next_candidate_number"] == 501
    assert data["candidates"][-1]["email"] == "p500@example.org"
    # Importing the same file again adds nobody.
    again = cli.ok("import", str(tmp_path / "many.csv"))
    assert "Added 0 candidate(s); updated 0; skipped 500." in again
