"""Slots follow the candidate (issue 26, finding 1), and calendar UIDs are the record's own
(finding 3): a withdrawn candidate's interview leaves the diary, `schedule --cancel` cancels
one slot, and two records of one title never share an event.

Each .ics is read by icalendar and by vobject, as test_ics_exchange.py does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import vobject
from icalendar import Calendar

from conftest import Cli, in_process

DAY = "2026-03-19"  # the record's day: the interview is tomorrow


def _slot_events(cli: Cli, *args: str, as_of: str = DAY) -> dict[str, dict]:
    """The slot events of `export ics --slots`, as both parsers see them (they agree)."""
    result = cli("export", "ics", "--slots", *args, as_of=as_of)
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    first = {str(e["UID"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}
    second = {e.uid.value: e for e in vobject.readOne(raw.decode("utf-8")).vevent_list}
    assert first.keys() == second.keys()
    events = {}
    for uid, event in first.items():
        if not uid.startswith("slot-"):
            continue
        other = second[uid]
        seen = {"status": str(event["STATUS"]), "sequence": int(event["SEQUENCE"])}
        assert seen["status"] == other.status.value
        assert seen["sequence"] == int(other.sequence.value)
        assert event.decoded("DTSTART") == other.dtstart.value
        events[uid.split("@")[0]] = seen
    return events


def _booked(cli: Cli) -> Cli:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of=DAY)
    cli.ok("move", "c001", "interview", as_of=DAY)
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", as_of=DAY)
    return cli


def test_withdrawing_a_candidate_cancels_their_interview_everywhere(run, cli) -> None:
    """Through the installed script: the slot is sent cancelled one SEQUENCE on, leaves
    `agenda` and `remind`, and is kept in the record and the history. (The move, `remind`
    and `show` run the installed script; the other reads run in-process.)"""
    _booked(cli)
    env = {"DGTRACKER_FILE": str(cli.path), "DGTRACKER_TODAY": DAY}
    assert "interview tomorrow at 10:00" in in_process("remind", env=env).stdout
    assert _slot_events(cli) == {"slot-c001-interview": {"status": "CONFIRMED", "sequence": 0}}

    moved = run("move", "c001", "withdrawn", "--reason", "Took another post", env=env)
    assert moved.returncode == 0, moved.stderr
    assert _slot_events(cli) == {"slot-c001-interview": {"status": "CANCELLED", "sequence": 1}}
    assert "c001" not in in_process("agenda", "2026-03-20", env=env).stdout
    assert "No slots booked on this day." in in_process("agenda", "2026-03-20", env=env).stdout
    assert "interview tomorrow" not in run("remind", env=env).stdout
    assert in_process("agenda", "2026-03-20", "--json", env=env).stdout.strip() == "[]"

    [slot] = cli.candidate("c001")["slots"]
    assert slot["rescheduled"] == 1 and "cancelled" in slot
    notes = [e.get("note") for e in cli.candidate("c001")["history"]]
    assert "Interview slot 2026-03-20 10:00–11:00 cancelled (moved to withdrawn)" in notes
    assert (
        "cancelled (moved to withdrawn)"
        in run("show", "c001", env={**env, "COLUMNS": "200"}).stdout
    )
    assert in_process("check", env=env).returncode == 0
    shown = json.loads(in_process("show", "c001", "--json", env=env).stdout)["slots"]
    assert [s["assessment"] for s in shown] == ["interview"] and shown[0]["cancelled"]


def test_past_slots_stay_and_other_outcomes_cancel_too(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-03-01")
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20", as_of="2026-03-01")
    cli.ok("schedule", "c001", "assessment", "2026-03-02 10:00", as_of="2026-03-01")
    cli.ok("schedule", "c001", "interview", "2026-03-25 10:00", as_of="2026-03-01")
    cli.ok("schedule", "c002", "interview", "2026-03-26 10:00", as_of="2026-03-01")
    cli.ok("move", "c001", "rejected", "--reason", "Below the bar", as_of=DAY)
    cli.ok("move", "c002", "appointed", as_of=DAY)
    assert _slot_events(cli) == {
        "slot-c001-assessment": {"status": "CONFIRMED", "sequence": 0},  # it happened
        "slot-c001-interview": {"status": "CANCELLED", "sequence": 1},
        "slot-c002-interview": {"status": "CANCELLED", "sequence": 1},
    }


def test_schedule_cancel_then_book_again(cli) -> None:
    _booked(cli)
    out = cli.ok("schedule", "c001", "interview", "--cancel", as_of=DAY)
    assert out == "Cancelled c001's interview slot at 2026-03-20 10:00.\n"
    assert _slot_events(cli)["slot-c001-interview"] == {"status": "CANCELLED", "sequence": 1}
    again = cli("schedule", "c001", "interview", "--cancel", as_of=DAY)
    assert again.exit_code != 0 and "only a cancelled slot" in again.output
    # The same time again is a new booking, not "already booked"; a cancelled slot clashes
    # with nothing.
    cli.ok("add-candidate", "Grace Hopper", as_of=DAY)
    cli.ok("schedule", "c002", "interview", "2026-03-20 10:30", as_of=DAY)
    out = cli.ok("schedule", "c001", "interview", "2026-03-20 12:00", as_of=DAY)
    assert out == "Booked c001 for interview at 2026-03-20 12:00, 60 minutes.\n"
    assert _slot_events(cli)["slot-c001-interview"] == {"status": "CONFIRMED", "sequence": 2}
    assert "c001" in cli.ok("agenda", "2026-03-20", as_of=DAY)
    assert "cancelled" not in cli.candidate("c001")["slots"][0]
    missing = cli("schedule", "c002", "interview", as_of=DAY)
    assert missing.exit_code != 0 and "Give WHEN" in missing.output


def test_undoing_the_move_brings_the_slot_back_and_as_of_shows_each_day(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-03-10")
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", as_of="2026-03-10")
    cli.ok("move", "c001", "withdrawn", "--reason", "Mistake", as_of=DAY)
    assert _slot_events(cli)["slot-c001-interview"]["status"] == "CANCELLED"
    cli.ok("undo", "c001", "--reason", "Wrong candidate", as_of=DAY)
    assert cli.candidate("c001")["stage"] == "applied"
    assert _slot_events(cli) == {"slot-c001-interview": {"status": "CONFIRMED", "sequence": 2}}
    note = cli.candidate("c001")["history"][-1]["note"]
    assert note == "Interview slot 2026-03-20 10:00–11:00 restored"
    assert "c001" in cli.ok("agenda", "2026-03-20", as_of=DAY)
    assert "interview tomorrow" in cli.ok("remind", as_of=DAY)


def test_as_of_shows_each_day_of_a_cancel_and_its_undo(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-03-10")
    cli.ok("schedule", "c001", "interview", "2026-03-30 10:00", as_of="2026-03-12")
    cli.ok("move", "c001", "withdrawn", "--reason", "Mistake", as_of="2026-03-14")
    cli.ok("undo", "c001", "--reason", "Wrong candidate", as_of="2026-03-16")
    cli.ok("add-candidate", "Grace Hopper", as_of="2026-03-16")
    cli.ok("schedule", "c002", "interview", "2026-03-30 14:00", as_of="2026-03-18")
    seen = {day: _slot_events(cli, as_of=f"2026-03-{day}") for day in (13, 15, 17, 19)}
    interview = "slot-c001-interview"
    assert seen[19]["slot-c002-interview"] == {"status": "CONFIRMED", "sequence": 0}
    del seen[19]["slot-c002-interview"]  # booked on the 18th: not there before
    assert seen[13] == {interview: {"status": "CONFIRMED", "sequence": 0}}
    assert seen[15] == {interview: {"status": "CANCELLED", "sequence": 1}}
    assert seen[17] == seen[19] == {interview: {"status": "CONFIRMED", "sequence": 2}}
    assert "c001" in cli.ok("agenda", "2026-03-30", as_of="2026-03-13")
    assert "c001" not in cli.ok("agenda", "2026-03-30", as_of="2026-03-15")


def test_as_of_shows_a_slot_cancelled_later_still_standing(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-03-10")
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", as_of="2026-03-10")
    cli.ok("schedule", "c001", "interview", "--cancel", as_of=DAY)
    then = cli.ok("agenda", "2026-03-20", "--json", as_of="2026-03-12")
    assert '"id": "c001"' in then
    assert "interview in 8 days" in cli.ok("remind", "--within", "8", as_of="2026-03-12")


def test_as_of_shows_no_slot_that_was_booked_and_cancelled_later(cli) -> None:
    """Booked on the 12th and cancelled on the 14th: on the 11th there was no slot at all.
    The cancel counts in the slot's sequence, which read as a slot moved since, so a
    replay showed it booked, in the agenda, the reminders and the calendar."""
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of="2026-03-10")
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", as_of="2026-03-12")
    cli.ok("schedule", "c001", "interview", "--cancel", as_of="2026-03-14")
    assert cli.ok("agenda", "2026-03-20", "--json", as_of="2026-03-11").count('"id"') == 0
    assert "Ada Lovelace: interview" not in cli.ok("remind", "--within", "10", as_of="2026-03-11")
    assert _slot_events(cli, as_of="2026-03-11") == {}
    assert "Ada Lovelace: interview in 7 days" in cli.ok(
        "remind", "--within", "8", as_of="2026-03-13"
    )
    cancelled = {"slot-c001-interview": {"status": "CANCELLED", "sequence": 1}}
    assert _slot_events(cli, as_of="2026-03-15") == cancelled


def _copy(tmp_path: Path, base: Cli, side: str) -> Cli:
    copy = Cli(tmp_path / f"{side}.toml")
    copy.path.write_bytes(base.path.read_bytes())
    return copy


def test_merge_a_cancel_against_a_reschedule_is_a_conflict_and_alone_is_taken(
    tmp_path,
) -> None:
    base = Cli(tmp_path / "base.toml")
    base.ok("init")
    _booked(base)
    ours, theirs = _copy(tmp_path, base, "ours"), _copy(tmp_path, base, "theirs")
    ours.ok("schedule", "c001", "interview", "--cancel", "--by", "ours", as_of=DAY)
    theirs.ok("schedule", "c001", "interview", "2026-03-20 14:00", "--by", "theirs", as_of=DAY)
    merged = ours("merge-file", str(base.path), str(ours.path), str(theirs.path))
    assert merged.exit_code == 1, merged.output
    told = ours("check", as_of=DAY).output
    assert "conflict c001.slots.interview: c001's slot at interview" in told
    assert "at Fri 20 Mar 2026 14:00, not cancelled on the other" in " ".join(told.split())

    alone = _copy(tmp_path, base, "alone")
    untouched = _copy(tmp_path, base, "untouched")
    alone.ok("schedule", "c001", "interview", "--cancel", as_of=DAY)
    merged = alone("merge-file", str(base.path), str(alone.path), str(untouched.path))
    assert merged.exit_code == 0, merged.output
    assert "cancelled" in alone.candidate("c001")["slots"][0]
    merged = untouched("merge-file", str(base.path), str(untouched.path), str(alone.path))
    assert merged.exit_code == 0, merged.output
    assert _slot_events(untouched)["slot-c001-interview"]["status"] == "CANCELLED"


def test_two_records_of_one_title_never_share_a_uid(run, tmp_path) -> None:
    """Through the installed script: two records made from the DHSC template give every
    event a different UID; each record's UIDs are the same at every export. (`init` and the
    exports run the installed script, each in a process of its own; the booking runs
    in-process.)"""
    uids = []
    for name in ("one", "two"):
        env = {"DGTRACKER_FILE": str(tmp_path / f"{name}.toml"), "DGTRACKER_TODAY": DAY}
        assert run("init", env=env).returncode == 0
        assert in_process("add-candidate", "Ada Lovelace", env=env).returncode == 0
        booked = in_process("schedule", "c001", "interview", "2026-03-20 10:00", env=env)
        assert booked.returncode == 0
        exports = [run("export", "ics", "--slots", env=env).stdout for _ in range(2)]
        assert exports[0] == exports[1]
        found = {str(e["UID"]) for e in Calendar.from_ical(exports[0]).walk("VEVENT")}
        assert found == {e.uid.value for e in vobject.readOne(exports[0]).vevent_list}
        assert any(uid.startswith("closing@") for uid in found)
        assert any(uid.startswith("slot-c001-interview@") for uid in found)
        uids.append(found)
    assert not uids[0] & uids[1]


def test_a_record_made_before_calendar_tokens_keeps_its_uids(cli) -> None:
    """A calendar that imported an older record's events goes on updating them."""
    text = cli.path.read_text(encoding="utf-8")
    token = cli.data()["campaign"]["calendar"]
    assert len(token) >= 8
    cli.path.write_text(text.replace(f'calendar = "{token}"\n', ""), encoding="utf-8")
    raw = cli("export", "ics").stdout_bytes
    uids = {str(e["UID"]) for e in Calendar.from_ical(raw).walk("VEVENT")}
    assert "closing@dhsc-dg-tdd-2026.dgtracker" in uids
    assert cli.ok("check")


