"""`remind` from what the record's cache keeps of each candidate for it (record/summary.py
`Watch`, record/cache.py `read_watched`): no candidate is built, and what it prints is
byte for byte what the whole record gives (the record read from its text, its cache
removed), as lines and as JSON, on reminder days and in a digest, for every kind of
reminder a candidate gives; a replay (--as-of before the latest change), a record that
keeps its panel (the audit reads every candidate), a cache whose watches are not this
code's and a hand edit are read the whole way, as before."""

from __future__ import annotations

import json
import marshal
from datetime import date

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

from dgtracker.dates import LATEST as LAST_DAY
from dgtracker.record import cache as record_cache
from dgtracker.record import storage
from dgtracker.record.summary import Watch, watches_of

LATEST = "2026-02-11"  # the day of the record's latest change (below)
DAYS = [LATEST, "2026-02-13", "2026-08-20", "2027-03-01"]  # from the cache
REPLAY = "2026-02-05"  # before the latest change: the record as it stood, read whole
LINES = [("remind",), ("remind", "--json"), ("remind", "--within", "40")]


def _every_kind(cli: Cli) -> None:
    """Candidates past their stage's limit and about to be, outcomes with a letter logged
    and without, a reserve list in merit order, the appointed, a slot booked and one
    cancelled, and one person erased on request: every reminder a candidate gives, over
    the days DAYS."""
    for number in range(1, 10):
        cli.ok("add-candidate", f"Person {number}", "--email", f"p{number}@example.org",
               "--applied", "2026-01-20", as_of="2026-01-20")  # fmt: skip
    cli.ok("move", "c001", "c007", "c008", "longlist", as_of="2026-01-25")
    cli.ok("move", "c002", "c003", "rejected", "--reason", "Sift", as_of="2026-02-02")
    cli.ok("mail", "regret", "c002", as_of="2026-02-03")  # a letter logged: c003 untold
    cli.ok("move", "c004", "reserve", "--rank", "2", as_of="2026-02-10")
    cli.ok("move", "c005", "reserve", "--rank", "1", as_of="2026-02-10")
    cli.ok("move", "c006", "appointed", as_of="2026-02-10")
    cli.ok("schedule", "c007", "interview", "2026-02-12 10:00", "--where", "Room 4",
           as_of="2026-02-10")  # fmt: skip
    cli.ok("schedule", "c008", "interview", "2026-02-12 14:00", as_of="2026-02-10")
    cli.ok("schedule", "c008", "interview", "--cancel", as_of="2026-02-10")
    cli.ok("purge", "--candidate", "c003", as_of=LATEST)


@pytest.fixture
def kinds(cli: Cli) -> Cli:
    _every_kind(cli)
    return cli


def _watched(cli: Cli) -> list[Watch] | None:
    found = record_cache.read_watched(cli.path, storage.file_digest(cli.path))
    return None if found is None else found[1]


def _kinds_of(cli: Cli, as_of: str) -> set[str]:
    return {reminder["kind"] for reminder in json.loads(cli.ok("remind", "--json", as_of=as_of))}


def test_every_kind_a_candidate_gives_is_reminded(kinds: Cli) -> None:
    """The record below the other tests gives each kind of reminder a candidate can."""
    assert {"stage_limit", "slot"} <= _kinds_of(kinds, LATEST)
    assert {"untold", "purge"} <= _kinds_of(kinds, "2026-08-20")
    assert "reserve" in _kinds_of(kinds, "2027-03-01")
    later = kinds.ok("remind", as_of="2027-03-01")
    assert "Reserve list places expired 19 days ago (Wed 10 Feb 2027): c005, c004" in later
    assert "Personal data of 7 candidates is due for anonymisation" in later
    assert "c003" not in later  # erased: never named again, and not told of anything
    assert "c008" not in kinds.ok("remind", as_of=LATEST).split("interview")[-1]  # cancelled


@pytest.mark.parametrize("as_of", DAYS)
@pytest.mark.parametrize("line", LINES)
def test_remind_from_the_watches_builds_no_candidate_and_prints_the_same(
    kinds: Cli, monkeypatch: pytest.MonkeyPatch, as_of: str, line: tuple[str, ...]
) -> None:
    assert "c00" in from_the_cache_as_from_the_text(kinds, monkeypatch, line, as_of)


