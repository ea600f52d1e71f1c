"""Mentions of a person erased on one copy do not come back through a merge with a copy
that had not seen the erasure (merge-file on files, both ways round): the erasing copy's
redactions win over the originals, and what the other copy wrote about the person since
(a note, a milestone's title or reason, a panel note) is redacted as purge would."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import Cli
from tests.test_merge import (
    SCHEDULES,
    SETTINGS,
    START,
    TODAY,
    Op,
    _key,
    apply,
    as_data,
    as_record,
    ops,
    swapped,
    without_conflicts,
)

from dgtracker.errors import Refused
from dgtracker.process import (
    candidate_actions,
    corrections,
    milestone_actions,
    new_records,
    privacy,
)
from dgtracker.record import mentions
from dgtracker.team.merge import merge

# every form of the person the merged file must not hold, in any case or accent form
FORMS = re.compile(r"charlotte|bront[eë]|example\.org|900\s?456", re.IGNORECASE)


def _copies(tmp_path: Path) -> tuple[Cli, Cli, Cli]:
    """The base, and two copies of it: Ada's purges c001 (Charlotte Brontë), which redacts
    her mentions in c002's note, the sift's reason and title and Sam Lee's panel note;
    Bob's, not yet synced, writes about her anew in each of those places."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok(
        "add-candidate",
        "Charlotte Brontë",
        "--email",
        "charlotte.bronte@example.org",
        "--phone",
        "07700 900456",
    )
    base.ok("add-candidate", "Tom Other")
    base.ok("note", "c002", "Ask charlotte.bronte@example.org", "--by", "cy")
    base.ok("edit", "c002", "--source", "Referred by Charlotte Brontë", "--by", "cy")
    base.ok("milestone", "rename", "sift", "Sift (Charlotte Brontë away)", "--by", "cy")
    base.ok("panel", "add", "Sam Lee", "--role", "member")
    base.ok("panel", "conflict", "Sam Lee", "c002", "--note", "Met with Charlotte Bronte")
    ada, bob = Cli(tmp_path / "ada.toml"), Cli(tmp_path / "bob.toml")
    for copy in (ada, bob):
        copy.path.write_bytes(base.path.read_bytes())
    ada.ok("purge", "--candidate", "c001", "--by", "ada")
    bob.ok("note", "c002", "Called CHARLOTTE BRONTË on +44 7700 900456", "--by", "bob")
    bob.ok("edit", "c002", "--adjustments", "Not the room Charlotte Brontë used", "--by", "bob")
    bob.ok("milestone", "add", "Call Charlotte Brontë", "2026-03-03", "--id", "call", "--by", "bob")
    bob.ok("milestone", "reschedule", "interviews", "2026-04-01", "--reason", "Bronte's notice")
    bob.ok("panel", "add", "Ann Judge", "--role", "member")
    bob.ok("panel", "conflict", "Ann Judge", "c002", "--note", "Knows charlotte.bronte@example.org")
    return base, ada, bob


def _merged(tmp_path: Path, first: str) -> Cli:
    """merge-file of the base and the two copies into `first`'s copy."""
    base, ada, bob = _copies(tmp_path)
    ours, theirs = (ada, bob) if first == "ada" else (bob, ada)
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 0, merged.output
    return ours


@pytest.mark.parametrize("first", ["ada", "bob"])
def test_a_redaction_wins_over_the_original_and_is_no_history_conflict(
    tmp_path: Path, first: str
) -> None:
    merged = _merged(tmp_path, first)
    notes = [e.get("note") for e in merged.candidate("c002")["history"]]
    assert notes.count("Ask [erased]") == 1  # once, as redacted: the original is gone
    assert "conflicts" not in merged.data()  # Ada's redaction is not a rewritten history
    assert "is valid" in merged.ok("check")


