"""Commands that read the record: `status`, `candidates` and `show` (their arguments;
what they do is in cli/reads.py, which the light path runs too)."""

from typing import Annotated

import typer

from dgtracker.cli import reads
from dgtracker.cli.context import (
    CandidateId,
    Command,
    JsonFlag,
    RevealOption,
    example,
    settings_of,
)

commands = typer.Typer()


@commands.command(cls=Command, epilog=example("dgtracker --as-of 2026-02-02 status"))
def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """The dashboard: milestones, countdowns and pipeline."""
    reads.status(settings_of(ctx), json)


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
    reads.candidates(settings_of(ctx), stage, active, json, reveal)


@commands.command(cls=Command, epilog=example("dgtracker show c001"))
def show(
    ctx: typer.Context,
    candidate_id: CandidateId,
    reveal: RevealOption = False,
    json: JsonFlag = False,
) -> None:
    """One candidate, with their full history (by id only where the sift is name-blind)."""
    reads.show(settings_of(ctx), candidate_id, json, reveal)
