"""A candidate's recorded history is append-only across copies: a decision rewritten by
hand on one copy and committed with plain git is a conflict that `sync` and `check` name,
and the recorded decision stands until `resolve` chooses. An erasure is the one rewrite
taken."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import tomli_w
from tests.conftest import Cli
from tests.git_team import data, git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name


def decided(cli: Cli) -> tuple[str, str]:
    """The first candidate appointed, the second not progressed, after the same interview;
    their ids, as `add-candidate` printed them (c001 and c002 unless the record is shared)."""
    first = cli.ok("add-candidate", "Ada Lovelace", "--by", "ada").strip()
    second = cli.ok("add-candidate", "Bob Baker", "--by", "ada").strip()
    for cid in (first, second):
        cli.ok("move", cid, "interview", "--by", "ada")
    cli.ok("move", first, "appointed", "--by", "ada")
    cli.ok("move", second, "rejected", "--reason", "Panel: weaker at interview", "--by", "ada")
    return first, second


def swapped(path: Path) -> None:
    """The appointed and rejected decisions swapped by hand: each last move's stage and
    reason, and each candidate's stage, so the copy still passes `check`."""
    record = tomllib.loads(path.read_text(encoding="utf-8"))
    first, second = record["candidates"][:2]
    a, b = first["history"][-1], second["history"][-1]
    for key in ("stage", "reason"):
        a[key], b[key] = b.get(key), a.get(key)
    for event in (a, b):
        if event[key] is None:
            del event["reason"]
    first["stage"], second["stage"] = a["stage"], b["stage"]
    path.write_text(tomli_w.dumps(record), encoding="utf-8")


def stages(path: Path) -> dict[str, str]:
    record = tomllib.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: c["stage"] for c in record["candidates"]}


def test_a_swapped_decision_is_a_conflict_and_the_recorded_one_stands(tmp_path: Path) -> None:
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    decided(base)
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    ours.ok("note", "c001", "Start date agreed", "--by", "ada")  # both copies change c001
    swapped(theirs.path)
    assert "is valid" in theirs.ok("check")  # a forgery no single record can see
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1, merged.output
    assert "conflict in c001.history, c002.history" in merged.output
    assert stages(ours.path) == {"c001": "appointed", "c002": "rejected"}
    checked = ours("check")
    assert checked.exit_code == 1, checked.output
    assert (
        "conflict c001.history: candidate c001's history is append-only, but their copy "
        "rewrote or removed 1 of its recorded entries" in checked.output.replace("\n", " ")
    )
    assert "dgtracker resolve c002.history --ours" in checked.output.replace("\n", "")
    notes = [e.get("note") for e in ours.candidate("c001")["history"]]
    assert "Start date agreed" in notes  # our own change is merged all the same
    listed = json.loads(ours("check", "--json").stdout)["conflicts"]
    assert [c["id"] for c in listed] == ["c001.history", "c002.history"]
    assert listed[1]["base"][-1]["stage"] == "rejected"  # each side's entries, as JSON
    assert listed[1]["theirs"][-1]["stage"] == "appointed"
    # keeping the recorded history: c001 stays appointed, with our note
    assert "Resolved c001.history: kept the history of c001 (ours)." in ours.ok(
        "resolve", "c001.history", "--ours"
    )
    # taking the rewrite: c002 is where their copy's history puts them
    ours.ok("resolve", "c002.history", "--theirs")
    assert stages(ours.path) == {"c001": "appointed", "c002": "appointed"}
    assert "is valid" in ours.ok("check")
    assert "conflict" not in ours.ok("check")


def test_a_removed_entry_is_a_conflict_an_erasure_is_not(tmp_path: Path) -> None:
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    decided(base)
    base.ok("note", "c002", "Asked for feedback", "--by", "ada")
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    record = tomllib.loads(theirs.path.read_text(encoding="utf-8"))
    del record["candidates"][1]["history"][-1]  # the note, removed by hand
    theirs.path.write_text(tomli_w.dumps(record), encoding="utf-8")
    ours.ok("purge", "--candidate", "c001", "--by", "ada")  # blanks c001's entries
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1, merged.output
    assert "conflict in c002.history" in merged.output and "c001" not in merged.output
    notes = [e.get("note") for e in ours.candidate("c002")["history"]]
    assert "Asked for feedback" in notes  # the recorded entry stands
    assert ours.candidate("c001")["name"] == "Anonymised (c001)"


