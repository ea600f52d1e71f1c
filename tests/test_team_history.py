"""A person erased from a shared record's git history: `purge --rewrite-history` rewrites
every commit and pushes with a lease; a teammate's `sync` notices the rewritten remote,
keeps its own unsent change, and brings nothing of the person back. Real git, a bare
remote and clones in a temp folder."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli
from tests.git_team import git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name

PERSONAL = ("Jane Secret", "jane@example.org", "jane@old.example.org", "07700 900123")


def _traces(text: str) -> list[str]:
    folded = text.casefold()
    found = [item for item in PERSONAL if item.casefold() in folded]
    return found + (["07700900123"] if "07700900123" in text.replace(" ", "") else [])


def _history(clone: Path, *refs: str) -> str:
    return git(clone, "log", "-p", *refs).stdout


def _jane_everywhere(clones: list[Path]) -> tuple[Cli, Cli, str, str]:
    """Jane, edited and mentioned, in several commits, sent and seen by bob; the two
    clones, then Jane's id and Tom's, as `add-candidate` printed them."""
    ada, bob = Cli(clones[0] / "campaign.toml"), Cli(clones[1] / "campaign.toml")
    jane = ada.ok(
        "add-candidate", "Jane Secret", "--email", "jane@old.example.org", "--by", "ada"
    ).strip()
    ada.ok("edit", jane, "--email", "jane@example.org", "--phone", "07700 900123")
    ada.ok("note", jane, "Called her on 07700900123", "--by", "ada")
    tom = ada.ok("add-candidate", "Tom Other", "--by", "ada").strip()
    ada.ok("note", tom, "Referred by JANE SECRET", "--by", "ada")
    ada.ok("sync")
    bob.ok("sync")
    assert _traces(_history(clones[1], "--all"))  # the person is there to erase
    return ada, bob, jane, tom


def test_a_purge_of_a_shared_record_says_earlier_commits_still_hold_the_data(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, _, jane, _ = _jane_everywhere(clones)
    done = ada("purge", "--candidate", jane, "--by", "ada")
    assert done.exit_code == 0, done.output
    assert "Earlier commits of the shared record still hold the erased data" in done.stderr
    assert "dgtracker purge --rewrite-history" in done.stderr
    assert _traces(_history(clones[0], "--all"))  # as said: nothing rewritten yet


def test_rewrite_history_erases_the_person_from_every_commit_here_and_on_the_remote(
    team: tuple[Path, list[Path]],
) -> None:
    remote, clones = team
    ada, _, jane, _ = _jane_everywhere(clones)
    git(clones[0], "commit", "-q", "--allow-empty", "-m", "call jane secret back")  # by hand
    ada.ok("sync")
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    assert done.exit_code == 0, done.output
    assert f"every commit holds {jane} as erased" in done.stdout
    messages = git(clones[0], "log", "--format=%s").stdout.splitlines()
    assert messages[:2] == ["purge (by ada)", "call [erased] back"]
    assert "Sent the rewritten history to origin" in done.stdout
    assert "Jane" not in done.output
    assert _traces(_history(clones[0], "--all", "--reflog")) == []
    assert _traces(git(clones[0], "log", "--all", "--format=%B").stdout) == []
    assert _traces(_history(remote, "--all")) == []
    # the record now: erased, and Tom's note no longer names her
    text = (clones[0] / "campaign.toml").read_text(encoding="utf-8")
    assert _traces(text) == []
    assert "Referred by [erased]" in text
    assert git(clones[0], "status", "--porcelain").stdout == ""
    assert ada.candidate(jane)["name"] == f"Anonymised ({jane})"
    assert git(clones[0], "rev-parse", "HEAD").stdout == git(remote, "rev-parse", "main").stdout
    ada.ok("check")


def test_a_teammate_syncs_onto_the_rewritten_remote_keeping_their_change_not_the_person(
    team: tuple[Path, list[Path]],
) -> None:
    remote, clones = team
    ada, bob, jane, tom = _jane_everywhere(clones)
    bob.ok("note", tom, "Bob's unsent note", "--by", "bob")  # unsent, on someone else
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    said = bob.ok("sync")
    assert "The remote's history was rewritten (an erasure)" in said
    assert "1 unsent commit(s) moved onto it" in said
    assert "git reflog expire --expire=now --all && git gc --prune=now" in said
    assert "sent 1 commit(s) to origin" in said
    assert "Jane" not in said
    notes = [e.get("note") for e in bob.candidate(tom)["history"]]
    assert "Bob's unsent note" in notes
    assert bob.candidate(jane)["name"] == f"Anonymised ({jane})"
    assert _traces((clones[1] / "campaign.toml").read_text(encoding="utf-8")) == []
    assert _traces(_history(clones[1], "HEAD")) == []
    assert _traces(_history(clones[1], "--all")) == []  # no branch or remote ref holds them
    assert _traces(_history(remote, "--all")) == []
    # the old commits stay in bob's reflog until he removes them, as the sync said
    assert _traces(_history(clones[1], "--reflog"))
    git(clones[1], "reflog", "expire", "--expire=now", "--all")
    git(clones[1], "gc", "-q", "--prune=now")
    assert _traces(_history(clones[1], "--all", "--reflog")) == []
    # and ada gets bob's change with nothing of the person
    assert "merged 1 change(s)" in ada.ok("sync")
    assert _traces(_history(clones[0], "--all", "--reflog")) == []


def test_a_teammate_change_to_the_erased_person_does_not_bring_them_back(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, bob, jane, _ = _jane_everywhere(clones)
    bob.ok("note", jane, "Bob's note on her", "--by", "bob")
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    said = bob.ok("sync")
    assert "The remote's history was rewritten" in said
    assert bob.candidate(jane)["name"] == f"Anonymised ({jane})"
    assert _traces(_history(clones[1], "HEAD")) == []
    assert "Bob's note on her" not in (clones[1] / "campaign.toml").read_text(encoding="utf-8")


def test_a_clone_with_nothing_unsent_follows_the_rewritten_remote(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, _, jane, _ = _jane_everywhere(clones)
    cy = Cli(clones[2] / "campaign.toml")
    cy.ok("sync")
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    said = cy.ok("sync")
    assert "with its 0 unsent commit(s) moved onto it" in said
    assert _traces(_history(clones[2], "HEAD")) == []
    assert git(clones[2], "status", "--porcelain").stdout == ""


def test_rewrite_history_without_a_remote_rewrites_and_sends_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "alone"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")
    cli.ok("share")
    jane = cli.ok("add-candidate", "Jane Secret", "--email", "jane@example.org", "--by", "ada")
    cli.ok("purge", "--candidate", jane.strip(), "--by", "ada")  # erased earlier, history kept
    done = cli("purge", "--rewrite-history", "--by", "ada")
    assert done.exit_code == 0, done.output
    assert "No remote: nothing to send." in done.output
    assert _traces(_history(folder, "--all", "--reflog")) == []


def test_rewrite_history_refuses_uncommitted_changes_and_a_stopped_merge(
    team: tuple[Path, list[Path]],
) -> None:
    _, clones = team
    ada, _, jane, _ = _jane_everywhere(clones)
    gitattributes = clones[0] / ".gitattributes"
    gitattributes.write_text(gitattributes.read_text() + "# changed\n")
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    assert done.exit_code == 1
    assert "has uncommitted changes: history cannot be rewritten now" in done.output
    assert ada.candidate(jane)["name"] == "Jane Secret"  # refused before the purge
    git(clones[0], "checkout", "--", ".gitattributes")
    (clones[0] / ".git" / "MERGE_HEAD").write_text(git(clones[0], "rev-parse", "HEAD").stdout)
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    assert done.exit_code == 1
    assert "A git merge is stopped half-way" in done.output
    (clones[0] / ".git" / "MERGE_HEAD").unlink()
    done = ada("purge", "--rewrite-history", "--dry-run")
    assert done.exit_code == 1
    assert "--rewrite-history changes git history: it has no --dry-run" in done.output


def test_rewrite_history_refuses_while_the_team_has_changes_this_copy_lacks(
    team: tuple[Path, list[Path]],
) -> None:
    remote, clones = team
    ada, bob, jane, tom = _jane_everywhere(clones)
    bob.ok("note", tom, "Sent first", "--by", "bob")
    bob.ok("sync")
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    assert done.exit_code == 1
    assert "origin has changes this copy does not have yet" in done.output
    assert "dgtracker sync" in done.output
    ada.ok("sync")
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    assert _traces(_history(remote, "--all")) == []
    assert "Sent first" in git(remote, "show", "main:campaign.toml").stdout


def test_redaction_finds_names_in_any_case_or_accents_and_phones_in_any_form() -> None:
    from dgtracker.team.git_history import Person, redact

    jane = Person("c001", None, {"jane sécret", "jane@example.org"}, {"07700900123"})
    text = (
        "JANE SECRET, Jane  Sécret, jane se\u0301cret, Jane@Example.ORG; +44 7700-900123 / "
        "07700 900 123 / +44 (0)7700 900123; kept: 2026-02-02, 1234, Jane Smith"
    )
    assert redact(text, [jane], {}) == (
        "[erased], [erased], [erased], [erased]; [erased] / [erased] / [erased]; "
        "kept: 2026-02-02, 1234, Jane Smith"
    )


def test_redaction_replaces_the_persons_table_even_under_an_old_id() -> None:
    from dgtracker.team.git_history import Person, redact

    jane = Person("c001", "2026-02-01 09:00:00+00:00", {"jane@example.org"}, set())
    stub = 'id = "c001"\nname = "Anonymised (c001)"\n\n'  # its lines, as the record has it
    old = (
        '[[candidates]]\nid = "c001"\nname = "Tom Other"\n\n'  # c001 was Tom's, once
        "[[candidates.history]]\nat = 2026-01-30 09:00:00+00:00\n\n"
        '[[candidates]]\nid = "c002"\nname = "Jane S"\nemail = "jane@example.org"\n\n'
        '[[candidates.history]]\nat = 2026-02-01 09:00:00+00:00\nnote = "private"\n\n'
        '[[panel]]\nname = "Pat"\n'
    )
    new = redact(old, [jane], {"c001": stub})
    assert new == (
        '[[candidates]]\nid = "c001"\nname = "Tom Other"\n\n'
        "[[candidates.history]]\nat = 2026-01-30 09:00:00+00:00\n\n"
        f'[[candidates]]\n{stub}[[panel]]\nname = "Pat"\n'
    )


def test_a_conflict_met_while_moving_onto_the_rewritten_remote_is_resolved_as_usual(
    team: tuple[Path, list[Path]],
) -> None:
    remote, clones = team
    ada, bob, jane, tom = _jane_everywhere(clones)
    ada.ok("move", tom, "longlist", "--by", "ada")
    bob.ok("move", tom, "rejected", "--reason", "No fit", "--by", "bob")  # unsent
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    stopped = bob("sync")
    assert stopped.exit_code == 1
    assert f"Conflict in {tom}.stage" in stopped.output
    assert "The remote's history was rewritten (an erasure)" in stopped.output
    assert (clones[1] / ".git" / "rebase-merge").exists()  # a rebase waits for the choice
    done = bob("resolve", tom, "--theirs", "--by", "bob")  # a rebase's theirs: bob's own
    assert done.exit_code == 0, done.output
    assert "kept 'rejected'" in done.output
    assert "the rebase is complete" in done.output
    assert not (clones[1] / ".git" / "rebase-merge").exists()
    assert "sent 1 commit(s) to origin" in bob.ok("sync")
    assert bob.candidate(tom)["stage"] == "rejected"
    assert bob.candidate(jane)["name"] == f"Anonymised ({jane})"
    assert _traces(_history(clones[1], "HEAD")) == []
    assert _traces(_history(remote, "--all")) == []


def test_purge_json_with_rewrite_history_keeps_stdout_for_the_json(
    team: tuple[Path, list[Path]],
) -> None:
    import json

    _, clones = team
    ada, _, jane, _ = _jane_everywhere(clones)
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--json", "--by", "ada")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)
    assert "Sent the rewritten history to origin" in done.stderr


def test_the_retention_purge_says_so_too_and_rewrite_history_erases_everyone_it_anonymised(
    tmp_path: Path,
) -> None:
    from tests.test_privacy_cli import _campaign

    folder = tmp_path / "alone"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")
    cli.ok("share")
    _, grace, _, dorothy = _campaign(cli)  # rejected and withdrawn: due on 2026-09-20
    done = cli("purge", "--by", "dpo", as_of="2026-09-20")
    assert done.exit_code == 0, done.output
    assert "Earlier commits of the shared record still hold the erased data" in done.stderr
    assert "Grace Hopper" in _history(folder, "--all")
    done = cli("purge", "--rewrite-history", "--by", "dpo", as_of="2026-09-20")
    assert done.exit_code == 0, done.output
    assert f"every commit holds {grace}, {dorothy} as erased" in done.stdout
    history = _history(folder, "--all", "--reflog")
    gone = ("Grace Hopper", "grace@example.org", "7946 0000", "Dorothy", "Quiet at interview")
    assert [item for item in gone if item in history] == []
    assert "Ada Lovelace" in history and "Rosalind Franklin" in history  # not due: kept


def test_a_rewrite_whose_push_loses_the_race_is_undone_here_and_can_be_run_again(
    team: tuple[Path, list[Path]],
) -> None:
    remote, clones = team
    ada, bob, jane, tom = _jane_everywhere(clones)
    # bob sends a change while ada's rewrite is on its way: her lease must fail
    hook = clones[0] / ".git" / "hooks" / "pre-push"
    hook.write_text(
        f"#!/bin/sh\ncd '{clones[1]}' && git commit -q --allow-empty -m 'note {tom} (by bob)' "
        "&& git push -q origin main\n"
    )
    hook.chmod(0o755)
    head = git(clones[0], "rev-parse", "HEAD").stdout
    done = ada("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    hook.unlink()
    assert done.exit_code == 1
    assert "Could not send the rewritten history to origin" in done.output
    assert "the history here is left as it was" in done.output
    # the purge stays committed on the old history, which the team's sync still joins
    assert git(clones[0], "rev-parse", "HEAD~1").stdout == head
    assert git(clones[0], "log", "-1", "--format=%s").stdout.strip() == "purge (by ada)"
    assert ada.candidate(jane)["name"] == f"Anonymised ({jane})"
    assert git(clones[0], "status", "--porcelain").stdout == ""
    said = ada.ok("sync")
    assert "merged 1 change(s)" in said and "rewritten" not in said
    ada.ok("purge", "--rewrite-history", "--by", "ada")
    assert _traces(_history(remote, "--all")) == []
    assert "rewritten" in bob.ok("sync")
    assert bob.candidate(jane)["name"] == f"Anonymised ({jane})"


def test_a_copy_the_driver_refuses_while_moving_onto_the_rewritten_remote_is_named(
    team: tuple[Path, list[Path]],
) -> None:
    """A commit of bob's broken by hand (plain git), then mended: replayed onto the
    rewritten remote, the merge driver refuses it, and sync repeats which copy broke which
    rule, as it does for a merge."""
    _, clones = team
    ada, bob, jane, tom = _jane_everywhere(clones)
    record = clones[1] / "campaign.toml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f'id = "{tom}"', f'id = ["{tom}"]', 1), encoding="utf-8")
    git(clones[1], "commit", "-qam", "tidy")  # plain git, no dgtracker
    record.write_text(text, encoding="utf-8")
    git(clones[1], "commit", "-qam", "tidy again")
    ada.ok("purge", "--candidate", jane, "--rewrite-history", "--by", "ada")
    stopped = bob("sync")
    assert stopped.exit_code == 1, stopped.output
    said = " ".join(stopped.output.split())
    assert "The remote's history was rewritten (an erasure)" in said
    assert "A git rebase is stopped half-way" in said
    assert "Cannot merge: theirs (campaign.toml): " in said, said
    assert "candidates[1].id: expected text, found a list" in said
    assert "Traceback" not in said
