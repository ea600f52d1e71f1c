"""Merit order, checked against a direct computation from the marks (hypothesis).

Whatever the criteria (weights, bars, lead criteria) and marks: no one below the bar is
ranked above anyone appointable, the order does not depend on the order the marks were
entered in, and ranks, totals and ties are what the rules say.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgtracker.dates import When
from dgtracker.panel.changes import score
from dgtracker.panel.merit import merit
from dgtracker.process.candidate_actions import add_candidate
from dgtracker.process.new_records import blank_campaign
from dgtracker.record import storage
from dgtracker.record.model import Criterion, CriterionKind, Record

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAGE = "interview"

criteria_strategy = st.lists(
    st.tuples(st.integers(1, 3), st.integers(2, 5), st.booleans()),  # weight, bar, lead
    min_size=1,
    max_size=5,
)


@st.composite
def panels(draw: st.DrawFn) -> tuple[list[tuple[int, int, bool]], list[list[int | None]]]:
    settings_ = draw(criteria_strategy)
    people = draw(st.integers(1, 8))
    mark = st.one_of(st.none(), st.integers(1, 7)) if draw(st.booleans()) else st.integers(1, 7)
    marks = [[draw(mark) for _ in settings_] for _ in range(people)]
    return settings_, marks


def _record(settings_: list[tuple[int, int, bool]], people: int) -> Record:
    record = blank_campaign("Test", When())
    for index, (weight, bar, lead) in enumerate(settings_):
        record.criteria.append(
            Criterion(
                f"k{index}",
                f"K{index}",
                CriterionKind.BEHAVIOUR,
                bar=bar,
                assess=(STAGE,),
                weight=weight,
                lead=lead,
            )
        )
    for number in range(people):
        add_candidate(record, name=f"P{number}", by="t", today=TODAY, now=NOW, stage=STAGE)
    return record


def _enter(record: Record, marks: list[list[int | None]], seed: int) -> None:
    entries = [
        (person, index, value)
        for person, row in enumerate(marks)
        for index, value in enumerate(row)
        if value is not None
    ]
    random.Random(seed).shuffle(entries)
    for person, index, value in entries:
        score(
            record,
            f"c{person + 1:03d}",
            STAGE,
            {f"k{index}": value},
            member=None,
            evidence=None,
            by="t",
            today=TODAY,
            now=NOW,
        )


def _summary(record: Record) -> list[tuple[object, ...]]:
    return [(r.rank, r.candidate.id, r.total, r.appointable, r.tie) for r in merit(record, STAGE)]


@settings(max_examples=60, deadline=None)
@given(panels(), st.integers(0, 1000), st.integers(0, 1000))
def test_merit_order_keeps_the_rules(panel, seed_one: int, seed_two: int) -> None:
    settings_, marks = panel
    one = _record(settings_, len(marks))
    _enter(one, marks, seed_one)
    two = _record(settings_, len(marks))
    _enter(two, marks, seed_two)
    rows = merit(one, STAGE)
    # Invariant to the order the marks were entered in.
    assert _summary(one) == _summary(two)
    # Appointable first; only they are ranked, in rank order.
    kinds = [r.appointable for r in rows]
    assert kinds == sorted(kinds, key=lambda a: {True: 0, False: 1, None: 2}[a])
    assert all((r.rank is not None) == (r.appointable is True) for r in rows)
    ranks = [r.rank for r in rows if r.rank is not None]
    assert ranks == sorted(ranks)
    # A direct computation from the marks.
    weights = [w for w, _, _ in settings_]
    bars = [b for _, b, _ in settings_]
    leads = [i for i, (_, _, lead) in enumerate(settings_) if lead]
    expected = {}
    for person, row in enumerate(marks):
        if any(value is None for value in row):
            expected[f"c{person + 1:03d}"] = (None, None)
            continue
        values = [v for v in row if v is not None]
        total = sum(w * v for w, v in zip(weights, values, strict=True))
        appointable = all(v >= b for v, b in zip(values, bars, strict=True))
        expected[f"c{person + 1:03d}"] = (total, appointable)
    keys = {
        cid: (total, tuple(marks[int(cid[1:]) - 1][i] for i in leads))
        for cid, (total, ok) in expected.items()
        if ok
    }
    for row in rows:
        total, appointable = expected[row.candidate.id]
        assert (row.total, row.appointable) == (total, appointable)
        if appointable:
            mine = keys[row.candidate.id]
            assert row.rank == 1 + sum(1 for other in keys.values() if other > mine)  # type: ignore[operator]
            assert row.tie == (sum(1 for other in keys.values() if other == mine) > 1)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(panels())
def test_marks_survive_a_save_and_a_load(tmp_path: Path, panel) -> None:
    settings_, marks = panel
    record = _record(settings_, len(marks))
    _enter(record, marks, 0)
    path = tmp_path / "campaign.toml"
    path.unlink(missing_ok=True)
    storage.save(path, record)
    again = storage.load(path)
    assert [c.marks for c in again.candidates] == [c.marks for c in record.candidates]
    assert again.criteria == record.criteria
    assert _summary(again) == _summary(record)
