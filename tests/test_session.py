"""The session (app/session.py): the calls the CLI itself makes, made directly from Python,
and the one place that takes the record's lock."""

from __future__ import annotations

import ast
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.conftest import in_process

from dgtracker.app import reminders, session
from dgtracker.errors import RecordError, Refused
from dgtracker.out import json_contract
from dgtracker.process import candidate_actions, new_records

TODAY = date(2026, 2, 2)
NOW = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def path(tmp_path: Path) -> Path:
    record_file = tmp_path / "campaign.toml"
    session.create(record_file, new_records.dhsc_campaign())
    return record_file


def test_open_change_and_read(path: Path) -> None:
    with session.changing(path, by="ada", as_of="2026-02-02") as change:
        ada = candidate_actions.add_candidate(
            change.record, name="Ada Lovelace", by=change.by, today=change.today, now=NOW
        )
        candidate_actions.move(
            change.record, ada.id, "longlist", by=change.by, today=change.today, now=NOW
        )
    record, _ = session.open_record(path)
    status = json_contract.status_json(record, TODAY)
    assert status["pipeline"]["longlist"] == 1 and status["next_milestone"] == "closing"
    assert json_contract.candidate_json(record.candidates[0], record, TODAY)["stage"] == "longlist"
    assert [r.subject for r in reminders.due_reminders(record, TODAY, within=7)] == ["closing"]


def test_a_block_that_raises_saves_nothing(path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(Refused) as refused, session.changing(path) as change:
        record = change.record
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
    with session.changing(path) as change:
        candidate_actions.add_candidate(
            change.record,
            name="Ada Lovelace",
            email="ada@example.org",
            by="a",
            today=TODAY,
            now=NOW,
        )
    dry = session.purge(path, today=TODAY, by="a", now=NOW, candidate="c001", dry_run=True)
    assert dry.lines[-1] == "Nothing was changed (--dry-run)."
    assert session.open_record(path)[0].candidates[0].name == "Ada Lovelace"
    session.purge(path, today=TODAY, by="a", now=NOW, candidate="c001")
    assert session.open_record(path)[0].candidates[0].name == "Anonymised (c001)"


def test_the_documented_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.+?)\n```", page, re.S)
    assert code is not None
    (tmp_path / "data").mkdir()
    session.create(tmp_path / "data" / "campaign.toml", new_records.dhsc_campaign())
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "docs/development.md", "exec"), {})
    assert session.open_record("data/campaign.toml")[0].candidates[0].name == "Ada Lovelace"
    shutil.rmtree(tmp_path / "data")


def test_who_is_cleaned_as_the_cli_cleans_it(path: Path) -> None:
    with session.changing(path, by="  ada  ") as change:
        assert change.by == "ada"
    with pytest.raises(Refused) as refused, session.changing(path, by="ada\x1b[2J"):
        pass
    assert "control character" in refused.value.message


def test_a_change_is_never_written_before_the_record_s_last(path: Path) -> None:
    with session.changing(path, by="ada", as_of="2026-02-02") as change:
        candidate_actions.add_candidate(
            change.record, name="Ada Lovelace", by=change.by, today=change.today, now=NOW
        )
    before = path.read_bytes()
    with pytest.raises(Refused) as refused, session.changing(path, as_of="2026-01-05"):
        pass
    assert "cannot be written as of" in refused.value.message
    assert path.read_bytes() == before
    record, today = session.open_record(path, as_of="2026-01-05")  # read as it stood then
    assert today == date(2026, 1, 5) and record.candidates == []


def test_only_the_session_takes_the_record_s_lock() -> None:
    """Every writer waits for the same lock, taken in one place: app/session.py calls
    record/locking.py's `locked`; no other module calls it, nor imports it."""
    package = ROOT / "src" / "dgtracker"
    takers = []
    for module in sorted(package.rglob("*.py")):
        where = module.relative_to(package).as_posix()
        if where in {"app/session.py", "record/locking.py"}:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and (
                (isinstance(node.func, ast.Name) and node.func.id == "locked")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "locked")
            )
            imported = isinstance(node, ast.ImportFrom) and any(
                alias.name == "locked" for alias in node.names
            )
            if called or imported:
                takers.append(f"{where}:{node.lineno}")
    assert takers == [], f"the record's lock taken outside app/session.py: {takers}"
    session_source = (package / "app" / "session.py").read_text(encoding="utf-8")
    assert "from dgtracker.record.locking import locked" in session_source


def test_a_purge_from_python_records_who_as_the_cli_does(path: Path) -> None:
    with session.changing(path, by="ada", as_of="2026-02-02") as change:
        candidate_actions.add_candidate(
            change.record, name="Ada Lovelace", by=change.by, today=change.today, now=NOW
        )
    session.purge(path, today=TODAY, by="  dpo  ", now=NOW, candidate="c001")
    record, _ = session.open_record(path)
    assert record.candidates[0].name == "Anonymised (c001)"
    assert {entry.by for entry in record.candidates[0].history[1:]} == {"dpo"}


def test_records_made_from_python_never_share_calendar_uids(tmp_path: Path) -> None:
    """Two records made from the DHSC template through the Python API are two campaigns to
    a calendar: each gets its own token at creation, as `init` gives one."""
    first, second = tmp_path / "a" / "campaign.toml", tmp_path / "b" / "campaign.toml"
    for record_file in (first, second):
        record_file.parent.mkdir()
        session.create(record_file, new_records.dhsc_campaign())
    uids = []
    for record_file in (first, second):
        assert 'calendar = "' in record_file.read_text(encoding="utf-8")
        done = in_process("export", "ics", env={"DGTRACKER_FILE": str(record_file)})
        assert done.returncode == 0, done.stderr
        uids.append(set(re.findall(r"^UID:(.+)$", done.stdout, re.MULTILINE)))
    assert uids[0] and not uids[0] & uids[1]
