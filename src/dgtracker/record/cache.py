"""The checked record kept beside its file (`.campaign.toml.cache`), so that a read of an
unchanged record neither parses the TOML nor checks its rules again.

A cache is trusted only when it proves it matches the file: it holds the SHA-256 of the
exact bytes it was made from, and every read hashes the bytes it has just read. A hash,
not the file's size and times: an edit of the same size within the same second, a file
renamed into place or a backup restored with its old times all change the bytes, while a
stat can miss them (times are coarse on many file systems, inodes are reused, and `utime`
sets any time). Hashing a 9 MB record takes about 10 ms; parsing and checking it, hundreds.

The cache is marshal (built-in types only, record/plain_model.py; the candidates each
marshalled on their own, written one after another as they are made, after a part that
holds each candidate's summary, record/summary.py, which is all `status` reads of them:
`read_outline` builds no candidate, a part that holds each one's listing, all that
`candidates` reads: `read_listed`, and a part that holds what `remind` reads of each:
`read_watched`) behind a header that
names its format, the Python that wrote it, the code it was checked by (`_rules`), the
hash, and a CRC-32 of the body; anything else (missing, truncated, garbage, damaged,
another format, Python or checking code) is no cache at all, and the record is read from
its text and the cache made again. It is written atomically (a temp file renamed over it),
mode 0600: it holds the same personal data as the record. A purge removes it, so it never
holds more than the record.

A change reads the record from it too (record/cached_change.py): the cache says whether
the text is laid out a piece per candidate, in order, and keeps each candidate's plain
form, so that the save finds what changed without parsing the text, writes only that, and
makes the cache for the bytes it wrote (`_reads_as_held` there says when it does and what
is checked again); else the save removes it and the next read makes it anew.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgtracker import __version__
from dgtracker.progress import Walk, quietly
from dgtracker.record.locking import real_path
from dgtracker.record.model import Record
from dgtracker.record.plain_model import (
    CANDIDATES,
    PlainListing,
    PlainSummary,
    PlainWatch,
    context,
    listings_from_plain,
    marshalled_summaries,
    plain,
    plain_candidate,
    plain_listing,
    plain_listings_back,
    plain_summaries_back,
    plain_summary,
    plain_watch,
    plain_watches_back,
    record_from_plain,
    summaries_from_plain,
    watches_from_plain,
)
from dgtracker.record.summary import Listing, Summary, Watch

FORMAT = 9  # raise when the cache's own format changes (the layout is in _LAYOUT's code)
MODE = 0o600
_MAGIC = b"dgtracker-cache\n"


# The modules whose code decides whether a record is valid (its fields' rules, the checks
# of the whole record, the rules for text and dates): a change to any of them makes every
# cache no cache, and the record is checked again by the new code.
_CHECKS = (
    "record/field_rules.py",
    "record/decode.py",
    "record/decode_panel.py",
    "record/decode_milestones.py",
    "text.py",
    "dates.py",
)
# The modules whose code decides what the cache holds (the model's fields, how they compare,
# and how they are made plain and back): a cache laid out by other code is no cache either.
_LAYOUT = (
    "record/model.py",
    "compared.py",
    "record/plain_model.py",
    "record/summary.py",
    "record/personal_data.py",
)


@functools.cache
def _rules() -> bytes | None:
    """What the checks were: dgtracker's version and the code of every module that checks a
    record or lays out its model, as Python reads it (from the files, or from the archive a
    zipapp runs from). A cache of a record checked or laid out by other code (another
    release, a rule or a field added) is no cache: the record is checked again by this code.
    Read, not imported: a read from the cache needs none of the checks, and importing them
    was about a tenth of a read's instructions (docs/performance.md, "Cache"). None when
    the code cannot be read (a build without its sources): then nothing is cached."""
    get_data = getattr(getattr(__spec__, "loader", None), "get_data", None)
    if get_data is None:
        return None
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha256(__version__.encode("utf-8"))
    for name in _CHECKS + _LAYOUT:
        try:
            code = get_data(os.path.join(package, *name.split("/")))
        except OSError:
            return None
        digest.update(b"%d %s\n" % (len(code), name.encode("ascii")))
        digest.update(code)
    return digest.hexdigest()[:16].encode("ascii")


def _header() -> bytes | None:
    # marshal's format and the objects' layout belong to one interpreter; the checks, to
    # one set of rules
    rules = _rules()
    if rules is None:
        return None
    return b"%s%d %s %d %s\n" % (
        _MAGIC,
        FORMAT,
        sys.implementation.cache_tag.encode("ascii"),
        marshal.version,
        rules,
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


_CHECK = 4


def _checksum(body: bytes) -> bytes:
    """The CRC-32 of the cache's body, after the key: a body damaged after it was written
    (a bad disk sector, a stray edit) is no cache, where it could otherwise unmarshal to a
    record the file does not hold, which a save would then write (2 ms at 10,000
    candidates; SHA-256 twice that)."""
    return zlib.crc32(body).to_bytes(_CHECK, "big")


def cache_path(record_file: Path) -> Path:
    """Beside the record itself (through a symlink to it), hidden."""
    target = real_path(record_file)
    return target.with_name(f".{target.name}.cache")


def present(record_file: Path) -> bool:
    """Whether there is anything under the cache's name (what, `read` finds out)."""
    return os.path.lexists(cache_path(record_file))


