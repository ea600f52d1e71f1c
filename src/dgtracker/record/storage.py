"""Reading and writing the record file, safely.

(Over 400 lines on purpose: every step of one safe save, and every check before one, is
here in the order it runs; the lock is in record/locking.py, exports in exchange/safe_files.py.)

Every change is a read-modify-write under an exclusive lock. A save first checks that its
text parses back to exactly what was meant (each part it wrote anew, when it keeps the
text of unchanged candidates: record/text_pieces.py), then writes a temp file in the same
directory, fsyncs it, renames it over the record and fsyncs the directory: a reader sees
the old record or the new one, never a mix, and a failed save leaves the original
byte-for-byte as it was.

The writers (record/encode.py, record/toml_writer.py) are imported only by a save, and the
checks (record/decode.py and the field rules) only where a text is read: a read from the
cache (record/cache.py) needs neither (start-up budget).
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from dgtracker.errors import InvalidRecord, RecordError, Refused
from dgtracker.platform_calls import owned_by_me, place_new
from dgtracker.progress import Walk, quietly
from dgtracker.record import cache as record_cache
from dgtracker.record.locking import Held, real_path
from dgtracker.record.locking import lock_path as lock_path  # re-exported: where the lock is
from dgtracker.record.model import Record
from dgtracker.record.plain_model import (
    PlainListing,
    PlainSummary,
    PlainWatch,
    listings_from_plain,
    plain_listing,
    plain_summary,
    plain_watch,
    summaries_from_plain,
    watches_from_plain,
)
from dgtracker.record.summary import (
    Listing,
    Summary,
    Watch,
    listings_of,
    summaries_of,
    watches_of,
)
from dgtracker.record.text_pieces import (
    CandidatePieces,
    NotInPieces,
    each_part_keeping_unchanged,
    parse_in_pieces,
    parse_pieces_read,
    read_in_pieces,
    where_pieces_are,
)

NEW_FILE_MODE = 0o600  # records hold personal data

_WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EIO: "the disk reported an input/output error",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission was denied",
    errno.EPERM: "permission was denied",
    errno.EFBIG: "the file would be larger than the system allows",
}


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.tmp-"


# --- reading -----------------------------------------------------------------------


# Far beyond any campaign (a record of 100,000 candidates is about 60 MB): a larger file
# is not a record, and reading it whole could exhaust the memory.
MAX_RECORD_BYTES = 512 * 1024 * 1024


def read_text(path: Path) -> str:
    """The record's text. Anything but a regular file (a symlink to one is fine) is
    refused before a byte is read: a FIFO would hang every command (a writer holding the
    lock meanwhile), and /dev/zero never ends."""
    return text_of(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The record's bytes, refused as `read_text` says."""
    with _opened(path) as handle:
        try:
            raw: bytes = handle.read(MAX_RECORD_BYTES + 1)
        except OSError as error:
            raise RecordError(f"Cannot read {path}: {error.strerror or error}.") from None
    return raw


_CHUNK_READ = 1 << 20


def _chunks(handle: Any, path: Path) -> Iterator[bytes]:
    """The file's bytes from where the handle is, a megabyte at a time."""
    while True:
        try:
            chunk = handle.read(_CHUNK_READ)
        except OSError as error:
            raise RecordError(f"Cannot read {path}: {error.strerror or error}.") from None
        if not chunk:
            return
        yield chunk


def file_digest(path: Path) -> bytes:
    """The SHA-256 of the record's bytes (record/cache.py's key: the same digest as
    `cache.digest` of them), read a megabyte at a time: the file is not held whole."""
    digest = hashlib.sha256()
    with _opened(path) as handle:
        for chunk in _chunks(handle, path):
            digest.update(chunk)
    return digest.digest()


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    """The record opened to read, refused as `read_text` says."""
    try:  # O_NONBLOCK: opening a FIFO to read would otherwise wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise RecordError(
            f"No record at {path}.",
            hint="Create one with 'dgtracker init', or choose another with --file PATH "
            "or DGTRACKER_FILE.",
        ) from None
    except IsADirectoryError:
        raise RecordError(f"{path} is a folder, not a record file.") from None
    except OSError as error:
        raise RecordError(f"Cannot read {path}: {error.strerror or error}.") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise RecordError(f"{path} is a folder, not a record file.")
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(
                f"{path} is not a regular file (a pipe, a device or a socket), "
                "so it cannot be a record.",
                hint="Choose the record file itself with --file PATH.",
            )
        if info.st_size > MAX_RECORD_BYTES:
            raise RecordError(
                f"{path} is {info.st_size:,} bytes, more than a record can be "
                f"({MAX_RECORD_BYTES:,}).",
                hint="Choose the record file itself with --file PATH.",
            )
        yield handle


