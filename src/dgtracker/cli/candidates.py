"""Commands that change candidates: `add-candidate`, `move` and `note` (their arguments;
what `add-candidate` and a one-candidate `move` do is in cli/writes.py, which the light
path runs too).

Imports inside a command are what that command alone uses (rich tables, the JSON
contract, the bulk rules): the lazy command table loads this module for each of them.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli import writes
from dgtracker.cli.context import (
    ByOption,
    CandidateId,
    Change,
    Command,
    JsonFlag,
    changing,
    example,
    load_record,
    now_utc,
    optional_text,
    settings_of,
    typed_date,
    user_name,
)
from dgtracker.dates import format_day
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, write
from dgtracker.progress import tracked
from dgtracker.text import clean_field, visible

if TYPE_CHECKING:
    from dgtracker.record.model import Candidate, Record

commands = typer.Typer()


@commands.command(
    "add-candidate",
    cls=Command,
    epilog=example(
        'dgtracker add-candidate "Ada Lovelace" --email ada@example.org --source advert'
    ),
)
def add_candidate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The candidate's full name.")],
    email: Annotated[str | None, typer.Option(help="Email address (one a candidate).")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number, as written.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Where they came from (advert, search firm, …).")
    ] = None,
    applied: Annotated[str | None, typer.Option(help="Date they applied (default: today).")] = None,
    stage: Annotated[str | None, typer.Option(help="Starting stage (default: the first).")] = None,
    note: Annotated[str | None, typer.Option(help="A first note.")] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why they start at --stage (needed for rejected and withdrawn)."),
    ] = None,
    allow_duplicate_email: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-email", help="Add even if another candidate has this email."
        ),
    ] = False,
    disability_confident: Annotated[
        bool,
        typer.Option(
            "--disability-confident/--no-disability-confident",
            help="They opted in to the Disability Confident scheme (an interview if they "
            "meet the minimum criteria).",
        ),
    ] = False,
    adjustments: Annotated[
        str | None,
        typer.Option(help="Reasonable adjustments they asked for (shown by `show` only)."),
    ] = None,
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add a candidate; prints the new id."""
    writes.add_candidate(
        settings_of(ctx),
        name,
        email=email,
        phone=phone,
        source=source,
        applied=applied,
        stage=stage,
        note=note,
        reason=reason,
        allow_duplicate_email=allow_duplicate_email,
        disability_confident=disability_confident,
        adjustments=adjustments,
        json_output=json_output,
        by=by,
    )


IdsThenStage = Annotated[
    list[str],
    typer.Argument(
        metavar="ID... STAGE",
        help="The candidates' ids, then the stage they move to (an id or title).",
    ),
]
ASK_YES_OVER = 10  # a selection of more people than this needs --yes