def is_cache_file(name: str, record_file: Path) -> bool:
    """The cache of the record, or a temp file of it a killed write left."""
    own = cache_path(record_file).name
    return name == own or name.startswith(own + _TEMP)


@dataclass(slots=True)
class Kept:
    """What a cache holds beside the record it was made from: whether the record's text is
    laid out a piece per candidate, in the record's order (record/text_pieces.py), each
    candidate's plain form as marshalled (record/plain_model.plain_candidate, in order),
    the plain form of the rest (plain_model.context), and each candidate's summary,
    listing and watch as plain tuples (plain_model.plain_summary, plain_listing and
    plain_watch, in order)."""

    record: Record
    laid_out: bool
    candidates: list[bytes]
    context: tuple[Any, ...]
    summaries: list[PlainSummary]
    listings: list[PlainListing]
    watches: list[PlainWatch]


def read(record_file: Path, key: bytes, each: Walk = quietly) -> Record | None:
    """The record the cache holds, when it was made from bytes hashing to `key`; else None
    (never an error: the record is then read from its text). `each` walks its candidates."""
    kept = _read(record_file, key, each, keep=False)
    return None if kept is None else kept.record


def read_kept(record_file: Path, key: bytes, each: Walk = quietly) -> Kept | None:
    """As `read`, with what a save compares the changed record with (`Kept`)."""
    return _read(record_file, key, each, keep=True)


def read_outline(record_file: Path, key: bytes) -> tuple[Record, list[Summary]] | None:
    """What `status` reads, when the cache was made from bytes hashing to `key`: the record
    without its candidates (their list empty), and each candidate's summary
    (record/summary.py), in the record's order; no candidate is built. Else None."""
    body = _checked_body(record_file, key)
    if body is None:
        return None
    try:
        _, rest, plain_ones, _ = _head_and_summaries(body)
        del body  # memory: the candidates' bytes are not read
        summaries = summaries_from_plain(plain_ones)
        kept = list(rest)
        kept[CANDIDATES] = []
        return record_from_plain(tuple(kept)), summaries
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None