def text_of(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read).",
            hint="Save the file as UTF-8 and try again.",
        ) from None


def loads(text: str) -> dict[str, Any]:
    """TOML 1.0 text as data. toml-rs reads it (compiled, wheels for Linux, macOS and
    Windows): a record's pieces parse twice as fast as with rtoml, with the same data.
    TOML 1.1 is refused so that a hand-edited record stays readable by every TOML tool."""
    # toml_rs is compiled: imported at the first read, not with this module, so that `docs`
    # and `--help` run where it cannot load (a plain zipapp: docs/windows.md)
    import toml_rs

    return toml_rs.loads(text, toml_version="1.0.0")


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return loads(text)
    except ValueError as error:  # toml_rs.TOMLDecodeError
        raise RecordError(
            f"{path} is not valid TOML: {_where(error)}.",
            hint="Fix the file by hand at that line and column; nothing was written.",
        ) from None


# "TOML parse error at line 3, column 7", the line quoted with a caret under the place,
# then what is wrong. The quoted line is left out: it may hold a candidate's details.
_PLACE = re.compile(
    r"^TOML parse error at line (?P<line>\d+), column (?P<column>\d+)\n.*\n *\|[ ^]*\^+\n"
    r"(?P<what>.*)$",
    re.DOTALL,
)


def _where(error: Exception) -> str:
    """What the parser found wrong, and where: "duplicate key (at line 3, column 7)"."""
    message = str(error).strip()
    place = _PLACE.match(message)
    if place is None:
        return message.splitlines()[-1] if message else "unreadable TOML"
    what = " ".join(place["what"].split())
    return f"{what} (at line {place['line']}, column {place['column']})"


def load(
    path: Path, each: Walk = quietly, *, cached: bool = False, key: bytes | None = None
) -> Record:
    """Read and check the record; refuse one that breaks any rule. `cached`: from the
    cache beside it when that was made from these very bytes (record/cache.py), else read
    from its text and the cache made again (for reads only: nothing saves a record loaded
    so, as a save keeps the text of each unchanged candidate, which the cache does not hold).
    `key`: the hash of the file's bytes, when a read has just computed it (`load_outline`)."""
    if not cached:
        return load_with_layout(path, each)[0]
    return _load_cached(path, each, key=key)[0]


def load_summarised(path: Path, each: Walk = quietly) -> tuple[Record, list[Summary]]:
    """As `load(path, cached=True)`, with each candidate's summary (record/summary.py):
    made once, when the record is read from its text, for the cache written and for the
    caller."""
    record, summaries, _, _ = _load_cached(path, each)
    return record, (summaries_of(record) if summaries is None else summaries_from_plain(summaries))


def load_with_listings(path: Path, each: Walk = quietly) -> tuple[Record, list[Listing]]:
    """As `load(path, cached=True)`, with each candidate's listing (record/summary.py): made
    once, when the record is read from its text, for the cache written and for the caller."""
    record, _, listings, _ = _load_cached(path, each)
    return record, (listings_of(record) if listings is None else listings_from_plain(listings))


def load_with_watches(path: Path, each: Walk = quietly) -> tuple[Record, list[Watch]]:
    """As `load(path, cached=True)`, with each candidate's watch (record/summary.py), as
    `load_with_listings` has their listings."""
    record, _, _, watches = _load_cached(path, each)
    return record, (watches_of(record) if watches is None else watches_from_plain(watches))


