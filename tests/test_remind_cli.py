"""`dgtracker remind`: what needs attention on a day, in plain lines or JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import tomli_w

CLOSING_WHEN = "(Mon 9 Feb 2026)"


def _remind(cli, *args: str, as_of: str) -> list[str]:
    return cli.ok("remind", *args, as_of=as_of).splitlines()


def _remind_json(cli, *args: str, as_of: str) -> list[dict]:
    return json.loads(cli.ok("remind", "--json", *args, as_of=as_of))


def _edit(cli, change) -> None:
    """Change the record as a person editing the file would."""
    data = cli.data()
    change(data)
    cli.path.write_text(tomli_w.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("as_of", "countdown"),
    [
        ("2026-01-26", "in 14 days"),
        ("2026-02-02", "in 7 days"),
        ("2026-02-06", "in 3 days"),
        ("2026-02-08", "tomorrow"),
        ("2026-02-09", "today"),
    ],
)
def test_closing_on_its_reminder_days(cli, as_of, countdown) -> None:
    assert _remind(cli, as_of=as_of) == [f"Applications close {countdown} {CLOSING_WHEN}"]
    [reminder] = _remind_json(cli, as_of=as_of)
    assert reminder["kind"] == "milestone" and reminder["subject"] == "closing"
    assert reminder["due"] == "2026-02-09"


@pytest.mark.parametrize("as_of", ["2025-06-01", "2026-01-27", "2026-02-04", "2026-02-07"])
def test_silent_when_nothing_is_due(cli, as_of) -> None:
    result = cli("remind", as_of=as_of)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.output == ""  # nothing on stderr either: cron would mail it
    assert cli.ok("remind", "--json", as_of=as_of) == "[]\n"


def test_overdue_until_marked_done_then_the_next_date_is_wanted(cli) -> None:
    lines = _remind(cli, as_of="2026-02-10")
    assert lines == [
        f"Applications close was due yesterday {CLOSING_WHEN} and is not marked done",
        "Sift and longlist: date still to be confirmed, and Applications close has passed "
        f"{CLOSING_WHEN}",
    ]
    assert _remind(cli, as_of="2026-02-20")[0].startswith("Applications close was due 11 days ago")

    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-10")
    after = _remind_json(cli, as_of="2026-02-10")
    assert [(r["kind"], r["subject"]) for r in after] == [("tbc", "sift")]
    assert "has passed (done Mon 9 Feb 2026)" in after[0]["message"]


def test_tbc_chain_moves_on_when_a_date_is_set(cli) -> None:
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-10")
    cli.ok("milestone", "reschedule", "sift", "2026-02-16", as_of="2026-02-10")
    assert cli.ok("remind", as_of="2026-02-11") == ""  # sift is dated; shortlist waits on it
    cli.ok("milestone", "done", "sift", as_of="2026-02-16")
    assert _remind(cli, as_of="2026-02-17") == [
        "Shortlist meeting: date still to be confirmed, and Sift and longlist has passed "
        "(done Mon 16 Feb 2026)"
    ]


def test_milestone_reminder_days_from_the_record(cli) -> None:
    cli.ok("milestone", "add", "Panel briefing", "2026-02-05 14:30", "--remind", "2")
    assert _remind(cli, as_of="2026-02-02") == [f"Applications close in 7 days {CLOSING_WHEN}"]
    assert _remind(cli, as_of="2026-02-03") == ["Panel briefing in 2 days (Thu 5 Feb 2026 14:30)"]
    assert cli.ok("remind", as_of="2026-02-05") == ""  # 0 is not one of its days


def test_window_reminders_count_to_its_start(cli) -> None:
    cli.ok("milestone", "done", "closing", "--on", "2026-02-09", as_of="2026-02-10")
    for tbc in ("sift", "shortlist", "assessment"):
        cli.ok("milestone", "reschedule", tbc, "2026-02-12", as_of="2026-02-10")
    for tbc in ("sift", "shortlist", "assessment"):
        cli.ok("milestone", "done", tbc, as_of="2026-02-12")
    assert _remind(cli, as_of="2026-02-22") == [
        "Final interviews (panel chaired by a Civil Service Commissioner) in 7 days "
        "(early March 2026, 1–10 Mar)"
    ]
    assert cli.ok("remind", as_of="2026-03-03") == ""  # under way
    [overdue] = _remind_json(cli, as_of="2026-03-12")[:1]
    assert overdue["kind"] == "overdue" and overdue["subject"] == "interviews"
    assert overdue["days"] == -2 and "ended 2 days ago" in overdue["message"]


def _candidates_in_stages(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-01")  # 32 days at applied
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20")  # 13 days: fine
    cli.ok("add-candidate", "Alan Turing", "--applied", "2026-01-05")
    cli.ok("move", "c003", "longlist", "--on", "2026-01-15")  # 18 days at longlist (limit 14)
    cli.ok("add-candidate", "Mary Somerville", "--applied", "2025-11-01")
    cli.ok("move", "c004", "withdrawn", "--reason", "Took another post", "--on", "2025-11-02")


def test_candidates_past_their_stage_limit(cli) -> None:
    _candidates_in_stages(cli)
    # Applied is not stale before applications close (9 Feb): no one could act on it yet.
    assert _remind(cli, as_of="2026-02-02") == [
        "c003 Alan Turing has been at Longlist (sift) for 18 days (limit 14)",
        f"Applications close in 7 days {CLOSING_WHEN}",
    ]
    by_subject = {r["subject"]: r for r in _remind_json(cli, as_of="2026-02-02")}
    assert by_subject["c003"]["kind"] == "stage_limit"
    assert by_subject["c003"]["due"] == "2026-01-29" and by_subject["c003"]["days"] == -4
    assert "c001" not in by_subject  # at Applied, before the closing date
    assert "c002" not in by_subject and "c004" not in by_subject  # in time; an outcome
    late = {r["subject"]: r for r in _remind_json(cli, as_of="2026-03-03")}
    assert late["c001"]["due"] == "2026-03-02" and late["c001"]["days"] == -1


def test_stage_limit_starts_the_day_after_the_limit(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20")
    # The Applied clock starts when applications close (9 Feb): limit day 2 March.
    assert "c001" not in cli.ok("remind", as_of="2026-03-02")
    assert "c001 Grace Hopper has been at Applied for 22 days" in cli.ok(
        "remind", as_of="2026-03-03"
    )


def test_stage_without_a_limit_uses_the_default(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-05", as_of="2026-01-10")
    cli.ok("move", "c001", "longlist", as_of="2026-01-10")

    def no_limit(data: dict) -> None:
        del data["stages"][1]["limit_days"]

    _edit(cli, no_limit)
    assert "c001" not in cli.ok("remind", as_of="2026-01-31")  # day 21 of 21
    assert "c001 Ada Lovelace has been at Longlist (sift) for 22 days (limit 21)" in cli.ok(
        "remind", as_of="2026-02-01"
    )


def test_names_are_shown_as_typed(cli) -> None:
    cli.ok("add-candidate", "[bold]Zoë[/bold] Brontë", "--applied", "2026-01-01")
    out = cli.ok("remind", as_of="2026-03-03")
    assert "c001 [bold]Zoë[/bold] Brontë has been at Applied" in out
    assert "\x1b" not in out


def _appointed_with_reserve(cli) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Mary Somerville"):
        cli.ok("add-candidate", name, "--applied", "2026-01-20")
    day = "2026-03-20"
    cli.ok("move", "c001", "appointed", "--on", day, as_of=day)
    cli.ok("move", "c003", "reserve", "--rank", "2", "--on", day, as_of=day)
    cli.ok("move", "c002", "reserve", "--rank", "1", "--on", day, as_of=day)
    cli.ok("move", "c004", "rejected", "--reason", "Not appointable", "--on", day, as_of=day)


def _reserve(cli, *args: str, as_of: str) -> list[dict]:
    return [r for r in _remind_json(cli, *args, as_of=as_of) if r["kind"] == "reserve"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2027-02-18", "Reserve list places expire in 30 days (Sat 20 Mar 2027): c002, c003"),
        ("2027-03-13", "Reserve list places expire in 7 days (Sat 20 Mar 2027): c002, c003"),
        ("2027-03-20", "Reserve list places expire today (Sat 20 Mar 2027): c002, c003"),
        ("2027-03-21", "Reserve list places expired yesterday (Sat 20 Mar 2027): c002, c003"),
        ("2027-04-30", "Reserve list places expired 41 days ago (Sat 20 Mar 2027): c002, c003"),
    ],
)
def test_reserve_list_expiry(cli, as_of, message) -> None:
    _appointed_with_reserve(cli)
    [reminder] = _reserve(cli, as_of=as_of)
    assert reminder["message"] == message
    assert reminder["subject"] == "reserve" and reminder["due"] == "2027-03-20"
    assert message in cli.ok("remind", as_of=as_of).splitlines()


def test_reserve_list_quiet_between_reminder_days(cli) -> None:
    _appointed_with_reserve(cli)
    assert _reserve(cli, as_of="2027-02-17") == []  # 31 days before
    assert _reserve(cli, as_of="2027-02-19") == []  # 29 days: not a reminder day
    assert _reserve(cli, "--within", "30", as_of="2027-02-19")[0]["days"] == 29


def test_reserve_months_from_the_record(cli) -> None:
    _appointed_with_reserve(cli)

    def six_months(data: dict) -> None:
        data["retention"]["reserve_months"] = 6

    _edit(cli, six_months)
    [reminder] = _reserve(cli, as_of="2026-09-20")
    assert reminder["due"] == "2026-09-20" and reminder["days"] == 0


def test_reserve_list_without_purged_candidates(cli) -> None:
    _appointed_with_reserve(cli)

    def purge_c002(data: dict) -> None:
        c002 = next(c for c in data["candidates"] if c["id"] == "c002")
        c002["history"].append(
            {
                "at": dt.datetime(2027, 3, 25, tzinfo=dt.UTC),
                "on": dt.date(2027, 3, 25),
                "by": "tester",
                "action": "purged",
                "reason": "Reserve place expired",
            }
        )

    _edit(cli, purge_c002)
    [reminder] = _reserve(cli, as_of="2027-03-26")
    assert reminder["message"].endswith("(Sat 20 Mar 2027): c003")


def test_reserve_from_the_appointment_milestone(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20")
    cli.ok("move", "c001", "reserve", "--on", "2026-03-20", as_of="2026-03-20")
    assert _reserve(cli, "--within", "1000", as_of="2026-03-20") == []  # no appointment yet
    cli.ok("milestone", "done", "appointment", "--on", "2026-04-01", as_of="2026-04-01")
    [reminder] = _reserve(cli, "--within", "30", as_of="2027-03-04")
    assert reminder["due"] == "2027-04-01" and reminder["days"] == 28
    assert _reserve(cli, as_of="2027-03-25")[0]["message"] == (
        "Reserve list places expire in 7 days (Thu 1 Apr 2027): c001"
    )


def test_within_lists_everything_in_the_coming_days(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20")  # limit day 2 Mar
    assert cli.ok("remind", as_of="2026-02-03") == ""  # 6 days to closing: not a reminder day
    assert _remind(cli, "--within", "7", as_of="2026-02-03") == [
        f"Applications close in 6 days {CLOSING_WHEN}",
    ]
    assert (
        "c001 Grace Hopper reaches the 21-day limit at Applied in 7 days (14 days so far)"
        in _remind(cli, "--within", "7", as_of="2026-02-23")
    )
    assert _remind(cli, "--within", "5", as_of="2026-02-03") == []
    assert _remind(cli, "--within", "10", as_of="2026-02-20")[-2:] == [
        "Final interviews (panel chaired by a Civil Service Commissioner) in 9 days "
        "(early March 2026, 1–10 Mar)",
        "c001 Grace Hopper reaches the 21-day limit at Applied in 10 days (11 days so far)",
    ]
    under_way = _remind_json(cli, "--within", "7", as_of="2026-03-04")
    assert {key: under_way[-1][key] for key in ("kind", "subject", "due", "days")} == {
        "kind": "milestone",
        "subject": "interviews",
        "due": "2026-03-10",
        "days": 6,
    }
    assert "under way, ends in 6 days" in under_way[-1]["message"]


def test_most_urgent_first(cli) -> None:
    _candidates_in_stages(cli)
    reminders = _remind_json(cli, "--within", "30", as_of="2026-02-10")
    days = [r["days"] for r in reminders]
    assert days == sorted(days)
    assert reminders[0]["subject"] == "c003"  # the longest overdue
    kinds = [r["kind"] for r in reminders if r["days"] == -1]
    assert kinds == ["overdue", "tbc"]  # on the same day, the overdue milestone first


def test_json_shape(cli) -> None:
    _candidates_in_stages(cli)
    reminders = _remind_json(cli, as_of="2026-02-02")
    assert len(reminders) == 2
    for reminder in reminders:
        assert set(reminder) == {"kind", "subject", "due", "days", "message"}
        assert reminder["kind"] in {
            "milestone",
            "overdue",
            "tbc",
            "stage_limit",
            "reserve",
            "purge",
        }
        assert isinstance(reminder["days"], int) and isinstance(reminder["message"], str)
        assert len(reminder["due"]) == 10 and reminder["due"][4] == "-"
    assert reminders[-1] == {
        "kind": "milestone",
        "subject": "closing",
        "due": "2026-02-09",
        "days": 7,
        "message": f"Applications close in 7 days {CLOSING_WHEN}",
    }


def test_today_from_the_environment(cli, monkeypatch) -> None:
    monkeypatch.setenv("DGTRACKER_TODAY", "2026-02-08")
    assert cli.ok("remind", as_of=None) == f"Applications close tomorrow {CLOSING_WHEN}\n"


def test_usage_error(cli) -> None:
    result = cli("remind", "--within", "-1")
    assert result.exit_code == 2 and result.stdout == ""


def test_missing_record(bare_cli) -> None:
    missing = bare_cli("remind")
    assert missing.exit_code == 3 and "No record at" in missing.output
    assert "Traceback" not in missing.output and missing.stdout == ""


HOSTILE = "[bold]x\x1b[2J\x1b]0;t\x07\x9b\u202e\u200b\u2028\r"


def test_hand_edited_hostile_text_never_reaches_the_terminal(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-01")
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-01")
    cli.ok("move", "c002", "reserve", "--on", "2026-01-02")
    cli.ok("milestone", "done", "appointment", "--on", "2026-01-03")
    good = cli.path.read_text(encoding="utf-8")

    def markup(data: dict) -> None:  # printable, so it loads: shown as typed, never read
        data["milestones"][4]["label"] = "[bold]x[/bold] window"
        data["candidates"][0]["id"] = "c001[bold]x"
        data["candidates"][1]["id"] = "c002[link=https://evil.example]x"

    _edit(cli, markup)
    for as_of, shown in (("2026-02-15", "in 14 days"), ("2027-01-03", "Reserve list")):
        out = cli.ok("remind", "--within", "60", as_of=as_of)
        assert shown in out
        assert "[bold]x" in out or "[link=https://evil.example]x" in out
        assert json.loads(cli.ok("remind", "--json", as_of=as_of))

    def hostile(data: dict) -> None:  # control characters: no field may hold them
        data["milestones"][4]["label"] = HOSTILE  # the interviews window
        data["candidates"][0]["id"] = "c001" + HOSTILE
        data["candidates"][1]["id"] = "c002" + HOSTILE

    cli.path.write_text(good, encoding="utf-8")
    _edit(cli, hostile)
    for args in (("remind", "--within", "60"), ("remind", "--json")):
        result = cli(*args, as_of="2026-02-15")
        assert result.exit_code == 3 and "hidden or control character" in result.output
        for char in "\x1b\x07\x9b\u202e\u200b\u2028\r":
            assert char not in result.output, repr(char)


def test_a_digest_never_hides_todays_reminders(cli) -> None:
    daily = cli.ok("remind", as_of="2026-01-26")
    assert "Applications close in 14 days" in daily
    digest = cli.ok("remind", "--within", "7", as_of="2026-01-26")
    assert "Applications close in 14 days" in digest


def test_within_more_days_than_the_calendar_has_lists_everything_ahead(cli) -> None:
    """A digest over more days than are left before the last date a calendar has (9999)
    lists everything ahead, as any long one does (the slots' last day overflowed: an
    internal error, exit 70), on a record with an interview booked too."""
    cli.ok("add-candidate", "Grace Hopper", "--applied", "2026-01-20")
    cli.ok("schedule", "c001", "interview", "2026-03-03 10:00", as_of="2026-02-23")
    everything = _remind(cli, "--within", "100000", as_of="2026-02-23")
    assert any("c001" in line and "interview" in line.lower() for line in everything)
    for days in ("2913000", "99999999999"):
        assert _remind(cli, "--within", days, as_of="2026-02-23") == everything, days
