"""Work in bulk through the installed dgtracker: one `move` for many people, all or none."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import AS_OF

FIELD = 31  # the sift of a 31-person field


def candidates(path: Path) -> dict[str, dict]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: c for c in data.get("candidates", [])}


@pytest.fixture
def field(run, tmp_path) -> tuple[Path, callable]:
    """A record with 31 applicants (imported in one go), and a way to run dgtracker on it."""
    path = tmp_path / "campaign.toml"
    sheet = tmp_path / "applicants.csv"
    rows = [f"Applicant {n},applicant{n}@example.org,2026-01-2{n % 8}" for n in range(1, FIELD + 1)]
    sheet.write_text("name,email,applied\n" + "\n".join(rows) + "\n", encoding="utf-8")

    def dgtracker(*args: str, **kwargs):
        return run("--file", str(path), "--as-of", AS_OF, *args, **kwargs)

    assert dgtracker("init").returncode == 0
    assert dgtracker("import", str(sheet)).returncode == 0
    return path, dgtracker


def ids(first: int, last: int) -> list[str]:
    return [f"c{n:03d}" for n in range(first, last + 1)]


def test_a_sift_of_31_people_is_one_move(field) -> None:
    path, dgtracker = field
    done = dgtracker(
        "move", *ids(1, FIELD), "longlist", "--note", "Sift panel, 2 Feb", "--by", "sec"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "c001 moved from Applied to Longlist (sift) on Mon 2 Feb 2026."
    assert lines[-1] == "Moved 31 candidate(s) to Longlist (sift) on Mon 2 Feb 2026."
    assert len(lines) == FIELD + 1
    people = candidates(path)
    assert len(people) == FIELD
    for person in people.values():
        assert person["stage"] == "longlist"
        _added, moved = person["history"]  # one event each, nothing else
        assert (moved["action"], moved["from_stage"], moved["stage"]) == (
            "moved",
            "applied",
            "longlist",
        )
        assert (moved["by"], moved["note"], str(moved["on"])) == ("sec", "Sift panel, 2 Feb", AS_OF)
    pipeline = json.loads(dgtracker("status", "--json").stdout)["pipeline"]
    assert (pipeline["applied"], pipeline["longlist"]) == (0, FIELD)


def test_one_refused_id_refuses_the_lot_and_the_record_stays_byte_identical(field) -> None:
    path, dgtracker = field
    assert dgtracker("move", "c005", "longlist").returncode == 0
    before = path.read_bytes()
    done = dgtracker("move", *ids(1, 10), "c099", "longlist", "--by", "sec")
    assert done.returncode == 1
    assert "Nobody was moved: 2 of 11 cannot be." in done.stderr
    assert "c005 is already at 'longlist'." in done.stderr
    assert "No candidate with id 'c099'." in done.stderr
    assert done.stdout == ""
    assert path.read_bytes() == before
    twice = dgtracker("move", "c001", "c002", "c001", "longlist")
    assert twice.returncode == 1 and "Named more than once: c001." in twice.stderr
    assert path.read_bytes() == before


def test_everyone_still_at_applied_except_some_goes_to_not_progressed(field) -> None:
    path, dgtracker = field
    assert dgtracker("move", *ids(1, 8), "longlist").returncode == 0  # the longlist
    selection = (
        "move", "--from", "Applied", "--except", "c010,c011", "--except", "c012",
        "rejected", "--reason", "Not longlisted",
    )  # fmt: skip
    before = path.read_bytes()
    preview = dgtracker(*selection, "--dry-run")
    assert preview.returncode == 0, preview.stderr
    shown = preview.stdout.splitlines()
    assert shown[0] == "c009 Applicant 9: Applied → Not progressed"
    assert shown[-1].startswith("Would move 20 candidate(s) to Not progressed on Mon 2 Feb 2026.")
    wanted = ["c009", *ids(13, FIELD)]
    assert [line.split()[0] for line in shown[:-1]] == wanted
    as_json = json.loads(dgtracker(*selection, "--dry-run", "--json").stdout)
    assert (as_json["dry_run"], as_json["count"]) == (True, 20)
    assert [move["id"] for move in as_json["moves"]] == wanted
    assert as_json["moves"][0] == {
        "id": "c009",
        "name": "Applicant 9",
        "from": "applied",
        "to": "rejected",
        "on": AS_OF,
    }
    assert path.read_bytes() == before  # a dry run writes nothing

    done = dgtracker(*selection, "--yes")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()[-1] == "Moved 20 candidate(s) to Not progressed on Mon 2 Feb 2026."
    )
    people = candidates(path)
    assert sorted(c for c, p in people.items() if p["stage"] == "rejected") == wanted
    assert [people[c]["stage"] for c in ("c010", "c011", "c012")] == ["applied"] * 3
    assert people["c020"]["history"][-1]["reason"] == "Not longlisted"


def test_a_selection_over_ten_needs_yes(field) -> None:
    path, dgtracker = field
    before = path.read_bytes()
    done = dgtracker("move", "--from", "applied", "longlist")
    assert done.returncode == 1
    assert "This selection moves 31 people; nothing was moved." in done.stderr
    assert "--dry-run" in done.stderr and "--yes" in done.stderr
    assert path.read_bytes() == before
    ten = dgtracker("move", "--from", "applied", "--except", ",".join(ids(11, FIELD)), "longlist")
    assert ten.returncode == 0, ten.stderr  # ten people: no --yes needed
    assert sum(p["stage"] == "longlist" for p in candidates(path).values()) == 10


def test_an_except_outside_the_selection_is_refused(field) -> None:
    path, dgtracker = field
    assert dgtracker("move", "c003", "longlist").returncode == 0
    before = path.read_bytes()
    done = dgtracker("move", "--from", "applied", "--except", "c003,c404", "longlist", "--yes")
    assert done.returncode == 1
    assert "c003 is at 'longlist', not 'applied'." in done.stderr
    assert "No candidate with id 'c404'." in done.stderr
    assert path.read_bytes() == before
    both = dgtracker("move", "c001", "--from", "applied", "longlist")
    assert both.returncode == 1 and "not both" in both.stderr
    ranked = dgtracker("move", "c001", "c002", "reserve", "--rank", "1")
    assert ranked.returncode == 1 and "one at a time" in ranked.stderr
    assert path.read_bytes() == before


def test_a_sift_sheet_of_31_rows_is_one_import(field, tmp_path) -> None:
    """The panel secretary's sheet names people by id or by email alone: no name column."""
    path, dgtracker = field
    rows = ["id,email,stage,reason"]
    for n in range(1, FIELD + 1):
        who = f"c{n:03d}," if n % 2 else f",Applicant{n}@example.org"  # ids, or emails
        outcome = "Longlist (sift)," if n <= 8 else "rejected,Not longlisted"
        rows.append(f"{who},{outcome}")
    sheet = tmp_path / "sift.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = dgtracker("import", str(sheet), "--update", "--by", "panel-sec")
    assert done.returncode == 0, done.stderr
    assert "line 2: updated c001: moved to longlist" in done.stdout
    assert "line 11: updated c010: moved to rejected" in done.stdout
    assert done.stdout.splitlines()[-1] == "Added 0 candidate(s); updated 31; skipped 0."
    pipeline = json.loads(dgtracker("status", "--json").stdout)["pipeline"]
    assert (pipeline["applied"], pipeline["longlist"], pipeline["rejected"]) == (0, 8, 23)
    for cid, person in candidates(path).items():
        _added, moved = person["history"]  # one event each: the move, nothing else
        assert (moved["action"], moved["from_stage"], moved["by"]) == (
            "moved",
            "applied",
            "panel-sec",
        )
        assert moved.get("reason") == (None if int(cid[1:]) <= 8 else "Not longlisted")
        assert person["name"] == f"Applicant {int(cid[1:])}"  # no name column: names kept


