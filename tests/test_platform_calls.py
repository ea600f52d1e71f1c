"""Windows and file systems without hard links, as far as Linux can play them: the commands
that touch POSIX-only calls (an export over a killed export's temp file, purge, a save that
keeps a backup, the lock) run with those calls taken away, and nothing crashes.

Every such call is in dgtracker/platform_calls.py; these tests take the calls away from
`os` itself (and make `import fcntl` fail), so a call made anywhere else fails here."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import AS_OF, installed_dgtracker
from tests.test_privacy_cli import _campaign

from dgtracker import platform_calls

filelock = pytest.importorskip("filelock")  # the Windows lock (a test extra on Linux)


def _no_hard_links(source: object, target: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")  # what FAT and SMB shares say


@pytest.fixture
def windows_like(monkeypatch: pytest.MonkeyPatch) -> None:
    """No effective user id, no os.kill, no fcntl, and a file system without hard links."""
    monkeypatch.delattr(os, "geteuid", raising=False)
    monkeypatch.delattr(os, "kill", raising=False)
    monkeypatch.setattr(os, "link", _no_hard_links)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError


def _dead_pid() -> int:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_the_platform_calls_are_gone_in_the_windows_like_fixture(windows_like) -> None:
    assert not hasattr(os, "geteuid") and not hasattr(os, "kill")
    assert platform_calls.flock_module() is None
    assert platform_calls.effective_uid() is None and not platform_calls.is_root()


def test_an_export_over_a_killed_exports_temp_file_does_not_crash(cli, windows_like) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    left = cli.path.parent / f".subject.json.tmp-{_dead_pid()}-0badc0de"
    left.write_text('{"name": "Ada Lovelace"}')

    cli.ok("export", "json", "-o", "subject.json")

    assert "Ada Lovelace" in Path("subject.json").read_text(encoding="utf-8")
    # With no way to ask whether its writer runs, the temp file is kept: it may be in use.
    assert left.exists()


def test_purge_runs_with_a_leftover_temp_file(cli, windows_like) -> None:
    _campaign(cli)  # Grace Hopper rejected, the campaign's outcome long past
    (cli.path.parent / f".report.csv.tmp-{_dead_pid()}-0badc0de").write_text("Grace Hopper")

    out = cli.ok("purge", as_of="2026-09-20")

    assert "Anonymised" in out
    assert "Grace Hopper" not in cli.path.read_text(encoding="utf-8")


def test_a_backup_is_kept_where_there_are_no_hard_links(cli, windows_like) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()

    out = cli.ok("init", "--force")

    (backup,) = cli.path.parent.glob("campaign.toml.bak-*")
    assert backup.read_bytes() == before and str(backup) in out
    assert list(cli.path.parent.glob(".campaign.toml*.tmp-*")) == []


def test_a_backup_never_takes_a_name_already_there_without_hard_links(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.delattr(os, "link")
    taken = tmp_path / "taken"
    taken.write_text("someone else's")
    temp = tmp_path / "temp"
    temp.write_text("ours")

    with pytest.raises(FileExistsError):
        platform_calls.place_new(temp, taken)

    assert taken.read_text() == "someone else's" and temp.exists()
    platform_calls.place_new(temp, tmp_path / "free")
    assert (tmp_path / "free").read_text() == "ours" and not temp.exists()


def test_a_full_disk_is_not_taken_for_a_missing_hard_link(tmp_path, monkeypatch) -> None:
    def full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", full)
    (tmp_path / "temp").write_text("ours")
    with pytest.raises(OSError, match="No space"):
        platform_calls.place_new(tmp_path / "temp", tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


def test_the_lock_without_fcntl_holds_out_another_writer(cli, windows_like, monkeypatch) -> None:
    monkeypatch.setenv("DGTRACKER_LOCK_TIMEOUT", "0")
    cli.ok("add-candidate", "Ada Lovelace")  # takes and frees the lock through filelock
    held = filelock.FileLock(str(cli.path.parent / ".campaign.toml.lock"))
    with held:
        result = cli("add-candidate", "Grace Hopper")
    assert result.exit_code != 0 and "locked by another dgtracker command" in result.output
    assert "Grace Hopper" not in cli.path.read_text(encoding="utf-8")
    cli.ok("add-candidate", "Grace Hopper")


class _Kernel32:
    """Windows's answers, as a test can give them."""

    def __init__(self, handle: int, last_error: int = 0, exit_code: int = 259) -> None:
        self.handle, self.last_error, self.exit_code = handle, last_error, exit_code
        self.closed: list[int] = []

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        return self.handle

    def GetLastError(self) -> int:
        return self.last_error

    def GetExitCodeProcess(self, handle: int, code: object) -> int:
        code._obj.value = self.exit_code  # type: ignore[attr-defined]  # ctypes.byref
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.closed.append(handle)
        return 1


