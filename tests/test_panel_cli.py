"""The panel's work through the CLI: a whole DG TDD panel from criteria to reserve list,
slots and calendar; and every bad mark refused with the record left as it was."""

from __future__ import annotations

import json
import subprocess
import tomllib
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import in_process

GOLDEN = Path(__file__).parent / "golden"
DAY = "2026-03-02"  # the Monday of interview week
# The bundled DHSC criteria marked at interview, in record order.
CRITERIA = (
    "transformation",  # weight 2
    "data-strategy",  # the lead criterion
    "big-picture",
    "leadership",
    "communicating",
    "delivering",
)
AGREED = {
    "c001": (6, 6, 5, 6, 5, 5),  # 39: first
    "c002": (5, 6, 5, 5, 5, 5),  # 36, data-strategy 6: ahead of c003 and c006
    "c003": (5, 5, 6, 5, 5, 5),  # 36, data-strategy 5
    "c004": (6, 5, 5, 5, 5, 5),  # 37
    "c005": (7, 7, 6, 6, 6, 3),  # 42, the best total, but below the bar on delivering
    "c006": (5, 5, 5, 6, 5, 5),  # 36, data-strategy 5: tied with c003
}
PANEL = (("Dame Sue Owen", "chair"), ("Raj Patel", "member"), ("Helen Ward", "independent"))


def _marks(values: tuple[int, ...]) -> list[str]:
    return [f"{c}={n}" for c, n in zip(CRITERIA, values, strict=True)]


@pytest.fixture
def dg(run, tmp_path: Path):
    """The installed dgtracker on a DHSC record, as of interview week."""
    path = tmp_path / "campaign.toml"

    def dg_run(*args: str, ok: bool = True, columns: str = "80"):
        done = run(
            *args, env={"DGTRACKER_FILE": str(path), "DGTRACKER_TODAY": DAY, "COLUMNS": columns}
        )
        if ok:
            assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    dg_run.path = path  # type: ignore[attr-defined]
    dg_run("init")
    return dg_run


