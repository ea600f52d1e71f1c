"""The `milestone` commands: list, add, done and reschedule.

Imports inside a command are what that command alone uses (tables, the JSON contract,
the date parser): the lazy command table loads this module for each of them.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    Change,
    Command,
    JsonFlag,
    ReasonOption,
    changing,
    example,
    load_record,
    optional_text,
    typed_date,
)
from dgtracker.dates import format_day, format_when
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, rich_console
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from datetime import date

    from dgtracker.dates import When
    from dgtracker.record.model import Milestone

MAX_REMIND_DAYS = 3_650  # ten years: more is a slip (and would overflow TOML's integers)

commands = typer.Typer(
    name="milestone",
    help="List, add, complete and reschedule milestones.",
    epilog=example(
        "dgtracker milestone list",
        'dgtracker milestone reschedule interviews "w/c 2 March 2026" --reason "Panel diary"',
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
MilestoneId = Annotated[str, typer.Argument(metavar="ID", help="The milestone's id.")]


@commands.command("list", cls=Command, epilog=example("dgtracker milestone list"))
def milestone_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every milestone with its date or window and countdown."""
    record, today = load_record(ctx)
    if json:
        from dgtracker.out.json_contract import milestone_json
        from dgtracker.out.plain import print_json
        from dgtracker.process.queries import milestone_views

        print_json([milestone_json(view) for view in milestone_views(record, today)])
        return
    from dgtracker.out.tables import render_milestones

    render_milestones(rich_console(), record, today, title=None, show_ids=True)


def _print_done(change: Change, milestone: "Milestone") -> None:
    """A milestone command's --json: what it did, as the contract spells it."""
    from dgtracker.out.json_contract import milestone_done_json
    from dgtracker.out.plain import print_json

    print_json(milestone_done_json(change.record, milestone, change.today))


def _when(value: str, today: "date") -> "When":
    from dgtracker.date_input import parse_when

    return parse_when(value, today)


def _remind_days(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        days = tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))
    except ValueError:
        raise Refused(f"--remind '{value}': give whole days before, such as 14,7,1,0.") from None
    if any(day < 0 for day in days):
        raise Refused("--remind: days before cannot be negative.")
    if any(day > MAX_REMIND_DAYS for day in days):
        raise Refused(f"--remind: give at most {MAX_REMIND_DAYS:,} days before.")
    return days


@commands.command(
    "add",
    cls=Command,
    epilog=example('dgtracker milestone add "Panel briefing" "w/c 23 February 2026" --remind 7,1'),
)
def milestone_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What happens.")],
    when: Annotated[
        str,
        typer.Argument(
            metavar="WHEN",
            help="A date, date and time, window (early March 2026, w/c 2 March 2026) or tbc.",
        ),
    ],
    milestone_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the title).")
    ] = None,
    remind: Annotated[
        str | None, typer.Option(help="Reminder days before, comma-separated (default 14,7,3,1,0).")
    ] = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add a milestone."""
    from dgtracker.process.milestone_actions import add_milestone

    cleaned, days = clean_field("title", title), _remind_days(remind)
    with changing(ctx, by) as change:
        milestone = add_milestone(
            change.record,
            cleaned,
            _when(when, change.today),
            by=change.by,
            now=change.now,
            milestone_id=milestone_id,
            remind_days=days,
            today=change.today,
        )
    if json:
        _print_done(change, milestone)
        return
    echo(f"Added milestone {milestone.id}: {format_when(milestone.when)}.")


@commands.command(
    "done", cls=Command, epilog=example("dgtracker milestone done closing --on 9/2/2026")
)
def milestone_done(
    ctx: typer.Context,
    milestone_id: MilestoneId,
    on: Annotated[str | None, typer.Option(help="When it was done (default: today).")] = None,
    early: Annotated[
        bool, typer.Option("--early", help="Confirm it was done before its date or window starts.")
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Mark a milestone done."""
    from dgtracker.process.milestone_actions import mark_done

    with changing(ctx, by) as change:
        when = typed_date(on, change.today, "--on") or change.today
        milestone = mark_done(
            change.record,
            milestone_id,
            on=when,
            today=change.today,
            by=change.by,
            now=change.now,
            early=early,
        )
    if json:
        _print_done(change, milestone)
        return
    echo(f"Marked {milestone.id} done on {format_day(when)}.")


