"""Every command that changes the record answers `--json` with one object saying what it
did, and nothing else on stdout; the object matches what landed in the file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import typer
from tests.test_team_random import MACHINERY, _leaves, _writes

from dgtracker.cli.app import app


def _writing_commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    with typer.Context(group) as ctx:
        commands = _leaves(group, ctx)
    return {path: command for path, command in commands.items() if _writes(command)}


WRITING = _writing_commands()


def test_the_writing_commands_are_found() -> None:
    assert {"add-candidate", "move", "note", "edit", "score", "import"} <= set(WRITING)


# share and sync carry the record between copies through git, and merge-file is git's own
# driver: none of them is a change a person makes to the record.
CARRIERS = {"share", "sync", "merge-file"}


def test_the_carriers_are_the_machinery() -> None:
    assert CARRIERS < MACHINERY and {"init", "resolve"} == MACHINERY - CARRIERS


@pytest.mark.parametrize("name", sorted(set(WRITING) - CARRIERS))
def test_every_command_that_writes_takes_json(name: str) -> None:
    options = {opt for param in WRITING[name].params for opt in getattr(param, "opts", ())}
    assert "--json" in options, f"{name} changes the record but has no --json"


def _file(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _person(path: Path, cid: str) -> dict:
    return next(c for c in _file(path)["candidates"] if c["id"] == cid)


def test_installed_add_candidate_note_and_score_answer_what_landed(cli, run) -> None:
    file = ["--file", str(cli.path), "--as-of", "2026-02-02"]
    done = run(*file, "add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--json")
    assert done.returncode == 0, done.stderr
    added = json.loads(done.stdout)  # one object, and nothing else on stdout
    stored = _person(cli.path, added["id"])
    assert added["candidate"]["id"] == added["id"] == stored["id"]
    assert added["candidate"]["email"] == stored["email"] == "ada@example.org"
    assert added["candidate"]["applied"] == stored["applied"].isoformat() == "2026-02-02"
    assert [e["action"] for e in added["candidate"]["history"]] == ["added"]
    shown = json.loads(cli.ok("show", added["id"], "--json"))
    assert added["candidate"] == shown  # as `show --json` gives it

    done = run(*file, "note", added["id"], "References received", "--json")
    assert done.returncode == 0, done.stderr
    noted = json.loads(done.stdout)
    last = _person(cli.path, added["id"])["history"][-1]
    assert noted["id"] == added["id"]
    assert noted["event"]["note"] == last["note"] == "References received"
    assert noted["event"]["action"] == last["action"] == "note"
    assert noted["event"]["at"] == last["at"].isoformat()

    cli.ok("move", added["id"], "interview")
    cli.ok("panel", "add", "Sam Lee", "--role", "chair")
    marks = ("leadership=5", "--member", "Sam Lee", "--evidence", "Clear examples")
    done = run(*file, "score", added["id"], "interview", *marks, "--json")
    assert done.returncode == 0, done.stderr
    scored = json.loads(done.stdout)
    [sheet] = _person(cli.path, added["id"])["marks"]
    assert scored == {
        "id": added["id"],
        "assessment": sheet["assessment"],
        "member": sheet["member"],
        "agreed": False,
        "scores": sheet["scores"],
        "evidence": sheet["evidence"],
    }
    assert scored["scores"] == {"leadership": 5}


SIFT = "Name,Email,Phone\nAda Lovelace,ada@example.org,07700 900123\nZoë Brontë,zoe@example.org,\n"


def test_installed_import_answers_the_ids_added_updated_and_skipped(cli, run, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    sheet = tmp_path / "sift.csv"
    sheet.write_text(SIFT, encoding="utf-8")
    file = ["--file", str(cli.path), "--as-of", "2026-02-02"]
    done = run(*file, "import", str(sheet), "--update", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    people = {c["email"]: c for c in _file(cli.path)["candidates"]}
    assert answer["dry_run"] is False
    assert answer["added"] == [people["zoe@example.org"]["id"]]
    assert answer["updated"] == [people["ada@example.org"]["id"]] == ["c001"]
    assert answer["skipped"] == []
    assert people["ada@example.org"]["phone"] == "07700 900123"
    assert answer["counts"] == {"add": 1, "update": 1, "skip": 0}
    assert answer["dated_today"] == answer["added"]
    ada, zoe = answer["rows"]
    assert (ada["row"], ada["action"], ada["candidate"], ada["changes"]) == (
        2,
        "update",
        "c001",
        ["phone"],
    )
    assert (zoe["row"], zoe["action"], zoe["candidate"]) == (3, "add", answer["added"][0])
    plan = json.loads(cli.ok("import", str(sheet), "--dry-run", "--json"))  # the same rows again
    assert set(plan) - {"dry_run", "rows"} <= set(answer)
    again = json.loads(cli.ok("import", str(sheet), "--json"))  # without --update: skipped
    assert again["added"] == [] and again["skipped"] == ["c001", answer["added"][0]]


def test_edit_and_undo_answer_the_fields_and_events(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    edited = json.loads(cli.ok("edit", "c001", "--phone", "07700 900123", "--json"))
    stored = cli.candidate("c001")
    assert edited["id"] == "c001" and edited["changed"] == ["phone"]
    assert edited["candidate"]["phone"] == stored["phone"] == "07700 900123"
    assert edited["event"]["action"] == stored["history"][-1]["action"] == "edited"
    undone = json.loads(cli.ok("undo", "c001", "--reason", "Wrong person", "--json"))
    stored = cli.candidate("c001")
    assert undone["undone"] == edited["event"]
    assert undone["event"]["reason"] == stored["history"][-1]["reason"] == "Wrong person"
    assert undone["candidate"]["phone"] is None and "phone" not in stored


def test_move_of_one_answers_the_move(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    moved = json.loads(cli.ok("move", "c001", "longlist", "--on", "2026-02-01", "--json"))
    assert moved["moves"] == [
        {
            "id": "c001",
            "name": "Ada Lovelace",
            "from": "applied",
            "to": "longlist",
            "on": "2026-02-01",
            "rank": None,
        }
    ]
    assert cli.candidate("c001")["stage"] == "longlist"


def test_move_json_keeps_the_rank_it_was_given(cli) -> None:
    """--json once sent one move down the bulk path, which dropped --rank without a word."""
    cli.ok("add-candidate", "Ada Lovelace")
    placed = json.loads(cli.ok("move", "c001", "reserve", "--rank", "2", "--json"))
    assert cli.candidate("c001")["rank"] == placed["moves"][0]["rank"] == 2
    placed = json.loads(cli.ok("move", "c001", "reserve", "--rank", "1", "--json"))
    assert cli.candidate("c001")["rank"] == placed["moves"][0]["rank"] == 1
    assert (placed["moves"][0]["from"], placed["moves"][0]["to"]) == ("reserve", "reserve")


def test_milestone_commands_answer_the_milestone_and_the_change(cli) -> None:
    added = json.loads(cli.ok("milestone", "add", "Panel briefing", "2026-02-20", "--json"))
    [stored] = [m for m in cli.data()["milestones"] if m["id"] == added["id"]]
    assert added["milestone"]["title"] == stored["title"] == "Panel briefing"
    assert added["milestone"]["start"] == stored["date"].isoformat()
    assert added["change"]["change"] == stored["history"][-1]["change"] == "added"
    moved = json.loads(
        cli.ok("milestone", "reschedule", added["id"], "2026-02-27", "--reason", "Diary", "--json")
    )
    assert moved["milestone"]["start"] == "2026-02-27"
    assert (moved["change"]["before"], moved["change"]["after"]) == ("2026-02-20", "2026-02-27")
    gone = json.loads(
        cli.ok("milestone", "remove", added["id"], "--reason", "Not needed", "--json")
    )
    [stored] = [m for m in cli.data()["milestones"] if m["id"] == added["id"]]
    assert gone["milestone"] is None and gone["removed"] == stored["removed"].isoformat()


def test_panel_criteria_and_schedule_answer_what_they_stored(cli) -> None:
    member = json.loads(cli.ok("panel", "add", "Sam Lee", "--role", "chair", "--json"))
    assert member == {
        "name": "Sam Lee",
        "member": {
            "name": "Sam Lee",
            "role": "chair",
            "marks": True,
            "commissioner": False,
            "conflicts": [],
        },
    }
    cli.ok("add-candidate", "Ada Lovelace")
    conflict = json.loads(cli.ok("panel", "conflict", "Sam Lee", "c001", "--json"))
    [stored] = cli.data()["panel"]["members"]
    assert conflict["member"]["conflicts"] == [{"candidate": "c001", "note": None}]
    assert [c["candidate"] for c in stored["conflicts"]] == ["c001"]
    criterion = json.loads(
        cli.ok("criteria", "add", "resilience", "Resilience", "--kind", "behaviour", "--json")
    )
    [stored] = [c for c in cli.data()["criteria"] if c["id"] == "resilience"]
    assert criterion["removed"] is False
    assert criterion["criterion"]["bar"] == stored["bar"] == 4
    changed = json.loads(cli.ok("criteria", "change", "resilience", "--bar", "5", "--json"))
    assert changed["criterion"]["bar"] == 5
    removed = json.loads(cli.ok("criteria", "remove", "resilience", "--json"))
    assert removed["removed"] is True and "resilience" not in {
        c["id"] for c in cli.data()["criteria"]
    }

    cli.ok("move", "c001", "interview")
    booked = json.loads(cli.ok("schedule", "c001", "interview", "2026-03-03 10:00", "--json"))
    [slot] = cli.candidate("c001")["slots"]
    assert booked["slot"]["start"] == "2026-03-03T10:00" == slot["at"].isoformat(timespec="minutes")
    assert booked["was"] is None
    cancelled = json.loads(cli.ok("schedule", "c001", "interview", "--cancel", "--json"))
    [slot] = cli.candidate("c001")["slots"]
    assert cancelled["slot"]["cancelled"] == slot["cancelled"].isoformat()


def test_resolve_answers_the_conflict_it_settled(tmp_path) -> None:
    from tests.test_check_cli import _erased_on_one_copy_changed_on_the_other

    ours = _erased_on_one_copy_changed_on_the_other(tmp_path, clash=True)
    [waiting] = json.loads(ours("check", "--json").stdout)["conflicts"]
    resolved = json.loads(ours.ok("resolve", "c002.stage", "--ours", "--json"))
    assert resolved == {"id": "c002.stage", "kept": "ours", "conflict": waiting, "waiting": []}
    assert not ours.data().get("conflicts")
    assert ours.candidate("c002")["stage"] == waiting["ours"]


def test_installed_init_answers_the_record_it_made(run, tmp_path) -> None:
    path = tmp_path / "cio.toml"
    made = ["--file", str(path), "init", "--title", "Chief Information Officer"]
    done = run(*made, "--closes", "2026-04-30", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["path"] == str(path) and answer["backup"] is None
    assert answer["campaign"]["title"] == _file(path)["campaign"]["title"]
    again = json.loads(run(*made, "--force", "--json").stdout)
    assert again["backup"] is not None and Path(again["backup"]).exists()