def _load_cached(
    path: Path, each: Walk, *, key: bytes | None = None
) -> tuple[Record, list[PlainSummary] | None, list[PlainListing] | None, list[PlainWatch] | None]:
    """`load`'s read through the cache, with the summaries, listings and watches made for
    the cache when it is made (else None)."""
    if not os.path.lexists(path):  # the record deleted: its cache (personal data) goes too
        record_cache.remove(path)
    if key is None:
        key = file_digest(path)  # memory: a cache read needs only the key
    collecting = gc.isenabled()  # as in _checked: many new objects, no cycles
    gc.disable()
    try:
        record = record_cache.read(path, key, each)
    finally:
        if collecting:
            gc.enable()
    summaries = listings = watches = None
    if record is None:  # read again: the text read and the key of the cache made are one
        record, layout, key = _read_record(path, each, keyed=True)
        laid_out = layout is not None  # a piece per candidate, in order: a save can use it
        del layout  # memory: a read needs no text
        summaries = [plain_summary(candidate) for candidate in record.candidates]
        listings = [plain_listing(candidate) for candidate in record.candidates]
        watches = [plain_watch(candidate) for candidate in record.candidates]
        record_cache.write(
            path,
            key,
            record,
            laid_out=laid_out,
            summaries=summaries,
            listings=listings,
            watches=watches,
        )
        # A save (a purge's, say) may have replaced the record meanwhile: a cache of bytes
        # the record no longer holds must not outlive it.
        if file_digest(path) != key:
            record_cache.remove(path)
    record.shared = is_shared(path)  # new ids drawn at random (actions.new_candidate_id)
    return record, summaries, listings, watches


def load_outline(path: Path) -> tuple[Record, list[Summary], bytes] | None:
    """What `status` reads, from the cache beside the record when that was made from these
    very bytes: the record without its candidates (their list empty), each candidate's
    summary (record/cache.py `read_outline`), and the bytes' hash (for `load`, when the
    record is wanted whole after all). None otherwise: `load` then reads the record whole,
    and makes the cache."""
    found = _from_cache_alone(path, record_cache.read_outline)
    if found is None:
        return None
    (record, summaries), key = found
    return record, summaries, key


def load_listed(path: Path) -> tuple[Record, list[Summary], list[Listing], bytes] | None:
    """What `candidates` reads, from the cache beside the record when that was made from
    these very bytes: as `load_outline`, with each candidate's listing (record/cache.py
    `read_listed`). None otherwise: `load` then reads the record whole, and makes the
    cache."""
    found = _from_cache_alone(path, record_cache.read_listed)
    if found is None:
        return None
    (record, summaries, listings), key = found
    return record, summaries, listings, key


def load_watched(path: Path) -> tuple[Record, list[Watch], bytes] | None:
    """What `remind` reads, from the cache beside the record when that was made from these
    very bytes: as `load_outline`, with what `remind` reads of each candidate
    (record/cache.py `read_watched`). None otherwise: `load` then reads the record whole,
    and makes the cache."""
    found = _from_cache_alone(path, record_cache.read_watched)
    if found is None:
        return None
    (record, watches), key = found
    return record, watches, key


Read = TypeVar("Read", bound=tuple[Any, ...])


def _from_cache_alone(
    path: Path, read: Callable[[Path, bytes], Read | None]
) -> tuple[Read, bytes] | None:
    """What `read` finds in the cache made from the file's bytes as they are now (its first
    item the record, without its candidates), and their hash; None when there is none."""
    if not os.path.lexists(path):
        return None  # `load` says so, and removes the cache
    key = file_digest(path)
    collecting = gc.isenabled()  # as in `load`
    gc.disable()
    try:
        found = read(path, key)
    finally:
        if collecting:
            gc.enable()
    if found is None:
        return None
    found[0].shared = is_shared(path)
    return found, key


def load_with_layout(path: Path, each: Walk = quietly) -> tuple[Record, CandidatePieces | None]:
    """The record, and where each candidate's text is (None when the text is not laid out
    one piece per candidate)."""
    record, layout, _ = _read_record(path, each, keyed=False)
    record.shared = is_shared(path)  # new ids drawn at random (actions.new_candidate_id)
    return record, layout


# Up to this many bytes of text (about 2,000 candidates), a load reads the text whole and
# keeps each candidate's data beside its text, and a save compares with it at no cost
# (about 7 MB at 1,000 candidates). A larger record is read from its file a candidate at a
# time and keeps only where each candidate's text is, which a save reads again and parses
# to compare (at 10,000 candidates the data would be about 55 MB, and the text 9 to 25 MB,
# over the memory target with the rest).
KEEP_DATA_UP_TO = 2_000_000


