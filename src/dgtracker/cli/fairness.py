"""Commands for diversity monitoring: `monitoring` (one person's answers, for the
recruitment team) and `diversity` (the counts by stage, small numbers suppressed).

Imports sit inside the commands: the lazy command table loads this module only for them,
and each loads only what it uses (tests/test_startup_budget.py)."""

from typing import Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    CandidateId,
    Command,
    JsonFlag,
    changing,
    example,
    load_record,
)
from dgtracker.out.terminal import echo

commands = typer.Typer()


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker monitoring c001 sex=female age_band=35-39 religion=prefer-not-to-say",
        "dgtracker monitoring c001 --json",
    ),
)
def monitoring(
    ctx: typer.Context,
    candidate_id: CandidateId,
    answers: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[QUESTION=VALUE...]",
            help="Answers to the diversity questions; none: print the answers given.",
        ),
    ] = None,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """A person's diversity monitoring answers (for the recruitment team only): record
    them, or print them."""
    from dgtracker.out.fairness_json import answered_json, answers_json
    from dgtracker.out.plain import print_json

    if not answers:
        from dgtracker.process.candidate_actions import find_candidate

        record, _ = load_record(ctx)
        candidate = find_candidate(record, candidate_id)
        given = answers_json(candidate)["answers"]
        if json:
            print_json(answers_json(candidate))
            return
        if not given:
            echo(f"{candidate.id} has given no monitoring answers.")
        for question in record.monitoring_policy.questions:
            if question in given:
                echo(f"{question}: {given[question]}")
        return
    from dgtracker.process.monitoring import parse_answers, record_answers

    with changing(ctx, by) as change:
        typed = parse_answers(change.record, answers)
        candidate, changed = record_answers(
            change.record, candidate_id, typed, today=change.today, now=change.now
        )
    if json:
        print_json(answered_json(candidate, changed))
        return
    echo(f"Recorded {candidate.id}'s answers: {', '.join(changed)}.")


@commands.command(cls=Command, epilog=example("dgtracker diversity", "dgtracker diversity --json"))
def diversity(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Diversity by stage, where declared: counts under 5 suppressed, and any count that
    could be worked out from a total."""
    from dgtracker.process.diversity import diversity as counts_by_stage

    record, _ = load_record(ctx)
    tables = counts_by_stage(record)
    if json:
        from dgtracker.out.fairness_json import diversity_json
        from dgtracker.out.plain import print_json

        print_json(diversity_json(tables))
        return
    from dgtracker.out.console import make_console
    from dgtracker.out.tables import render_diversity

    render_diversity(make_console(), tables)
