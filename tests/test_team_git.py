"""A record shared by a team through real git: share, a commit per change, the merge
driver under merge, pull --rebase and cherry-pick, sync, and conflicts settled by resolve.

Every clone is a folder in tmp_path; a bare repository there is the team's remote.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

from tests.conftest import Cli, installed_dgtracker
from tests.git_team import data, git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name


def test_share_sets_up_driver_and_ignores(team: tuple[Path, list[Path]]) -> None:
    _, (ada, _, _) = team
    assert (ada / ".gitattributes").read_text() == "campaign.toml merge=dgtracker\n"
    assert ".*.lock" in (ada / ".gitignore").read_text()
    driver = git(ada, "config", "merge.dgtracker.driver").stdout.strip()
    assert driver.startswith("/") and driver.endswith("merge-file %O %A %B %P")
    assert git(ada, "status", "--porcelain").stdout == ""


def test_each_change_is_committed_without_personal_data(team: tuple[Path, list[Path]]) -> None:
    _, (ada, _, _) = team
    cli = Cli(ada / "campaign.toml")
    cid = cli.ok("add-candidate", "Jane Secret", "--email", "jane@example.org", "--by", "ada")
    cid = cid.strip()
    assert re.fullmatch(r"c[0-9a-hjkmnp-tv-z]{5}", cid) and not cid[1:].isdigit()  # drawn
    cli.ok("move", cid, "shortlist", "--by", "ada")
    log = git(ada, "log", "--format=%s").stdout.splitlines()
    assert log[:2] == [f"move {cid} shortlist (by ada)", f"add-candidate {cid} (by ada)"]
    assert "Jane" not in git(ada, "log", "--format=%B").stdout
    assert git(ada, "status", "--porcelain").stdout == ""
    cli.ok("purge", "--candidate", cid, "--by", "ada")
    assert git(ada, "log", "-1", "--format=%s").stdout.strip() == "purge (by ada)"
    assert "Jane" not in (ada / "campaign.toml").read_text()
    assert git(ada, "status", "--porcelain").stdout == ""


def test_two_clones_adding_get_two_candidates_each_keeping_its_id(
    team: tuple[Path, list[Path]],
) -> None:
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    alice = a.ok("add-candidate", "Alice Able", "--by", "ada").strip()
    bobby = b.ok("add-candidate", "Bob Baker", "--by", "bob").strip()
    assert alice != bobby
    a.ok("sync")
    out = b.ok("sync")
    assert "merged 1 change(s)" in out and "dgtracker:" not in out
    names = {c["id"]: c["name"] for c in data(bob)["candidates"]}
    assert names == {alice: "Alice Able", bobby: "Bob Baker"}  # the ids each was given
    assert not [c for c in data(bob)["candidates"] if "aliases" in c]
    assert "Renumbered" not in (bob / "campaign.toml").read_text(encoding="utf-8")
    a.ok("sync")
    assert data(ada) == data(bob)
    assert "is valid" in a.ok("check")
    a.ok("note", bobby, "Called back", "--by", "ada")
    b.ok("note", alice, "Sift done", "--by", "bob")
    a.ok("sync")
    b.ok("sync")
    a.ok("sync")
    assert data(ada) == data(bob)
    assert {c["id"]: c["name"] for c in data(ada)["candidates"]} == names


def test_an_old_id_kept_as_an_alias_still_finds_its_candidate(
    team: tuple[Path, list[Path]],
) -> None:
    """Records from before ids stopped moving may hold aliases: they still resolve, and a
    new id is never one of them."""
    _, (ada, _, _) = team
    a = Cli(ada / "campaign.toml")
    cid = a.ok("add-candidate", "Alice Able", "--by", "ada").strip()
    text = (ada / "campaign.toml").read_text(encoding="utf-8")
    (ada / "campaign.toml").write_text(
        text.replace(f'id = "{cid}"', f'id = "{cid}"\naliases = ["c007"]'), encoding="utf-8"
    )
    assert "Alice Able" in a.ok("show", "c007")
    assert a.ok("add-candidate", "Bea Two", "--by", "ada").strip() not in ("c007", cid)


def test_same_move_to_two_stages_is_a_conflict_resolved_by_command(
    team: tuple[Path, list[Path]],
) -> None:
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    cid = a.ok("add-candidate", "Alice Able", "--by", "ada").strip()
    a.ok("sync")
    b.ok("sync")
    a.ok("move", cid, "shortlist", "--by", "ada")
    b.ok("move", cid, "rejected", "--reason", "Not enough experience", "--by", "bob")
    a.ok("sync")
    result = b("sync")
    assert result.exit_code == 1
    assert f"Conflict in {cid}.stage" in result.output
    assert f"dgtracker resolve {cid}.stage --ours" in result.output
    checked = b("check")
    assert checked.exit_code == 1
    assert f"{cid}'s stage: 'rejected' on one copy (by bob, on " in checked.output
    assert "'shortlist' on the other (by ada, on " in checked.output
    assert "it was 'applied'" in checked.output
    moves = [e for e in data(bob)["candidates"][0]["history"] if e["action"] == "moved"]
    assert {m["stage"] for m in moves} == {"shortlist", "rejected"}  # nothing lost meanwhile
    out = b.ok("resolve", cid, "--theirs", "--by", "bob")
    assert "kept 'shortlist'" in out
    assert data(bob)["candidates"][0]["stage"] == "shortlist"
    *_, rejection, last = data(bob)["candidates"][0]["history"]  # the losing move undone
    assert (rejection["stage"], rejection["by"]) == ("rejected", "bob")
    assert (last["action"], last["undoes"], last["by"]) == ("undone", 2, "bob")
    assert last["reason"] == "Merge conflict on stage resolved: kept 'shortlist' (theirs)."
    assert "conflicts" not in data(bob)
    assert "merge is complete" in out or git(bob, "status", "--porcelain").stdout == ""
    assert not (bob / ".git" / "MERGE_HEAD").exists()
    b.ok("check")
    b.ok("sync")
    a.ok("sync")
    assert data(ada) == data(bob)


def test_resolve_keeps_the_kept_moves_own_reason_and_the_route_shows_only_what_stands(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    cid = a.ok("add-candidate", "Alice Able", "--by", "ada").strip()
    a.ok("sync")
    b.ok("sync")
    a.ok("move", cid, "longlist", "--by", "ada")
    a.ok("move", cid, "shortlist", "--by", "ada")
    b.ok("move", cid, "withdrawn", "--reason", "Took a post", "--note", "Rang", "--by", "bob")
    a.ok("sync")
    assert b("sync").exit_code == 1
    b.ok("resolve", f"{cid}.stage", "--ours", "--by", "bob")
    alice = data(bob)["candidates"][0]
    assert alice["stage"] == "withdrawn"
    moves = [e for e in alice["history"] if e["action"] == "moved"]
    withdrawal = next(e for e in moves if e["stage"] == "withdrawn")
    assert (withdrawal["reason"], withdrawal["note"], withdrawal["by"]) == (
        "Took a post",
        "Rang",
        "bob",
    )
    undone = [e for e in alice["history"] if e["action"] == "undone"]
    assert [alice["history"][e["undoes"]]["stage"] for e in undone] == ["longlist", "shortlist"]
    assert {e["reason"] for e in undone} == {
        "Merge conflict on stage resolved: kept 'withdrawn' (ours)."
    }
    assert "is valid" in b.ok("check")
    shown = b.ok("show", cid)
    lines = shown.splitlines()  # the two losing moves marked undone, the one kept not
    assert shown.count("(undone)") == 2
    kept = next(i for i, line in enumerate(lines) if "Applied → Withdrawn" in line)
    assert "(undone)" not in lines[kept] + lines[kept + 1]
    # the route, the furthest stage and the reason are the kept side's, on every page
    page = tmp_path / "commission.html"
    b.ok("report", "--for", "commission", "-o", str(page))
    row = next(line for line in page.read_text(encoding="utf-8").splitlines() if f">{cid}<" in line)
    assert (
        '<td data-label="Furthest stage">Applied</td><td data-label="Outcome">Withdrawn</td>' in row
    )
    assert "Applied → Withdrawn" in row and "Took a post" in row
    assert "Shortlist" not in row and "Merge conflict" not in row
    status = b.ok("status")
    assert re.search(r"^ *Shortlist +0 +0 ", status, re.MULTILINE), status
    b.ok("sync")
    a.ok("sync")
    assert data(ada) == data(bob)


def test_two_reschedules_of_one_milestone_conflict_and_resolve(
    team: tuple[Path, list[Path]],
) -> None:
    _, (ada, bob, _) = team
    a, b = Cli(ada / "campaign.toml"), Cli(bob / "campaign.toml")
    a.ok("milestone", "reschedule", "sift", "2026-02-16", "--by", "ada")
    b.ok("milestone", "reschedule", "sift", "w/c 16 February 2026", "--by", "bob")
    a.ok("sync")
    assert b("sync").exit_code == 1
    checked = b("check").output
    assert "conflict sift.when" in checked and "it was to be confirmed" in checked
    assert "Mon 16 Feb 2026" in checked and "w/c 16 February 2026 (16–22 Feb)" in checked
    b.ok("resolve", "sift", "--ours")
    sift = next(m for m in data(bob)["milestones"] if m["id"] == "sift")
    assert (sift["start"].isoformat(), sift["end"].isoformat()) == ("2026-02-16", "2026-02-22")
    assert "date" not in sift and "tbc" not in sift
    assert [h["by"] for h in sift["history"]] == ["ada", "bob"]  # both reschedules kept
    assert "is valid" in b.ok("check")
    b.ok("sync")
    a.ok("sync")
    assert data(ada) == data(bob)


def test_sync_from_cron_bare_environment(team: tuple[Path, list[Path]], tmp_path: Path) -> None:
    _, (ada, bob, _) = team
    Cli(ada / "campaign.toml").ok("add-candidate", "Alice Able", "--by", "ada")
    Cli(ada / "campaign.toml").ok("sync")
    Cli(bob / "campaign.toml").ok("milestone", "done", "closing", "--early", "--by", "bob")
    bare_home = tmp_path / "cronhome"
    bare_home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(bare_home)}
    done = subprocess.run(
        [installed_dgtracker(), "--file", str(bob / "campaign.toml"), "sync"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "merged 1 change(s)" in done.stdout
    assert [c["name"] for c in data(bob)["candidates"]] == ["Alice Able"]
    assert git(bob, "status", "--porcelain").stdout == ""


def test_a_commit_from_task_scheduler_is_by_the_windows_user(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Windows names the user in USERNAME alone (no USER, no LOGNAME); with no git identity,
    as under Task Scheduler, the commits are theirs, not an anonymous "dgtracker"."""
    _, (ada, bob, _) = team
    Cli(ada / "campaign.toml").ok("add-candidate", "Alice Able", "--by", "ada")
    Cli(ada / "campaign.toml").ok("sync")
    Cli(bob / "campaign.toml").ok("milestone", "done", "closing", "--early", "--by", "bob")
    bare_home = tmp_path / "taskhome"
    bare_home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(bare_home), "USERNAME": "bob"}
    done = subprocess.run(
        [installed_dgtracker(), "--file", str(bob / "campaign.toml"), "sync"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert git(bob, "log", "-1", "--format=%an <%ae>").stdout.strip() == "bob <bob@localhost>"


def test_sync_says_no_remote_and_unreachable(tmp_path: Path) -> None:
    folder = tmp_path / "solo"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")
    cli.ok("share")
    result = cli("sync")
    assert result.exit_code == 1 and "No remote" in result.output
    git(folder, "remote", "add", "origin", str(tmp_path / "missing.git"))
    result = cli("sync")
    assert result.exit_code == 1 and "Remote unreachable" in result.output
    commits = git(folder, "rev-list", "--count", "HEAD").stdout
    (folder / "campaign.toml").write_text("schema = 1\n[campaign\n", encoding="utf-8")
    result = cli("sync")  # a broken hand edit is never committed nor sent
    assert result.exit_code == 3 and "not valid TOML" in result.output
    assert git(folder, "rev-list", "--count", "HEAD").stdout == commits


def test_share_refuses_a_folder_inside_another_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "data").mkdir()
    cli = Cli(tmp_path / "data" / "campaign.toml")
    cli.ok("init")
    result = cli("share")
    assert result.exit_code == 1 and "inside the git repository" in result.output
    assert git(tmp_path, "log", check=False).returncode != 0  # nothing committed there


def test_merge_file_exit_codes(tmp_path: Path) -> None:
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    ours, theirs = tmp_path / "ours.toml", tmp_path / "theirs.toml"
    for path in (ours, theirs):
        path.write_bytes(base.path.read_bytes())
    Cli(ours).ok("add-candidate", "Alice Able", "--by", "ada")
    Cli(theirs).ok("milestone", "done", "closing", "--early", "--by", "bob")
    driver = [installed_dgtracker(), "merge-file", str(base.path), str(ours), str(theirs)]
    done = subprocess.run(driver, capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    merged = tomllib.loads(ours.read_text())
    assert merged["candidates"][0]["name"] == "Alice Able"
    assert next(m for m in merged["milestones"] if m["id"] == "closing")["done"]


def test_a_change_made_through_the_python_api_is_committed(
    team: tuple[Path, list[Path]],
) -> None:
    from datetime import UTC, date, datetime

    from dgtracker.app import session
    from dgtracker.process import candidate_actions

    _, (ada, bob, _) = team
    path = ada / "campaign.toml"
    today, now = date(2026, 2, 2), datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
    with session.changing(path, by="ada") as change:
        cid = candidate_actions.add_candidate(
            change.record,
            name="Jane Secret",
            email="jane@example.org",
            by="ada",
            today=today,
            now=now,
        ).id
    with session.changing(path, by="ada") as change:
        candidate_actions.move(change.record, cid, "longlist", by="ada", today=today, now=now)
        change.summary = f"move {cid} longlist"
    with session.changing(path):  # nothing changed: nothing to commit
        pass
    session.purge(path, today=today, by="ada", now=now, candidate=cid)
    log = git(ada, "log", "--format=%s").stdout.splitlines()
    assert log[:3] == ["purge (by ada)", f"move {cid} longlist (by ada)", f"change {cid} (by ada)"]
    assert "Jane" not in git(ada, "log", "--format=%B").stdout
    assert git(ada, "status", "--porcelain").stdout == ""
    Cli(path).ok("sync")
    Cli(bob / "campaign.toml").ok("sync")  # what the API committed reaches the team
    assert data(bob)["candidates"][0]["name"] == f"Anonymised ({cid})"