def test_a_sift_sheet_with_bad_rows_changes_nothing(field, tmp_path) -> None:
    path, dgtracker = field
    assert dgtracker("move", "c004", "longlist").returncode == 0
    before = path.read_bytes()
    sheet = tmp_path / "sift.csv"
    sheet.write_text(
        "id,stage,reason\n"
        "c001,longlist,\n"
        "c002,rejected,\n"  # a reason is needed
        "c404,rejected,Not longlisted\n"  # nobody has this id
        "c003,rejected,Not longlisted\n"
        "c003,longlist,\n"  # the same person twice
        "c005,nowhere,\n",
        encoding="utf-8",
    )
    done = dgtracker("import", str(sheet), "--update")
    assert done.returncode == 1
    assert "sift.csv: 4 bad row(s); nothing was imported." in done.stderr
    for expected in (
        "line 3: Moving c002 to 'rejected' needs a reason.",
        "line 4: no candidate has the id 'c404'.",
        "line 6: c003 is on line 5 too.",
        "line 7: 'nowhere' is not a stage of this campaign",
    ):
        assert expected in done.stderr, expected
    assert path.read_bytes() == before
    plain = dgtracker("import", str(sheet))  # without --update a sheet needs names
    assert plain.returncode == 1 and "no column for the candidate's name" in plain.stderr
    assert "--update" in plain.stderr
    assert path.read_bytes() == before
