"""Files written apart from the record: exports, and what is left of the record beside it.

Exports (`export … -o`, `export-subject -o`) hold personal data and may be written in a
folder others can write to, so they never follow a link at their own name; temp files of
killed exports are removed once their writer has gone; backups are only the files
dgtracker could have made (see docs/safety.md).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from dgtracker.errors import Refused
from dgtracker.platform_calls import is_running, owned_by_me
from dgtracker.record.locking import real_path
from dgtracker.record.storage import (
    NEW_FILE_MODE,
    is_leftover,
    remove_quietly,
    write_text_atomically,
)


def write_export(
    path: Path, data: str | bytes, *, force: bool, record_path: Path, option: str = "-o"
) -> None:
    """Write an export holding personal data (mode 0600), safely like the record itself,
    after the checks of `check_target`."""
    check_target(path, force=force, record_path=record_path, option=option)
    tidy_dead_temps(Path(os.path.abspath(path)).parent, Path(path).name)
    write_text_atomically(path, data, mode=NEW_FILE_MODE, follow=False)


def check_target(path: Path, *, force: bool, record_path: Path, option: str = "-o") -> None:
    """Refuse a path an export must not write: the record itself, an existing file (unless
    `force`), a link, anything but a regular file, a folder that does not exist. `option`
    is how the user named the path (-o, --pdf), for the hints."""
    other = f"another path {'with' if option == '-o' else 'for'} {option}"
    if real_path(path) == real_path(record_path):
        raise Refused(f"{path} is the record itself.", hint=f"Choose {other}.")
    try:
        there = os.lstat(path)
    except FileNotFoundError:
        there = None
    except OSError as error:
        raise Refused(f"Cannot write {path}: {error.strerror or error}.") from None
    if there is not None:
        if not force:
            raise Refused(
                f"{path} already exists.", hint=f"Add --force to replace it, or choose {other}."
            )
        if stat.S_ISLNK(there.st_mode):  # maybe planted by another user: never followed
            raise Refused(
                f"{path} is a symbolic link; an export never writes through one.",
                hint=f"Remove the link, or choose {other}.",
            )
        if not stat.S_ISREG(there.st_mode):
            to_stdout = ", or leave out -o to write to standard output" if option == "-o" else ""
            raise Refused(
                f"{path} is not a regular file (a device, a pipe, a folder or a socket).",
                hint=f"Choose {other}{to_stdout}.",
            )
    directory = Path(os.path.abspath(path)).parent
    if not directory.is_dir():
        raise Refused(f"Cannot create {path}: the folder {directory} does not exist.")


def backups_of(path: Path) -> list[Path]:
    """The backups dgtracker made of the record: regular files beside it, named for it,
    owned by the record's owner. Anything else under such a name (a symlink, or a file
    another user planted in a shared folder) is not a backup: it is neither read nor
    changed, so it can neither block nor mislead a purge."""
    target = real_path(path)
    try:
        owner: int | None = target.stat().st_uid
    except OSError:
        owner = None
    found = []
    for candidate in sorted(target.parent.glob(f"{target.name}.bak-*")):
        if is_leftover(candidate.name, target):
            continue
        try:
            info = candidate.lstat()
        except OSError:
            continue
        mine = owned_by_me(info) if owner is None else info.st_uid == owner
        if stat.S_ISREG(info.st_mode) and mine:
            found.append(candidate)
    return found


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-[0-9a-f]{8}$")


def tidy_dead_temps(directory: Path, name: str | None = None) -> list[Path]:
    """Remove temp files (`.NAME.tmp-PID-…`, of `name` or of any file) whose writer is no
    longer running: an export or export-subject killed part-way leaves one, holding the
    personal data it was writing. Only regular files of this user are touched, and none
    whose process still runs (it may be writing)."""
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or (name is not None and match["name"] != name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        ours = stat.S_ISREG(info.st_mode) and owned_by_me(info)
        if ours and not is_running(int(match["pid"])):
            remove_quietly(Path(entry.path))
            removed.append(Path(entry.path))
    return removed
