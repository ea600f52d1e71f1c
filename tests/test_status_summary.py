"""`status` from the candidates' summaries the record's cache holds (record/summary.py,
record/cache.py `read_outline`): no candidate is built, and what it prints is byte for byte
what the whole record gives (the record read from its text, its cache removed), as text on
a pipe and on a terminal and as JSON; a replay (--as-of before the latest change), a cache
damaged or of another format, and a hand edit are read the whole way, as before."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from tests.cache_reads import (
    cache_file,
    cache_parts,
    edit_in_place_keeping_times,
    from_the_cache_as_from_the_text,
    no_candidate_is_built,
    the_same_both_ways,
    write_cache,
)
from tests.conftest import Cli

from dgtracker.record import cache as record_cache
from dgtracker.record import storage
from dgtracker.record.summary import summaries_of

LATEST = "2026-02-09"  # the day of the record's latest change (below)
AFTER = "2026-02-20"  # status after it: from the summaries
REPLAY = "2026-01-27"  # before it: the record as it stood, rebuilt from the whole record


def _every_kind(cli: Cli) -> None:
    """Moves, an undone move, withdrawals and a rejection with reasons, every outcome, a
    reinstatement, monitoring answers and a name-blind sift, over several days."""
    add = ("add-candidate", "--applied", "2026-01-20")
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Mary Somerville"):
        cli.ok(*add, name, as_of="2026-01-20")
    for name in ("Emmy Noether", "Sophie Germain", "Hedy Lamarr"):
        cli.ok(*add, name, as_of="2026-01-21")
    cli.ok("blind", "--until", "shortlist", "--by", "ada", as_of="2026-01-22")
    cli.ok("move", "c001", "c002", "c004", "c005", "longlist", as_of="2026-01-25")
    cli.ok("move", "c001", "shortlist", as_of="2026-01-26")
    cli.ok("move", "c002", "rejected", "--reason", "Did not meet the criteria", as_of="2026-01-26")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took another post", as_of="2026-01-26")
    cli.ok("move", "c004", "assessment", as_of="2026-01-28")
    cli.ok("undo", "c004", "--reason", "moved in error", as_of="2026-01-28")
    cli.ok("move", "c005", "appointed", as_of="2026-02-01")
    cli.ok("move", "c005", "preferred", "--reinstate", "--reason", "in error", as_of="2026-02-02")
    cli.ok("move", "c006", "reserve", "--rank", "1", as_of="2026-02-03")
    cli.ok("move", "c007", "withdrawn", "--reason", "Moved abroad", as_of="2026-02-04")
    cli.ok("monitoring", "c001", "sex=female", "age_band=35-39", as_of=LATEST)


@pytest.fixture
def kinds(cli: Cli) -> Cli:
    _every_kind(cli)
    return cli


def _whole_then_summaries(cli: Cli, args: tuple[str, ...], as_of: str) -> tuple[str, str]:
    """What `status` prints from the record read whole (its cache removed: read from the
    text, which makes the cache), then from the cache just made."""
    cache_file(cli).unlink(missing_ok=True)
    whole = cli.ok(*args, as_of=as_of)
    assert cache_file(cli).exists()
    return whole, cli.ok(*args, as_of=as_of)


@pytest.mark.parametrize("args", [("status",), ("status", "--json")])
def test_status_from_the_summaries_builds_no_candidate_and_prints_the_same(
    kinds: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    from_the_cache_as_from_the_text(kinds, monkeypatch, args, AFTER)
    no_candidate_is_built(monkeypatch)
    assert "Withdrawn" in kinds.ok("status", as_of=AFTER)  # the guard lets status through


def test_the_summaries_are_what_the_record_says(kinds: Cli) -> None:
    """The cache's summaries are those made from the record's candidates, read whole."""
    kinds.ok("status")
    record = storage.load(kinds.path)
    outline = record_cache.read_outline(kinds.path, storage.file_digest(kinds.path))
    assert outline is not None
    assert outline[1] == summaries_of(record)
    assert outline[0].candidates == []
    assert [s.reason for s in outline[1]][1:3] == ["Did not meet the criteria", "Took another post"]
    assert outline[1][3].stood == ("applied", "longlist")  # the undone move reached nothing


@pytest.mark.parametrize("as_of", [AFTER, LATEST, REPLAY, "2026-01-20"])
@pytest.mark.parametrize("args", [("status",), ("status", "--json")])
def test_status_is_the_same_from_the_summaries_and_from_the_whole_record(
    kinds: Cli, as_of: str, args: tuple[str, ...]
) -> None:
    whole, summarised = _whole_then_summaries(kinds, args, as_of)
    assert summarised == whole


def test_a_replay_is_read_from_the_whole_record(kinds: Cli) -> None:
    """Before the latest change, the record as it stood: c004's undone move not yet made,
    c005 not yet appointed, the later candidates' moves not made."""
    then = kinds.ok("status", "--json", as_of=REPLAY)
    now = kinds.ok("status", "--json", as_of=AFTER)
    assert then != now
    cache_file(kinds).unlink()
    assert kinds.ok("status", "--json", as_of=REPLAY) == then


