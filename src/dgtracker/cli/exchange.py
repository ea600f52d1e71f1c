"""Commands that exchange data with calendars and spreadsheets: `export` and `import`.

Imports inside a command are what that command alone uses (openpyxl, the calendar, the
import's readers): the lazy command table loads this module for each of them.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.app import session
from dgtracker.cli.context import (
    ByOption,
    Command,
    ForceOption,
    JsonFlag,
    OutputOption,
    RevealOption,
    changing,
    example,
    load_panel_view,
    load_record,
    record_path,
)
from dgtracker.errors import Refused
from dgtracker.exchange.sheet_files import LIMIT_MB
from dgtracker.out.terminal import echo, rich_console, write, write_bytes
from dgtracker.progress import tracked
from dgtracker.text import one_line, visible

if TYPE_CHECKING:
    from datetime import date

    from dgtracker.exchange.sheet_import import ImportPlan
    from dgtracker.record.model import Candidate, Record

commands = typer.Typer()  # import
export_app = typer.Typer(
    name="export",
    help="Write the record for calendars (ics), spreadsheets (csv, xlsx) or scripts (json).",
    epilog=example(
        "dgtracker export ics -o dg-tdd.ics",
        "dgtracker export xlsx -o candidates.xlsx",
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(export_app)


class Alarms(StrEnum):
    ONE = "one"
    ALL = "all"
    NONE = "none"


# --- export -----------------------------------------------------------------------


@export_app.command(
    "ics",
    cls=Command,
    epilog=example(
        "dgtracker export ics -o dg-tdd.ics",
        "dgtracker export ics -o panel.ics --slots --alarms all",
    ),
)
def export_ics(
    ctx: typer.Context,
    output: OutputOption = None,
    force: ForceOption = False,
    slots: Annotated[
        bool, typer.Option("--slots", help="Add candidates' slots (titled by candidate id).")
    ] = False,
    with_names: Annotated[
        bool, typer.Option("--with-names", help="Name candidates in slot titles too.")
    ] = False,
    alarms: Annotated[
        Alarms,
        typer.Option(
            "--alarms",
            case_sensitive=False,
            help="one: a single alarm before each event (Outlook takes no more); "
            "all: one for each reminder day; none.",
        ),
    ] = Alarms.ONE,
    reveal: RevealOption = False,
) -> None:
    """Milestones as calendar events (iCalendar), with a reminder alarm."""
    from dgtracker.exchange.calendar_export import calendar_bytes, is_cancelled, shown_when

    # panel members receive it too: through the name-blind sift's view (process/blind.py)
    record = load_panel_view(ctx, reveal)[0].record
    sent = [m for m in record.milestones if shown_when(m) is not None]
    cancelled = sum(1 for milestone in sent if is_cancelled(milestone))
    left_out = len(record.milestones) - len(sent)  # never dated
    summary = f"{len(sent) - cancelled} event(s)"
    summary += f"; {cancelled} cancelled (no longer dated)" if cancelled else ""
    summary += f"; {left_out} never dated left out" if left_out else ""
    extra = []
    if slots:
        from dgtracker.exchange.slot_calendar import slot_events

        extra = slot_events(record, with_names=with_names)
        summary += f"; {len(extra)} slot(s)"
    deliver(ctx, calendar_bytes(record, alarms.value, extra), output, force, summary)


@export_app.command("csv", cls=Command, epilog=example("dgtracker export csv -o candidates.csv"))
def export_csv(
    ctx: typer.Context,
    output: OutputOption = None,
    force: ForceOption = False,
    bom: Annotated[
        bool, typer.Option("--bom/--no-bom", help="Start with the byte-order mark Excel needs.")
    ] = True,
    reveal: RevealOption = False,
) -> None:
    """Candidates as a spreadsheet (CSV, UTF-8), with formulas defused."""
    from dgtracker.exchange.sheet_export import candidates_csv

    view, today = load_panel_view(ctx, reveal, progress=True)
    record = view.record
    text = candidates_csv(record, today, bom=bom, each=tracked)
    deliver(ctx, text.encode("utf-8"), output, force, f"{len(record.candidates)} candidate(s)")


@export_app.command("xlsx", cls=Command, epilog=example("dgtracker export xlsx -o candidates.xlsx"))
def export_xlsx(
    ctx: typer.Context,
    output: OutputOption = None,
    force: ForceOption = False,
    reveal: RevealOption = False,
) -> None:
    """Candidates as an Excel workbook (.xlsx): typed dates, a frozen header, no formulas."""
    from dgtracker.exchange.workbook_export import candidates_xlsx

    if (output is None or str(output) == "-") and sys.stdout.isatty():
        raise Refused(
            "A workbook is binary: it cannot be shown in the terminal.",
            hint="Give a file name with -o, as in -o candidates.xlsx.",
        )
    view, today = load_panel_view(ctx, reveal)
    record = view.record
    data = candidates_xlsx(record, today)
    deliver(ctx, data, output, force, f"{len(record.candidates)} candidate(s)")


@export_app.command("json", cls=Command, epilog=example("dgtracker export json > record.json"))
def export_json(
    ctx: typer.Context,
    output: OutputOption = None,
    force: ForceOption = False,
    reveal: RevealOption = False,
) -> None:
    """The whole record as JSON (the documented contract)."""
    from dgtracker.out.json_contract import record_json
    from dgtracker.out.plain import json_text

    view, today = load_panel_view(ctx, reveal, progress=True)
    record = view.record
    text = json_text(record_json(record, today, tracked, view)) + "\n"
    summary = f"{len(record.candidates)} candidate(s), {len(record.milestones)} milestone(s)"
    deliver(ctx, text.encode("utf-8"), output, force, summary)


def deliver(
    ctx: typer.Context, data: bytes, output: Path | None, force: bool, summary: str
) -> None:
    """Send an export to standard output, or to a new file named by -o."""
    if output is None or str(output) == "-":
        write_bytes(data)
        return
    from dgtracker.exchange.safe_files import write_export

    write_export(output, data, force=force, record_path=record_path(ctx))
    echo(f"Wrote {output}: {summary}.")


# --- import -----------------------------------------------------------------------


@commands.command(
    "import",
    cls=Command,
    epilog=example(
        'dgtracker import applicants.xlsx --map "Date Submitted=applied" --dry-run',
        "dgtracker import sift.csv --update",
    ),
)
def import_csv(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A CSV or tab-separated file, a workbook (.xlsx, .ods), or - for standard input.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show every field it would store; change nothing.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option("--update", help="Update candidates whose email is already in the record."),
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="HEADING=FIELD",
            help='Say what a column holds, e.g. --map "Date Submitted=applied"; '
            '"HEADING=-" leaves it out. Repeatable.',
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="The text file's encoding (utf-8, utf-16, cp1252…); detected when left out.",
        ),
    ] = None,
    every_row: Annotated[
        bool, typer.Option("--all", help="With --dry-run: list every row, not the first few.")
    ] = False,
    max_mb: Annotated[
        int,
        typer.Option("--max-mb", min=1, help="Refuse a file larger than this (megabytes)."),
    ] = LIMIT_MB,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Add candidates from a spreadsheet (CSV, .xlsx or .ods): every row, or none if any is bad."""
    from dgtracker.exchange.sheet_files import read_input, read_table_file
    from dgtracker.exchange.sheet_import import parse_mapping

    if every_row and not dry_run:
        raise Refused("--all goes with --dry-run.", hint="Add --dry-run to see every row.")
    name = "standard input" if str(file) == "-" else str(file)
    table = read_table_file(read_input(file, max_mb), name, encoding)
    columns = parse_mapping(mapping or [])
    if dry_run:
        record, today = load_record(ctx, progress=True)
        plan = session.plan_table_import(record, today, table, name, update, columns, each=tracked)
        _show_plan(plan, name, record, today, json, every_row)
        return

    with changing(ctx, by, progress=True) as change:  # one lock and one save for the file
        plan, added = session.import_table(change, table, name, update, columns, each=tracked)
    if json:
        from dgtracker.out.json_contract import import_done_json
        from dgtracker.out.plain import print_json

        print_json(import_done_json(plan, name, added))
        return
    _report(plan, added, update, change.today)


