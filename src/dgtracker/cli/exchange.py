"""Commands that exchange data with calendars and spreadsheets: `export` and `import`."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    ForceOption,
    OutputOption,
    changing,
    load_record,
    record_path,
)
from dgtracker.errors import Refused

if TYPE_CHECKING:
    from dgtracker.model import Candidate
    from dgtracker.spreadsheet import ImportPlan

commands = typer.Typer()  # import
export_app = typer.Typer(
    name="export",
    help="Write the record for calendars (ics), spreadsheets (csv) or scripts (json).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


# --- export -----------------------------------------------------------------------


@export_app.command("ics")
def export_ics(ctx: typer.Context, output: OutputOption = None, force: ForceOption = False) -> None:
    """Milestones as calendar events (iCalendar), with reminders as alarms."""
    from dgtracker.calendar_export import calendar_bytes

    record, _ = load_record(ctx)
    dated = sum(1 for milestone in record.milestones if milestone.when.start is not None)
    left_out = len(record.milestones) - dated
    summary = f"{dated} event(s)" + (f"; {left_out} to be confirmed left out" if left_out else "")
    deliver(ctx, calendar_bytes(record), output, force, summary)


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    output: OutputOption = None,
    force: ForceOption = False,
    bom: Annotated[
        bool,
        typer.Option("--bom/--no-bom", help="Start with the byte-order mark Excel needs."),
    ] = True,
) -> None:
    """Candidates as a spreadsheet (CSV, UTF-8), with formulas defused."""
    from dgtracker.spreadsheet import candidates_csv

    record, today = load_record(ctx)
    text = candidates_csv(record, today, bom=bom)
    deliver(ctx, text.encode("utf-8"), output, force, f"{len(record.candidates)} candidate(s)")


@export_app.command("json")
def export_json(
    ctx: typer.Context, output: OutputOption = None, force: ForceOption = False
) -> None:
    """The whole record as JSON (the documented contract)."""
    from dgtracker.contract import record_json
    from dgtracker.output import json_text

    record, today = load_record(ctx)
    text = json_text(record_json(record, today)) + "\n"
    summary = f"{len(record.candidates)} candidate(s), {len(record.milestones)} milestone(s)"
    deliver(ctx, text.encode("utf-8"), output, force, summary)


def deliver(
    ctx: typer.Context, data: bytes, output: Path | None, force: bool, summary: str
) -> None:
    """Send an export to standard output, or to a new file named by -o."""
    if output is None or str(output) == "-":
        write_stdout(data)
        return
    from dgtracker.exports import write_export

    write_export(output, data.decode("utf-8"), force=force, record_path=record_path(ctx))
    typer.echo(f"Wrote {output}: {summary}.")


def write_stdout(data: bytes) -> None:
    """Exact bytes (BOM, CRLF) where stdout allows, whatever the terminal's encoding."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        from dgtracker.output import write

        write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


# --- import -----------------------------------------------------------------------


@commands.command("import")
def import_csv(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE.csv", help="A spreadsheet saved as CSV (UTF-8)."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option("--update", help="Update candidates whose email is already in the record."),
    ] = False,
    by: ByOption = None,
) -> None:
    """Add candidates from a spreadsheet (CSV): every row, or none if any row is bad."""
    from dgtracker.spreadsheet import apply_import, decode, plan_import

    text = decode(_read_bytes(file), str(file))
    if dry_run:
        from dgtracker.render import make_console, render_import_plan

        record, today = load_record(ctx)
        plan = plan_import(text, str(file), record, today, update)
        render_import_plan(make_console(), plan, record)
        return
    with changing(ctx, by) as change:  # one lock and one save for the whole file
        plan = plan_import(text, str(file), change.record, change.today, update)
        added = apply_import(change.record, plan, by=change.by, today=change.today, now=change.now)
    _report(plan, added, update)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise Refused(f"No file at {path}.") from None
    except IsADirectoryError:
        raise Refused(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise Refused(f"Cannot read {path}: {error.strerror or error}.") from None


def _report(plan: "ImportPlan", added: "list[Candidate]", update: bool) -> None:
    from dgtracker.spreadsheet import SKIP, UPDATE
    from dgtracker.text import visible

    for outcome in plan.outcomes:
        row, existing = outcome.row, outcome.existing
        if outcome.action == UPDATE and existing:
            detail = visible(outcome.detail)
            typer.echo(f"line {row.line}: updated {visible(existing.id)}: {detail}")
        elif outcome.action == SKIP and existing:
            typer.echo(
                f"line {row.line}: skipped {visible(row.email or '')} ({visible(existing.id)}): "
                f"{visible(outcome.detail)}"
            )
    ids = f" ({added[0].id}–{added[-1].id})" if len(added) > 1 else ""
    ids = f" ({added[0].id})" if len(added) == 1 else ids
    skipped = plan.count(SKIP)
    typer.echo(
        f"Added {len(added)} candidate(s){ids}; updated {plan.count(UPDATE)}; skipped {skipped}."
        + (" Use --update to update those already in the record." if skipped and not update else "")
    )
    if plan.ignored_columns:
        ignored = ", ".join(visible(column) for column in plan.ignored_columns)
        typer.echo(f"Columns not imported: {ignored}.")
