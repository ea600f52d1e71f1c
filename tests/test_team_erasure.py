"""A person erased (UK GDPR) on one clone while another clone changes them, merged through
real git: the erasure wins, whichever way the merge runs and by merge or pull --rebase.
Nothing of the person comes back; what was dropped is said (ids and counts only) on the
merge driver's stderr, in the candidate's history, by the `sync` that brings it into a
copy (merged there or already merged by a teammate), once; and afterwards by `check`, on
every clone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.conftest import Cli
from tests.git_team import data, git, git_identity, team
from tests.test_check_cli import _erased_on_one_copy_changed_on_the_other

from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.team.merge_erasure import kept_erasures, kept_since

__all__ = ["git_identity", "team"]  # fixtures, used by name

PERSONAL = ("Jane Secret", "jane@example.org", "jane@new.example.org", "07700 900123")


def _erased_here_changed_there(clones: list[Path]) -> tuple[Cli, Cli, str, str]:
    """Ada erases Jane, Bob changes her; with Jane's and Tom's ids, as add-candidate
    printed them (a shared record draws its ids)."""
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    add = ("add-candidate", "Jane Secret", "--email", "jane@example.org", "--by", "ada")
    cid = ada.ok(*add).strip()
    other = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()
    ada.ok("sync")
    bob.ok("sync")
    ada.ok("purge", "--candidate", cid, "--by", "ada")
    bob.ok("note", cid, "Jane Secret rang from 07700 900123", "--by", "bob")
    bob.ok("edit", cid, "--email", "jane@new.example.org", "--by", "bob")
    bob.ok("move", cid, "longlist", "--by", "bob")
    bob.ok("note", other, "Unrelated, kept", "--by", "bob")
    return ada, bob, cid, other


def _no_personal_data(clone: Path) -> None:
    text = (clone / "campaign.toml").read_text(encoding="utf-8")
    assert not [item for item in PERSONAL if item in text]


def _told(cid: str, dropped: str = "3 change(s) (edited, moved, note; by bob)") -> list[str]:
    """What `check`, and `sync` when it brings the erasure in, say of `cid`'s kept erasure."""
    return [
        "1 erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):",
        f"  {cid} (2026-02-02): erased on one copy; {dropped} made to {cid} on another copy were "
        f"dropped by the merge, so none of the erased data came back (see 'dgtracker show {cid}')",
    ]


def _erasure_lines(said: str) -> list[str]:
    return [line for line in said.splitlines() if "erasure" in line or "erased" in line]


@pytest.mark.heavy
@pytest.mark.parametrize("erased_first", [True, False], ids=["erasure-sent-first", "change-first"])
@pytest.mark.parametrize("method", ["merge", "rebase"])
def test_an_erasure_wins_over_a_change_made_on_another_clone(
    team: tuple[Path, list[Path]], erased_first: bool, method: str
) -> None:
    _, clones = team
    ada, bob, cid, _other = _erased_here_changed_there(clones)
    # the first to send pushes; the other brings it in by merge or pull --rebase
    sender, receiver = (ada, bob) if erased_first else (bob, ada)
    sender_clone, receiver_clone = (
        (clones[0], clones[1]) if erased_first else (clones[1], clones[0])
    )
    sender.ok("sync")
    if method == "merge":
        said = receiver.ok("sync")  # git merge through the driver
    else:
        pulled = git(receiver_clone, "pull", "--rebase", "origin", "main", check=False)
        assert pulled.returncode == 0, pulled.stderr
        said = pulled.stderr
        git(receiver_clone, "push", "-q", "origin", "HEAD:main")
    # a merge drops bob's three changes at once; a rebase replays (and drops) one at a time
    expected = (
        ["3 change(s) (edited, moved, note; by bob)"]
        if method == "merge" or not erased_first
        else [f"1 change(s) ({action}; by bob)" for action in ("note", "edited", "moved")]
    )
    told = [line for line in said.splitlines() if "erased" in line]
    if method == "merge":  # sync says it as check does
        assert told == [_told(cid, *expected)[1]]
    else:  # the merge driver, under git's own pull
        assert told == [
            f"dgtracker: {cid} was erased on one copy; {dropped} made to {cid} on the other copy "
            f"were dropped, so none of the erased data comes back ('dgtracker show {cid}' "
            "records it)."
            for dropped in expected
        ]
    assert not [item for item in PERSONAL if item in said]
    sender.ok("sync")
    receiver.ok("sync")
    assert data(sender_clone) == data(receiver_clone)
    for clone in (sender_clone, receiver_clone):
        _no_personal_data(clone)
        assert git(clone, "status", "--porcelain").stdout == ""
    assert "is valid" in ada.ok("check")  # no conflict waits: the erasure is not one
    jane, tom = data(clones[0])["candidates"]
    assert jane["name"] == f"Anonymised ({cid})" and jane["stage"] == "withdrawn"
    assert "email" not in jane
    actions = ["added", "purged", "moved"] + ["purged"] * len(expected)
    assert [e["action"] for e in jane["history"]] == actions
    dropped = [e["reason"] for e in jane["history"][3:]]
    assert [e["by"] for e in jane["history"][3:]] == ["merge"] * len(expected)
    for words, reason in zip(expected, dropped, strict=True):
        assert f"merged: {words} made on a copy" in reason
    assert "Unrelated, kept" in [e.get("note") for e in tom["history"]]  # others merge as ever
    shown = ada.ok("show", cid)
    assert "Erasure kept when two copies" in shown
    # a third clone that never saw either side catches up to the same record
    cy = Cli(clones[2] / "campaign.toml")
    cy.ok("sync")
    assert data(clones[2]) == data(clones[0])


