"""The calls that are POSIX-only, or that fail on some file systems, each with its fallback.

Windows has no effective user id, no flock, and `os.kill(pid, 0)` there ends the process
instead of asking about it; FAT drives and some network shares have no hard links. Every
such call is made here and nowhere else, so each fallback is written once and tested
(tests/test_platform_calls.py runs the commands with the POSIX-only calls taken away).

fcntl and ctypes are imported where they are called: each exists on one system only.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from types import ModuleType
from typing import Any


def effective_uid() -> int | None:
    """This process's user id; None where the system has none (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def is_root() -> bool:
    return effective_uid() == 0


def owned_by_me(info: os.stat_result) -> bool:
    """Whether a file is this user's. Windows gives no owner in a stat (st_uid is 0): a
    file there is taken as the user's, its folder's permissions guarding it
    (docs/data-protection.md)."""
    uid = effective_uid()
    return uid is None or info.st_uid == uid


def is_running(pid: int) -> bool:
    """Whether a process is still running; when that cannot be told, it is (so nothing it
    may be writing is removed)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_running(pid)
    kill = getattr(os, "kill", None)
    if kill is None:
        return True
    try:
        kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


_STILL_ACTIVE = 259
_QUERY_LIMITED_INFORMATION = 0x1000
_INVALID_PARAMETER = 87  # no process has that id


def _windows_running(pid: int, kernel32: Any = None) -> bool:
    """Ask Windows itself: os.kill there would terminate the process."""
    import ctypes

    if kernel32 is None:
        kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (absent from POSIX)
    handle = kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return bool(kernel32.GetLastError() != _INVALID_PARAMETER)
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == _STILL_ACTIVE)
    finally:
        kernel32.CloseHandle(handle)


def place_new(temp: Path, target: Path) -> None:
    """Give `temp` the name `target`, failing (FileExistsError) if the name is taken.

    A hard link does it in one step. Where the file system has none (FAT, some network
    shares, or no os.link at all), the name is claimed first by creating an empty file
    exclusively, then the temp file is renamed over that claim."""
    link = getattr(os, "link", None)
    if link is not None:
        try:
            link(temp, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise
        else:
            os.unlink(temp)
            return
    claim = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(claim)
    os.replace(temp, target)


NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows, whose lock goes through filelock


def flock_module() -> ModuleType | None:
    """fcntl, for flock; None on Windows (the lock then goes through filelock)."""
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl
