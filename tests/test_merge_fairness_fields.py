"""The competition's new fields merge like the others: one side says the chair is a
Commissioner, the other that the campaign is SCS3 external and adds a frame criterion with
grades; the merge keeps both, and a frame grade survives the merge as written."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dgtracker.panel import changes
from dgtracker.process import new_records
from dgtracker.process.candidate_actions import add_candidate
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.record.model import PanelRole, Record
from dgtracker.team.merge import merge

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _data(record: Record) -> dict:
    return storage.loads(storage.serialise(record)[0])


def _record(data: dict) -> Record:
    record, problems = record_from_data(data)
    assert record is not None, problems
    return record


def test_band_external_commissioner_and_frame_marks_merge_from_both_sides() -> None:
    base = new_records.blank_campaign("Director of Fairness", new_records.When())
    changes.add_member(base, "Dame Sue Owen", PanelRole.CHAIR)
    changes.add_criterion(
        base,
        changes.new_criterion("lead", "Leadership", "behaviour", scale=(1, 7), bar=4,
                              assess=("interview",), weight=1, lead=False, frame=True),
        DAY,
    )  # fmt: skip
    base_data = _data(base)

    ours = _record(base_data)
    ours.panel[0].commissioner = True
    theirs = _record(base_data)
    theirs.campaign.band, theirs.campaign.external = "SCS3", True
    candidate = add_candidate(
        theirs, name="Ada Quill", stage="interview", by="t", today=DAY, now=NOW
    )
    changes.score(theirs, candidate.id, "interview", {"lead": 4}, member=None, evidence=None,
                  by="t", today=DAY, now=NOW)  # fmt: skip

    merged = merge(base_data, _data(ours), _data(theirs))
    assert not merged.conflicts
    record = _record(merged.data)
    assert record.panel[0].commissioner is True
    assert (record.campaign.band, record.campaign.external) == ("SCS3", True)
    assert record.criteria[0].frame and record.criteria[0].changed == DAY
    assert merged.data["candidates"][0]["marks"][0]["scores"] == {"lead": "B/C"}
    assert record.candidates[0].marks[0].scores == {"lead": 4}