@pytest.mark.heavy
def test_a_whole_dg_tdd_panel(dg) -> None:
    path: Path = dg.path
    # The criteria come with the DHSC campaign; the panel and candidates are added.
    criteria = json.loads(dg("criteria", "list", "--json").stdout)
    assert [c["id"] for c in criteria] == list(CRITERIA)
    assert criteria[0]["weight"] == 2 and criteria[1]["lead"] is True
    assert all(c["scale"] == [1, 7] and c["bar"] == 4 for c in criteria)
    for name, role in PANEL:
        dg("panel", "add", name, "--role", role)
    for number in range(1, 7):
        dg(
            "add-candidate",
            f"Candidate {number}",
            "--stage",
            "shortlist",
            "--applied",
            "2026-02-01",
        )
        dg("move", f"c00{number}", "interview")
    dg("panel", "conflict", "Helen Ward", "c004", "--note", "Worked together at NHS England")
    panel = json.loads(dg("panel", "list", "--json").stdout)
    assert panel[2]["conflicts"] == [
        {"candidate": "c004", "note": "Worked together at NHS England"}
    ]

    # Each member marks each candidate; the conflicted member's marks for c004 are refused.
    before = path.read_bytes()
    refused = dg(
        "score", "c004", "interview", *_marks(AGREED["c004"]), "--member", "Helen Ward", ok=False
    )
    assert refused.returncode == 1
    assert "conflict of interest" in refused.stderr and path.read_bytes() == before
    for cid, values in AGREED.items():
        for name, _ in PANEL:
            if cid == "c004" and name == "Helen Ward":
                continue
            own = list(values)
            if cid == "c001" and name == "Raj Patel":
                own[2] = 3  # big-picture: 3 against the others' 5, for moderation
            dg(
                "score",
                cid,
                "interview",
                *_marks(tuple(own)),
                "--member",
                name,
                "--evidence",
                f"{name}'s notes on {cid}",
            )
        dg("score", cid, "interview", *_marks(values), "--agreed")

    rows = json.loads(dg("merit", "interview", "--json").stdout)
    order = [(r["rank"], r["id"], r["total"], r["tie"]) for r in rows]
    assert order == [
        (1, "c001", 39, False),
        (2, "c004", 37, False),
        (3, "c002", 36, False),  # the tie on 36 broken by the lead criterion
        (4, "c003", 36, True),  # still level on the lead criterion: a tie, shown
        (4, "c006", 36, True),
        (None, "c005", 42, False),  # the best total, but not appointable
    ]
    c005 = rows[-1]
    assert c005["appointable"] is False and c005["below_bar"] == ["delivering"]
    assert rows[0]["moderate"] == ["big-picture"]
    assert rows[1]["conflicts"] == ["Helen Ward"]
    assert rows[2]["tie_broken"] and rows[2]["marks"]["data-strategy"] == 6

    table = dg("merit", columns="60").stdout  # the latest stage with agreed marks
    assert all(len(line) <= 60 for line in table.splitlines()), table
    assert "Merit order at Final interview" in table
    lines = {
        words[1]: line
        for line in table.splitlines()
        if len(words := line.split()) > 2 and words[1].startswith("c0")
    }
    assert lines["c003"].split()[0] == lines["c006"].split()[0] == "4="
    assert lines["c005"].split()[0] == "—" and "below the" in lines["c005"]
    assert "moderate:" in lines["c001"]

    # The preferred candidate goes on; the reserve list is built from merit order.
    dg("move", "c001", "preferred")
    before = path.read_bytes()
    plan = dg("reserve", "--from-merit", "interview", "--dry-run").stdout
    assert "Would place c004" in plan and "c005" not in plan and "--dry-run" in plan
    planned = json.loads(dg("reserve", "--from-merit", "interview", "--dry-run", "--json").stdout)
    assert path.read_bytes() == before
    assert (planned["dry_run"], planned["assessment"], planned["count"]) == (True, "interview", 4)
    assert planned["places"][0] == {
        "id": "c004",
        "name": "Candidate 4",
        "rank": 1,
        "merit_rank": 2,
        "tied": False,
    }
    assert [(p["id"], p["rank"], p["tied"]) for p in planned["places"][1:]] == [
        ("c002", 2, False),
        ("c003", 3, True),
        ("c006", 4, True),
    ]
    done = json.loads(dg("reserve", "--from-merit", "interview", "--json").stdout)
    assert done["dry_run"] is False and done["places"] == planned["places"]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in data["candidates"]}
    placed = sorted((c["rank"], c["id"]) for c in by_id.values() if c["stage"] == "reserve")
    assert placed == [(1, "c004"), (2, "c002"), (3, "c003"), (4, "c006")]
    assert by_id["c001"]["stage"] == "preferred" and by_id["c005"]["stage"] == "interview"
    reserve_lines = [e for e in by_id["c003"]["history"] if e.get("stage") == "reserve"]
    assert len(reserve_lines) == 1 and "tied" in reserve_lines[0]["note"]
    listed = json.loads(dg("candidates", "--stage", "reserve", "--json").stdout)
    assert [c["id"] for c in listed] == ["c004", "c002", "c003", "c006"]

    # Slots: a clash is refused; a move keeps the earlier slot in history.
    dg("schedule", "c005", "interview", "2026-03-03 10:00", "--where", "Room 4.12")
    before = path.read_bytes()
    clash = dg("schedule", "c001", "interview", "2026-03-03 10:30", ok=False)
    assert clash.returncode == 1 and "overlaps c005" in clash.stderr
    assert path.read_bytes() == before
    dg("schedule", "c001", "interview", "2026-03-03 11:15", "--minutes", "75")
    dg("schedule", "c005", "interview", "2026-03-03 09:00", "--where", "Room 4.12")
    c005_history = [
        e["note"] for e in dg_candidate(path, "c005")["history"] if "slot" in e.get("note", "")
    ]
    assert "was 2026-03-03 10:00–11:00" in c005_history[-1]
    agenda = json.loads(dg("agenda", "2026-03-03", "--json").stdout)
    assert [(a["start"], a["id"]) for a in agenda] == [
        ("2026-03-03T09:00", "c005"),
        ("2026-03-03T11:15", "c001"),
    ]
    assert agenda[1]["end"] == "2026-03-03T12:30"
    shown = dg("agenda", "2026-03-03", columns="60").stdout
    assert all(len(line) <= 60 for line in shown.splitlines()), shown
    assert "09:00–10:00" in shown and "Room 4.12" in shown and "Raj Patel (member)" in shown
    assert "a declared conflict" not in shown  # no one conflicted with these two
    assert agenda[0]["absent"] == []

    # The calendar names candidates by id only, unless asked.
    ics = dg("export", "ics", "--slots").stdout
    assert "SUMMARY:Final interview: c005" in ics and "Candidate 5" not in ics
    assert "DTSTART:20260303T090000Z" in ics  # 09:00 in London in March is UTC
    assert "LOCATION:Room 4.12" in ics and "SEQUENCE:1" in ics
    assert "Helen Ward" not in ics and "conflict" not in ics.lower()
    named = dg("export", "ics", "--slots", "--with-names").stdout
    assert "SUMMARY:Final interview: c005 Candidate 5" in named
    assert "c005" not in dg("export", "ics").stdout  # slots only when asked

    # remind: tomorrow's slots, the day before.
    reminders = json.loads(dg("remind", "--json").stdout)
    slots = [r for r in reminders if r["kind"] == "slot"]
    assert [(r["subject"], r["due"], r["days"]) for r in slots] == [
        ("c005", "2026-03-03", 1),
        ("c001", "2026-03-03", 1),
    ]
    assert "interview tomorrow at 09:00 (Room 4.12)" in dg("remind").stdout
    assert dg("check").returncode == 0