def _show_plan(
    plan: "ImportPlan", name: str, record: "Record", today: "date", json: bool, every_row: bool
) -> None:
    """A dry run's plan: JSON, every row as a line (--all), or a short table for people."""
    if json:
        from dgtracker.out.json_contract import import_plan_json
        from dgtracker.out.plain import print_json

        print_json(import_plan_json(plan, name, record, today))
        return
    if every_row:  # a line a row, written as it goes: cheap at any size, easy to grep
        from dgtracker.exchange.sheet_import import ADD, SKIP, UPDATE

        for outcome in plan.outcomes:
            row, existing = outcome.row, outcome.existing
            who = one_line(row.name or (existing.name if existing else ""))
            email = f" <{one_line(row.email)}>" if row.email else ""
            stage = existing.stage if existing else (row.stage or record.stages[0].id)
            said = "; ".join(
                part
                for part in (
                    outcome.detail,
                    f"reason: {outcome.reason}" if outcome.reason else "",
                    f"note: {row.note}" if row.note and outcome.action == ADD else "",
                )
                if part
            )
            detail = f": {one_line(said)}" if said else ""
            action = f"{outcome.action} {existing.id}" if existing else outcome.action
            write(f"row {row.row}: {action} {who}{email} at {stage}{detail}\n")
        write(
            f"Would add {plan.count(ADD):,}, update {plan.count(UPDATE):,} and skip "
            f"{plan.count(SKIP):,}. Nothing was written.\n"
        )
        return
    from dgtracker.out.tables import render_import_plan

    render_import_plan(rich_console(), plan, record, today)


