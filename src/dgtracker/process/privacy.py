"""Candidates' personal data (UK GDPR): when it is due for anonymising, and how.

Pure decisions on records and a day: who is due, and a purge's plan for the record and
each of its backups. app/session.purge does the reading and writing; the CLI the showing.

The retention policy lives in the record (`[retention]`): the personal data of those
who were not appointed is anonymised `anonymise_after_months` after the campaign's
outcome; people on the reserve list keep theirs while their place lasts
(`reserve_months`, if that is longer). Anonymising keeps what the statistics need (the
stage history, dates, the outcome, the rank, the panel's marks and slots) and removes what
identifies the person (the panel's evidence among it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dgtracker.compared import Compared, FrozenCompared
from dgtracker.dates import add_months, format_day
from dgtracker.process.fairness import diversity_stages
from dgtracker.process.queries import AtStage, outcome_date
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Event,
    KeptAnswer,
    Record,
    StageKind,
    anonymised_name,
    current_answers,
    default_monitoring,
)
from dgtracker.record.personal_data import personal_data_held
from dgtracker.text import visible

if TYPE_CHECKING:
    from dgtracker.record.mentions import Erased, Identifiers

# record/mentions.py (who names whom, and erasing it) is imported by what purges and what
# counts a person's data, not at the top: `remind` loads this module for the retention
# dates and, with no one due, needs none of it (start-up budget).

_BACKUP_STAMP = r"\.bak-(\d{8})T\d{6}Z"  # compiled by `re` when first used (a purge)


def backup_date(file_name: str) -> date | None:
    """The day a dgtracker backup was made, from its name (campaign.toml.bak-20260302T…)."""
    match = re.search(_BACKUP_STAMP, file_name)
    if match is None:
        return None
    try:
        return datetime.strptime(match[1], "%Y%m%d").date()
    except ValueError:
        return None


def is_appointed(record: Record, candidate: AtStage) -> bool:
    stage = record.stage(candidate.stage)
    return stage is not None and stage.kind == StageKind.APPOINTED


def retention_months(record: Record, candidate: AtStage) -> int:
    """How long after the outcome a candidate who was not appointed keeps their data."""
    months = record.retention.anonymise_after_months
    if candidate.stage == RESERVE_STAGE:
        months = max(months, record.retention.reserve_months)
    return months


def anonymise_on(record: Record, candidate: AtStage, outcome: date | None) -> date | None:
    """The day the candidate's data is due to go; None when appointed or no outcome yet
    (for a candidate, or what `remind` keeps of them)."""
    if outcome is None or is_appointed(record, candidate):
        return None
    return add_months(outcome, retention_months(record, candidate))


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Due(FrozenCompared):
    """A candidate whose personal data is to go, and why."""

    candidate: Candidate
    held: list[str]
    why: str


def due_for_retention(record: Record, today: date, outcome: date | None) -> list[Due]:
    """Candidates not appointed whose retention period after `outcome` has ended by today."""
    due = []
    for candidate in record.candidates:
        on = anonymise_on(record, candidate, outcome)
        if on is None or on > today:
            continue  # not due: what they hold need not be counted (remind asks daily)
        held = personal_data_held(candidate)
        if held:
            months = retention_months(record, candidate)
            why = f"Personal data removed: {months} months after the outcome on {outcome}"
            due.append(Due(candidate, held, why))
    return due


def due_on_request(candidate: Candidate) -> list[Due]:
    """An erasure request: the person's data goes whatever the dates."""
    held = personal_data_held(candidate)
    return [Due(candidate, held, "Personal data erased on request")] if held else []


def identifiers(candidate: Candidate) -> set[str]:
    """What names the person in text: their name and email, case-folded."""
    found = {candidate.email.casefold()} if candidate.email else set()
    if candidate.name != anonymised_name(candidate.id):
        found.add(candidate.name.casefold())
    return found


def _added_at(candidate: Candidate) -> datetime | None:
    """The moment the person was added: with the id, the same person in every copy."""
    return candidate.history[0].at if candidate.history else None


