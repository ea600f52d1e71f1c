"""Diversity monitoring answers: given as QUESTION=VALUE, checked against the record's policy
(`[monitoring]`), and added to the person's answers (the latest answer to a question
stands; the earlier ones stay for `--as-of`). Pure: the clock is passed in.
"""

from __future__ import annotations

from datetime import date, datetime

from dgtracker.errors import Refused
from dgtracker.process.candidate_actions import find_candidate
from dgtracker.record.model import Answer, Candidate, Record, current_answers


def parse_answers(record: Record, typed: list[str]) -> dict[str, str]:
    """QUESTION=VALUE pairs, each checked against the policy (any case; `_` or `-`)."""
    questions = record.monitoring_policy.questions
    answers: dict[str, str] = {}
    for pair in typed:
        question, equals, value = pair.partition("=")
        question = question.strip().lower().replace("-", "_")
        value = value.strip().lower().replace(" ", "-")
        if not equals or not question or not value:
            raise Refused(
                f"'{pair}' is not QUESTION=VALUE.", hint="For example: sex=female age_band=35-39"
            )
        allowed = questions.get(question)
        if allowed is None:
            raise Refused(
                f"'{question}' is not a monitoring question.",
                hint=f"The questions: {', '.join(questions)}.",
            )
        if value not in allowed:
            raise Refused(
                f"'{value}' is not an answer to {question}.",
                hint=f"The answers to {question}: {', '.join(allowed)}.",
            )
        answers[question] = value
    return answers


def record_answers(
    record: Record, wanted: str, answers: dict[str, str], *, today: date, now: datetime
) -> tuple[Candidate, list[str]]:
    """Add the answers that differ from those standing; returns the candidate and the
    questions whose answer changed."""
    candidate = find_candidate(record, wanted)
    standing = current_answers(candidate.monitoring)
    changed = [q for q, value in answers.items() if standing.get(q) != value]
    if not changed:
        raise Refused(f"Nothing to change: {candidate.id} already gave those answers.")
    candidate.monitoring += [Answer(now, today, q, answers[q]) for q in changed]
    return candidate, changed
