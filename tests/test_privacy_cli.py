"""Personal data (UK GDPR): retention purge, erasure on request, subject access, no leaks."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tomllib

import pytest

OUTCOME = "2026-03-20"  # the day c001 is appointed
PERSONAL = (
    "Ada Lovelace",
    "ada@example.org",
    "Grace Hopper",
    "grace@example.org",
    "+44 20 7946 0000",
    "search firm",
    "Strong on data",
    "Quiet at interview",
    "Did not meet the essential criteria",
    "Took another post",
    "Rosalind Franklin",
)


def _campaign(cli) -> list[str]:
    """c001 appointed on OUTCOME; c002 rejected; c003 on the reserve list; c004 withdrew.
    Their ids, as `add-candidate` printed them (drawn at random if the record is shared)."""
    add = ("add-candidate", "--applied", "2026-02-01")
    ids = [
        cli.ok(*add, "Ada Lovelace", "--email", "ada@example.org", "--note", "Strong on data"),
        cli.ok(*add, "Grace Hopper", "--email", "grace@example.org", "--phone", "+44 20 7946 0000"),
        cli.ok(*add, "Rosalind Franklin", "--source", "search firm"),
        cli.ok(*add, "Dorothy Vaughan"),
    ]
    ada, grace, rosalind, dorothy = (cid.strip() for cid in ids)
    cli.ok("note", grace, "Quiet at interview", as_of="2026-03-01")
    reason = "Did not meet the essential criteria"
    cli.ok("move", grace, "rejected", "--reason", reason, as_of="2026-03-10")
    cli.ok("move", rosalind, "reserve", "--rank", "1", as_of="2026-03-19")
    cli.ok("move", dorothy, "withdrawn", "--reason", "Took another post", as_of="2026-03-19")
    cli.ok("move", ada, "appointed", as_of=OUTCOME)
    return [ada, grace, rosalind, dorothy]


def _by_id(data: dict) -> dict[str, dict]:
    return {c["id"]: c for c in data["candidates"]}


def _texts(candidate: dict) -> list[str]:
    return [e[key] for e in candidate.get("history", []) for key in ("note", "reason") if key in e]


def test_nothing_is_due_before_the_campaign_has_an_outcome(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    before = cli.path.read_bytes()
    out = cli.ok("purge", as_of="2030-01-01")
    assert "no outcome yet" in out
    assert cli.path.read_bytes() == before


def test_dry_run_lists_fields_not_values_and_changes_nothing(cli) -> None:
    _campaign(cli)
    before = cli.path.read_bytes()
    out = cli.ok("purge", "--dry-run", as_of="2026-09-20")
    assert "Would anonymise 2 candidate(s)" in out
    assert "c002  name, email, phone, 1 note, 1 reason" in out
    assert "c004  name, 1 reason" in out
    assert "c001" not in out and "c003" not in out  # appointed; reserve place still lasting
    assert "Nothing was changed (--dry-run)" in out
    assert not any(value in out for value in PERSONAL)
    assert cli.path.read_bytes() == before


def test_not_due_the_day_before_the_period_ends(cli) -> None:
    _campaign(cli)
    before = cli.path.read_bytes()
    out = cli.ok("purge", as_of="2026-09-19")
    assert "Nothing to purge yet: the next is due on Sun 20 Sep 2026" in out
    assert cli.path.read_bytes() == before


def test_purge_keeps_the_statistics_and_removes_the_person(cli) -> None:
    _campaign(cli)
    before = _by_id(cli.data())
    pipeline = json.loads(cli.ok("status", "--json"))["pipeline"]
    out = cli.ok("purge", "--by", "dpo", as_of="2026-09-20")
    assert "Anonymised 2 candidate(s)" in out
    after = _by_id(cli.data())
    for cid in ("c002", "c004"):
        gone = after[cid]
        assert gone["name"] == f"Anonymised ({cid})"
        assert not {"email", "phone", "source"} & gone.keys()
        assert _texts(gone) == ["Personal data removed: 6 months after the outcome on 2026-03-20"]
        # Stage history, dates and outcome stay; one line says that a purge happened.
        kept = [(e["action"], e.get("stage"), e["on"]) for e in gone["history"][:-1]]
        assert kept == [(e["action"], e.get("stage"), e["on"]) for e in before[cid]["history"]]
        assert gone["stage"] == before[cid]["stage"] and gone["applied"] == before[cid]["applied"]
        purged = gone["history"][-1]
        assert purged["action"] == "purged" and purged["by"] == "dpo"
        assert str(purged["on"]) == "2026-09-20"
    assert after["c001"] == before["c001"]  # appointed: kept
    assert after["c003"] == before["c003"]  # reserve place lasts 12 months
    assert json.loads(cli.ok("status", "--json"))["pipeline"] == pipeline
    text = cli.path.read_text(encoding="utf-8")
    for value in ("Grace Hopper", "grace@example.org", "+44 20 7946 0000", "Quiet at interview"):
        assert value not in text
    assert "is valid" in cli.ok("check")
    shown = cli.ok("show", "c002", as_of="2026-09-20")
    assert "Anonymised (c002)" in shown and "purged" in shown
    # As it stood before the purge: erased data stays erased.
    assert "Grace" not in cli.ok("show", "c002", as_of="2026-03-01")


def test_purge_is_idempotent(cli) -> None:
    _campaign(cli)
    cli.ok("purge", as_of="2026-09-20")
    before = cli.path.read_bytes()
    out = cli.ok("purge", as_of="2026-09-21")
    assert "Nothing to purge yet" in out  # the reserve place still lasts
    assert cli.path.read_bytes() == before


def test_reserve_list_data_goes_when_the_place_ends(cli) -> None:
    _campaign(cli)
    out = cli.ok("purge", as_of="2027-03-20")
    assert "c003  name, source" in out
    reserve = cli.candidate("c003")
    assert reserve["name"] == "Anonymised (c003)" and reserve["rank"] == 1
    assert "search firm" not in cli.path.read_text(encoding="utf-8")
    assert cli.candidate("c001")["name"] == "Ada Lovelace"
    assert "no one who was not appointed" in cli.ok("purge", as_of="2030-01-01")


def test_outcome_from_the_appointment_milestone_and_a_configured_period(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    cli.ok("milestone", "done", "appointment", "--on", "2026-04-01", as_of="2026-04-02")
    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(
        text.replace("anonymise_after_months = 6", "anonymise_after_months = 1"), encoding="utf-8"
    )
    assert "next is due on Fri 1 May 2026" in cli.ok("purge", as_of="2026-04-30")
    assert "c001  name, email" in cli.ok("purge", as_of="2026-05-01")
    assert cli.candidate("c001")["name"] == "Anonymised (c001)"


def test_erasure_on_request_whatever_the_dates(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--note", "Strong")
    cli.ok("add-candidate", "Grace Hopper")
    out = cli.ok("purge", "--candidate", "C001")
    assert "c001  name, email, 1 note" in out and "Ada" not in out
    erased = cli.candidate("c001")
    assert erased["name"] == "Anonymised (c001)" and "email" not in erased
    assert _texts(erased) == ["Personal data erased on request"]
    assert erased["stage"] == "withdrawn"  # out of the process: c001 was still at Applied
    assert cli.candidate("c002")["name"] == "Grace Hopper"
    before = cli.path.read_bytes()
    assert "holds no personal data" in cli.ok("purge", "--candidate", "c001")
    assert cli.path.read_bytes() == before
    result = cli("purge", "--candidate", "c009")
    assert result.exit_code == 1 and "No candidate with id 'c009'" in result.output
    assert cli.path.read_bytes() == before


def _copy_as_backup(cli, stamp: str) -> os.PathLike:
    backup = cli.path.with_name(f"{cli.path.name}.bak-{stamp}-ab12")
    shutil.copyfile(cli.path, backup)
    os.chmod(backup, 0o600)
    return backup


def test_backups_made_by_dgtracker_are_purged_too(cli) -> None:
    _campaign(cli)
    with_outcome = _copy_as_backup(cli, "20260321T090000Z")
    cli.ok("init", "--force")  # the old campaign is kept as a backup: it is purged too
    [by_init] = [b for b in cli.path.parent.glob("campaign.toml.bak-*") if b != with_outcome]
    cli.ok("add-candidate", "Katherine Johnson", "--email", "kj@example.org")
    before = cli.path.read_bytes()
    out = cli.ok("purge", as_of="2026-09-20")
    assert out.count("Anonymised 2 candidate(s) in") == 2
    for backup in (with_outcome, by_init):
        data = tomllib.loads(backup.read_text(encoding="utf-8"))
        assert _by_id(data)["c002"]["name"] == "Anonymised (c002)"
        assert _by_id(data)["c001"]["name"] == "Ada Lovelace"
        if os.name == "posix":
            assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert cli.path.read_bytes() == before  # the new campaign has no outcome yet
    assert not list(cli.path.parent.glob(".campaign.toml*.tmp-*"))


def test_a_backup_without_an_outcome_counts_from_when_it_was_made(cli) -> None:
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org")
    backup = _copy_as_backup(cli, "20260301T090000Z")
    assert "no outcome yet" in cli.ok("purge", as_of="2026-08-31")
    cli.ok("purge", as_of="2026-09-01")
    assert "grace@example.org" not in backup.read_text(encoding="utf-8")
    assert cli.candidate("c001")["name"] == "Grace Hopper"


def test_erasure_reaches_backups_holding_the_same_person_only(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    same = _copy_as_backup(cli, "20260201T090000Z")
    other_text = cli.path.read_text(encoding="utf-8").replace("Ada Lovelace", "Mary Somerville")
    # Another person with the same id: from another record, so added at another moment.
    # (The same id and moment of being added is the same person, whatever their name.)
    other_text = re.sub(r"^at = \d{4}-", "at = 2001-", other_text, flags=re.MULTILINE)
    assert "at = 2001-" in other_text
    other = cli.path.with_name("campaign.toml.bak-20260202T090000Z-cd34")
    other.write_text(other_text.replace("ada@example.org", "mary@example.org"), encoding="utf-8")
    cli.ok("purge", "--candidate", "c001")
    assert "Ada Lovelace" not in same.read_text(encoding="utf-8")
    assert other.read_text(encoding="utf-8").count("Mary Somerville") == 1
    assert "Ada Lovelace" not in cli.path.read_text(encoding="utf-8")


def test_an_unreadable_backup_stops_the_purge_before_anything_changes(cli) -> None:
    _campaign(cli)
    broken = cli.path.with_name("campaign.toml.bak-20260301T090000Z-ef56")
    broken.write_text("schema = [", encoding="utf-8")
    before = cli.path.read_bytes()
    result = cli("purge", as_of="2026-09-20")
    assert result.exit_code == 3
    assert "A backup cannot be read" in result.output and str(broken) in result.output
    assert cli.path.read_bytes() == before
    assert broken.read_text(encoding="utf-8") == "schema = ["


# --- subject access -----------------------------------------------------------------


def test_export_subject_prints_everything_held_about_one_person(cli) -> None:
    _campaign(cli)
    document = json.loads(cli.ok("export-subject", "c002", as_of="2026-04-01"))
    assert document["campaign"]["id"] == "dhsc-dg-tdd-2026"
    assert document["campaign"]["title"] == "Director General for Technology, Digital and Data"
    person = document["candidate"]
    assert person["name"] == "Grace Hopper" and person["email"] == "grace@example.org"
    assert person["phone"] == "+44 20 7946 0000"
    assert person["notes"] == ["Quiet at interview"]
    assert [e["action"] for e in person["history"]] == ["added", "note", "moved"]
    assert person["history"][-1]["reason"] == "Did not meet the essential criteria"
    assert document["retention"] == {
        "anonymise_after_months": 6,
        "appointed": False,
        "anonymise_on": "2026-09-20",
    }
    assert "Ada Lovelace" not in json.dumps(document)  # nobody else


def test_export_subject_to_a_private_file_never_overwriting(cli, tmp_path) -> None:
    _campaign(cli)
    target = tmp_path / "sar" / "c002.json"
    target.parent.mkdir()
    old_umask = os.umask(0o022)
    try:
        out = cli.ok("export-subject", "c002", "-o", str(target))
    finally:
        os.umask(old_umask)
    assert "Grace" not in out and str(target) in out
    assert json.loads(target.read_text(encoding="utf-8"))["candidate"]["id"] == "c002"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.write_text("kept", encoding="utf-8")
    os.chmod(target, 0o644)
    result = cli("export-subject", "c002", "-o", str(target))
    assert result.exit_code == 1 and "already exists" in result.output
    assert "--force" in result.output and target.read_text(encoding="utf-8") == "kept"
    cli.ok("export-subject", "c002", "-o", str(target), "--force")
    assert json.loads(target.read_text(encoding="utf-8"))["candidate"]["id"] == "c002"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    result = cli("export-subject", "c002", "-o", str(tmp_path / "missing" / "x.json"))
    assert result.exit_code == 1 and "does not exist" in result.output
    before = cli.path.read_bytes()
    result = cli("export-subject", "c002", "-o", str(cli.path), "--force")
    assert result.exit_code == 1 and "is the record itself" in result.output
    assert cli.path.read_bytes() == before


def test_export_subject_of_an_unknown_id(cli) -> None:
    result = cli("export-subject", "c042")
    assert result.exit_code == 1 and "No candidate with id 'c042'" in result.output


# --- messages never show more personal data than asked ------------------------------


def test_duplicate_email_refusal_does_not_name_the_other_candidate(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    result = cli("add-candidate", "Eve", "--email", "ADA@example.org")
    assert result.exit_code == 1
    assert "Ada Lovelace" not in result.output and "ada@example.org" not in result.output


@pytest.mark.parametrize("command", [("status",), ("candidates",), ("check",)])
def test_a_hand_edited_bad_email_is_reported_without_showing_it(cli, command) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(text.replace("ada@example.org", "ada-at-example.org"), encoding="utf-8")
    result = cli(*command)
    assert result.exit_code == 3
    assert "does not look like an email address" in result.output
    assert "ada-at-example.org" not in result.output and "Ada Lovelace" not in result.output
