"""The candidate pipeline through the CLI: what is printed and what lands in the file."""

import json

import pytest


def test_add_candidate_prints_the_id_and_records_everything(cli) -> None:
    out = cli.ok(
        "add-candidate",
        "Ada Lovelace",
        "--email",
        "ada@example.org",
        "--phone",
        "+44 20 7946 0000",
        "--source",
        "advert",
        "--applied",
        "30/01/2026",
        "--note",
        "Strong on data",
        "--by",
        "panel-sec",
    )
    assert out.strip() == "c001"
    saved = cli.candidate("c001")
    assert saved["name"] == "Ada Lovelace"
    assert saved["email"] == "ada@example.org"
    assert saved["phone"] == "+44 20 7946 0000"
    assert saved["source"] == "advert"
    assert str(saved["applied"]) == "2026-01-30"
    assert saved["stage"] == "applied"
    [event] = saved["history"]
    assert event["action"] == "added" and event["by"] == "panel-sec"
    assert event["note"] == "Strong on data" and str(event["on"]) == "2026-01-30"
    assert cli.data()["next_candidate_number"] == 2


def test_by_defaults_to_the_user(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    assert cli.candidate("c001")["history"][0]["by"] == "tester"


def test_ids_are_never_reused(cli) -> None:
    assert cli.ok("add-candidate", "A").strip() == "c001"
    assert cli.ok("add-candidate", "B").strip() == "c002"
    data = cli.path.read_text(encoding="utf-8")
    # Someone deletes c002 by hand: its id is still not handed out again.
    start = data.index('[[candidates]]\nid = "c002"')
    cli.path.write_text(data[:start], encoding="utf-8")
    assert cli.ok("add-candidate", "C").strip() == "c003"


def test_duplicate_email_is_refused_unless_allowed(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    before = cli.path.read_bytes()
    result = cli("add-candidate", "Ada L", "--email", "ADA@example.org")
    assert result.exit_code == 1
    assert "already in the record (c001)" in result.output
    assert cli.path.read_bytes() == before
    cli.ok("add-candidate", "Ada L", "--email", "ada@example.org", "--allow-duplicate-email")
    assert len(cli.data()["candidates"]) == 2


def test_bad_input_is_refused_and_nothing_changes(cli) -> None:
    before = cli.path.read_bytes()
    for args, why in [
        (("add-candidate", "X", "--email", "not-an-email"), "does not look like an email"),
        (("add-candidate", "X", "--applied", "31/02/2026"), "no day 31"),
        (("add-candidate", "X", "--applied", "tomorrow"), "after today"),
        (("add-candidate", "X", "--stage", "shortlistt"), "Did you mean shortlist"),
        (("add-candidate", "   "), "cannot be empty"),
    ]:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert why in result.output, (args, result.output)
    assert cli.path.read_bytes() == before


def test_candidates_table_filters_and_json(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--applied", "2026-01-20")
    cli.ok("add-candidate", "Grace Hopper")
    cli.ok("add-candidate", "Alan Turing")
    cli.ok("move", "c002", "longlist")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took another post")
    table = cli.ok("candidates")
    for text in ("c001", "Ada Lovelace", "Grace Hopper", "Longlist (sift)", "3 candidate(s)"):
        assert text in table
    only = cli.ok("candidates", "--stage", "longlist")
    assert "Grace Hopper" in only and "Ada Lovelace" not in only
    active = cli.ok("candidates", "--active")
    assert "Alan Turing" not in active and "Ada Lovelace" in active
    listed = json.loads(cli.ok("candidates", "--json"))
    assert [c["id"] for c in listed] == ["c001", "c002", "c003"]
    assert listed[0] == {
        "id": "c001",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "phone": None,
        "source": None,
        "applied": "2026-01-20",
        "stage": "applied",
        "stage_title": "Applied",
        "stage_since": "2026-01-20",
        "days_in_stage": 13,
        "rank": None,
        "notes": [],
        "name_hidden": False,  # the name-blind sift is off
        "name_revealed": False,
    }
    assert cli("candidates", "--stage", "nope").exit_code == 1


def test_show_with_history(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    cli.ok("move", "c001", "longlist", "--on", "2026-01-28", "--note", "Clear sift")
    cli.ok("note", "c001", "Referee contacted", "--by", "hrbp")
    detail = json.loads(cli.ok("show", "c001", "--json"))
    assert detail["stage"] == "longlist" and detail["days_in_stage"] == 5
    assert detail["notes"] == ["Clear sift", "Referee contacted"]
    history = detail["history"]
    assert [h["action"] for h in history] == ["added", "moved", "note"]
    assert history[1] == {
        "at": history[1]["at"],
        "on": "2026-01-28",
        "by": "tester",
        "action": "moved",
        "stage": "longlist",
        "from_stage": "applied",
        "note": "Clear sift",
        "reason": None,
        "rank": None,
        "undoes": None,
        "was": None,
        "recorded": "2026-02-02",
        "letter": None,
        "subject": None,
        "sent": None,
    }
    assert history[2]["by"] == "hrbp"
    shown = cli.ok("show", "c001")
    for text in (
        "Ada Lovelace",
        "Longlist (sift) (5 days)",
        "Applied → Longlist (sift)",
        "Referee contacted",
        "hrbp",
    ):
        assert text in shown


def test_unknown_id_suggests_the_nearest(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    result = cli("show", "c01")
    assert result.exit_code == 1
    assert "No candidate with id 'c01'" in result.output and "c001" in result.output


def test_move_rules(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    result = cli("move", "c001", "rejected")
    assert result.exit_code == 1 and "needs a reason" in result.output
    out = cli.ok("move", "c001", "rejected", "--reason", "Did not meet the criteria")
    assert "Applied to Not progressed" in out
    result = cli("move", "c001", "shortlist")
    assert result.exit_code == 1 and "--reinstate" in result.output
    cli.ok("move", "c001", "shortlist", "--reinstate", "--reason", "Panel review")
    saved = cli.candidate("c001")
    assert saved["stage"] == "shortlist"
    assert [e.get("stage") for e in saved["history"]] == ["applied", "rejected", "shortlist"]
    assert saved["history"][1]["reason"] == "Did not meet the criteria"
    result = cli("move", "c001", "shortlist")
    assert result.exit_code == 1 and "already at" in result.output
    result = cli("move", "c001", "interview", "--on", "2026-01-01")
    assert result.exit_code == 1 and "cannot be dated earlier" in result.output
    cli.ok("move", "c001", "reserve", "--rank", "1")
    assert cli.candidate("c001")["rank"] == 1


def test_history_is_append_only(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    first = cli.candidate("c001")["history"]
    cli.ok("move", "c001", "longlist")
    cli.ok("note", "c001", "Second thoughts")
    after = cli.candidate("c001")["history"]
    assert after[: len(first)] == first and len(after) == 3


def test_candidate_table_fits_60_columns(cli, monkeypatch) -> None:
    cli.ok(
        "add-candidate",
        "Dr Ada Augusta King-Noel, Countess of Lovelace",
        "--email",
        "ada.lovelace@analytical-engines.example.org",
    )
    monkeypatch.setenv("COLUMNS", "60")
    out = cli.ok("candidates")
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "c001" in out and "Lovelace" in out
    shown = cli.ok("show", "c001")
    assert max(len(line) for line in shown.splitlines()) <= 60


def test_reserve_list_in_merit_order(cli) -> None:
    for name in ("First Added", "Second Added", "Third Added"):
        cli.ok("add-candidate", name)
    cli.ok("move", "c001", "reserve", "--rank", "3")
    cli.ok("move", "c002", "reserve")
    cli.ok("move", "c003", "reserve", "--rank", "1")
    listed = json.loads(cli.ok("candidates", "--stage", "reserve", "--json"))
    assert [(c["id"], c["rank"]) for c in listed] == [("c003", 1), ("c001", 3), ("c002", None)]


def test_stages_can_be_typed_by_title_in_any_case(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--stage", "Longlist (sift)")
    cli.ok("move", "c001", "SHORTLIST")
    assert cli.candidate("c001")["stage"] == "shortlist"
    listed = json.loads(cli.ok("candidates", "--stage", "Shortlist", "--json"))
    assert [c["id"] for c in listed] == ["c001"]
    result = cli("move", "c001", "Reserv list")
    assert result.exit_code == 1 and "Did you mean" in result.output


def test_reserve_places_can_be_changed_but_not_shared(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Grace Hopper")
    cli.ok("move", "c001", "reserve")
    out = cli.ok("move", "c001", "reserve", "--rank", "2")
    assert "c001 is now place 2 on the list." in out
    saved = cli.candidate("c001")
    assert saved["rank"] == 2 and saved["stage"] == "reserve"
    assert saved["history"][-1]["action"] == "edited"
    assert saved["history"][-1]["note"] == "Merit order: no place → place 2"
    before = cli.path.read_bytes()
    result = cli("move", "c002", "reserve", "--rank", "2")
    assert result.exit_code == 1 and "already c001's" in result.output
    assert cli.path.read_bytes() == before


def _cells_wide(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def _three_with_long_text(cli) -> str:
    email = "ada.lovelace@analytical-engines.example.org"
    cli.ok("add-candidate", "Ada Augusta King-Noel, Countess of Lovelace", "--email", email)
    cli.ok("add-candidate", "山田 花子 (Hanako Yamada)", "--email", "hanako@example.jp")
    cli.ok("add-candidate", "Grace Hopper")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took another post")
    return email


@pytest.mark.parametrize("columns", [40, 60, 80, 100, 200])
def test_candidate_list_fits_the_terminal_and_never_splits_an_email(
    cli, monkeypatch, columns
) -> None:
    email = _three_with_long_text(cli)
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = cli.ok("candidates").splitlines()
    header = lines[0].split()
    assert header[:4] == ["Id", "Name", "Stage", "Days"]
    assert set(header[4:]) <= {"Applied", "Email"}
    assert set(lines[1].strip()) == {"─"}
    assert all(_cells_wide(line) <= columns and line == line.rstrip() for line in lines)
    rows = [index for index, line in enumerate(lines) if line[:6].strip().startswith("c00")]
    assert [lines[i].split()[0] for i in rows] == ["c001", "c002", "c003"]
    # A name that does not fit is folded within its column, and is all there.
    name_at = lines[0].index("Name")
    name_end = lines[0].index("Stage")
    first = "".join(line[name_at:name_end].strip() + " " for line in lines[rows[0] : rows[1]])
    assert " ".join(first.split()) == "Ada Augusta King-Noel, Countess of Lovelace"
    # An optional column is shown whole on one line, or left out and named below.
    footer = " ".join(lines[rows[-1] + 1 :])
    assert footer.startswith("3 candidate(s)")
    if "Email" in header:
        assert email in lines[rows[0]]
    else:
        assert "Email" in footer and "--json has every field" in footer
    if columns >= 200:
        assert header == ["Id", "Name", "Stage", "Days", "Applied", "Email"]
        assert len(lines) == 2 + 3 + 1  # header, rule, one line a candidate, the count
        assert "Withdrawn" in lines[4] and lines[4].split()[-1] == "2026-02-02"


def test_candidate_list_in_a_pipe_keeps_each_candidate_on_one_line(cli, monkeypatch) -> None:
    """A pipe has no width: every column, one line a candidate, for grep and friends."""
    email = _three_with_long_text(cli)
    monkeypatch.delenv("COLUMNS")
    lines = cli.ok("candidates").splitlines()
    assert lines[0].split() == ["Id", "Name", "Stage", "Days", "Applied", "Email"]
    assert len(lines) == 2 + 3 + 1
    assert email in lines[2] and "Ada Augusta King-Noel, Countess of Lovelace" in lines[2]
    assert all(line == line.rstrip() for line in lines)


def test_absurd_numbers_are_refused_before_anything_is_written(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    huge = "1" + "0" * 40  # more than TOML's 64-bit integers can hold
    result = cli("move", "c001", "reserve", "--rank", huge)
    assert result.exit_code == 2 and "10000" in result.output
    result = cli("milestone", "add", "Briefing", "2026-02-20", "--remind", f"7,{huge}")
    assert result.exit_code == 1 and "at most 3,650 days" in result.output
    assert "internal error" not in result.output
    assert cli.path.read_bytes() == before