def _read_record(
    path: Path, each: Walk, *, keyed: bool
) -> tuple[Record, CandidatePieces | None, bytes]:
    """The record checked, its layout, and (`keyed`, else b"") the SHA-256 of the bytes it
    was read from, the cache's key."""
    with _opened(path) as handle:
        large = os.fstat(handle.fileno()).st_size > KEEP_DATA_UP_TO
        if large:
            read = _read_from_file(handle, path, each, keyed)
            if read is not None:
                return read
    raw = read_bytes(path)  # read whole: small, or not laid out a candidate at a time
    key = record_cache.digest(raw) if keyed else b""
    text = [text_of(raw, path)]
    del raw  # memory: the text, its parsed data and the record are enough at once
    record, layout = _checked(text.pop(), path, each)  # which lets go of the text once parsed
    return record, layout, key


def _read_from_file(
    handle: Any, path: Path, each: Walk, keyed: bool
) -> tuple[Record, CandidatePieces | None, bytes] | None:
    """The record read from its open file a candidate at a time: where each piece is found
    first (a pass over the bytes, a megabyte at a time), then each piece read, parsed, built
    and let go; the layout keeps where it is (text_pieces.read_in_pieces). None when the
    text is not laid out so (read it whole instead, which names any error). The digest
    (`keyed`) is of the bytes parsed, in order (the file's, read once over)."""
    where = where_pieces_are(_chunks(handle, path))
    digest = hashlib.sha256()
    read_at = _reader(handle, path)

    def read(offset: int, size: int) -> bytes:
        raw = read_at(offset, size)
        if keyed:
            if offset:
                digest.update(_SEPARATOR_BYTES)
            digest.update(raw)
        return raw

    collecting = gc.isenabled()  # as in _checked
    gc.disable()
    try:
        read_so = read_in_pieces(where, read, loads, each, real_path(path))
        if read_so is None:
            return None
        top, candidates, layout = read_so
        try:
            record, problems = check_data(top, candidates)
        except NotInPieces:
            return None
    finally:
        if collecting:
            gc.enable()
    if record is None:
        raise InvalidRecord(str(path), problems)
    return record, layout, digest.digest() if keyed else b""


def _reader(handle: Any, path: Path) -> Callable[[int, int], bytes]:
    """`read(offset, size)`: those bytes of the open record file (a RecordError if the
    system cannot read them)."""

    def read(offset: int, size: int) -> bytes:
        try:
            handle.seek(offset)
            raw: bytes = handle.read(size)
        except OSError as error:
            raise RecordError(f"Cannot read {path}: {error.strerror or error}.") from None
        return raw

    return read


_SEPARATOR_BYTES = b"\n[[candidates]]\n"  # text_pieces' separator, as the file holds it


def _checked(text: str, path: Path, each: Walk) -> tuple[Record, CandidatePieces | None]:
    # A large record is hundreds of thousands of new objects and no reference cycles:
    # the cycle collector would scan them again and again while they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if len(text) <= KEEP_DATA_UP_TO:
            data, layout = parse_record_text(text, path, each)
            del text  # memory: the caller gave it up; the layout keeps the pieces
        else:  # a large text not laid out a candidate at a time (_read_from_file): whole
            data, layout = parse_toml(text, path), None
            del text  # memory: the caller gave it up
        record, problems = check_data(data)
    finally:
        if collecting:
            gc.enable()
    if record is None:
        raise InvalidRecord(str(path), problems)
    return record, layout


def parse_record_text(
    text: str, path: Path, each: Walk = quietly, known: CandidatePieces | None = None
) -> tuple[dict[str, Any], CandidatePieces | None]:
    """What the record's text holds: parsed a candidate at a time when it is laid out as
    dgtracker writes it, else whole (which names the place of any syntax error). `known`:
    another copy's layout, whose pieces are taken as they are where the text is the same
    (text_pieces.parse_in_pieces)."""
    parsed = parse_in_pieces(text, loads, each, known)
    if parsed is not None:
        return parsed
    return parse_toml(text, path), None