def dg_candidate(path: Path, cid: str) -> dict:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return next(c for c in data["candidates"] if c["id"] == cid)


# --- refusals: exit 1, the reason, and the record byte for byte as it was ----------------


@pytest.fixture
def marked(cli):
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair")
    cli.ok("panel", "add", "Kim Lee", "--role", "adviser")
    cli.ok("add-candidate", "Ada Lovelace", "--stage", "interview")
    cli.ok("add-candidate", "Grace Hopper", "--stage", "longlist")
    return cli


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["c001", "interview", "leadership=8", "--agreed"], "outside the scale 1–7"),
        (["c001", "interview", "leadership=0", "--agreed"], "outside the scale 1–7"),
        (["c001", "interview", "charisma=5", "--agreed"], "No criterion with id 'charisma'"),
        (["c001", "longlist", "leadership=5", "--agreed"], "not marked at 'longlist'"),
        (["c002", "interview", "leadership=5", "--agreed"], "c002 has not reached 'interview'"),
        (["c001", "interview", "leadership=5", "--member", "Nobody"], "not on the panel"),
        (["c001", "interview", "leadership=5", "--member", "Kim Lee"], "does not mark"),
        (["c001", "interview", "leadership=five", "--agreed"], "is not a mark"),
        (["c001", "interview", "leadership=5"], "--member NAME, or --agreed"),
        (["c001", "sift", "leadership=5", "--agreed"], "not a stage of this campaign"),
    ],
)
def test_bad_marks_are_refused_and_change_nothing(marked, args, reason) -> None:
    before = marked.path.read_bytes()
    result = marked("score", *args)
    assert result.exit_code == 1, result.output
    assert reason in result.stderr
    assert marked.path.read_bytes() == before


def test_a_mark_is_a_history_event_and_lands_in_the_candidate_table(marked) -> None:
    marked.ok(
        "score",
        "c001",
        "interview",
        "leadership=5",
        "big-picture=6",
        "--member",
        "dame sue owen",
        "--evidence",
        "Set out a clear vision.",
    )
    marked.ok("score", "c001", "interview", "leadership=6", "--member", "Dame Sue Owen")
    ada = marked.candidate("c001")
    assert ada["marks"] == [
        {
            "assessment": "interview",
            "member": "Dame Sue Owen",
            "scores": {"leadership": 6, "big-picture": 6},
            "evidence": "Set out a clear vision.",
        }
    ]
    scored = [e for e in ada["history"] if e["action"] == "scored"]
    assert [e["by"] for e in scored] == ["tester", "tester"]
    assert scored[-1]["note"] == "Interview marks by Dame Sue Owen: leadership 5→6"


def test_a_save_rewrites_only_the_candidate_marked(marked) -> None:
    text = marked.path.read_text(encoding="utf-8")
    grace = text[text.index('id = "c002"') :]
    marked.ok("score", "c001", "interview", "leadership=5", "--agreed")
    after = marked.path.read_text(encoding="utf-8")
    assert after.endswith(grace)
    assert marked.candidate("c001")["marks"][0]["scores"] == {"leadership": 5}


