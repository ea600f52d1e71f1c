"""Real git for the team tests: a bare remote and clones of a shared record, in tmp_path."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from tests.conftest import Cli


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for what in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{what}_NAME", "Team Member")
        monkeypatch.setenv(f"GIT_{what}_EMAIL", "member@example.org")
    git(tmp_path, "config", "--global", "init.defaultBranch", "main")


def git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def data(clone: Path) -> dict:
    return tomllib.loads((clone / "campaign.toml").read_text(encoding="utf-8"))


def events(clone: Path) -> list[tuple]:
    """Every history event as (candidate name, event) pairs, to count across merges."""
    found = []
    for candidate in data(clone)["candidates"]:
        for event in candidate.get("history", []):
            found.append((candidate["name"], tuple(sorted((k, str(v)) for k, v in event.items()))))
    return found


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A bare remote and three clones of a shared DHSC record."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    first = tmp_path / "ada"
    first.mkdir()
    ada = Cli(first / "campaign.toml")
    ada.ok("init")
    out = ada.ok("share")
    assert "Committed campaign.toml" in out
    git(first, "remote", "add", "origin", str(remote))
    assert "sent 1 commit(s)" in ada.ok("sync")
    clones = [first]
    for name in ("bob", "cy"):
        git(tmp_path, "clone", "-q", str(remote), name)
        Cli(tmp_path / name / "campaign.toml").ok("share")  # the driver is per clone
        clones.append(tmp_path / name)
    return remote, clones