def read_listed(
    record_file: Path, key: bytes
) -> tuple[Record, list[Summary], list[Listing]] | None:
    """What `candidates` reads, when the cache was made from bytes hashing to `key`: as
    `read_outline`, with each candidate's listing (record/summary.py); no candidate is
    built. Else None; and a cache of these bytes whose listings are not this code's is
    removed, for the read of the whole record that follows to make again (a read of the
    whole record does not read the listings: at 10,000 candidates, about 10 ms)."""
    body = _checked_body(record_file, key)
    if body is None:
        return None
    try:
        _, rest, plain_ones, at = _head_and_summaries(body)
        listings = plain_listings_back(_part(body, at)[0])
        del body  # memory: the candidates' bytes are not read
        if len(listings) != len(plain_ones):
            raise ValueError("a listing for each candidate")
        kept = list(rest)
        kept[CANDIDATES] = []
        record = record_from_plain(tuple(kept))
        return record, summaries_from_plain(plain_ones), listings_from_plain(listings)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        remove(record_file)
        return None


def read_watched(record_file: Path, key: bytes) -> tuple[Record, list[Watch]] | None:
    """What `remind` reads, when the cache was made from bytes hashing to `key`: the
    record without its candidates (their list empty), as `read_outline` has it, and what
    `remind` reads of each candidate (record/summary.py `Watch`, which holds the day of
    their latest change, as their summary does); no candidate is built, and no summary
    read. Else None; and a cache of these bytes whose watches are not this code's is
    removed, as `read_listed` removes one."""
    body = _checked_body(record_file, key)
    if body is None:
        return None
    try:
        _, rest, at = _head(body)
        for _ in range(3):  # the summaries, the listings and the aliases, unread
            at = _after(body, at)
        watches = plain_watches_back(_part(body, at)[0])
        del body  # memory: the candidates' bytes are not read
        kept = list(rest)
        kept[CANDIDATES] = []
        return record_from_plain(tuple(kept)), watches_from_plain(watches)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        remove(record_file)
        return None


def _read(record_file: Path, key: bytes, each: Walk, *, keep: bool) -> Kept | None:
    body = _checked_body(record_file, key)
    if body is None:
        return None
    try:
        laid_out, kept, summaries, listed, aliased, watched = unpacked(body)
        del body  # memory: what it held is unpacked
        if not keep:
            del listed, aliased, watched  # memory: a read builds each candidate, whole
            return Kept(record_from_plain(kept, each), laid_out, [], (), [], [], [])
        # A change sets each candidate's plain fields from its listing and aliases, checked
        # for their types, and builds the candidate when it needs more (record/unbuilt.py,
        # loaded by a change alone); a read builds them all.
        from dgtracker.record.unbuilt import unbuilt_candidates

        listings = plain_listings_back(listed)
        aliases = _aliases_back(aliased, len(summaries))
        # carried to the next cache for the candidates a change leaves alone; `remind`
        # checks them when it reads them (read_watched)
        watches = marshal.loads(watched)
        if type(watches) is not list or len(watches) != len(summaries):
            raise TypeError("not the candidates' watches")
        del listed, aliased, watched
        candidates = list(kept[CANDIDATES])  # the bytes, before they go
        record = record_from_plain(
            kept, each, lambda plain, walk: unbuilt_candidates(plain, listings, aliases, walk)
        )
        return Kept(record, laid_out, candidates, context(kept), summaries, listings, watches)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _aliases_back(kept: bytes, count: int) -> dict[int, list[str]]:
    """The candidates' aliases, by their place among `count` candidates, as `_body` wrote
    them (TypeError on other data, as `plain_listings_back`)."""
    aliases = marshal.loads(kept)
    if (
        type(aliases) is not dict
        or not all(type(place) is int and 0 <= place < count for place in aliases)
        or not all(type(ids) is list and set(map(type, ids)) <= {str} for ids in aliases.values())
    ):
        raise TypeError("not the candidates' aliases")
    return aliases