def test_the_reserve_list_from_merit_and_an_erasure_cancel_slots_too(cli) -> None:
    """Every way out of the process cancels the slots to come, not `move` alone."""
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair", as_of=DAY)
    for name in ("Ada Lovelace", "Grace Hopper"):
        cli.ok("add-candidate", name, "--stage", "interview", as_of=DAY)
    criteria = json.loads(cli.ok("criteria", "list", "--json", as_of=DAY))
    marks = [f"{c['id']}=5" for c in criteria if "interview" in c["assess"]]
    cli.ok("score", "c001", "interview", *marks, "--agreed", as_of=DAY)
    cli.ok("schedule", "c001", "preferred", "2026-03-24 10:00", as_of=DAY)
    cli.ok("schedule", "c002", "preferred", "2026-03-25 10:00", as_of=DAY)

    cli.ok("reserve", "--from-merit", "interview", as_of=DAY)
    assert cli.candidate("c001")["stage"] == "reserve"
    cli.ok("purge", "--candidate", "c002", as_of=DAY)
    assert cli.candidate("c002")["stage"] == "withdrawn"
    assert _slot_events(cli) == {
        "slot-c001-preferred": {"status": "CANCELLED", "sequence": 1},
        "slot-c002-preferred": {"status": "CANCELLED", "sequence": 1},
    }
    assert "No slots booked" in cli.ok("agenda", "2026-03-24", as_of=DAY)