def test_criteria_cannot_change_under_the_marks(marked) -> None:
    marked.ok("score", "c001", "interview", "leadership=3", "--agreed")
    before = marked.path.read_bytes()
    for args, reason in (
        (["change", "leadership", "--bar", "3"], "bar"),
        (["change", "leadership", "--scale", "4-7"], "scale"),
        (["change", "leadership", "--assess", "assessment"], "assess"),
        (["remove", "leadership"], "cannot be removed"),
    ):
        result = marked("criteria", *args)
        assert result.exit_code == 1 and reason in result.stderr
        assert marked.path.read_bytes() == before
    marked.ok(
        "criteria",
        "change",
        "leadership",
        "--title",
        "Leadership (Success Profiles)",
        "--scale",
        "0-9",
        "--assess",
        "assessment,interview,preferred",
    )
    criterion = next(c for c in marked.data()["criteria"] if c["id"] == "leadership")
    assert criterion["scale"] == [0, 9] and criterion["title"].endswith("Profiles)")
    marked.ok("criteria", "remove", "communicating")
    marked.ok(
        "criteria",
        "add",
        "ethics",
        "Ethical leadership",
        "--kind",
        "strength",
        "--assess",
        "interview",
        "--bar",
        "5",
        "--weight",
        "3",
    )
    added = marked.data()["criteria"][-1]
    assert added == {
        "id": "ethics",
        "title": "Ethical leadership",
        "kind": "strength",
        "scale": [1, 7],
        "bar": 5,
        "assess": ["interview"],
        "weight": 3,
        "changed": date(2026, 2, 2),  # the record's day it was added (audit reads it)
    }
    refused = marked("criteria", "add", "odd", "Odd", "--kind", "charm")
    assert refused.exit_code == 1 and "not a kind of criterion" in refused.stderr


def test_merit_lists_missing_marks_apart(marked) -> None:
    marked.ok("score", "c001", "interview", "leadership=5", "--agreed")
    rows = json.loads(marked.ok("merit", "--json"))
    assert rows[0]["rank"] is None and rows[0]["total"] is None
    assert rows[0]["appointable"] is None
    assert "leadership" not in rows[0]["missing"] and "delivering" in rows[0]["missing"]
    assert rows[0]["marks"]["delivering"] is None
    assert "not agreed: " in marked.ok("merit")


def test_marks_and_slots_in_export_subject_and_purge(marked) -> None:
    marked.ok(
        "score",
        "c001",
        "interview",
        "leadership=5",
        "--member",
        "Dame Sue Owen",
        "--evidence",
        "Spoke about her family's illness.",
    )
    marked.ok("schedule", "c001", "interview", "2026-02-03 10:00", "--where", "Room 1")
    marked.ok("panel", "conflict", "Dame Sue Owen", "c001", "--note", "Her sister-in-law")
    subject = json.loads(marked.ok("export-subject", "c001"))["candidate"]
    assert subject["marks"][0]["evidence"] == "Spoke about her family's illness."
    assert subject["slots"] == [
        {
            "assessment": "interview",
            "start": "2026-02-03T10:00",
            "end": "2026-02-03T11:00",
            "minutes": 60,
            "where": "Room 1",
            "cancelled": None,
        }
    ]
    assert "1 evidence" in marked.ok("purge", "--candidate", "c001", "--dry-run")
    marked.ok("purge", "--candidate", "c001")
    ada = marked.candidate("c001")
    assert ada["marks"][0]["scores"] == {"leadership": 5} and "evidence" not in ada["marks"][0]
    saved = marked.path.read_text(encoding="utf-8")
    assert "family" not in saved and "sister-in-law" not in saved
    assert marked.data()["panel"]["members"][0]["conflicts"] == [{"candidate": "c001"}]
    assert ada["slots"][0]["at"].isoformat() == "2026-02-03T10:00:00"


def test_export_json_holds_the_criteria_and_the_panel(marked) -> None:
    whole = json.loads(marked.ok("export", "json"))
    assert [c["id"] for c in whole["criteria"]] == list(CRITERIA)
    assert whole["panel"][1] == {
        "name": "Kim Lee",
        "role": "adviser",
        "marks": False,
        "commissioner": False,
        "email": None,
        "conflicts": [],
    }
    assert whole["candidates"][0]["marks"] == [] and whole["candidates"][0]["slots"] == []


def test_a_hand_edited_mark_for_an_unknown_criterion_is_reported(marked) -> None:
    marked.ok("score", "c001", "interview", "leadership=5", "--member", "Dame Sue Owen")
    text = marked.path.read_text(encoding="utf-8")
    marked.path.write_text(text.replace("leadership = 5", "charisma = 5"), encoding="utf-8")
    result = marked("check")
    assert result.exit_code == 3
    assert "marks for unknown criteria charisma" in result.output
    marked.path.write_text(
        text.replace('member = "Dame Sue Owen"', 'member = "Nobody"'), encoding="utf-8"
    )
    result = marked("merit")
    assert result.exit_code == 3 and "who is not on the panel" in result.stderr