def find_in_backups(person: Candidate, backups: list[tuple[Path, Record]]) -> list[list[Candidate]]:
    """The person in each backup: the same id, and the same moment of being added, or a
    name or email they had in any copy already found (a name corrected by hand in the
    record is still found under the earlier name in an older backup)."""
    known, moments = identifiers(person), {_added_at(person)} - {None}
    found: list[list[Candidate]] = [[] for _ in backups]
    changed = True
    while changed:  # each copy found can name the person in an older one
        changed = False
        for index, (_, b_record) in enumerate(backups):
            for other in b_record.candidates:
                if other.id != person.id or any(other is c for c in found[index]):
                    continue
                if identifiers(other) & known or _added_at(other) in moments:
                    found[index].append(other)
                    known |= identifiers(other)
                    moments |= {_added_at(other)} - {None}
                    changed = True
    return found


def people_of(plans: list[FilePlan]) -> dict[str, Identifiers]:
    """What names each person due, by id, in any of the files (before a purge): a name
    corrected by hand in the record is still found under the one a backup holds."""
    from dgtracker.record.mentions import Identifiers, name_words, person_identifiers

    people: dict[str, Identifiers] = {}
    for plan in plans:
        shared = name_words(plan.record) if plan.due else Counter()
        for due in plan.due:
            found = person_identifiers(due.candidate, plan.record, shared)
            people[due.candidate.id] = people.get(due.candidate.id, Identifiers()) | found
    return people


def forget(
    record: Record,
    due: list[Due],
    people: dict[str, Identifiers],
    *,
    by: str,
    today: date,
    now: datetime,
    each: Walk = quietly,
) -> Erased:
    """Anonymise each person due in `record`, then erase what names them anywhere else
    in it (`people`, as `people_of` gives them): mentions in other candidates' and the
    milestones' text, the panel's notes, and the conflicts waiting about them. What was
    erased where, by id."""
    from dgtracker.record.mentions import Erased, drop_conflicts_about, erase_mentions

    for one in each(due, "Anonymising"):
        keep_answers_apart(record, one.candidate)
        anonymise(one.candidate, why=one.why, by=by, today=today, now=now)
        anonymise_conflicts(record, one.candidate.id)
    erased = Erased(conflicts=drop_conflicts_about(record, {one.candidate.id for one in due}))
    whys = {one.candidate.id: one.why for one in due}
    found = {cid: who for cid, who in people.items() if cid in whys and who}
    erased.mentions = erase_mentions(record, found, whys, by=by, now=now, on=today)
    return erased


def anonymise(candidate: Candidate, *, why: str, by: str, today: date, now: datetime) -> None:
    """Remove what identifies the person; keep stages, dates, rank and slot times; say that
    it happened."""
    candidate.name = anonymised_name(candidate.id)
    candidate.email = candidate.phone = candidate.source = candidate.adjustments = None
    candidate.disability_confident = False
    candidate.monitoring = []  # kept apart from them first, for the counts (keep_answers_apart)
    for event in candidate.history:
        event.note = None
        event.subject = None  # a letter's subject may name them; its template stays
        if event.action != Action.PURGED:
            event.reason = None
        if event.was:  # the values an edit replaced: as anonymous as the current ones
            event.was = {
                field: _anonymous_value(candidate.id, field, value)
                for field, value in event.was.items()
            }
    for sheet in candidate.marks:  # the marks stay, for the statistics
        sheet.evidence = None
    for slot in candidate.slots:  # kept, by id and time, so a calendar can be sent it cancelled
        slot.where = None
    candidate.history.append(Event(at=now, on=today, by=by, action=Action.PURGED, reason=why))


def keep_answers_apart(record: Record, candidate: Candidate) -> None:
    """Keep the person's diversity answers for the counts, apart from them: each answer on
    its own, with the stages they reached, no id and no date (docs/fairness.md)."""
    if not candidate.monitoring:
        return
    if record.monitoring is None:
        record.monitoring = default_monitoring()
    import secrets  # only keeping answers needs it: `remind` loads this module too

    reached = diversity_stages(record, candidate)
    record.monitoring.kept += [
        KeptAnswer(question, value, reached, secrets.token_hex(8))
        for question, value in current_answers(candidate.monitoring).items()
    ]


