"""`candidates` from the candidates' listings the record's cache holds (record/summary.py
`Listing`, record/cache.py `read_listed`): no candidate is built, and what it prints is byte
for byte what the whole record gives (the record read from its text, its cache removed), as
a table on a pipe and on a terminal and as JSON, for every selection; a replay (--as-of
before the latest change), a name-blind sift, a cache whose listings are not this code's
and a hand edit are read the whole way, as before."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from tests.cache_reads import (
    cache_file,
    cache_parts,
    edit_in_place_keeping_times,
    from_the_cache_as_from_the_text,
    the_same_both_ways,
    write_cache,
)
from tests.conftest import Cli

from dgtracker.record import cache as record_cache
from dgtracker.record import storage
from dgtracker.record.summary import Listing, listings_of

LATEST = "2026-02-09"  # the day of the record's latest change (below)
AFTER = "2026-02-20"  # a list after it: from the listings
REPLAY = "2026-01-27"  # before it: the record as it stood, rebuilt from the whole record

SELECTIONS = [
    ("candidates",),
    ("candidates", "--json"),
    ("candidates", "--active"),
    ("candidates", "--active", "--json"),
    ("candidates", "--stage", "reserve", "--json"),  # in merit order
    ("candidates", "--stage", "reserve"),
    ("candidates", "--stage", "Longlist"),  # a stage by its title
    ("candidates", "--stage", "withdrawn", "--json"),
    ("candidates", "--reveal", "--json"),
]


def _every_kind(cli: Cli) -> None:
    """Candidates with and without contact details, notes, an undone move, outcomes with
    reasons, a reinstatement, a reserve list in merit order, an edit of a name, and
    monitoring answers, over several days."""
    add = ("add-candidate", "--applied", "2026-01-20")
    cli.ok(*add, "Ada Lovelace", "--email", "ada@example.org", "--phone", "020 7946 0001",
           "--source", "advert", "--note", "Strong sift.", as_of="2026-01-20")  # fmt: skip
    for name in ("Grace Hopper", "Alan Turing", "Mary Somerville"):
        cli.ok(*add, name, as_of="2026-01-20")
    for name in ("Emmy Noether", "Sophie Germain", "Hedy Lamarr", "Katherine Johnson"):
        cli.ok(*add, name, "--source", "search firm", as_of="2026-01-21")
    cli.ok("move", "c001", "c002", "c004", "c005", "c006", "c008", "longlist", as_of="2026-01-25")
    cli.ok("move", "c001", "shortlist", "--note", "Clear evidence.", as_of="2026-01-26")
    cli.ok("move", "c002", "rejected", "--reason", "Did not meet the criteria", as_of="2026-01-26")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took another post", as_of="2026-01-26")
    cli.ok("move", "c004", "assessment", as_of="2026-01-28")
    cli.ok("undo", "c004", "--reason", "moved in error", as_of="2026-01-28")
    cli.ok("move", "c005", "appointed", as_of="2026-02-01")
    cli.ok("move", "c005", "preferred", "--reinstate", "--reason", "in error", as_of="2026-02-02")
    cli.ok("move", "c006", "reserve", "--rank", "2", as_of="2026-02-03")
    cli.ok("move", "c008", "reserve", "--rank", "1", as_of="2026-02-03")
    cli.ok("note", "c008", "Happy to wait for a post.", as_of="2026-02-04")
    cli.ok("move", "c007", "withdrawn", "--reason", "Moved abroad", as_of="2026-02-04")
    cli.ok("edit", "c004", "--name", "Alan M. Turing", "--reason", "Typo", as_of="2026-02-05")
    cli.ok("monitoring", "c001", "sex=female", "age_band=35-39", as_of=LATEST)


@pytest.fixture
def kinds(cli: Cli) -> Cli:
    _every_kind(cli)
    return cli


def _listed(cli: Cli) -> list[Listing] | None:
    found = record_cache.read_listed(cli.path, storage.file_digest(cli.path))
    return None if found is None else found[2]


@pytest.mark.parametrize("args", SELECTIONS)
def test_the_list_from_the_listings_builds_no_candidate_and_prints_the_same(
    kinds: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    assert "c00" in from_the_cache_as_from_the_text(kinds, monkeypatch, args, AFTER)


def test_the_listings_are_what_the_record_says(kinds: Cli) -> None:
    kinds.ok("status")
    listed = _listed(kinds)
    assert listed == listings_of(storage.load(kinds.path))
    assert listed is not None
    assert listed[0].notes == ("Strong sift.", "Clear evidence.")
    assert listed[0].email == "ada@example.org" and listed[0].source == "advert"
    assert listed[3].name == "Alan M. Turing"
    assert listed[3].stage == "longlist"  # the undone move reached nothing
    assert [listed[5].rank, listed[7].rank] == [2, 1]


@pytest.mark.parametrize("as_of", [AFTER, LATEST, "2026-02-03", REPLAY, "2026-01-20"])
@pytest.mark.parametrize("args", [("candidates",), ("candidates", "--json")])
def test_the_list_is_the_same_from_the_listings_and_from_the_whole_record(
    kinds: Cli, as_of: str, args: tuple[str, ...]
) -> None:
    cache_file(kinds).unlink(missing_ok=True)
    whole = kinds.ok(*args, as_of=as_of)
    assert kinds.ok(*args, as_of=as_of) == whole


def test_a_replay_lists_the_record_as_it_stood(kinds: Cli) -> None:
    """Before the latest change, the record as it stood: c004 not yet renamed, c005 not yet
    appointed, nobody on the reserve list."""
    kinds.ok("status", as_of=AFTER)  # the cache
    then = kinds.ok("candidates", as_of=REPLAY)
    assert "Alan Turing" in then and "Alan M. Turing" not in then
    assert kinds.ok("candidates", "--stage", "reserve", as_of=REPLAY).startswith("No candidates")
    assert "Alan M. Turing" in kinds.ok("candidates", as_of=AFTER)


def test_after_changes_the_cache_they_make_lists_the_same(kinds: Cli) -> None:
    """A change taken from the cache remakes it (record/cached_change.py) with the listings
    of the record it saved: the unchanged candidates' kept, the changed ones made anew."""
    kinds.ok("status", as_of=AFTER)  # the cache, for the changes to start from
    kinds.ok("move", "c001", "assessment", "--note", "Into the assessment.", as_of=AFTER)
    kinds.ok("edit", "c002", "--email", "grace@example.org", "--reason", "Given", as_of=AFTER)
    kinds.ok("add-candidate", "Rosalind Franklin", "--email", "rf@example.org", as_of=AFTER)
    assert _listed(kinds) == listings_of(storage.load(kinds.path))  # made by the save
    for args in (("candidates",), ("candidates", "--json")):
        listed = kinds.ok(*args, as_of=AFTER)
        assert "Rosalind Franklin" in listed and "grace@example.org" in listed
        cache_file(kinds).unlink()
        assert kinds.ok(*args, as_of=AFTER) == listed


