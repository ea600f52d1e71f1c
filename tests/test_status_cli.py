"""The dashboard: a golden rendering at a fixed date, countdowns, and the JSON contract."""

import json
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def _with_candidates(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-22")
    cli.ok("add-candidate", "Alan Turing", "--applied", "2026-01-25")
    cli.ok("move", "c002", "longlist")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took another post")


def test_golden_status(cli) -> None:
    _with_candidates(cli)
    out = cli.ok("status")
    golden = GOLDEN / "status-2026-02-02.txt"
    assert "\x1b[" not in out  # no colour when not a terminal
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("as_of", "closing", "interviews"),
    [
        ("2026-02-02", "in 7 days", "starts in 27 days"),
        ("2026-02-08", "tomorrow", "starts in 21 days"),
        ("2026-02-09", "today", "starts in 20 days"),
        ("2026-02-21", "12 days ago — not marked done", "starts in 8 days"),
        ("2026-03-03", "22 days ago — not marked done", "under way, day 3 of 10"),
        ("2026-03-12", "31 days ago — not marked done", "ended 2 days ago — not marked done"),
    ],
)
def test_countdowns(cli, as_of, closing, interviews) -> None:
    status = json.loads(cli.ok("status", "--json", as_of=as_of))
    milestones = {m["id"]: m for m in status["milestones"]}
    assert milestones["closing"]["countdown"] == closing
    assert milestones["interviews"]["countdown"] == interviews
    assert milestones["sift"]["countdown"] == "date to be confirmed"
    text = cli.ok("status", as_of=as_of)
    assert closing.split(" — ")[0] in text


def test_status_json_contract(cli) -> None:
    _with_candidates(cli)
    status = json.loads(cli.ok("status", "--json"))
    assert status["as_of"] == "2026-02-02"
    assert status["campaign"] == {
        "id": "dhsc-dg-tdd-2026",
        "title": "Director General for Technology, Digital and Data",
        "organisation": "Department of Health and Social Care",
        "grade": "Senior Civil Service pay band 3 (Director General)",
        "salary": "up to £285,000",
        "timezone": "Europe/London",
    }
    assert status["next_milestone"] == "closing"
    closing, sift = status["milestones"][0], status["milestones"][1]
    assert closing == {
        "id": "closing",
        "title": "Applications close",
        "start": "2026-02-09",
        "end": "2026-02-09",
        "time": None,
        "label": None,
        "when": "Mon 9 Feb 2026",
        "days_until": 7,
        "state": "upcoming",
        "countdown": "in 7 days",
        "next": True,
        "done": None,
    }
    assert sift["state"] == "tbc" and sift["start"] is None and sift["days_until"] is None
    assert status["pipeline"] == {
        "applied": 1,
        "longlist": 1,
        "shortlist": 0,
        "assessment": 0,
        "interview": 0,
        "preferred": 0,
        "offer": 0,
        "appointed": 0,
        "reserve": 0,
        "rejected": 0,
        "withdrawn": 1,
    }
    assert status["candidates_total"] == 3 and status["active_total"] == 2


def test_next_milestone_moves_on(cli) -> None:
    status = json.loads(cli.ok("status", "--json", as_of="2026-02-10"))
    assert status["next_milestone"] == "interviews"
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-10")
    status = json.loads(cli.ok("status", "--json", as_of="2026-02-10"))
    assert status["milestones"][0]["state"] == "done"
    assert status["milestones"][0]["countdown"] == "done on Mon 9 Feb 2026"


def test_status_is_readable_at_60_columns(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = cli.ok("status")
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "Applications" in out and "in 7 days" in out


COLOUR_CODE = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7])(?:;\d+)*m")


def test_no_color_is_honoured_even_at_a_terminal(cli, monkeypatch) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat the output as a terminal
    assert COLOUR_CODE.search(cli.ok("status"))  # so colour would be used ...
    monkeypatch.setenv("NO_COLOR", "1")
    assert not COLOUR_CODE.search(cli.ok("status"))  # ... but NO_COLOR turns it off