@pytest.mark.heavy
def test_a_third_clone_holding_the_dropped_change_does_not_bring_it_back(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, bob, cid, _other = _erased_here_changed_there(clones)
    cy = Cli(clones[2] / "campaign.toml")
    bob.ok("sync")  # bob's changes reach the remote first ...
    cy.ok("sync")  # ... and cy, who adds one of their own
    cy.ok("note", cid, "Jane Secret's referee called", "--by", "cy")
    ada.ok("sync")  # the erasure meets bob's changes
    cy.ok("sync")  # and then cy's copy, which holds bob's changes and cy's note
    bob.ok("sync")
    ada.ok("sync")
    assert data(clones[0]) == data(clones[1]) == data(clones[2])
    for clone in clones:
        _no_personal_data(clone)
        assert "Jane" not in (clone / "campaign.toml").read_text(encoding="utf-8")
    history = data(clones[0])["candidates"][0]["history"]
    dropped = [e["reason"] for e in history if e["by"] == "merge"]
    assert len(dropped) == len(set(dropped)) >= 2  # each drop once, each said
    assert any("by bob" in reason for reason in dropped)
    assert any("by cy" in reason for reason in dropped)
    assert "is valid" in ada.ok("check")


@pytest.mark.heavy
@pytest.mark.parametrize("method", ["merge", "rebase"])
def test_a_teammate_who_pulls_later_learns_from_check_that_their_changes_were_dropped(
    team: tuple[Path, list[Path]], method: str
) -> None:
    """Bob's changes to c001 reach the remote first; Ada, who erased c001, merges them (by
    merge or pull --rebase) and is told then. Bob and Cy only pull the result afterwards (a
    fast-forward: no merge runs on their copies); `check` tells them, by id, and keeps
    telling them, as information, exit 0."""
    _, clones = team
    ada, bob, cid, other = _erased_here_changed_there(clones)
    cy = Cli(clones[2] / "campaign.toml")
    bob.ok("sync")
    if method == "merge":
        said = ada.ok("sync")
    else:
        pulled = git(clones[0], "pull", "--rebase", "origin", "main", check=False)
        assert pulled.returncode == 0, pulled.stderr
        said = pulled.stderr
        git(clones[0], "push", "-q", "origin", "HEAD:main")
    assert f"{cid} was erased on one copy" in said or _told(cid)[1] in said  # Ada, at the time
    bob.ok("sync")  # a fast-forward, told by sync (test_sync_tells_...) and by check:
    cy.ok("sync")
    told = _told(cid)
    for clone in clones:
        checked = Cli(clone / "campaign.toml")("check")
        assert checked.exit_code == 0, checked.output
        assert checked.stdout.splitlines()[1:] == told
        assert not [item for item in PERSONAL if item in checked.output]
        shown = Cli(clone / "campaign.toml").ok("check", "--json")
        assert not [item for item in PERSONAL if item in shown]
        (kept,) = json.loads(shown)["erasures_kept"]
        assert (kept["candidate"], kept["changes"], kept["by"]) == (cid, 3, ["bob"])
        _no_personal_data(clone)
    bob.ok("note", other, "Later work goes on", "--by", "bob")  # still told after more work
    bob.ok("sync")
    assert bob.ok("check").splitlines()[1:] == told


@pytest.mark.heavy
def test_sync_tells_a_teammate_at_once_when_its_merge_drops_their_change(
    team: tuple[Path, list[Path]],
) -> None:
    """Ada's erasure reaches the remote first; Bob's sync merges it with his changes to
    c001, drops them, and says so at once, as `check` would, by id only, exit 0."""
    _, clones = team
    ada, bob, cid, _other = _erased_here_changed_there(clones)
    ada.ok("sync")
    synced = bob("sync")
    assert synced.exit_code == 0, synced.output
    assert synced.stdout.splitlines() == [
        "Synced: merged 1 change(s) from origin and sent 5 commit(s) to origin.",
        *_told(cid),
    ]
    assert not [item for item in PERSONAL if item in synced.output]


@pytest.mark.heavy
def test_sync_tells_a_teammate_who_pulls_an_erasure_someone_else_kept(
    team: tuple[Path, list[Path]],
) -> None:
    """Bob's changes reach the remote first; Ada's sync merges and drops them. Bob, then Cy,
    only pull her merged record (a fast-forward: no merge runs on their copies); their sync
    tells them all the same, by id only."""
    _, clones = team
    ada, bob, cid, _other = _erased_here_changed_there(clones)
    cy = Cli(clones[2] / "campaign.toml")
    bob.ok("sync")
    assert _erasure_lines(ada.ok("sync")) == _told(cid)
    assert git(clones[1], "rev-list", "--count", "HEAD..origin/main").stdout.strip() == "0"
    for teammate in (bob, cy):
        synced = teammate("sync")
        assert synced.exit_code == 0, synced.output
        lines = synced.stdout.splitlines()
        assert lines[0].startswith("Synced: merged ") and "sent" not in lines[0]
        assert lines[1:] == _told(cid)
        assert not [item for item in PERSONAL if item in synced.output]
    assert git(clones[1], "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "1"


@pytest.mark.heavy
def test_sync_tells_of_an_erasure_kept_once_and_not_again(
    team: tuple[Path, list[Path]],
) -> None:
    """Once Bob's sync has told him, his next syncs say nothing of it, whether nothing came
    in, he sent work of his own, or the team's unrelated work came in."""
    _, clones = team
    ada, bob, cid, other = _erased_here_changed_there(clones)
    ada.ok("sync")
    assert _erasure_lines(bob.ok("sync")) == _told(cid)
    assert bob.ok("sync") == "Up to date.\n"
    bob.ok("note", other, "Later work goes on", "--by", "bob")
    assert _erasure_lines(bob.ok("sync")) == []
    assert _erasure_lines(ada.ok("sync")) == _told(cid)  # Ada had not seen Bob's merge yet
    ada.ok("note", other, "More work", "--by", "ada")
    ada.ok("sync")
    brought = bob.ok("sync")
    assert brought.startswith("Synced: merged 1 change(s) from origin.")
    assert _erasure_lines(brought) == []
    assert _erasure_lines(ada.ok("sync")) == []
    assert bob.ok("check").splitlines()[1:] == _told(cid)  # check still lists it


def test_an_erasure_seen_before_is_known_again_under_a_renumbered_id(tmp_path: Path) -> None:
    """A merge may renumber a candidate after this copy saw its kept erasure (the old id
    stays an alias): the erasure is not new, so sync would not tell it again."""
    ours = _erased_on_one_copy_changed_on_the_other(tmp_path)
    record = storage.load(ours.path)
    seen = kept_erasures(record)
    assert [kept.candidate for kept in kept_since([], record)] == ["c001"]
    assert kept_since(seen, record) == []
    data = storage.loads(storage.text_and_data(record)[0])
    data["candidates"][0] |= {"id": "c009", "aliases": ["c001"]}
    renumbered, problems = record_from_data(data)
    assert renumbered is not None, problems
    assert kept_since(seen, renumbered) == []
    assert [kept.candidate for kept in kept_since([], renumbered)] == ["c009"]


@pytest.mark.heavy
def test_sync_tells_of_an_erasure_it_merged_even_when_sending_fails(
    team: tuple[Path, list[Path]],
) -> None:
    """The merge is committed on Bob's copy before the push fails, so the next sync would
    find the erasure already there: this one tells it, then fails as before."""
    remote, clones = team
    ada, bob, cid, _other = _erased_here_changed_there(clones)
    ada.ok("sync")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only for now' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    failed = bob("sync")
    assert failed.exit_code == 1, failed.output
    merged, *told = failed.stdout.splitlines()
    assert re.fullmatch(r"Synced: merged \d+ change\(s\) from origin; none sent\.", merged)
    assert told == _told(cid)
    assert "Could not send the changes to origin" in failed.stderr
    hook.unlink()
    sent = bob.ok("sync")
    assert sent == "Synced: sent 5 commit(s) to origin.\n"