def _checked_body(record_file: Path, key: bytes) -> bytes | None:
    """The cache's body, when its header is this code's, its key is `key` and its
    checksum holds; else None."""
    header = _header()
    if header is None:
        return None
    try:  # never through a link, never waiting on a FIFO someone put there
        fd = os.open(cache_path(record_file), _READ_FLAGS)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            if handle.read(len(header)) != header or handle.read(len(key)) != key:
                return None
            check = handle.read(_CHECK)
            body = handle.read()
    except OSError:
        return None
    if check != _checksum(body):  # damaged since it was written (a disk, a hand)
        return None
    return body


def write(
    record_file: Path,
    key: bytes,
    record: Record,
    *,
    laid_out: bool = False,
    candidates: list[bytes] | None = None,
    summaries: list[PlainSummary] | None = None,
    listings: list[PlainListing] | None = None,
    watches: list[PlainWatch] | None = None,
) -> bool:
    """Keep `record`, read from bytes hashing to `key` (`laid_out`: a piece per candidate,
    as `Kept` says; `candidates`, `summaries`, `listings` and `watches`: their plain forms,
    summaries, listings and watches, when made already). Best effort: a folder that cannot
    be written to just has no cache; whether it was written."""
    header = _header()
    if header is None:
        return False
    path = cache_path(record_file)
    temp = path.with_name(f"{path.name}{_TEMP}{os.getpid()}-{os.urandom(4).hex()}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), MODE)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + key + bytes(_CHECK))  # the checksum, once the body is written
            check = 0
            for part in _body(record, laid_out, candidates, summaries, listings, watches):
                handle.write(part)
                check = zlib.crc32(part, check)
            handle.seek(len(header) + len(key))
            handle.write(check.to_bytes(_CHECK, "big"))
        # No fsync: a cache lost in a crash is made again; a torn one fails its header.
        os.replace(temp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(temp)
        return False
    return True


_LENGTH = 4  # bytes of each part's length in the body


def _body(
    record: Record,
    laid_out: bool,
    candidates: list[bytes] | None,
    summaries: list[PlainSummary] | None,
    listings: list[PlainListing] | None,
    watches: list[PlainWatch] | None,
) -> Iterator[bytes]:
    """The cache's body, in parts as they are made: the rest of the record's plain form
    (its candidates left out), then the candidates' summaries (record/summary.py, all that
    `status` reads of them: `read_outline`), then their listings (all that `candidates`
    reads: `read_listed`), then the aliases of those that have any, by their place (with
    the listings, what a change sets at once of each candidate: record/unbuilt.py), then
    their watches (all that `remind` reads: `read_watched`), then the candidates' plain
    forms, `_CHUNK` to a part (a marshalled list of their bytes), each part after its
    length.
    Never whole in memory: at 10,000 candidates with marks, the candidates' forms and one
    body joined from them were 26 MB at once (the first read of the panel's record peaked
    at 109 MB)."""
    rest = list(plain(record, []))
    head = marshal.dumps((laid_out, tuple(rest)))
    yield len(head).to_bytes(_LENGTH, "big") + head
    if summaries is None:
        summaries = [plain_summary(candidate) for candidate in record.candidates]
    marshalled = marshalled_summaries(summaries)
    yield len(marshalled).to_bytes(_LENGTH, "big") + marshalled
    if listings is None:
        listings = [plain_listing(candidate) for candidate in record.candidates]
    marshalled = marshal.dumps(listings)
    yield len(marshalled).to_bytes(_LENGTH, "big") + marshalled
    aliases = {index: c.aliases for index, c in enumerate(record.candidates) if c.aliases}
    marshalled = marshal.dumps(aliases)
    yield len(marshalled).to_bytes(_LENGTH, "big") + marshalled
    if watches is None:
        watches = [plain_watch(candidate) for candidate in record.candidates]
    marshalled = marshal.dumps(watches)
    yield len(marshalled).to_bytes(_LENGTH, "big") + marshalled
    chunk: list[bytes] = []
    for one in candidates if candidates is not None else map(plain_candidate, record.candidates):
        chunk.append(one)
        if len(chunk) == _CHUNK:
            yield _chunk_part(chunk)
            chunk.clear()
    if chunk:
        yield _chunk_part(chunk)


# The candidates' plain forms are kept this many to a part, as a marshalled list of their
# bytes: read back in C (one by one, the loop over 10,000 parts was about 50 M
# instructions of every read of the whole record and every change), and never all in one
# bytes object beside the candidates' own (memory, above).
_CHUNK = 500


def _chunk_part(chunk: list[bytes]) -> bytes:
    marshalled = marshal.dumps(chunk)
    return len(marshalled).to_bytes(_LENGTH, "big") + marshalled


def unpacked(
    body: bytes,
) -> tuple[bool, tuple[Any, ...], list[PlainSummary], bytes, bytes, bytes]:
    """What a body holds: whether the text is laid out a piece per candidate, the
    record's plain form, with each candidate's marshalled bytes in place, the
    candidates' plain summaries, and the parts of their listings, of their aliases and of
    their watches as they are, unread (ValueError, EOFError or TypeError when it is not a
    body `_body` made). The summaries are read too, and must be one a candidate: a cache
    `read_outline` cannot use is not used at all, and the next read makes it again.
    (`read_outline` does not count the candidates' parts: walking them was 45 M
    instructions at 10,000 candidates, a tenth of `status`; the checksum and the header
    stand for what wrote them. `read_listed` checks the listings, and removes a cache whose
    listings it cannot read; `read_watched` the same of the watches.)"""
    laid_out, rest, summaries, at = _head_and_summaries(body)
    listed, at = _part(body, at)
    aliased, at = _part(body, at)
    watched, at = _part(body, at)
    end = len(body)
    candidates: list[bytes] = []
    view = memoryview(body)  # each part read in place, not copied first
    while at < end:
        start, at = at + _LENGTH, _after(body, at)
        chunk = marshal.loads(view[start:at])
        if type(chunk) is not list or not set(map(type, chunk)) <= {bytes} or not all(chunk):
            raise TypeError("not the candidates' plain forms")
        candidates += chunk
    if len(candidates) != len(summaries):
        raise ValueError("a summary for each candidate")
    kept = list(rest)
    kept[CANDIDATES] = candidates
    return laid_out, tuple(kept), summaries, listed, aliased, watched


def _part(body: bytes, at: int) -> tuple[bytes, int]:
    """The part of the body at `at` (after its length), and where the next starts."""
    end = _after(body, at)
    return body[at + _LENGTH : end], end


def _after(body: bytes, at: int) -> int:
    """Where the part after the one at `at` starts (the part itself not copied)."""
    size = int.from_bytes(body[at : at + _LENGTH], "big")
    if at + _LENGTH + size > len(body):
        raise ValueError("a part cut short")
    return at + _LENGTH + size


def _head_and_summaries(
    body: bytes,
) -> tuple[bool, tuple[Any, ...], list[PlainSummary], int]:
    """The body's first two parts: whether the text is laid out a piece per candidate, the
    plain form of the rest of the record, the candidates' plain summaries, and where the
    candidates' parts start (ValueError, EOFError or TypeError when it is not a body
    `_body` made). What `read_outline` reads, and `unpacked` reads first."""
    laid_out, rest, at = _head(body)
    summarised, at = _part(body, at)
    return laid_out, rest, plain_summaries_back(summarised), at


def _head(body: bytes) -> tuple[bool, tuple[Any, ...], int]:
    """The body's first part: whether the text is laid out a piece per candidate, the
    plain form of the rest of the record, and where the next part starts."""
    size = int.from_bytes(body[:_LENGTH], "big")
    laid_out, rest = marshal.loads(body[_LENGTH : _LENGTH + size])
    if type(laid_out) is not bool or type(rest) is not tuple:
        raise TypeError("not a cache's body")
    return laid_out, rest, _LENGTH + size


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