def test_the_watches_are_what_the_record_says(kinds: Cli) -> None:
    kinds.ok("status")
    watched = _watched(kinds)
    assert watched == watches_of(storage.load(kinds.path))
    assert watched is not None
    by_id = {watch.id: watch for watch in watched}
    assert by_id["c003"].purged and not by_id["c003"].holds and not by_id["c002"].purged
    assert by_id["c002"].logged and len(by_id["c002"].letters) == 1 and not by_id["c004"].logged
    assert by_id["c007"].slots == (("2026-02-12T10:00:00", "interview", "Room 4"),)
    assert by_id["c008"].slots == ()  # cancelled
    assert [by_id["c004"].rank, by_id["c005"].rank] == [2, 1]
    assert by_id["c006"].stage_since() is not None and by_id["c006"].holds


def test_a_replay_reminds_of_the_record_as_it_stood(kinds: Cli) -> None:
    """Before the latest change: c004 to c006 still at the first stage, c003 not yet told
    (and named as erased, as ever since); the same from the cache as from the text."""
    kinds.ok("status", as_of=LATEST)  # the cache
    then = kinds.ok("remind", "--within", "40", as_of=REPLAY)
    assert "c003 Anonymised (c003) should be told their outcome in 4 days" in then
    assert "c006 Person 6 reaches the 21-day limit at Applied in 25 days" in then
    assert "Reserve" not in then
    cache_file(kinds).unlink()
    assert kinds.ok("remind", "--within", "40", as_of=REPLAY) == then


def test_after_changes_the_cache_they_make_reminds_the_same(kinds: Cli) -> None:
    """A change taken from the cache remakes it (record/cached_change.py) with the watches
    of the record it saved: the unchanged candidates' kept, the changed ones made anew."""
    kinds.ok("status", as_of=LATEST)  # the cache, for the changes to start from
    kinds.ok("mail", "regret", "c004", as_of=LATEST)
    kinds.ok("schedule", "c001", "interview", "2026-02-12 16:00", as_of=LATEST)
    kinds.ok("move", "c009", "longlist", as_of=LATEST)
    assert _watched(kinds) == watches_of(storage.load(kinds.path))  # made by the save
    for as_of in DAYS:
        reminded = kinds.ok("remind", "--within", "40", as_of=as_of)
        cache_file(kinds).unlink()
        assert kinds.ok("remind", "--within", "40", as_of=as_of) == reminded
    assert "c004" not in kinds.ok("remind", as_of="2026-08-20").split("dgtracker purge")[0]


def test_a_record_that_keeps_its_panel_is_read_whole_for_the_audit(kinds: Cli) -> None:
    kinds.ok("panel", "add", "Raj Patel", as_of=LATEST)  # no chair: the audit says so
    cache_file(kinds).unlink(missing_ok=True)
    whole = kinds.ok("remind", as_of=LATEST)
    assert "audit findings (no-chair" in whole
    assert kinds.ok("remind", as_of=LATEST) == whole  # the record whole, from the cache


def test_on_a_pipe_and_on_a_terminal_remind_is_the_same_both_ways(kinds: Cli, run) -> None:
    line = ("--file", str(kinds.path), "--as-of", "2026-08-20", "remind")
    assert b"has not been told their outcome" in the_same_both_ways(kinds, run, line)


# --- watches that are not this code's are not used -------------------------------------


@pytest.fixture
def shown(kinds: Cli) -> tuple[str, str]:
    """What `remind` prints (from the record read whole), the cache made for it."""
    cache_file(kinds).unlink(missing_ok=True)
    at = "2026-08-20"
    expected = (kinds.ok("remind", as_of=at), kinds.ok("remind", "--json", as_of=at))
    assert _watched(kinds) is not None
    return expected


def _with_watches(cli: Cli, watches: object) -> None:
    """The cache with its watches part replaced by `watches`, its checksum made again."""
    top, (head, summaries, listings, aliases, _), candidates = cache_parts(cache_file(cli), 5)
    part = marshal.dumps(watches)
    body = head + summaries + listings + aliases + len(part).to_bytes(4, "big") + part
    write_cache(cache_file(cli), top, body + candidates)