@pytest.mark.parametrize(
    ("kernel32", "running"),
    [
        (_Kernel32(handle=0, last_error=87), False),  # no process has that id
        (_Kernel32(handle=0, last_error=5), True),  # another user's: access denied
        (_Kernel32(handle=7, exit_code=259), True),  # STILL_ACTIVE
        (_Kernel32(handle=7, exit_code=0), False),  # it has ended
    ],
)
def test_windows_is_asked_whether_a_writer_runs_never_sent_a_signal(kernel32, running) -> None:
    assert platform_calls._windows_running(4242, kernel32) is running
    assert kernel32.closed == ([7] if kernel32.handle else [])


@pytest.mark.skipif(not hasattr(os, "kill"), reason="the POSIX answer (os.kill)")
def test_an_ended_writers_temp_file_goes_where_the_system_can_say(cli) -> None:
    left = cli.path.parent / f".subject.json.tmp-{_dead_pid()}-0badc0de"
    left.write_text("Ada Lovelace")
    cli.ok("export", "json", "-o", "subject.json")
    assert not left.exists()


WINDOWS_LIKE = Path(__file__).parent / "windows_like"  # its sitecustomize takes the calls away
POSIX_ONLY = re.compile(
    r"\bos\.(geteuid|getuid|getgid|kill|link|fchown|chown|getpgid|setsid)\b|"
    r"\bimport (fcntl|pwd|grp|termios)\b|\bsignal\.SIG(KILL|STOP|HUP)\b"
)


def test_every_posix_only_call_is_made_in_platform_calls_alone() -> None:
    """So the fallbacks written there are the only ones needed, and the whole suite run with
    the calls taken away (.ci/run, tests/windows_like) reaches each of them."""
    package = Path(platform_calls.__file__).parent
    found = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "platform_calls.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if POSIX_ONLY.search(line)
    ]
    assert found == []
    assert all(POSIX_ONLY.search(line) for line in ("os.kill(pid, 0)", "import fcntl"))


def test_the_installed_cli_runs_with_the_posix_only_calls_removed(tmp_path) -> None:
    """As a CI job on Windows would: the installed script, its interpreter stripped of
    geteuid, kill, link and fcntl before dgtracker loads (a sitecustomize)."""
    env = {**os.environ, "PYTHONPATH": str(WINDOWS_LIKE), "DGTRACKER_LOCK_TIMEOUT": "5"}
    record = tmp_path / "campaign.toml"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed_dgtracker(), "--file", str(record), "--as-of", AS_OF, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=60,
            check=False,
        )

    assert run("init").returncode == 0
    assert run("add-candidate", "Ada Lovelace").returncode == 0
    (tmp_path / f".out.json.tmp-{_dead_pid()}-0badc0de").write_text("Ada Lovelace")
    for args in (
        ("export", "json", "-o", str(tmp_path / "out.json")),
        ("init", "--force"),
        ("purge",),
        ("status",),
    ):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert len(list(tmp_path.glob("campaign.toml.bak-*"))) == 1
    probe = subprocess.run(
        [sys.executable, "-c", "import os; print(hasattr(os, 'geteuid'))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert probe.stdout.strip() == "False"  # the shim did take the calls away
