"""dgtracker as a library: the calls the CLI itself makes, made directly from Python."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dgtracker.app import reminders, session
from dgtracker.errors import RecordError, Refused
from dgtracker.out import json_contract
from dgtracker.process import candidate_actions, new_records
from dgtracker.record import storage

TODAY = date(2026, 2, 2)
NOW = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def path(tmp_path: Path) -> Path:
    record_file = tmp_path / "campaign.toml"
    storage.create(record_file, new_records.dhsc_campaign(), replace=False)
    return record_file


def test_open_change_and_read(path: Path) -> None:
    with session.changing(path) as record:
        ada = candidate_actions.add_candidate(
            record, name="Ada Lovelace", by="ada", today=TODAY, now=NOW
        )
        candidate_actions.move(record, ada.id, "longlist", by="ada", today=TODAY, now=NOW)
    record = session.open_record(path)
    status = json_contract.status_json(record, TODAY)
    assert status["pipeline"]["longlist"] == 1 and status["next_milestone"] == "closing"
    assert json_contract.candidate_json(record.candidates[0], record, TODAY)["stage"] == "longlist"
    assert [r.subject for r in reminders.due_reminders(record, TODAY, within=7)] == ["closing"]


def test_a_block_that_raises_saves_nothing(path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(Refused) as refused, session.changing(path) as record:
        candidate_actions.add_candidate(record, name="Ada Lovelace", by="ada", today=TODAY, now=NOW)
        candidate_actions.move(
            record, "c001", "rejected", by="ada", today=TODAY, now=NOW
        )  # no reason
    assert refused.value.exit_code == 1 and "needs a reason" in refused.value.message
    assert path.read_bytes() == before


def test_failures_are_plain_exceptions_with_exit_codes(tmp_path: Path) -> None:
    with pytest.raises(RecordError) as missing:
        session.open_record(tmp_path / "nowhere.toml")
    assert missing.value.exit_code == 3 and missing.value.hint
    assert "No record at" in str(missing.value)


def test_purge_on_request_from_python(path: Path) -> None:
    with session.changing(path) as record:
        candidate_actions.add_candidate(
            record, name="Ada Lovelace", email="ada@example.org", by="a", today=TODAY, now=NOW
        )
    dry = session.purge(path, today=TODAY, by="a", now=NOW, candidate="c001", dry_run=True)
    assert dry.lines[-1] == "Nothing was changed (--dry-run)."
    assert session.open_record(path).candidates[0].name == "Ada Lovelace"
    session.purge(path, today=TODAY, by="a", now=NOW, candidate="c001")
    assert session.open_record(path).candidates[0].name == "Anonymised (c001)"


def test_the_documented_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.+?)\n```", page, re.S)
    assert code is not None
    (tmp_path / "data").mkdir()
    storage.create(tmp_path / "data" / "campaign.toml", new_records.dhsc_campaign(), False)
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "docs/development.md", "exec"), {})
    assert session.open_record("data/campaign.toml").candidates[0].name == "Ada Lovelace"
    shutil.rmtree(tmp_path / "data")
