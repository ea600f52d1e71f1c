"""A person erased (UK GDPR) on one clone while another clone changes them, merged through
real git: the erasure wins, whichever way the merge runs and by merge or pull --rebase.
Nothing of the person comes back; what was dropped is said (ids and counts only) on the
merge driver's stderr, by `sync`, and in the candidate's history; and afterwards by
`check`, on every clone, for a teammate who only pulled the merged record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import Cli
from tests.git_team import data, git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name

PERSONAL = ("Jane Secret", "jane@example.org", "jane@new.example.org", "07700 900123")


def _erased_here_changed_there(clones: list[Path]) -> tuple[Cli, Cli]:
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    ada.ok("add-candidate", "Jane Secret", "--email", "jane@example.org", "--by", "ada")
    ada.ok("add-candidate", "Tom Other", "--by", "ada")
    ada.ok("sync")
    bob.ok("sync")
    ada.ok("purge", "--candidate", "c001", "--by", "ada")
    bob.ok("note", "c001", "Jane Secret rang from 07700 900123", "--by", "bob")
    bob.ok("edit", "c001", "--email", "jane@new.example.org", "--by", "bob")
    bob.ok("move", "c001", "longlist", "--by", "bob")
    bob.ok("note", "c002", "Unrelated, kept", "--by", "bob")
    return ada, bob


def _no_personal_data(clone: Path) -> None:
    text = (clone / "campaign.toml").read_text(encoding="utf-8")
    assert not [item for item in PERSONAL if item in text]


@pytest.mark.heavy
@pytest.mark.parametrize("erased_first", [True, False], ids=["erasure-sent-first", "change-first"])
@pytest.mark.parametrize("method", ["merge", "rebase"])
def test_an_erasure_wins_over_a_change_made_on_another_clone(
    team: tuple[Path, list[Path]], erased_first: bool, method: str
) -> None:
    _, clones = team
    ada, bob = _erased_here_changed_there(clones)
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
    told = [line for line in said.splitlines() if "was erased" in line]
    assert told == [
        f"dgtracker: c001 was erased on one copy; {dropped} made to c001 on the other copy "
        "were dropped, so none of the erased data comes back ('dgtracker show c001' records it)."
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
    assert jane["name"] == "Anonymised (c001)" and jane["stage"] == "withdrawn"
    assert "email" not in jane
    actions = ["added", "purged", "moved"] + ["purged"] * len(expected)
    assert [e["action"] for e in jane["history"]] == actions
    dropped = [e["reason"] for e in jane["history"][3:]]
    assert [e["by"] for e in jane["history"][3:]] == ["merge"] * len(expected)
    for words, reason in zip(expected, dropped, strict=True):
        assert f"merged: {words} made on a copy" in reason
    assert "Unrelated, kept" in [e.get("note") for e in tom["history"]]  # others merge as ever
    shown = ada.ok("show", "c001")
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
    ada, bob = _erased_here_changed_there(clones)
    cy = Cli(clones[2] / "campaign.toml")
    bob.ok("sync")  # bob's changes reach the remote first ...
    cy.ok("sync")  # ... and cy, who adds one of their own
    cy.ok("note", "c001", "Jane Secret's referee called", "--by", "cy")
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
    fast-forward: no merge runs on their copies, so nothing is said at that moment);
    `check` tells them, by id, and keeps telling them, as information, exit 0."""
    _, clones = team
    ada, bob = _erased_here_changed_there(clones)
    cy = Cli(clones[2] / "campaign.toml")
    bob.ok("sync")
    if method == "merge":
        said = ada.ok("sync")
    else:
        pulled = git(clones[0], "pull", "--rebase", "origin", "main", check=False)
        assert pulled.returncode == 0, pulled.stderr
        said = pulled.stderr
        git(clones[0], "push", "-q", "origin", "HEAD:main")
    assert "c001 was erased on one copy" in said  # Ada is told at the time
    pulled_later = bob.ok("sync")
    assert "erased" not in pulled_later  # Bob's pull merges nothing: the gap check fills
    cy.ok("sync")
    told = [
        "1 erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):",
        "  c001 (2026-02-02): erased on one copy; 3 change(s) (edited, moved, note; by bob) "
        "made to c001 on another copy were dropped by the merge, so none of the erased data "
        "came back (see 'dgtracker show c001')",
    ]
    for clone in clones:
        checked = Cli(clone / "campaign.toml")("check")
        assert checked.exit_code == 0, checked.output
        assert checked.stdout.splitlines()[1:] == told
        assert not [item for item in PERSONAL if item in checked.output]
        shown = Cli(clone / "campaign.toml").ok("check", "--json")
        assert not [item for item in PERSONAL if item in shown]
        (kept,) = json.loads(shown)["erasures_kept"]
        assert (kept["candidate"], kept["changes"], kept["by"]) == ("c001", 3, ["bob"])
        _no_personal_data(clone)
    bob.ok("note", "c002", "Later work goes on", "--by", "bob")  # still told after more work
    bob.ok("sync")
    assert bob.ok("check").splitlines()[1:] == told