@pytest.mark.parametrize("first", ["ada", "bob"])
def test_a_redaction_alone_wins_and_the_merge_adds_nothing_of_its_own(
    tmp_path: Path, first: str
) -> None:
    """The other copy wrote nothing about the person, only an unrelated note: the purge's
    redacted entries are taken as they are, once, and the merge redacts nothing more."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Charlotte Brontë", "--email", "charlotte.bronte@example.org")
    base.ok("add-candidate", "Tom Other")
    base.ok("note", "c002", "Ask charlotte.bronte@example.org", "--by", "cy")
    ada, bob = Cli(tmp_path / "ada.toml"), Cli(tmp_path / "bob.toml")
    for copy in (ada, bob):
        copy.path.write_bytes(base.path.read_bytes())
    ada.ok("purge", "--candidate", "c001", "--by", "ada")
    bob.ok("note", "c002", "Unrelated, kept", "--by", "bob")
    ours, theirs = (ada, bob) if first == "ada" else (bob, ada)
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 0, merged.output
    history = ours.candidate("c002")["history"]
    notes = sorted(e["note"] for e in history if e["action"] == "note")  # one second: any order
    assert notes == ["Ask [erased]", "Unrelated, kept"]
    assert [(e["by"], e["action"]) for e in history if e["action"] == "redacted"] == [
        ("ada", "redacted")
    ]
    assert not FORMS.findall(ours.path.read_text(encoding="utf-8"))
    assert "is valid" in ours.ok("check")


@pytest.mark.parametrize("first", ["ada", "bob"])
def test_a_redaction_does_not_cover_a_note_rewritten_by_hand_beside_it(
    tmp_path: Path, first: str
) -> None:
    """Only the texts the purge put `[erased]` in are its own: another recorded note of the
    same candidate reworded by hand is a rewritten history (a conflict), as without it."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Charlotte Brontë", "--email", "charlotte.bronte@example.org")
    base.ok("add-candidate", "Tom Other")
    base.ok("note", "c002", "Ask charlotte.bronte@example.org", "--by", "cy")
    base.ok("note", "c002", "Strong on delivery", "--by", "cy")
    ada, bob = Cli(tmp_path / "ada.toml"), Cli(tmp_path / "bob.toml")
    for copy in (ada, bob):
        copy.path.write_bytes(base.path.read_bytes())
    ada.ok("purge", "--candidate", "c001", "--by", "ada")
    text = ada.path.read_text(encoding="utf-8")
    ada.path.write_text(text.replace("Strong on", "Weak on"), encoding="utf-8")  # by hand
    bob.ok("note", "c002", "Unrelated, kept", "--by", "bob")
    ours, theirs = (ada, bob) if first == "ada" else (bob, ada)
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1 and "c002.history" in merged.output, merged.output
    assert not FORMS.findall(ours.path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("first", ["ada", "bob"])
def test_what_the_other_copy_wrote_about_the_erased_person_is_redacted(
    tmp_path: Path, first: str
) -> None:
    merged = _merged(tmp_path, first)
    text = merged.path.read_text(encoding="utf-8")
    assert not FORMS.findall(text)
    data = merged.data()
    tom = merged.candidate("c002")
    assert "Called [erased] on [erased]" in [e.get("note") for e in tom["history"]]
    assert tom["adjustments"] == "Not the room [erased] used"
    milestones = {m["id"]: m for m in data["milestones"]}
    assert milestones["call"]["title"] == "Call [erased]"
    assert milestones["sift"]["title"] == "Sift ([erased] away)"
    assert milestones["interviews"]["history"][-2]["reason"] == "[erased]'s notice"
    notes = {m["name"]: m["conflicts"][0].get("note") for m in data["panel"]["members"]}
    assert notes == {"Sam Lee": "Met with [erased]", "Ann Judge": "Knows [erased]"}
    # each item the merge redacted says so, by id only, as purge does
    for history in (tom["history"], milestones["call"]["history"]):
        said = history[-1]
        assert said["reason"].startswith("Mention of c001 erased (")
        assert said.get("action", said.get("change")) == "redacted"
    assert "is valid" in merged.ok("check")


@pytest.mark.parametrize("first", ["ada", "bob"])
def test_a_change_made_over_a_redacted_value_is_taken_and_redacted_not_a_conflict(
    tmp_path: Path, first: str
) -> None:
    """A purge's redaction of a title or a source is no decision of its own: the other
    copy's new title or source is taken (redacted), not set against it as a conflict."""
    base, ada, bob = _copies(tmp_path)
    bob.ok("milestone", "rename", "sift", "Sift (postponed for Brontë)", "--by", "bob")
    bob.ok("edit", "c002", "--source", "LinkedIn, via Charlotte Bronte", "--by", "bob")
    ours, theirs = (ada, bob) if first == "ada" else (bob, ada)
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 0, merged.output
    sift = next(m for m in ours.data()["milestones"] if m["id"] == "sift")
    assert sift["title"] == "Sift (postponed for [erased])"
    assert ours.candidate("c002")["source"] == "LinkedIn, via [erased]"
    assert not FORMS.findall(ours.path.read_text(encoding="utf-8"))
    assert "is valid" in ours.ok("check")


def test_the_merge_holds_the_same_record_either_way_round(tmp_path: Path) -> None:
    base, ada, bob = _copies(tmp_path)  # one set of copies, merged into each side in turn
    results = []
    for ours, theirs in ((ada, bob), (bob, ada)):
        into = Cli(tmp_path / f"into-{ours.path.name}")
        into.path.write_bytes(ours.path.read_bytes())
        assert into("merge-file", str(base.path), str(into.path), str(theirs.path)).exit_code == 0
        results.append(into.path.read_text(encoding="utf-8"))
    assert results[0] == results[1]


# --- on random changes (the merge's own function, both ways round) ---------------------------

MENTIONS = st.lists(st.tuples(st.sampled_from(["note", "reason"]), st.integers(0, 5)), max_size=4)


def _mention(data: dict[str, Any], mentions: list[tuple[str, int]], who: str) -> dict[str, Any]:
    """A copy that writes about Charlotte Brontë: notes on random candidates, milestone
    reasons."""
    record = as_record(data)
    for step, (what, which) in enumerate(mentions):
        now = START + timedelta(minutes=30 + step)
        if what == "note":
            cid = record.candidates[which % len(record.candidates)].id
            text = f"{who} {step}: ask charlotte BRONTE on 07700 900456."
            candidate_actions.add_note(record, cid, text, by=who, today=TODAY, now=now)
        else:
            milestone = ["sift", "interviews"][which % 2]
            when = SCHEDULES[(which + step) % len(SCHEDULES)]
            reason = f"Brontë's notice ({who} {step})"
            with contextlib.suppress(Refused):  # the same schedule again: skipped
                milestone_actions.reschedule(
                    record, milestone, when, by=who, now=now, reason=reason
                )
    return as_data(record)


def _purged(data: dict[str, Any]) -> dict[str, Any]:
    """The copy after `purge --candidate` of Charlotte (the first candidate), mentions and
    all."""
    record = as_record(data)
    person = record.candidates[0]
    now = START + timedelta(hours=2)
    people = {person.id: mentions.person_identifiers(person, record)}
    privacy.forget(record, privacy.due_on_request(person), people, by="ada", today=TODAY, now=now)
    corrections.withdraw_erased(record, person, by="ada", today=TODAY, now=now)
    return as_data(record)


@SETTINGS
@given(ops, MENTIONS, ops, MENTIONS)
def test_no_mention_comes_back_and_the_merge_is_symmetric_on_random_changes(
    before: list[Op], said_before: list[tuple[str, int]], right: list[Op], said: list[Op]
) -> None:
    record = new_records.dhsc_campaign()
    candidate_actions.add_candidate(
        record,
        name="Charlotte Brontë",
        email="charlotte.bronte@example.org",
        phone="07700 900456",
        by="cy",
        today=TODAY,
        now=START - timedelta(hours=12),
    )
    base = _mention(apply(as_data(record), before, "base", -600), said_before, "cy")
    a = _purged(base)
    b = _mention(apply(base, right, "bob", 1), said, "bob")
    ab, ba = merge(base, a, b), merge(base, b, a)
    assert without_conflicts(ab.data) == without_conflicts(ba.data)
    assert sorted(map(_key, ab.conflicts)) == sorted(map(_key, swapped(ba.conflicts)))
    assert not FORMS.findall(tomli_w.dumps(ab.data))
    assert not [c for c in ab.conflicts if c["id"].endswith(".history")]
    as_record(ab.data)  # the merged record keeps every rule
