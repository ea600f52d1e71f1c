"""The cache of the checked record beside it (record/cache.py): used only when it was made
from the very bytes the file holds, rebuilt silently when missing or damaged, written
anew by every save, private, ignored by `share`, and reached by `purge`."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.cache_reads import edit_in_place_keeping_times
from tests.conftest import Cli, at_least
from tests.git_team import git, git_identity, team  # noqa: F401 (autouse: git, HOME)
from tests.test_team_random import BEFORE, DRAWS, _load

from dgtracker.record import cache as record_cache
from dgtracker.record import plain_model, storage
from dgtracker.record.heap import LARGE
from dgtracker.record.model import Action, Candidate, Event, MergeConflict
from dgtracker.record.plain_model import _candidate, _tagged, _untagged, plain_context


def _cache(cli: Cli) -> Path:
    return cli.path.with_name(f".{cli.path.name}.cache")


def _name(cli: Cli, cid: str) -> str:
    return json.loads(cli.ok("show", cid, "--json"))["name"]


def _cached_record_is(cli: Cli, raw: bytes) -> bool:
    """The cache holds a record, and was made from exactly these bytes."""
    return record_cache.read(cli.path, record_cache.digest(raw)) is not None


@pytest.fixture
def ada(cli: Cli) -> Cli:
    """A record with Ada Lovelace (c001), read once so that the cache is there."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    cli.ok("add-candidate", "Alan Turing")
    assert _name(cli, "c001") == "Ada Lovelace"
    assert _cached_record_is(cli, cli.path.read_bytes())
    return cli


