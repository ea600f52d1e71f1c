"""The record tells the truth (issue 10): dates derived from what is true now, rules kept
on every path, corrections that leave a trace, and the record as it stood on any day."""

from __future__ import annotations

import json


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