def parse_record_file(
    path: Path, each: Walk = quietly, known: CandidatePieces | None = None
) -> tuple[dict[str, Any], CandidatePieces] | None:
    """As `parse_record_text` of the file's text, for a file of more than KEEP_DATA_UP_TO
    bytes laid out a candidate at a time, read a piece at a time (the merge driver's
    copies: the whole text is never held beside the data). None for a smaller file, or one
    not laid out so: read its text whole instead, which names any error."""
    with _opened(path) as handle:
        if os.fstat(handle.fileno()).st_size <= KEEP_DATA_UP_TO:
            return None
        where = where_pieces_are(_chunks(handle, path))
        return parse_pieces_read(where, _reader(handle, path), loads, each, known)


def examine(path: Path) -> tuple[Record | None, list[str]]:
    """The record at `path` with every problem in it (syntax or schema); no record when
    there are problems."""
    try:
        data, _ = parse_record_text(read_text(path), path)
    except RecordError as error:
        return None, [error.message]
    return check_data(data)


def check_data(
    data: dict[str, Any], candidates: Iterator[Any] | None = None
) -> tuple[Record | None, list[str]]:
    """The record built from parsed text, with every problem in it (`candidates`: their
    data one at a time, in place of data's own list)."""
    from dgtracker.record.decode import record_from_data  # text read: not from the cache

    return record_from_data(data, candidates)


def problems_in(path: Path) -> list[str]:
    """Every problem in the record at `path`; empty when valid."""
    return examine(path)[1]


# --- writing -----------------------------------------------------------------------


def dumps(data: dict[str, Any]) -> str:
    """The record's data as TOML text (imported by a save only: reads never need it)."""
    from dgtracker.record import toml_writer  # tomli-w's text, faster

    return toml_writer.dumps(data)


def text_and_data(record: Record) -> tuple[str, dict[str, Any]]:
    from dgtracker.record.encode import record_to_data  # writers only: reads never need it

    data = record_to_data(record)
    return dumps(data), data


def _verify(text: str, meant: dict[str, Any], path: Path) -> dict[str, Any]:
    """Refuse to save text that does not parse back to exactly what was meant; what it
    parses to."""
    try:
        parsed = loads(text)
    except ValueError as error:  # toml_rs.TOMLDecodeError
        raise RecordError(
            f"Refused to save {path}: the new record would not be valid TOML ({_where(error)}).",
            hint="Nothing was written. This is a bug in dgtracker: please report it.",
        ) from None
    if parsed != meant:
        raise RecordError(
            f"Refused to save {path}: the new record would not read back as written.",
            hint="Nothing was written. This is a bug in dgtracker: please report it.",
        )
    return parsed


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory to fsync it
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _failure(error: OSError, path: Path) -> RecordError:
    why = _WRITE_FAILURES.get(error.errno or 0) or (error.strerror or str(error))
    return RecordError(
        f"Could not save {path}: {why}.",
        hint="The record was left exactly as it was; nothing was changed.",
    )


def _encoded(text: str) -> Iterator[bytes]:
    """The text's UTF-8 bytes, a megabyte of characters at a time: a large record is never
    held twice over, as text and as bytes (a character is never split: each is whole)."""
    for start in range(0, len(text), _CHUNK):
        yield text[start : start + _CHUNK].encode("utf-8")


def _encoded_parts(parts: Iterable[str]) -> Iterator[bytes]:
    """The parts' UTF-8 bytes, put together about a megabyte at a time as they are made:
    the text is never held whole."""
    batch: list[str] = []
    size = 0
    for part in parts:
        batch.append(part)
        size += len(part)
        if size >= _CHUNK:
            yield "".join(batch).encode("utf-8")
            batch, size = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


_CHUNK = 1 << 20


