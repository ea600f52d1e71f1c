"""The Civil Service Commission's marking frame through the CLI: grades A, B, B/C, C, D, E;
C or better appointable; merit A > B > B/C > C; other grades refused everywhere (score, on
load and in `check`); grades shown and written as written; one scale per assessment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import Cli

DAY = "2026-03-02"


@pytest.fixture
def framed(record_path: Path) -> Cli:
    cli = Cli(record_path)
    cli.ok("init", "--title", "Permanent Secretary", "--closes", "2026-02-09", as_of="2026-01-05")
    cli.ok("criteria", "add", "lead", "Leadership", "--kind", "behaviour", "--scale", "frame",
           "--assess", "interview", as_of="2026-01-05")  # fmt: skip
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair", as_of="2026-01-05")
    for number in range(1, 6):
        cli.ok("add-candidate", f"Candidate {number}", "--stage", "interview", as_of=DAY)
    return cli


def test_a_frame_criterion_is_listed_with_its_grades(framed: Cli) -> None:
    listed = json.loads(framed.ok("criteria", "list", "--json", as_of=DAY))
    assert listed[0]["frame"] is True
    assert listed[0]["grades"] == ["A", "B", "B/C", "C", "D", "E"]
    table = framed.ok("criteria", "list", as_of=DAY)
    assert "frame A–E" in table
    written = framed.path.read_text(encoding="utf-8")
    assert 'scale = "frame"' in written and "bar =" not in written.split("[[criteria]]")[1]


def test_merit_orders_a_b_bc_c_and_bars_d_and_e(framed: Cli) -> None:
    grades = {"c001": "C", "c002": "A", "c003": "B/C", "c004": "D", "c005": "b"}
    for cid, grade in grades.items():
        framed.ok("score", cid, "interview", f"lead={grade}", "--agreed", as_of=DAY)
    rows = json.loads(framed.ok("merit", "interview", "--json", as_of=DAY))
    assert [(r["id"], r["rank"], r["appointable"], r["marks"]["lead"]) for r in rows] == [
        ("c002", 1, True, "A"),
        ("c005", 2, True, "B"),
        ("c003", 3, True, "B/C"),
        ("c001", 4, True, "C"),
        ("c004", None, False, "D"),
    ]
    shown = framed.ok("merit", "interview", as_of=DAY)
    assert "B/C" in shown and "bar C" in shown
    # The record holds the grades as written; show --json too.
    c003 = framed.candidate("c003")
    assert c003["marks"][0]["scores"] == {"lead": "B/C"}
    detail = json.loads(framed.ok("show", "c003", "--json", as_of=DAY))
    assert detail["marks"][0]["scores"] == {"lead": "B/C"}
    assert "lead B/C" in detail["history"][-1]["note"]


@pytest.mark.parametrize("typed", ["F", "7", "BC", "C+"])
def test_other_grades_are_refused_with_the_allowed_ones(framed: Cli, typed: str) -> None:
    before = framed.path.read_bytes()
    done = framed("score", "c001", "interview", f"lead={typed}", "--agreed", as_of=DAY)
    assert done.exit_code == 1
    assert "not a grade of the marking frame" in done.output
    assert "A, B, B/C, C, D, E" in done.output
    assert framed.path.read_bytes() == before


def test_a_bad_grade_in_the_file_is_refused_on_load_and_by_check(framed: Cli) -> None:
    framed.ok("score", "c001", "interview", "lead=B", "--agreed", as_of=DAY)
    text = framed.path.read_text(encoding="utf-8")
    for bad, said in (('"F"', "expected whole-number marks or grades"), ("5", "not a grade")):
        framed.path.write_text(text.replace('lead = "B"', f"lead = {bad}"), encoding="utf-8")
        done = framed("check", as_of=DAY)
        assert done.exit_code == 3 and said in done.output, done.output
        assert "A, B, B/C, C, D, E" in done.output
        assert framed("merit", as_of=DAY).exit_code == 3


def test_a_grade_on_a_numbered_criterion_is_refused(framed: Cli) -> None:
    framed.ok("criteria", "add", "tech", "Technical", "--kind", "technical", "--assess",
              "assessment", as_of=DAY)  # fmt: skip
    framed.ok("move", "c001", "assessment", as_of=DAY)
    done = framed("score", "c001", "assessment", "tech=B", "--agreed", as_of=DAY)
    assert done.exit_code == 1 and "tech=B is not a mark" in done.output


def test_one_assessment_is_marked_on_one_scale(framed: Cli) -> None:
    done = framed("criteria", "add", "tech", "Technical", "--kind", "technical", "--assess",
                  "interview", as_of=DAY)  # fmt: skip
    assert done.exit_code == 1 and "one assessment is marked on one scale" in done.output
    done = framed("criteria", "add", "x", "X", "--kind", "ability", "--scale", "frame", "--bar",
                  "3", as_of=DAY)  # fmt: skip
    assert done.exit_code == 1 and "bar is always C" in done.output
    # By hand too: the record refuses a mixed assessment on load.
    text = framed.path.read_text(encoding="utf-8")
    mixed = text + (
        '\n[[criteria]]\nid = "tech"\ntitle = "Technical"\nkind = "technical"\n'
        'assess = ["interview"]\n'
    )
    framed.path.write_text(mixed, encoding="utf-8")
    done = framed("check", as_of=DAY)
    assert done.exit_code == 3, done.output
    assert "'interview' is marked both on numbers and on the marking frame" in done.output


def test_a_frame_criterion_once_marked_cannot_change_scale(framed: Cli) -> None:
    framed.ok("score", "c001", "interview", "lead=A", "--agreed", as_of=DAY)
    done = framed("criteria", "change", "lead", "--scale", "1-7", as_of=DAY)
    assert done.exit_code == 1 and "scale" in done.output


def test_the_report_and_the_json_export_show_grades_as_written(framed: Cli) -> None:
    for cid, grade in {"c001": "B/C", "c002": "E"}.items():
        framed.ok("score", cid, "interview", f"lead={grade}", "--agreed", as_of=DAY)
    page = framed.ok("report", as_of=DAY)
    assert 'data-label="lead">B/C</td>' in page
    assert 'data-label="lead">E</td>' in page
    exported = json.loads(framed.ok("export", "json", as_of=DAY))
    by_id = {c["id"]: c for c in exported["candidates"]}
    assert by_id["c001"]["marks"][0]["scores"] == {"lead": "B/C"}
    assert exported["criteria"][0]["grades"][2] == "B/C"
