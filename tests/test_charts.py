"""The timeline strip and funnel bars in `status`: golden renderings at 60 and 100
columns for a fixed day, Unicode at a terminal and ASCII when piped or under NO_COLOR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_status_cli import COLOUR_CODE

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-02-16"  # a week after the closing date; interviews moved back a week


def _campaign(cli) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Mary Somerville", "Ida Rhodes"):
        cli.ok("add-candidate", name, "--applied", "2026-01-20")
    for cid in ("c001", "c002", "c004", "c005"):
        cli.ok("move", cid, "longlist")
    cli.ok("move", "c004", "shortlist")
    cli.ok("move", "c005", "withdrawn", "--reason", "Took another post")
    cli.ok("move", "c003", "rejected", "--reason", "Essential criteria not met")
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of=AS_OF)
    cli.ok("milestone", "reschedule", "interviews", "2026-03-09..2026-03-13", as_of=AS_OF)


def _status(cli, monkeypatch, columns: int, as_of: str = AS_OF) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    return cli.ok("status", as_of=as_of)


@pytest.mark.parametrize("columns", [60, 100])
def test_golden_status_with_timeline_and_funnel(cli, monkeypatch, columns) -> None:
    _campaign(cli)
    out = _status(cli, monkeypatch, columns)
    assert out == (GOLDEN / f"status-charts-{columns}.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in out.splitlines()) <= columns
    assert all(line.isascii() for line in _chart_lines(out))  # piped: plain charts


def _chart_lines(out: str) -> list[str]:
    """The timeline strip and the pipeline table with its bars (but not the table's rule,
    which is rich's to draw)."""
    lines = out.split("Timeline", 1)[1].split("\n", 1)[1].splitlines()
    return [line for line in lines if set(line.strip()) != {"─"}]


def test_piped_or_no_color_charts_are_plain_ascii(cli, monkeypatch) -> None:
    _campaign(cli)
    piped = _chart_lines(_status(cli, monkeypatch, 80))
    assert all(line.isascii() for line in piped)
    assert any("=====" in line for line in piped) and any("####" in line for line in piped)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat the output as a terminal
    fancy = _chart_lines(_status(cli, monkeypatch, 80))
    assert any("━━━" in line for line in fancy) and any("███" in line for line in fancy)
    assert any(COLOUR_CODE.search(line) for line in fancy)  # coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _chart_lines(_status(cli, monkeypatch, 80))
    assert all(line.isascii() for line in plain)
    assert not any(COLOUR_CODE.search(line) for line in plain)


def test_the_strip_marks_today_done_and_overdue(cli, monkeypatch) -> None:
    _campaign(cli)
    lines = _chart_lines(_status(cli, monkeypatch, 100, as_of="2026-03-20"))
    closing = next(line for line in lines if line.startswith("Applications close"))
    interviews = next(line for line in lines if line.startswith("Final interviews"))
    assert "*" in closing and "|" in closing  # done, and today's column
    assert interviews.rstrip().endswith("!") or "=!" in interviews  # ended, not marked done
    assert interviews.index("=") < interviews.index("|")  # today is after the window
    months = lines[0]
    assert "Feb" in months and "Mar" in months


def test_status_json_is_unchanged_by_the_charts(cli) -> None:
    _campaign(cli)
    status = json.loads(cli.ok("status", "--json", as_of=AS_OF))
    assert set(status) == {
        "as_of", "campaign", "next_milestone", "milestones", "pipeline",
        "candidates_total", "active_total",
    }  # fmt: skip
    assert status["pipeline"]["longlist"] == 2 and status["pipeline"]["withdrawn"] == 1
