"""git's merge driver `dgtracker merge-file` on inputs that break the rules: it never
crashes, never writes a record the tool refuses, and names the input and the rule.

The fuzz test draws inputs from valid records changed through the CLI, then broken in
every way a hand edit, a truncated copy or a stray tool can break them."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import event, given
from hypothesis import strategies as st
from tests.conftest import Cli, installed_dgtracker
from tests.git_team import git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name

SIDES = ("base", "ours", "theirs")


def _variants(folder: Path) -> dict[str, bytes]:
    """A base record and valid copies of it, each changed as a teammate would."""
    base = Cli(folder / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--note", "Strong")
    base.ok("add-candidate", "Bob Baker")
    base.ok("add-candidate", "Cy Young")
    base.ok("move", "c001", "longlist")
    base.ok("move", "c003", "rejected", "--reason", "Sift: no board experience")
    made = {"base": base.path.read_bytes()}
    changes = {
        "note": [("note", "c002", "Called back")],
        "moved": [("move", "c001", "shortlist")],
        "moved-other": [("move", "c001", "rejected", "--reason", "Panel: no")],
        "added": [("add-candidate", "Dee Dowd")],
        "purged": [("purge", "--candidate", "c001")],
        "edited": [("edit", "c002", "--email", "bob@example.org")],
    }
    for name, steps in changes.items():
        copy = Cli(folder / f"{name}.toml")
        copy.path.write_bytes(made["base"])
        for step in steps:
            copy.ok(*step)
        made[name] = copy.path.read_bytes()
    return made


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as patch:  # the autouse fixture is per test
        patch.setenv("USER", "tester")
        return _variants(tmp_path_factory.mktemp("variants"))


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data: table keys and list indexes, as paths."""
    found = []
    if isinstance(data, dict):
        items: list[tuple[Any, Any]] = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return []
    for key, value in items:
        found.append((*path, key))
        found += _places(value, (*path, key))
    return found


def _holder(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(-3, 10**6),
    st.booleans(),
    st.lists(st.sampled_from(["c001", "c002", "x"]), max_size=2),
    st.dictionaries(st.sampled_from(["id", "at", "x"]), st.text(max_size=3), max_size=2),
    st.dates(),
    st.sampled_from(["c001", "c002", "applied", "longlist", "rejected", "moved", "added"]),
)


@st.composite
def broken_data(draw: st.DrawFn, data: dict[str, Any]) -> bytes:
    """The record's data changed in the ways the rules guard against."""
    places = _places(data)
    kind = draw(st.sampled_from(["value", "remove", "duplicate", "swap", "drop-entry"]))
    candidates = data.get("candidates") or []
    if kind == "duplicate" and candidates:  # an id given twice, or a candidate copied
        copy = dict(draw(st.sampled_from(candidates)))
        if draw(st.booleans()):
            copy["name"] = "Someone Else"
        candidates.insert(draw(st.integers(0, len(candidates))), copy)
    elif kind in ("swap", "drop-entry") and candidates:  # a history rewritten by hand
        history = draw(st.sampled_from(candidates)).get("history") or []
        if len(history) > 1:
            i, j = draw(st.permutations(range(len(history))))[:2]
            if kind == "swap":
                history[i], history[j] = history[j], history[i]
            else:
                del history[i]
    else:
        path = draw(st.sampled_from(places))
        holder = _holder(data, path)
        if kind == "remove":
            del holder[path[-1]]
        else:
            holder[path[-1]] = draw(VALUES)
    return tomli_w.dumps(data).encode()


@st.composite
def broken_text(draw: st.DrawFn, text: bytes) -> bytes:
    """The record's text cut short, spliced with stray bytes, or not TOML at all."""
    kind = draw(st.sampled_from(["truncate", "bytes", "toml", "empty"]))
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "bytes":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.binary(min_size=1, max_size=12)) + text[at:]
    if kind == "toml":
        return text + draw(st.sampled_from([b"x = [\n", b'id = "c001"\n', b"[[candidates]\n"]))
    return b""