@commands.command(
    "reschedule",
    cls=Command,
    epilog=example(
        'dgtracker milestone reschedule interviews "w/c 2 March 2026" --reason "Panel diary"'
    ),
)
def milestone_reschedule(
    ctx: typer.Context,
    milestone_id: MilestoneId,
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new date, window or tbc.")],
    reason: Annotated[str | None, typer.Option(help="Why it moved.")] = None,
    reopen: Annotated[
        bool,
        typer.Option("--reopen", help="Also mark it not done (it is to happen on the new date)."),
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Move a milestone to a new date or window (the old one stays in its history); one
    marked done stays done unless --reopen."""
    from dgtracker.process.milestone_actions import reschedule

    reason_text = optional_text("reason", reason)
    with changing(ctx, by) as change:
        milestone = reschedule(
            change.record,
            milestone_id,
            _when(when, change.today),
            by=change.by,
            now=change.now,
            reason=reason_text,
            reopen=reopen,
            today=change.today,
        )
    if json:
        _print_done(change, milestone)
        return
    still = " It stays marked done (--reopen to open it again)." if milestone.done else ""
    echo(f"Rescheduled {milestone.id}: {format_when(milestone.when)}.{still}")


@commands.command(
    "reopen",
    cls=Command,
    epilog=example('dgtracker milestone reopen closing --reason "Marked too soon"'),
)
def milestone_reopen(
    ctx: typer.Context,
    milestone_id: MilestoneId,
    reason: ReasonOption = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Mark a milestone not done again (kept in its history)."""
    from dgtracker.process.milestone_actions import reopen_milestone

    reason_text = optional_text("reason", reason)
    with changing(ctx, by) as change:
        milestone = reopen_milestone(
            change.record,
            milestone_id,
            by=change.by,
            now=change.now,
            reason=reason_text,
            today=change.today,
        )
    if json:
        _print_done(change, milestone)
        return
    echo(f"Reopened {milestone.id}: it is no longer marked done.")


@commands.command(
    "rename",
    cls=Command,
    epilog=example('dgtracker milestone rename interviews "Final interviews"'),
)
def milestone_rename(
    ctx: typer.Context,
    milestone_id: MilestoneId,
    title: Annotated[str, typer.Argument(help="The new title.")],
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Give a milestone a new title (the old one stays in its history)."""
    from dgtracker.process.corrections import rename_milestone

    cleaned = clean_field("title", title)
    with changing(ctx, by) as change:
        milestone = rename_milestone(
            change.record, milestone_id, cleaned, by=change.by, today=change.today, now=change.now
        )
    if json:
        _print_done(change, milestone)
        return
    echo(f"Renamed {milestone.id}.")


@commands.command(
    "remove",
    cls=Command,
    epilog=example('dgtracker milestone remove test --reason "Added by mistake"'),
)
def milestone_remove(
    ctx: typer.Context,
    milestone_id: MilestoneId,
    reason: Annotated[str, typer.Option(help="Why it is removed (kept in its history).")],
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Remove a milestone: it stays in the record, marked removed, so calendars can be
    told it is cancelled; lists and reminders leave it out."""
    from dgtracker.process.corrections import remove_milestone

    reason_text = clean_field("reason", reason)
    with changing(ctx, by) as change:
        milestone = remove_milestone(
            change.record,
            milestone_id,
            reason=reason_text,
            by=change.by,
            today=change.today,
            now=change.now,
        )
    if json:
        _print_done(change, milestone)
        return
    echo(f"Removed {milestone.id} (kept in the record as cancelled).")
