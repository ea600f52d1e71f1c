"""Work in bulk through the CLI: one `move` for many people, all or none.

Commands run in-process; the installed script runs where a terminal or a pipe is the point
(the progress bar on stderr).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import AS_OF, in_process

FIELD = 31  # the sift of a 31-person field


def candidates(path: Path) -> dict[str, dict]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: c for c in data.get("candidates", [])}


@pytest.fixture
def field(tmp_path) -> tuple[Path, callable]:
    """A record with 31 applicants (imported in one go), and a way to run dgtracker on it."""
    path = tmp_path / "campaign.toml"
    sheet = tmp_path / "applicants.csv"
    rows = [f"Applicant {n},applicant{n}@example.org,2026-01-2{n % 8}" for n in range(1, FIELD + 1)]
    sheet.write_text("name,email,applied\n" + "\n".join(rows) + "\n", encoding="utf-8")

    def dgtracker(*args: str, **kwargs):
        return in_process("--file", str(path), "--as-of", AS_OF, *args, **kwargs)

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
        "rank": None,
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
    assert both.returncode == 2 and "not both" in both.stderr
    alone = dgtracker("move", "c001", "--except", "c002", "longlist")
    assert alone.returncode == 2 and "--except leaves people out of a --from" in alone.stderr
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
    assert "row 2: updated c001: moved to longlist" in done.stdout
    assert "row 11: updated c010: moved to rejected" in done.stdout
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
        "row 3: Moving c002 to 'rejected' needs a reason.",
        "row 4: no candidate has the id 'c404'.",
        "row 6: c003 is on row 5 too.",
        "row 7: 'nowhere' is not a stage of this campaign",
    ):
        assert expected in done.stderr, expected
    assert path.read_bytes() == before
    plain = dgtracker("import", str(sheet))  # without --update a sheet needs names
    assert plain.returncode == 1 and "no column for the candidate's name" in plain.stderr
    assert "--update" in plain.stderr
    assert path.read_bytes() == before


# --- progress on long work -----------------------------------------------------------


def run_with_stderr_on_a_pty(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run the installed dgtracker with stderr on a pseudo-terminal: (exit, stdout, what the
    terminal received)."""
    import os
    import select
    import subprocess

    from conftest import installed_dgtracker

    master, slave = os.openpty()
    proc = subprocess.Popen(
        [installed_dgtracker(), *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, **env},
    )
    os.close(slave)
    received = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed: the process has ended
                chunk = b""
            if not chunk:
                break
            received += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    os.close(master)
    return proc.wait(timeout=60), stdout, received.decode(errors="replace")


# Work of 100 items or more counts as long, and shows its bar at once (not after 0.5 s).
SMALL_IS_LONG = {"DGTRACKER_PROGRESS_MIN": "100", "DGTRACKER_PROGRESS_AFTER": "0"}


