"""`audit` through the CLI: each of the Commission's rules clean when it holds and a finding
(exit 1, its rule code, the ids and never a name) when it does not; read-only; `--as-of`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.conftest import Cli, in_process

CLOSES = "2026-02-09"
NAMES = ("Ada Quill", "Ben Oduya", "Cy Marsh")


def _findings(cli: Cli, *, as_of: str = "2026-02-02") -> tuple[int, dict]:
    done = cli("audit", "--json", as_of=as_of)
    assert done.exit_code in (0, 1), done.output
    return done.exit_code, json.loads(done.stdout)


def _rules(report: dict) -> list[str]:
    return [f["rule"] for f in report["findings"]]


@pytest.fixture
def small(record_path: Path) -> Cli:
    """A blank campaign closing 9 Feb 2026 with one criterion, a chair, three candidates."""
    cli = Cli(record_path)
    cli.ok("init", "--title", "Director of Audit", "--closes", CLOSES, as_of="2026-01-05")
    cli.ok("criteria", "add", "lead", "Leadership", "--kind", "behaviour", "--assess",
           "interview", as_of="2026-01-05")  # fmt: skip
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair", as_of="2026-01-05")
    for name in NAMES:
        cli.ok("add-candidate", name, "--stage", "interview", as_of="2026-01-20")
    return cli


def test_a_missing_chair_is_a_finding_then_clean_once_a_commissioner_chairs(tmp_path):
    path = tmp_path / "campaign.toml"
    env = {"DGTRACKER_FILE": str(path), "DGTRACKER_TODAY": "2026-02-02"}
    assert in_process("init", env=env).returncode == 0
    before = path.read_bytes()
    done = in_process("audit", env=env)
    assert done.returncode == 1
    assert done.stdout.startswith("no-chair: The panel has no chair.")
    assert "dgtracker panel add NAME --role chair --commissioner" in done.stdout
    assert "1 finding(s)" in done.stdout
    assert path.read_bytes() == before  # audit only reads
    # The DHSC record is an SCS3 external competition, so the chair must be a Commissioner.
    data = path.read_text(encoding="utf-8")
    assert 'band = "SCS3"' in data and "external = true" in data
    assert in_process("panel", "add", "Sam Lee", "--role", "chair", env=env).returncode == 0
    done = in_process("audit", "--json", env=env)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert _rules(report) == ["chair-not-commissioner"]
    assert report["findings"][0]["ids"] == ["panel.members[0]"]
    assert "Sam Lee" not in done.stdout
    assert in_process("panel", "add", "Dame Jo Bloggs", "--role", "chair", "--commissioner",
                      env=env).returncode == 0  # fmt: skip
    done = in_process("audit", env=env)
    assert done.returncode == 0, done.stdout
    assert "No findings" in done.stdout
    text = path.read_text(encoding="utf-8")
    assert '{ name = "Dame Jo Bloggs", role = "chair", commissioner = true }' in text


def test_a_chair_need_not_be_a_commissioner_outside_scs3_external(small: Cli) -> None:
    code, report = _findings(small)
    assert (code, report["findings"], report["clean"]) == (0, [], True)


def _agree(cli: Cli, marks: dict[str, int], on: str = "2026-03-02") -> None:
    for cid, mark in marks.items():
        cli.ok("score", cid, "interview", f"lead={mark}", "--agreed", as_of=on)


def test_an_appointment_out_of_merit_is_a_finding(small: Cli) -> None:
    _agree(small, {"c001": 6, "c002": 5, "c003": 3})
    small.ok("move", "c002", "appointed", as_of="2026-03-10")
    code, report = _findings(small, as_of="2026-03-10")
    assert code == 1 and _rules(report) == ["appointed-out-of-merit"]
    finding = report["findings"][0]
    assert finding["ids"] == ["c002", "c001"]
    assert "placed 2 in merit order" in finding["detail"]
    assert not any(name in json.dumps(report) for name in NAMES)
    # As it stood before the appointment, the same record is clean (--as-of replays).
    code, report = _findings(small, as_of="2026-03-05")
    assert code == 0, report


def test_appointing_the_first_in_merit_order_is_clean(small: Cli) -> None:
    _agree(small, {"c001": 6, "c002": 5, "c003": 3})
    small.ok("move", "c001", "appointed", as_of="2026-03-10")
    assert _findings(small, as_of="2026-03-10")[0] == 0


def test_appointing_someone_below_the_bar_is_a_finding(small: Cli) -> None:
    _agree(small, {"c001": 6, "c002": 5, "c003": 3})
    small.ok("move", "c003", "appointed", as_of="2026-03-10")
    code, report = _findings(small, as_of="2026-03-10")
    assert code == 1 and "below the bar" in report["findings"][0]["detail"]


def test_a_conflicted_members_marks_are_a_finding(small: Cli) -> None:
    small.ok("panel", "add", "Raj Patel", as_of="2026-03-01")
    small.ok("score", "c002", "interview", "lead=5", "--member", "Raj Patel", as_of="2026-03-02")
    assert _findings(small, as_of="2026-03-02")[0] == 0  # no conflict declared: clean
    small.ok("panel", "conflict", "Raj Patel", "c002", as_of="2026-03-03")
    code, report = _findings(small, as_of="2026-03-03")
    assert code == 1 and _rules(report) == ["conflicted-marks"]
    assert report["findings"][0]["ids"] == ["c002", "panel.members[1]"]
    assert "Raj Patel" not in json.dumps(report)


def test_criteria_added_or_changed_after_closing_are_a_finding(small: Cli) -> None:
    assert _findings(small, as_of="2026-02-20")[0] == 0  # set on 5 Jan: clean
    assert small.data()["criteria"][0]["changed"].isoformat() == "2026-01-05"
    small.ok("criteria", "change", "lead", "--title", "Leading people", as_of="2026-02-20")
    code, report = _findings(small, as_of="2026-02-20")
    assert code == 1 and _rules(report) == ["criteria-after-closing"]
    assert report["findings"][0]["ids"] == ["lead"]
    assert small.data()["criteria"][0]["changed"].isoformat() == "2026-02-20"
    assert _findings(small, as_of="2026-02-19")[0] == 0  # as it stood before the change


def test_a_criterion_of_an_older_record_without_a_day_is_not_a_finding(small: Cli) -> None:
    text = small.path.read_text(encoding="utf-8")
    small.path.write_text(re.sub(r"changed = \S+\n", "", text), encoding="utf-8")
    assert "changed" not in small.data()["criteria"][0]
    assert _findings(small, as_of="2026-02-20")[0] == 0


def test_anyone_without_an_outcome_after_the_appointment_is_a_finding(small: Cli) -> None:
    _agree(small, {"c001": 6})
    small.ok("move", "c001", "appointed", as_of="2026-03-10")
    small.ok("move", "c002", "rejected", "--reason", "Below the bar", as_of="2026-03-10")
    assert _findings(small, as_of="2026-03-10")[0] == 0  # the appointment not made yet
    small.ok("milestone", "done", "appointment", "--early", as_of="2026-03-11")
    code, report = _findings(small, as_of="2026-03-11")
    assert code == 1 and _rules(report) == ["no-outcome"]
    assert report["findings"][0]["ids"] == ["c003"]
    small.ok("move", "c003", "rejected", "--reason", "Below the bar", as_of="2026-03-12")
    assert _findings(small, as_of="2026-03-12")[0] == 0


def test_a_reserve_list_beyond_twelve_months_is_a_finding(small: Cli) -> None:
    small.ok("move", "c002", "reserve", "--rank", "1", as_of="2026-03-10")
    assert _findings(small, as_of="2027-03-10")[0] == 0  # twelve months: clean
    code, report = _findings(small, as_of="2027-03-11")
    assert code == 1 and _rules(report) == ["reserve-too-long"]
    assert report["findings"][0]["ids"] == ["c002"]


def test_the_reserve_list_runs_from_the_appointment(small: Cli) -> None:
    _agree(small, {"c001": 6, "c002": 5})
    small.ok("move", "c001", "appointed", as_of="2026-03-10")
    small.ok("move", "c002", "reserve", "--rank", "1", as_of="2026-04-01")
    small.ok("move", "c003", "rejected", "--reason", "Not appointable", as_of="2026-04-01")
    assert _findings(small, as_of="2027-03-10")[0] == 0
    code, report = _findings(small, as_of="2027-03-11")
    assert code == 1 and _rules(report) == ["reserve-too-long"]
    assert "since 2026-03-10" in report["findings"][0]["detail"]


def test_a_record_keeping_reserves_longer_than_twelve_months_is_a_finding(small: Cli) -> None:
    text = small.path.read_text(encoding="utf-8")
    small.path.write_text(text.replace("reserve_months = 12", "reserve_months = 18"), "utf-8")
    code, report = _findings(small)
    assert code == 1 and _rules(report) == ["reserve-too-long"]
    assert "retention.reserve_months" in report["findings"][0]["detail"]


def test_a_rejection_without_a_reason_is_a_finding(small: Cli) -> None:
    small.ok("move", "c003", "rejected", "--reason", "Below the bar", as_of="2026-03-10")
    assert _findings(small, as_of="2026-03-10")[0] == 0
    # A record whose own rules were relaxed by hand (the rejected stage no longer asks for a
    # reason) lets a rejection through without one; the Commission's rule still holds.
    text = small.path.read_text(encoding="utf-8")
    relaxed = text.replace(
        'id = "rejected", title = "Not progressed", kind = "outcome", needs_reason = true',
        'id = "rejected", title = "Not progressed", kind = "outcome"',
    )
    assert relaxed != text
    small.path.write_text(relaxed, encoding="utf-8")
    small.ok("move", "c002", "rejected", as_of="2026-03-10")
    code, report = _findings(small, as_of="2026-03-10")
    assert code == 1 and _rules(report) == ["no-reason"]
    assert report["findings"][0]["ids"] == ["c002"]


def test_every_rule_is_checked(small: Cli) -> None:
    _, report = _findings(small)
    assert report["not_checked"] == []
    assert "disability-confident" in [r["rule"] for r in report["rules"]]


def test_remind_names_the_findings_by_count_each_day_they_stand(small: Cli) -> None:
    assert "audit" not in small.ok("remind", as_of="2026-03-05")  # clean: nothing to say
    small.ok("panel", "add", "Raj Patel", as_of="2026-03-05")
    small.ok("score", "c002", "interview", "lead=5", "--member", "Raj Patel", as_of="2026-03-05")
    small.ok("panel", "conflict", "Raj Patel", "c002", as_of="2026-03-05")
    lines = small.ok("remind", as_of="2026-03-05").splitlines()
    assert [line for line in lines if "audit" in line] == [
        "1 audit finding (conflicted-marks): run dgtracker audit"
    ]
    reminders = json.loads(small.ok("remind", "--json", as_of="2026-03-06"))
    assert [r for r in reminders if r["kind"] == "audit"] == [
        {
            "kind": "audit",
            "subject": "audit",
            "due": "2026-03-06",
            "days": 0,
            "message": "1 audit finding (conflicted-marks): run dgtracker audit",
        }
    ]
    said = json.dumps([r for r in reminders if r["kind"] == "audit"])
    assert "Raj" not in said and "c002" not in said


def test_remind_says_nothing_of_the_audit_for_a_record_without_a_panel(cli: Cli) -> None:
    assert cli("audit").exit_code == 1  # no chair
    assert "audit" not in cli.ok("remind", "--within", "30")