def test_a_read_makes_the_cache_private_and_reads_the_same_from_it(cli: Cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    assert not _cache(cli).exists()  # a save removes it
    first = cli.ok("status", "--json")  # from the text: makes the cache
    assert stat.S_IMODE(_cache(cli).stat().st_mode) == 0o600
    assert _cached_record_is(cli, cli.path.read_bytes())
    assert cli.ok("status", "--json") == first  # from the cache
    assert cli.ok("candidates") == cli.ok("candidates")


def test_the_cache_is_used_when_it_matches(ada: Cli) -> None:
    """A cache of these bytes is believed (so the tests below prove something): one made
    to say otherwise, under the right key, is what a read shows."""
    raw = ada.path.read_bytes()
    record = storage.load(ada.path)
    record.candidates[0].name = "Cached Name"
    record_cache.write(ada.path, record_cache.digest(raw), record)
    assert _name(ada, "c001") == "Cached Name"


def test_a_same_size_hand_edit_with_its_time_put_back_is_never_missed(ada: Cli) -> None:
    edit_in_place_keeping_times(ada.path, b'"Ada Lovelace"', b'"Ada Byron-Lo"')
    assert _name(ada, "c001") == "Ada Byron-Lo"
    assert _cached_record_is(ada, ada.path.read_bytes())  # made again, for these bytes


def test_a_file_renamed_into_place_is_never_missed(ada: Cli, tmp_path: Path) -> None:
    replacement = tmp_path / "edited.toml"
    replacement.write_bytes(ada.path.read_bytes().replace(b"Alan Turing", b"Alan Mathison"))
    shutil.copystat(ada.path, replacement)  # the old file's times too
    os.replace(replacement, ada.path)
    assert _name(ada, "c002") == "Alan Mathison"


def test_a_restored_backup_with_its_old_time_is_never_missed(ada: Cli, tmp_path: Path) -> None:
    kept = tmp_path / "kept.toml"
    shutil.copy2(ada.path, kept)  # with its time
    ada.ok("edit", "c001", "--name", "Augusta King")
    assert _name(ada, "c001") == "Augusta King"  # from the cache the save wrote
    shutil.copy2(kept, ada.path)  # the backup back, times and all
    assert _name(ada, "c001") == "Ada Lovelace"
    ada.ok("edit", "c001", "--name", "Augusta King")
    os.replace(kept, ada.path)  # or renamed back into place
    assert _name(ada, "c001") == "Ada Lovelace"


def test_an_edit_by_git_checkout_is_never_missed(ada: Cli, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "campaign.toml")
    git(tmp_path, "commit", "-q", "-m", "two candidates")
    ada.ok("edit", "c001", "--name", "Augusta King")
    git(tmp_path, "commit", "-q", "-am", "renamed")
    assert _name(ada, "c001") == "Augusta King"
    git(tmp_path, "checkout", "-q", "HEAD~1", "--", "campaign.toml")
    assert _name(ada, "c001") == "Ada Lovelace"
    git(tmp_path, "checkout", "-q", "HEAD", "--", "campaign.toml")
    assert _name(ada, "c001") == "Augusta King"


_HEADER = record_cache._header()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[: len(_HEADER) + 10], id="truncated-in-the-key"),
        pytest.param(lambda raw: raw[: len(_HEADER) + 32] + os.urandom(4000), id="garbage-body"),
        pytest.param(lambda raw: os.urandom(len(raw)), id="garbage"),
        pytest.param(
            lambda raw: raw.replace(
                b"dgtracker-cache\n%d " % record_cache.FORMAT, b"dgtracker-cache\n99 ", 1
            ),
            id="another-format",
        ),
        pytest.param(
            lambda raw: raw.replace(sys.implementation.cache_tag.encode(), b"cpython-39", 1),
            id="another-python",
        ),
        pytest.param(lambda raw: _HEADER + raw[len(_HEADER) :][::-1], id="reversed"),
    ],
)
def test_a_damaged_cache_is_rebuilt_silently(ada: Cli, damage) -> None:
    cache = _cache(ada)
    cache.write_bytes(damage(cache.read_bytes()))
    result = ada("show", "c001", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["name"] == "Ada Lovelace"
    assert _cached_record_is(ada, ada.path.read_bytes())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX's")
def test_a_fifo_or_a_link_at_the_caches_name_is_no_cache(ada: Cli, tmp_path: Path) -> None:
    _cache(ada).unlink()
    os.mkfifo(_cache(ada))  # opening it to read would wait for a writer
    assert _name(ada, "c001") == "Ada Lovelace"
    assert _cached_record_is(ada, ada.path.read_bytes())  # replaced by a cache
    record = storage.load(ada.path)
    record.candidates[0].name = "Linked Name"  # a cache of these bytes, saying otherwise
    record_cache.write(ada.path, record_cache.digest(ada.path.read_bytes()), record)
    elsewhere = tmp_path / "elsewhere"
    _cache(ada).rename(elsewhere)
    _cache(ada).symlink_to(elsewhere)
    assert _name(ada, "c001") == "Ada Lovelace"  # a link is not followed


def test_a_folder_that_cannot_be_written_reads_without_a_cache(ada: Cli, tmp_path: Path) -> None:
    _cache(ada).unlink()
    _cache(ada).mkdir()  # the cache's name is taken by something it cannot replace
    assert _name(ada, "c001") == "Ada Lovelace"
    assert _cache(ada).is_dir()


def test_every_save_leaves_no_cache_but_one_that_says_what_the_file_says(
    cli: Cli, tmp_path: Path
) -> None:
    """Every writing command, drawn at random: after each, any cache is of the new bytes
    (a change read from the cache writes it for the bytes it wrote when what changed keeps
    the record's rules, else the save removes it; a refused command leaves the file and its
    cache as they were), and the next read finds or makes one holding the record a read of
    the text gives."""
    rng = random.Random(27)
    for _ in range(2):
        for name, draw in DRAWS:
            steps = [BEFORE[name][1], draw] if name in BEFORE else [draw]
            for step in steps:
                argv = step(_load(cli.path), rng, "ada", tmp_path / "ada")
                if argv is None:
                    continue
                result = cli(*argv, "--by", "ada")
                assert result.exit_code in (0, 1), (argv, result.output)
                raw = cli.path.read_bytes()
                if _cache(cli).exists():
                    assert record_cache.read(cli.path, record_cache.digest(raw)) is not None
                cli.ok("status")  # a read makes it anew
                cached = record_cache.read(cli.path, record_cache.digest(raw))
                assert cached is not None, argv
                from_text = storage.load(cli.path)
                from_text.shared = False
                assert cached == from_text, argv
                # exactly, a moment's offset included (== compares the instants)
                assert plain_context(cached) == plain_context(from_text), argv
                assert [_candidate(c) for c in cached.candidates] == [
                    _candidate(c) for c in from_text.candidates
                ], argv


def test_share_ignores_the_cache(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("share")
    assert ".*.cache" in (tmp_path / ".gitignore").read_text().splitlines()
    cli.ok("status")
    assert _cache(cli).exists()
    tracked = git(tmp_path, "ls-files").stdout.split()
    untracked = git(tmp_path, "status", "--porcelain", "--ignored").stdout
    assert _cache(cli).name not in tracked
    assert f"!! {_cache(cli).name}" in untracked.splitlines()


def test_purge_leaves_nothing_of_the_person_in_the_cache(ada: Cli) -> None:
    stale = _cache(ada).read_bytes()  # as a cache of an older record would be
    ada.ok("purge", "--candidate", "c001")
    assert not _cache(ada).exists()
    ada.ok("status")  # a read makes it anew, of the erased record
    cache = _cache(ada).read_bytes()
    for form in (b"Ada", b"Lovelace", b"ada@example.org"):
        assert form not in cache
    assert _cached_record_is(ada, ada.path.read_bytes())  # the erased record's
    # a stale cache (from before a sync brought the erasure in) is gone too
    _cache(ada).write_bytes(stale)
    temp = _cache(ada).with_name(_cache(ada).name + ".tmp-1-abcd")
    temp.write_bytes(stale)  # a cache write killed part-way
    ada.ok("purge", "--candidate", "c001")  # nothing more to erase: nothing saved
    assert not temp.exists() and not _cache(ada).exists()
    assert _name(ada, "c001") == "Anonymised (c001)"  # and a read makes it again
    assert b"Lovelace" not in _cache(ada).read_bytes()


def test_retention_purge_leaves_nothing_of_those_due_in_the_cache(cli: Cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("move", "c001", "rejected", "--reason", "Not this time", as_of="2026-03-10")
    cli.ok("move", "c002", "appointed", as_of="2026-03-20")
    cli.ok("status", as_of="2026-03-20")
    assert b"Hopper" in _cache(cli).read_bytes()
    assert "Anonymised" in cli.ok("purge", as_of="2026-09-20")
    assert not _cache(cli).exists()
    cli.ok("status", as_of="2026-09-20")
    assert b"Hopper" not in _cache(cli).read_bytes()
    assert b"grace@" not in _cache(cli).read_bytes()


# What TOML gives: naive moments or fixed offsets, never a fold
_OFFSETS = st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))


def _unfolded(moment):
    return moment.replace(fold=0)


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(max_size=8)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(UTC) | _OFFSETS).map(_unfolded)
    | st.times().map(_unfolded),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


