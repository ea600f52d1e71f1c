"""The name-blind sift through the CLI: `blind` set, asked and opened; every output a panel
member reads (candidates, show, export csv|xlsx|json, agenda, merit, report --for panel,
its PDF) searched byte for byte for the personal data of each candidate not yet at the
stage; names shown from that stage on, and to the recruitment team with --reveal; a blind
sift sheet imported back by id without blanking a name."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.conftest import Cli

from dgtracker.process.blind import blind_until
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.team.merge import merge

DAY = "2026-03-02"  # interview week
CRITERIA = ("transformation", "data-strategy", "big-picture", "leadership", "communicating",
            "delivering")  # fmt: skip
# What must never reach the panel about each candidate the sift holds blind.
CHARLOTTE = ("Charlotte", "Bront", "Bronte", "BRONTË", "cb@example.org", "7700 900123",
             "7700900123", "Hays Search", "charlotte@example.org")  # fmt: skip
ADA = ("Ada Lovelace", "Lovelace", "ada@example.org")
GRACE = ("Grace Hopper", "Hopper")


def ok(cli: Cli, *args: str) -> str:
    return cli.ok(*args, as_of=DAY)


@pytest.fixture
def sift(cli: Cli) -> Cli:
    """Three candidates: two at interview with agreed marks, a slot and notes naming each
    other; one rejected at the sift. The sift is blind until the preferred candidate."""
    ok(cli, "add-candidate", "Charlotte Brontë", "--email", "cb@example.org", "--phone",
       "+44 7700 900123", "--source", "Hays Search", "--applied", "2026-02-02")  # fmt: skip
    ok(cli, "add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--applied",
       "2026-02-02", "--note", "Sat on a board with Charlotte Bronte")  # fmt: skip
    ok(cli, "add-candidate", "Grace Hopper", "--applied", "2026-02-02")
    ok(cli, "move", "c003", "longlist")
    ok(cli, "move", "c003", "rejected", "--reason", "Less experience than Ada Lovelace")
    for cid in ("c001", "c002"):
        ok(cli, "move", cid, "interview")
        ok(cli, "score", cid, "interview", *[f"{c}=5" for c in CRITERIA], "--agreed")
    ok(cli, "note", "c001", "Referee: BRONTË's old manager; call 07700 900123 first")
    ok(cli, "schedule", "c001", "interview", "2026-03-03 10:00", "--where", "Room 4")
    ok(cli, "schedule", "c002", "interview", "2026-03-03 11:30", "--where",
       "Room 4, by Grace Hopper's desk")  # fmt: skip
    ok(cli, "edit", "c001", "--email", "charlotte@example.org", "--reason", "Typo")
    ok(cli, "milestone", "add", "Call Charlotte Brontë's referee", "2026-03-04")
    ok(cli, "panel", "add", "Raj Patel", "--role", "member")
    ok(cli, "panel", "conflict", "Raj Patel", "c002", "--note", "Managed Ada Lovelace")
    said = ok(cli, "blind", "--until", "preferred")
    assert said == (
        "The sift is name-blind until Preferred candidate (preferred), since 2026-03-02: "
        "3 candidate(s) shown to the panel by id only.\n"
    )
    return cli


def _panel_outputs(cli: Cli, tmp_path: Path, *extra: str) -> dict[str, bytes]:
    """Every output a panel member reads, as bytes (the workbook's XML unzipped)."""
    got = {
        "candidates": ok(cli, "candidates", *extra),
        "candidates --json": ok(cli, "candidates", "--json", *extra),
        "show c001": ok(cli, "show", "c001", *extra),
        "show c002 --json": ok(cli, "show", "c002", "--json", *extra),
        "show c003": ok(cli, "show", "c003", *extra),
        "export csv": ok(cli, "export", "csv", *extra),
        "export json": ok(cli, "export", "json", *extra),
        "agenda": ok(cli, "agenda", "2026-03-03", *extra),
        "agenda --json": ok(cli, "agenda", "2026-03-03", "--json", *extra),
        "merit": ok(cli, "merit", "interview", *extra),
        "merit --json": ok(cli, "merit", "interview", "--json", *extra),
        "report": ok(cli, "report", "--for", "panel", *extra),
        "export ics": ok(cli, "export", "ics", "--slots", "--with-names", *extra),
    }
    shown = {name: text.encode("utf-8") for name, text in got.items()}
    book = tmp_path / f"sift{len(extra)}.xlsx"
    ok(cli, "export", "xlsx", "-o", str(book), "--force", *extra)
    with zipfile.ZipFile(book) as unzipped:
        shown["export xlsx"] = b"".join(unzipped.read(n) for n in unzipped.namelist())
    return shown


def _holding(outputs: dict[str, bytes], words: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (name, word)
        for name, data in outputs.items()
        for word in words
        if word.encode("utf-8").lower() in data.lower()
    ]


def test_blind_is_set_asked_replayed_and_opened_in_the_record(cli: Cli) -> None:
    assert cli.ok("blind") == "The sift is not name-blind: the panel sees candidates' names.\n"
    cli.ok("add-candidate", "Ada Lovelace")
    said = cli.ok("blind", "--until", "Shortlist", "--by", "ada", as_of="2026-02-03")
    assert "name-blind until Shortlist (shortlist), since 2026-02-03: 1 candidate(s)" in said
    [entry] = cli.data()["blind"]
    assert entry.pop("at").tzinfo is not None
    assert entry == {"on": date(2026, 2, 3), "by": "ada", "until": "shortlist"}
    again = json.loads(cli.ok("blind", "--until", "shortlist", "--json", as_of="2026-02-03"))
    assert again["changed"] is False and again["on"] is True and len(cli.data()["blind"]) == 1
    asked = json.loads(cli.ok("blind", "--json", as_of="2026-02-04"))
    assert asked == {"on": True, "until": "shortlist", "until_title": "Shortlist",
                     "set_on": "2026-02-03", "set_by": "ada", "hidden": 1,
                     "revealed": 0}  # fmt: skip
    # --as-of replays it: the day before it was set, the sift was open and names showed.
    before = json.loads(cli.ok("candidates", "--json", as_of="2026-02-02"))
    assert before[0]["name"] == "Ada Lovelace" and before[0]["name_hidden"] is False
    assert json.loads(cli.ok("blind", "--json", as_of="2026-02-02"))["on"] is False
    cli.ok("blind", "--off", as_of="2026-02-05")
    assert cli.data()["blind"][-1].get("until") is None and len(cli.data()["blind"]) == 2
    assert "not name-blind" in cli.ok("blind", as_of="2026-02-05")
    # the day between still replays as blind
    assert json.loads(cli.ok("candidates", "--json", as_of="2026-02-04"))[0]["name"] is None
    # an outcome would never be reached from the process: refused, the record unchanged
    refused = cli("blind", "--until", "rejected", as_of="2026-02-05")
    assert refused.exit_code != 0 and "is an outcome" in refused.output
    both = cli("blind", "--until", "shortlist", "--off", as_of="2026-02-05")
    assert both.exit_code != 0 and "opposite" in both.output
    assert len(cli.data()["blind"]) == 2


def test_no_panel_output_holds_personal_data_of_a_blinded_candidate(sift: Cli, tmp_path) -> None:
    outputs = _panel_outputs(sift, tmp_path)
    assert _holding(outputs, CHARLOTTE + ADA + GRACE) == []
    # the rest is still there: ids, stages, marks, the slots' rooms, the hidden mentions
    for name in ("candidates", "export csv", "merit", "agenda", "report"):
        assert b"c001" in outputs[name] and b"c002" in outputs[name], name
    assert b"Room 4" in outputs["agenda"]
    assert b"[name hidden]" in outputs["show c002 --json"]
    listed = json.loads(outputs["candidates --json"])
    assert [(c["id"], c["name"], c["email"], c["name_hidden"]) for c in listed] == [
        ("c001", None, None, True), ("c002", None, None, True), ("c003", None, None, True)
    ]  # fmt: skip
    agenda = json.loads(outputs["agenda --json"])
    assert [(a["id"], a["name"], a["name_hidden"]) for a in agenda] == [
        ("c001", None, True), ("c002", None, True)
    ]  # fmt: skip
    whole = json.loads(outputs["export json"])
    assert whole["blind"]["on"] is True and whole["blind"]["hidden"] == 3
    said = "Name-blind sift: 3 candidate(s) not yet at Preferred candidate are shown by id only"
    assert said in outputs["report"].decode()
    # a panel member cannot find a hidden candidate by typing their name
    by_name = sift("show", "Charlotte", as_of=DAY)
    assert by_name.exit_code != 0 and "Bront" not in by_name.output
    # nothing of it was written to the record: the names are all still there
    assert [c["name"] for c in sift.data()["candidates"]] == [
        "Charlotte Brontë", "Ada Lovelace", "Grace Hopper"
    ]  # fmt: skip


def test_names_show_from_the_stage_on_for_those_who_reached_it(sift: Cli, tmp_path) -> None:
    ok(sift, "move", "c001", "preferred")
    outputs = _panel_outputs(sift, tmp_path)
    for name in ("candidates", "candidates --json", "show c001", "export csv", "export json",
                 "export xlsx", "agenda", "merit", "report"):  # fmt: skip
        assert "Charlotte Brontë".encode() in outputs[name], name
    assert b"charlotte@example.org" in outputs["export csv"]
    # Ada and Grace have not reached it (Grace was rejected at the sift): still by id only,
    # and Ada's note shows Charlotte's name now that she may be named
    assert _holding(outputs, ADA + GRACE) == []
    assert b"Sat on a board with Charlotte Bronte" in outputs["show c002 --json"]
    assert json.loads(ok(sift, "blind", "--json"))["hidden"] == 2


def test_reveal_shows_names_to_the_recruitment_team_and_says_so(sift: Cli, tmp_path) -> None:
    result = sift("candidates", "--reveal", as_of=DAY)
    assert result.exit_code == 0 and "Charlotte Brontë" in result.stdout
    assert result.stderr == (
        "Names revealed: the sift is name-blind until Preferred candidate, and 3 candidate(s) "
        "not yet there are shown by name for the recruitment team. Do not send this to the "
        "panel.\n"
    )
    listed = json.loads(ok(sift, "candidates", "--json", "--reveal"))
    assert [(c["name"], c["name_hidden"], c["name_revealed"]) for c in listed] == [
        ("Charlotte Brontë", False, True), ("Ada Lovelace", False, True),
        ("Grace Hopper", False, True),
    ]  # fmt: skip
    outputs = _panel_outputs(sift, tmp_path, "--reveal")
    for name in ("export csv", "export xlsx", "agenda", "merit", "report", "show c001",
                 "export ics"):  # fmt: skip
        assert "Charlotte Brontë".encode() in outputs[name], name
    merit = json.loads(outputs["merit --json"])
    assert {row["name_revealed"] for row in merit} == {True}
    assert json.loads(outputs["export json"])["blind"]["revealed"] == 3


def test_a_blind_sift_sheet_imports_back_by_id_and_keeps_the_names(sift: Cli, tmp_path) -> None:
    sheet = ok(sift, "export", "csv", "--no-bom")
    assert "Charlotte" not in sheet
    lines = sheet.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    # the panel moves c003's row on its sheet... and another copy drops the blank columns
    blank = tmp_path / "blind.csv"
    blank.write_text(sheet.replace("c002,,,,,interview", "c002,,,,,preferred"), "utf-8")
    said = ok(sift, "import", str(blank), "--update")
    assert "c002" in said
    data = {c["id"]: c for c in sift.data()["candidates"]}
    assert data["c002"]["stage"] == "preferred" and data["c002"]["name"] == "Ada Lovelace"
    assert data["c002"]["email"] == "ada@example.org"
    assert data["c001"]["name"] == "Charlotte Brontë" and data["c001"]["phone"]
    no_names = tmp_path / "ids.csv"
    [charlotte] = [row for row in rows if row["id"] == "c001"]
    assert charlotte["stage"] == "interview" and charlotte["name"] == ""
    no_names.write_text("id,stage\nc001,preferred\n", "utf-8")
    ok(sift, "import", str(no_names), "--update")
    data = {c["id"]: c for c in sift.data()["candidates"]}
    assert data["c001"]["stage"] == "preferred" and data["c001"]["name"] == "Charlotte Brontë"
    assert data["c001"]["email"] == "charlotte@example.org"
    assert data["c001"]["source"] == "Hays Search"


def test_two_copies_that_set_the_sift_apart_keep_both_and_the_later_is_in_force(
    sift: Cli,
) -> None:
    base = storage.loads(sift.path.read_text("utf-8"))
    [first] = base["blind"]
    opened = {"at": datetime(2026, 3, 2, 12, tzinfo=UTC), "on": date(2026, 3, 2), "by": "ada"}
    later = {"at": datetime(2026, 3, 2, 13, tzinfo=UTC), "on": date(2026, 3, 2), "by": "bob",
             "until": "interview"}  # fmt: skip
    ours, theirs = {**base, "blind": [first, opened]}, {**base, "blind": [first, later]}
    for one, other in ((ours, theirs), (theirs, ours)):
        merged = merge(base, one, other)
        assert merged.conflicts == [] and merged.data["blind"] == [first, opened, later]
        record, problems = record_from_data(merged.data)
        assert record is not None and blind_until(record) == "interview", problems


@pytest.mark.heavy
def test_the_panel_pdf_holds_no_name_before_the_stage(sift: Cli, tmp_path) -> None:
    from dgtracker.report.browser import find_browser

    if not (find_browser() and shutil.which("pdftotext")):
        pytest.skip("Chromium and poppler-utils are needed (CI installs them)")
    pdf = tmp_path / "panel.pdf"
    ok(sift, "report", "--for", "panel", "--pdf", str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "c001" in text and _holding({"pdf": text.encode()}, CHARLOTTE + ADA + GRACE) == []
    ok(sift, "move", "c001", "preferred")
    ok(sift, "report", "--for", "panel", "--pdf", str(pdf), "--force")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Charlotte Brontë" in text and "Lovelace" not in text


def test_a_hand_edited_setting_that_breaks_a_rule_is_refused_and_listed(cli: Cli) -> None:
    cli.ok("blind", "--until", "shortlist")
    text = cli.path.read_text("utf-8")
    cli.path.write_text(text.replace('until = "shortlist"', 'until = "nowhere"'), "utf-8")
    checked = cli("check")
    assert checked.exit_code == 3 and "blind[0].until: unknown stage 'nowhere'" in checked.output
    assert cli("candidates").exit_code == 3  # no reader goes on without knowing what to hide