@commands.command(
    cls=Command,
    epilog=example(
        'dgtracker move c001 longlist --note "Strong sift"',
        'dgtracker move c002 rejected --reason "Did not meet the essential criteria"',
        'dgtracker move --from applied --except c021,c024 rejected --reason "Not longlisted"',
    ),
)
def move(
    ctx: typer.Context,
    ids_then_stage: IdsThenStage,
    on: Annotated[str | None, typer.Option(help="When it happened (default: today).")] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the move.")] = None,
    reason: Annotated[
        str | None, typer.Option(help="Why (needed for rejected and withdrawn).")
    ] = None,
    rank: Annotated[
        int | None,
        typer.Option(min=1, max=10_000, help="Place in merit order on the reserve list."),
    ] = None,
    reinstate: Annotated[
        bool, typer.Option("--reinstate", help="Confirm moving someone out of an outcome.")
    ] = False,
    from_stage: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="STAGE",
            help="Move everyone now at this stage (instead of naming ids).",
        ),
    ] = None,
    leaving_out: Annotated[
        list[str] | None,
        typer.Option(
            "--except", metavar="ID,ID", help="With --from: leave these people where they are."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show who would move; change nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help=f"Confirm a --from selection of more than {ASK_YES_OVER}.")
    ] = False,
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Move one or more candidates to another stage (all of them, or none)."""
    *ids, stage = ids_then_stage
    out = [one for text in leaving_out or [] for one in text.split(",") if one.strip()]
    if from_stage is None and (out or not ids):  # usage errors (exit 2), as click's are
        raise typer.BadParameter(
            "--except leaves people out of a --from selection."
            if out
            else "name the candidates to move, then the stage (or use --from STAGE).",
            param_hint="'ID... STAGE'",
        )
    if from_stage is not None and ids:
        raise typer.BadParameter(
            "name ids or choose them with --from, not both (--except ID,ID leaves some out).",
            param_hint="'ID... STAGE'",
        )
    if rank is not None and (from_stage is not None or len(ids) > 1):
        raise Refused("--rank is one person's place on the reserve list; move them one at a time.")
    if from_stage is None and len(ids) == 1 and not dry_run:  # --rank is one person's
        writes.move(
            settings_of(ctx),
            ids[0],
            stage,
            on=on,
            note=note,
            reason=reason,
            reinstate=reinstate,
            json_output=json_output,
            by=by,
            rank=rank,
        )
        return
    note_text, reason_text = optional_text("note", note), optional_text("reason", reason)

    def chosen(record: "Record") -> list[str]:
        if from_stage is None:
            return ids
        from dgtracker.process.bulk import at_stage_except

        selected = at_stage_except(record, from_stage, out)
        if not selected:
            raise Refused(f"Nobody is at '{from_stage}' (after --except); nothing was moved.")
        if len(selected) > ASK_YES_OVER and not (yes or dry_run):
            raise Refused(
                f"This selection moves {len(selected)} people; nothing was moved.",
                hint="See who with --dry-run, then add --yes to move them all.",
            )
        return selected

    def move_them(change: Change) -> "list[Candidate]":
        from dgtracker.process.bulk import move_many

        wanted = chosen(change.record)
        return move_many(
            change.record,
            wanted,
            stage,
            by=change.by,
            today=change.today,
            now=change.now,
            on=typed_date(on, change.today, "--on"),
            note=note_text,
            reason=reason_text,
            reinstate=reinstate,
            each=tracked,
        )

    if dry_run:
        record, today = load_record(ctx, progress=True)
        change = Change(record, today, now_utc(), user_name(by))
        _show_moves(change, move_them(change), json_output, dry_run=True)
        return
    with changing(ctx, by, progress=True) as change:
        moved = move_them(change)
    _show_moves(change, moved, json_output, dry_run=False)


def _show_moves(
    change: Change, moved: "list[Candidate]", json_output: bool, *, dry_run: bool
) -> None:
    """A line for each person moved (or who would be), then how many; or the JSON."""
    from dgtracker.process.queries import stage_title

    record = change.record
    if json_output:
        from dgtracker.out.json_contract import moves_json
        from dgtracker.out.plain import print_json

        print_json(moves_json(moved, dry_run=dry_run))
        return
    lines = []
    for candidate in moved:
        last = candidate.history[-1]
        before = stage_title(record, last.from_stage or "")
        lines.append(
            f"{candidate.id} {visible(candidate.name)}: {before} → "
            f"{stage_title(record, candidate.stage)}"
            if dry_run
            else f"{candidate.id} moved from {before} to {stage_title(record, candidate.stage)}"
            f" on {format_day(last.on)}."
        )
    to = stage_title(record, moved[0].stage) if moved else ""
    day = format_day(moved[0].history[-1].on) if moved else ""
    lines.append(
        f"Would move {len(moved)} candidate(s) to {to} on {day}. Nothing was changed (--dry-run)."
        if dry_run
        else f"Moved {len(moved)} candidate(s) to {to} on {day}."
    )

    write("\n".join(lines) + "\n")


@commands.command(cls=Command, epilog=example('dgtracker note c001 "References received"'))
def note(
    ctx: typer.Context,
    candidate_id: CandidateId,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add a note to a candidate's history."""
    from dgtracker.process.candidate_actions import add_note

    cleaned = clean_field("note", text)
    if not cleaned:
        raise Refused("The note is empty.")
    with changing(ctx, by) as change:
        candidate = add_note(
            change.record, candidate_id, cleaned, by=change.by, today=change.today, now=change.now
        )
    if json_output:
        from dgtracker.out.json_contract import noted_json
        from dgtracker.out.plain import print_json

        print_json(noted_json(candidate))
        return
    echo(f"Noted on {candidate.id}.")
