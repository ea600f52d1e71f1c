"""Ids that never move and an erasure that wins, through real git and the installed merge
driver: a person erased on one clone and changed (or left alone) on another stays erased in
every order of merging (sync either way, `git merge`, `pull --rebase`, cherry-pick, a stale
clone meeting a retention purge), whatever their first history entry holds; nobody comes
back, nobody is doubled, and no id changes. Two people added in the same second by the same
person on two clones stay two people."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import Cli
from tests.git_team import data, git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name

PERSONAL = ("Jane Secret", "jane@example.org", "07700 900123", "jane@new.example.org")
KINDS = ["plain", "note", "rejected", "imported"]
METHODS = ["sync-a-b", "sync-b-a", "merge", "rebase", "cherry-pick", "stale-retention"]
# One cell of each kind and of each method runs in the default suite; the rest are heavy.
QUICK = {
    ("plain", "sync-a-b"),
    ("note", "sync-b-a"),
    ("rejected", "merge"),
    ("imported", "rebase"),
    ("note", "cherry-pick"),
    ("rejected", "stale-retention"),
}
LATER = "2026-09-01"  # when a rejection of 2 Feb 2026 is due for anonymising (6 months)


def _cells() -> list[object]:
    return [
        pytest.param(kind, method, marks=() if (kind, method) in QUICK else pytest.mark.heavy)
        for kind, method in itertools.product(KINDS, METHODS)
    ]


def _add_jane(ada: Cli, kind: str) -> str:
    """Jane, added as `kind` says; her id, as the command printed it (or the import made)."""
    person = ("Jane Secret", "--email", "jane@example.org", "--phone", "07700 900123")
    if kind == "plain":
        return ada.ok("add-candidate", *person, "--by", "ada").strip()
    if kind == "note":
        note = ("--note", "Jane Secret, jane@example.org, referred by NHSX")
        return ada.ok("add-candidate", *person, *note, "--by", "ada").strip()
    if kind == "rejected":
        reason = ("--stage", "rejected", "--reason", "Jane Secret lacks board experience")
        return ada.ok("add-candidate", *person, *reason, "--by", "ada").strip()
    sheet = ada.path.parent.parent / "applicants.csv"
    sheet.write_text(
        "name,email,phone,notes\n"
        "Jane Secret,jane@example.org,07700 900123,Jane Secret called from 07700 900123\n",
        encoding="utf-8",
    )
    ada.ok("import", str(sheet), "--by", "ada")
    return next(c["id"] for c in ada.data()["candidates"] if c["name"] == "Jane Secret")


def _integrate(method: str, ada: Cli, bob: Cli, clones: list[Path], as_of: str) -> None:
    """Ada erased Jane, Bob changed his copy: bring the two together as `method` says, and
    let both clones catch up."""
    ada_clone, bob_clone = clones[0], clones[1]
    if method == "sync-b-a":
        bob.ok("sync", as_of=as_of)
        ada.ok("sync", as_of=as_of)
        bob.ok("sync", as_of=as_of)
        return
    ada.ok("sync", as_of=as_of)  # the erasure reaches the remote first
    if method in ("sync-a-b", "stale-retention"):
        bob.ok("sync", as_of=as_of)
    elif method == "merge":
        git(bob_clone, "fetch", "-q", "origin")
        git(bob_clone, "merge", "--no-edit", "-q", "origin/main")
    elif method == "rebase":
        git(bob_clone, "pull", "-q", "--rebase", "origin", "main")
    else:  # cherry-pick the erasure alone, then sync (a merge of it met again)
        git(bob_clone, "fetch", "-q", "origin")
        git(bob_clone, "cherry-pick", "origin/main")
        bob.ok("sync", as_of=as_of)
    if method in ("merge", "rebase"):
        git(bob_clone, "push", "-q", "origin", "HEAD:main")
    ada.ok("sync", as_of=as_of)
    assert git(ada_clone, "status", "--porcelain").stdout == ""


def _erased_everywhere(clones: list[Path], jane: str, tom: str, as_of: str) -> None:
    for clone in clones[:2]:
        text = (clone / "campaign.toml").read_text(encoding="utf-8")
        assert not [item for item in PERSONAL if item in text]  # 0 people back
        people = data(clone)["candidates"]
        assert [c["id"] for c in people] == [jane, tom]  # 0 phantoms; no id moved
        assert people[0]["name"] == f"Anonymised ({jane})"
        assert not [c for c in people if "aliases" in c] and "Renumbered" not in text
        typed = [e for e in people[0]["history"] if e["action"] == "purged" and e["by"] != "merge"]
        assert len(typed) == 1  # one erasure
        assert "is valid" in Cli(clone / "campaign.toml").ok("check", as_of=as_of)
    assert data(clones[0]) == data(clones[1])


@pytest.mark.parametrize(("kind", "method"), _cells())
def test_an_erasure_on_one_clone_wins_over_a_change_on_another(
    team: tuple[Path, list[Path]], kind: str, method: str
) -> None:
    _, clones = team
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    jane = _add_jane(ada, kind)
    tom = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()
    stale = method == "stale-retention"
    if stale:  # retention counts from the campaign's outcome: Tom appointed, Jane not
        if kind != "rejected":
            reason = ("--reason", "Jane Secret: not progressed")
            ada.ok("move", jane, "rejected", *reason, "--by", "ada")
        ada.ok("move", tom, "appointed", "--by", "ada")
    ada.ok("sync")
    bob.ok("sync")
    as_of = LATER if stale else "2026-02-02"
    if stale:  # months later, by the retention date; Bob has not synced since February
        purged = ada.ok("purge", "--by", "ada", as_of=LATER)
        assert jane in purged and tom not in purged
    else:
        ada.ok("purge", "--candidate", jane, "--by", "ada")
    bob.ok("note", jane, "Jane Secret rang from 07700 900123", "--by", "bob", as_of="2026-02-02")
    bob.ok("edit", jane, "--email", "jane@new.example.org", "--by", "bob", as_of="2026-02-02")
    bob.ok("note", tom, "Unrelated, kept", "--by", "bob", as_of="2026-02-02")
    _integrate(method, ada, bob, clones, as_of)
    _erased_everywhere(clones, jane, tom, as_of)
    tom_notes = [e.get("note") for e in data(clones[0])["candidates"][1]["history"]]
    assert "Unrelated, kept" in tom_notes  # everyone else merges as ever


@pytest.mark.parametrize(
    "method", ["sync-a-b", pytest.param("sync-b-a", marks=pytest.mark.heavy), "rebase"]
)
def test_an_erasure_stays_when_the_other_clone_left_that_person_alone(
    team: tuple[Path, list[Path]], method: str
) -> None:
    _, clones = team
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    jane = _add_jane(ada, "note")
    tom = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()
    ada.ok("sync")
    bob.ok("sync")
    ada.ok("purge", "--candidate", jane, "--by", "ada")
    bob.ok("note", tom, "Unrelated, kept", "--by", "bob")
    _integrate(method, ada, bob, clones, "2026-02-02")
    _erased_everywhere(clones, jane, tom, "2026-02-02")
    assert not [e for e in data(clones[0])["candidates"][0]["history"] if e["by"] == "merge"]


def test_erasing_one_person_on_two_clones_is_one_erasure(team: tuple[Path, list[Path]]) -> None:
    _, clones = team
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    jane = _add_jane(ada, "rejected")
    tom = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()
    ada.ok("sync")
    bob.ok("sync")
    ada.ok("purge", "--candidate", jane, "--by", "ada")
    bob.ok("purge", "--candidate", jane, "--by", "bob")
    _integrate("sync-b-a", ada, bob, clones, "2026-02-02")
    _erased_everywhere(clones, jane, tom, "2026-02-02")


def test_two_people_added_in_one_second_by_one_person_on_two_clones_stay_two(
    team: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop and a desktop (or cron's import and a person), the same user, the same
    second: their first history entries are identical, their ids are not."""
    _, clones = team
    second = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
    monkeypatch.setattr("dgtracker.cli.settings.now_utc", lambda: second)
    ada, laptop = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    first = ada.ok("add-candidate", "Ann One", "--email", "ann@example.org", "--by", "cy")
    other = laptop.ok("add-candidate", "Ben Two", "--email", "ben@example.org", "--by", "cy")
    assert first != other
    ada.ok("sync")
    synced = laptop("sync")
    assert synced.exit_code == 0, synced.output  # no conflict
    ada.ok("sync")
    people = {c["id"]: (c["name"], c["email"]) for c in data(clones[0])["candidates"]}
    assert people == {
        first.strip(): ("Ann One", "ann@example.org"),
        other.strip(): ("Ben Two", "ben@example.org"),
    }
    assert data(clones[0]) == data(clones[1])
    assert "conflicts" not in data(clones[1])


def test_two_people_under_one_id_stop_the_merge_and_ours_is_left_as_it_was(
    team: tuple[Path, list[Path]],
) -> None:
    """Only by a hand edit (or a draw against all odds): the driver refuses, exit 1, says
    which id and what to do, and leaves our record untouched; nothing is renumbered."""
    _, clones = team
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    ann = ada.ok("add-candidate", "Ann One", "--by", "ada").strip()
    ben = bob.ok("add-candidate", "Ben Two", "--by", "bob").strip()
    path = clones[1] / "campaign.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(ben, ann), encoding="utf-8")
    git(clones[1], "commit", "-qam", "hand edit")
    before = path.read_bytes()
    ada.ok("sync")
    synced = bob("sync")
    assert synced.exit_code == 1
    assert f"{ann} was given to two different people on two copies" in synced.output
    assert "git merge --abort" in synced.output and "Ann One" not in synced.output
    assert path.read_bytes() == before  # ours as it was
    git(clones[1], "merge", "--abort")
    assert data(clones[1])["candidates"][0]["name"] == "Ben Two"
