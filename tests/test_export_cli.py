"""`export ics|csv|json` through the CLI: what reaches stdout or the file, byte for byte."""

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from conftest import AS_OF, installed_dgtracker

UID = "{}@dhsc-dg-tdd-2026.dgtracker"


def _calendar(cli, *args: str, as_of: str = "2026-02-02") -> tuple[bytes, Calendar]:
    result = cli("export", "ics", *args, as_of=as_of)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes, Calendar.from_ical(result.stdout_bytes)


def _events(calendar: Calendar) -> dict[str, object]:
    # Keyed by UID with the record's random calendar token taken out (test_slots.py
    # checks the token itself).
    return {_token_aside(str(event["UID"])): event for event in calendar.walk("VEVENT")}


def _token_aside(uid: str) -> str:
    return re.sub(r"@[0-9a-f]{10}\.", "@", uid)


def _triggers(event) -> list[timedelta]:
    return [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]


# --- ics ---------------------------------------------------------------------------


def test_ics_has_all_day_and_window_events_and_leaves_out_tbc(cli) -> None:
    raw, calendar = _calendar(cli)
    events = _events(calendar)
    assert set(events) == {UID.format("closing"), UID.format("interviews")}
    closing = events[UID.format("closing")]
    assert closing.decoded("DTSTART") == date(2026, 2, 9)
    assert closing.decoded("DTEND") == date(2026, 2, 10)  # exclusive: one whole day
    assert str(closing["SUMMARY"]) == "Applications close"
    interviews = events[UID.format("interviews")]
    assert interviews.decoded("DTSTART") == date(2026, 3, 1)
    assert interviews.decoded("DTEND") == date(2026, 3, 11)  # early March: 1 to 10
    assert b"DTSTART;VALUE=DATE:20260209" in raw
    assert b"X-WR-CALNAME:Director General for Technology\\, Digital and Data\r\n" in raw
    assert b"sift@" not in raw  # "to be confirmed": no event


def test_ics_alarms_all_follow_each_milestones_reminder_days(cli) -> None:
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30", "--remind", "7,0")
    cli.ok("milestone", "add", "Briefing", "2026-02-20", "--remind", "2")
    _, calendar = _calendar(cli, "--alarms", "all")
    events = _events(calendar)
    # The default days (14, 7, 3, 1, 0), each at 09:00 on that day.
    assert _triggers(events[UID.format("closing")]) == [
        timedelta(days=-days, hours=9) for days in (14, 7, 3, 1, 0)
    ]
    assert _triggers(events[UID.format("briefing")]) == [timedelta(days=-2, hours=9)]
    # A timed milestone: 09:00 seven days before, and 09:00 on the day (5.5 h before 14:30).
    panel = events[UID.format("shortlist-panel")]
    assert _triggers(panel) == [
        timedelta(days=-7, hours=-5, minutes=-30),
        timedelta(hours=-5, minutes=-30),
    ]
    alarm = panel.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Shortlist panel in 7 days (Fri 20 Mar 2026 14:30)"