@at_least(100)  # a cheap property: more than the quick profile's 20
@given(ours=_VALUES, theirs=_VALUES)
def test_a_conflicts_sides_keep_their_values_and_types(ours, theirs) -> None:
    """A conflict's sides are any TOML value: each comes back equal and of its type."""
    import marshal

    conflict = MergeConflict("c001.email", ["candidates", "c001", "email"], ours, theirs)
    back = _untagged(marshal.loads(marshal.dumps(_tagged(conflict))))
    assert back == conflict
    assert repr(back) == repr(conflict)


def test_a_deleted_records_cache_goes_with_the_next_command_on_it(ada: Cli) -> None:
    ada.path.unlink()
    assert _cache(ada).exists()  # personal data, left by whoever deleted the record
    result = ada("status")
    assert result.exit_code != 0 and "No record at" in result.output
    assert not _cache(ada).exists()


def test_a_sync_that_brings_in_an_erasure_leaves_no_cache_of_the_person(
    team: tuple[Path, list[Path]],  # noqa: F811 (the fixture imported above)
) -> None:
    """Bob's cache was made before Ada erased c001; his sync brings the erasure in, and
    his cache of the older record goes with it."""
    _, (ada_dir, bob_dir, _) = team
    ada, bob = Cli(ada_dir / "campaign.toml"), Cli(bob_dir / "campaign.toml")
    cid = ada.ok("add-candidate", "Currer Bell", "--email", "currer@haworth.example").strip()
    ada.ok("sync")
    bob.ok("sync")
    assert json.loads(bob.ok("show", cid, "--json"))["name"] == "Currer Bell"
    assert b"Currer" in _cache(bob).read_bytes()
    ada.ok("purge", "--candidate", cid)
    ada.ok("sync")

    bob.ok("sync")

    assert not _cache(bob).exists() or b"Currer" not in _cache(bob).read_bytes()
    assert json.loads(bob.ok("show", cid, "--json"))["name"] == f"Anonymised ({cid})"
    assert b"Currer" not in _cache(bob).read_bytes()


