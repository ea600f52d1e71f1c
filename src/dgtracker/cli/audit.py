"""`audit`: the competition checked against the Civil Service Commission's rules."""

import typer

from dgtracker.cli.context import Command, JsonFlag, example, load_record
from dgtracker.errors import FINDINGS

commands = typer.Typer()


@commands.command(
    cls=Command, epilog=example("dgtracker audit", "dgtracker --as-of 2026-04-01 audit --json")
)
def audit(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Check the competition against the Commission's rules (exit 1 if anything is found)."""
    # Imported here: the lazy command table loads only what the command run needs.
    from dgtracker.panel.audit import audit as run_audit

    record, today = load_record(ctx)
    result = run_audit(record, today)
    if json:
        from dgtracker.out.audit_out import audit_json
        from dgtracker.out.plain import print_json

        print_json(audit_json(result, today))
    else:
        from dgtracker.out.audit_out import audit_lines
        from dgtracker.out.terminal import write

        write("".join(f"{line}\n" for line in audit_lines(result)))
    if result.findings:
        raise typer.Exit(FINDINGS)
