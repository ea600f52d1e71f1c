"""Commands for a record shared by a team: `share`, `sync`, `resolve` and git's merge
driver `merge-file`.

Imports inside a command are what that command alone uses (the merge's words, the JSON
contract): the lazy command table loads this module for each of them.
"""

from pathlib import Path
from typing import Annotated

import typer

from dgtracker.app import session
from dgtracker.cli.context import (
    ByOption,
    Command,
    JsonFlag,
    changing,
    example,
    record_path,
    this_dgtracker,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo
from dgtracker.record.storage import is_shared
from dgtracker.text import visible

commands = typer.Typer()


@commands.command(
    "merge-file",
    cls=Command,
    epilog=example('git config merge.dgtracker.driver "dgtracker merge-file %O %A %B %P"'),
)
def merge_file(
    base: Annotated[Path, typer.Argument(help="The common ancestor (git's %O).")],
    ours: Annotated[Path, typer.Argument(help="Our version; the result is written here (%A).")],
    theirs: Annotated[Path, typer.Argument(help="Their version (%B).")],
    git_path: Annotated[
        str | None,
        typer.Argument(metavar="[PATH]", help="The record's path in the repository (%P)."),
    ] = None,
) -> None:
    """Merge two versions of a record by meaning (git's merge driver); exit 1 on a conflict
    or an input that breaks a rule (OURS is then left as it was)."""
    said, code = session.merge_file(base, ours, theirs, git_path)
    for line in said:
        echo(line, err=True)
    if code:
        raise typer.Exit(code)


@commands.command(
    cls=Command,
    epilog=example("dgtracker resolve c014.stage --theirs"),
)
def resolve(
    ctx: typer.Context,
    conflict_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The conflict (c014.stage), or the candidate or milestone when it has one.",
        ),
    ],
    ours: Annotated[bool, typer.Option("--ours", help="Keep our copy's value.")] = False,
    theirs: Annotated[bool, typer.Option("--theirs", help="Keep the other copy's value.")] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Settle a conflict a merge left in the record, keeping one side's value."""
    if ours == theirs:
        raise Refused("Choose one side: --ours or --theirs.", hint="'dgtracker check' shows both.")
    from dgtracker.team.conflicts import find

    side = "ours" if ours else "theirs"
    with changing(ctx, by) as change:
        conflict = find(change.record.conflicts, conflict_id)  # as it waited, for --json
        said = session.resolve(change, conflict_id, side)
    if json:
        from dgtracker.out.json_contract import resolved_json
        from dgtracker.out.plain import print_json

        print_json(resolved_json(conflict, side, change.record))
        return
    echo(said)


@commands.command(cls=Command, epilog=example("dgtracker --file ~/dg-tdd/campaign.toml share"))
def share(ctx: typer.Context) -> None:
    """Keep the record in its own git repository: merge driver, ignores, a commit per change."""
    for line in session.share(record_path(ctx), this_dgtracker()):
        echo(line)


@commands.command(cls=Command, epilog=example("dgtracker sync"))
def sync(ctx: typer.Context) -> None:
    """Fetch the team's changes, merge them by meaning, and send ours (a shared record)."""
    from dgtracker.team.merge_erasure import DRIVER_SAID, kept_erasures, kept_since, said

    path = record_path(ctx)
    if not is_shared(path):
        raise Refused(f"{path} is not shared.", hint="Run 'dgtracker share' first.")
    synced, record, now = session.sync(path)  # under the lock for the whole run
    seen = kept_erasures(record)  # erasures kept that this copy already held
    for line in synced.said:
        echo(line)
    # every erasure kept that came in, merged here or by a teammate, said once as `check`
    # says it (the driver's own line for it would say it twice)
    for line in synced.told:
        if not DRIVER_SAID.match(line):
            echo(line)
    if synced.brought_in:
        for line in said(kept_since(seen, now)):
            echo(visible(line))
    if synced.unsent is not None:
        raise synced.unsent
