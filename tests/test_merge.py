"""The merge of two records by meaning (team/merge.py), checked on random changes made on two
copies of one record: a side merged with an unchanged base is that side; the merge does
not depend on which side is which; no event is ever dropped; the result keeps the rules."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgtracker.dates import When
from dgtracker.errors import Refused
from dgtracker.process import candidate_actions, milestone_actions, new_records
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.record.model import Record
from dgtracker.team.merge import SCHEDULE, merge

TODAY = date(2026, 2, 2)
START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
STAGES = ["longlist", "shortlist", "assessment", "interview"]
SCHEDULES = [
    When(date(2026, 3, 4), date(2026, 3, 4)),
    When(date(2026, 3, 2), date(2026, 3, 6)),
    When(),
    When(date(2026, 3, 5), date(2026, 3, 5), time(14, 30)),
]

Op = tuple[str, int, int]  # what, which candidate (by position), which stage or minute
ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "note", "move", "done", "reschedule"]),
        st.integers(0, 5),
        st.integers(0, 3),
    ),
    max_size=6,
)


def as_data(record: Record) -> dict[str, Any]:
    return storage.loads(storage.text_and_data(record)[0])


def as_record(data: dict[str, Any]) -> Record:
    """A copy of a shared record (new ids drawn at random, as on a team's clones)."""
    record, problems = record_from_data(data)
    assert record is not None, problems
    record.shared = True
    return record


def apply(data: dict[str, Any], changes: list[Op], who: str, offset: int) -> dict[str, Any]:
    record = as_record(data)
    for step, (what, which, choice) in enumerate(changes):
        now = START + timedelta(minutes=offset + 3 * step)
        ids = [c.id for c in record.candidates]
        try:
            if what == "add" or not ids:
                candidate_actions.add_candidate(
                    record, name=f"{who} {step}", by=who, today=TODAY, now=now
                )
            elif what == "note":
                candidate_actions.add_note(
                    record,
                    ids[which % len(ids)],
                    f"{who} says {step}",
                    by=who,
                    today=TODAY,
                    now=now,
                )
            elif what == "move":
                candidate_actions.move(
                    record, ids[which % len(ids)], STAGES[choice], by=who, today=TODAY, now=now
                )
            elif what == "reschedule":
                milestone = ["sift", "interviews"][which % 2]
                milestone_actions.reschedule(record, milestone, SCHEDULES[choice], by=who, now=now)
            else:
                milestone_actions.mark_done(
                    record, "closing", on=TODAY, today=TODAY, by=who, now=now
                )
        except Refused:
            pass  # a change the rules refuse (already there, already done): skipped
    return as_data(record)


def base_with(changes: list[Op]) -> dict[str, Any]:
    return apply(as_data(new_records.dhsc_campaign()), changes, "base", -600)


def events_by_person(data: dict[str, Any]) -> dict[str, set[str]]:
    return {
        c["name"]: {repr(sorted(e.items())) for e in c.get("history", [])}
        for c in data.get("candidates", [])
    }


def swapped(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for conflict in conflicts:
        turned = {k: v for k, v in conflict.items() if not k.startswith(("ours", "theirs"))}
        for key, value in conflict.items():
            if key.startswith("ours"):
                turned["theirs" + key[4:]] = value
            elif key.startswith("theirs"):
                turned["ours" + key[6:]] = value
        out.append(turned)
    return out


def _key(conflict: dict[str, Any]) -> str:
    return repr(sorted(conflict.items()))


def without_conflicts(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "conflicts"}


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ops, ops)
def test_a_side_merged_with_an_unchanged_base_is_that_side(
    before: list[Op], changes: list[Op]
) -> None:
    base = base_with(before)
    side = apply(base, changes, "ada", 0)
    assert merge(base, side, base).data == side
    assert merge(base, base, side).data == side


@SETTINGS
@given(ops, ops, ops)
def test_merge_is_symmetric_keeps_every_event_and_the_rules(
    before: list[Op], left: list[Op], right: list[Op]
) -> None:
    base = base_with(before)
    a = apply(base, left, "ada", 0)
    b = apply(base, right, "bob", 1)
    ab, ba = merge(base, a, b), merge(base, b, a)
    assert without_conflicts(ab.data) == without_conflicts(ba.data)
    assert sorted(map(_key, ab.data.get("conflicts", []))) == sorted(
        map(_key, swapped(ba.data.get("conflicts", [])))
    )
    merged = events_by_person(ab.data)
    for side in (a, b):
        for person, events in events_by_person(side).items():
            assert events <= merged[person]  # no event dropped
    names = [c["name"] for c in ab.data["candidates"]]
    assert len(names) == len(set(names))  # two people never share an id
    assert len(names) == len(set(names) | {c["name"] for c in a["candidates"] + b["candidates"]})
    as_record(ab.data)  # the merged record keeps every rule
    for conflict in ab.conflicts:  # only where both sides decided differently
        assert conflict["path"][-1] in ("stage", "when") and conflict["ours"] != conflict["theirs"]
    stages = {side: {c["id"]: c["stage"] for c in data["candidates"]} for side, data in
              (("base", base), ("a", a), ("b", b))}  # fmt: skip
    collided = {
        f"{cid}.stage"
        for cid, before in stages["base"].items()
        if before != stages["a"][cid] != stages["b"][cid] != before
    }
    schedules = {
        side: {
            m["id"]: {k: v for k, v in m.items() if k in SCHEDULE[1]} for m in data["milestones"]
        }
        for side, data in (("base", base), ("a", a), ("b", b))
    }
    collided |= {
        f"{mid}.when"
        for mid, before in schedules["base"].items()
        if before != schedules["a"][mid] != schedules["b"][mid] != before
    }
    assert {conflict["id"] for conflict in ab.conflicts} == collided  # exactly those


def test_people_added_on_two_copies_keep_the_ids_they_were_given() -> None:
    base = base_with([])
    a = apply(base, [("add", 0, 0)], "ada", 0)
    b = apply(base, [("add", 0, 0)], "bob", 1)
    ids = {c["name"]: c["id"] for c in a["candidates"] + b["candidates"]}
    once = merge(base, a, b)
    assert not once.clashes and not once.conflicts
    assert {c["name"]: c["id"] for c in once.data["candidates"]} == ids
    assert not [c for c in once.data["candidates"] if "aliases" in c]
    later = apply(b, [("note", 0, 0)], "bob", 10)  # bob goes on under the same id
    twice = merge(b, once.data, later).data
    assert {c["name"]: c["id"] for c in twice["candidates"]} == ids
    bob = next(c for c in twice["candidates"] if c["name"] == "bob 0")
    assert any(e.get("note") == "bob says 0" for e in bob["history"])


def test_two_people_under_one_id_are_refused_never_mixed_or_renumbered() -> None:
    """Counter ids on two copies (as two unshared copies would hand out), or a hand edit:
    two people, told apart by when and by whom they were added, under one id."""
    base = as_data(new_records.dhsc_campaign())
    sides = []
    for who, minute in (("ada", 0), ("bob", 1)):
        record, _ = record_from_data(base)
        assert record is not None
        candidate_actions.add_candidate(
            record, name=f"{who} 0", by=who, today=TODAY, now=START + timedelta(minutes=minute)
        )
        sides.append(as_data(record))
    assert sides[0]["candidates"][0]["id"] == sides[1]["candidates"][0]["id"] == "c001"
    for merged in (merge(base, *sides), merge(base, *reversed(sides))):
        assert merged.clashes == ["c001"]
    same = merge(base, sides[0], sides[0])  # one person on both copies: merged as one
    assert not same.clashes and same.data == sides[0]


def test_two_reinstatements_of_a_rejected_candidate_conflict_and_resolve(tmp_path) -> None:
    """Both copies take back someone not progressed, to two different stages: a conflict,
    not a record refused because the stage waiting for `resolve` still needs its reason."""
    from tests.conftest import Cli

    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    base.ok("move", "c001", "rejected", "--reason", "Sift: not enough on data")
    for side, stage in (("ours", "shortlist"), ("theirs", "longlist")):
        copy = Cli(tmp_path / f"{side}.toml")
        copy.path.write_bytes(base.path.read_bytes())
        copy.ok("move", "c001", stage, "--reinstate", "--note", f"Back at {stage}")
    ours = Cli(tmp_path / "ours.toml")
    merged = ours("merge-file", str(base.path), str(ours.path), str(tmp_path / "theirs.toml"))
    assert merged.exit_code == 1, merged.output
    assert "c001" in merged.output and "would break" not in merged.output
    checked = ours("check")
    assert checked.exit_code == 1 and "c001.stage" in checked.output, checked.output
    ours.ok("resolve", "c001.stage", "--theirs")
    assert ours.candidate("c001")["stage"] == "longlist"
    assert "is valid" in ours.ok("check")
    notes = [e.get("note") for e in ours.candidate("c001")["history"]]
    assert "Back at shortlist" in notes and "Back at longlist" in notes


def erase(data: dict[str, Any], which: int, among: int) -> tuple[dict[str, Any], str]:
    """A copy that erased one of its first `among` people on request, as `purge
    --candidate` does."""
    from dgtracker.process import corrections, privacy

    record = as_record(data)
    person = record.candidates[which % among]
    now = START + timedelta(hours=1)
    privacy.anonymise(person, why="Erased on request", by="ada", today=TODAY, now=now)
    corrections.withdraw_erased(record, person, by="ada", today=TODAY, now=now)
    return as_data(record), person.id


@SETTINGS
@given(ops, ops, ops, st.integers(0, 5))
def test_an_erasure_wins_in_either_direction_and_nothing_of_the_person_comes_back(
    before: list[Op], left: list[Op], right: list[Op], which: int
) -> None:
    base = base_with([("add", 0, 0), *before])
    a, erased = erase(apply(base, left, "ada", 0), which, len(base["candidates"]))
    b = apply(base, right, "bob", 1)
    ab, ba = merge(base, a, b), merge(base, b, a)
    assert without_conflicts(ab.data) == without_conflicts(ba.data)
    person = next(c for c in ab.data["candidates"] if c["id"] == erased)
    mine = next(c for c in a["candidates"] if c["id"] == erased)
    theirs = next(c for c in b["candidates"] if c["history"][0] == mine["history"][0])
    original = next(c for c in base["candidates"] if c["history"][0] == mine["history"][0])
    if theirs == original:  # the other copy left them alone: the erased copy, as it is
        assert person == mine and not ab.erased
    else:  # the erased copy, and one more entry saying what was dropped
        assert person == {**mine, "history": [*mine["history"], person["history"][-1]]}
        assert person["history"][-1]["by"] == "merge" and ab.erased == {erased: ab.erased[erased]}
    text = tomli_w.dumps(ab.data)
    assert original["name"] not in text and theirs["name"] not in text
    assert not [c for c in ab.conflicts if c["path"][:2] == ["candidates", erased]]
    others = events_by_person({"candidates": [c for c in b["candidates"] if c is not theirs]})
    merged = events_by_person(ab.data)
    for name, events in others.items():
        assert events <= merged[name]  # everyone else's events kept
    as_record(ab.data)


def test_what_the_dropping_copy_said_about_an_erased_person_elsewhere_goes_too() -> None:
    from dgtracker.panel import changes as panel_actions
    from dgtracker.record.model import PanelRole

    base_record = as_record(base_with([("add", 0, 0)]))  # c001, "base 0"
    panel_actions.add_member(base_record, "Sam Lee", PanelRole.MEMBER)
    base = as_data(base_record)
    a, cid = erase(base, 0, 1)
    changed = as_record(base)
    panel_actions.declare_conflict(changed, "Sam Lee", cid, "Worked with base 0 at NHSX")
    milestone_actions.reschedule(
        changed,
        "sift",
        SCHEDULES[0],
        by="bob",
        now=START,
        reason="Moved for base 0's notice period",
    )
    b = as_data(changed)
    merged = merge(base, a, b).data
    assert "base 0" not in tomli_w.dumps(merged)
    member = merged["panel"]["members"][0]
    assert member["conflicts"] == [{"candidate": cid}]  # declared, without the note
    sift = next(m for m in merged["milestones"] if m["id"] == "sift")
    assert sift["history"][-2]["reason"] == "Moved for [erased]'s notice period"  # as purge
    assert sift["history"][-1]["reason"] == (
        f"Mention of {cid} erased (reason). Erased on request."
    )
    assert sift["date"] == SCHEDULES[0].start  # the reschedule itself is kept


def test_an_erasure_leaves_alone_someone_added_in_the_same_second_by_the_same_person() -> None:
    record = new_records.dhsc_campaign()
    record.shared = True
    for name in ("Ann One", "Ben Two"):  # same person, same second: told apart by their ids
        candidate_actions.add_candidate(record, name=name, by="cy", today=TODAY, now=START)
    ben = record.candidates[1].id
    base = as_data(record)
    a, _ = erase(base, 0, 2)
    sides = []
    for data, stage, who in ((a, "longlist", "ada"), (base, "shortlist", "bob")):
        changed = as_record(data)
        candidate_actions.move(changed, ben, stage, by=who, today=TODAY, now=START + timedelta(1))
        sides.append(as_data(changed))
    merged = merge(base, *sides)
    assert [c["id"] for c in merged.conflicts] == [f"{ben}.stage"]  # Ben's, kept
    assert not merged.erased  # Bob did not touch Ann


def _births(data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each candidate's id, with when and by whom they were first added."""
    return {c["id"]: (c["history"][0]["at"], c["history"][0]["by"]) for c in data["candidates"]}


@SETTINGS
@given(ops, ops, ops, ops, st.booleans(), st.integers(0, 5))
def test_no_merge_ever_changes_an_id(
    before: list[Op], left: list[Op], right: list[Op], later: list[Op], erasing: bool, which: int
) -> None:
    """Two copies merged, then a third that branched from one of them merged into that:
    every id any copy held is held by the same person afterwards, nobody new appears."""
    base = base_with([("add", 0, 0), *before])
    a = apply(base, left, "ada", 0)
    if erasing:
        a, _ = erase(a, which, len(base["candidates"]))
    b = apply(base, right, "bob", 1)
    ab = merge(base, a, b)
    c = apply(b, later, "cy", 20)
    abc = merge(b, ab.data, c)
    for merged, sides in ((ab, (base, a, b)), (abc, (b, ab.data, c))):
        assert not merged.clashes
        expected = {cid: born for side in sides for cid, born in _births(side).items()}
        assert _births(merged.data) == expected
        assert not [c for c in merged.data["candidates"] if "aliases" in c]


def test_conflicts_are_told_as_the_tool_tells_days_and_name_only_the_marks_that_differ(
    tmp_path,
) -> None:
    """A schedule at a time reads as `status` writes it; two sheets of marks that differ
    in one mark name that mark alone, not both whole sheets (they ran to 900 characters)."""
    from tests.conftest import Cli

    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    base.ok("move", "c001", "interview")
    base.ok("panel", "add", "Sam Lee")
    evidence = "Set out a clear vision for data in care, with examples from two systems. " * 3
    marks = {"transformation": 5, "data-strategy": 4, "big-picture": 5, "communicating": 5}
    for side, when, leadership in (("ours", "2026-02-19 14:00", 6), ("theirs", "2026-02-20", 5)):
        copy = Cli(tmp_path / f"{side}.toml")
        copy.path.write_bytes(base.path.read_bytes())
        copy.ok("milestone", "reschedule", "interviews", when, "--by", side)
        sheet = [f"{c}={m}" for c, m in {**marks, "leadership": leadership}.items()]
        copy.ok("score", "c001", "interview", *sheet, "--member", "Sam Lee", "--evidence", evidence)
    ours = Cli(tmp_path / "ours.toml")
    merged = ours("merge-file", str(base.path), str(ours.path), str(tmp_path / "theirs.toml"))
    assert merged.exit_code == 1, merged.output
    lines = ours("check").output.splitlines()
    schedule = next(line for line in lines if "conflict interviews.when" in line)
    assert "the schedule of milestone interviews: Thu 19 Feb 2026 14:00 on one copy (by ours" in (
        schedule
    )
    assert "against Fri 20 Feb 2026 on the other (by theirs" in schedule
    assert "it was early March 2026 (1–10 Mar)" in schedule and "T14:00" not in schedule
    sheet = next(line for line in lines if "conflict c001.marks.interview/Sam Lee" in line)
    assert "Sam Lee's marks for c001 at interview: leadership 6 on one copy" in sheet
    assert "against leadership 5 on the other" in sheet
    assert "(keeps leadership 6) or --theirs (keeps leadership 5)" in sheet
    assert "transformation" not in sheet and "examples" not in sheet and len(sheet) < 400
    out = ours.ok("resolve", "c001.marks.interview/Sam Lee", "--theirs")
    assert out.startswith("Resolved c001.marks.interview/Sam Lee: kept leadership 5 (theirs).")
    note = ours.candidate("c001")["history"][-1]["note"]
    assert note == "Merge conflict on marks resolved: kept leadership 5 (theirs)."
    assert "kept Fri 20 Feb 2026 (theirs)" in ours.ok("resolve", "interviews.when", "--theirs")


def test_the_same_move_made_on_two_copies_one_backdated_merges_and_keeps_the_dating_rule(
    tmp_path,
) -> None:
    """Both copies move c001 to the longlist, one dated back with --on: the merged history
    holds both moves from 'applied' (neither leaves the stage the other entered), and the
    record keeps the rule that a move is never dated before the stage it leaves."""
    from tests.conftest import Cli

    base = Cli(tmp_path / "base.toml")
    base.ok("init", as_of="2026-02-01")
    base.ok("add-candidate", "Ada Lovelace", as_of="2026-02-01")
    for side, on, hour in (("ours", "2026-02-10", "10"), ("theirs", "2026-02-05", "11")):
        copy = Cli(tmp_path / f"{side}.toml")
        copy.path.write_bytes(base.path.read_bytes())
        copy.ok("move", "c001", "longlist", "--on", on, "--by", side, as_of="2026-02-11")
        text = copy.path.read_text(encoding="utf-8")  # recorded in this order, an hour apart
        head, _, tail = text.rpartition("\nat = ")
        moment = f"2099-01-01 {hour}:00:00+00:00"
        copy.path.write_text(f"{head}\nat = {moment}{tail[tail.index(chr(10)) :]}", "utf-8")
    ours = Cli(tmp_path / "ours.toml")
    theirs = str(tmp_path / "theirs.toml")
    assert ours("merge-file", str(base.path), str(ours.path), theirs).exit_code == 0
    assert "is valid" in ours.ok("check", as_of="2026-02-11")
    moves = [(e["by"], e["on"].isoformat()) for e in ours.candidate("c001")["history"][1:]]
    assert moves == [("ours", "2026-02-10"), ("theirs", "2026-02-05")]


def test_resolving_a_stage_keeps_the_place_on_the_list_that_came_with_the_side_kept(
    tmp_path,
) -> None:
    """One copy puts c001 on the reserve list and then moves them up a place; the other
    rejects them. Kept, the list gives the latest place; rejected, both the move and the
    new place are undone, and the route never touches the list."""
    from tests.conftest import Cli

    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    base.ok("add-candidate", "Ada Lovelace")
    base.ok("move", "c001", "interview")
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    ours.ok("move", "c001", "reserve", "--rank", "2", "--reason", "Appointable")
    ours.ok("move", "c001", "reserve", "--rank", "1")
    theirs.ok("move", "c001", "rejected", "--reason", "Below the bar")
    for side, stage, rank in (("--ours", "reserve", 1), ("--theirs", "rejected", None)):
        copy = Cli(tmp_path / f"merged{side}.toml")
        copy.path.write_bytes(ours.path.read_bytes())
        merged = copy("merge-file", str(base.path), str(copy.path), str(theirs.path))
        assert merged.exit_code == 1, merged.output
        copy.ok("resolve", "c001.stage", side)
        c001 = copy.candidate("c001")
        assert (c001["stage"], c001.get("rank")) == (stage, rank)
        assert "is valid" in copy.ok("check")
        row = next(
            line
            for line in copy.ok("report", "--for", "commission").splitlines()
            if ">c001<" in line
        )
        other = "Not progressed" if stage == "reserve" else "Reserve list"
        assert other not in row and ("Below the bar" in row) == (stage == "rejected")


def test_a_first_entry_rewritten_by_hand_on_one_copy_is_a_history_conflict_not_two_people() -> None:
    """The base's c001, on one copy with the author of their first entry changed by hand:
    the same person, their history rewritten (a conflict, the recorded entry standing),
    not two people under one id (which would refuse the merge and ask for a new id)."""
    base = as_data(new_records.dhsc_campaign())
    record, _ = record_from_data(base)
    assert record is not None
    candidate_actions.add_candidate(record, name="Ada Lovelace", by="ada", today=TODAY, now=START)
    base = as_data(record)
    forged = deepcopy(base)
    forged["candidates"][0]["history"][0]["by"] = ""
    candidate_actions.add_candidate(record, name="Bob Baker", by="ada", today=TODAY, now=START)
    other = as_data(record)  # the other copy changed the candidates too
    for merged in (merge(base, other, forged), merge(base, forged, other)):
        assert not merged.clashes
        assert [c["id"] for c in merged.conflicts] == ["c001.history"]
        assert merged.data["candidates"][0]["history"] == base["candidates"][0]["history"]
        assert [c["name"] for c in merged.data["candidates"]] == ["Ada Lovelace", "Bob Baker"]


def test_a_merge_that_holds_a_history_back_leaves_the_copies_it_was_given_as_they_were() -> None:
    """The merged candidates may be one copy's own list (the other copy changed none of
    them): the history held back is put in a new list, never into that copy."""
    base = as_data(new_records.dhsc_campaign())
    record, _ = record_from_data(base)
    assert record is not None
    candidate_actions.add_candidate(record, name="Ada Lovelace", by="ada", today=TODAY, now=START)
    later = START + timedelta(hours=1)
    candidate_actions.add_note(record, "c001", "Strong on data", by="ada", today=TODAY, now=later)
    base = as_data(record)
    forged = deepcopy(base)
    forged["candidates"][0]["history"][1]["note"] = "Weak on data"
    given = deepcopy(forged)
    merged = merge(base, forged, base)
    assert [c["id"] for c in merged.conflicts] == ["c001.history"]
    assert merged.data["candidates"][0]["history"] == base["candidates"][0]["history"]
    assert forged == given
