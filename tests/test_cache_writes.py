"""A change to a record read from its cache (record/cached_change.load_for_change): the save
writes only the candidates that changed, makes the cache for the bytes it wrote, and
writes the same text, byte for byte, as a change read from the text; a cache that does
not match the file (a hand edit, damage) is not used, and a change that breaks a rule
across the record is never cached as if it kept it."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import marshal
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.cache_reads import cache_file, cache_parts, write_cache
from tests.conftest import Cli

from dgtracker.record import cache as record_cache
from dgtracker.record import cached_change, plain_model, storage
from dgtracker.record.model import Candidate, Record
from dgtracker.record.plain_model import CANDIDATES
from dgtracker.record.summary import Listing
from dgtracker.record.unbuilt import unchanged_plain

AT = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
PEOPLE = 30


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every change at the same moment: two copies changed alike are alike byte for byte."""
    monkeypatch.setattr("dgtracker.cli.settings.now_utc", lambda: AT)


@pytest.fixture
def many(cli: Cli, clock: None) -> Cli:
    """A record of many candidates, some moved and noted, read once (the cache there)."""
    for number in range(1, PEOPLE + 1):
        cli.ok("add-candidate", f"Person {number:03}", "--email", f"p{number}@example.org")
    cli.ok("move", "c004", "c005", "c006", "longlist")
    cli.ok("note", "c007", "Strong on delivery.")
    cli.ok("status")
    assert _cache_content(cli.path) is not None
    return cli


def _twin(cli: Cli, folder: Path) -> Cli:
    """A copy of the record in another folder, without its cache."""
    folder.mkdir()
    shutil.copyfile(cli.path, folder / cli.path.name)
    return Cli(folder / cli.path.name)


def _cache_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache")


def _cache_content(path: Path) -> tuple[bytes, bool, tuple[Any, ...]] | None:
    """What the cache holds: the key, whether the text is laid out in pieces, and the
    plain record with each candidate unmarshalled (the bytes of one may differ with
    marshal's sharing of equal objects, never what they hold), then the candidates'
    summaries (record/summary.py) as `status` reads them, and their listings as
    `candidates` reads them."""
    if not _cache_file(path).exists():
        return None
    raw = _cache_file(path).read_bytes()
    header = record_cache._header()
    assert header is not None and raw.startswith(header)
    key, body = raw[len(header) : len(header) + 32], raw[len(header) + 32 + 4 :]
    laid_out, kept, *_ = record_cache.unpacked(body)
    plain = list(kept)
    plain[CANDIDATES] = [marshal.loads(candidate) for candidate in plain[CANDIDATES]]
    listed = record_cache.read_listed(path, key)
    assert listed is not None
    return key, laid_out, (*plain, listed[1], listed[2])


STEPS = [
    ("add-candidate", "Person 031", "--email", "p31@example.org", "--note", "New."),
    ("move", "c012", "longlist", "--note", "Sifted in."),
    ("edit", "c013", "--name", "Person Thirteen", "--reason", "Typo"),
    ("note", "c014", "Called back."),
    ("undo", "c012", "--reason", "Moved in error"),
    ("move", "c004", "c005", "shortlist"),
]


def test_a_change_from_the_cache_writes_what_a_change_from_the_text_writes(
    many: Cli, tmp_path: Path
) -> None:
    """Each change, made on the record read from its cache and on a copy read from its
    text: the same bytes; and the cache the change left is the one a read of those bytes
    makes from scratch, so every read after shows the same."""
    for index, step in enumerate(STEPS):
        twin = _twin(many, tmp_path / f"twin{index}")
        assert _cache_content(twin.path) is None
        many.ok(*step)
        twin.ok(*step)
        raw = many.path.read_bytes()
        assert raw == twin.path.read_bytes(), step
        left = _cache_content(many.path)
        assert left is not None, step  # made by the save, for the bytes it wrote
        assert left[0] == hashlib.sha256(raw).digest() and left[1] is True
        assert _cache_content(twin.path) is None  # a change from the text removes it
        for read in (("status", "--json"), ("candidates", "--json"), ("show", "c013", "--json")):
            assert many.ok(*read) == twin.ok(*read), (step, read)
        assert _cache_content(many.path) == left  # the reads used it as it was
        assert _cache_content(twin.path) == left, step  # made from scratch: the same


