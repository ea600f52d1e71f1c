"""`check`: a hand-edited record's problems are listed with where they are, and never
written over; what a merge left in the record is told (conflicts waiting, erasures kept over
someone's changes), by id only."""

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import Cli

from dgtracker.record.decode import highest_id_number, id_number


def _edit(cli, old: str, new: str) -> bytes:
    text = cli.path.read_text(encoding="utf-8")
    assert old in text
    cli.path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return cli.path.read_bytes()


def test_valid_record(cli) -> None:
    out = cli.ok("check")
    assert "is valid" in out and "9 milestone(s)" in out


def test_invalid_toml_names_line_and_column(cli) -> None:
    broken = _edit(cli, 'title = "Applications close"', 'title = "Applications close')
    result = cli("check")
    assert result.exit_code == 3
    assert "line" in result.output and "column" in result.output
    result = cli("add-candidate", "Ada")
    assert result.exit_code == 3 and "not valid TOML" in result.output
    assert cli.path.read_bytes() == broken


def test_a_syntax_error_does_not_quote_the_line(cli) -> None:
    """The parser quotes the broken line under its message; that line may be a candidate's
    details, which an error message (pasted into a ticket, a chat) must not carry."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    _edit(cli, 'email = "ada@example.org"', 'email = "ada@example.org')
    result = cli("check")
    assert result.exit_code == 3
    assert "(at line" in result.output and "column" in result.output
    assert "ada@" not in result.output and "Lovelace" not in result.output


def test_impossible_date_is_named_with_its_place(cli) -> None:
    text = cli.path.read_text(encoding="utf-8")
    line = text[: text.index("date = 2026-02-09")].count("\n") + 1
    broken = _edit(cli, "date = 2026-02-09", "date = 2026-13-09")
    result = cli("check")
    assert result.exit_code == 3
    assert f"invalid date, expected month between 01 and 12 (at line {line}, column 8)" in (
        result.output
    )
    assert cli.path.read_bytes() == broken


def test_every_schema_problem_is_listed(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Grace Hopper")
    _edit(cli, 'stage = "applied"', 'stage = "aplied"')
    _edit(cli, 'id = "c002"', 'id = "c001"')
    _edit(cli, "date = 2026-02-09", 'date = "9th Feb"')
    _edit(cli, 'title = "Sift and longlist"\n', 'colour = "red"\n')
    before = cli.path.read_bytes()
    result = cli("check")
    assert result.exit_code == 3
    out = result.output
    assert "candidates[0] (c001).stage: unknown stage 'aplied'" in out
    assert "duplicate candidate id 'c001'" in out
    assert "milestones[0] (closing).date: expected a date (2026-02-09), found text" in out
    assert "milestones[1] (sift): unknown field 'colour'" in out
    assert "milestones[1] (sift): missing field 'title'" in out
    assert "5 problem(s)" in out
    for command in (("status",), ("move", "c001", "longlist"), ("note", "c001", "x")):
        result = cli(*command)
        assert result.exit_code == 3, command
        assert "dgtracker check" in result.output
    assert cli.path.read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("schema = 1", "schema = 9", "version 9 is not supported"),
        ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"', "unknown time zone"),
        ('kind = "outcome"', 'kind = "maybe"', "'maybe' is not one of"),
        # Python reads any integer; TOML holds 64 bits, and other TOML tools no more.
        ("schema = 1", "schema = 99999999999999999999", "too large for TOML (64 bits)"),
    ],
)
def test_more_schema_problems(cli, old, new, why) -> None:
    _edit(cli, old, new)
    result = cli("check")
    assert result.exit_code == 3 and why in result.output


def test_check_on_missing_record(bare_cli) -> None:
    result = bare_cli("check")
    assert result.exit_code == 3 and "No record" in result.output


def test_toml_1_1_is_refused(cli) -> None:
    """TOML 1.1's escape \\e reads in some tools and not in others: a record stays TOML 1.0."""
    broken = _edit(cli, 'title = "Applications close"', 'title = "Applications close\\e"')
    result = cli("check")
    assert result.exit_code == 3 and "missing escaped value" in result.output
    assert cli.path.read_bytes() == broken


PERSONAL = ("Jane Secret", "jane@example.org", "jane@new.example.org", "07700 900123")


