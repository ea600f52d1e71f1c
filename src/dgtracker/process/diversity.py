"""Diversity counts by stage and answer, for the recruitment team and the Commission: only ever in
aggregate, "where declared", with small numbers suppressed.

Each stage (process/fairness.py DIVERSITY_STAGES) counts everyone who reached it (its total)
and, for each question, how many gave each answer (the answers kept apart from people
purged since count too). Suppression follows the Government Statistical Service's guidance
on disclosure control for tables of counts:

- primary: every count from 1 to SMALLEST - 1 (and such a total) is suppressed;
- secondary: a question's answers at a stage add up to at most the stage's total, so a
  group with exactly one suppressed count could have it worked out from the total and the
  others; the smallest count shown beside it is suppressed too (a zero, when nothing else
  is left), so that no group holds a single suppressed count.

Pure: a record in, plain data out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from dgtracker.process.fairness import DIVERSITY_STAGES, DiversityStages
from dgtracker.record.model import Record, current_answers

SMALLEST = 5  # counts under this are never shown


@dataclass(slots=True)
class StageCounts:
    stage: str
    total: int | None  # None: suppressed
    counts: dict[str, dict[str, int | None]]  # question -> answer -> count (None: suppressed)


def raw_counts(record: Record) -> list[tuple[str, int, dict[str, dict[str, int]]]]:
    """Every stage's total and counts, before suppression. People are tallied by the
    stages they reached (a few distinct routes), then spread over those stages."""
    policy = record.monitoring_policy
    stages_of = DiversityStages(record)
    routes: Counter[tuple[str, ...]] = Counter()
    answers: Counter[tuple[tuple[str, ...], str, str]] = Counter()
    for candidate in record.candidates:
        route = stages_of(candidate)
        routes[route] += 1
        for question, value in current_answers(candidate.monitoring).items():
            answers[(route, question, value)] += 1
    for kept in policy.kept:
        answers[(kept.reached, kept.question, kept.value)] += 1
    totals = dict.fromkeys(DIVERSITY_STAGES, 0)
    counts = {
        stage: {q: dict.fromkeys(values, 0) for q, values in policy.questions.items()}
        for stage in DIVERSITY_STAGES
    }
    for route, n in routes.items():
        for stage in route:
            totals[stage] += n
    for (route, question, value), n in answers.items():
        for stage in route:
            by_value = counts.get(stage, {}).get(question)
            if by_value is not None and value in by_value:  # the policy's answers alone
                by_value[value] += n
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
            still_shown = [value for value, n in group.items() if n is not None]
            if still_shown:
                nonzero = [v for v in still_shown if by_value[v] > 0]
                pick = min(nonzero or still_shown, key=lambda v: (by_value[v], v))
                group[pick] = None
        shown[question] = group
    return StageCounts(stage, shown_total, shown)


def diversity(record: Record) -> list[StageCounts]:
    """Every stage's total and counts, as they may be shown."""
    return [suppressed(stage, total, counts) for stage, total, counts in raw_counts(record)]
