"""Commands for the panel itself: `criteria ...` (what it marks against) and `panel ...`
(its members and their declared conflicts). Marks and merit order: cli/merit.py.

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
    changing,
    example,
    load_record,
    optional_text,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, rich_console
from dgtracker.record.model import PanelRole
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from dgtracker.record.model import Record

criteria_app = typer.Typer(
    name="criteria",
    help="The criteria the panel marks against (Success Profiles), their scale and bar.",
    epilog=example(
        "dgtracker criteria list",
        'dgtracker criteria add resilience "Resilience" --kind behaviour --bar 4',
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
panel_app = typer.Typer(
    name="panel",
    help="The panel: its members, their roles and declared conflicts of interest.",
    epilog=example(
        'dgtracker panel add "Dame Sue Owen" --role chair',
        'dgtracker panel conflict "Helen Ward" c002 --note "Former colleague"',
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands = typer.Typer()  # both groups, as cli/app.py loads them
commands.add_typer(criteria_app)
commands.add_typer(panel_app)

CriterionId = Annotated[str, typer.Argument(metavar="ID", help="The criterion's id.")]
MemberName = Annotated[str, typer.Argument(help="The panel member's name.")]
KindOption = Annotated[
    str, typer.Option("--kind", help="behaviour, experience, technical, strength or ability.")
]
ScaleOption = Annotated[
    str | None,
    typer.Option(
        "--scale",
        metavar="LOW-HIGH|frame",
        help="The marks (default 1-7), or 'frame': the Commission's grades A, B, B/C, C, D, E.",
    ),
]
FRAME = "frame"
BarOption = Annotated[int | None, typer.Option("--bar", help="The mark to meet (default 4).")]
AssessOption = Annotated[
    str | None,
    typer.Option(
        "--assess", metavar="STAGE,STAGE", help="The stages at which it is marked (stage ids)."
    ),
]
WeightOption = Annotated[
    int | None, typer.Option("--weight", help="Weight in the total (default 1).")
]


def _scale(text: str | None, default: tuple[int, int]) -> tuple[int, int]:
    if text is None or text.strip().lower() == FRAME:
        return default
    low, sep, high = text.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise Refused(f"--scale '{text}' is not a range.", hint="Give LOW-HIGH, such as 1-7.")
    return int(low), int(high)


def _frame(scale: str | None, bar: int | None) -> bool:
    """Whether --scale asks for the Commission's marking frame, whose bar is always C."""
    frame = scale is not None and scale.strip().lower() == FRAME
    if frame and bar is not None:
        raise Refused("The marking frame's bar is always C; leave out --bar.")
    return frame


def _frame_kept(frame: bool, bar: int | None) -> bool:
    if frame and bar is not None:
        raise Refused("The marking frame's bar is always C; leave out --bar.")
    return frame


