"""Faults during a save, locks held by others, and the modes of the files dgtracker makes.

A failed save exits 3 with a clear message, leaves the record byte-for-byte as it was and
no temp file behind. The faults are made by wrapping os functions (the disk cannot be
filled on demand), except the file-size limit, which is real.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dgtracker.cli.app import COMMAND_MODULES
from dgtracker.record import storage

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX behaviour")
# These end a process with a signal (tests/windows_like takes os.kill away).
sends_signals = pytest.mark.skipif(not hasattr(os, "kill"), reason="the test sends a signal")


def _leftovers(record: Path) -> list[Path]:
    return sorted(record.parent.glob(f".{record.name}*.tmp-*"))


def _is_temp(path: Any) -> bool:
    return ".tmp-" in os.fspath(path)


def _fail(error: int, real: Callable[..., Any], when: Callable[..., bool]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    return wrapped


def _assert_failed_cleanly(result: Any, record: Path, before: bytes, why: str) -> None:
    assert result.exit_code == 3, result.output
    assert f"Could not save {record}: {why}." in result.output
    assert "left exactly as it was" in result.output
    assert "Traceback" not in result.output
    assert record.read_bytes() == before
    assert _leftovers(record) == []


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.EIO, "the disk reported an input/output error"),
        (errno.EFBIG, "the file would be larger than the system allows"),
    ],
)
def test_a_failed_write_changes_nothing(cli, monkeypatch, error, why) -> None:
    before = cli.path.read_bytes()
    real_write = os.write
    written: list[int] = []

    def half_then_fail(fd: int, data: Any) -> int:
        if not written:  # the first call writes part of the record, as a full disk does
            written.append(real_write(fd, bytes(data)[: len(data) // 2]))
            return written[0]
        raise OSError(error, os.strerror(error))

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", half_then_fail)
        result = cli("add-candidate", "Grace Hopper")
    assert written, "the save never wrote"
    _assert_failed_cleanly(result, cli.path, before, why)


def test_fsync_failing_is_reported_and_never_retried(cli, monkeypatch) -> None:
    before = cli.path.read_bytes()
    calls: list[int] = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", failing_fsync)
        result = cli("add-candidate", "Grace Hopper")
    assert len(calls) == 1  # a second fsync could "succeed" over pages already dropped
    _assert_failed_cleanly(result, cli.path, before, "the disk reported an input/output error")


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission was denied"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_the_temp_file_cannot_be_created(cli, monkeypatch, error, why) -> None:
    before = cli.path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "open", _fail(error, os.open, lambda path, *a: _is_temp(path)))
        result = cli("add-candidate", "Grace Hopper")
    _assert_failed_cleanly(result, cli.path, before, why)


@pytest.mark.parametrize(
    ("error", "why"), [(errno.EIO, "the disk reported"), (errno.EACCES, "permission was denied")]
)
def test_the_rename_fails(cli, monkeypatch, error, why) -> None:
    before = cli.path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", _fail(error, os.replace, lambda *a: True))
        result = cli("add-candidate", "Grace Hopper")
    assert result.exit_code == 3 and why in result.output
    assert cli.path.read_bytes() == before and _leftovers(cli.path) == []


@posix_only
@pytest.mark.skipif(getattr(os, "getuid", lambda: -1)() == 0, reason="root may write anywhere")
def test_a_read_only_folder(cli) -> None:
    before = cli.path.read_bytes()
    os.chmod(cli.path.parent, 0o500)
    try:
        result = cli("add-candidate", "Grace Hopper")
    finally:
        os.chmod(cli.path.parent, 0o700)
    _assert_failed_cleanly(result, cli.path, before, "permission was denied")


def test_a_failed_backup_changes_nothing(cli, monkeypatch) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", _fail(errno.ENOSPC, os.fsync, lambda fd: True))
        result = cli("init", "--force")
    assert result.exit_code == 3 and "the disk is full" in result.output
    assert cli.path.read_bytes() == before
    assert list(cli.path.parent.glob("campaign.toml.bak-*")) == []
    assert _leftovers(cli.path) == []


def test_a_failed_export_leaves_no_file(cli, monkeypatch, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    target = tmp_path / "c001.json"
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", _fail(errno.ENOSPC, os.fsync, lambda fd: True))
        result = cli("export-subject", "c001", "-o", str(target))
    assert result.exit_code == 3 and "the disk is full" in result.output
    assert not target.exists() and list(tmp_path.glob(".c001.json.tmp-*")) == []


@posix_only
def test_the_file_size_limit(cli, run) -> None:
    """A real limit (RLIMIT_FSIZE): writes past it fail with EFBIG (Python ignores SIGXFSZ)."""
    import resource

    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    limit = len(before) + 10  # the record grows by more than this

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    args = ["--file", str(cli.path), "--as-of", "2026-02-02", "add-candidate", "Grace Hopper"]
    result = run(*args, preexec_fn=limited)
    assert result.returncode == 3, result.stderr
    assert "the file would be larger than the system allows" in result.stderr
    assert cli.path.read_bytes() == before and _leftovers(cli.path) == []


# --- locks ------------------------------------------------------------------------

# Another dgtracker process holding the record's lock, as a long save would.
HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from dgtracker.record.locking import locked
with locked(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


@contextmanager
def lock_held_by_another_process(record: Path) -> Iterator[subprocess.Popen[str]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(record)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=30)


@sends_signals
def test_a_locked_record_waits_then_names_the_lock(cli, monkeypatch) -> None:
    before = cli.path.read_bytes()
    monkeypatch.setenv("DGTRACKER_LOCK_TIMEOUT", "0.3")
    with lock_held_by_another_process(cli.path):
        result = cli("add-candidate", "Grace Hopper")
        assert result.exit_code == 3
        assert "locked by another dgtracker command" in result.output
        assert str(storage.lock_path(cli.path)) in result.output
        assert "Waited 0.3 s" in result.output and "DGTRACKER_LOCK_TIMEOUT" in result.output
        assert cli.path.read_bytes() == before
        # Reading needs no lock.
        assert "Applications close" in cli.ok("status")


@posix_only
@sends_signals
def test_a_lock_left_by_a_killed_process_never_blocks(cli, monkeypatch) -> None:
    monkeypatch.setenv("DGTRACKER_LOCK_TIMEOUT", "5")
    with lock_held_by_another_process(cli.path) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert storage.lock_path(cli.path).exists()  # the file stays; the lock went with the process
    assert cli.ok("add-candidate", "Grace Hopper").strip() == "c001"


# --- file modes -------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_files_holding_personal_data_are_private_under_umask_022(
    bare_cli, umask_022, tmp_path
) -> None:
    bare_cli.ok("init")
    bare_cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    bare_cli.ok("init", "--force")
    [backup] = bare_cli.path.parent.glob("campaign.toml.bak-*")
    assert _mode(bare_cli.path) == 0o600 and _mode(backup) == 0o600
    assert _mode(storage.lock_path(bare_cli.path)) & 0o022 == 0  # nobody else can write it
    bare_cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    bare_cli.ok("export-subject", "c001", "-o", str(tmp_path / "sar.json"))
    assert _mode(tmp_path / "sar.json") == 0o600
    if "export" in COMMAND_MODULES:
        for kind in ("json", "csv", "ics"):
            bare_cli.ok("export", kind, "-o", str(tmp_path / f"all.{kind}"))
            assert _mode(tmp_path / f"all.{kind}") == 0o600, kind


@posix_only
def test_an_existing_mode_is_kept_by_every_kind_of_save(cli, umask_022) -> None:
    os.chmod(cli.path, 0o640)
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("milestone", "done", "closing", "--on", "2026-02-02", "--early")
    cli.ok("purge", "--candidate", "c001")
    assert _mode(cli.path) == 0o640
