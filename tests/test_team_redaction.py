"""A person erased on one clone while another clone, not yet synced, writes about them
elsewhere in the record, merged through real git: once both clones have synced, no form
of the person's name, email or phone is anywhere in the record on either clone, and the
other clone's own new note survives, redacted."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli
from tests.git_team import git_identity, team
from tests.test_merge_redaction import FORMS

__all__ = ["git_identity", "team"]  # fixtures, used by name


def test_mentions_of_an_erased_person_do_not_come_back_through_a_sync(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    add = ("--email", "charlotte.bronte@example.org", "--phone", "07700 900456", "--by", "ada")
    person = ada.ok("add-candidate", "Charlotte Brontë", *add).strip()
    other = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()  # ids drawn at random
    ada.ok("note", other, "Ask charlotte.bronte@example.org", "--by", "ada")
    ada.ok("sync")
    bob.ok("sync")
    ada.ok("purge", "--candidate", person, "--by", "ada")
    bob.ok("note", other, "Called Charlotte Bronte on 07700 900456", "--by", "bob")
    bob.ok("milestone", "add", "Call CHARLOTTE BRONTË", "2026-03-03", "--id", "call")
    ada.ok("sync")
    bob.ok("sync")  # merges Ada's erasure into Bob's notes through the merge driver
    ada.ok("sync")
    for clone, cli in zip(clones, (ada, bob), strict=False):
        text = (clone / "campaign.toml").read_text(encoding="utf-8")
        assert not FORMS.findall(text), clone.name
        notes = [e.get("note") for e in cli.candidate(other)["history"]]
        assert notes.count("Ask [erased]") == 1
        assert "Called [erased] on [erased]" in notes  # Bob's own note, kept
        assert "is valid" in cli.ok("check")
    assert ada.data() == bob.data()
