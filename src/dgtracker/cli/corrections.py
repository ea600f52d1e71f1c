"""Commands that correct a candidate, leaving a trace: `edit` and `undo`.

Imports inside a command are what that command alone uses (tables, the JSON contract):
the lazy command table loads this module for each of them.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    CandidateId,
    Command,
    JsonFlag,
    ReasonOption,
    changing,
    example,
    optional_text,
    typed_date,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from datetime import date

commands = typer.Typer()


def _typed(field: str, value: str | None) -> str | None:
    """A value typed for `field`; "" clears an optional field."""
    if value is None or (field != "name" and not value.strip()):
        return value if value is None else ""
    return optional_text(field, value)


@commands.command(
    cls=Command,
    epilog=example('dgtracker edit c009 --email ada@example.org --reason "Typo in the email"'),
)
def edit(
    ctx: typer.Context,
    candidate_id: CandidateId,
    name: Annotated[str | None, typer.Option(help="The corrected name.")] = None,
    email: Annotated[str | None, typer.Option(help='The corrected email ("" to clear).')] = None,
    phone: Annotated[str | None, typer.Option(help='The corrected phone ("" to clear).')] = None,
    source: Annotated[str | None, typer.Option(help='The corrected source ("" to clear).')] = None,
    applied: Annotated[str | None, typer.Option(help="The corrected date they applied.")] = None,
    reason: ReasonOption = None,
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Correct a candidate's details; the history says which fields changed (and keeps
    the values they replace, until a purge)."""
    from dgtracker.process.corrections import edit_candidate

    typed = {
        "name": _typed("name", name),
        "email": _typed("email", email),
        "phone": _typed("phone", phone),
        "source": _typed("source", source),
    }
    reason_text = optional_text("reason", reason)
    with changing(ctx, by) as change:
        given: dict[str, str | date | None] = {
            field: value for field, value in typed.items() if value is not None
        }
        if applied is not None:
            given["applied"] = typed_date(applied, change.today, "--applied")
        if not given:
            raise Refused(
                "Say what to correct.", hint="Give --name, --email, --phone, --source or --applied."
            )
        candidate, changed = edit_candidate(
            change.record,
            candidate_id,
            given,
            by=change.by,
            today=change.today,
            now=change.now,
            reason=reason_text,
        )
    if json_output:
        from dgtracker.out.json_contract import edited_json
        from dgtracker.out.plain import print_json

        print_json(edited_json(candidate, changed, change.record, change.today))
        return
    echo(f"Corrected {candidate.id}: {', '.join(changed)}.")


@commands.command(
    cls=Command,
    epilog=example('dgtracker undo c009 --reason "Moved to appointed in error"'),
)
def undo(
    ctx: typer.Context,
    candidate_id: CandidateId,
    reason: Annotated[str, typer.Option(help="Why it is undone (kept in the history).")],
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Undo a candidate's last change (a move, a new rank or an edit) with a compensating
    history entry; nothing is deleted."""
    from dgtracker.process.corrections import describe_event
    from dgtracker.process.corrections import undo as undo_change
    from dgtracker.process.queries import stage_title

    reason_text = clean_field("reason", reason)
    with changing(ctx, by) as change:
        candidate, undone = undo_change(
            change.record,
            candidate_id,
            reason=reason_text,
            by=change.by,
            today=change.today,
            now=change.now,
        )
        where = stage_title(change.record, candidate.stage)
    if json_output:
        from dgtracker.out.json_contract import undone_json
        from dgtracker.out.plain import print_json

        print_json(undone_json(candidate, undone, change.record, change.today))
        return
    rank = f", place {candidate.rank}" if candidate.rank is not None else ""
    echo(f"Undid {describe_event(change.record, undone)}: {candidate.id} is at {where}{rank}.")