# an erased person's slot, as it would show anywhere in the file (time of day, place)
SLOT_TRACES = ("10:00", "11:00", "14:30", "Room 4", "Lovelace")
# When each change was recorded (`at`, `booked`, `cancelled`): the real clock's moment, in
# UTC with its offset, so a run at 14:30 would find "14:30" there; a slot's time has none.
_CLOCK_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


def _no_slot_traces(cli: Cli) -> None:
    """The erased person's history and slots say nothing of when or where they sat."""
    ada = cli.candidate("c001")
    notes = " ".join(str(e.get("note") or "") for e in ada["history"])
    assert not [t for t in SLOT_TRACES if t in notes], notes
    assert not [s for s in ada["slots"] if "where" in s]
    text = _CLOCK_MOMENT.sub("", cli.path.read_text(encoding="utf-8"))
    assert not [t for t in SLOT_TRACES[2:] if t in text]


def test_an_erasure_leaves_no_slot_time_or_place_in_the_history(cli) -> None:
    """purge --candidate cancels the slot to come, for the calendar, but the history entry
    of that cancellation (written after the notes were blanked) holds no time, and the
    slot no place; `export ics --slots` sends it cancelled, by id, with no name."""
    _booked(cli)
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", "--where", "Room 4", as_of=DAY)
    cli.ok("purge", "--candidate", "c001", as_of=DAY)
    _no_slot_traces(cli)
    [slot] = cli.candidate("c001")["slots"]
    assert "cancelled" in slot
    assert _slot_events(cli, "--with-names") == {
        "slot-c001-interview": {"status": "CANCELLED", "sequence": 2}
    }
    sent = cli("export", "ics", "--slots", "--with-names", as_of=DAY).stdout
    assert "Lovelace" not in sent and "LOCATION" not in sent
    assert "is valid" in cli.ok("check", as_of=DAY)


