"""Commands about the record file itself: `where`, `init` and `check`.

Imports inside a command are what that command alone uses (tables, the JSON contract,
the merge's words): the lazy command table loads this module for each of them.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.app import session
from dgtracker.cli.context import Command, JsonFlag, example, record_path, settings_of
from dgtracker.dates import When
from dgtracker.errors import RECORD_UNUSABLE, Refused
from dgtracker.out.terminal import echo
from dgtracker.process import new_records
from dgtracker.record import storage
from dgtracker.record.model import DEFAULT_TIMEZONE
from dgtracker.text import clean_field, visible

if TYPE_CHECKING:
    from dgtracker.record.model import Record

commands = typer.Typer()


@commands.command(cls=Command, epilog=example("dgtracker where"))
def where(ctx: typer.Context) -> None:
    """Print the path of the record in use."""
    echo(str(record_path(ctx).absolute()))


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker --file ~/campaigns/dg-tdd.toml init",
        'dgtracker -f cio.toml init --title "Chief Information Officer" --closes 2026-04-30',
    ),
)
def init(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Option(
            help="Another campaign's title (default: the DHSC Director General campaign)."
        ),
    ] = None,
    closes: Annotated[
        str | None, typer.Option(help="Closing date for applications (with --title).")
    ] = None,
    organisation: Annotated[str, typer.Option(help="Organisation (with --title).")] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing record, keeping a backup.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Create a new record (the DHSC campaign by default)."""
    from dgtracker.date_input import parse_when

    settings = settings_of(ctx)
    path = settings.path
    if title is None:
        if closes is not None or organisation:
            raise Refused("--closes and --organisation go with --title.")
        record = new_records.dhsc_campaign()
    else:
        today = settings.today(DEFAULT_TIMEZONE)
        closing = parse_when(closes, today) if closes else When()
        record = new_records.blank_campaign(
            clean_field("title", title), closing, clean_field("organisation", organisation)
        )
    saved, said = session.create(path, record, replace=force)
    if json:
        from dgtracker.out.json_contract import created_json
        from dgtracker.out.plain import print_json

        print_json(created_json(str(path), record, str(saved) if saved is not None else None))
    else:
        if saved is not None:
            echo(f"Kept the old record as {saved}")
        echo(f"Created {path} ({record.campaign.title}).")
    if said:
        echo(said, err=True)


@commands.command(cls=Command, epilog=example("dgtracker check"))
def check(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Validate the record; list every problem (exit 3 if any), any merge conflict (exit 1),
    and any erasure a merge kept over someone's changes (information only)."""
    path = record_path(ctx)
    if not path.exists():
        storage.read_text(path)  # raises the standard "no record" error
    record, problems = storage.examine(path)
    if json:
        from dgtracker.out.json_contract import check_json
        from dgtracker.out.plain import print_json

        print_json(check_json(str(path), record, problems))
        if record is None:
            raise typer.Exit(RECORD_UNUSABLE)
        if record.conflicts:
            raise typer.Exit(1)
        return
    if record is None:
        for problem in problems:
            shown = visible(problem)
            echo(shown if shown.startswith(str(path)) else f"{path}: {shown}")
        echo(f"{len(problems)} problem(s) found.")
        raise typer.Exit(RECORD_UNUSABLE)
    echo(
        f"{path} is valid: {len(record.candidates)} candidate(s), "
        f"{len(record.milestones)} milestone(s), {len(record.stages)} stages."
    )
    if record.conflicts:
        from dgtracker.team.conflicts import describe_conflict

        echo(f"{len(record.conflicts)} conflict(s) from merging two copies wait for a choice:")
        for conflict in record.conflicts:
            echo(f"  {visible(describe_conflict(conflict))}")
    _say_kept_erasures(record)
    if record.conflicts:
        raise typer.Exit(1)


def _say_kept_erasures(record: "Record") -> None:
    """Erasures a merge kept over someone's changes: information, never a failure, so a
    teammate who pulled the merged record learns their changes to that person were dropped."""
    from dgtracker.team.merge_erasure import kept_erasures, said

    for line in said(kept_erasures(record)):
        echo(visible(line))
