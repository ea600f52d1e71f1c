"""`export ics` as calendars read it: tombstones, one Outlook-safe alarm, pinned bytes.

Each file is read by two independent parsers, icalendar (which writes it) and vobject,
so that a quirk shared by the writer and its own reader cannot hide a broken file.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar

from conftest import Cli

GOLDEN = Path(__file__).parent / "golden"
UID = "{}@dhsc-dg-tdd-2026.dgtracker"


def _export(cli: Cli, *args: str) -> bytes:
    result = cli("export", "ics", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _by_uid(raw: bytes) -> dict[str, dict]:
    """Each event as both parsers see it; they must agree on what matters."""
    # Keyed by UID with the record's random calendar token taken out (test_slots.py
    # checks the token itself).
    first = {_token_aside(str(e["UID"])): e for e in Calendar.from_ical(raw).walk("VEVENT")}
    second = {
        _token_aside(e.uid.value): e for e in vobject.readOne(raw.decode("utf-8")).vevent_list
    }
    assert first.keys() == second.keys()
    events = {}
    for uid, event in first.items():
        other = second[uid]
        seen = {
            "status": str(event["STATUS"]),
            "sequence": event.decoded("SEQUENCE"),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "triggers": [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")],
        }
        assert seen["status"] == other.status.value
        assert seen["sequence"] == int(other.sequence.value)
        assert seen["start"] == other.dtstart.value and seen["end"] == other.dtend.value
        assert seen["summary"] == other.summary.value
        assert seen["triggers"] == [a.trigger.value for a in other.contents.get("valarm", [])]
        events[uid] = seen
    return events


def _token_aside(uid: str) -> str:
    return re.sub(r"@[0-9a-f]{10}\.", "@", uid)


def test_a_milestone_moved_back_to_tbc_is_sent_cancelled_with_a_higher_sequence(cli) -> None:
    before = _by_uid(_export(cli))[UID.format("closing")]
    cli.ok("milestone", "reschedule", "closing", "tbc", "--reason", "Extended")
    after = _by_uid(_export(cli))[UID.format("closing")]
    assert before["status"] == "CONFIRMED" and after["status"] == "CANCELLED"
    assert after["sequence"] > before["sequence"]
    assert (after["start"], after["end"]) == (date(2026, 2, 9), date(2026, 2, 10))  # last dates
    assert after["summary"] == "Applications close (date to be confirmed)"
    assert after["triggers"] == []  # no reminder for a cancelled event
    out = cli.ok("export", "ics", "-o", str(cli.path.parent / "campaign.ics"))
    assert "1 event(s); 1 cancelled (no longer dated); 7 never dated left out." in out

    cli.ok("milestone", "reschedule", "closing", "2026-02-16")
    again = _by_uid(_export(cli))[UID.format("closing")]
    assert again["status"] == "CONFIRMED" and again["sequence"] > after["sequence"]
    assert again["start"] == date(2026, 2, 16)


def test_a_removed_milestone_is_sent_cancelled_while_the_record_holds_it(cli) -> None:
    before = _by_uid(_export(cli))[UID.format("interviews")]
    text = cli.path.read_text(encoding="utf-8")
    marked = text.replace('label = "early March 2026"\n', 'label = "early March 2026"\n'
                          "removed = 2026-02-02\n")  # fmt: skip
    assert marked != text
    cli.path.write_text(marked, encoding="utf-8")
    raw = _export(cli)
    after = _by_uid(raw)[UID.format("interviews")]
    assert after["status"] == "CANCELLED" and after["sequence"] == before["sequence"] + 1
    assert after["summary"].endswith("(removed)")
    assert after["start"] == date(2026, 3, 1)


def test_one_outlook_safe_alarm_per_event_by_default(cli) -> None:
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30", "--remind", "7,0")
    cli.ok("milestone", "add", "Briefing", "2026-02-20", "--remind", "0")
    raw = _export(cli)
    events = _by_uid(raw)
    for event in events.values():
        assert len(event["triggers"]) <= 1
        assert all(trigger <= timedelta(0) for trigger in event["triggers"])  # before the start
    # 09:00 the day before an all-day event is 15 hours before its start.
    assert events[UID.format("closing")]["triggers"] == [timedelta(hours=-15)]
    assert b"TRIGGER:-PT15H\r\n" in raw
    # A timed event: 09:00 seven days before its 14:30 start (its only day other than 0).
    assert events[UID.format("shortlist-panel")]["triggers"] == [
        timedelta(days=-7, hours=-5, minutes=-30)
    ]
    assert events[UID.format("briefing")]["triggers"] == [timedelta(0)]  # at the start
    assert all(not e["triggers"] for e in _by_uid(_export(cli, "--alarms", "none")).values())
    assert len(_by_uid(_export(cli, "--alarms", "all"))[UID.format("closing")]["triggers"]) == 5


def test_a_timed_milestone_lasts_an_hour(cli) -> None:
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30")
    panel = _by_uid(_export(cli))[UID.format("shortlist-panel")]
    start = datetime(2026, 3, 20, 14, 30, tzinfo=ZoneInfo("Europe/London"))
    assert panel["start"] == start and panel["end"] == start + timedelta(hours=1)


def test_every_text_property_is_escaped_for_a_strict_reader(cli) -> None:
    text = cli.path.read_text(encoding="utf-8")
    title = 'title = "Director General for Technology, Digital and Data"'
    assert title in text
    cli.path.write_text(text.replace(title, 'title = "DG; Tech, Data \\\\ Ops"'), "utf-8")
    raw = _export(cli)
    assert b"X-WR-CALNAME:DG\\; Tech\\, Data \\\\ Ops\r\n" in raw
    parsed = vobject.readOne(raw.decode("utf-8"))
    assert parsed.contents["x-wr-calname"][0].value == "DG; Tech, Data \\ Ops"


def _pinned_record(cli: Cli) -> None:
    """Every kind of event, with the clock taken out of the history (fixed `at`)."""
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30", "--remind", "7,1")
    cli.ok("milestone", "reschedule", "offer", "2026-04-15")
    cli.ok("milestone", "reschedule", "closing", "tbc", "--reason", "Extended; new advert")
    text = cli.path.read_text(encoding="utf-8")
    stamps = iter(range(100))
    text = re.sub(
        r"\bat = [-0-9]+ [:0-9.]+\+00:00",  # history times (UTC), not a milestone's `at`
        lambda _: f"at = 2026-02-02 09:{next(stamps):02d}:00+00:00",
        text,
    )
    text = text.replace('title = "Offer"\n', 'title = "Offer"\nremoved = 2026-02-02\n')
    # A record made before calendar tokens (its UIDs as they always were): pinned bytes.
    text = re.sub(r'\ncalendar = "[0-9a-f]+"\n', "\n", text)
    cli.path.write_text(text, encoding="utf-8")


def test_the_bytes_are_pinned(cli) -> None:
    """The exact file for a record with every case: a new icalendar must not change it."""
    _pinned_record(cli)
    raw = _export(cli)
    assert raw == (GOLDEN / "campaign.ics").read_bytes()
    events = _by_uid(raw)
    assert {uid.split("@")[0]: e["status"] for uid, e in events.items()} == {
        "closing": "CANCELLED",
        "interviews": "CONFIRMED",
        "offer": "CANCELLED",
        "shortlist-panel": "CONFIRMED",
    }