def test_ics_timed_milestone_is_in_the_campaigns_time_zone(cli) -> None:
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30")
    raw, calendar = _calendar(cli)
    panel = _events(calendar)[UID.format("shortlist-panel")]
    start = panel.decoded("DTSTART")
    assert start == datetime(2026, 3, 20, 14, 30, tzinfo=ZoneInfo("Europe/London"))
    assert panel.decoded("DTEND") == start + timedelta(hours=1)  # the record gives no end
    assert b"DTSTART;TZID=Europe/London:20260320T143000" in raw
    assert [tz.tz_name for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_ics_has_no_alarms_for_a_milestone_marked_done(cli) -> None:
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-09")
    _, calendar = _calendar(cli, as_of="2026-02-09")
    closing = _events(calendar)[UID.format("closing")]
    assert _triggers(closing) == []
    assert "Done on Mon 9 Feb 2026." in str(closing["DESCRIPTION"])


def test_ics_text_is_escaped_and_folded(cli) -> None:
    title = "Panel; room 4, floor 2 \\ annexe — " + "a long title " * 8
    cli.ok("milestone", "add", title.strip(), "2026-03-20", "--id", "panel")
    reason = "Chair unavailable;\nnew date, agreed"
    cli.ok("milestone", "reschedule", "panel", "2026-03-23", "--reason", reason)
    raw, calendar = _calendar(cli)
    assert b"SUMMARY:Panel\\; room 4\\, floor 2 \\\\ annexe" in raw
    assert b"Chair unavailable\\;\\nnew date\\, agreed" in raw.replace(b"\r\n ", b"")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""  # every line ends with CRLF
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    assert b"\n" not in raw.replace(b"\r\n", b"")
    panel = _events(calendar)[UID.format("panel")]
    assert str(panel["SUMMARY"]) == title.strip()
    assert str(panel["DESCRIPTION"]).endswith("Rescheduled: " + reason)
    assert panel.decoded("DTSTART") == date(2026, 3, 23)


def test_ics_is_the_same_bytes_for_an_unchanged_record_on_any_day(cli) -> None:
    cli.ok("milestone", "add", "Shortlist panel", "2026-03-20 14:30")
    first, _ = _calendar(cli, as_of="2026-02-02")
    again, _ = _calendar(cli, as_of="2026-03-01")
    assert again == first


def test_ics_a_rescheduled_milestone_keeps_its_uid_and_supersedes_the_old_event(cli) -> None:
    _, before = _calendar(cli)
    cli.ok("milestone", "reschedule", "closing", "2026-02-16", "--reason", "More time")
    _, after = _calendar(cli)
    old = _events(before)[UID.format("closing")]
    new = _events(after)[UID.format("closing")]
    assert new.decoded("DTSTART") == date(2026, 2, 16)
    assert new.decoded("SEQUENCE") > old.decoded("SEQUENCE")
    assert new.decoded("DTSTAMP") > old.decoded("DTSTAMP")
    assert len(_events(after)) == len(_events(before))


# --- csv ---------------------------------------------------------------------------


def _rows(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_csv_lists_candidates_with_stage_days_and_notes(cli) -> None:
    cli.ok(
        "add-candidate",
        "Ada Lovelace",
        "--email",
        "ada@example.org",
        "--source",
        "advert",
        "--applied",
        "2026-01-20",
        "--note",
        "Strong on data",
        as_of="2026-01-20",
    )
    cli.ok("move", "c001", "longlist", "--on", "2026-01-28", "--note", "Good sift")
    cli.ok("add-candidate", "Zoë Brontë, OBE", "--phone", "020 7946 0000")
    result = cli("export", "csv")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.count(b"\r\n") == 3  # CRLF line ends
    header, ada, zoe = _rows(raw)
    assert header == [
        "id",
        "name",
        "email",
        "phone",
        "source",
        "stage",
        "applied",
        "days in stage",
        "last change",
        "notes",
        # Added columns come after the first ten, which keep their names and order.
        "stage title",
        "outcome",
        "reason",
        "reserve rank",
        "outcome date",
    ]
    assert ada == [
        "c001",
        "Ada Lovelace",
        "ada@example.org",
        "",
        "advert",
        "longlist",
        "2026-01-20",
        "5",
        "2026-01-28",
        "Strong on data\nGood sift",
        "Longlist (sift)",
        "",  # no outcome yet
        "",
        "",
        "",
    ]
    assert zoe[:7] == ["c002", "Zoë Brontë, OBE", "", "020 7946 0000", "", "applied", "2026-02-02"]


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(cli) -> None:
    for name in ('=HYPERLINK("http://x")', "@SUM(1)", "+1", "-1", "'=quoted already"):
        cli.ok("add-candidate", "--", name)
    cli.ok("add-candidate", "Safe Name", "--phone", "+44 20 7946 0000")
    cli.ok("note", "c006", "PLACEHOLDER")
    # Only a hand edit can start a note with a tab (typed notes are trimmed).
    text = cli.path.read_text(encoding="utf-8").replace("PLACEHOLDER", "\\tindented note")
    cli.path.write_text(text, encoding="utf-8")
    _, *rows = _rows(cli("export", "csv").stdout_bytes)
    names = [row[1] for row in rows]
    assert names == [
        '\'=HYPERLINK("http://x")',
        "'@SUM(1)",
        "'+1",
        "'-1",
        "''=quoted already",
        "Safe Name",
    ]
    assert rows[-1][3] == "'+44 20 7946 0000"  # phones too: the accepted OWASP trade-off
    assert rows[-1][9] == "'\tindented note"


def test_csv_without_bom_for_scripts(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    raw = cli("export", "csv", "--no-bom").stdout_bytes
    assert raw.startswith(b"id,name,")


def test_csv_of_an_empty_record_is_just_the_header(cli) -> None:
    raw = cli("export", "csv").stdout_bytes
    [header] = _rows(raw)
    assert header[0] == "id"
    assert raw.endswith(b"notes,stage title,outcome,reason,reserve rank,outcome date\r\n")


# --- json --------------------------------------------------------------------------


def test_json_export_is_the_whole_record(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--note", "First")
    cli.ok("move", "c001", "longlist")
    cli.ok("milestone", "reschedule", "closing", "2026-02-16", "--reason", "More time")
    result = cli("export", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-02-02"
    assert data["campaign"]["id"] == "dhsc-dg-tdd-2026"
    assert data["campaign"]["description"] == "Final panel chaired by a Civil Service Commissioner."
    assert data["retention"] == {"anonymise_after_months": 6, "reserve_months": 12}
    assert [stage["id"] for stage in data["stages"]][:2] == ["applied", "longlist"]
    assert data["stages"][-1] == {
        "id": "withdrawn",
        "title": "Withdrawn",
        "kind": "outcome",
        "needs_reason": True,
        "limit_days": None,
    }
    closing = data["milestones"][0]
    assert closing["id"] == "closing" and closing["start"] == "2026-02-16"
    assert closing["remind_days"] == [14, 7, 3, 1, 0]
    [change] = closing["history"]
    assert change["change"] == "rescheduled" and change["reason"] == "More time"
    assert change["before"] == "2026-02-09" and change["after"] == "2026-02-16"
    [ada] = data["candidates"]
    assert ada["stage"] == "longlist" and ada["notes"] == ["First"]
    assert [event["action"] for event in ada["history"]] == ["added", "moved"]
    assert data["pipeline"]["longlist"] == 1
    # status --json is a subset of it, field for field.
    status = json.loads(cli.ok("status", "--json"))
    for key, value in status.items():
        if key not in {"campaign", "milestones"}:
            assert data[key] == value, key


# --- -o PATH -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ics", "csv", "json"])
def test_output_file_is_private_and_never_silently_replaced(cli, tmp_path, kind) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    target = tmp_path / f"out.{kind}"
    old_umask = os.umask(0o022)
    try:
        out = cli.ok("export", kind, "-o", str(target))
    finally:
        os.umask(old_umask)
    assert out.startswith(f"Wrote {target}")
    written = target.read_bytes()
    assert written == cli("export", kind).stdout_bytes  # the same as on stdout
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target.write_bytes(b"keep me")
    result = cli("export", kind, "-o", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert target.read_bytes() == b"keep me"

    if sys.platform != "win32":
        target.chmod(0o644)
    cli.ok("export", kind, "-o", str(target), "--force")
    assert target.read_bytes() == written
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_output_refuses_to_write_over_the_record(cli) -> None:
    before = cli.path.read_bytes()
    result = cli("export", "json", "-o", str(cli.path), "--force")
    assert result.exit_code == 1
    assert "is the record itself" in result.output
    assert cli.path.read_bytes() == before


def test_output_into_a_missing_folder_is_refused(cli, tmp_path) -> None:
    result = cli("export", "csv", "-o", str(tmp_path / "nowhere" / "out.csv"))
    assert result.exit_code == 1
    assert "Cannot create" in result.output
    assert "Traceback" not in result.output


def test_export_of_a_missing_record_exits_3(bare_cli) -> None:
    result = bare_cli("export", "ics")
    assert result.exit_code == 3
    assert "No record" in result.output


def test_installed_cli_writes_exact_bytes_whatever_the_stdout_encoding(cli, tmp_path) -> None:
    cli.ok("add-candidate", "Zoë Brontë", "--phone", "+44 20 7946 0000")
    cli.ok("milestone", "add", "Panel — Zoë's slot", "2026-03-20 14:30")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    for kind in ("ics", "csv", "json"):
        piped = subprocess.run(
            [installed_dgtracker(), "--file", str(cli.path), "--as-of", AS_OF, "export", kind],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert piped.returncode == 0, piped.stderr
        saved = tmp_path / f"export.{kind}"
        cli.ok("export", kind, "-o", str(saved))
        assert piped.stdout == saved.read_bytes(), kind
        assert "Zoë".encode() in piped.stdout
