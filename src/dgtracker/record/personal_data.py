"""What in a candidate identifies the person (UK GDPR), as field names and counts.

A purge (process/privacy.py) anonymises a candidate who holds any; the retention reminder
counts them from the record's cache, which keeps whether each candidate holds any
(record/summary.py `Watch`). So the question lives with the record, below both, and the
cache names this module's code.
"""

from __future__ import annotations

from collections.abc import Iterator

from dgtracker.record.model import Action, Candidate, anonymised_name


def personal_data_held(candidate: Candidate) -> list[str]:
    """What identifies the person, as field names and counts (never the values)."""
    return list(_held(candidate))


def holds_personal_data(candidate: Candidate) -> bool:
    """Whether `personal_data_held` names anything: found at the first thing held (for
    most, their name), where the cache asks it of every candidate."""
    return next(_held(candidate), None) is not None


def _held(candidate: Candidate) -> Iterator[str]:
    """What `personal_data_held` names, one after another, as it is found."""
    if candidate.name != anonymised_name(candidate.id):
        yield "name"
    for label, value in (
        ("email", candidate.email),
        ("phone", candidate.phone),
        ("source", candidate.source),
        ("adjustments", candidate.adjustments),
        ("disability confident", candidate.disability_confident),
        ("diversity answers", candidate.monitoring),
    ):
        if value:
            yield label
    earlier = sum(
        1
        for event in candidate.history
        for field, value in (event.was or {}).items()
        if field != "applied" and value and value != anonymised_name(candidate.id)
    )
    notes = sum(1 for event in candidate.history if event.note)
    reasons = sum(
        1 for event in candidate.history if event.reason and event.action != Action.PURGED
    )
    subjects = sum(1 for event in candidate.history if event.subject)
    counts = (
        counted(notes, "note"),
        counted(reasons, "reason"),
        counted(earlier, "earlier value"),
        counted(subjects, "letter subject"),
    )
    yield from filter(None, counts)
    evidence = sum(1 for sheet in candidate.marks if sheet.evidence)
    if evidence:
        yield f"{evidence} evidence"


def counted(number: int, noun: str) -> str:
    """ "1 note", "3 notes"; nothing for none."""
    if not number:
        return ""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
