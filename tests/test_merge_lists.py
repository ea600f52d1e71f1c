"""How the merge treats lists two copies add to and remove from (team/merge_lists.py and
team/merge.py's items), histories included: something removed on one copy and changed on the
other stays, with the change; removed on one copy and left alone on the other, it is gone;
a candidate's stage follows the moves that stand in the merged history, never an undone
one. Through `merge-file`, in both directions."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from tests.conftest import Cli


def _copies(cli: Cli, tmp_path: Path) -> tuple[Cli, Cli]:
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        shutil.copyfile(cli.path, copy.path)
    return ours, theirs


def _criteria(path: Path) -> dict[str, dict]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {criterion["id"]: criterion for criterion in data.get("criteria", [])}


@pytest.mark.parametrize("removed_on", ["ours", "theirs"])
def test_a_criterion_removed_on_one_copy_and_changed_on_the_other_stays_changed(
    cli: Cli, tmp_path: Path, removed_on: str
) -> None:
    cli.ok("criteria", "add", "resilience", "Resilience", "--kind", "behaviour", "--bar", "4")
    ours, theirs = _copies(cli, tmp_path)
    remover, changer = (ours, theirs) if removed_on == "ours" else (theirs, ours)
    remover.ok("criteria", "remove", "resilience")
    changer.ok("criteria", "change", "resilience", "--bar", "5")
    cli.ok("merge-file", str(cli.path), str(ours.path), str(theirs.path))
    merged = _criteria(ours.path)
    assert merged["resilience"]["bar"] == 5
    assert "is valid" in Cli(ours.path).ok("check")


@pytest.mark.parametrize("removed_on", ["ours", "theirs"])
def test_a_criterion_removed_on_one_copy_and_left_alone_on_the_other_is_gone(
    cli: Cli, tmp_path: Path, removed_on: str
) -> None:
    cli.ok("criteria", "add", "resilience", "Resilience", "--kind", "behaviour", "--bar", "4")
    ours, theirs = _copies(cli, tmp_path)
    (ours if removed_on == "ours" else theirs).ok("criteria", "remove", "resilience")
    cli.ok("merge-file", str(cli.path), str(ours.path), str(theirs.path))
    assert "resilience" not in _criteria(ours.path)


@pytest.mark.parametrize("undone_on", ["ours", "theirs"])
def test_a_move_undone_on_one_copy_does_not_decide_the_merged_stage(
    cli: Cli, tmp_path: Path, undone_on: str
) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    ours, theirs = _copies(cli, tmp_path)
    mover, noter = (ours, theirs) if undone_on == "ours" else (theirs, ours)
    mover.ok("move", "c001", "longlist")
    mover.ok("undo", "c001", "--reason", "Moved in error")
    noter.ok("note", "c001", "Reference in")
    cli.ok("merge-file", str(cli.path), str(ours.path), str(theirs.path))
    merged = Cli(ours.path)
    assert merged.candidate("c001")["stage"] == "applied"
    history = merged.candidate("c001")["history"]
    assert sorted(e["action"] for e in history) == ["added", "moved", "note", "undone"]
    undo = next(e for e in history if e["action"] == "undone")
    assert history[undo["undoes"]]["action"] == "moved"
    assert "is valid" in merged.ok("check")


def test_an_entry_of_the_base_stays_when_the_other_copy_holds_an_earlier_one_before_it(
    cli: Cli, tmp_path: Path
) -> None:
    """Three clones: the other copy already merged a third's note, dated before the base's
    last entry, so it sits there in time order; the base's entry at that place was taken for
    one the other copy rewrote in place (a redaction), and dropped from the merge."""
    cli.ok("add-candidate", "Ada Lovelace")
    forked, third = _copies(cli, tmp_path)
    third.ok("note", "c001", "From the third clone")
    cli.ok("note", "c001", "Recorded on the base")
    base, ours = Cli(tmp_path / "base.toml"), Cli(tmp_path / "mine.toml")
    for copy in (base, ours):
        shutil.copyfile(cli.path, copy.path)
    theirs = Cli(tmp_path / "merged.toml")
    shutil.copyfile(cli.path, theirs.path)
    cli.ok("merge-file", str(forked.path), str(theirs.path), str(third.path))
    notes = [e.get("note") for e in theirs.candidate("c001")["history"]]
    assert notes.index("From the third clone") < notes.index("Recorded on the base")
    ours.ok("note", "c001", "Added here")
    for first, second in ((ours, theirs), (theirs, ours)):
        out = Cli(tmp_path / "out.toml")
        shutil.copyfile(first.path, out.path)
        cli.ok("merge-file", str(base.path), str(out.path), str(second.path))
        history = out.candidate("c001")["history"]
        assert sorted(str(e.get("note")) for e in history if e["action"] == "note") == [
            "Added here",
            "From the third clone",
            "Recorded on the base",
        ]


def _dated(path: Path, action: str, at: str) -> None:
    """The entries of this action dated `at` (each entry's `at` is three lines above)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line == f'action = "{action}"':
            assert lines[index - 3].startswith("at = ")
            lines[index - 3] = f"at = {at}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_undo_renumbered_by_an_earlier_merge_is_no_rewrite_of_the_history(
    cli: Cli, tmp_path: Path
) -> None:
    """The other copy merged a third clone's note dated before a move the base undid, so
    its undo names the move by a later place: the same entry, not a history rewritten (it
    was held back as a conflict, `c001.history`)."""
    cli.ok("add-candidate", "Ada Lovelace")
    _dated(cli.path, "added", "2026-01-01 09:00:00+00:00")
    forked, third = _copies(cli, tmp_path)
    third.ok("note", "c001", "From the third clone")
    _dated(third.path, "note", "2026-01-01 10:00:00+00:00")  # before the move, whatever the clock
    cli.ok("move", "c001", "longlist")
    cli.ok("undo", "c001", "--reason", "Moved in error")
    base, ours, theirs = (Cli(tmp_path / f"{name}.toml") for name in ("base", "mine", "merged"))
    for copy in (base, ours, theirs):
        shutil.copyfile(cli.path, copy.path)
    cli.ok("merge-file", str(forked.path), str(theirs.path), str(third.path))
    undo = theirs.candidate("c001")["history"][-1]
    assert (undo["action"], undo["undoes"]) == ("undone", 2)  # renumbered: the note is before
    ours.ok("note", "c001", "Added here")
    for first, second in ((ours, theirs), (theirs, ours)):
        out = Cli(tmp_path / "out.toml")
        shutil.copyfile(first.path, out.path)
        said = cli.ok("merge-file", str(base.path), str(out.path), str(second.path))
        assert "conflict" not in said
        history = out.candidate("c001")["history"]
        assert [e["action"] for e in history].count("note") == 2
        undo = next(e for e in history if e["action"] == "undone")
        assert history[undo["undoes"]]["action"] == "moved"
        assert out.candidate("c001")["stage"] == "applied"