def test_slot_refusals_and_an_allowed_overlap(marked) -> None:
    marked.ok("schedule", "c001", "interview", "3/3/2026 10:00", "--minutes", "90")
    before = marked.path.read_bytes()
    for args, reason in (
        (["c002", "interview", "2026-03-03"], "needs a day and a time of day"),
        (["c002", "interview", "2026-03-03 11:00"], "overlaps c001's interview slot"),
        (["c001", "interview", "2026-03-03 10:00", "--minutes", "90"], "already booked"),
    ):
        result = marked("schedule", *args)
        assert result.exit_code == 1 and reason in result.stderr, result.output
        assert marked.path.read_bytes() == before
    marked.ok("schedule", "c002", "interview", "2026-03-03 11:00", "--allow-overlap")
    assert [s["at"].isoformat() for s in marked.candidate("c002")["slots"]] == [
        "2026-03-03T11:00:00"
    ]
    assert "No slots booked" in marked.ok("agenda", "2026-03-04")


def test_reserve_and_merit_say_what_is_missing(bare_cli) -> None:
    bare_cli.ok("init", "--title", "Director, Data", "--closes", "2026-02-09")
    result = bare_cli("merit")
    assert result.exit_code == 1 and "No criteria are set" in result.stderr
    result = bare_cli("reserve")
    assert result.exit_code == 1 and "--from-merit" in result.stderr
    assert "criteria" not in bare_cli.data() and "panel" not in bare_cli.data()


# --- what people see: the tables byte for byte ------------------------------------------


@pytest.fixture
def pinned(cli):
    """A panel with every kind of merit row (ranked, tied, broken tie, below the bar, not
    fully agreed, to moderate, conflicted) and a day of slots."""
    for name, role in (
        ("Dame Sue Owen", "chair"),
        ("Raj Patel", "member"),
        ("李 Wei", "independent"),
    ):
        cli.ok("panel", "add", name, "--role", role)
    names = ("Ada Lovelace", "Grace Hopper", "山田 太郎", "Alan Turing", "Katherine Johnson")
    for name in (*names, "Mary Somerville", "Ann Ng"):
        cli.ok("add-candidate", name, "--stage", "interview")
    cli.ok("panel", "conflict", "Raj Patel", "c004", "--note", "Former colleague")
    for cid, values in AGREED.items():
        cli.ok("score", cid, "interview", *_marks(values), "--agreed")
    cli.ok("score", "c007", "interview", *_marks(AGREED["c001"])[:5], "--agreed")
    cli.ok("score", "c001", "interview", *_marks((6, 6, 5, 6, 5, 5)), "--member", "Dame Sue Owen")
    cli.ok("score", "c001", "interview", *_marks((6, 6, 3, 6, 5, 5)), "--member", "Raj Patel")
    cli.ok("schedule", "c001", "interview", "2026-03-03 09:00", "--where", "Room 4.12")
    cli.ok("schedule", "c004", "interview", "2026-03-03 10:30", "--minutes", "75")
    return cli


@pytest.mark.parametrize(
    ("words", "columns", "golden"),
    [
        (["merit"], None, "merit-piped.txt"),
        (["merit"], "60", "merit-60.txt"),
        (["agenda", "2026-03-03"], None, "agenda-piped.txt"),
        (["agenda", "2026-03-03"], "60", "agenda-60.txt"),
    ],
)
def test_panel_tables_byte_for_byte(pinned, run, monkeypatch, words, columns, golden) -> None:
    """Piped, the tables are plain text: no colour, each row one line unless COLUMNS asks
    for a width (the console's 80 folds the sentences around them)."""
    monkeypatch.delenv("COLUMNS")
    env = {"DGTRACKER_FILE": str(pinned.path), "DGTRACKER_TODAY": DAY}
    if columns:
        env["COLUMNS"] = columns
    done = run(*words, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_a_narrow_criteria_list_says_which_columns_it_left_out(tmp_path: Path) -> None:
    """At 80 columns the criteria list has no room for Kind and Weight: it says so, as
    `candidates` does, rather than dropping them silently; wide enough, it says nothing."""
    env = {"DGTRACKER_FILE": str(tmp_path / "campaign.toml"), "DGTRACKER_TODAY": DAY}
    assert in_process("init", env=env).returncode == 0
    narrow = in_process("criteria", "list", env={**env, "COLUMNS": "80"}).stdout
    assert " Kind " not in narrow.splitlines()[0]
    assert "Kind and Weight need" in narrow and "(--json has every field)" in narrow
    wide = in_process("criteria", "list", env={**env, "COLUMNS": "200"}).stdout
    assert " Kind " in wide.splitlines()[0] and "need" not in wide
