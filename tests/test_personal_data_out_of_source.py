"""Personal data never lands in dgtracker's own repository: the source tree holds no record,
its working-record folder is ignored, and a fresh checkout still shows the DHSC dashboard."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.conftest import AS_OF, Cli
from typer.testing import CliRunner

from dgtracker.cli.app import app

SOURCE = Path(__file__).resolve().parents[1]


def test_without_a_record_status_shows_the_bundled_example(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--as-of", AS_OF, "status"])
    assert result.exit_code == 0, result.output
    assert "Director General for Technology, Digital and Data" in result.stdout
    assert "bundled DHSC example" in result.stderr and "dgtracker init" in result.stderr
    assert not (tmp_path / "data").exists()  # reading wrote nothing


def test_without_a_record_a_change_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--as-of", AS_OF, "add-candidate", "Jane Secret"])
    assert result.exit_code == 3
    assert "No record at data/campaign.toml" in result.stderr
    assert "dgtracker init" in result.stderr
    assert not (tmp_path / "data").exists()


def test_the_source_repository_tracks_no_record_and_ignores_working_ones() -> None:
    if not (SOURCE / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "data"], cwd=SOURCE, capture_output=True, text=True, check=True
    )
    assert tracked.stdout == ""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/campaign.toml"], cwd=SOURCE, check=False
    )
    assert ignored.returncode == 0


def test_share_refuses_dgtracker_source_tree(tmp_path: Path) -> None:
    (tmp_path / "src" / "dgtracker").mkdir(parents=True)
    cli = Cli(tmp_path / "campaign.toml")
    cli.ok("init")
    result = cli("share")
    assert result.exit_code == 1
    assert "dgtracker's own source tree" in result.output
    assert not (tmp_path / ".git").exists()
