"""Syncs that lose nothing, through the CLI and real git: `sync` holds the record's lock
for its whole run, a writer whose commit git refuses still says its change is saved (exit 0)
and the next commit carries it, commit messages name ids only, and `remind --sync` brings in
the team's latest first.

Commands run in-process (`here`) unless a real process is the point: a command running
while another waits or races it, and `cron`, whose line names the script that runs it.
"""

from __future__ import annotations

import os
import random
import shlex
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.conftest import AS_OF, in_process, installed_dgtracker
from tests.git_team import data, git, git_identity, team

__all__ = ["git_identity", "team"]  # fixtures, used by name


def dgtracker(
    clone: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed script, as a process of its own, on the clone's record."""
    base = [installed_dgtracker(), "--file", str(clone / "campaign.toml"), "--as-of", AS_OF]
    return subprocess.run(
        [*base, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def here(
    clone: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The same command line, run in this process (commits through the same app/session)."""
    return in_process("--file", str(clone / "campaign.toml"), "--as-of", AS_OF, *args, env=env)


def start(clone: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    base = [installed_dgtracker(), "--file", str(clone / "campaign.toml"), "--as-of", AS_OF]
    return subprocess.Popen(
        [*base, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wait_for(found: Callable[[], bool], what: str, running: subprocess.Popen[str]) -> None:
    """Wait until `found()` holds (a step the `running` process takes), a minute at most."""
    for _ in range(1200):
        if found():
            return
        if running.poll() is not None:
            raise AssertionError(f"ended before {what}: {running.communicate()}")
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def added(clone: Path, name: str) -> str:
    """A candidate added; their id, as it printed it."""
    done = here(clone, "add-candidate", name)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def hold_push(clone: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A pre-push hook that says it has started and then waits to be let go: a sync
    stopped between its fetch and merge and its push, for as long as a test needs."""
    started, release = tmp_path / "push-started", tmp_path / "push-release"
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        f"touch '{started}'\n"
        "i=0\n"
        f"while [ ! -e '{release}' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    return started, release


# --- sync holds the record's lock ----------------------------------------------------------


def test_a_writer_cannot_change_the_record_while_a_sync_runs(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """While a sync has fetched and merged but not yet pushed, a writer in the same clone
    finds the record locked: with no wait allowed it is refused and saves nothing; allowed
    to wait, it changes the record after the sync, and the next sync sends it."""
    _, (ada, bob, _) = team
    alice = added(ada, "Alice Able")
    assert here(ada, "sync").returncode == 0
    assert here(bob, "add-candidate", "Bob Baker", "--by", "bob").returncode == 0
    started, release = hold_push(bob, tmp_path)
    syncing = start(bob, "sync")
    wait_for(started.exists, "the sync reached its push", syncing)
    before = (bob / "campaign.toml").read_bytes()

    refused = here(bob, "note", alice, "Checked references", env={"DGTRACKER_LOCK_TIMEOUT": "0"})
    assert refused.returncode == 3, refused.stderr
    assert "locked by another dgtracker command" in refused.stderr
    assert (bob / "campaign.toml").read_bytes() == before  # the merged record, untouched

    waiting = start(bob, "note", alice, "Checked references", env={"DGTRACKER_LOCK_TIMEOUT": "60"})
    release.touch()
    assert syncing.wait(60) == 0, syncing.communicate()
    out, err = waiting.communicate(timeout=60)
    assert (waiting.returncode, out, err) == (0, f"Noted on {alice}.\n", "")
    assert git(bob, "status", "--porcelain").stdout == ""
    assert "sent 1 commit(s)" in here(bob, "sync").stdout
    assert here(ada, "sync").returncode == 0
    names = sorted(c["name"] for c in data(ada)["candidates"])
    assert names == ["Alice Able", "Bob Baker"]
    notes = [e.get("note") for c in data(ada)["candidates"] for e in c["history"]]
    assert "Checked references" in notes
    assert data(ada) == data(bob)


# --- a change saved while git is busy ------------------------------------------------------


def test_a_change_git_cannot_commit_is_saved_said_and_committed_next(
    team: tuple[Path, list[Path]],
) -> None:
    """git's index.lock held (another git at work, or one that died): the writer saves, says
    the change is saved and will be committed, and exits 0 (exit 1 invited a retry that
    made the change twice). The next change, or the next sync, commits it."""
    _, (ada, bob, _) = team
    alice = added(ada, "Alice Able")
    commits = git(ada, "rev-list", "--count", "HEAD").stdout
    index_lock = ada / ".git" / "index.lock"
    index_lock.write_text("", encoding="utf-8")
    busy = {"DGTRACKER_LOCK_TIMEOUT": "0"}

    noted = here(ada, "note", alice, "References received", env=busy)
    assert noted.returncode == 0, noted.stderr
    assert noted.stdout == f"Noted on {alice}.\n"
    assert "The change is saved, but git could not commit it" in noted.stderr
    assert "the next change or 'dgtracker sync' commits it" in noted.stderr
    assert "References received" in (ada / "campaign.toml").read_text(encoding="utf-8")
    assert git(ada, "rev-list", "--count", "HEAD").stdout == commits

    index_lock.unlink()
    assert here(ada, "move", alice, "longlist").returncode == 0
    assert git(ada, "status", "--porcelain").stdout == ""
    committed = git(ada, "show", "HEAD:campaign.toml").stdout
    assert "References received" in committed and 'stage = "longlist"' in committed

    index_lock.write_text("", encoding="utf-8")
    assert here(ada, "note", alice, "Second note", env=busy).returncode == 0
    index_lock.unlink()
    synced = here(ada, "sync")
    assert synced.returncode == 0, synced.stderr
    assert git(ada, "status", "--porcelain").stdout == ""
    assert git(ada, "log", "-1", "--format=%s").stdout.strip() == (
        "changes to campaign.toml not committed before"
    )
    assert here(bob, "sync").returncode == 0
    assert data(bob) == data(ada)


def test_a_writer_waits_for_gits_index_lock_and_commits(
    team: tuple[Path, list[Path]],
) -> None:
    """git's index.lock held for a moment by another git: the writer waits for it (as long
    as for the record's lock) and commits, with nothing to say."""
    _, (ada, _, _) = team
    alice = added(ada, "Alice Able")
    index_lock = ada / ".git" / "index.lock"
    index_lock.write_text("", encoding="utf-8")
    noting = start(ada, "note", alice, "References received", env={"DGTRACKER_LOCK_TIMEOUT": "60"})
    record = ada / "campaign.toml"
    wait_for(
        lambda: "References received" in record.read_text("utf-8"), "the note was saved", noting
    )
    index_lock.unlink()  # the other git is done
    out, err = noting.communicate(timeout=60)
    assert (noting.returncode, out, err) == (0, f"Noted on {alice}.\n", "")
    assert git(ada, "status", "--porcelain").stdout == ""
    assert git(ada, "log", "-1", "--format=%s").stdout.strip() == f"note {alice} (by tester)"


# --- commit messages: ids and command names only ------------------------------------------

MARKS = ("zork", "900123")  # in every name, email, phone, note, reason, title typed below


def test_no_commit_message_holds_anything_typed(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Every writing command, given a person by name and text holding a marker: the commit
    messages hold ids, stages and command names, never the marker."""
    _, (ada, _, _) = team
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Name,Email\nBea Zorkova,bea.zork@example.org\n", encoding="utf-8")
    steps = [
        [
            "add-candidate",
            "Ada Zorkington",
            "--email",
            "ada.zork@example.org",
            "--phone",
            "07700 900123",
            "--note",
            "zork first",
            "--source",
            "zork fair",
        ],
        ["add-candidate", "Cy Zorkman", "--stage", "Rejected", "--reason", "zork reason"],
        ["import", str(sheet)],
        ["move", "Zorkington", "Longlist (sift)", "--note", "zork sift"],
        ["move", "Zorkington", "Zorkova", "shortlist", "--reason", "zork both"],
        ["note", "Zorkington", "zork note 900123"],
        ["undo", "Zorkington", "--reason", "zork mistake"],
        [
            "edit",
            "zorkington",
            "--email",
            "ada2.zork@example.org",
            "--phone",
            "07700 900123",
            "--name",
            "Ada Zorkington-Byron",
            "--reason",
            "zork typo",
        ],
        ["move", "Zorkington-Byron", "interview", "--reason", "zork on"],
        ["milestone", "add", "Panel review", "2026-03-20"],
        ["milestone", "reschedule", "panel-review", "2026-03-21", "--reason", "zork diary"],
        ["milestone", "done", "sift", "--early", "--on", AS_OF],
        ["milestone", "reopen", "sift", "--reason", "zork too soon"],
        ["milestone", "rename", "checks", "Checks on zork"],
        ["milestone", "remove", "panel-review", "--reason", "zork not needed"],
        ["criteria", "add", "vision", "Zork vision", "--kind", "ability", "--assess", "interview"],
        ["criteria", "change", "vision", "--title", "Zork vision 2"],
        ["panel", "add", "Zed Zorkmember", "--role", "member"],
        ["panel", "conflict", "Zed Zorkmember", "Zorkington-Byron", "--note", "zork knows"],
        ["schedule", "Zorkington-Byron", "interview", "2026-03-03 10:00", "--where", "Zork room"],
        ["criteria", "remove", "vision"],
        ["purge", "--candidate", "Zorkman"],
    ]
    printed = []
    for step in steps:
        done = here(ada, *step, "--by", "ada")
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        assert "not commit" not in done.stderr, (step, done.stderr)
        printed.append(done.stdout)
    ada_id, cy = printed[0].strip(), printed[1].strip()  # add-candidate prints the id alone
    bea = next(c["id"] for c in data(ada)["candidates"] if c["name"] == "Bea Zorkova")
    messages = git(ada, "log", "--format=%B").stdout
    for mark in MARKS:
        assert mark not in messages.casefold(), messages
    assert git(ada, "status", "--porcelain").stdout == ""
    subjects = git(ada, "log", "--format=%s").stdout.splitlines()
    assert f"move {ada_id} longlist (by ada)" in subjects
    assert f"move {ada_id} {bea} shortlist (by ada)" in subjects
    assert f"note {ada_id} (by ada)" in subjects
    assert f"add-candidate rejected {cy} (by ada)" in subjects
    assert "milestone remove panel-review (by ada)" in subjects
    assert f"panel conflict {ada_id} (by ada)" in subjects


# --- remind --sync -----------------------------------------------------------------------


def test_crons_line_for_a_shared_record_brings_in_the_teams_latest_first(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """A teammate moved the sift to today; cron's remind in another clone says so (it once
    reminded from what that clone last synced, weeks before), and prints nothing else."""
    _, (ada, bob, _) = team
    moved = here(bob, "milestone", "reschedule", "sift", AS_OF, "--reason", "Panel diary")
    assert moved.returncode == 0 and here(bob, "sync").returncode == 0
    assert "Sift and longlist today" not in here(ada, "remind").stdout

    line = dgtracker(ada, "cron").stdout.strip()
    command = line.split(" ", 5)[5]
    assert shlex.split(command)[-2:] == ["remind", "--sync"]
    bare_home = tmp_path / "cronhome"
    bare_home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(bare_home), "DGTRACKER_TODAY": AS_OF}
    ran = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.splitlines() == [
        "Sift and longlist today (Mon 2 Feb 2026)",
        "Applications close in 7 days (Mon 9 Feb 2026)",
    ]
    assert git(ada, "status", "--porcelain").stdout == ""
    assert data(ada) == data(bob)


def test_remind_sync_without_a_network_reminds_from_this_copy(
    team: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    _, (ada, _, _) = team
    git(ada, "remote", "set-url", "origin", str(tmp_path / "unreachable.git"))
    offline = here(ada, "remind", "--sync")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout == "Applications close in 7 days (Mon 9 Feb 2026)\n"
    assert offline.stderr.startswith(
        "dgtracker: could not bring in the team's latest, so these reminders are from this "
        "copy only: Remote unreachable: origin"
    )
    alone = tmp_path / "alone"
    alone.mkdir()
    assert here(alone, "init").returncode == 0
    unshared = here(alone, "remind", "--sync")
    assert unshared.returncode == 1 and "is not shared" in unshared.stderr
    plain = dgtracker(alone, "cron").stdout
    assert plain.rstrip().endswith(" remind")  # a record kept alone has no team to sync


# --- three clones, ten writers each, syncs at once -------------------------------------------

CLONES = ("ada", "bob", "cy")
WRITERS = 10


def _writer(clone: Path, who: str, by: str, k: int) -> list[tuple[str, str, int, str]]:
    """One writer: adds a person, notes on them, moves them, each a process of its own,
    naming the person by name (ids may move in a merge); what each said."""
    name = f"{who.title()} Writer{k:02d}"
    busy = {"DGTRACKER_LOCK_TIMEOUT": "120"}
    steps = [
        ("add", ["add-candidate", name, "--by", by]),
        ("note", ["note", name, f"note for {name}", "--by", by]),
        ("move", ["move", name, "longlist", "--by", by]),
    ]
    said = []
    for kind, args in steps:
        done = dgtracker(clone, *args, env=busy)
        said.append((kind, name, done.returncode, done.stderr))
        if done.returncode:
            break
    return said


def _syncer(clone: Path, stop: threading.Event, rng: random.Random) -> list[str]:
    """Syncs at random moments until told to stop; what each failed sync said."""
    failed = []
    while not stop.is_set():
        time.sleep(rng.uniform(0, 0.4))
        done = dgtracker(clone, "sync", env={"DGTRACKER_LOCK_TIMEOUT": "120"})
        if done.returncode:
            failed.append(done.stderr)
    return failed


def _run_the_team(
    clones: list[Path], users: tuple[str, ...]
) -> tuple[list[tuple[str, str, int, str]], list[str]]:
    stop = threading.Event()
    rng = random.Random(22)
    with ThreadPoolExecutor(max_workers=len(clones) * (WRITERS + 1)) as pool:
        syncs = [pool.submit(_syncer, clone, stop, random.Random(rng.random())) for clone in clones]
        writes = [
            pool.submit(_writer, clone, who, by, k)
            for k in range(WRITERS)
            for clone, who, by in zip(clones, CLONES, users, strict=True)
        ]
        said = [step for write in writes for step in write.result()]
        stop.set()
        sync_failures = [line for sync in syncs for line in sync.result()]
    return said, sync_failures


def _final_round(clones: list[Path]) -> None:
    for clone in [*clones, *clones]:
        done = dgtracker(clone, "sync")
        assert done.returncode == 0, (clone.name, done.stdout, done.stderr)


@pytest.mark.heavy
@pytest.mark.parametrize(
    "users",
    [
        pytest.param(CLONES, id="a-user-per-clone"),
        # The same person on a laptop and a desktop (or cron's import and a person): two
        # people added in the same second on two clones have the same first history
        # entry, which today's merge takes for one person (a conflict on their name that
        # nobody made). Switch this on (drop the mark) once ids never move (branch `ids`).
        pytest.param(("ada",) * 3, id="one-user-on-every-clone"),
    ],
)
def test_three_clones_ten_writers_each_and_syncs_lose_no_acknowledged_change(
    team: tuple[Path, list[Path]], users: tuple[str, ...]
) -> None:
    """Every change a writer acknowledged (exit 0) is in every clone after a last round of
    syncs, whatever the syncs did meanwhile; no writer said it failed to save, nor that
    git could not commit (in one clone, a sync and a change never run at once); the
    clones converge with no conflict (nobody changed anything twice). People are found by
    name and notes by their text: ids may still move in a merge."""
    _, clones = team
    said, sync_failures = _run_the_team(clones, users)
    _final_round(clones)
    for clone in clones:
        assert _lost(said, data(clone)) == [], clone.name
    assert len(said) == len(CLONES) * WRITERS * 3  # every step acknowledged ...
    assert [s for s in said if s[2] != 0 or s[3] != ""] == []  # ... with nothing to say
    # syncs may only fail by racing each other to the remote (sent at the next one)
    assert [line for line in sync_failures if "Could not send" not in line] == []
    final = data(clones[0])
    for clone in clones[1:]:
        assert data(clone) == final, clone.name
    assert sorted(c["name"] for c in final["candidates"]) == sorted({s[1] for s in said})
    for clone in clones:
        assert git(clone, "status", "--porcelain").stdout == ""


def _lost(said: list[tuple[str, str, int, str]], record: dict) -> list[str]:
    """Each change a writer acknowledged (exit 0) that the record does not hold."""
    people = {c["name"]: c for c in record["candidates"]}
    lost = []
    for kind, name, code, _ in said:
        person = people.get(name)
        held = person is not None and (
            kind == "add"
            or (kind == "note" and f"note for {name}" in [e.get("note") for e in person["history"]])
            or (kind == "move" and person["stage"] == "longlist")
        )
        if code == 0 and not held:
            lost.append(f"{kind} {name}")
    return lost


def test_a_change_through_the_python_api_git_cannot_commit_warns_and_raises_nothing(
    team: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dgtracker.app import session
    from dgtracker.process import candidate_actions

    _, (ada, _, _) = team
    (ada / ".git" / "index.lock").write_text("", encoding="utf-8")
    monkeypatch.setenv("DGTRACKER_LOCK_TIMEOUT", "0")
    today = date(2026, 2, 2)
    with session.changing(ada / "campaign.toml", by="ada") as change:
        candidate_actions.add_candidate(
            change.record, name="Alice Able", by="ada", today=today, now=datetime.now(UTC)
        )
    assert change.said is not None
    assert change.said.startswith("The change is saved, but git could not commit it")
    assert [c["name"] for c in data(ada)["candidates"]] == ["Alice Able"]
    (ada / ".git" / "index.lock").unlink()
    alice = data(ada)["candidates"][0]["id"]
    assert here(ada, "note", alice, "Checked").returncode == 0
    assert "Alice Able" in git(ada, "show", "HEAD:campaign.toml").stdout
