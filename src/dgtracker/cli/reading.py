"""Commands that read the record: `status`, `candidates` and `show`.

Imports inside a command are what that command and form alone use: `status --json` loads
no rich table and `status` no JSON contract (start-up budget).
"""

from typing import Annotated

import typer

from dgtracker.cli.context import (
    CandidateId,
    Command,
    JsonFlag,
    RevealOption,
    example,
    load_panel_view,
    load_record,
)
from dgtracker.out.terminal import rich_console

commands = typer.Typer()


@commands.command(cls=Command, epilog=example("dgtracker --as-of 2026-02-02 status"))
def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """The dashboard: milestones, countdowns and pipeline."""
    record, today = load_record(ctx)
    if json:
        from dgtracker.out.json_contract import status_json
        from dgtracker.out.plain import print_json

        print_json(status_json(record, today))
        return
    from dgtracker.out.tables import render_status

    render_status(rich_console(), record, today)


@commands.command(cls=Command, epilog=example("dgtracker candidates --active"))
def candidates(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option(help="Only candidates at this stage.")] = None,
    active: Annotated[
        bool, typer.Option("--active", help="Only candidates still in the process.")
    ] = False,
    reveal: RevealOption = False,
    json: JsonFlag = False,
) -> None:
    """List candidates (by id only where the sift is name-blind, unless --reveal)."""
    from dgtracker.process.queries import select_candidates

    view, today = load_panel_view(ctx, reveal)
    record = view.record
    chosen = select_candidates(record, stage=stage, active=active)
    if json:
        from dgtracker.out.json_contract import candidate_json
        from dgtracker.out.plain import print_json

        print_json([candidate_json(c, record, today, view) for c in chosen])
        return
    from dgtracker.out.tables import render_candidates

    render_candidates(rich_console(), record, chosen, today)


@commands.command(cls=Command, epilog=example("dgtracker show c001"))
def show(
    ctx: typer.Context,
    candidate_id: CandidateId,
    reveal: RevealOption = False,
    json: JsonFlag = False,
) -> None:
    """One candidate, with their full history (by id only where the sift is name-blind)."""
    from dgtracker.process.candidate_actions import find_candidate

    view, today = load_panel_view(ctx, reveal)
    record = view.record
    candidate = find_candidate(record, candidate_id)
    if json:
        from dgtracker.out.json_contract import candidate_detail_json
        from dgtracker.out.plain import print_json

        print_json(candidate_detail_json(candidate, record, today, view))
        return
    from dgtracker.out.tables import render_candidate

    render_candidate(rich_console(), record, candidate, today)