def _assess(record: "Record", text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    from dgtracker.panel.changes import stage_ids

    return stage_ids(record, [part for part in text.split(",") if part.strip()])


@criteria_app.command(
    "add",
    cls=Command,
    epilog=example(
        'dgtracker criteria add leadership "Leadership" --kind behaviour --assess interview',
    ),
)
def criteria_add(
    ctx: typer.Context,
    criterion_id: Annotated[str, typer.Argument(metavar="ID", help="A short id (leadership).")],
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The criterion as published.")],
    kind: KindOption,
    scale: ScaleOption = None,
    bar: BarOption = None,
    assess: AssessOption = None,
    weight: WeightOption = None,
    lead: Annotated[bool, typer.Option("--lead", help="Break ties in merit order.")] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add a criterion."""
    from dgtracker.panel.changes import add_criterion, new_criterion

    title = clean_field("title", title)
    frame = _frame(scale, bar)
    with changing(ctx, by) as change:
        criterion = new_criterion(
            criterion_id.strip(),
            title,
            kind,
            scale=_scale(scale, (1, 7)),
            bar=4 if bar is None else bar,
            assess=_assess(change.record, assess) or (),
            weight=1 if weight is None else weight,
            lead=lead,
            frame=frame,
        )
        add_criterion(change.record, criterion, change.today)
    if json:
        from dgtracker.out.panel_json import criterion_done_json
        from dgtracker.out.plain import print_json

        print_json(criterion_done_json(criterion, removed=False))
        return
    echo(f"Added criterion {criterion.id}.")


@criteria_app.command("list", cls=Command, epilog=example("dgtracker criteria list --json"))
def criteria_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the criteria."""
    record, _ = load_record(ctx)
    if json:
        from dgtracker.out.panel_json import criterion_json
        from dgtracker.out.plain import print_json

        print_json([criterion_json(c) for c in record.criteria])
        return
    from dgtracker.out.panel_tables import render_criteria

    render_criteria(rich_console(), record)


@criteria_app.command(
    "change",
    cls=Command,
    epilog=example('dgtracker criteria change leadership --title "Leadership (SCS)"'),
)
def criteria_change(
    ctx: typer.Context,
    criterion_id: CriterionId,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="A new kind (behaviour, experience, technical, strength, ability)."),
    ] = None,
    scale: ScaleOption = None,
    bar: BarOption = None,
    assess: AssessOption = None,
    weight: WeightOption = None,
    lead: Annotated[bool | None, typer.Option("--lead/--no-lead", help="Break ties.")] = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Change a criterion (once marked, only what leaves marks and merit order alone)."""
    from dgtracker.panel.changes import change_criterion, find_criterion, new_criterion

    new_title = optional_text("title", title)
    with changing(ctx, by) as change:
        old = find_criterion(change.record, criterion_id)
        changed = new_criterion(
            old.id,
            new_title or old.title,
            kind or old.kind,
            scale=_scale(scale, (old.low, old.high)),
            bar=old.bar if bar is None else bar,
            assess=_assess(change.record, assess) or old.assess,
            weight=old.weight if weight is None else weight,
            lead=old.lead if lead is None else lead,
            frame=_frame(scale, bar) if scale is not None else _frame_kept(old.frame, bar),
        )
        change_criterion(change.record, criterion_id, changed, change.today)
    if json:
        from dgtracker.out.panel_json import criterion_done_json
        from dgtracker.out.plain import print_json

        print_json(criterion_done_json(changed, removed=False))
        return
    echo(f"Changed criterion {old.id}.")


@criteria_app.command("remove", cls=Command, epilog=example("dgtracker criteria remove leadership"))
def criteria_remove(
    ctx: typer.Context,
    criterion_id: CriterionId,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Remove a criterion that has no marks."""
    from dgtracker.panel.changes import remove_criterion

    with changing(ctx, by) as change:
        gone = remove_criterion(change.record, criterion_id)
    if json:
        from dgtracker.out.panel_json import criterion_done_json
        from dgtracker.out.plain import print_json

        print_json(criterion_done_json(gone, removed=True))
        return
    echo(f"Removed criterion {gone.id}.")


# --- the panel -----------------------------------------------------------------------


@panel_app.command(
    "add", cls=Command, epilog=example('dgtracker panel add "Dame Jo Bloggs" --role chair')
)
def panel_add(
    ctx: typer.Context,
    name: MemberName,
    role: Annotated[
        str,
        typer.Option(help="chair (the Commissioner), member, independent or adviser (no marks)."),
    ] = "member",
    commissioner: Annotated[
        bool,
        typer.Option(
            "--commissioner", help="A Civil Service Commissioner (who chairs SCS3 external)."
        ),
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add a panel member."""
    from dgtracker.panel.changes import add_member

    name = clean_field("name", name)
    try:
        panel_role = PanelRole(role.strip().lower())
    except ValueError:
        raise Refused(
            f"'{role}' is not a panel role.",
            hint=f"Roles: {', '.join(r.value for r in PanelRole)}.",
        ) from None
    with changing(ctx, by) as change:
        member = add_member(change.record, name, panel_role, commissioner=commissioner)
    if json:
        from dgtracker.out.panel_json import member_done_json
        from dgtracker.out.plain import print_json

        print_json(member_done_json(member))
        return
    said = f"{panel_role}, Civil Service Commissioner" if commissioner else str(panel_role)
    echo(f"Added {name} to the panel ({said}).")


@panel_app.command("list", cls=Command, epilog=example("dgtracker panel list"))
def panel_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the panel, with declared conflicts."""
    record, _ = load_record(ctx)
    if json:
        from dgtracker.out.panel_json import member_json
        from dgtracker.out.plain import print_json

        print_json([member_json(m) for m in record.panel])
        return
    from dgtracker.out.panel_tables import render_panel

    render_panel(rich_console(), record)


@panel_app.command(
    "conflict",
    cls=Command,
    epilog=example('dgtracker panel conflict "Sam Lee" c004 --note "Former line manager"'),
)
def panel_conflict(
    ctx: typer.Context,
    name: MemberName,
    candidate_id: CandidateId,
    note: Annotated[str | None, typer.Option(help="The conflict, as declared.")] = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Declare a member's conflict of interest with a candidate (their marks are refused)."""
    from dgtracker.panel.changes import declare_conflict

    note_text = optional_text("note", note)
    with changing(ctx, by) as change:
        member = declare_conflict(change.record, name, candidate_id, note_text)
    if json:
        from dgtracker.out.panel_json import member_done_json
        from dgtracker.out.plain import print_json

        print_json(member_done_json(member))
        return
    echo(f"Recorded {member.name}'s conflict with {candidate_id.strip().lower()}.")
