"""Commands for personal data (UK GDPR): `purge` and `export-subject`.

Nothing here prints personal data: people are named by id, data by field name.

Imports inside a command are what that command alone uses (the JSON contract, the
subject-access export): the lazy command table loads this module for each of them.
"""

from typing import Annotated

import typer

from dgtracker.app import session
from dgtracker.cli.context import (
    ByOption,
    CandidateId,
    Command,
    ForceOption,
    JsonFlag,
    OutputOption,
    example,
    load_record,
    now_utc,
    record_path,
    settings_of,
    user_name,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, write
from dgtracker.progress import tracked
from dgtracker.record.storage import is_shared
from dgtracker.text import visible

commands = typer.Typer()


@commands.command(cls=Command, epilog=example("dgtracker purge --dry-run"))
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
        ),
    ] = None,
    rewrite_history: Annotated[
        bool,
        typer.Option(
            "--rewrite-history",
            help="A shared record: rewrite every git commit to hold the erased people as "
            "erased, and push with a lease.",
        ),
    ] = False,
    by: ByOption = None,
    json: JsonFlag = False,
) -> None:
    """Anonymise personal data as the retention policy says (here and in backups)."""
    if rewrite_history and dry_run:
        raise Refused(
            "--rewrite-history changes git history: it has no --dry-run.",
            hint="Run 'dgtracker purge --dry-run' to see what would be anonymised.",
        )
    git = None
    if rewrite_history:  # refused before anything changes: a dirty tree, a stopped merge
        git = session.ready_to_rewrite(record_path(ctx))
    who = user_name(by)
    done = session.purge(
        record_path(ctx),
        today=settings_of(ctx).today,
        by=who,
        now=now_utc(),
        candidate=candidate,
        dry_run=dry_run,
        each=tracked,
    )
    if json:
        from dgtracker.out.json_contract import purge_json
        from dgtracker.out.plain import print_json

        print_json(purge_json(done.plans, dry_run, len(done.leftovers)))
    else:
        echo("\n".join(done.lines))
    if done.said:  # a shared record: the purge was committed like any change
        echo(done.said, err=True)
    if git is not None:
        for line in session.rewrite_history(record_path(ctx), git):
            echo(line, err=json)
    elif not dry_run and any(plan.due for plan in done.plans) and is_shared(record_path(ctx)):
        echo(
            "Earlier commits of the shared record still hold the erased data; run "
            "'dgtracker purge --rewrite-history' to rewrite them (see 'dgtracker docs "
            "data-protection').",
            err=True,
        )


@commands.command(
    "export-subject",
    cls=Command,
    epilog=example("dgtracker export-subject c002 -o c002-subject-access.json"),
)
def export_subject(
    ctx: typer.Context,
    candidate_id: CandidateId,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Everything held about one person, as JSON (a subject access request)."""
    from dgtracker.out.json_contract import subject_access_json
    from dgtracker.out.plain import json_text
    from dgtracker.process.candidate_actions import find_candidate

    record, today = load_record(ctx)
    person = find_candidate(record, candidate_id)
    text = json_text(subject_access_json(record, person, today)) + "\n"
    if output is None:
        write(text)
        return
    from dgtracker.exchange.safe_files import write_export

    write_export(output, text, force=force, record_path=record_path(ctx))
    echo(f"Wrote everything held about {person.id} to {visible(str(output))}.")
