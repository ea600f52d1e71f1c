"""Commands for candidates' slots: `schedule` and `agenda`.

Imports inside a command are what that command alone uses (tables, the JSON contract,
the calendar): the lazy command table loads this module for each of them.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    CandidateId,
    Command,
    JsonFlag,
    RevealOption,
    changing,
    example,
    load_panel_view,
    optional_text,
    typed_date,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, rich_console
from dgtracker.record.model import MOST_SLOT_MINUTES

if TYPE_CHECKING:
    from dgtracker.record.model import Candidate, Slot

commands = typer.Typer()


def _moment(text: str, today: date) -> datetime:
    from dgtracker.date_input import parse_when

    try:
        when = parse_when(text.replace("T", " ", 1) if text[:4].isdigit() else text, today)
    except Refused as error:
        error.message = f"WHEN: {error.message}"
        raise
    if when.start is None or when.time is None or when.start != when.end:
        raise Refused(
            f"WHEN '{text}' needs a day and a time of day.",
            hint="Give it as 2026-03-02 10:00 (the campaign's time zone).",
        )
    return datetime.combine(when.start, when.time)


@commands.command(
    cls=Command,
    epilog=example(
        'dgtracker schedule c001 interview "2026-03-03 10:00" --minutes 90 --where "Room 4"',
    ),
)
def schedule(
    ctx: typer.Context,
    candidate_id: CandidateId,
    assessment: Annotated[
        str, typer.Argument(metavar="ASSESSMENT", help="The stage (interview, assessment, …).")
    ],
    when: Annotated[
        str | None,
        typer.Argument(metavar="[WHEN]", help="Day and time, such as '2026-03-02 10:00'."),
    ] = None,
    minutes: Annotated[
        int, typer.Option(min=1, max=MOST_SLOT_MINUTES, help="How long it lasts.")
    ] = 60,
    where: Annotated[str | None, typer.Option(help="The room or call link.")] = None,
    allow_overlap: Annotated[
        bool, typer.Option("--allow-overlap", help="Book even if it overlaps another slot.")
    ] = False,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Cancel the slot (kept, sent as cancelled).")
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Book, move or cancel a candidate's interview or assessment slot."""
    from dgtracker.panel.slots import book

    if cancel:
        if when is not None:
            raise Refused("--cancel takes no WHEN.", hint="Leave out WHEN to cancel the slot.")
        _cancel(ctx, candidate_id, assessment, by, json)
        return
    if when is None:
        raise Refused(
            "Give WHEN, the day and time of the slot.",
            hint="Such as '2026-03-02 10:00'; or add --cancel to cancel the slot.",
        )
    place = optional_text("where", where)
    with changing(ctx, by) as change:
        candidate, earlier = book(
            change.record,
            candidate_id,
            assessment,
            _moment(when, change.today),
            minutes=minutes,
            where=place,
            allow_overlap=allow_overlap,
            by=change.by,
            today=change.today,
            now=change.now,
        )
        slot = candidate.slots[-1]
    if json:
        _print_slot(candidate, slot, earlier)
        return
    moved = f" (was {earlier.at:%Y-%m-%d %H:%M})" if earlier and not earlier.cancelled else ""
    echo(
        f"Booked {candidate.id} for {slot.assessment} at {slot.at:%Y-%m-%d %H:%M}, "
        f"{slot.minutes} minutes{moved}."
    )


def _cancel(
    ctx: typer.Context, candidate_id: str, assessment: str, by: str | None, json: bool
) -> None:
    from dgtracker.panel.slots import cancel

    with changing(ctx, by) as change:
        candidate, slot = cancel(
            change.record,
            candidate_id,
            assessment,
            by=change.by,
            today=change.today,
            now=change.now,
        )
    if json:
        _print_slot(candidate, slot, None)
        return
    echo(f"Cancelled {candidate.id}'s {slot.assessment} slot at {slot.at:%Y-%m-%d %H:%M}.")


def _print_slot(candidate: "Candidate", slot: "Slot", earlier: "Slot | None") -> None:
    from dgtracker.out.panel_json import scheduled_json
    from dgtracker.out.plain import print_json

    print_json(scheduled_json(candidate, slot, earlier))


@commands.command(cls=Command, epilog=example("dgtracker agenda 2026-03-03"))
def agenda(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Argument(metavar="[DAY]", help="The day (default: today).")
    ] = None,
    reveal: RevealOption = False,
    json: JsonFlag = False,
) -> None:
    """A day's slots: time, candidate, assessment, where, and who sits on the panel."""
    from dgtracker.panel.slots import agenda as day_agenda

    view, today = load_panel_view(ctx, reveal)
    record = view.record
    wanted = typed_date(day, today, "DAY") or today
    items = day_agenda(record, wanted)
    if json:
        from dgtracker.out.plain import print_json

        print_json(
            [
                {
                    "start": item.slot.at.isoformat(timespec="minutes"),
                    "end": item.slot.end.isoformat(timespec="minutes"),
                    "id": item.candidate.id,
                    "name": None if view.blinded(item.candidate.id) else item.candidate.name,
                    "assessment": item.slot.assessment,
                    "where": item.slot.where,
                    "absent": item.absent,
                    "adjustments": bool(item.candidate.adjustments),
                    "name_hidden": view.blinded(item.candidate.id),
                    "name_revealed": view.was_revealed(item.candidate.id),
                }
                for item in items
            ]
        )
        return
    from dgtracker.out.panel_tables import render_agenda

    render_agenda(rich_console(), record, wanted, items)
