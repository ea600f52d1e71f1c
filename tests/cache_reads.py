"""What the tests of reads from the record's cache share (tests/test_status_summary.py,
tests/test_candidate_listing.py): where the cache is, a guard that fails a read building a
candidate, the cache taken apart into its parts and put back with its checksum, and a
command run both ways (from the whole record and from the cache) on a pipe and a terminal."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Cli
from tests.terminal import on_terminal

from dgtracker.progress import Walk
from dgtracker.record import cache as record_cache
from dgtracker.record import plain_model
from dgtracker.record.model import Candidate


def cache_file(cli: Cli) -> Path:
    return cli.path.with_name(f".{cli.path.name}.cache")


def edit_in_place_keeping_times(path: Path, old: bytes, new: bytes, count: int = 1) -> None:
    """A hand edit the file's size, times and inode do not show: `old` (found `count`
    times) replaced by `new` of the same length, in place, the times put back."""
    stat = path.stat()
    raw = path.read_bytes()
    assert raw.count(old) == count and len(new) == len(old)
    with open(path, "r+b") as handle:  # in place: the same inode
        handle.write(raw.replace(old, new))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ino,
    )


def from_the_cache_as_from_the_text(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], as_of: str
) -> str:
    """`args` run from the record read whole (its cache removed: read from the text, which
    makes the cache), then from the cache just made, building no candidate: the same
    output both ways, which is returned."""
    cache_file(cli).unlink(missing_ok=True)
    whole = cli.ok(*args, as_of=as_of)
    assert cache_file(cli).exists()
    with monkeypatch.context() as guarded:
        no_candidate_is_built(guarded)
        assert cli.ok(*args, as_of=as_of) == whole
    return whole


def no_candidate_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that builds a candidate from the cache fails (it would print nothing)."""
    real = plain_model._candidates_back

    def refuse(kept: list[bytes], each: Walk) -> list[Candidate]:
        assert not kept, "a candidate was built"
        return real(kept, each)

    monkeypatch.setattr(plain_model, "_candidates_back", refuse)


def cache_parts(cache: Path, count: int) -> tuple[bytes, list[bytes], bytes]:
    """The cache as its header and key, the first `count` parts of its body (the head, the
    summaries, the listings, the aliases, the watches), each with its length before it, and
    the rest (the parts after them: the candidates' parts after the fifth)."""
    raw = cache.read_bytes()
    header = record_cache._header()
    assert header is not None and raw.startswith(header)
    start = len(header) + 32
    top, rest = raw[:start], raw[start + 4 :]  # the checksum left out
    parts = []
    for _ in range(count):
        size = 4 + int.from_bytes(rest[:4], "big")
        parts.append(rest[:size])
        rest = rest[size:]
    return top, parts, rest


def write_cache(cache: Path, top: bytes, body: bytes) -> None:
    """A cache with this header and body, its checksum made for the body."""
    cache.write_bytes(top + zlib.crc32(body).to_bytes(4, "big") + body)


def the_same_both_ways(cli: Cli, run: Callable[..., Any], line: tuple[str, ...]) -> bytes:
    """The installed dgtracker run with `line`, and with `--json` after it, on a pipe, then
    `line` on a terminal: each from the record read whole (its cache removed: read from the
    text, which makes the cache), then from the cache just made, the same bytes and exit
    code 0 both ways. What the terminal showed."""
    for args in (line, (*line, "--json")):
        cache_file(cli).unlink(missing_ok=True)
        whole = run(*args)
        cached = run(*args)
        assert whole.returncode == cached.returncode == 0
        assert cached.stdout == whole.stdout
    cache_file(cli).unlink()
    whole_code, whole_shown = on_terminal(*line)
    cached_code, cached_shown = on_terminal(*line)
    assert whole_code == cached_code == 0
    assert cached_shown == whole_shown
    return cached_shown