def test_a_slot_the_other_copy_booked_or_moved_does_not_come_back(tmp_path: Path) -> None:
    """merge-file, either way round: one copy erases Ada, the other (not yet synced) moved
    her interview and gave it a room; the merged record holds neither."""
    base = Cli(tmp_path / "base.toml")
    base.ok("init", as_of=DAY)
    _booked(base)
    ours, theirs = Cli(tmp_path / "ours.toml"), Cli(tmp_path / "theirs.toml")
    for copy in (ours, theirs):
        copy.path.write_bytes(base.path.read_bytes())
    ours.ok("purge", "--candidate", "c001", "--by", "ada", as_of=DAY)
    theirs.ok("schedule", "c001", "interview", "2026-03-21 14:30", "--where", "Room 4", as_of=DAY)
    for first, second in ((ours, theirs), (theirs, ours)):
        merged = Cli(tmp_path / f"merged-{first.path.stem}.toml")
        merged.path.write_bytes(first.path.read_bytes())
        done = merged("merge-file", str(base.path), str(merged.path), str(second.path))
        assert done.exit_code == 0, done.output
        _no_slot_traces(merged)
        assert "is valid" in merged.ok("check", as_of=DAY)


def test_nobody_at_an_outcome_is_booked_and_the_withdrawal_undone_restores_the_slot(cli) -> None:
    """A slot booked for someone withdrawn would sit in the diary for nobody, and take the
    place the cancelled one comes back to when the withdrawal is undone."""
    _booked(cli)
    env = {"DGTRACKER_FILE": str(cli.path), "DGTRACKER_TODAY": DAY}
    moved = in_process("move", "c001", "withdrawn", "--reason", "Took another post", env=env)
    assert moved.returncode == 0, moved.stderr
    before = cli.path.read_bytes()

    refused = in_process("schedule", "c001", "interview", "2026-03-21 10:00", env=env)

    assert refused.returncode == 1, refused.stderr
    assert "c001 is at 'withdrawn', an outcome" in refused.stderr
    assert "dgtracker undo c001" in refused.stderr and "Traceback" not in refused.stderr
    assert cli.path.read_bytes() == before
    assert in_process("undo", "c001", "--reason", "Withdrew by mistake", env=env).returncode == 0
    assert _slot_events(cli) == {"slot-c001-interview": {"status": "CONFIRMED", "sequence": 2}}
    assert "c001" in in_process("agenda", "2026-03-20", env=env).stdout


def test_undo_passes_over_a_booking_to_the_last_move(cli) -> None:
    """`undo` never says it undid a booking it left in place: bookings are changed by
    `schedule`, so undo goes back to the last move, edit or place."""
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20", as_of=DAY)
    cli.ok("move", "c001", "interview", as_of=DAY)
    cli.ok("schedule", "c001", "interview", "2026-03-20 10:00", as_of=DAY)

    out = cli.ok("undo", "c001", "--reason", "Not yet", as_of=DAY)

    assert out.startswith("Undid the move to Final interview") and "c001 is at Applied" in out
    candidate = cli.candidate("c001")
    assert candidate["stage"] == "applied"
    assert candidate["history"][-1]["undoes"] == 1  # the move, not the booking after it
    assert str(candidate["slots"][0]["at"]) == "2026-03-20 10:00:00"  # untouched
