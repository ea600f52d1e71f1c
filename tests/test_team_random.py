"""Three clones of a shared record, each making random changes with every command that
writes, brought together in random orders through real git by merge, pull --rebase and
cherry-pick, with dgtracker's merge driver.

After each round, and at the end:
- every clone holds the same record, and `check` passes;
- every event of every side is there exactly once (a person erased on one copy is the one
  exception: what another copy changed about them is dropped, and none of their data is
  anywhere in the record);
- no id names two people, and nobody is doubled;
- conflicts appear exactly when two decisions collide. Each time git runs the driver, the
  test keeps its three inputs and works out the collisions itself: a value that both
  copies changed from the base to two different values (a candidate's stage, email or
  rank, a milestone's schedule or title, a criterion's bar, one panel member's note on a
  declared conflict, the agreed marks or the slot of one candidate at one assessment), on
  a candidate, milestone or criterion both copies still hold, unless one copy erased that
  person (the erasure wins, team/merge_erasure.py). The conflicts the driver reports must be
  exactly those, each is settled with `dgtracker resolve`, and the invariants hold after.

The commands drawn are checked against the CLI itself: every command whose code changes
the record must be drawn here or be one this test uses to share, sync and resolve, so a
new writing command cannot be left out.
"""

from __future__ import annotations

import inspect
import random
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from tests.conftest import Cli, installed_dgtracker
from tests.git_team import git, git_identity, team

from dgtracker.cli.app import app

__all__ = ["git_identity", "team"]  # fixtures, used by name

Draw = Callable[[dict[str, Any], random.Random, str, Path], list[str] | None]
WHO = ("ada", "bob", "cy")
AS_OF = "2026-02-02"

# --- what each writing command is drawn as ----------------------------------------------


def _candidates(record: dict[str, Any], *stages: str) -> list[str]:
    return [
        c["id"]
        for c in record.get("candidates", [])
        if (not stages or c["stage"] in stages) and not c["name"].startswith("Anonymised")
    ]


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return rng.choice(items) if items else None


def _n(rng: random.Random) -> int:
    return rng.randrange(10**6)


ACTIVE = ("applied", "longlist", "shortlist", "assessment", "interview")


