"""Several campaigns in one folder (--dir / DGTRACKER_DIR): the overview, one cron digest
across them, and its crontab line."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from tests.conftest import AS_OF, Cli
from typer.testing import CliRunner

from dgtracker.cli.app import app


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "campaigns"
    place.mkdir()
    dhsc = Cli(place / "dg-tdd.toml")
    dhsc.ok("init")
    dhsc.ok("add-candidate", "Ada Lovelace")
    dhsc.ok("add-candidate", "Alan Turing")
    dhsc.ok("move", "c002", "rejected", "--reason", "Withdrew interest")
    (place / "nurse").mkdir()
    Cli(place / "nurse" / "campaign.toml").ok(
        "init", "--title", "Chief Nurse", "--closes", "2026-02-03"
    )
    return place


def dgtracker(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def test_campaigns_lists_each_with_next_milestone_and_pipeline(folder: Path) -> None:
    result = dgtracker("--dir", str(folder), "--as-of", AS_OF, "campaigns")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "dhsc-dg-tdd-2026 — Director General for Technology, Digital and Data: next: "
        "Applications close, Mon 9 Feb 2026 (in 7 days); 1 active of 2 (applied 1, rejected 1)",
        "chief-nurse — Chief Nurse: next: Applications close, Tue 3 Feb 2026 (tomorrow); "
        "0 active of 0",
    ]
    shown = json.loads(
        dgtracker(
            "--as-of", AS_OF, "campaigns", "--json", env={"DGTRACKER_DIR": str(folder)}
        ).stdout
    )
    first = shown["campaigns"][0]
    assert first["file"].endswith("dg-tdd.toml")
    assert first["next_milestone"]["id"] == "closing" and first["next_milestone"]["days_until"] == 7
    assert first["pipeline"]["applied"] == 1 and first["pipeline"]["rejected"] == 1
    assert (first["candidates_total"], first["active_total"]) == (2, 1)


def test_remind_all_names_each_campaign_and_is_silent_when_nothing_is_due(folder: Path) -> None:
    result = dgtracker("--dir", str(folder), "--as-of", AS_OF, "remind", "--all")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "[dhsc-dg-tdd-2026] Applications close in 7 days (Mon 9 Feb 2026)",
        "[chief-nurse] Applications close tomorrow (Tue 3 Feb 2026)",
    ]
    quiet = dgtracker("--dir", str(folder), "--as-of", "2025-06-02", "remind", "--all")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_a_broken_record_in_the_folder_is_reported_not_skipped(folder: Path) -> None:
    (folder / "broken.toml").write_text("schema = [\n", encoding="utf-8")
    result = dgtracker("--dir", str(folder), "--as-of", AS_OF, "remind", "--all")
    assert result.exit_code == 3
    assert "broken.toml" in result.stderr
    assert "[chief-nurse]" in result.stdout  # the others still remind
    listed = dgtracker("--dir", str(folder), "--as-of", AS_OF, "campaigns")
    assert listed.exit_code == 3 and "broken: cannot be read" in listed.stdout


def test_cron_all_prints_one_line_for_the_folder(folder: Path) -> None:
    result = dgtracker("--dir", str(folder), "cron", "--all", "--at", "06:45")
    assert result.exit_code == 0, result.output
    fields = result.stdout.split(maxsplit=5)
    assert fields[:5] == ["45", "6", "*", "*", "1-5"]
    command = shlex.split(fields[5])
    assert command[1:] == ["--dir", str(folder.absolute()), "remind", "--all"]


def test_without_a_folder_campaigns_says_how_to_give_one() -> None:
    result = dgtracker("campaigns")
    assert result.exit_code == 1
    assert "--dir PATH" in result.stderr and "DGTRACKER_DIR" in result.stderr
