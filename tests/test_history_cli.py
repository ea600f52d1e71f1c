"""The record tells the truth (issue 10): dates derived from what is true now, rules kept
on every path, corrections that leave a trace, and the record as it stood on any day."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from dgtracker.cli.app import app


def _appointed_in_error(cli) -> None:
    """c001 appointed by mistake on 1 June, reinstated the next day; c002 on the reserve list."""
    add = ("add-candidate", "--applied", "2026-02-01")
    cli.ok(*add, "Ada Lovelace", "--email", "ada@example.org")
    cli.ok(*add, "Grace Hopper", "--email", "grace@example.org")
    cli.ok("move", "c002", "reserve", "--rank", "1", as_of="2026-05-01")
    cli.ok("move", "c001", "appointed", as_of="2026-06-01")
    cli.ok("move", "c001", "preferred", "--reinstate", "--reason", "in error", as_of="2026-06-02")


def test_an_undone_appointment_sets_no_date_for_purge_remind_or_export(cli) -> None:
    _appointed_in_error(cli)
    late = "2027-07-01"  # past both periods counted from the undone appointment
    out = cli.ok("purge", "--dry-run", as_of=late)
    assert "no outcome yet" in out
    assert "c002" not in out
    assert "Reserve list" not in cli.ok("remind", as_of="2027-06-01")
    subject = json.loads(cli.ok("export-subject", "c002", as_of=late))
    assert subject["retention"]["anonymise_on"] is None


def test_the_outcome_is_the_day_the_person_now_appointed_was_appointed(cli) -> None:
    _appointed_in_error(cli)
    cli.ok("move", "c001", "appointed", as_of="2026-07-01")
    subject = json.loads(cli.ok("export-subject", "c002", as_of="2026-07-02"))
    assert subject["retention"]["anonymise_on"] == "2027-07-01"
    assert "expire in 30 days (Thu 1 Jul 2027)" in cli.ok("remind", as_of="2027-06-01")


# --- finding 2: reasons and ranks on every path into the record ----------------------


def test_adding_at_a_stage_that_needs_a_reason_needs_one(cli) -> None:
    before = cli.path.read_bytes()
    result = cli("add-candidate", "Test Person", "--stage", "rejected")
    assert result.exit_code == 1
    assert "needs a reason" in result.output and "--reason" in result.output
    assert cli.path.read_bytes() == before
    cli.ok("add-candidate", "Test Person", "--stage", "rejected", "--reason", "Late application")
    [event] = cli.candidate("c001")["history"]
    assert event["reason"] == "Late application" and event["stage"] == "rejected"
    assert "is valid" in cli.ok("check")


def test_an_imported_row_at_a_stage_that_needs_a_reason_needs_one(cli, tmp_path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("name,stage\r\nAda Lovelace,rejected\r\n", encoding="utf-8")
    result = cli("import", str(sheet))
    assert result.exit_code == 1
    assert "row 2: stage 'rejected' needs a reason" in result.output
    assert cli.data()["candidates"] == []
    sheet.write_text("name,stage,reason\r\nAda Lovelace,rejected,Late\r\n", encoding="utf-8")
    cli.ok("import", str(sheet))
    assert cli.candidate("c001")["history"][0]["reason"] == "Late"


def test_a_rank_only_on_the_reserve_list(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    result = cli("move", "c001", "rejected", "--reason", "no", "--rank", "3")
    assert result.exit_code == 1 and "reserve list" in result.output
    assert cli.path.read_bytes() == before


def _hand_edit(cli, old: str, new: str) -> None:
    text = cli.path.read_text(encoding="utf-8")
    assert old in text
    cli.path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ('stage = "applied"\n', 'stage = ""\n', "unknown stage ''"),
        ('action = "added"', 'action = ""', "unknown action ''"),
        ('stage = "applied"\n', 'stage = "rejected"\n', "'rejected' needs a reason"),
        ('stage = "applied"\n', 'stage = "applied"\nrank = 2\n', "belongs to the reserve list"),
    ],
)
def test_a_hand_edit_that_breaks_a_rule_is_refused_by_check_and_by_every_command(
    cli, old, new, why
) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    _hand_edit(cli, old, new)
    for command in (("check",), ("candidates",), ("move", "c001", "longlist")):
        result = cli(*command)
        assert result.exit_code == 3, (command, result.output)
        assert why in result.output, (command, result.output)


def test_a_purged_person_at_a_stage_that_needs_a_reason_still_loads(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("move", "c001", "withdrawn", "--reason", "Took another post")
    cli.ok("purge", "--candidate", "c001")
    assert "Took another post" not in cli.path.read_text(encoding="utf-8")
    assert "is valid" in cli.ok("check")


# --- finding 3: one statement of each rule, for the fast load and the full check -----


def test_a_rule_added_once_is_kept_by_the_fast_load_and_by_check(cli, monkeypatch) -> None:
    from dgtracker.record import decode, field_rules

    cli.ok("add-candidate", "Ada Lovelace", "--source", "search firm", "--note", "Strong")
    data = cli.data()
    stage_ids = frozenset(stage["id"] for stage in data["stages"])
    [table] = data["candidates"]
    assert decode._plain_candidate(table, stage_ids) is not None  # the fast path takes it
    monkeypatch.setitem(
        field_rules.CANDIDATE, "source", field_rules.Field(str, choices=("advert",))
    )
    monkeypatch.setitem(field_rules.EVENT, "note", field_rules.Field(str, choices=("Weak",)))
    # The fast path reads with the same rules, compiled once when schema is loaded.
    monkeypatch.setattr(decode, "_READ_CANDIDATE", field_rules.compile_rules(field_rules.CANDIDATE))
    monkeypatch.setattr(decode, "_READ_EVENT", field_rules.compile_rules(field_rules.EVENT))
    assert decode._plain_candidate(table, stage_ids) is None
    record, problems = decode.record_from_data(data)
    assert record is None
    assert problems == [
        "candidates[0] (c001).source: 'search firm' is not one of advert",
        "candidates[0] (c001).history[0].note: 'Strong' is not one of Weak",
    ]
    for command in ("check", "candidates"):
        result = cli(command)
        assert result.exit_code == 3 and "is not one of advert" in result.output


# --- finding 5: done stays done; done early is said so ------------------------------


def _milestone(cli, milestone_id: str) -> dict:
    return next(m for m in cli.data()["milestones"] if m["id"] == milestone_id)


def test_rescheduling_a_done_milestone_keeps_it_done_unless_reopened(cli) -> None:
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-09")
    out = cli.ok("milestone", "reschedule", "closing", "10 Feb 2026", as_of="2026-02-11")
    assert "stays marked done" in out
    assert str(_milestone(cli, "closing")["done"]) == "2026-02-09"
    assert "closing" not in cli.ok("remind", as_of="2026-02-12").lower()
    cli.ok("milestone", "reschedule", "closing", "11 Feb 2026", "--reopen", as_of="2026-02-11")
    closing = _milestone(cli, "closing")
    assert "done" not in closing
    assert [h["change"] for h in closing["history"]][-2:] == ["rescheduled", "reopened"]
    assert "Applications close was due yesterday" in cli.ok("remind", as_of="2026-02-12")


def test_reopen_marks_a_milestone_not_done_and_keeps_the_trace(cli) -> None:
    cli.ok("milestone", "done", "closing", as_of="2026-02-09")
    out = cli.ok(
        "milestone", "reopen", "closing", "--reason", "Marked too soon", as_of="2026-02-09"
    )
    assert "no longer marked done" in out
    closing = _milestone(cli, "closing")
    assert "done" not in closing
    last = closing["history"][-1]
    assert last["change"] == "reopened" and last["reason"] == "Marked too soon"
    assert last["before"] == "2026-02-09"
    result = cli("milestone", "reopen", "closing", as_of="2026-02-09")
    assert result.exit_code == 1 and "not marked done" in result.output


def test_marking_done_before_the_milestone_starts_needs_early(cli) -> None:
    before = cli.path.read_bytes()
    result = cli("milestone", "done", "interviews", as_of="2026-02-10")
    assert result.exit_code == 1
    assert "starts on Sun 1 Mar 2026" in result.output and "--early" in result.output
    assert cli.path.read_bytes() == before
    cli.ok("milestone", "done", "interviews", "--early", as_of="2026-02-10")
    assert str(_milestone(cli, "interviews")["done"]) == "2026-02-10"


# --- finding 6: corrections that leave a trace --------------------------------------


def test_edit_corrects_details_and_the_history_keeps_what_was_replaced(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@exmaple.org", "--phone", "0207")
    out = cli.ok("edit", "c001", "--email", "ada@example.org", "--phone", "", "--by", "sec")
    assert out.strip() == "Corrected c001: email, phone."
    saved = cli.candidate("c001")
    assert saved["email"] == "ada@example.org" and "phone" not in saved
    last = saved["history"][-1]
    assert last["action"] == "edited" and last["by"] == "sec"
    assert last["was"] == {"email": "ada@exmaple.org", "phone": "0207"}
    assert "edited email, phone" in cli.ok("show", "c001")
    result = cli("edit", "c001", "--email", "ada@example.org")
    assert result.exit_code == 1 and "Nothing to change" in result.output
    assert cli("edit", "c001").exit_code == 1


def test_purge_erases_the_values_an_edit_replaced(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@exmaple.org")
    cli.ok("edit", "c001", "--name", "Ada King", "--email", "ada@example.org")
    cli.ok("purge", "--candidate", "c001")
    text = cli.path.read_text(encoding="utf-8")
    for personal in ("Ada Lovelace", "Ada King", "exmaple", "example.org"):
        assert personal not in text
    assert cli.candidate("c001")["history"][1]["was"] == {
        "name": "Anonymised (c001)",
        "email": "",
    }


def test_undo_cancels_the_last_change_with_a_compensating_event(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-10")
    cli.ok("move", "c001", "preferred", as_of="2026-03-01")
    cli.ok("move", "c001", "appointed", as_of="2026-06-01")
    out = cli.ok("undo", "c001", "--reason", "in error", as_of="2026-06-02")
    assert "Undid the move to Appointed on Mon 1 Jun 2026" in out
    assert "c001 is at Preferred candidate" in out
    saved = cli.candidate("c001")
    assert saved["stage"] == "preferred"
    assert [e["action"] for e in saved["history"]] == ["added", "moved", "moved", "undone"]
    assert saved["history"][-1]["undoes"] == 2 and saved["history"][-1]["reason"] == "in error"
    # Everything derived is recomputed: the time at the stage counts from 1 March again,
    # and nothing dates an outcome.
    shown = json.loads(cli.ok("show", "c001", "--json", as_of="2026-06-02"))
    assert shown["stage_since"] == "2026-03-01"
    assert "no outcome yet" in cli.ok("purge", "--dry-run", as_of="2027-07-01")
    # A second undo goes one change further back; the added event cannot be undone.
    cli.ok("undo", "c001", "--reason", "not preferred yet", as_of="2026-06-02")
    assert cli.candidate("c001")["stage"] == "applied"
    result = cli("undo", "c001", "--reason", "x", as_of="2026-06-02")
    assert result.exit_code == 1 and "purge --candidate c001" in result.output
    assert "is valid" in cli.ok("check", as_of="2026-06-02")


def test_undo_of_an_edit_and_of_a_new_rank(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    cli.ok("add-candidate", "Grace Hopper")
    cli.ok("edit", "c001", "--email", "wrong@example.org")
    cli.ok("undo", "c001", "--reason", "typo")
    assert cli.candidate("c001")["email"] == "ada@example.org"
    cli.ok("move", "c002", "reserve", "--rank", "2")
    cli.ok("move", "c002", "reserve", "--rank", "1")
    cli.ok("undo", "c002", "--reason", "wrong order")
    assert cli.candidate("c002")["rank"] == 2
    cli.ok("undo", "c002", "--reason", "not on the list")
    saved = cli.candidate("c002")
    assert saved["stage"] == "applied" and "rank" not in saved
    assert cli("undo", "c002").exit_code == 2  # --reason is needed


def test_undo_back_to_a_rejection_keeps_its_reason(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("move", "c001", "rejected", "--reason", "Did not meet the criteria")
    cli.ok("move", "c001", "longlist", "--reinstate", "--reason", "Appeal")
    cli.ok("undo", "c001", "--reason", "Appeal withdrawn")
    assert cli.candidate("c001")["stage"] == "rejected"
    assert "is valid" in cli.ok("check")


def test_milestone_rename_and_remove_stay_in_the_history(cli) -> None:
    cli.ok("milestone", "add", "Test milestone", "2026-02-20", "--id", "test")
    cli.ok("milestone", "rename", "test", "Panel pre-meeting")
    test = _milestone(cli, "test")
    assert test["title"] == "Panel pre-meeting"
    assert test["history"][-1]["change"] == "renamed"
    assert test["history"][-1]["before"] == "Test milestone"
    assert "Panel pre-meeting" in cli.ok("milestone", "list")
    out = cli.ok("milestone", "remove", "test", "--reason", "Added by mistake")
    assert "kept in the record as cancelled" in out
    test = _milestone(cli, "test")
    assert str(test["removed"]) == "2026-02-02" and test["history"][-1]["change"] == "removed"
    for command in (("milestone", "list"), ("status",), ("remind", "--within", "30")):
        assert "Panel pre-meeting" not in cli.ok(*command)
    assert "test" not in [m["id"] for m in json.loads(cli.ok("status", "--json"))["milestones"]]
    result = cli("milestone", "done", "test")
    assert result.exit_code == 1 and "was removed" in result.output


def test_a_person_erased_on_request_leaves_the_process_and_the_list_closes_up(cli) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Mary Somerville", "Test Person"):
        cli.ok("add-candidate", name, "--applied", "2026-01-10")
    cli.ok("move", "c001", "reserve", "--rank", "1")
    cli.ok("move", "c002", "reserve", "--rank", "2")
    cli.ok("move", "c003", "reserve", "--rank", "3")
    cli.ok("purge", "--candidate", "c002")
    cli.ok("purge", "--candidate", "c004")
    for cid in ("c002", "c004"):
        gone = cli.candidate(cid)
        assert gone["stage"] == "withdrawn" and "rank" not in gone
        assert gone["history"][-2]["reason"] == "Personal data erased on request"
        assert gone["history"][-1]["action"] == "moved"
    assert cli.candidate("c003")["rank"] == 2
    assert cli.candidate("c003")["history"][-1]["reason"] == "c002 left the list"
    listed = json.loads(cli.ok("candidates", "--active", "--json"))
    assert listed == []
    reserve = json.loads(cli.ok("candidates", "--stage", "reserve", "--json"))
    assert [(c["id"], c["rank"]) for c in reserve] == [("c001", 1), ("c003", 2)]
    assert "Anonymised" not in cli.ok("remind", as_of="2026-12-01")
    assert "is valid" in cli.ok("check")


# --- finding 7: reminders that do not cry wolf, and small things --------------------


def test_the_first_stage_clock_starts_when_applications_close(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-05", as_of="2026-01-05")
    cli.ok("milestone", "done", "closing", as_of="2026-02-09")
    # On the day the sift opens, no one has waited on anyone yet (closing: 9 Feb).
    assert "Applied" not in cli.ok("remind", as_of="2026-02-10")
    assert "reaches the 21-day limit at Applied in 20 days (1 day so far)" in cli.ok(
        "remind", "--within", "30", as_of="2026-02-10"
    )
    assert "has been at Applied for 22 days (limit 21)" in cli.ok("remind", as_of="2026-03-03")


def test_remind_counts_those_due_for_anonymisation_without_naming_them(cli) -> None:
    add = ("add-candidate", "--applied", "2026-01-05")
    for name in ("Ada Lovelace", "Grace Hopper", "Mary Somerville"):
        cli.ok(*add, name, as_of="2026-01-05")
    cli.ok("move", "c002", "rejected", "--reason", "Sift", as_of="2026-02-20")
    cli.ok("move", "c003", "withdrawn", "--reason", "Other post", as_of="2026-02-20")
    cli.ok("move", "c001", "appointed", as_of="2026-05-29")
    assert "anonymisation" not in cli.ok("remind", as_of="2026-11-28")
    out = cli.ok("remind", as_of="2026-12-01")
    assert "Personal data of 2 candidates is due for anonymisation: run dgtracker purge" in out
    assert "Grace" not in out and "c002" not in out
    [purge] = [
        r
        for r in json.loads(cli.ok("remind", "--json", as_of="2026-12-01"))
        if r["kind"] == "purge"
    ]
    assert purge["subject"] == "purge" and purge["due"] == "2026-11-29" and purge["days"] == -2
    cli.ok("purge", as_of="2026-12-01")
    assert "anonymisation" not in cli.ok("remind", as_of="2026-12-01")


def test_show_finds_a_candidate_by_a_unique_name_and_suggests_an_id_for_a_number(cli) -> None:
    cli.ok("add-candidate", "Chidi Okafor")
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Ada Okoye")
    assert "Chidi Okafor" in cli.ok("show", "okafor")
    result = cli("show", "Ada")
    assert result.exit_code == 1 and "c002, c003" in result.output
    result = cli("show", "1")
    assert result.exit_code == 1 and "Did you mean c001?" in result.output


def test_an_empty_as_of_is_refused(cli) -> None:
    result = cli("status", as_of="")
    assert result.exit_code == 0  # no --as-of at all: today
    result = cli.runner.invoke(app, ["--file", str(cli.path), "--as-of", "", "status"])
    assert result.exit_code == 1 and "--as-of / DGTRACKER_TODAY is empty" in result.output


def test_remind_help_says_lines_not_a_table(cli) -> None:
    out = cli.ok("remind", "--help")
    assert "instead of lines" in out and "table" not in out


def test_an_unquoted_name_gets_a_hint_to_quote_it(run, tmp_path) -> None:
    record = str(tmp_path / "campaign.toml")
    assert run("--file", record, "init").returncode == 0
    done = run("--file", record, "add-candidate", "Ada", "Lovelace", "--email", "a@example.org")
    assert done.returncode == 2
    assert 'dgtracker add-candidate "Ada Lovelace"' in done.stderr
    done = run("--file", record, "note", "c001", "Strong", "on", "data")
    assert 'dgtracker note c001 "Strong on data"' in done.stderr


# --- finding 4: --as-of in the past shows the record as it stood then ---------------


def test_as_of_a_past_day_shows_the_record_as_it_stood_then(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-10", as_of="2026-01-10")
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-10")
    cli.ok("move", "c001", "preferred", as_of="2026-02-20")
    cli.ok("milestone", "reschedule", "interviews", "mid March 2026", as_of="2026-02-26")
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-03-01", as_of="2026-03-01")
    cli.ok("edit", "c001", "--email", "ada@example.org", as_of="2026-03-02")
    cli.ok("move", "c001", "appointed", as_of="2026-06-01")
    then = "2026-02-25"
    listed = json.loads(cli.ok("candidates", "--json", as_of=then))
    assert [(c["id"], c["stage"], c["email"]) for c in listed] == [("c001", "preferred", None)]
    assert "Appointed" not in cli.ok("candidates", as_of=then)
    status = json.loads(cli.ok("status", "--json", as_of=then))
    by_id = {m["id"]: m for m in status["milestones"]}
    assert by_id["closing"]["done"] == "2026-02-09"
    assert by_id["interviews"]["label"] == "early March 2026"
    assert status["pipeline"]["appointed"] == 0 and status["candidates_total"] == 1
    shown = json.loads(cli.ok("show", "c001", "--json", as_of=then))
    assert [e["action"] for e in shown["history"]] == ["added", "moved"]
    assert "done on Mon 1 Jun 2026" not in cli.ok("status", as_of=then)
    result = cli("show", "c002", as_of=then)
    assert result.exit_code == 1  # not added yet
    # Today, everything is there.
    assert json.loads(cli.ok("show", "c001", "--json", as_of="2026-06-01"))["stage"] == "appointed"


def test_a_change_cannot_be_written_before_the_changes_the_record_holds(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", as_of="2026-03-01")
    before = cli.path.read_bytes()
    result = cli("move", "c001", "longlist", as_of="2026-02-25")
    assert result.exit_code == 1
    assert "already holds changes made on Sun 1 Mar 2026" in result.output
    assert cli.path.read_bytes() == before
    cli.ok("move", "c001", "longlist", as_of="2026-03-01")  # the same day is fine


# --- issue 22, finding 8: the smaller truths ----------------------------------------


def _reached(status: str, title: str) -> str:
    """The Reached column of one stage's row in `status`'s pipeline table."""
    pipeline = status[status.index("Pipeline") :]
    found = re.search(rf"^ *{re.escape(title)} +\d+ +(\d+)", pipeline, re.MULTILINE)
    assert found, (title, pipeline)
    return found.group(1)


def test_an_undone_move_is_not_a_stage_reached_anywhere(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Ada Lovelace", as_of="2026-01-20")
    cli.ok("add-candidate", "Grace Hopper", as_of="2026-01-20")
    cli.ok("add-candidate", "Mary Somerville", as_of="2026-01-20")
    cli.ok("move", "c003", "withdrawn", "--reason", "Took a post", as_of="2026-01-26")
    cli.ok("move", "c001", "interview")
    cli.ok("undo", "c001", "--reason", "wrong person")
    cli.ok("move", "c001", "withdrawn", "--reason", "Took a post")
    cli.ok("move", "c002", "rejected", "--reason", "Not enough evidence")
    cli.ok("undo", "c002", "--reason", "wrong person")
    cli.ok("move", "c003", "longlist", "--reinstate", "--reason", "Came back")
    cli.ok("undo", "c003", "--reason", "a mistake")
    # show keeps the history, and says which move stands
    shown = cli.ok("show", "c001")
    assert "Applied → Final interview (undone)" in shown
    assert "Applied → Withdrawn " in shown and "Withdrawn (undone)" not in shown
    # the status funnel
    status = cli.ok("status")
    assert _reached(status, "Applied") == "3"
    assert _reached(status, "Longlist (sift)") == "0"
    assert _reached(status, "Final interview") == "0"
    # the report's funnel
    page = tmp_path / "panel.html"
    cli.ok("report", "-o", str(page))
    assert "Final interview: 0 reached" in page.read_text(encoding="utf-8")
    # the Commission page: furthest stage, route and reason
    commission = tmp_path / "commission.html"
    cli.ok("report", "--for", "commission", "-o", str(commission))
    row = next(
        line for line in commission.read_text(encoding="utf-8").splitlines() if ">c001<" in line
    )
    assert (
        '<td data-label="Furthest stage">Applied</td><td data-label="Outcome">Withdrawn</td>' in row
        and "Applied → Withdrawn" in row
    )
    assert "Final interview" not in row
    row = next(
        line for line in commission.read_text(encoding="utf-8").splitlines() if ">c003<" in line
    )
    outcome = '<td data-label="Outcome">Withdrawn</td><td class="d" data-label="Outcome on">'
    assert f"{outcome}Mon 26 Jan 2026</td>" in row
    assert "Took a post" in row and "Came back" not in row and "Longlist" not in row
    # the panel's marks need the stage reached
    result = cli("score", "c001", "interview", "leadership=6", "--agreed")
    assert result.exit_code == 1 and "has not reached 'interview'" in result.output
    # an export's reason is the one for the stage they are at (none: back at Applied)
    rows = list(csv.DictReader(io.StringIO(cli.ok("export", "csv").lstrip("\ufeff"))))
    c002 = next(row for row in rows if row["id"] == "c002")
    assert c002["stage"] == "applied" and c002["reason"] == ""


def test_check_refuses_a_move_dated_before_the_stage_it_leaves_as_move_does(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("move", "c001", "longlist", as_of="2026-02-05")
    refused = cli("move", "c001", "shortlist", "--on", "2026-02-04", as_of="2026-02-09")
    rule = "entered 'longlist' on Thu 5 Feb 2026; a move cannot be dated earlier (Wed 4 Feb 2026)"
    assert refused.exit_code == 1 and f"c001 {rule}." in refused.output
    cli.ok("move", "c001", "shortlist", "--on", "2026-02-05", as_of="2026-02-09")  # same day
    assert "is valid" in cli.ok("check", as_of="2026-02-09")
    # the same move dated a day earlier by hand: refused by check, and by every command
    _hand_edit(
        cli,
        'on = 2026-02-05\nby = "tester"\naction = "moved"\nstage = "shortlist"',
        'on = 2026-02-04\nby = "tester"\naction = "moved"\nstage = "shortlist"',
    )
    for command in (("check",), ("candidates",)):
        result = cli(*command, as_of="2026-02-09")
        assert result.exit_code == 3, (command, result.output)
        assert f"history[2] is dated before the stage it leaves: they {rule}" in result.output