@st.composite
def inputs(draw: st.DrawFn, variants: dict[str, bytes]) -> dict[str, bytes]:
    """Three inputs from valid copies of one record; some of them broken."""
    names = sorted(variants)
    chosen = {
        "base": variants["base"],
        "ours": variants[draw(st.sampled_from(names))],
        "theirs": variants[draw(st.sampled_from(names))],
    }
    for side in draw(st.lists(st.sampled_from(SIDES), min_size=1, max_size=2, unique=True)):
        if draw(st.booleans()):
            chosen[side] = draw(broken_data(tomllib.loads(chosen[side].decode())))
        else:
            chosen[side] = draw(broken_text(chosen[side]))
    return chosen


def _written(folder: Path, files: dict[str, bytes]) -> list[Path]:
    paths = [folder / f"{side}.toml" for side in SIDES]
    for path, side in zip(paths, SIDES, strict=True):
        path.write_bytes(files[side])
    return paths


def _holds_to_the_rules(folder: Path, result: Any, ours: Path, before: bytes) -> None:
    """Exit 0 or 1, never a traceback; what OURS holds after it is a record `check`
    accepts (with the merge's conflicts), or OURS as it was."""
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}, ours {'kept' if ours.read_bytes() == before else 'merged'}")
    if result.exit_code == 1 and ours.read_bytes() == before:
        said = ("Cannot merge", "conflict", "was given to two different people")
        assert any(words in result.output for words in said), result.output
        return
    checked = Cli(ours)("check")
    assert checked.exit_code == (1 if result.exit_code else 0), checked.output
    assert "is valid" in checked.output


