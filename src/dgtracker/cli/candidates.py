"""Commands that change candidates: `add-candidate`, `move` and `note`."""

from typing import Annotated

import typer

from dgtracker.cli.context import ByOption, CandidateId, changing, optional_text, typed_date
from dgtracker.errors import Refused
from dgtracker.text import clean_field

commands = typer.Typer()


@commands.command("add-candidate")
def add_candidate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The candidate's full name.")],
    email: Annotated[str | None, typer.Option(show_default=False)] = None,
    phone: Annotated[str | None, typer.Option(show_default=False)] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Where they came from (advert, search firm, …).", show_default=False),
    ] = None,
    applied: Annotated[
        str | None, typer.Option(help="Date they applied (default: today).", show_default=False)
    ] = None,
    stage: Annotated[
        str | None, typer.Option(help="Starting stage (default: the first).", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option(help="A first note.", show_default=False)] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            help="Why they start at --stage (needed for rejected and withdrawn).",
            show_default=False,
        ),
    ] = None,
    allow_duplicate_email: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-email", help="Add even if another candidate has this email."
        ),
    ] = False,
    by: ByOption = None,
) -> None:
    """Add a candidate; prints the new id."""
    from dgtracker.actions import add_candidate as add

    name = clean_field("name", name)
    email, phone = optional_text("email", email), optional_text("phone", phone)
    source, note = optional_text("source", source), optional_text("note", note)
    reason = optional_text("reason", reason)
    with changing(ctx, by) as change:
        candidate = add(
            change.record,
            by=change.by,
            today=change.today,
            now=change.now,
            applied=typed_date(applied, change.today, "--applied") or change.today,
            stage=stage,
            allow_duplicate_email=allow_duplicate_email,
            name=name,
            email=email,
            phone=phone,
            source=source,
            note=note,
            reason=reason,
        )
    typer.echo(candidate.id)


@commands.command()
def move(
    ctx: typer.Context,
    candidate_id: CandidateId,
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="The stage they move to.")],
    on: Annotated[
        str | None, typer.Option(help="When it happened (default: today).", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option(show_default=False)] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why (needed for rejected and withdrawn).", show_default=False),
    ] = None,
    rank: Annotated[
        int | None,
        typer.Option(
            min=1, max=10_000, help="Place in merit order on the reserve list.", show_default=False
        ),
    ] = None,
    reinstate: Annotated[
        bool, typer.Option("--reinstate", help="Confirm moving someone out of an outcome.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Move a candidate to another stage."""
    from dgtracker.actions import move as move_candidate
    from dgtracker.dates import format_day
    from dgtracker.model import Action
    from dgtracker.views import stage_title

    note_text, reason_text = optional_text("note", note), optional_text("reason", reason)
    with changing(ctx, by) as change:
        record = change.record
        when = typed_date(on, change.today, "--on") or change.today
        candidate = move_candidate(
            record,
            candidate_id,
            stage,
            by=change.by,
            today=change.today,
            now=change.now,
            on=when,
            note=note_text,
            reason=reason_text,
            rank=rank,
            reinstate=reinstate,
        )
        last = candidate.history[-1]
        if last.action == Action.EDITED:  # a new place on the reserve list
            moved = f"{candidate.id} is now place {candidate.rank} on the list."
        else:
            moved = (
                f"{candidate.id} moved from {stage_title(record, last.from_stage or '')} to "
                f"{stage_title(record, candidate.stage)} on {format_day(when)}."
            )
    typer.echo(moved)


@commands.command()
def note(
    ctx: typer.Context,
    candidate_id: CandidateId,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    by: ByOption = None,
) -> None:
    """Add a note to a candidate's history."""
    from dgtracker.actions import add_note

    cleaned = clean_field("note", text)
    if not cleaned:
        raise Refused("The note is empty.")
    with changing(ctx, by) as change:
        candidate = add_note(
            change.record, candidate_id, cleaned, by=change.by, today=change.today, now=change.now
        )
    typer.echo(f"Noted on {candidate.id}.")
