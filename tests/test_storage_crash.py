"""A process killed (SIGKILL) at each point of a save leaves the old record or the new one.

Each test runs dgtracker in a child process whose os.write / os.fsync / os.replace are
wrapped to kill the process at one point of the save: no test hook in dgtracker itself.
The last test swaps in a naive in-place writer and shows that the same check catches the
damage it does, so these tests can fail.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dgtracker.record import storage

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

AS_OF = "2026-02-02"
# Runs dgtracker.cli.main with argv, killing itself at POINT; the clock is fixed so that
# a save that is not killed gives the same bytes every time.
CRASHING_DGTRACKER = r"""
import os, signal, sys
from datetime import datetime, timezone

import dgtracker.cli.settings as settings
from dgtracker.cli.app import main
from dgtracker.record import storage

point, argv = sys.argv[1], sys.argv[2:]
settings.now_utc = lambda: datetime(2026, 2, 2, 9, 30, tzinfo=timezone.utc)
real_write, real_fsync, real_replace = os.write, os.fsync, os.replace


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def write(fd, data):
    if point == "mid-write":
        real_write(fd, bytes(data)[: len(data) // 2])
        die()
    return real_write(fd, data)


def fsync(fd):
    if point == "after-write":
        die()
    real_fsync(fd)
    if point == "after-fsync":
        die()


def replace(source, target):
    real_replace(source, target)
    if point == "after-rename":
        die()


def naive_write(path, text, mode=None, lock=None, **options):
    # What an unsafe tool does: truncate the record and write it in place.
    text = text if isinstance(text, str) else "".join(text)  # a save's parts
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text[: len(text) // 2])
        handle.flush()
        die()


os.write, os.fsync, os.replace = write, fsync, replace
if point == "naive":
    storage.write_text_atomically = naive_write
sys.argv = ["dgtracker", *argv]
main()
"""

COMMANDS = {
    "add-candidate": ["add-candidate", "Grace Hopper", "--email", "grace@example.org"],
    "init --force": ["init", "--force"],
}


def _run(record: Path, point: str, command: list[str]) -> subprocess.CompletedProcess[str]:
    argv = ["--file", str(record), "--as-of", AS_OF, *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DGTRACKER_")}
    env.update(USER="tester", LOGNAME="tester")  # the same bytes whoever runs the tests
    return subprocess.run(
        [sys.executable, "-c", CRASHING_DGTRACKER, point, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def _leftovers(record: Path) -> list[Path]:
    return sorted(record.parent.glob(f".{record.name}*.tmp-*"))


def _token_aside(text: bytes) -> bytes:
    """The record with its calendar token's value set aside: `init` draws it at random."""
    return re.sub(rb'\ncalendar = "[0-9a-f]+"\n', b'\ncalendar = "?"\n', text)


def verdict(record: Path, before: bytes, after: bytes) -> str:
    """'before' or 'after' when the record is exactly one of them (its random calendar
    token aside) and valid; else 'damaged'."""
    now = _token_aside(record.read_bytes())
    if storage.problems_in(record):
        return "damaged"
    return {_token_aside(before): "before", _token_aside(after): "after"}.get(now, "damaged")


@pytest.fixture(scope="module")
def saves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, bytes]]:
    """For each command: the record before it, and as it saves it when nothing goes wrong."""
    folder = tmp_path_factory.mktemp("clean")
    start = folder / "campaign.toml"
    for command in (["init"], ["add-candidate", "Ada Lovelace"]):
        assert _run(start, "none", command).returncode == 0
    before = start.read_bytes()
    results = {}
    for name, command in COMMANDS.items():
        record = folder / name.replace(" ", "") / "campaign.toml"
        record.parent.mkdir()
        record.write_bytes(before)
        finished = _run(record, "none", command)
        assert finished.returncode == 0, finished.stderr
        results[name] = (before, record.read_bytes())
    return results


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ("mid-write", "before"),
        ("after-write", "before"),
        ("after-fsync", "before"),
        ("after-rename", "after"),
    ],
)
def test_a_save_killed_at_any_point_leaves_the_old_or_the_new_record(
    cli, saves, command, point, expected
) -> None:
    before, after = saves[command]
    assert after != before
    cli.path.write_bytes(before)
    killed = _run(cli.path, point, COMMANDS[command])
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it died at that point
    # (init --force links its backup into place, never renaming over a name, so its first
    # rename is the record's own.)
    assert verdict(cli.path, before, after) == expected
    assert len(_leftovers(cli.path)) == (1 if expected == "before" else 0)
    # The next command that changes the record tidies the leftover temp file.
    cli.ok("add-candidate", "Katherine Johnson")
    assert _leftovers(cli.path) == []
    assert "is valid" in cli.ok("check")


def test_the_check_catches_a_naive_in_place_writer(cli, saves) -> None:
    before, after = saves["add-candidate"]
    cli.path.write_bytes(before)
    killed = _run(cli.path, "naive", COMMANDS["add-candidate"])
    assert killed.returncode == -signal.SIGKILL
    assert verdict(cli.path, before, after) == "damaged"
    assert cli("check").exit_code == 3