def anonymise_conflicts(record: Record, candidate_id: str) -> None:
    """A declared conflict stays (the panel's record), without its note about the person."""
    for member in record.panel:
        conflict = member.conflicted(candidate_id)
        if conflict is not None:
            conflict.note = None


def _anonymous_value(candidate_id: str, field: str, value: str) -> str:
    if field in ("applied", "disability_confident"):
        return value  # a date, kept for the statistics like the others
    return anonymised_name(candidate_id) if field == "name" else ""


# --- what names a person in text, and erasing it -----------------------------------


@dataclass(slots=True, eq=False, repr=False)
class FilePlan(Compared):
    """What a purge would do to one file."""

    path: Path
    record: Record
    due: list[Due]
    erased: Erased = field(default_factory=lambda: _nothing_erased())  # beside the people due


def _nothing_erased() -> Erased:
    from dgtracker.record.mentions import Erased

    return Erased()


def retention_plans(
    path: Path, record: Record, backups: list[tuple[Path, Record]], today: date
) -> list[FilePlan]:
    """Who is due under the retention policy, in each backup and then the record itself."""
    # A backup is a finished record: with no outcome of its own, it ended when it was made.
    plans = [
        FilePlan(
            b_path,
            b_record,
            due_for_retention(b_record, today, outcome_date(b_record) or backup_date(b_path.name)),
        )
        for b_path, b_record in backups
    ]
    plans.append(FilePlan(path, record, due_for_retention(record, today, outcome_date(record))))
    return plans


def erasure_plans(
    path: Path, person: Candidate, record: Record, backups: list[tuple[Path, Record]]
) -> list[FilePlan]:
    """One person erased on request, in each backup that holds them and in the record."""
    plans = []
    for (b_path, b_record), found in zip(backups, find_in_backups(person, backups), strict=True):
        plans.append(FilePlan(b_path, b_record, [d for c in found for d in due_on_request(c)]))
    plans.append(FilePlan(path, record, due_on_request(person)))
    return plans


def describe_plans(plans: list[FilePlan], verb: str) -> list[str]:
    """Ids and field names only: never the personal data itself."""
    lines = []
    for plan in plans:
        if plan.due:
            lines.append(f"{verb} {len(plan.due)} candidate(s) in {visible(str(plan.path))}:")
            lines += [f"  {d.candidate.id}  {', '.join(d.held)}" for d in plan.due]
            lines += _describe_erased(plan.erased)
    return lines


def _describe_erased(erased: Erased) -> list[str]:
    """Where mentions were erased and which conflicts were dropped: ids only."""
    lines = []
    for cid in dict.fromkeys(mention.of for mention in erased.mentions):
        places = [m.describe() for m in erased.mentions if m.of == cid]
        lines.append(f"  mentions of {cid} erased in {', '.join(map(visible, places))}")
    if erased.conflicts:
        lines.append(f"  conflicts waiting about them dropped: {', '.join(erased.conflicts)}")
    return lines


def nothing_due(record: Record, today: date, erasing: str | None) -> str:
    """Why a purge found nothing to do, and when the next is due."""
    if erasing is not None:
        return f"Nothing to erase: {erasing} holds no personal data."
    outcome = outcome_date(record)
    if outcome is None:
        return (
            "Nothing to purge: the campaign has no outcome yet (no one appointed, and the "
            "'appointment' milestone not marked done)."
        )
    upcoming = [
        on
        for c in record.candidates
        if personal_data_held(c) and (on := anonymise_on(record, c, outcome)) is not None
    ]
    if not upcoming:
        return "Nothing to purge: no one who was not appointed holds personal data."
    return f"Nothing to purge yet: the next is due on {format_day(min(upcoming))}."