def test_after_a_change_the_cache_it_makes_gives_the_same_status(kinds: Cli) -> None:
    """A change taken from the cache remakes it (record/cached_change.py) with the
    summaries of the record it saved."""
    kinds.ok("status", as_of=AFTER)  # the cache, for the change to start from
    kinds.ok("move", "c001", "assessment", as_of=AFTER)
    kinds.ok("move", "c004", "withdrawn", "--reason", "Family reasons", as_of=AFTER)
    assert cache_file(kinds).exists()  # made by the save
    for args in (("status",), ("status", "--json")):
        summarised = kinds.ok(*args, as_of=AFTER)
        cache_file(kinds).unlink()
        assert kinds.ok(*args, as_of=AFTER) == summarised


@pytest.mark.parametrize("as_of", [AFTER, REPLAY])
def test_status_on_a_pipe_and_on_a_terminal_is_the_same_both_ways(
    kinds: Cli, run, as_of: str
) -> None:
    line = ("--file", str(kinds.path), "--as-of", as_of, "status")
    assert b"Withdrawn" in the_same_both_ways(kinds, run, line)


def test_a_record_without_candidates(cli: Cli) -> None:
    for args in (("status",), ("status", "--json")):
        whole, summarised = _whole_then_summaries(cli, args, AFTER)
        assert summarised == whole


# --- a cache that is not this code's, or damaged, is not used --------------------------


def _parts(cache: Path) -> tuple[bytes, bytes, bytes, bytes]:
    """The cache as its header and key, the head of its body, its summaries' part and the
    rest (the listings' part and the candidates'), each part after its length."""
    top, (head, summaries), rest = cache_parts(cache, 2)
    return top, head, summaries, rest


def _summarised(cli: Cli) -> bool:
    return record_cache.read_outline(cli.path, storage.file_digest(cli.path)) is not None


def _status_reads_it_whole_and_makes_the_cache_again(cli: Cli, expected: tuple[str, str]) -> None:
    assert not _summarised(cli)
    assert (cli.ok("status", as_of=AFTER), cli.ok("status", "--json", as_of=AFTER)) == expected
    assert _summarised(cli)  # made again, for these bytes


@pytest.fixture
def shown(kinds: Cli) -> tuple[str, str]:
    """What status shows (from the record read whole), the cache made for it."""
    cache_file(kinds).unlink(missing_ok=True)
    expected = (kinds.ok("status", as_of=AFTER), kinds.ok("status", "--json", as_of=AFTER))
    assert _summarised(kinds)
    return expected