@pytest.fixture
def big_sheet(tmp_path) -> Path:
    sheet = tmp_path / "applicants.csv"
    rows = [f"Person {n},person{n}@example.org" for n in range(1, 301)]
    sheet.write_text("name,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return sheet


def test_a_progress_bar_on_a_terminal_and_none_on_a_pipe(run, tmp_path, big_sheet) -> None:
    terminal = {"TERM": "xterm-256color", "COLUMNS": "100", **SMALL_IS_LONG}
    shown = tmp_path / "shown.toml"
    piped = tmp_path / "piped.toml"
    for path in (shown, piped):
        assert in_process("--file", str(path), "init").returncode == 0
    args = ["--as-of", AS_OF, "import", str(big_sheet)]
    code, stdout, on_terminal = run_with_stderr_on_a_pty(["--file", str(shown), *args], terminal)
    assert code == 0
    assert "Added 300 candidate(s) (c001–c300); updated 0; skipped 0." in stdout.splitlines()
    for seen in ("Checking rows", "Importing", "Saving", "300/300"):
        assert seen in on_terminal, (seen, on_terminal[-500:])

    on_a_pipe = run("--file", str(piped), *args, env=terminal)
    assert on_a_pipe.returncode == 0 and on_a_pipe.stderr == ""
    assert on_a_pipe.stdout == stdout
    assert len(candidates(piped)) == len(candidates(shown)) == 300

    # On a terminal, but fewer items than the threshold, or work that ends within half a
    # second (the default delay): no bar.
    base = ["--file", str(shown), "--as-of", AS_OF, "move", "--yes", "--from"]
    for env, words in (
        ({"DGTRACKER_PROGRESS_MIN": "1000"}, ["applied", "longlist"]),
        ({"DGTRACKER_PROGRESS_AFTER": "0.5"}, ["longlist", "shortlist"]),
    ):
        code, _, quiet = run_with_stderr_on_a_pty([*base, *words], {**terminal, **env})
        assert code == 0 and quiet == "", quiet


def test_bulk_moves_exports_and_purges_show_progress_on_a_terminal(tmp_path, big_sheet) -> None:
    terminal = {"TERM": "xterm-256color", "COLUMNS": "100", **SMALL_IS_LONG}
    path = tmp_path / "campaign.toml"
    assert in_process("--file", str(path), "init").returncode == 0
    imported = in_process("--file", str(path), "--as-of", AS_OF, "import", str(big_sheet))
    assert imported.returncode == 0
    base = ["--file", str(path), "--as-of", AS_OF]
    assert in_process(*base, "move", "c001", "appointed").returncode == 0  # the campaign's outcome
    cases = [
        (
            ["move", "--from", "applied", "rejected", "--reason", "Not longlisted", "--yes"],
            "Moving",
        ),
        (["export", "csv", "-o", str(tmp_path / "out.csv")], "Exporting"),
        (["export", "json", "-o", str(tmp_path / "out.json")], "Exporting"),
        (["--as-of", "2027-01-01", "purge"], "Anonymising"),
    ]
    for words, seen in cases:
        code, _, on_terminal = run_with_stderr_on_a_pty([*base, *words], terminal)
        assert code == 0, (words, on_terminal[-500:])
        assert seen in on_terminal and "Reading" in on_terminal, (words, on_terminal[-500:])
    people = candidates(path)
    del people["c001"]  # appointed: kept
    assert len(people) == 299 and all(p["stage"] == "rejected" for p in people.values())
    assert all(p["name"] == f"Anonymised ({cid})" for cid, p in people.items())


def test_an_import_dry_run_shows_the_first_rows_all_of_them_or_json(tmp_path) -> None:
    path = tmp_path / "campaign.toml"
    sheet = tmp_path / "applicants.csv"
    rows = [f"Person {n},person{n}@example.org" for n in range(1, 26)]
    sheet.write_text("name,email,shoe size\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert in_process("--file", str(path), "init").returncode == 0
    before = path.read_bytes()
    base = ["--file", str(path), "--as-of", AS_OF, "import", str(sheet), "--dry-run"]
    short = in_process(*base)
    assert short.returncode == 0, short.stderr
    assert "Person 20" in short.stdout and "Person 21" not in short.stdout
    assert (
        "… and 5 more row(s): --all lists every row, --json gives them to scripts." in short.stdout
    )
    assert "Would add 25, update 0 and skip 0. Nothing was written." in short.stdout
    every = in_process(*base, "--all").stdout.splitlines()
    assert every[0] == "row 2: add Person 1 <person1@example.org> at applied"
    assert every[24] == "row 26: add Person 25 <person25@example.org> at applied"
    assert every[25] == "Would add 25, update 0 and skip 0. Nothing was written."
    plan = json.loads(in_process(*base, "--json").stdout)
    assert (plan["dry_run"], plan["counts"]["add"]) == (True, 25)
    assert plan["ignored_columns"] == ["shoe size"]
    assert [row["line"] for row in plan["rows"]] == list(range(2, 27))
    assert plan["rows"][0]["name"] == "Person 1" and plan["rows"][0]["stage"] == "applied"
    assert path.read_bytes() == before
    real = in_process("--file", str(path), "import", str(sheet), "--json")  # imports, and says so
    assert real.returncode == 0, real.stderr
    done = json.loads(real.stdout)
    assert (done["dry_run"], done["counts"], len(done["added"])) == (False, plan["counts"], 25)
    assert done["added"][0] == done["rows"][0]["candidate"] == "c001"


def test_a_refused_bulk_move_leaves_the_record_in_memory_as_it_was(field) -> None:
    """For a program using the library: after a refusal its record is unchanged, and
    still holds the same candidates; people can be named by id or by name."""
    from datetime import UTC, date, datetime

    from dgtracker.app.session import open_record
    from dgtracker.errors import Refused
    from dgtracker.process.bulk import move_many

    path, _ = field
    record, _ = open_record(path)
    people = list(record.candidates)
    before = [(c.id, c.stage, list(c.history)) for c in record.candidates]
    when = {"by": "sec", "today": date(2026, 2, 2), "now": datetime(2026, 2, 2, 9, tzinfo=UTC)}
    # Applicant 9 named twice, by id and by name: the second move finds them moved.
    with pytest.raises(Refused) as refused:
        move_many(record, ["c001", "c009", "Applicant 8", "applicant 9"], "longlist", **when)
    assert "Nobody was moved: 1 of 4 cannot be." in refused.value.message
    assert "c009 is already at 'longlist'." in refused.value.message
    assert [(c.id, c.stage, list(c.history)) for c in record.candidates] == before
    assert all(now is then for now, then in zip(record.candidates, people, strict=True))
    moved = move_many(record, ["c001", "Applicant 8"], "longlist", **when)
    assert [c.id for c in moved] == ["c001", "c008"]
    assert [c.stage for c in record.candidates[:9]] == ["longlist"] + 6 * ["applied"] + [
        "longlist",
        "applied",
    ]
    assert record.candidates[7] is moved[1] and len(moved[1].history) == 2
    assert len(people[7].history) == 1  # the candidate as it was before is not changed
