"""Commands for the panel's decision: `score`, `merit` and `reserve --from-merit`.

Imports inside a command are what that command alone uses (the merit rules, tables, the
JSON contract): the lazy command table loads this module for each of them.
"""

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
    load_record,
    optional_text,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, rich_console

if TYPE_CHECKING:
    from dgtracker.panel.changes import ReservePlace
    from dgtracker.panel.merit import MeritRow
    from dgtracker.record.model import Record

commands = typer.Typer()

AssessmentArg = Annotated[
    str, typer.Argument(metavar="ASSESSMENT", help="The stage marked (interview, assessment, …).")
]


def _scores(typed: list[str]) -> dict[str, str]:
    """The marks as typed, criterion -> text: whether each is a number or a grade of the
    marking frame depends on its criterion (panel/changes.py `read_marks`)."""
    scores: dict[str, str] = {}
    for item in typed:
        name, sep, value = item.partition("=")
        value = value.strip()
        if not sep or not name.strip() or not value:
            raise Refused(
                f"'{item}' is not a mark.",
                hint="Give CRITERION=N, such as leadership=5 (or a grade, leadership=B/C).",
            )
        scores[name.strip()] = value
    return scores


@commands.command(
    cls=Command,
    epilog=example(
        'dgtracker score c001 interview leadership=6 big-picture=5 --member "Sam Lee"',
        "dgtracker score c001 interview leadership=6 big-picture=5 --agreed",
    ),
)
def score(
    ctx: typer.Context,
    candidate_id: CandidateId,
    assessment: AssessmentArg,
    marks: Annotated[
        list[str],
        typer.Argument(
            metavar="CRITERION=N...",
            help="The marks, such as leadership=5 (on the marking frame: leadership=B/C).",
        ),
    ],
    member: Annotated[str | None, typer.Option(help="The panel member marking.")] = None,
    agreed: Annotated[
        bool, typer.Option("--agreed", help="The panel's agreed (moderated) marks.")
    ] = False,
    evidence: Annotated[str | None, typer.Option(help="The evidence behind the marks.")] = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Record a panel member's marks (or the agreed marks) for a candidate."""
    from dgtracker.panel.changes import marked_sheet, read_marks
    from dgtracker.panel.changes import score as record_marks

    if agreed == (member is not None):
        raise Refused("Say whose marks these are: --member NAME, or --agreed.")
    scores = _scores(marks)
    evidence_text = optional_text("evidence", evidence)
    with changing(ctx, by) as change:
        candidate = record_marks(
            change.record,
            candidate_id,
            assessment,
            read_marks(change.record, scores),
            member=member,
            evidence=evidence_text,
            by=change.by,
            today=change.today,
            now=change.now,
        )
        sheet = marked_sheet(change.record, candidate, assessment, member)
    if json:
        from dgtracker.out.panel_json import score_json
        from dgtracker.out.plain import print_json

        print_json(score_json(candidate, sheet, change.record.criteria))
        return
    echo(f"Recorded {len(scores)} mark(s) for {candidate.id}.")


@commands.command(cls=Command, epilog=example("dgtracker merit interview"))
def merit(
    ctx: typer.Context,
    assessment: Annotated[
        str | None,
        typer.Argument(
            metavar="[ASSESSMENT]", help="The stage (default: the latest with agreed marks)."
        ),
    ] = None,
    reveal: RevealOption = False,
    json: JsonFlag = False,
) -> None:
    """The merit order from the panel's agreed marks: appointable candidates first."""
    view, _ = load_panel_view(ctx, reveal)
    record = view.record
    stage_id, rows = _merit(record, assessment)
    if json:
        from dgtracker.out.panel_json import merit_json
        from dgtracker.out.plain import print_json

        answer = merit_json(rows, view)
        del rows  # memory: the answer is all the printing needs (its room reused for the text)
        print_json(answer)
        return
    from dgtracker.out.panel_tables import render_merit
    from dgtracker.panel.merit import assessed_at

    render_merit(rich_console(), record, stage_id, assessed_at(record, stage_id), rows)


def _merit(record: "Record", assessment: str | None) -> "tuple[str, list[MeritRow]]":
    from dgtracker.panel.merit import merit

    stage_id = _assessed_stage(record, assessment)
    return stage_id, merit(record, stage_id)


def _assessed_stage(record: "Record", assessment: str | None) -> str:
    """The stage whose merit order is asked for (default: the latest with agreed marks)."""
    from dgtracker.panel.merit import default_assessment
    from dgtracker.process.candidate_actions import resolve_stage

    stage_id = resolve_stage(record, assessment) if assessment else default_assessment(record)
    if stage_id is None:
        raise Refused(
            "No criteria are set, so there is no merit order.",
            hint="Add criteria with 'dgtracker criteria add'.",
        )
    return stage_id


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker reserve --from-merit interview --dry-run",
        "dgtracker reserve --from-merit interview --dry-run --json",
    ),
)
def reserve(
    ctx: typer.Context,
    assessment: Annotated[
        str | None,
        typer.Argument(metavar="[ASSESSMENT]", help="The stage whose merit order to use."),
    ] = None,
    from_merit: Annotated[
        bool, typer.Option("--from-merit", help="Build the reserve list from the merit order.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan; change nothing.")
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Put the appointable candidates not appointed on the reserve list, in merit order."""
    from dgtracker.panel.changes import apply_reserve, reserve_plan

    if not from_merit:
        raise Refused(
            "Say where the reserve list comes from: --from-merit.",
            hint="To place one candidate by hand: dgtracker move ID reserve --rank N",
        )
    if dry_run:
        record, _ = load_record(ctx)
        stage_id = _assessed_stage(record, assessment)  # the plan makes the merit order
        _show_reserve(reserve_plan(record, stage_id), stage_id, dry_run=True, json=json)
        return
    with changing(ctx, by) as change:
        stage_id = _assessed_stage(change.record, assessment)  # the plan makes the merit order
        plan = reserve_plan(change.record, stage_id)
        done = apply_reserve(
            change.record, plan, stage_id, by=change.by, today=change.today, now=change.now
        )
    _show_reserve(done, stage_id, dry_run=False, json=json)


def _show_reserve(plan: "list[ReservePlace]", stage_id: str, *, dry_run: bool, json: bool) -> None:
    if json:
        from dgtracker.out.panel_json import reserve_json
        from dgtracker.out.plain import print_json

        print_json(reserve_json(plan, stage_id, dry_run))
        return
    from dgtracker.out.panel_tables import render_reserve_plan

    render_reserve_plan(rich_console(), plan, stage_id, dry_run)