def _erased_on_one_copy_changed_on_the_other(tmp_path, clash: bool = False) -> Cli:
    """Two copies of a record: one erased c001, the other (not having seen it) changed
    c001; merged by the merge driver as git would run it. `clash`: both copies also
    moved c002 to different stages."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Jane Secret", "--email", "jane@example.org", "--by", "ada")
    base.ok("add-candidate", "Tom Other", "--by", "ada")
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    ours.ok("purge", "--candidate", "c001", "--by", "ada")
    theirs.ok("note", "c001", "Jane Secret rang from 07700 900123", "--by", "bob")
    theirs.ok("edit", "c001", "--email", "jane@new.example.org", "--by", "bob")
    theirs.ok("move", "c001", "longlist", "--by", "cy")
    if clash:
        ours.ok("move", "c002", "longlist", "--by", "ada")
        theirs.ok("move", "c002", "shortlist", "--by", "bob")
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == (1 if clash else 0), merged.output
    return ours


KEPT_LINE = (
    "  c001 (2026-02-02): erased on one copy; 3 change(s) (edited, moved, note; by bob, cy) "
    "made to c001 on another copy were dropped by the merge, so none of the erased data "
    "came back (see 'dgtracker show c001')"
)


def test_check_tells_of_an_erasure_a_merge_kept_over_changes(tmp_path) -> None:
    """Someone who later reads the merged record learns that changes to c001 were dropped
    (and whose), by id only: information, not a problem, so check still exits 0."""
    ours = _erased_on_one_copy_changed_on_the_other(tmp_path)
    said = ours("check")
    assert said.exit_code == 0, said.output
    assert said.stdout.splitlines()[1:] == [
        "1 erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):",
        KEPT_LINE,
    ]
    assert said.stdout.startswith(f"{ours.path} is valid: 2 candidate(s)")
    assert not [item for item in PERSONAL if item in said.output]
    shown = json.loads(ours.ok("check", "--json"))
    assert shown["valid"] is True and shown["conflicts"] == []
    (kept,) = shown["erasures_kept"]
    at = next(e["at"] for e in ours.candidate("c001")["history"] if e["by"] == "merge")
    assert kept == {
        "candidate": "c001",
        "at": at.isoformat(),
        "on": "2026-02-02",
        "changes": 3,
        "actions": ["edited", "moved", "note"],
        "by": ["bob", "cy"],
        "message": KEPT_LINE.strip(),
    }
    assert not [item for item in PERSONAL if item in json.dumps(shown)]


def test_check_lists_an_erasure_kept_beside_a_conflict_that_waits(tmp_path) -> None:
    ours = _erased_on_one_copy_changed_on_the_other(tmp_path, clash=True)
    said = ours("check")
    assert said.exit_code == 1  # the conflict, not the erasure
    lines = said.stdout.splitlines()
    assert lines[1] == "1 conflict(s) from merging two copies wait for a choice:"
    assert lines[2].startswith("  conflict c002.stage:")
    assert lines[3:] == [
        "1 erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):",
        KEPT_LINE,
    ]
    checked = ours("check", "--json")
    assert checked.exit_code == 1
    shown = json.loads(checked.stdout)
    assert [c["id"] for c in shown["conflicts"]] == ["c002.stage"]
    assert [kept["candidate"] for kept in shown["erasures_kept"]] == ["c001"]
    ours.ok("resolve", "c002.stage", "--ours")
    assert ours.ok("check").splitlines()[1:] == [  # still said once the conflict is settled
        "1 erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):",
        KEPT_LINE,
    ]


def test_an_erasure_typed_by_someone_is_not_a_merge_that_kept_one(cli) -> None:
    """A purge on request, even one typed `--by merge`, dropped nobody's changes: check says
    nothing of it, and `erasures_kept` is always present, empty then."""
    cli.ok("add-candidate", "Jane Secret", "--email", "jane@example.org")
    cli.ok("purge", "--candidate", "c001", "--by", "merge")
    said = cli.ok("check")
    assert said.splitlines() == [f"{cli.path} is valid: 1 candidate(s), 9 milestone(s), 11 stages."]
    assert json.loads(cli.ok("check", "--json"))["erasures_kept"] == []


def test_a_hand_edited_merge_entry_is_told_without_its_words(tmp_path) -> None:
    """check reads back only the counts, kinds and team members the merge wrote; any other
    words put into that entry by hand are never echoed (they might be personal data)."""
    ours = _erased_on_one_copy_changed_on_the_other(tmp_path)
    text = ours.path.read_text(encoding="utf-8")
    ours.path.write_text(
        text.replace("3 change(s) (edited, moved, note; by bob, cy)", "Jane Secret's new email"),
        encoding="utf-8",
    )
    said = ours.ok("check")
    assert "c001 (2026-02-02): erased on one copy; changes to its details made to c001" in said
    assert "Jane" not in said
    (kept,) = json.loads(ours.ok("check", "--json"))["erasures_kept"]
    assert kept["changes"] is None and kept["actions"] == [] and kept["by"] == []


def test_a_criterion_id_is_one_printable_word(cli) -> None:
    """A criterion id reaches the terminal in every table: an escape in one typed by hand
    is a problem to fix, not a control sequence for the terminal."""
    broken = _edit(cli, 'id = "transformation"', 'id = "transfor\\u001b[2Jmation"')
    result = cli("check")
    assert result.exit_code == 3
    assert "criteria[0]" in result.output and "\x1b" not in result.output
    result = cli("criteria", "list")
    assert result.exit_code == 3 and "\x1b" not in result.output
    assert cli.path.read_bytes() == broken


def _history_at(cli, moments: list[str]) -> None:
    """Give the candidates' history entries these moments, in order, as a hand edit would."""
    head, mark, tail = cli.path.read_text(encoding="utf-8").partition("[[candidates]]")
    given = iter(moments)
    tail = re.sub(r"(?m)^at = .*$", lambda _: f"at = {next(given)}", tail)
    cli.path.write_text(head + mark + tail, encoding="utf-8")


