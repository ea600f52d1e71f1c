"""Windows, as far as Linux can play it. Loaded by every Python started with this folder on
PYTHONPATH (the test run, its workers and every dgtracker it starts), it takes the POSIX-only
calls away before anything imports them: no effective user id, no os.kill, no fcntl, a file
system without hard links, and the user named as Windows names them. `.ci/run` runs the
whole default suite so (tests/test_platform_calls.py says why each call matters)."""

import errno
import os
import sys

# os.getuid stays: pytest's own temp folders need it on Linux (dgtracker never calls it:
# tests/test_platform_calls.py holds every POSIX-only call to dgtracker/platform_calls.py).
for _name in ("geteuid", "kill"):
    if hasattr(os, _name):
        delattr(os, _name)


def _no_hard_links(source: object, target: object, *args: object, **kwargs: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")  # what FAT and SMB shares say


os.link = _no_hard_links
# dgtracker's Windows lock goes through filelock, whose FileLock there is msvcrt's: a kernel
# lock freed when its process ends. Its stand-in here is the same kind of lock (flock, taken
# before fcntl goes), not filelock's soft lock, which outlives a killed process.
try:
    import filelock

    filelock.FileLock = filelock.UnixFileLock  # type: ignore[misc]
except ImportError:
    pass

for _module in ("fcntl", "pwd", "grp"):
    sys.modules[_module] = None  # type: ignore[assignment]  # `import fcntl` raises ImportError
# Windows names its user in USERNAME alone.
_user = os.environ.pop("USER", None) or os.environ.pop("LOGNAME", None) or "tester"
os.environ.pop("LOGNAME", None)
os.environ.setdefault("USERNAME", _user)
os.environ["WINDOWS_LIKE"] = "1"  # the few tests that need a POSIX call to set up skip
