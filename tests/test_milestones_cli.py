"""Milestones: list, add, done and reschedule (with history) through the CLI."""

import json


def test_list_shows_ids_and_countdowns(cli) -> None:
    out = cli.ok("milestone", "list")
    for text in ("closing", "Applications close", "in 7 days", "interviews", "tbc"):
        assert text in out
    listed = json.loads(cli.ok("milestone", "list", "--json"))
    assert [m["id"] for m in listed][:2] == ["closing", "sift"]


def test_add_in_date_order_with_reminders(cli) -> None:
    out = cli.ok(
        "milestone",
        "add",
        "Shortlist meeting with the Commissioner",
        "w/c 16 Feb 2026",
        "--id",
        "commissioner",
        "--remind",
        "7,1",
    )
    assert "commissioner" in out and "w/c 16 February 2026" in out
    milestones = cli.data()["milestones"]
    ids = [m["id"] for m in milestones]
    # Before the first later-dated milestone; those still tbc keep their place.
    assert ids.index("commissioner") == ids.index("interviews") - 1
    assert ids[:4] == ["closing", "sift", "shortlist", "assessment"]
    added = milestones[ids.index("commissioner")]
    assert str(added["start"]) == "2026-02-16" and str(added["end"]) == "2026-02-22"
    assert added["remind_days"] == [7, 1]
    assert added["history"][0]["change"] == "added"


def test_add_timed_and_tbc_and_generated_id(cli) -> None:
    cli.ok("milestone", "add", "Panel briefing", "2026-02-20 14:30")
    cli.ok("milestone", "add", "Press notice", "tbc")
    by_id = {m["id"]: m for m in cli.data()["milestones"]}
    assert str(by_id["panel-briefing"]["at"]) == "2026-02-20 14:30:00"
    assert by_id["press-notice"]["tbc"] is True
    result = cli("milestone", "add", "Another", "tbc", "--id", "closing")
    assert result.exit_code == 1 and "already a milestone" in result.output


def test_done_and_reschedule_keep_history(cli) -> None:
    cli.ok("milestone", "reschedule", "interviews", "mid March 2026", "--reason", "Panel diary")
    cli.ok("milestone", "reschedule", "sift", "2026-02-16")
    interviews = next(m for m in cli.data()["milestones"] if m["id"] == "interviews")
    assert str(interviews["start"]) == "2026-03-11" and interviews["label"] == "mid March 2026"
    change = interviews["history"][-1]
    assert change["before"] == "early March 2026" and change["after"] == "mid March 2026"
    assert change["reason"] == "Panel diary" and change["by"] == "tester"
    out = cli.ok("milestone", "done", "closing", "--on", "9 Feb 2026", as_of="2026-02-10")
    assert "Mon 9 Feb 2026" in out
    closing = cli.data()["milestones"][0]
    assert str(closing["done"]) == "2026-02-09"
    result = cli("milestone", "done", "closing", as_of="2026-02-10")
    assert result.exit_code == 1 and "already marked done" in result.output


def test_unknown_milestone_suggests(cli) -> None:
    result = cli("milestone", "done", "closng")
    assert result.exit_code == 1 and "Did you mean closing" in result.output
