"""Creating, finding and checking the record through the CLI."""

import os
import re
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from dgtracker import __version__


def test_init_creates_the_dhsc_record_privately(bare_cli) -> None:
    out = bare_cli.ok("init")
    assert "Created" in out
    data = bare_cli.data()
    assert data["schema"] == 1
    assert data["campaign"]["title"] == "Director General for Technology, Digital and Data"
    assert data["campaign"]["organisation"] == "Department of Health and Social Care"
    assert data["campaign"]["timezone"] == "Europe/London"
    assert "285,000" in data["campaign"]["salary"]
    milestones = {m["id"]: m for m in data["milestones"]}
    assert str(milestones["closing"]["date"]) == "2026-02-09"
    assert str(milestones["interviews"]["start"]) == "2026-03-01"
    assert str(milestones["interviews"]["end"]) == "2026-03-10"
    assert milestones["sift"]["tbc"] is True
    assert [s["id"] for s in data["stages"]] == [
        "applied",
        "longlist",
        "shortlist",
        "assessment",
        "interview",
        "preferred",
        "offer",
        "appointed",
        "reserve",
        "rejected",
        "withdrawn",
    ]
    assert data["candidates"] == []  # no invented people
    if os.name == "posix":
        assert stat.S_IMODE(bare_cli.path.stat().st_mode) == 0o600


def test_init_refuses_to_overwrite(cli) -> None:
    before = cli.path.read_bytes()
    result = cli("init")
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert cli.path.read_bytes() == before


def test_init_force_keeps_a_backup(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    out = cli.ok("init", "--force")
    backups = list(cli.path.parent.glob("campaign.toml.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert str(backups[0]) in out
    assert cli.data()["candidates"] == []
    if os.name == "posix":
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600


def test_init_another_campaign(bare_cli) -> None:
    bare_cli.ok(
        "init",
        "--title",
        "Chief Data Officer",
        "--closes",
        "9 March 2026",
        "--organisation",
        "Example Agency",
    )
    data = bare_cli.data()
    assert data["campaign"]["title"] == "Chief Data Officer"
    assert data["campaign"]["id"] == "chief-data-officer"
    assert data["campaign"]["organisation"] == "Example Agency"
    assert str(data["milestones"][0]["date"]) == "2026-03-09"


def test_missing_record_names_the_path_and_the_fix(bare_cli) -> None:
    result = bare_cli("status")
    assert result.exit_code == 3
    assert str(bare_cli.path) in result.output
    assert "dgtracker init" in result.output
    assert "Traceback" not in result.output


def test_where_follows_option_then_environment_then_default(tmp_path, monkeypatch, bare_cli):
    from typer.testing import CliRunner

    from dgtracker.cli.app import app

    runner = CliRunner()
    assert runner.invoke(app, ["where"]).stdout.strip() == str(tmp_path / "data" / "campaign.toml")
    monkeypatch.setenv("DGTRACKER_FILE", str(tmp_path / "env.toml"))
    assert runner.invoke(app, ["where"]).stdout.strip() == str(tmp_path / "env.toml")
    out = runner.invoke(app, ["--file", str(tmp_path / "opt.toml"), "where"]).stdout
    assert out.strip() == str(tmp_path / "opt.toml")


def test_version(bare_cli) -> None:
    result = bare_cli.runner.invoke(__import__("dgtracker.cli.app").cli.app.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"dgtracker {__version__}"


def test_usage_errors_exit_2(cli) -> None:
    assert cli("no-such-command").exit_code == 2
    assert cli("move", "c001").exit_code == 2


def test_bad_as_of_is_refused_with_the_reason(cli) -> None:
    result = cli("status", as_of="31/02/2026")
    assert result.exit_code == 1
    assert "--as-of" in result.output and "no day 31" in result.output


def test_as_of_from_environment(cli, monkeypatch) -> None:
    monkeypatch.setenv("DGTRACKER_TODAY", "2026-02-08")
    out = cli.ok("status", "--json", as_of=None)
    assert '"as_of": "2026-02-08"' in out


def test_writes_are_deterministic(tmp_path) -> None:
    from tests.conftest import Cli

    texts = []
    for name in ("a.toml", "b.toml"):
        runner = Cli(tmp_path / name)
        runner.ok("init")
        texts.append(runner.path.read_bytes())
    # Byte for byte the same, but for the calendar token each record draws for itself (its
    # calendar UIDs must differ from any other record's).
    tokens = [re.search(rb'\ncalendar = "([0-9a-f]{10})"\n', text) for text in texts]
    assert tokens[0] and tokens[1] and tokens[0][1] != tokens[1][1]
    assert texts[0].replace(tokens[0][1], b"?") == texts[1].replace(tokens[1][1], b"?")


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinked_record_is_updated_through_the_link(tmp_path: Path) -> None:
    from tests.conftest import Cli

    real = tmp_path / "real" / "campaign.toml"
    real.parent.mkdir()
    Cli(real).ok("init")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    linked = Cli(link)
    linked.ok("add-candidate", "Grace Hopper")
    assert link.is_symlink()
    data = tomllib.loads(real.read_text(encoding="utf-8"))
    assert [c["name"] for c in data["candidates"]] == ["Grace Hopper"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_existing_mode_is_kept(cli) -> None:
    os.chmod(cli.path, 0o640)
    cli.ok("add-candidate", "Grace Hopper")
    assert stat.S_IMODE(cli.path.stat().st_mode) == 0o640


def test_first_init_makes_the_data_folder(tmp_path) -> None:
    from typer.testing import CliRunner

    from dgtracker.cli.app import app

    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    record = tmp_path / "data" / "campaign.toml"
    assert record.exists()
    if os.name == "posix":
        assert stat.S_IMODE(record.parent.stat().st_mode) == 0o700