def _report(plan: "ImportPlan", added: "list[Candidate]", update: bool, today: "date") -> None:
    from dgtracker.exchange.sheet_import import ADD, SKIP, UPDATE

    for outcome in plan.outcomes:
        row, existing = outcome.row, outcome.existing
        if outcome.action == UPDATE and existing:
            detail = visible(outcome.detail)
            echo(f"row {row.row}: updated {visible(existing.id)}: {detail}")
        elif outcome.action == SKIP and existing:
            echo(
                f"row {row.row}: skipped {visible(row.email or '')} ({visible(existing.id)}): "
                f"{visible(outcome.detail)}"
            )
    ids = f" ({added[0].id}–{added[-1].id})" if len(added) > 1 else ""
    ids = f" ({added[0].id})" if len(added) == 1 else ids
    skipped = plan.count(SKIP)
    echo(
        f"Added {len(added)} candidate(s){ids}; updated {plan.count(UPDATE)}; skipped {skipped}."
        + (" Use --update to update those already in the record." if skipped and not update else "")
    )
    adds = [outcome for outcome in plan.outcomes if outcome.action == ADD]  # as `added` holds them
    undated = [c.id for c, outcome in zip(added, adds, strict=True) if outcome.dated_today]
    if undated:
        listed = ", ".join(undated[:10]) + (
            f" and {len(undated) - 10} more" if len(undated) > 10 else ""
        )
        echo(
            f"Note: {len(undated)} had no applied date in the file and were given today's, "
            f"{today.isoformat()} ({listed}); correct one with 'dgtracker edit ID --applied DATE'."
        )
    for note in plan.notes:
        echo(f"Note: {note}")
    if plan.ignored_columns:
        ignored = ", ".join(visible(column) for column in plan.ignored_columns)
        echo(f"Columns not imported: {ignored}.")
