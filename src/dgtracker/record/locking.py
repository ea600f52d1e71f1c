"""The record's lock: one writer at a time, between cooperating dgtracker processes.

The lock is a separate file beside the record (`.campaign.toml.lock`), held with flock on
POSIX and msvcrt (through filelock) on Windows (platform_calls.flock_module); the system
releases it when the process ends, however it ends, so a killed command never leaves the
record locked.

filelock is imported only on Windows, where it takes the lock.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from dgtracker.errors import RecordError
from dgtracker.platform_calls import NO_FOLLOW, flock_module

DEFAULT_LOCK_TIMEOUT = 10.0
LOCK_FILE_MODE = 0o600


def real_path(path: Path) -> Path:
    """The file a (possibly symlinked) record path really names; writes go there."""
    return Path(os.path.realpath(path))


def lock_path(path: Path) -> Path:
    target = real_path(path)
    return target.with_name(f".{target.name}.lock")


def lock_timeout() -> float:
    raw = os.environ.get("DGTRACKER_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _locked_out(lock_file: Path, timeout: float) -> RecordError:
    return RecordError(
        f"The record is locked by another dgtracker command ({lock_file}).",
        hint=f"Waited {timeout:g} s. Try again in a moment; "
        "set DGTRACKER_LOCK_TIMEOUT to wait longer.",
    )


def _cannot_lock(error: OSError, lock_file: Path) -> RecordError:
    return RecordError(
        f"Cannot lock the record: {error.strerror or error} ({lock_file}).",
        hint="Check that the record's folder is writable.",
    )


class Held:
    """A lock this process holds; `confirm` says whether it still guards the record."""

    def __init__(self, lock_file: Path, fd: int | None) -> None:
        self.lock_file = lock_file
        self.fd = fd

    def confirm(self) -> None:
        """Refuse to go on if the lock file was deleted or replaced while held (a cleaner
        such as `git clean -fdX`): another command may then hold a lock of its own."""
        if self.fd is None or _same_file(self.fd, self.lock_file):
            return
        raise RecordError(
            f"The record's lock file ({self.lock_file}) was removed while this command "
            "held it, so another command could be changing the record too.",
            hint="Nothing was saved. Run the command again; keep cleaners away from "
            "dgtracker's .*.lock files while commands run.",
        )


@contextmanager
def locked(path: Path) -> Iterator[Held]:
    """Hold the record's exclusive lock; the kernel frees it if this process dies."""
    lock_file = lock_path(path)
    fcntl = flock_module()
    if fcntl is None:  # Windows
        with _windows_lock(lock_file):
            yield Held(lock_file, None)
        return
    fd = _take(fcntl, lock_file, lock_timeout())
    try:  # closing the file releases the lock
        yield Held(lock_file, fd)
    finally:
        os.close(fd)


def _same_file(fd: int, lock_file: Path) -> bool:
    held = os.fstat(fd)
    try:
        now = os.stat(lock_file, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def _take(fcntl: ModuleType, lock_file: Path, timeout: float) -> int:
    """An open descriptor of `lock_file` holding its flock.

    The lock is only a lock while the file locked is still the one at the path: if a
    cleaner (`git clean -fdX`, a temp reaper) deleted or replaced it while this process
    waited, the next command would lock a new file and both would write at once. So after
    flock, the file at the path must be the one locked (same device and inode); if not,
    let go and lock again.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | NO_FOLLOW, LOCK_FILE_MODE)
        except OSError as error:
            raise _cannot_lock(error, lock_file) from None
        try:
            _wait_for_flock(fcntl, fd, lock_file, timeout, deadline)
            same = _same_file(fd, lock_file)
        except BaseException:
            os.close(fd)
            raise
        if same:
            return fd
        os.close(fd)  # the file locked was removed or replaced: lock the one there now


def _wait_for_flock(
    fcntl: ModuleType, fd: int, lock_file: Path, timeout: float, deadline: float
) -> None:
    """Take flock on `fd`, trying again until `timeout` seconds have passed.

    A try is one system call, so hundreds of commands can wait at once without starving
    the one holding the lock (filelock's polling costs about ten times as much).
    """
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise _cannot_lock(error, lock_file) from None
        left = deadline - time.monotonic()
        if left <= 0:
            raise _locked_out(lock_file, timeout)
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.05)


@contextmanager
def _windows_lock(lock_file: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    timeout = lock_timeout()
    lock = FileLock(str(lock_file), timeout=timeout, mode=LOCK_FILE_MODE)
    try:
        lock.acquire()
    except Timeout:
        raise _locked_out(lock_file, timeout) from None
    except OSError as error:
        raise _cannot_lock(error, lock_file) from None
    try:
        yield
    finally:
        lock.release()
