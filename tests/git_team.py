"""Real git for the team tests: a bare remote and clones of a shared record, in tmp_path."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from tests.conftest import Cli


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_git_identity(monkeypatch, tmp_path / "home")


def set_git_identity(
    monkeypatch: pytest.MonkeyPatch, home: Path, moment: str | None = None
) -> None:
    """A home of its own with the team member's git identity (and, given, the moment every
    commit is made at), and `main` the first branch of a new repository."""
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for what in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{what}_NAME", "Team Member")
        monkeypatch.setenv(f"GIT_{what}_EMAIL", "member@example.org")
        if moment is not None:
            monkeypatch.setenv(f"GIT_{what}_DATE", moment)
    git(home.parent, "config", "--global", "init.defaultBranch", "main")


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


TEAM = ("remote.git", "ada", "bob", "cy")


def _make_team(folder: Path) -> None:
    """A bare remote and three clones of a shared DHSC record, made in `folder`."""
    remote = folder / "remote.git"
    git(folder, "init", "-q", "--bare", str(remote))
    first = folder / "ada"
    first.mkdir()
    ada = Cli(first / "campaign.toml")
    ada.ok("init")
    out = ada.ok("share")
    assert "Committed campaign.toml" in out
    git(first, "remote", "add", "origin", str(remote))
    assert "sent 1 commit(s)" in ada.ok("sync")
    for name in ("bob", "cy"):
        git(folder, "clone", "-q", str(remote), name)
        Cli(folder / name / "campaign.toml").ok("share")  # the driver is per clone


_MADE: dict[str, Path] = {}  # the team made once in this process, by folder


def _made_team(factory: pytest.TempPathFactory) -> Path:
    """The team made once for the test process (about 30 git processes), in the
    environment a test gives it (git_identity, clean_environment); each test gets a copy."""
    if "team" in _MADE:
        return _MADE["team"]
    folder = factory.mktemp("team")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(folder))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for what in ("AUTHOR", "COMMITTER"):
            env.setenv(f"GIT_{what}_NAME", "Team Member")
            env.setenv(f"GIT_{what}_EMAIL", "member@example.org")
        for name in ("DGTRACKER_FILE", "DGTRACKER_TODAY", "DGTRACKER_LOCK_TIMEOUT"):
            env.delenv(name, raising=False)
        env.setenv("USER", "tester")
        env.setenv("LOGNAME", "tester")
        git(folder, "config", "--global", "init.defaultBranch", "main")
        _make_team(folder)
    _MADE["team"] = folder
    return folder


@pytest.fixture
def team(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, list[Path]]:
    """A bare remote and three clones of a shared DHSC record: a copy of the one made for
    the process, each clone's remote pointed at the copy's."""
    made_team = _made_team(tmp_path_factory)
    for name in TEAM:
        shutil.copytree(made_team / name, tmp_path / name, symlinks=True)
    remote = tmp_path / "remote.git"
    for name in TEAM[1:]:
        config = tmp_path / name / ".git" / "config"
        text = config.read_text(encoding="utf-8")
        assert str(made_team / "remote.git") in text
        config.write_text(text.replace(str(made_team / "remote.git"), str(remote)), "utf-8")
    return remote, [tmp_path / name for name in TEAM[1:]]