class _Checks:
    """The loader of record/cache.py as `_rules` sees it: the checking modules' code, one of
    them changed (`changed`), or none readable (`changed` None)."""

    def __init__(self, real: object, changed: str | None) -> None:
        self.real, self.changed = real, changed

    def get_data(self, path: str) -> bytes:
        if self.changed is None:
            raise OSError("no sources in this build")
        code: bytes = self.real.get_data(path)  # type: ignore[attr-defined]
        if Path(path).as_posix().endswith(self.changed):
            code += b"\n# a rule added\n"
        return code


@pytest.mark.parametrize("module", record_cache._CHECKS + record_cache._LAYOUT)
def test_a_cache_made_by_other_checks_is_no_cache(ada: Cli, monkeypatch, module: str) -> None:
    """A release that changes a rule, or a check of the whole record, checks every record
    again: the cache names the code of every checking module."""
    raw = ada.path.read_bytes()
    loader = _Checks(record_cache.__spec__.loader, module)
    with monkeypatch.context() as changed:
        changed.setattr(record_cache, "__spec__", SimpleNamespace(loader=loader))
        record_cache._rules.cache_clear()
        assert not _cached_record_is(ada, raw)
        assert _name(ada, "c001") == "Ada Lovelace"  # read from the text, cached anew
        assert _cached_record_is(ada, raw)
    record_cache._rules.cache_clear()
    assert not _cached_record_is(ada, raw)  # made by the changed code: not this code's


def test_without_the_checks_code_nothing_is_cached(ada: Cli, monkeypatch) -> None:
    loader = _Checks(record_cache.__spec__.loader, None)
    with monkeypatch.context() as sourceless:
        sourceless.setattr(record_cache, "__spec__", SimpleNamespace(loader=loader))
        record_cache._rules.cache_clear()
        _cache(ada).unlink()
        assert _name(ada, "c001") == "Ada Lovelace"
        assert not _cache(ada).exists()
    record_cache._rules.cache_clear()


# Imported by that code, but deciding nothing about a record's validity or the cache's
# layout: interning of recurring values, a refusal's message, a long read's progress, and
# memory given back to the system.
_CHECKS_USE_BUT_ARE_NOT_CHECKS = {
    "record/shared_values.py",
    "errors.py",
    "progress.py",
    "record/heap.py",
}


def _dgtracker_imports(module: str) -> set[str]:
    """The dgtracker modules `module` (a path under src/dgtracker) imports, directly or
    through others, read from the code as written."""
    import ast

    package = Path(record_cache.__file__).resolve().parents[1]
    seen: set[str] = set()
    waiting = [module]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if not target.startswith("dgtracker."):
                    continue
                parts = target.split(".")[1:]
                for candidate in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
                    if (package / candidate).is_file() and not candidate.endswith("__init__.py"):
                        waiting.append(candidate)
    return seen


def test_every_module_the_checks_import_is_named_by_the_cache() -> None:
    """A rule moved to a new module, or a new module the checks or the cache's layout
    call, must change the cache's header when its code changes: the lists of modules are
    written by hand, so they are compared here with what that code imports."""
    checks = _dgtracker_imports("record/decode.py") | _dgtracker_imports("record/plain_model.py")
    named = set(record_cache._CHECKS) | set(record_cache._LAYOUT)
    assert checks - _CHECKS_USE_BUT_ARE_NOT_CHECKS == named


@pytest.mark.parametrize(("note_length", "gives_back"), [(10, False), (2_000, True)])
def test_freed_memory_is_given_back_only_after_reading_a_large_cache(
    monkeypatch, note_length: int, gives_back: bool
) -> None:
    """The C library's heap is trimmed (record/heap.py, which loads ctypes) after building
    candidates whose bytes reach heap.LARGE: 1,200 small candidates (a 1,000-candidate
    record's cache is about 0.6 MB) are built without it."""
    calls: list[None] = []
    monkeypatch.setattr(plain_model, "give_back", lambda: calls.append(None))
    moment = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    one = Candidate(
        "c001",
        "Ada Lovelace",
        "applied",
        history=[
            Event(moment, date(2026, 1, 20), "ada", Action.ADDED, "applied", note="n" * note_length)
        ],
    )
    kept = [plain_model.plain_candidate(one)] * 1_200
    assert (sum(map(len, kept)) >= LARGE) is gives_back
    built = plain_model._candidates_back(kept, lambda items, _: items)
    assert len(built) == 1_200 and built[0].history[0].note == "n" * note_length
    assert bool(calls) is gives_back