def test_a_damaged_summaries_part_is_no_cache(kinds: Cli, shown: tuple[str, str]) -> None:
    raw = bytearray(cache_file(kinds).read_bytes())
    top, head, summaries, _ = _parts(cache_file(kinds))
    at = len(top) + 4 + len(head) + len(summaries) // 2
    raw[at] ^= 0x01  # a bit flipped on the disk: the checksum fails
    cache_file(kinds).write_bytes(bytes(raw))
    _status_reads_it_whole_and_makes_the_cache_again(kinds, shown)


def test_summaries_that_are_not_summaries_are_no_cache(kinds: Cli, shown: tuple[str, str]) -> None:
    """Checksummed, but not what `plain_summaries` writes: neither `status` nor any other
    read uses the cache."""
    top, head, _, candidates = _parts(cache_file(kinds))
    for wrong in (
        {"not": "summaries"},
        [("applied",)],
        ["applied", (), None, None],
        b"",
        # the right shape, a field of another type: a day as text, a stage as a number,
        # stages entered that are not a tuple of stage ids, a reason that is not text
        [("applied", (), None, "2026-02-01")],
        [(7, (), None, None)],
        [("applied", "applied", None, None)],
        [("applied", (1,), None, None)],
        [("applied", (), 3, None)],
        # a latest day no date has (date.fromordinal refuses it; `--as-of` compares with it)
        [("applied", (), None, 0)] * 7,
        [("applied", (), None, -1)] * 7,
        [("applied", (), None, 10**9)] * 7,
    ):
        summaries = marshal.dumps(wrong)
        part = len(summaries).to_bytes(4, "big") + summaries
        write_cache(cache_file(kinds), top, head + part + candidates)
        assert record_cache.read(kinds.path, storage.file_digest(kinds.path)) is None
        _status_reads_it_whole_and_makes_the_cache_again(kinds, shown)


def test_a_read_of_the_whole_record_needs_a_summary_for_each_candidate(kinds: Cli) -> None:
    kinds.ok("status", as_of=AFTER)
    top, head, _, candidates = _parts(cache_file(kinds))
    summaries = marshal.dumps([("applied", (), None, None)] * 2)
    write_cache(
        cache_file(kinds), top, head + len(summaries).to_bytes(4, "big") + summaries + candidates
    )
    assert record_cache.read(kinds.path, storage.file_digest(kinds.path)) is None
    assert kinds.ok("show", "c007", "--json", as_of=AFTER)  # read from the text
    assert record_cache.read(kinds.path, storage.file_digest(kinds.path)) is not None


def test_a_cache_of_the_format_before_the_summaries_is_no_cache(
    kinds: Cli, shown: tuple[str, str]
) -> None:
    """Format 5 held no summaries: its body is the head, then the candidates. Named as its
    own format, or (had the format not been raised) as this one, it is not used."""
    top, head, _, candidates = _parts(cache_file(kinds))
    old_top = top.replace(b"\n%d " % record_cache.FORMAT, b"\n5 ", 1)
    assert old_top != top
    for named in (old_top, top):
        write_cache(cache_file(kinds), named, head + candidates)
        assert record_cache.read(kinds.path, storage.file_digest(kinds.path)) is None
        _status_reads_it_whole_and_makes_the_cache_again(kinds, shown)


def test_a_same_size_hand_edit_in_the_same_second_is_seen_by_status(kinds: Cli) -> None:
    """c001 put at the final interview by hand (the same number of bytes, the file's times
    put back): status counts it there, not where the cache had it."""
    before_edit = kinds.ok("status", "--json", as_of=AFTER)
    assert _summarised(kinds)
    # c001's stage and the move that put it there
    edit_in_place_keeping_times(kinds.path, b'stage = "shortlist"', b'stage = "interview"', 2)
    edited = kinds.ok("status", "--json", as_of=AFTER)
    assert edited != before_edit
    assert '"interview": 1' in edited and '"shortlist": 0' in edited
    assert kinds.ok("status", "--json", as_of=AFTER) == edited  # from the cache made again
    text = kinds.ok("status", as_of=AFTER)
    cache_file(kinds).unlink()
    assert kinds.ok("status", as_of=AFTER) == text