def draw_add(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    n = _n(rng)
    return ["add-candidate", f"{who.title()} Person {n}", "--email", f"{who}{n}@example.org"]


def draw_move(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    cid = _pick(rng, _candidates(record, *ACTIVE))
    if cid is None:
        return None
    stage = rng.choice(["longlist", "shortlist", "interview", "interview", "rejected"])
    return ["move", cid, stage, "--reason", f"reason {_n(rng)}"]


def draw_rank(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    """A place on the reserve list: someone at interview joins it, or one on it moves."""
    listed = _candidates(record, "reserve")
    cid = _pick(rng, _candidates(record, "interview") + listed)
    if cid is None:
        return None
    rank = rng.randrange(1, len(listed) + 2 - (cid in listed))
    return ["move", cid, "reserve", "--rank", str(rank), "--reason", "appointable"]


def draw_note(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    cid = _pick(rng, _candidates(record))
    return None if cid is None else ["note", cid, f"note {_n(rng)} from {who}"]


def draw_edit(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    cid = _pick(rng, _candidates(record))
    if cid is None:
        return None
    field = rng.choice(["--phone", "--email", "--source", "--adjustments", "--flag"])
    if field == "--flag":  # the Disability Confident opt-in, either way
        return ["edit", cid, rng.choice(["--disability-confident", "--no-disability-confident"])]
    value = f"{who}{_n(rng)}@example.org" if field == "--email" else f"{who} {_n(rng)}"
    return ["edit", cid, field, value, "--reason", "corrected"]


def draw_monitoring(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    """Diversity answers: appended on each copy, so they merge without a conflict."""
    cid = _pick(rng, _candidates(record))
    if cid is None:
        return None
    answers = [f"sex={rng.choice(['female', 'male', 'prefer-not-to-say'])}"]
    answers += [f"disability={rng.choice(['yes', 'no'])}"] if rng.random() < 0.5 else []
    return ["monitoring", cid, *answers]


def draw_undo(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    cid = _pick(rng, _candidates(record))
    return None if cid is None else ["undo", cid, "--reason", "in error"]


def _milestones(record: dict, test_made: bool = False) -> list[str]:
    return [
        m["id"]
        for m in record["milestones"]
        if "removed" not in m and (not test_made or "review" in m["id"])
    ]


def draw_milestone_add(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    return ["milestone", "add", f"{who} review {_n(rng)}", "2026-03-20"]


def draw_milestone_done(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    return ["milestone", "done", rng.choice(_milestones(record)), "--early", "--on", AS_OF]


def draw_reschedule(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    when = rng.choice(["2026-02-16", "w/c 16 February 2026", "2026-02-18", "tbc"])
    return ["milestone", "reschedule", rng.choice(["sift", "shortlist"]), when]


def draw_reopen(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    done = [m["id"] for m in record["milestones"] if m.get("done") and "removed" not in m]
    mid = _pick(rng, done)
    return None if mid is None else ["milestone", "reopen", mid, "--reason", "too soon"]


def draw_rename(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    mid = rng.choice(["ministers", "checks"])
    return ["milestone", "rename", mid, f"{mid.title()} ({who} {_n(rng) % 3})"]


def draw_remove(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    mid = _pick(rng, _milestones(record, test_made=True))
    return None if mid is None else ["milestone", "remove", mid, "--reason", "not needed"]


def draw_import(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    sheet = folder.parent / f"{who}-import-{_n(rng)}.csv"
    rows = [f"{who.title()} Imported {_n(rng)},{who}.i{_n(rng)}@example.org" for _ in range(2)]
    sheet.write_text("Name,Email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return ["import", str(sheet)]


def draw_purge(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    if rng.random() < 0.5:
        return ["purge"]  # the retention policy: nothing is due yet, nothing changes
    cid = _pick(rng, _candidates(record))
    return None if cid is None else ["purge", "--candidate", cid]


def draw_criteria_add(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    cid = f"{who}-crit-{_n(rng)}"
    return ["criteria", "add", cid, f"Criterion {cid}", "--kind", "ability", "--assess", "longlist"]


def draw_criteria_change(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    crit = rng.choice([c["id"] for c in record["criteria"]])
    return ["criteria", "change", crit, "--title", f"{crit} ({who} {_n(rng) % 3})"]


def draw_criteria_remove(
    record: dict, rng: random.Random, who: str, folder: Path
) -> list[str] | None:
    made = [c["id"] for c in record["criteria"] if "-crit-" in c["id"]]
    crit = _pick(rng, made)
    return None if crit is None else ["criteria", "remove", crit]


def draw_panel_add(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    return ["panel", "add", f"{who.title()} Panellist {_n(rng)}", "--role", "member"]


def draw_panel_conflict(
    record: dict, rng: random.Random, who: str, folder: Path
) -> list[str] | None:
    members = [m["name"] for m in record.get("panel", {}).get("members", [])]
    member, cid = _pick(rng, members), _pick(rng, _candidates(record))
    if member is None or cid is None:
        return None
    return ["panel", "conflict", member, cid, "--note", f"knows them ({who} {_n(rng) % 3})"]


def draw_score(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    """The panel's agreed marks at interview (for someone there: see draw_to_interview)."""
    cid = _pick(rng, _candidates(record, "interview"))
    if cid is None:
        return None
    marks = [f"{c['id']}={rng.randrange(3, 8)}" for c in record["criteria"]]
    marks = [
        m for m, c in zip(marks, record["criteria"], strict=True) if "interview" in c["assess"]
    ]
    return ["score", cid, "interview", *marks, "--agreed"]


def draw_to_interview(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    """Someone moved to interview, so that there is someone to mark and to rank."""
    cid = _pick(rng, _candidates(record, "applied", "longlist", "shortlist"))
    if cid is None:
        return [*draw_add(record, rng, who, folder), "--stage", "interview"]
    return ["move", cid, "interview"]


def draw_reserve(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    return ["reserve", "--from-merit", "interview"]


def draw_schedule(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    cid = _pick(rng, _candidates(record, *ACTIVE))
    if cid is None:
        return None
    when = f"2026-03-0{rng.randrange(2, 7)} 1{rng.randrange(0, 7)}:00"
    return ["schedule", cid, "interview", when, "--allow-overlap"]


def draw_mail(record: dict, rng: random.Random, who: str, folder: Path) -> list[str] | None:
    """A letter drafted (the .eml in mail/, which git ignores) and logged on the person."""
    cid = _pick(rng, _candidates(record))
    if cid is None:
        return None
    return ["mail", rng.choice(["regret", "withdrawn"]), cid, "--again"]


def draw_blind(record: dict, rng: random.Random, who: str, folder: Path) -> list[str]:
    """The name-blind sift set until a stage, or opened: settings merge as entries."""
    return ["blind", *rng.choice([["--until", "shortlist"], ["--until", "interview"], ["--off"]])]


WRITING: dict[str, Draw] = {
    "add-candidate": draw_add,
    "move": draw_move,
    "note": draw_note,
    "edit": draw_edit,
    "undo": draw_undo,
    "milestone add": draw_milestone_add,
    "milestone done": draw_milestone_done,
    "milestone reschedule": draw_reschedule,
    "milestone reopen": draw_reopen,
    "milestone rename": draw_rename,
    "milestone remove": draw_remove,
    "import": draw_import,
    "purge": draw_purge,
    "criteria add": draw_criteria_add,
    "criteria change": draw_criteria_change,
    "criteria remove": draw_criteria_remove,
    "panel add": draw_panel_add,
    "panel conflict": draw_panel_conflict,
    "score": draw_score,
    "reserve": draw_reserve,
    "schedule": draw_schedule,
    "mail": draw_mail,
    "monitoring": draw_monitoring,
    "blind": draw_blind,
}
# `move ID reserve --rank N` is drawn as well, beside `move` (`reserve` ranks from merit)
DRAWS: list[tuple[str, Draw]] = [*WRITING.items(), ("move", draw_rank)]
# In each deck, a command that needs something there comes after one that makes it.
BEFORE: dict[str, tuple[str, Draw]] = {
    "score": ("move", draw_to_interview),
    "reserve": ("move", draw_to_interview),
    "milestone remove": ("milestone add", draw_milestone_add),
    "milestone reopen": ("milestone done", draw_milestone_done),
    "criteria remove": ("criteria add", draw_criteria_add),
    "panel conflict": ("panel add", draw_panel_add),
}
# Commands that write, run by this test around the draw rather than drawn.
MACHINERY = {"init", "share", "sync", "resolve", "merge-file"}


# --- every writing command is drawn -------------------------------------------------------


def _leaves(group: Any, ctx: typer.Context, prefix: str = "") -> dict[str, Any]:
    """Every command under a group, by its full name (`milestone done`), as the group
    itself lists and loads them (so a command loaded lazily is found too)."""
    found: dict[str, Any] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix}{name}"
        if hasattr(command, "list_commands"):
            found |= _leaves(command, ctx, f"{path} ")
        else:
            found[path] = command
    return found


def _writes(command: Any) -> bool:
    """Whether a command's code changes the record: it opens it for a change (the CLI's
    `changing`), commits it, purges it, creates or saves it, or runs git on it; or it hands
    the change to cli/writes.py (what the light path runs too), whose function does."""
    source = inspect.getsource(inspect.unwrap(command.callback))
    calls = ("changing(", "change_record(", "storage.save(", "git_share")
    calls += tuple(
        f"session.{name}(" for name in ("purge", "create", "sync", "share", "merge_file")
    )
    from dgtracker.cli import writes

    for name in re.findall(r"\bwrites\.(\w+)\(", source):
        source += inspect.getsource(getattr(writes, name))
    return any(call in source for call in calls)


def test_every_command_that_writes_is_drawn() -> None:
    group = typer.main.get_command(app)
    with typer.Context(group) as ctx:
        commands = _leaves(group, ctx)
    writing = {path for path, command in commands.items() if _writes(command)}
    assert writing, "no writing command found: the check itself is broken"
    assert {"add-candidate", "move", "purge", "import", "milestone done"} <= writing
    assert writing - MACHINERY == set(WRITING), (
        f"not drawn: {sorted(writing - MACHINERY - set(WRITING))}; "
        f"drawn but not writing: {sorted(set(WRITING) - writing)}"
    )
    assert writing >= MACHINERY


# --- the driver, watched: every merge it makes is checked against the collisions -------

WRAPPER = """\
import os, shutil, subprocess, sys
log, real, base, ours, theirs = sys.argv[1:6]
step = os.path.join(log, "%04d" % len(os.listdir(log)))
os.mkdir(step)
for name, path in (("base", base), ("ours", ours), ("theirs", theirs)):
    shutil.copyfile(path, os.path.join(step, name))
done = subprocess.run([real, "merge-file", base, ours, theirs], capture_output=True, text=True)
shutil.copyfile(ours, os.path.join(step, "result"))
with open(os.path.join(step, "exit"), "w") as out:
    out.write(str(done.returncode))
with open(os.path.join(step, "stderr"), "w") as out:
    out.write(done.stderr)
sys.stderr.write(done.stderr)
sys.exit(done.returncode)
"""


def watch_driver(clones: list[Path], tmp_path: Path) -> Path:
    wrapper = tmp_path / "driver.py"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    log = tmp_path / "merges"
    log.mkdir()
    for clone in clones:
        command = f"{sys.executable} {wrapper} {log} {installed_dgtracker()} %O %A %B"
        git(clone, "config", "merge.dgtracker.driver", command)
    return log


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return tomllib.loads(text) if text.strip() else {}


def person(candidate: dict[str, Any]) -> tuple[Any, ...]:
    """Who a candidate is: when, by whom and under which id they were first added. An id
    never moves, so a merge that moved one would leave that person's events lost here."""
    first = candidate["history"][0]
    return (first["at"], first["by"], candidate["id"])


SCHEDULE = {"date", "at", "start", "end", "label", "tbc"}
# (a candidate's diversity answers are appended like the history: never a decision)
NOT_DECISIONS = {"id", "aliases", "history", "monitoring", "next_candidate_number", "booked"}


def decisions(record: dict[str, Any]) -> dict[tuple[Any, ...], Any]:
    """Each value a person decides, by where it is: candidates (by who they are), their
    agreed marks and slots (by assessment), milestones (the schedule as one value),
    criteria, panel members (by name) and their declared conflicts (by candidate)."""
    found: dict[tuple[Any, ...], Any] = {}
    for c in record.get("candidates", []):
        who = ("candidates", person(c))
        for key, value in c.items():
            if key == "marks":
                for sheet in value:
                    named = "/".join(filter(None, (sheet["assessment"], sheet.get("member"))))
                    found[(*who, "marks", named)] = sheet
            elif key == "slots":
                for slot in value:
                    found[(*who, "slots", slot["assessment"])] = {
                        k: v for k, v in slot.items() if k not in NOT_DECISIONS
                    }
            elif key not in NOT_DECISIONS:
                found[(*who, key)] = value
    for m in record.get("milestones", []):
        found[("milestones", m["id"], "when")] = {k: v for k, v in m.items() if k in SCHEDULE}
        for key, value in m.items():
            if key not in SCHEDULE and key not in NOT_DECISIONS:
                found[("milestones", m["id"], key)] = value
    for c in record.get("criteria", []):
        for key, value in c.items():
            if key not in NOT_DECISIONS:
                found[("criteria", c["id"], key)] = value
    for member in record.get("panel", {}).get("members", []):
        found[("panel", member["name"], "role")] = member.get("role")
        for declared in member.get("conflicts", []):
            found[("panel", member["name"], "conflicts", declared["candidate"])] = declared
    return found


def _holders(record: dict[str, Any]) -> set[tuple[Any, ...]]:
    """The candidates, milestones, criteria and panel members a record holds."""
    held = {("candidates", person(c)) for c in record.get("candidates", [])}
    held |= {("milestones", m["id"]) for m in record.get("milestones", [])}
    held |= {("criteria", c["id"]) for c in record.get("criteria", [])}
    return held | {("panel", m["name"]) for m in record.get("panel", {}).get("members", [])}


def _erased_since(base: dict[str, Any], record: dict[str, Any]) -> set[tuple[Any, ...]]:
    before = {person(c) for c in base.get("candidates", []) if c["name"].startswith("Anonymised")}
    return {
        person(c)
        for c in record.get("candidates", [])
        if c["name"].startswith("Anonymised") and person(c) not in before
    }


def collisions(base: dict, ours: dict, theirs: dict) -> set[tuple[Any, ...]]:
    """Where two decisions collide: a value both copies changed to different values, on
    something both still hold, unless one copy erased that person and the other did not."""
    b, o, t = decisions(base), decisions(ours), decisions(theirs)
    both = _holders(ours) & _holders(theirs)
    erased_o, erased_t = _erased_since(base, ours), _erased_since(base, theirs)
    exempt = {("candidates", p) for p in erased_o ^ erased_t}
    found = set()
    for where in set(o) | set(t):
        if where[:2] not in both or where[:2] in exempt:
            continue
        mine, yours, before = o.get(where), t.get(where), b.get(where)
        if mine != before and yours != before and mine != yours:
            found.add(where)
    return found


def reported(result: dict[str, Any], ours: dict, theirs: dict) -> set[tuple[Any, ...]]:
    """The conflicts the driver found (those new in the result), as places like the above."""
    known = {c["id"] for side in (ours, theirs) for c in side.get("conflicts", [])}
    people = {c["id"]: person(c) for c in result.get("candidates", [])}
    found = set()
    for conflict in result.get("conflicts", []):
        if conflict["id"] in known:
            continue
        path = list(conflict["path"])
        if path[0] == "candidates":
            path[1] = people[path[1]]
        if path[0] == "panel":  # panel, members, NAME, ... -> panel, NAME, ...
            path = ["panel", *path[2:]]
        found.add(tuple(path))
    return found


def check_merges(log: Path, seen: set[str]) -> int:
    """Every merge the driver made since last time: its conflicts are the collisions."""
    made = 0
    for step in sorted(log.iterdir()):
        if step.name in seen:
            continue
        seen.add(step.name)
        made += 1
        base, ours, theirs = (_load(step / name) for name in ("base", "ours", "theirs"))
        stderr = (step / "stderr").read_text(encoding="utf-8")
        assert "would break" not in stderr, stderr
        result = _load(step / "result")
        # a place on the reserve list is no collision for someone the merge leaves off the
        # list (one copy re-ranked them, the other took them off it: team/merge.py
        # _places_off_the_list)
        off_the_list = {
            person(c) for c in result.get("candidates", []) if c.get("stage") != "reserve"
        }
        expected = {
            where
            for where in collisions(base, ours, theirs)
            if not (where[0] == "candidates" and where[-1] == "rank" and where[1] in off_the_list)
        }
        found = reported(result, ours, theirs)
        assert found == expected, (step.name, stderr)
        assert (step / "exit").read_text() == ("1" if found else "0"), stderr
    return made


# --- changes, merges, and what must hold ----------------------------------------------


def _deck(rng: random.Random) -> list[tuple[str, Draw]]:
    deck: list[tuple[str, Draw]] = []
    for name, draw in rng.sample(DRAWS, len(DRAWS)):
        deck += [BEFORE[name], (name, draw)] if name in BEFORE else [(name, draw)]
    return deck


def random_change(cli: Cli, rng: random.Random, who: str, deck: list[tuple[str, Draw]]) -> str:
    """The next command of the deck that applies now; refused ones leave the file alone."""
    for _ in range(len(deck)):
        name, draw = deck.pop(0)
        deck.append((name, draw))
        args = draw(cli.data(), rng, who, cli.path.parent)
        if args is None:
            continue
        before = cli.path.read_bytes()
        done = cli(*args, "--by", who)
        if done.exit_code == 0:
            return name
        assert done.exit_code == 1, (args, done.output)  # refused by a rule: nothing written
        assert cli.path.read_bytes() == before, args
    raise AssertionError("no command applies")


def integrate(method: str, clone: Path, cli: Cli) -> None:
    """Bring the remote's changes in by one git way, settling conflicts with resolve."""
    git(clone, "fetch", "-q", "origin")
    if method == "merge":
        done = git(clone, "merge", "--no-edit", "-q", "origin/main", check=False)
    elif method == "rebase":
        done = git(clone, "pull", "-q", "--rebase", "origin", "main", check=False)
    else:  # start from the remote and cherry-pick our own commits onto it
        mine = git(clone, "rev-parse", "HEAD").stdout.strip()
        git(clone, "reset", "-q", "--hard", "origin/main")
        base = git(clone, "merge-base", mine, "origin/main").stdout.strip()
        picks = git(clone, "rev-list", "--reverse", "--no-merges", f"{base}..{mine}").stdout.split()
        for pick in picks:
            if (
                git(clone, "cherry-pick", "--keep-redundant-commits", pick, check=False).returncode
                != 0
            ):
                settle_all(cli, clone)
        return
    if done.returncode != 0:
        settle_all(cli, clone)


def settle_all(cli: Cli, clone: Path) -> None:
    """Resolve until git's stopped operation is over (a rebase may stop at several commits)."""
    stopped = ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD")
    while any((clone / ".git" / name).exists() for name in stopped):
        waiting = cli.data().get("conflicts")
        picked = (clone / ".git" / "CHERRY_PICK_HEAD").exists()
        if (
            not waiting
            and picked
            and git(clone, "diff", "HEAD", "--quiet", check=False).returncode == 0
        ):
            # a pick the merge left empty (its change was already there, from an earlier
            # pick of the same commit after a merge): git stops at it; nothing to settle
            git(clone, "cherry-pick", "--skip")
            continue
        assert waiting, git(clone, "status").stdout
        for conflict in waiting:  # either side, as the conflict's id falls
            side = random.Random(conflict["id"]).choice(["--ours", "--theirs"])
            cli.ok("resolve", conflict["id"], side, "--by", "resolver")


def events(record: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    """Each event, by who it is about and what it says, with how often it is there (a
    purge may blank two notes alike). An undo says which entry it undoes by its place,
    which a merge that puts another copy's entries before that one renumbers: it is known
    by the entry it undoes, as the merge knows it (team/merge_lists.py)."""
    found: Counter[tuple[Any, ...]] = Counter()
    for c in record.get("candidates", []):
        said: list[tuple[Any, ...]] = []
        for index, event in enumerate(c.get("history", [])):
            undoes = event.get("undoes")
            if type(undoes) is int and 0 <= undoes < index:
                event = {**event, "undoes": said[undoes]}
            said.append(tuple(sorted((k, str(v)) for k, v in event.items())))
            found[(person(c), said[-1])] += 1
    return found


def personal(record: dict[str, Any]) -> dict[tuple[Any, ...], set[str]]:
    """Each person's name, email, phone and notes, as this copy holds them."""
    held: dict[tuple[Any, ...], set[str]] = {}
    for c in record.get("candidates", []):
        texts = {c.get(key) for key in ("name", "email", "phone")}
        texts |= {e.get("note") for e in c.get("history", []) if e["by"] != "merge"}
        held.setdefault(person(c), set()).update(t for t in texts if t and "Anonymised" not in t)
    return held


def assert_invariants(clis: list[Cli], before: Counter[tuple[Any, ...]], data: dict) -> None:
    final = [cli.data() for cli in clis]
    assert final[0] == final[1] == final[2]
    record = final[0]
    assert "conflicts" not in record
    seen = events(record)
    # every event once: as often as the copy that held it most often, and a merge's own once
    twice = [event for event, count in seen.items() if count > max(1, before[event])]
    assert not twice
    people = [person(c) for c in record["candidates"]]
    ids = [c["id"] for c in record["candidates"]]
    assert len(people) == len(set(people)) and len(ids) == len(set(ids))  # nobody doubled
    names = [c["name"] for c in record["candidates"] if "Anonymised" not in c["name"]]
    assert len(names) == len(set(names))  # no id shared by two people
    erased = {person(c) for c in record["candidates"] if c["name"].startswith("Anonymised")}
    lost = [e for e, count in before.items() if e[0] not in erased and seen[e] < count]
    assert not lost  # no event of any side lost, but for erased people
    text = clis[0].path.read_text(encoding="utf-8")
    kept = set().union(*(held for who, held in data.items() if who not in erased))
    for who, held in data.items():
        if who in erased:  # nothing of an erased person comes back from any copy
            # but for a text someone kept holds too (two slots drawn at one time say alike)
            assert not [item for item in held - kept if item in text], who
    assert "is valid" in clis[0].ok("check")


@pytest.mark.heavy
@pytest.mark.parametrize("seed", [1])  # more seeds: -k, or edit here (each takes ~10 s)
@pytest.mark.parametrize("method", ["merge", "rebase", "cherry-pick"])
def test_three_clones_drawing_every_writing_command(
    team: tuple[Path, list[Path]], tmp_path: Path, method: str, seed: int
) -> None:
    _, clones = team
    log = watch_driver(clones, tmp_path)
    clis = [Cli(clone / "campaign.toml") for clone in clones]
    rng = random.Random(f"team-{method}-{seed}")
    decks = [_deck(rng) for _ in clones]
    drawn: set[str] = set()
    before: Counter[tuple[Any, ...]] = Counter()  # each event, as often as a copy held it
    held: dict[tuple[Any, ...], set[str]] = {}
    merges: set[str] = set()
    for _ in range(3):  # each clone goes through its whole deck at least once
        for cli, who, deck in zip(clis, WHO, decks, strict=True):
            for _ in range(rng.randrange(10, 14)):
                drawn.add(random_change(cli, rng, who, deck))
                for key, texts in personal(cli.data()).items():
                    held.setdefault(key, set()).update(texts)
            before |= events(cli.data())  # the most of each, over the copies
        for index in rng.sample(range(3), 3):
            integrate(method, clones[index], clis[index])
            git(clones[index], "push", "-q", "origin", "HEAD:main")
        for index in range(3):  # everyone catches up
            integrate(method, clones[index], clis[index])
        check_merges(log, merges)
        assert_invariants(clis, before, held)
    assert drawn == set(WRITING)  # every writing command made a change at least once
    assert merges  # the driver was at work


def test_the_collision_rule_sees_two_moves_and_not_one() -> None:
    """The rule the random test holds the driver to, on a small case."""
    first = {"at": "t", "by": "ada", "action": "added"}
    base = {"candidates": [{"id": "c001", "name": "A", "stage": "applied", "history": [first]}]}
    ours = {"candidates": [{**base["candidates"][0], "stage": "longlist"}]}
    theirs = {"candidates": [{**base["candidates"][0], "stage": "shortlist"}]}
    who = ("t", "ada", "c001")
    assert collisions(base, ours, theirs) == {("candidates", who, "stage")}
    assert collisions(base, ours, base) == set()
    assert collisions(base, ours, ours) == set()
    erased = {"candidates": [{**base["candidates"][0], "name": "Anonymised (c001)"}]}
    assert collisions(base, erased, theirs) == set()


def test_an_undo_renumbered_by_a_merge_is_the_same_event() -> None:
    """The rule the random test counts events by, on a small case: a merge that puts
    another copy's entry before the one undone renumbers the undo, and loses nothing; an
    undo of another entry is another event."""
    added = {"at": "t1", "by": "cy", "action": "added"}
    moved = {"at": "t3", "by": "bob", "action": "moved", "stage": "reserve"}
    undone = {"at": "t3", "by": "bob", "action": "undone", "undoes": 1}
    scored = {"at": "t2", "by": "ada", "action": "scored"}
    mine = {"candidates": [{"id": "c001", "history": [added, moved, undone]}]}
    merged = [added, scored, moved, {**undone, "undoes": 2}]
    assert events(mine) - events({"candidates": [{"id": "c001", "history": merged}]}) == Counter()
    wrong = [added, scored, moved, undone]  # the undo now points at ada's marks
    assert events(mine) - events({"candidates": [{"id": "c001", "history": wrong}]})