def test_an_undo_renumbered_by_an_earlier_merge_is_no_rewrite_where_the_person_was_erased(
    cli: Cli, tmp_path: Path
) -> None:
    """As above, on the copy that then erased the person: its history is the base's as a
    purge leaves it, with the undo at its new place (it was held back as a conflict)."""
    cli.ok("add-candidate", "Ada Lovelace")
    _dated(cli.path, "added", "2026-01-01 09:00:00+00:00")
    forked, third = _copies(cli, tmp_path)
    third.ok("note", "c001", "From the third clone")
    _dated(third.path, "note", "2026-01-01 10:00:00+00:00")  # before the move, whatever the clock
    cli.ok("move", "c001", "longlist")
    cli.ok("undo", "c001", "--reason", "Moved in error")
    base, ours, theirs = (Cli(tmp_path / f"{name}.toml") for name in ("base", "mine", "merged"))
    for copy in (base, ours, theirs):
        shutil.copyfile(cli.path, copy.path)
    cli.ok("merge-file", str(forked.path), str(theirs.path), str(third.path))
    theirs.ok("purge", "--candidate", "c001", "--by", "ada")
    ours.ok("note", "c001", "Added here")
    for first, second in ((ours, theirs), (theirs, ours)):
        out = Cli(tmp_path / "out.toml")
        shutil.copyfile(first.path, out.path)
        said = cli.ok("merge-file", str(base.path), str(out.path), str(second.path))
        assert "conflict" not in said
        history = out.candidate("c001")["history"]
        assert "Added here" not in str(history)  # the erasure wins
        undo = next(e for e in history if e["action"] == "undone")
        assert history[undo["undoes"]]["action"] == "moved"
