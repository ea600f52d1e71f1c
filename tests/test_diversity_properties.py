"""Diversity counts on random records (hypothesis): no count from 1 to 4 is ever shown, no
group of answers at a stage holds a single suppressed count beside a shown total, and
every count shown is the true one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgtracker.dates import When
from dgtracker.process.candidate_actions import add_candidate
from dgtracker.process.diversity import SMALLEST, diversity, raw_counts
from dgtracker.process.fairness import DIVERSITY_STAGES
from dgtracker.process.new_records import blank_campaign
from dgtracker.record.model import (
    MONITORING_QUESTIONS,
    Answer,
    KeptAnswer,
    Record,
    default_monitoring,
)

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAGES = ("applied", "longlist", "shortlist", "interview", "appointed", "rejected")
QUESTIONS = ("sex", "disability", "age_band")  # few answers each, so cells are small

answers = st.dictionaries(
    st.sampled_from(QUESTIONS),
    st.integers(0, 100),  # an index into the question's answers
)
people = st.lists(st.tuples(st.sampled_from(STAGES), answers), max_size=40)
kept = st.lists(
    st.tuples(
        st.sampled_from(QUESTIONS),
        st.integers(0, 100),
        st.lists(st.sampled_from(DIVERSITY_STAGES), unique=True),
    ),
    max_size=12,
)


def _record(drawn: list[tuple[str, dict[str, int]]], kept_answers: list) -> Record:
    record = blank_campaign("Fairness", When(date(2026, 2, 9), date(2026, 2, 9)))
    record.monitoring = default_monitoring()
    for stage, given_answers in drawn:
        reason = "Not this time" if stage == "rejected" else None
        candidate = add_candidate(
            record, name="P", by="t", today=TODAY, now=NOW, stage=stage, reason=reason
        )
        for question, index in given_answers.items():
            values = MONITORING_QUESTIONS[question]
            candidate.monitoring.append(Answer(NOW, TODAY, question, values[index % len(values)]))
    for n, (question, index, reached) in enumerate(kept_answers):
        values = MONITORING_QUESTIONS[question]
        value = values[index % len(values)]
        record.monitoring.kept.append(KeptAnswer(question, value, tuple(reached), f"t{n}"))
    return record


@pytest.mark.hypothesis
@given(people, kept)
def test_no_small_count_and_no_lone_suppressed_cell(drawn, kept_answers) -> None:
    record = _record(drawn, kept_answers)
    truth = {stage: (total, counts) for stage, total, counts in raw_counts(record)}
    for table in diversity(record):
        total, counts = truth[table.stage]
        assert table.total is None or table.total >= SMALLEST or table.total == 0
        assert table.total in (None, total)
        for question, shown in table.counts.items():
            for value, count in shown.items():
                assert count is None or not 0 < count < SMALLEST
                assert count in (None, counts[question][value])  # never altered
            hidden = [value for value, count in shown.items() if count is None]
            # one hidden count beside a shown total could be worked out from the others
            assert len(hidden) != 1 or table.total is None
            assert len(hidden) != 1  # and dgtracker never leaves one alone at all