def write_text_atomically(
    path: Path,
    text: str | bytes | Iterable[str],
    mode: int | None = None,
    lock: Held | None = None,
    *,
    follow: bool = True,
    exclusive: bool = False,
    synced: bool = True,
    hashed: Any = None,
) -> None:
    """Replace `path` with `text` (or bytes, or the text's parts in order, made as they
    are written: an error they raise leaves `path` untouched), or leave it untouched; no
    temp file is left behind. `hashed` (a hashlib object) is given every byte written.

    `mode` defaults to the existing file's permissions, else 0600. Given the `lock`, it is
    confirmed still held just before the rename. `follow`: a symlinked record is updated
    through its link; an export or a backup (follow=False) never follows a link at its
    own name: the rename replaces the name itself. `exclusive`: never replace anything
    (the name is claimed, which fails if it is taken: platform_calls.place_new).
    `synced` False: no fsync, for one of many files made durable together after
    (`settle_files`); the rename is still all or nothing while the system runs.
    """
    target = real_path(path) if follow else Path(os.path.abspath(path))
    directory = target.parent
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_FILE_MODE
    temp = directory / f"{_temp_prefix(target)}{os.getpid()}-{os.urandom(4).hex()}"
    payload: Iterable[bytes]
    if isinstance(text, str):
        payload = _encoded(text)
    elif isinstance(text, bytes):
        payload = (text,)
    else:
        payload = _encoded_parts(text)
    try:
        fd = os.open(
            temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), NEW_FILE_MODE
        )
    except OSError as error:
        raise _failure(error, path) from None
    try:
        try:
            for chunk in payload:
                if hashed is not None:
                    hashed.update(chunk)
                view = memoryview(chunk)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            # One fsync, never retried: after a failed fsync the kernel may have dropped
            # the dirty pages, so a second call could "succeed" over lost data.
            if synced:
                os.fsync(fd)
        finally:
            os.close(fd)
        if mode != NEW_FILE_MODE:
            os.chmod(temp, mode)
        if lock is not None:
            lock.confirm()
        if exclusive:
            place_new(temp, target)
        else:
            os.replace(temp, target)
    except OSError as error:
        remove_quietly(temp)
        raise _failure(error, path) from None
    except BaseException:
        remove_quietly(temp)
        raise
    if not synced:
        return
    try:
        _fsync_directory(directory)
    except OSError as error:
        raise RecordError(
            f"Saved {path}, but the system could not confirm that it reached the disk "
            f"({error.strerror or error}).",
            hint="Run 'dgtracker check' to confirm the record.",
        ) from None


def settle_files(paths: list[Path], directory: Path) -> None:
    """Make files written with `synced=False` durable, with their folder: one flush of
    every file system where the system has one (os.sync: hundreds of fsyncs cost seconds
    on a busy disk), else an fsync of each."""
    if not paths:
        return
    try:
        if hasattr(os, "sync"):
            os.sync()
        else:
            for path in paths:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_directory(directory)
    except OSError as error:
        raise RecordError(
            f"Wrote {len(paths)} file(s) in {directory}, but the system could not confirm "
            f"that they reached the disk ({error.strerror or error}).",
            hint="Nothing was logged for them; run the command again.",
        ) from None


def forget_cache(path: Path) -> bool:
    """Remove the cache beside the record (record/cache.py); whether there was one."""
    return record_cache.remove(path)


def remove_quietly(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)


def is_leftover(name: str, target: Path) -> bool:
    """A temp file of the record, or of one of its backups (they hold personal data too)."""
    if name.startswith(_temp_prefix(target)):
        return True
    return name.startswith(f".{target.name}.bak-") and ".tmp-" in name