def test_entries_from_clocks_a_few_hours_apart_are_in_order_enough(cli) -> None:
    """Colleagues' clocks disagree a little, and their entries meet in a merge: an entry
    recorded up to a day before the one above it is accepted; more than a day is not."""
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("note", "c001", "Reference in")
    cli.ok("move", "c001", "longlist")
    _history_at(cli, ["2026-02-02T09:00:00Z", "2026-02-02T15:00:00Z", "2026-02-02T11:00:00Z"])
    assert "is valid" in cli.ok("check")
    _history_at(cli, ["2026-02-02T09:00:00Z", "2026-02-04T15:00:00Z", "2026-02-02T11:00:00Z"])
    result = cli("check")
    assert result.exit_code == 3
    assert "history[2] is out of time order" in result.output


def test_an_undo_that_points_at_itself_is_refused(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("move", "c001", "longlist")
    cli.ok("undo", "c001", "--reason", "Moved in error")
    broken = _edit(cli, "undoes = 1", "undoes = 2")
    result = cli("check")
    assert result.exit_code == 3
    assert "history[2].undoes: must be the place of an earlier event" in result.output
    assert cli.path.read_bytes() == broken


def test_check_json_lists_a_conflict_over_a_time_as_text(tmp_path) -> None:
    """Two reschedules to two times: the conflict's values hold moments, given as ISO text."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy, when in ((ours, "2026-03-04 10:00"), (theirs, "2026-03-05 11:00")):
        copy.path.write_bytes(base.path.read_bytes())
        copy.ok("milestone", "reschedule", "interviews", when, "--reason", "Panel diary")
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1, merged.output
    result = ours("check", "--json")
    assert result.exit_code == 1, result.output
    conflict = json.loads(result.stdout)["conflicts"][0]
    assert conflict["id"] == "interviews.when"
    assert conflict["ours"] == {"at": "2026-03-04T10:00:00"}
    assert conflict["theirs"] == {"at": "2026-03-05T11:00:00"}


def test_an_id_with_a_digit_that_is_no_number_is_read(cli) -> None:
    """A hand-written id "c²": a digit to `str.isdigit`, no number to `int`, which read it
    as the candidate's number and stopped every read with an internal error (exit 70). It
    is an id like any other, and the next candidate's number is counted from the others."""
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Grace Hopper")
    cli.path.write_text(
        cli.path.read_text(encoding="utf-8").replace('id = "c002"', 'id = "c²"'),
        encoding="utf-8",
    )
    assert "is valid" in cli.ok("check")
    assert "c²" in cli.ok("candidates")
    assert cli.ok("add-candidate", "Alan Turing").strip() == "c003"
    assert cli.ok("move", "c²", "longlist").startswith("c² moved")
    assert cli.candidate("c²")["stage"] == "longlist"


_IDS = st.one_of(
    st.text(max_size=6),
    st.builds("c{}".format, st.text(alphabet="0123456789²٣७ x", max_size=5)),
)


@given(st.lists(_IDS, max_size=20))
def test_the_highest_id_number_is_that_of_each_id_in_turn(ids: list[str]) -> None:
    """What a change checks the next candidate number with, over every candidate at once,
    is what a read finds one candidate at a time: decimal digits of any script, the rest 0."""
    assert highest_id_number(ids) == max(map(id_number, ids), default=0)


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("limit_days = 14", "limit_days = 10000000", "limit_days: must be at most 36525"),
        ("reserve_months = 12", "reserve_months = 1000000000", "must be at most 1200"),
        ("anonymise_after_months = 6", "anonymise_after_months = 1201", "must be at most 1200"),
        ("minutes = 60", "minutes = 1000000000000", "minutes: must be at most 1440 (a day)"),
        ("minutes = 60", "minutes = 0", "minutes: must be at least 1"),
    ],
)
def test_spans_past_the_calendar_are_refused(cli, old, new, why) -> None:
    """A stage's limit, the retention's months and a slot's length written by hand so long
    that a day counted from them ran past the year 9999: `remind`, `agenda` and the
    calendar ended in an internal error (exit 70), and `check` passed them (a slot of 0
    minutes too, when the record was read the quick way). Now `check` names them, and
    every command says to run it."""
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-01-20")
    cli.ok("move", "c001", "longlist", as_of="2026-01-25")
    cli.ok("schedule", "c001", "interview", "2026-03-03 10:00", as_of="2026-01-25")
    _edit(cli, old, new)
    result = cli("check")
    assert result.exit_code == 3 and why in result.output, result.output
    for command in (("remind", "--within", "99999999"), ("agenda", "2026-03-03")):
        refused = cli(*command, as_of="2027-03-01")
        assert refused.exit_code == 3 and "dgtracker check" in refused.output, command