@pytest.mark.parametrize("args", [("candidates",), ("candidates", "--json")])
def test_a_name_blind_sift_is_listed_from_the_whole_record(
    kinds: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """While the sift is blind, the list is the panel's view of the whole record: those not
    at the shortlist by id only, and their mentions hidden."""
    kinds.ok("blind", "--until", "shortlist", "--by", "ada", as_of=AFTER)
    cache_file(kinds).unlink(missing_ok=True)
    whole = kinds.ok(*args, as_of=AFTER)
    assert "Grace Hopper" not in whole and "Ada Lovelace" in whole
    assert kinds.ok(*args, as_of=AFTER) == whole  # from the cache made
    revealed = kinds.ok(*args, "--reveal", as_of=AFTER)
    assert "Grace Hopper" in revealed


def test_on_a_pipe_and_on_a_terminal_the_list_is_the_same_both_ways(kinds: Cli, run) -> None:
    line = ("--file", str(kinds.path), "--as-of", AFTER, "candidates")
    assert b"Katherine Johnson" in the_same_both_ways(kinds, run, line)


def test_a_record_without_candidates(cli: Cli) -> None:
    cache_file(cli).unlink(missing_ok=True)
    whole = cli.ok("candidates", "--json", as_of=AFTER)
    assert whole.strip() == "[]"
    assert cli.ok("candidates", "--json", as_of=AFTER) == whole
    assert "No candidates match." in cli.ok("candidates", as_of=AFTER)


# --- listings that are not this code's are not used ------------------------------------


def _parts(cache: Path) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """The cache as its header and key, then its body's parts, each after its length: the
    head, the summaries, the listings, and the candidates' parts together."""
    top, (head, summaries, listings), rest = cache_parts(cache, 3)
    return top, head, summaries, listings, rest


@pytest.fixture
def shown(kinds: Cli) -> tuple[str, str]:
    """What the list shows (from the record read whole), the cache made for it."""
    cache_file(kinds).unlink(missing_ok=True)
    expected = (kinds.ok("candidates", as_of=AFTER), kinds.ok("candidates", "--json", as_of=AFTER))
    assert _listed(kinds) is not None
    return expected


def _good(kinds: Cli) -> tuple[object, ...]:
    listed = _listed(kinds)
    assert listed is not None
    return tuple(listed[0])


def test_listings_that_are_not_listings_are_no_cache(kinds: Cli, shown: tuple[str, str]) -> None:
    """Checksummed, but not what the cache writes (another shape, a field of another type,
    one listing too few): `candidates` reads the record whole, the same list, and the
    cache is made again; `status` and the other reads still use it meanwhile."""
    good = _good(kinds)
    fields = Listing._fields
    wrong_field = {
        "id": 7,
        "name": None,
        "stage": b"applied",
        "email": 3,
        "phone": ["020"],
        "source": 1.5,
        "applied": "2026-01-20",
        "rank": "1",
        "since": 739_000.5,
        "notes": ["a list, not a tuple"],
    }
    assert set(wrong_field) == set(fields)  # a field added to Listing is tried here too
    wrongs: list[object] = [{"not": "listings"}, b"", [good[:3]], [(*good, None)]]
    wrongs += [
        [(*good[: fields.index(name)], value, *good[fields.index(name) + 1 :])] * 8
        for name, value in wrong_field.items()
    ]
    wrongs.append([(*good[:-1], (1, 2))] * 8)  # notes that are not text
    wrongs.append([good] * 7)  # one too few for the candidates
    for wrong in wrongs:
        top, head, summaries, _, candidates = _parts(cache_file(kinds))
        listings = marshal.dumps(wrong)
        part = len(listings).to_bytes(4, "big") + listings
        write_cache(cache_file(kinds), top, head + summaries + part + candidates)
        assert record_cache.read_outline(kinds.path, storage.file_digest(kinds.path)) is not None
        assert _listed(kinds) is None, wrong
        assert not cache_file(kinds).exists()  # removed, for the read of the whole to make again
        assert (kinds.ok("candidates", as_of=AFTER), shown[1]) == shown
        assert _listed(kinds) is not None  # made again, for these bytes
        assert kinds.ok("candidates", "--json", as_of=AFTER) == shown[1]


@pytest.mark.parametrize("field", ["applied", "since"])
@pytest.mark.parametrize("day", [0, -1, 10**9])
def test_listings_with_a_day_that_is_no_day_are_no_cache(
    kinds: Cli, shown: tuple[str, str], field: str, day: int
) -> None:
    """Checksummed, of the right types, but with a day no date has (date.fromordinal
    refuses it): as any cache that is not what the cache writes, `candidates` reads the
    record whole and prints the same list, never an internal error."""
    good = _good(kinds)
    at = Listing._fields.index(field)
    top, head, summaries, _, candidates = _parts(cache_file(kinds))
    listings = marshal.dumps([(*good[:at], day, *good[at + 1 :])] * 8)
    write_cache(
        cache_file(kinds),
        top,
        head + summaries + len(listings).to_bytes(4, "big") + listings + candidates,
    )
    assert _listed(kinds) is None
    assert not cache_file(kinds).exists()  # removed, for the read of the whole to make again
    assert (kinds.ok("candidates", as_of=AFTER), shown[1]) == shown
    assert kinds.ok("candidates", "--json", as_of=AFTER) == shown[1]


def test_a_damaged_listings_part_is_no_cache(kinds: Cli, shown: tuple[str, str]) -> None:
    raw = bytearray(cache_file(kinds).read_bytes())
    top, head, summaries, listings, _ = _parts(cache_file(kinds))
    raw[len(top) + 4 + len(head) + len(summaries) + len(listings) // 2] ^= 0x01
    cache_file(kinds).write_bytes(bytes(raw))  # a bit flipped on the disk: the checksum fails
    assert _listed(kinds) is None
    assert kinds.ok("candidates", as_of=AFTER) == shown[0]  # read whole; the cache made again
    assert _listed(kinds) is not None
    assert kinds.ok("candidates", "--json", as_of=AFTER) == shown[1]


def test_a_same_size_hand_edit_in_the_same_second_is_seen_by_the_list(kinds: Cli) -> None:
    """Grace Hopper renamed by hand (the same number of bytes, the file's times put back):
    the list shows the name the file holds, not the cache's."""
    before_edit = kinds.ok("candidates", as_of=AFTER)
    assert _listed(kinds) is not None
    edit_in_place_keeping_times(kinds.path, b'"Grace Hopper"', b'"Grace Harper"')
    edited = kinds.ok("candidates", as_of=AFTER)
    assert "Grace Harper" in edited and "Grace Hopper" not in edited
    assert edited == before_edit.replace("Grace Hopper", "Grace Harper")
    assert kinds.ok("candidates", as_of=AFTER) == edited  # from the cache made again
