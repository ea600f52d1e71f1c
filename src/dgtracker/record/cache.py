"""The checked record kept beside its file (`.campaign.toml.cache`), so that a read of an
unchanged record neither parses the TOML nor checks its rules again.

A cache is trusted only when it proves it matches the file: it holds the SHA-256 of the
exact bytes it was made from, and every read hashes the bytes it has just read. A hash,
not the file's size and times: an edit of the same size within the same second, a file
renamed into place or a backup restored with its old times all change the bytes, while a
stat can miss them (times are coarse on many file systems, inodes are reused, and `utime`
sets any time). Hashing a 9 MB record takes about 10 ms; parsing and checking it, hundreds.

The cache is marshal (built-in types only, record/plain_model.py) behind a header that
names its format, the Python that wrote it, the rules it was checked by, and the hash;
anything else (missing, truncated, garbage, another format, Python or set of rules) is no
cache at all, and the record is read from its text and the cache made again. It is written
atomically (a temp file renamed over it), mode 0600: it holds the same personal data as the
record. A purge removes it and every save of the record writes it anew, so it never holds
more than the record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import stat
import sys
from contextlib import suppress
from pathlib import Path

from dgtracker import __version__
from dgtracker.progress import Walk, quietly
from dgtracker.record import field_rules
from dgtracker.record.locking import real_path
from dgtracker.record.model import Record
from dgtracker.record.plain_model import plain, record_from_plain

FORMAT = 3  # raise when plain_model's layout changes
MODE = 0o600
_MAGIC = b"dgtracker-cache\n"


def _rules() -> bytes:
    """What the checks were: dgtracker's version and every field's rule. A cache of a record
    checked by other rules (another release, a rule added) is no cache: the record is
    checked again by these."""
    tables = {
        name: {key: repr(_sorted_choices(rule)) for key, rule in table.items()}
        for name, table in sorted(vars(field_rules).items())
        if type(table) is dict
        and table
        and all(type(r) is field_rules.Field for r in table.values())
    }
    text = repr((__version__, sorted((name, sorted(t.items())) for name, t in tables.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].encode("ascii")


def _sorted_choices(rule: field_rules.Field) -> field_rules.Field:
    """The rule with its sets in order: a set's order changes from one process to the next."""
    choices = rule.choices
    if isinstance(choices, set | frozenset):
        return dataclasses.replace(rule, choices=tuple(sorted(choices)))
    keys = rule.keys
    if isinstance(keys, set | frozenset):
        return dataclasses.replace(rule, keys=tuple(sorted(keys)))
    return rule


def _header() -> bytes:
    # marshal's format and the objects' layout belong to one interpreter; the checks, to
    # one set of rules
    return b"%s%d %s %d %s\n" % (
        _MAGIC,
        FORMAT,
        sys.implementation.cache_tag.encode("ascii"),
        marshal.version,
        _rules(),
    )


_TEMP = ".tmp-"
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)


def digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def cache_path(record_file: Path) -> Path:
    """Beside the record itself (through a symlink to it), hidden."""
    target = real_path(record_file)
    return target.with_name(f".{target.name}.cache")


def is_cache_file(name: str, record_file: Path) -> bool:
    """The cache of the record, or a temp file of it a killed write left."""
    own = cache_path(record_file).name
    return name == own or name.startswith(own + _TEMP)


def read(record_file: Path, key: bytes, each: Walk = quietly) -> Record | None:
    """The record the cache holds, when it was made from bytes hashing to `key`; else None
    (never an error: the record is then read from its text). `each` walks its candidates."""
    try:  # never through a link, never waiting on a FIFO someone put there
        fd = os.open(cache_path(record_file), _READ_FLAGS)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            header = _header()
            if handle.read(len(header)) != header or handle.read(len(key)) != key:
                return None
            body = handle.read()
    except OSError:
        return None
    try:
        kept = marshal.loads(body)
        del body  # memory: what it held is unmarshalled
        return record_from_plain(kept, each)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None


def write(record_file: Path, key: bytes, record: Record) -> None:
    """Keep `record`, read from bytes hashing to `key`. Best effort: a folder that cannot be
    written to just has no cache."""
    path = cache_path(record_file)
    temp = path.with_name(f"{path.name}{_TEMP}{os.getpid()}-{os.urandom(4).hex()}")
    body = marshal.dumps(plain(record))
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), MODE)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_header() + key)
            handle.write(body)
        # No fsync: a cache lost in a crash is made again; a torn one fails its header.
        os.replace(temp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(temp)


def remove(record_file: Path) -> bool:
    """Remove the cache and any temp file of it; whether there was one."""
    path = cache_path(record_file)
    removed = False
    with suppress(OSError):
        for entry in os.scandir(path.parent):
            if is_cache_file(entry.name, record_file):
                with suppress(OSError):
                    os.unlink(entry.path)
                    removed = True
    return removed