def test_watches_that_are_not_watches_are_no_cache(kinds: Cli, shown: tuple[str, str]) -> None:
    """Checksummed, but not what the cache writes (another shape, a field of another type,
    a day no date has, a slot's moment that is no moment or has an offset): `remind` reads
    the record whole, the same reminders, and the cache is made again; `status` still uses
    it meanwhile."""
    watched = _watched(kinds)
    assert watched is not None
    good = tuple(watched[6])  # c007, with a slot
    fields = Watch._fields
    wrong_field = {
        "id": 7,
        "name": None,
        "stage": ["longlist"],
        "since": "2026-01-25",
        "rank": 1.5,
        "purged": 0,
        "logged": None,
        "letters": [739_650],
        "slots": [("2026-02-12T10:00:00", "interview", None)],
        "holds": "yes",
        "latest": 739_000.5,
    }
    assert set(wrong_field) == set(fields)  # a field added to Watch is tried here too
    wrongs: list[object] = [{"not": "watches"}, b"", [good[:3]], [(*good, None)]]
    wrongs += [
        [(*good[: fields.index(name)], value, *good[fields.index(name) + 1 :])] * 9
        for name, value in wrong_field.items()
    ]
    at = {name: fields.index(name) for name in ("since", "latest", "letters", "slots")}
    wrongs += [
        [(*good[: at[name]], value, *good[at[name] + 1 :])] * 9
        for name, value in [
            ("since", 0),
            ("latest", 10**9),
            ("letters", (-1,)),
            ("letters", ("2026-02-03",)),
            ("slots", (("not a moment", "interview", None),)),
            ("slots", (("2026-02-12T10:00:00+01:00", "interview", None),)),
            ("slots", (("2026-02-12T10:00:00", 4, None),)),
            ("slots", (("2026-02-12T10:00:00", "interview"),)),
        ]
    ]
    for wrong in wrongs:
        _with_watches(kinds, wrong)
        assert record_cache.read_outline(kinds.path, storage.file_digest(kinds.path)) is not None
        assert _watched(kinds) is None, wrong
        assert not cache_file(kinds).exists()  # removed, for the read of the whole to make again
        assert kinds.ok("remind", as_of="2026-08-20") == shown[0], wrong
        assert _watched(kinds) is not None  # made again, for these bytes
        assert kinds.ok("remind", "--json", as_of="2026-08-20") == shown[1]


def test_a_change_from_a_cache_with_watches_of_another_shape_reads_the_text(
    kinds: Cli,
) -> None:
    """The watches a change carries to the next cache are read as a list, one a candidate:
    a cache whose are not is no cache for a change either."""
    kinds.ok("status", as_of=LATEST)
    _with_watches(kinds, {"not": "watches"})
    kinds.ok("move", "c009", "longlist", as_of=LATEST)
    assert _watched(kinds) is None  # the change read the text; the next read makes it
    kinds.ok("remind", as_of=LATEST)
    assert _watched(kinds) == watches_of(storage.load(kinds.path))


def test_a_same_size_hand_edit_in_the_same_second_is_seen_by_remind(kinds: Cli) -> None:
    """Person 7 renamed by hand (the same number of bytes, the file's times put back):
    `remind` names them as the file does, not as the cache did."""
    before_edit = kinds.ok("remind", as_of=LATEST)
    assert _watched(kinds) is not None and "c007 Person 7" in before_edit
    edit_in_place_keeping_times(kinds.path, b'"Person 7"', b'"Person X"')
    edited = kinds.ok("remind", as_of=LATEST)
    assert edited == before_edit.replace("Person 7", "Person X")
    assert kinds.ok("remind", as_of=LATEST) == edited  # from the cache made again


def test_watches_with_days_no_record_holds_are_no_cache(kinds: Cli) -> None:
    """Checksummed watches whose days are dates Python has but no record holds (after
    2999, dates.LATEST, up to the calendar's last day): the reminders counted from them
    (a stage's limit, an outcome's letter, the reserve list's and the retention's months)
    ran past the calendar's end, an internal error (exit 70). Not this code's watches: the
    record is read whole, the same reminders as from the text, and the cache made again."""
    line = ("remind", "--within", "99999999")
    cache_file(kinds).unlink(missing_ok=True)
    expected = {day: kinds.ok(*line, as_of=day) for day in ("2026-02-11", "2027-03-01")}
    watched = _watched(kinds)
    assert watched is not None
    by_id = {watch.id: index for index, watch in enumerate(watched)}
    beyond = date(LAST_DAY.year + 1, 1, 1).toordinal()
    since, letters = Watch._fields.index("since"), Watch._fields.index("letters")
    for cid, field, value in [
        ("c001", since, date.max.toordinal()),  # at an active stage: its limit
        ("c001", since, beyond),
        ("c006", since, beyond),  # appointed: the outcome's day
        ("c002", since, beyond),  # told of their outcome: the letter's due day
        ("c002", letters, (beyond,)),
    ]:
        plain = [tuple(watch) for watch in watched]
        changed = list(plain[by_id[cid]])
        changed[field] = value
        plain[by_id[cid]] = tuple(changed)
        for day, whole in expected.items():
            _with_watches(kinds, plain)
            assert _watched(kinds) is None, (cid, value)
            assert kinds.ok(*line, as_of=day) == whole, (cid, value, day)
            assert _watched(kinds) == watched  # made again, from the text
