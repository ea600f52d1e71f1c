"""Diversity counts by stage and answer, for the Commission and the board: only ever in
aggregate, "where declared", with small numbers suppressed.

Each stage (process/fairness.py DIVERSITY_STAGES) counts everyone who reached it (its total)
and, for each question, how many gave each answer (the answers kept apart from people
purged since count too). Suppression follows the Government Statistical Service's guidance
on disclosure control for tables of counts:

- primary: every count from 1 to SMALLEST - 1 (and such a total) is suppressed;
- secondary: a question's answers at a stage add up to at most the stage's total, so a
  group with exactly one suppressed count could have it worked out from the total and the
  others; the smallest count shown beside it is suppressed too (a zero, when nothing else
  is left), until no group holds a single suppressed count.

Pure: a record in, plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from dgtracker.process.fairness import DIVERSITY_STAGES, diversity_stages
from dgtracker.record.model import Record, current_answers

SMALLEST = 5  # counts under this are never shown


@dataclass(slots=True)
class StageCounts:
    stage: str
    total: int | None  # None: suppressed
    counts: dict[str, dict[str, int | None]]  # question -> answer -> count (None: suppressed)


def raw_counts(record: Record) -> list[tuple[str, int, dict[str, dict[str, int]]]]:
    """Every stage's total and counts, before suppression."""
    policy = record.monitoring_policy
    totals = dict.fromkeys(DIVERSITY_STAGES, 0)
    counts = {
        stage: {q: dict.fromkeys(values, 0) for q, values in policy.questions.items()}
        for stage in DIVERSITY_STAGES
    }

    def add(stages: tuple[str, ...], question: str, value: str) -> None:
        for stage in stages:
            by_value = counts[stage].get(question)
            if by_value is not None and value in by_value:
                by_value[value] += 1

    for candidate in record.candidates:
        reached = diversity_stages(record, candidate)
        for stage in reached:
            totals[stage] += 1
        for question, value in current_answers(candidate.monitoring).items():
            add(reached, question, value)
    for kept in policy.kept:
        add(tuple(s for s in kept.reached if s in totals), kept.question, kept.value)
    return [(stage, totals[stage], counts[stage]) for stage in DIVERSITY_STAGES]


def _small(count: int) -> bool:
    return 0 < count < SMALLEST


def suppressed(stage: str, total: int, counts: dict[str, dict[str, int]]) -> StageCounts:
    """One stage's counts with small numbers suppressed (primary, then secondary)."""
    shown_total: int | None = None if _small(total) else total
    shown: dict[str, dict[str, int | None]] = {}
    for question, by_value in counts.items():
        group: dict[str, int | None] = {
            value: None if _small(n) else n for value, n in by_value.items()
        }
        if sum(1 for n in group.values() if n is None) == 1:
            # the one suppressed count could be worked out from the total: hide another
            candidates = [value for value, n in group.items() if n is not None]
            if candidates:
                nonzero = [v for v in candidates if by_value[v] > 0]
                pick = min(nonzero or candidates, key=lambda v: (by_value[v], v))
                group[pick] = None
        shown[question] = group
    return StageCounts(stage, shown_total, shown)


def diversity(record: Record) -> list[StageCounts]:
    """Every stage's total and counts, as they may be shown."""
    return [suppressed(stage, total, counts) for stage, total, counts in raw_counts(record)]
