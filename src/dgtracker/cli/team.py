"""Commands for a record shared by a team: `share`, `sync`, `resolve` and git's merge
driver `merge-file`."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dgtracker.cli.context import (
    ByOption,
    Command,
    changing,
    example,
    record_path,
    this_dgtracker,
)
from dgtracker.errors import Refused

if TYPE_CHECKING:
    from dgtracker.app.session import Change
    from dgtracker.record.model import MergeConflict as Conflict

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
    import sys

    from dgtracker.record import storage
    from dgtracker.team.merge import clash_says, merge
    from dgtracker.team.merge_erasure import driver_says
    from dgtracker.team.merge_inputs import checked_result, read_side

    # git gives an empty ancestor when both sides added the file
    sides = [
        read_side(path, which, ours, git_path)
        for path, which in ((base, "base"), (ours, "ours"), (theirs, "theirs"))
    ]
    merged = merge(sides[0][0], sides[1][0], sides[2][0])
    if merged.clashes:  # two people under one id: never mixed, never renumbered
        sys.stderr.write(clash_says(merged.clashes, ours) + "\n")
        raise typer.Exit(1)
    record = checked_result(merged.data, ours, git_path)
    storage.save(ours, record, sides[1][1])  # our unchanged candidates keep their text
    for cid, dropped in merged.erased.items():  # ids, counts and actions: no personal data
        sys.stderr.write(driver_says(cid, dropped) + "\n")
    if merged.conflicts:
        ids = ", ".join(conflict["id"] for conflict in merged.conflicts)
        sys.stderr.write(
            f"dgtracker: conflict in {ids}; run 'dgtracker check' to see both sides.\n"
        )
        raise typer.Exit(1)


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
    by: ByOption = None,
) -> None:
    """Settle a conflict a merge left in the record, keeping one side's value."""
    from dgtracker.record import storage
    from dgtracker.team import conflicts

    if ours == theirs:
        raise Refused("Choose one side: --ours or --theirs.", hint="'dgtracker check' shows both.")
    side = "ours" if ours else "theirs"
    with changing(ctx, by) as change:
        conflict = conflicts.find(change.record.conflicts, conflict_id)
        data = storage.loads(storage.serialise(change.record)[0])  # as a file holds it
        if conflicts.is_history(conflict):  # a recorded history rewritten on a copy
            said = _keep_history(change, data, conflict, side)
        else:
            said = _keep_value(change, data, conflict, side)
    typer.echo(said)


def _keep_value(change: "Change", data: dict[str, Any], conflict: "Conflict", side: str) -> str:
    """One side's value at the conflict's place (a stage chosen: the losing moves undone)."""
    from dgtracker.record.decode import record_from_data
    from dgtracker.team import conflicts

    kept = conflicts.settle(data, conflict, side)
    stage_chosen = conflict.path[0::2] == ["candidates", "stage"]
    if stage_chosen:  # the losing moves undone: the move kept is the last that stands
        conflicts.keep_move(
            data, conflict, kept, side, by=change.by, today=change.today, now=change.now
        )
    settled, problems = record_from_data(data)
    if settled is None:
        raise Refused(
            f"Keeping {side} would break a rule: {problems[0]}.", hint="Try the other side."
        )
    if conflict.path[0] == "candidates" and len(conflict.path) > 2 and not stage_chosen:
        from dgtracker.process.candidate_actions import add_note

        add_note(
            settled,
            conflict.path[1],
            f"Merge conflict on {conflict.path[2]} resolved: kept "
            f"{conflicts.side_shown(conflict, side)} ({side}).",
            by=change.by,
            today=change.today,
            now=change.now,
        )
    change.record = settled
    change.summary = f"resolve {conflict.id} {side}"
    return f"Resolved {conflict.id}: kept {conflicts.side_shown(conflict, side)} ({side})."


def _keep_history(change: "Change", data: dict[str, Any], conflict: "Conflict", side: str) -> str:
    """`resolve c014.history`: one copy's history of the candidate, with the other's new
    entries; --ours or --theirs, whichever copy rewrote it."""
    from dgtracker.record.decode import record_from_data
    from dgtracker.team.conflicts import settle_history

    settle_history(data, conflict, side)
    settled, problems = record_from_data(data)
    if settled is None:
        raise Refused(
            f"Keeping {side} would break a rule: {problems[0]}.", hint="Try the other side."
        )
    change.record = settled
    change.summary = f"resolve {conflict.id} {side}"
    return f"Resolved {conflict.id}: kept the history of {conflict.path[1]} ({side})."


@commands.command(cls=Command, epilog=example("dgtracker --file ~/dg-tdd/campaign.toml share"))
def share(ctx: typer.Context) -> None:
    """Keep the record in its own git repository: merge driver, ignores, a commit per change."""
    from dgtracker.record import storage
    from dgtracker.team.git_share import share as set_up

    path = record_path(ctx)
    storage.load(path)  # only a record that exists and keeps the rules is shared
    for line in set_up(path, this_dgtracker()):
        typer.echo(line)


@commands.command(cls=Command, epilog=example("dgtracker sync"))
def sync(ctx: typer.Context) -> None:
    """Fetch the team's changes, merge them by meaning, and send ours (a shared record)."""
    from dgtracker.app import session
    from dgtracker.record.storage import is_shared
    from dgtracker.team.merge_erasure import DRIVER_SAID, kept_erasures, kept_since, said
    from dgtracker.text import visible

    path = record_path(ctx)
    if not is_shared(path):
        raise Refused(f"{path} is not shared.", hint="Run 'dgtracker share' first.")
    synced, record, now = session.sync(path)  # under the lock for the whole run
    seen = kept_erasures(record)  # erasures kept that this copy already held
    for line in synced.said:
        typer.echo(line)
    # every erasure kept that came in, merged here or by a teammate, said once as `check`
    # says it (the driver's own line for it would say it twice)
    for line in synced.told:
        if not DRIVER_SAID.match(line):
            typer.echo(line)
    if synced.brought_in:
        for line in said(kept_since(seen, now)):
            typer.echo(visible(line))
    if synced.unsent is not None:
        raise synced.unsent