def test_a_same_size_hand_edit_within_the_second_is_seen_by_the_next_change(
    many: Cli, tmp_path: Path
) -> None:
    before = many.path.stat()
    raw = many.path.read_bytes()
    assert raw.count(b'"Person 009"') == 1
    with open(many.path, "r+b") as handle:  # in place, same size, the time put back
        handle.write(raw.replace(b'"Person 009"', b'"Person 00X"'))
    os.utime(many.path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert many.path.stat().st_size == before.st_size
    twin = _twin(many, tmp_path / "twin")
    many.ok("move", "c010", "longlist")
    twin.ok("move", "c010", "longlist")
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert b'"Person 00X"' in many.path.read_bytes()
    assert json.loads(many.ok("show", "c009", "--json"))["name"] == "Person 00X"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw.replace(b"Person 009", b"Person 00X"), id="a-name"),
        pytest.param(lambda raw: raw[:-200], id="truncated"),
        pytest.param(lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]), id="one-bit"),
        pytest.param(lambda raw: b"", id="empty"),
    ],
)
def test_a_damaged_cache_is_not_used_by_a_read_nor_by_a_change(
    many: Cli, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    cache = _cache_file(many.path)
    damaged = damage(cache.read_bytes())
    assert damaged != cache.read_bytes()
    cache.write_bytes(damaged)
    assert json.loads(many.ok("show", "c009", "--json"))["name"] == "Person 009"
    cache.write_bytes(damaged)
    twin = _twin(many, tmp_path / "twin")
    many.ok("edit", "c009", "--phone", "0100 000 0009")
    twin.ok("edit", "c009", "--phone", "0100 000 0009")
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert b"Person 00X" not in many.path.read_bytes()
    assert _cache_content(many.path) is None  # read from the text: removed, as before
    assert json.loads(many.ok("show", "c009", "--json"))["name"] == "Person 009"


def _unknown_stage(record: Record) -> None:
    record.candidates[3].stage = "nowhere"


def _two_under_one_id(record: Record) -> None:
    record.candidates[3].id = record.candidates[4].id


def _number_behind(record: Record) -> None:
    record.next_candidate_number = 2  # a read makes it one past the highest id


def _stage_renamed(record: Record) -> None:
    record.stages[0].id = "received"  # the candidates at the old id are at no stage now


def _assessed_stage_renamed(record: Record) -> None:
    record.stages[1].id = "sift"  # the criteria assessed there too


@pytest.mark.parametrize(
    "breaks",
    [_unknown_stage, _two_under_one_id, _number_behind, _stage_renamed, _assessed_stage_renamed],
)
def test_a_change_that_breaks_a_rule_across_the_record_is_never_cached(
    many: Cli, tmp_path: Path, breaks: Callable[[Record], None]
) -> None:
    """Written as a change from the text writes it (a save checks what it reads back, not
    the record's rules), the cache is not made from the record held: the next read checks
    the text, and refuses it or reads it, exactly as after a change from the text."""
    twin = _twin(many, tmp_path / "twin")
    record, layout, base = cached_change.load_for_change(many.path)
    assert base is not None  # from the cache
    breaks(record)
    cached_change.save(many.path, record, layout, base)
    other, other_layout = storage.load_with_layout(twin.path)
    breaks(other)
    storage.save(twin.path, other, other_layout, cached=True)
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert _cache_content(many.path) is None
    assert storage.problems_in(many.path) == storage.problems_in(twin.path)
    for read in (("check",), ("status", "--json")):
        ours, theirs = many(*read), twin(*read)
        said = ours.output.replace(str(many.path), "RECORD")
        assert (ours.exit_code, said) == (
            theirs.exit_code,
            theirs.output.replace(str(twin.path), "RECORD"),
        )


def test_a_change_read_from_the_text_is_still_written_as_before(many: Cli, tmp_path: Path) -> None:
    """Without a cache of these bytes, the change reads and checks the text, as always."""
    _cache_file(many.path).unlink()
    record, layout, base = cached_change.load_for_change(many.path)
    assert base is None and layout is not None
    assert record == storage.load_with_layout(many.path)[0]


def test_a_large_record_is_changed_from_its_text_whatever_its_cache(
    many: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above cached_change.CHANGE_FROM_CACHE_UP_TO bytes (here: any record), a change reads the
    record from its file, a candidate at a time, as after a hand edit (memory): the same
    bytes written, and the cache left for the next read to make."""
    twin = _twin(many, tmp_path / "twin")
    monkeypatch.setattr(cached_change, "CHANGE_FROM_CACHE_UP_TO", 0)
    assert cached_change.load_for_change(many.path)[2] is None
    for step in STEPS[:3]:
        many.ok(*step)
        twin.ok(*step)
        assert many.path.read_bytes() == twin.path.read_bytes(), step
        assert _cache_content(many.path) is None, step
        assert many.ok("status", "--json") == twin.ok("status", "--json")


def test_a_change_of_many_candidates_leaves_the_cache_to_the_next_read(
    many: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More candidates changed than cached_change.RECHECK_UP_TO (here: one), and the save from
    the cache writes the same bytes but makes no cache (memory): the next read makes it,
    from the text, and shows what the file says."""
    twin = _twin(many, tmp_path / "twin")
    monkeypatch.setattr(cached_change, "RECHECK_UP_TO", 1)
    step = ("move", "c020", "c021", "longlist")
    many.ok(*step)
    twin.ok(*step)
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert _cache_content(many.path) is None
    assert many.ok("candidates", "--json") == twin.ok("candidates", "--json")
    assert _cache_content(many.path) == _cache_content(twin.path) is not None
    many.ok("note", "c022", "One candidate: the cache made by the save.")
    assert _cache_content(many.path) is not None


def test_a_record_with_crlf_line_ends_is_changed_from_its_text(many: Cli, tmp_path: Path) -> None:
    """A record saved by a Windows editor (CRLF) has no piece a change can keep as it is:
    the pieces split from it do not number the candidates, so the change reads the text
    (as after any hand edit) and writes the record as it always has, in LF."""
    many.path.write_bytes(many.path.read_bytes().replace(b"\n", b"\r\n"))
    twin = _twin(many, tmp_path / "twin")
    many.ok("status")  # the cache, made from the CRLF bytes
    assert _cache_content(many.path) is not None
    for step in STEPS[:2]:
        many.ok(*step)
        twin.ok(*step)
        assert many.path.read_bytes() == twin.path.read_bytes(), step
        assert b"\r\n" not in many.path.read_bytes()
        assert many.ok("candidates", "--json") == twin.ok("candidates", "--json")


# --- candidates built only when the change needs them (record/unbuilt.py) -------------


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the candidates built in full from their plain form, as they are built."""
    built: list[str] = []
    real = plain_model._candidate_back

    def build(plain: tuple[Any, ...]) -> Candidate:
        candidate = real(plain)
        built.append(candidate.id)
        return candidate

    monkeypatch.setattr(plain_model, "_candidate_back", build)
    return built


@pytest.mark.parametrize(
    ("step", "touched"),
    [
        (("move", "c012", "longlist", "--note", "Sifted in."), {"c012"}),
        (("add-candidate", "Person 031", "--email", "p31@example.org"), set()),
        (("note", "c014", "Called back."), {"c014"}),
        (("move", "c004", "c005", "shortlist"), {"c004", "c005"}),
    ],
)
def test_a_change_from_the_cache_builds_only_the_candidates_it_touches(
    many: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: tuple[str, ...],
    touched: set[str],
) -> None:
    """Of 30 candidates, the change builds those it changes (and the first, whose history
    says how the record is laid out), and writes what a change from the text writes."""
    twin = _twin(many, tmp_path / "twin")
    built = _counting_builds(monkeypatch)
    many.ok(*step)
    assert set(built) <= touched | {"c001"} and touched <= set(built), built
    twin.ok(*step)
    assert many.path.read_bytes() == twin.path.read_bytes()
    twin.ok("status")  # the cache a read of those bytes makes from scratch
    assert _cache_content(many.path) == _cache_content(twin.path)


def test_an_unbuilt_candidate_is_built_when_more_than_its_plain_fields_is_asked(
    many: Cli,
) -> None:
    record, _, base = cached_change.load_for_change(many.path)
    assert base is not None
    whole = storage.load(many.path).candidates
    unbuilt = record.candidates
    assert all(type(candidate) is not Candidate for candidate in unbuilt)
    # The plain fields: read without a build.
    assert [(c.id, c.name, c.stage, c.email, c.rank, c.aliases) for c in unbuilt] == [
        (c.id, c.name, c.stage, c.email, c.rank, c.aliases) for c in whole
    ]
    assert all(type(candidate) is not Candidate for candidate in unbuilt)
    assert all(unchanged_plain(candidate) is not None for candidate in unbuilt)
    # Anything else builds the candidate into one like any other.
    assert unbuilt[6].notes == whole[6].notes == ["Strong on delivery."]
    assert type(unbuilt[6]) is Candidate and unbuilt[6] == whole[6]
    assert unbuilt[7] == whole[7] and whole[8] == unbuilt[8]  # equality, either side
    assert repr(unbuilt[9]) == repr(whole[9])
    copied = copy.deepcopy(unbuilt[10])
    assert type(copied) is Candidate and copied == whole[10]
    unbuilt[11].stage = "longlist"  # a set builds it first
    assert type(unbuilt[11]) is Candidate and unbuilt[11].history == whole[11].history
    assert unchanged_plain(unbuilt[11]) is None
    del unbuilt[13].phone  # as a set: built first
    assert type(unbuilt[13]) is Candidate and unbuilt[13].history == whole[13].history
    assert [type(c) is Candidate for c in unbuilt].count(True) == 7
    # The one plain field that is a list: changed in place, the candidate is not the cache's.
    unbuilt[12].aliases.append("c099")
    assert type(unbuilt[12]) is not Candidate and unchanged_plain(unbuilt[12]) is None


def test_an_alias_added_in_place_to_an_unbuilt_candidate_is_saved(
    many: Cli, tmp_path: Path
) -> None:
    twin = _twin(many, tmp_path / "twin")
    record, layout, base = cached_change.load_for_change(many.path)
    record.candidates[12].aliases.append("c099")
    cached_change.save(many.path, record, layout, base)
    other, other_layout = storage.load_with_layout(twin.path)
    other.candidates[12].aliases.append("c099")
    storage.save(twin.path, other, other_layout, cached=True)
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert b'"c099"' in many.path.read_bytes()
    assert json.loads(many.ok("show", "c099", "--json"))["id"] == "c013"


def _forged_history(candidates: list[Any], listings: list[Any], index: int) -> None:
    history = [field.name for field in dataclasses.fields(Candidate)].index("history")
    forged = list(candidates[index])
    forged[history] = [("not", "an", "event")]
    candidates[index] = tuple(forged)


def _forged_listing(candidates: list[Any], listings: list[Any], index: int) -> None:
    forged = list(listings[index])  # its name another's (the types hold)
    forged[Listing._fields.index("name")] = "Person 099"
    listings[index] = tuple(forged)


Forgery = Callable[[list[Any], list[Any], int], None]


def _forge(cache: Path, forge: Forgery, index: int) -> None:
    """The cache rewritten with its checksum made again, the candidate at `index` (its plain
    form or its listing) forged."""
    top, (head, summaries, listed, aliases, watches), rest = cache_parts(cache, 5)
    candidates = []
    while rest:  # the candidates' plain forms, marshalled, a few hundred to a part
        size = int.from_bytes(rest[:4], "big")
        candidates += map(marshal.loads, marshal.loads(rest[4 : 4 + size]))
        rest = rest[4 + size :]
    listings = marshal.loads(listed[4:])
    forge(candidates, listings, index)
    listed = marshal.dumps(listings)
    body = b"".join((head, summaries, len(listed).to_bytes(4, "big"), listed, aliases, watches))
    forms = marshal.dumps([marshal.dumps(candidate) for candidate in candidates])
    body += len(forms).to_bytes(4, "big") + forms
    write_cache(cache, top, body)


@pytest.mark.parametrize("forge", [_forged_history, _forged_listing])
def test_a_forged_candidate_in_the_cache_stops_the_change_before_anything_is_written(
    many: Cli, tmp_path: Path, forge: Forgery
) -> None:
    """A cache rewritten with its checksum made again: one candidate's history not a
    history, or its listing (whence a change takes its name) not its own. The change that
    builds that candidate says so, writes nothing and removes the cache; run again, it
    reads the text and writes what a change from the text writes."""
    twin = _twin(many, tmp_path / "twin")
    cache = cache_file(many)
    _forge(cache, forge, 11)  # c012
    before = many.path.read_bytes()
    step = ("move", "c012", "longlist")
    result = many(*step)
    assert result.exit_code == 3, result.output
    assert "does not hold what the record says" in result.output
    assert "Run the command again" in result.output and "Traceback" not in result.output
    assert many.path.read_bytes() == before and not cache.exists()
    many.ok(*step)
    twin.ok(*step)
    assert many.path.read_bytes() == twin.path.read_bytes()


@pytest.mark.parametrize("forge", [_forged_history, _forged_listing])
@pytest.mark.parametrize("json_output", [(), ("--json",)])
def test_a_forged_candidate_the_change_left_alone_is_read_from_the_text_after_the_save(
    many: Cli, tmp_path: Path, forge: Forgery, json_output: tuple[str, ...]
) -> None:
    """The forged candidate is not the change's, which is saved; what the command shows
    after the save reads every candidate (`blind --until` counts whom the panel sees): that
    one is read from the text just written, and the command ends as a change from the text
    does (not with an internal error after a save), the forged cache removed."""
    twin = _twin(many, tmp_path / "twin")
    cache = cache_file(many)
    _forge(cache, forge, 19)  # c020, at Applied: blind changes no candidate
    step = ("blind", "--until", "shortlist", *json_output)
    result = many(*step)
    assert result.exit_code == 0, result.output
    assert result.stdout == twin.ok(*step)
    assert many.path.read_bytes() == twin.path.read_bytes()
    assert not cache.exists()
    assert many.ok("show", "c020", "--json") == twin.ok("show", "c020", "--json")


def test_aliases_in_the_cache_that_are_not_aliases_are_no_cache_for_a_change(
    many: Cli, tmp_path: Path
) -> None:
    """The cache's part for the aliases, checksummed but of another shape: the change
    reads the text, and writes what a change from the text writes."""
    twin = _twin(many, tmp_path / "twin")
    cache = cache_file(many)
    top, (head, summaries, listed, _, watches), rest = cache_parts(cache, 5)
    aliases = marshal.dumps({11: "c099"})  # a text, not a list of ids
    write_cache(
        cache,
        top,
        b"".join(
            (head, summaries, listed, len(aliases).to_bytes(4, "big"), aliases, watches, rest)
        ),
    )
    assert cached_change.load_for_change(many.path)[2] is None
    step = ("move", "c012", "longlist")
    many.ok(*step)
    twin.ok(*step)
    assert many.path.read_bytes() == twin.path.read_bytes()
