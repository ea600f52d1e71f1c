"""Commands for personal data (UK GDPR): `purge` and `export-subject`.

`purge` anonymises, under the record's lock, the record and every backup dgtracker made
of it (backups first: if a save fails part-way, running it again finishes the job).
Nothing here prints personal data: people are named by id, data by field name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli import ByOption, app, load_record, now_utc, settings_of, user_name
from dgtracker.errors import RecordError
from dgtracker.text import visible

if TYPE_CHECKING:  # loaded by the commands that need them, not at start-up
    from dgtracker.model import Candidate, Record
    from dgtracker.privacy import Due


@dataclass(slots=True)
class _Plan:
    """What a purge would do to one file."""

    path: Path
    record: Record
    due: list[Due]


def _load_backups(path: Path) -> list[tuple[Path, Record]]:
    from dgtracker import storage

    loaded = []
    for backup in storage.backups_of(path):
        try:
            loaded.append((backup, storage.load(backup)))
        except RecordError as error:
            raise RecordError(
                f"A backup cannot be read, so it cannot be purged: {error.message}",
                hint="Fix or delete that backup, then run purge again; nothing was changed.",
            ) from None
    return loaded


def _retention_plans(
    path: Path, record: Record, backups: list[tuple[Path, Record]], today: date
) -> list[_Plan]:
    from dgtracker.privacy import backup_date, due_for_retention
    from dgtracker.views import outcome_date

    # A backup is a finished record: with no outcome of its own, it ended when it was made.
    plans = [
        _Plan(
            b_path,
            b_record,
            due_for_retention(b_record, today, outcome_date(b_record) or backup_date(b_path.name)),
        )
        for b_path, b_record in backups
    ]
    plans.append(_Plan(path, record, due_for_retention(record, today, outcome_date(record))))
    return plans


def _erasure_plans(
    path: Path, record: Record, backups: list[tuple[Path, Record]], wanted: str
) -> list[_Plan]:
    from dgtracker.actions import find_candidate
    from dgtracker.privacy import due_on_request, same_person

    person = find_candidate(record, wanted)
    plans = []
    for b_path, b_record in backups:
        found: list[Candidate] = [c for c in b_record.candidates if same_person(person, c)]
        plans.append(_Plan(b_path, b_record, [d for c in found for d in due_on_request(c)]))
    plans.append(_Plan(path, record, due_on_request(person)))
    return plans


def _plans(path: Path, record: Record, today: date, wanted: str | None) -> list[_Plan]:
    backups = _load_backups(path)
    if wanted is None:
        return _retention_plans(path, record, backups, today)
    return _erasure_plans(path, record, backups, wanted)


def _describe(plans: list[_Plan], verb: str) -> list[str]:
    lines = []
    for plan in plans:
        if plan.due:
            lines.append(f"{verb} {len(plan.due)} candidate(s) in {visible(str(plan.path))}:")
            lines += [f"  {d.candidate.id}  {', '.join(d.held)}" for d in plan.due]
    return lines


def _nothing_due(record: Record, today: date, wanted: str | None) -> str:
    from dgtracker.dates import format_day
    from dgtracker.privacy import anonymise_on, personal_data_held
    from dgtracker.views import outcome_date

    if wanted is not None:
        return f"Nothing to erase: {wanted.strip().lower()} holds no personal data."
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


def _apply(plans: list[_Plan], who: str, today: date) -> None:
    from dgtracker import storage
    from dgtracker.privacy import anonymise

    now = now_utc()
    for plan in plans:  # the record itself last
        if plan.due:
            for due in plan.due:
                anonymise(due.candidate, why=due.why, by=who, today=today, now=now)
            storage.save(plan.path, plan.record)


@app.command()
def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be removed; change nothing.")
    ] = False,
    candidate: Annotated[
        str | None,
        typer.Option(
            "--candidate",
            metavar="ID",
            help="Erase this person's data now, on request, whatever the dates.",
            show_default=False,
        ),
    ] = None,
    by: ByOption = None,
) -> None:
    """Anonymise personal data as the retention policy says (here and in backups)."""
    from dgtracker import storage

    settings = settings_of(ctx)
    path = settings.path
    who = user_name(by)
    if dry_run:  # reads only: saves are atomic, so no lock is needed
        record = storage.load(path)
        today = settings.today(record.campaign.timezone)
        plans = _plans(path, record, today, candidate)
        lines = _describe(plans, "Would anonymise")
        lines += ["Nothing was changed (--dry-run)."] if lines else []
    else:
        with storage.locked(path):
            storage.tidy_leftovers(path)
            record = storage.load(path)
            today = settings.today(record.campaign.timezone)
            plans = _plans(path, record, today, candidate)
            lines = _describe(plans, "Anonymised")
            _apply(plans, who, today)
    typer.echo("\n".join(lines) if lines else _nothing_due(record, today, candidate))


@app.command("export-subject")
def export_subject(
    ctx: typer.Context,
    candidate_id: Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write to this file (created with mode 0600) instead of printing.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Everything held about one person, as JSON (a subject access request)."""
    from dgtracker.actions import find_candidate
    from dgtracker.output import json_text, write
    from dgtracker.privacy import subject_access_json

    record, today = load_record(ctx)
    person = find_candidate(record, candidate_id)
    text = json_text(subject_access_json(record, person, today)) + "\n"
    if output is None:
        write(text)
        return
    from dgtracker.storage import write_export

    write_export(output, text, force=force, record_path=settings_of(ctx).path)
    typer.echo(f"Wrote everything held about {person.id} to {visible(str(output))}.")