@given(data=st.data())
def test_the_driver_never_crashes_nor_writes_a_record_the_tool_refuses(
    variants: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    files = data.draw(inputs(variants))
    base, ours, theirs = _written(folder, files)
    result = Cli(ours)("merge-file", str(base), str(ours), str(theirs), as_of=None)
    _holds_to_the_rules(folder, result, ours, files["ours"])


def _with_id_list(text: bytes) -> bytes:
    return text.replace(b'id = "c001"', b'id = ["c001"]', 1)


def _with_swapped_history(text: bytes) -> bytes:
    """c003's move to rejected put before their being added: the stage no longer follows."""
    data = tomllib.loads(text.decode())
    history = data["candidates"][2]["history"]
    history[0], history[-1] = history[-1], history[0]
    return tomli_w.dumps(data).encode()


@pytest.mark.parametrize(
    ("side", "broken", "said"),
    [
        ("theirs", _with_id_list, "candidates[0].id: expected text, found a list"),
        ("ours", lambda text: text + b"x = [\n", "is not valid TOML: "),
        ("base", lambda text: b"\xff\xfe" + text, "is not UTF-8 text (byte 0 cannot be read)"),
        ("theirs", lambda text: text[: len(text) // 2], "theirs (campaign.toml): "),
        ("ours", _with_swapped_history, "candidates[2] (c003): stage is 'rejected', but"),
    ],
)
def test_an_input_that_breaks_a_rule_leaves_ours_and_says_which(
    variants: dict[str, bytes], tmp_path: Path, side: str, broken: Any, said: str
) -> None:
    files = {"base": variants["base"], "ours": variants["note"], "theirs": variants["moved"]}
    files[side] = broken(files[side])
    base, ours, theirs = _written(tmp_path, files)
    done = subprocess.run(
        [installed_dgtracker(), "merge-file", str(base), str(ours), str(theirs), "campaign.toml"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert f"Cannot merge: {side} (campaign.toml): " in done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert f"{ours} is left as it was" in done.stderr
    assert ours.read_bytes() == files["ours"]
    if "TOML" in said:
        assert "(at line " in done.stderr and ", column " in done.stderr


def test_a_missing_or_empty_base_is_two_copies_that_both_added_the_file(
    variants: dict[str, bytes], tmp_path: Path
) -> None:
    for base in (b"", None):
        files = {"base": base or b"", "ours": variants["note"], "theirs": variants["note"]}
        paths = _written(tmp_path, files)
        if base is None:
            paths[0].unlink()
        result = Cli(paths[1])("merge-file", *map(str, paths), as_of=None)
        assert result.exit_code == 0, result.output
        assert paths[1].read_bytes() == variants["note"]


def test_sync_says_which_copy_broke_which_rule(team: tuple[Path, list[Path]]) -> None:
    """A teammate's record broken by hand and pushed with plain git: the driver leaves ours
    as it was, and sync says which copy broke which rule."""
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    cid = a.ok("add-candidate", "Ada Lovelace", "--by", "ada").strip()
    a.ok("sync")
    b.ok("sync")
    text = (bob / "campaign.toml").read_text(encoding="utf-8")
    (bob / "campaign.toml").write_text(text.replace(f'id = "{cid}"', f'id = ["{cid}"]', 1))
    git(bob, "commit", "-qam", "tidy")
    git(bob, "push", "-q")
    a.ok("note", cid, "References taken", "--by", "ada")
    ours = (ada / "campaign.toml").read_bytes()
    synced = a("sync")
    assert synced.exit_code == 1, synced.output
    said = " ".join(synced.output.split())
    assert "Cannot merge: theirs (campaign.toml): " in said, said
    assert "candidates[0].id: expected text, found a list" in said
    assert "Traceback" not in said
    assert (ada / "campaign.toml").read_bytes() == ours


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("note", "moved"), ("moved", "moved-other"), ("added", "purged"), ("edited", "note")],
)
def test_a_large_copy_read_a_piece_at_a_time_merges_to_the_same_bytes(
    variants: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ours: str,
    theirs: str,
) -> None:
    """A copy of more than storage.KEEP_DATA_UP_TO bytes (here: any) is read from its file
    a piece at a time, its whole text never held: the merge, what it says and what it
    writes are the same as when the copies are read whole, and so is every refusal."""
    from dgtracker.record import storage

    whole = storage.KEEP_DATA_UP_TO
    cases = {
        "merged": {"base": variants["base"], "ours": variants[ours], "theirs": variants[theirs]},
        "not UTF-8": {"base": variants["base"], "ours": variants[ours], "theirs": b"\xff"},
        "not TOML": {
            "base": variants["base"],
            "ours": variants[ours] + b"x = [\n",
            "theirs": variants[theirs],
        },
        "an id list": {
            "base": variants["base"],
            "ours": variants[ours],
            "theirs": _with_id_list(variants[theirs]),
        },
    }
    for name, files in cases.items():
        seen = []
        for keep in (whole, 0):
            monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", keep)
            folder = tmp_path / f"{name}-{keep}"
            folder.mkdir()
            base, mine, other = _written(folder, files)
            result = Cli(mine)("merge-file", str(base), str(mine), str(other), as_of=None)
            said = result.output.replace(str(folder), "FOLDER")
            seen.append((result.exit_code, said, mine.read_bytes()))
        assert seen[0] == seen[1], name


def test_a_large_copy_holds_each_repeated_value_once(
    variants: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read a piece at a time, a string or a day that candidates repeat (keys, who, what) is
    one object: a copy of 10,000 candidates took 54 MB as data, and takes about 21 MB."""
    from dgtracker.record import storage

    monkeypatch.setattr(storage, "KEEP_DATA_UP_TO", 0)
    path = tmp_path / "record.toml"
    path.write_bytes(variants["base"])
    read = storage.parse_record_file(path)
    assert read is not None
    first, second = (candidate["history"][0] for candidate in read[0]["candidates"][:2])
    assert first["by"] is second["by"] and first["action"] is second["action"]
    assert next(iter(first)) is next(iter(second))  # the key "at"