def test_a_swap_committed_with_plain_git_is_named_by_sync_and_check(
    team: tuple[Path, list[Path]],
) -> None:
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    first, second = decided(a)
    a.ok("sync")
    b.ok("sync")
    swapped(bob / "campaign.toml")
    git(bob, "commit", "-qam", "tidy")  # plain git, no dgtracker
    git(bob, "push", "-q")
    a.ok("note", first, "References taken", "--by", "ada")
    synced = a("sync")
    assert synced.exit_code == 1, synced.output
    assert f"{first}.history" in synced.output and f"{second}.history" in synced.output
    checked = a("check")
    assert checked.exit_code == 1 and f"conflict {first}.history" in checked.output
    recorded = {first: "appointed", second: "rejected"}
    assert {c["id"]: c["stage"] for c in data(ada)["candidates"]} == recorded
    for cid in (first, second):  # the recorded decisions kept: the merge completes
        a.ok("resolve", f"{cid}.history", "--ours", "--by", "ada")
    a.ok("sync")
    b.ok("sync")
    assert {c["id"]: c["stage"] for c in data(bob)["candidates"]} == recorded
    assert "References taken" in str(data(bob)["candidates"][0]["history"])
    assert "is valid" in b.ok("check") and "conflict" not in b.ok("check")


def test_an_erasure_that_also_rewrote_a_decision_is_a_conflict_without_the_data(
    tmp_path: Path,
) -> None:
    """A purge blanks notes and reasons, and nothing else: a copy that purged c002 and also
    turned their rejection into an appointment conflicts; the rejection stands, erased."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    decided(base)
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    theirs.ok("purge", "--candidate", "c002", "--by", "bob")
    record = tomllib.loads(theirs.path.read_text(encoding="utf-8"))
    bob = record["candidates"][1]
    decision = next(e for e in bob["history"] if e.get("stage") == "rejected")
    decision["stage"] = "appointed"
    bob["stage"] = "appointed"
    theirs.path.write_text(tomli_w.dumps(record), encoding="utf-8")
    assert "is valid" in theirs.ok("check")
    ours.ok("note", "c002", "Bob Baker asked for feedback", "--by", "ada")
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1, merged.output
    assert "conflict in c002.history" in merged.output
    text = ours.path.read_text(encoding="utf-8")
    assert "Bob Baker" not in text and "Panel: weaker" not in text  # erased everywhere
    assert stages(ours.path) == {"c001": "appointed", "c002": "rejected"}
    assert "conflict c002.history" in ours("check").output
    ours.ok("resolve", "c002.history", "--theirs")
    assert stages(ours.path)["c002"] == "appointed"
    assert "Bob Baker" not in ours.path.read_text(encoding="utf-8")
    assert "is valid" in ours.ok("check")


def test_a_purge_that_erased_a_mention_in_another_history_is_an_erasure_not_a_rewrite(
    tmp_path: Path,
) -> None:
    """A purge replaces mentions of the person in others' notes by [erased] (with a
    `redacted` entry): the merge takes it as the erasure it is; the same words replaced by
    hand, or more than the mention changed, are a rewrite."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    jane, tom = decided(base)
    base.ok("note", tom, "Referred by Ada Lovelace, ex-NHSX", "--by", "ada")
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    assert f"mentions of {jane} erased in {tom} (note)" in ours.ok(
        "purge", "--candidate", jane, "--by", "ada"
    )
    theirs.ok("note", tom, "Asked for feedback", "--by", "bob")
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 0, merged.output
    notes = [e.get("note") for e in ours.candidate(tom)["history"]]
    assert "Referred by [erased], ex-NHSX" in notes and "Asked for feedback" in notes
    assert "Ada Lovelace" not in ours.path.read_text(encoding="utf-8")
    assert "is valid" in ours.ok("check") and "conflict" not in ours.ok("check")
    # by hand: the mention replaced without a purge, or other words changed with a purge
    purged = ours.path.read_text(encoding="utf-8")
    for forged, text, note, stands in (
        ("hand", base.path.read_text(encoding="utf-8"), "Referred by [erased], ex-NHSX",
         "Referred by Ada Lovelace, ex-NHSX"),
        # the person is erased on that copy: the recorded entry stands, as erased
        ("more", purged, "Referred by [erased], ex-DHSC", "Referred by [erased], ex-NHSX"),
    ):  # fmt: skip
        record = tomllib.loads(text)
        record.pop("conflicts", None)
        entry = next(e for e in record["candidates"][1]["history"] if "ex-NHSX" in str(e))
        entry["note"] = note
        theirs.path.write_text(tomli_w.dumps(record), encoding="utf-8")
        ours.path.write_bytes(base.path.read_bytes())
        merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
        assert merged.exit_code == 1, (forged, merged.output)
        assert f"conflict in {tom}.history" in merged.output
        notes = [e.get("note") for e in ours.candidate(tom)["history"]]
        assert stands in notes and note not in notes  # the recorded entry stands


def test_the_merge_knows_a_mention_erased_by_the_mark_purge_writes() -> None:
    from dgtracker.record import mentions
    from dgtracker.team import git_history, merge_lists

    assert merge_lists.ERASED == mentions.ERASED == git_history.ERASED