def tidy_leftovers(path: Path) -> list[Path]:
    """Remove temp files left by a save that was killed part-way (call under the lock)."""
    target = real_path(path)
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    for entry in entries:
        if is_leftover(entry.name, target):
            remove_quietly(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


MERGE_LEFTOVER = ".merge_file_"  # git's copies of the three sides, handed to a merge driver


def remove_merge_leftovers(path: Path) -> list[Path]:
    """Remove git's `.merge_file_*` files beside the record: full copies of it (the base
    and both sides) that git hands the merge driver and leaves behind when a merge is
    killed part-way. Only regular files of this user (call under the lock)."""
    target = real_path(path)
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(MERGE_LEFTOVER):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and owned_by_me(info):
            remove_quietly(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


def save(
    path: Path,
    record: Record,
    layout: CandidatePieces | None = None,
    each: Walk = quietly,
    lock: Held | None = None,
    *,
    cached: bool = False,
) -> None:
    """Write the record safely (call under the lock).

    Given the `layout` of the text it was loaded from, each candidate whose data did not
    change keeps its text and only the rest is written and checked again (record/text_pieces.py):
    a record of thousands of candidates saves in a fraction of the time. `cached`: the
    cache beside it is removed, to be made anew by the next read (record/cache.py); a
    change taken from the cache is saved by record/cached_change.py, which makes it anew.
    """
    from dgtracker.record.encode import record_to_data

    refuse_read_only(path)
    written = False
    if layout is not None:  # each candidate's data made, compared, written and let go in turn
        meant = record_to_data(record, one_at_a_time=True)
        parts = each_part_keeping_unchanged(meant, layout, dumps, loads, each)
        try:
            write_text_atomically(path, parts, lock=lock)
            written = True
        except NotInPieces:  # nothing was replaced (the temp file is gone): write it whole
            pass
        del meant, parts
    if not written:
        meant = record_to_data(record)
        text = dumps(meant)
        _verify(text, meant, path)
        del meant  # memory: what was meant is checked; its text is all the write needs
        write_text_atomically(path, text, lock=lock)
    if cached:
        # The cache no longer matches: the next read makes it anew from the file. Making it
        # here would mean checking every candidate of what was written as a read does, which
        # cost writes 40 % (1k) to 75 % (10k) more instructions (docs/performance.md).
        record_cache.remove(path)


def refuse_read_only(path: Path) -> None:
    """A record its owner made read-only stays unchanged. The rename that saves it needs
    only the folder's permission, so the file's own must be asked (root included). A
    record with several hard links is refused too: the lock is keyed on the name."""
    try:
        info = os.stat(real_path(path))
    except FileNotFoundError:
        return
    mode, links = info.st_mode, info.st_nlink
    if mode & 0o222 == 0 or not os.access(real_path(path), os.W_OK):
        raise RecordError(
            f"{path} is read-only (mode {mode & 0o7777:04o}), so it was not changed.",
            hint="Make it writable (chmod u+w) if it should change; nothing was written.",
        )
    if links > 1:  # a save replaces one name: the others would keep the old record
        raise RecordError(
            f"{path} has {links} hard links, so a save would split it in two "
            "(and each name would have a lock of its own).",
            hint="Keep one name (copy the file, or use a symbolic link); nothing was written.",
        )


def backup(path: Path) -> Path:
    """Copy the current record beside it, 0600, under a name that is never reused."""
    target = real_path(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    copy = target.with_name(f"{target.name}.bak-{stamp}-{os.urandom(8).hex()}")
    text = read_text(target)
    write_text_atomically(copy, text, mode=NEW_FILE_MODE, follow=False, exclusive=True)
    return copy


def make_room(path: Path) -> None:
    """Make the folder a new record at `path` goes in (private), before its lock is taken;
    refuse a path that cannot be used."""
    try:
        os.stat(path)
    except FileNotFoundError:  # nothing there, or a link to nothing yet: create it
        pass
    except OSError as error:  # a symlink loop, a file where a folder should be, …
        raise RecordError(
            f"Cannot use {path}: {error.strerror or error}.",
            hint="Check the path (a symbolic link pointing back at itself?), "
            "or choose another with --file.",
        ) from None
    directory = real_path(path).parent
    umask = os.umask(0o077)  # every folder made (parents too) is private, whatever the umask
    try:  # a first `init` makes the default data/ folder; private, like the record
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise RecordError(
            f"Cannot create the folder {directory}: {error.strerror or error}.",
            hint="Create the folder yourself, or choose another path with --file.",
        ) from None
    finally:
        os.umask(umask)


def create(path: Path, record: Record, replace: bool, lock: Held) -> Path | None:
    """Write a new record at `path`, holding its `lock` (app/session.py takes it). An
    existing one is refused, or if `replace` backed up and replaced: the check is made
    under the lock, so two `init`s at once cannot both believe the path was free, and a
    record that writers are filling is never lost."""
    tidy_leftovers(path)
    exists = os.path.lexists(real_path(path))
    if exists and not replace:
        raise Refused(
            f"A record already exists at {path}.",
            hint="Use --force to replace it (a backup is kept), or --file to choose another path.",
        )
    saved = backup(path) if exists else None
    forget_cache(path)  # the replaced record's
    save(path, record, lock=lock, cached=True)
    return saved


def is_shared(record: Path) -> bool:
    """Whether `dgtracker share` set up the record's folder (no git command is run)."""
    folder = record.absolute().parent
    try:
        attributes = (folder / ".gitattributes").read_text(encoding="utf-8")
    except OSError:
        return False
    return (folder / ".git").exists() and f"merge={DRIVER}" in attributes


DRIVER = "dgtracker"
