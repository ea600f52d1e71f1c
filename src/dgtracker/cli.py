"""The dgtracker command line: parse what was typed, call the model, show the result.

Commands stay thin: dates and text are checked on the way in (date_input.py, text.py), rules
live in actions.py, files in storage.py, and output in render.py / output.py.
Heavy modules (rich, dateutil, tomli_w) are imported inside the commands that need them.
"""

# No `from __future__ import annotations` here: typer reads every command's annotations
# at each start-up, and string annotations would be compiled and evaluated each time.

import os
import sys
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dgtracker import __version__
from dgtracker.errors import RECORD_UNUSABLE, USAGE, Refused
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from dgtracker.model import Record

DEFAULT_RECORD = Path("data") / "campaign.toml"
MAX_REMIND_DAYS = 3_650  # ten years: more is a slip (and would overflow TOML's integers)

app = typer.Typer(
    name="dgtracker",
    help="Track a senior recruitment campaign — milestones and candidates — in one TOML record.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
milestone_app = typer.Typer(
    help="List, add, complete and reschedule milestones.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(milestone_app, name="milestone")

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON (the documented contract) instead of a table.")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who made the change (default: your user name).", show_default=False),
]


@dataclass(slots=True)
class Settings:
    """The global options, resolved once and shared by every command."""

    file: Path | None
    as_of: str | None

    @property
    def path(self) -> Path:
        return self.file if self.file is not None else DEFAULT_RECORD

    def today(self, timezone: str) -> date:
        from zoneinfo import ZoneInfo

        from dgtracker.dates import ISO_DAY

        real_today = datetime.now(ZoneInfo(timezone)).date()
        if not self.as_of:
            return real_today
        if ISO_DAY.fullmatch(self.as_of):  # as scripts and cron give it: no parser needed
            with suppress(ValueError):
                return date.fromisoformat(self.as_of)
        from dgtracker.date_input import parse_date

        try:
            return parse_date(self.as_of, real_today)
        except Refused as error:
            error.message = f"--as-of / DGTRACKER_TODAY: {error.message}"
            raise


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def user_name(by: str | None) -> str:
    if by:
        return clean_field("by", by)
    import getpass

    try:
        return clean_field("by", getpass.getuser()) or "unknown"
    except (OSError, KeyError, ImportError, Refused):
        return "unknown"


def _text(field: str, value: str | None) -> str | None:
    return clean_field(field, value) if value is not None else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dgtracker {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            envvar="DGTRACKER_FILE",
            show_default=False,
            help="The record to use (default: data/campaign.toml here).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            envvar="DGTRACKER_TODAY",
            show_default=False,
            help="Act as if today were this date (for example 2026-02-02).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Track a senior recruitment campaign in one plain-text TOML record.

    Global options go before the command: dgtracker --as-of 2026-02-02 status
    """
    ctx.obj = Settings(file=file or None, as_of=as_of or None)


def load_record(ctx: typer.Context) -> "tuple[Record, date]":
    from dgtracker import storage

    settings = settings_of(ctx)
    record = storage.load(settings.path)
    return record, settings.today(record.campaign.timezone)


# --- the record -------------------------------------------------------------------


@app.command()
def where(ctx: typer.Context) -> None:
    """Print the path of the record in use."""
    path = settings_of(ctx).path
    typer.echo(str(path.absolute()))


@app.command()
def init(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Option(
            help="Another campaign's title (default: the DHSC Director General campaign).",
            show_default=False,
        ),
    ] = None,
    closes: Annotated[
        str | None,
        typer.Option(help="Closing date for applications (with --title).", show_default=False),
    ] = None,
    organisation: Annotated[str, typer.Option(help="Organisation (with --title).")] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing record, keeping a backup.")
    ] = False,
) -> None:
    """Create a new record (the DHSC campaign by default)."""
    from dgtracker import storage, template
    from dgtracker.date_input import parse_when
    from dgtracker.dates import When

    settings = settings_of(ctx)
    path = settings.path
    if path.exists() and not force:
        raise Refused(
            f"A record already exists at {path}.",
            hint="Use --force to replace it (a backup is kept), or --file to choose another path.",
        )
    if title is None:
        if closes is not None or organisation:
            raise Refused("--closes and --organisation go with --title.")
        record = template.dhsc_campaign()
    else:
        from dgtracker.model import DEFAULT_TIMEZONE

        today = settings.today(DEFAULT_TIMEZONE)
        closing = parse_when(closes, today) if closes else When()
        record = template.blank_campaign(
            clean_field("title", title), closing, clean_field("organisation", organisation)
        )
    saved = storage.create(path, record, keep_backup=force)
    if saved is not None:
        typer.echo(f"Kept the old record as {saved}")
    typer.echo(f"Created {path} ({record.campaign.title}).")


@app.command()
def check(ctx: typer.Context) -> None:
    """Validate the record; list every problem (exit 3 if any)."""
    from dgtracker import storage
    from dgtracker.text import visible

    path = settings_of(ctx).path
    if not path.exists():
        storage.read_text(path)  # raises the standard "no record" error
    record, problems = storage.examine(path)
    if record is None:
        for problem in problems:
            shown = visible(problem)
            typer.echo(shown if shown.startswith(str(path)) else f"{path}: {shown}")
        typer.echo(f"{len(problems)} problem(s) found.")
        raise typer.Exit(RECORD_UNUSABLE)
    typer.echo(
        f"{path} is valid: {len(record.candidates)} candidate(s), "
        f"{len(record.milestones)} milestone(s), {len(record.stages)} stages."
    )


# --- reading ----------------------------------------------------------------------


@app.command()
def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """The dashboard: milestones, countdowns and pipeline."""
    record, today = load_record(ctx)
    if json:
        from dgtracker.output import print_json
        from dgtracker.views import status_json

        print_json(status_json(record, today))
        return
    from dgtracker.render import make_console, render_status

    render_status(make_console(), record, today)


@app.command()
def candidates(
    ctx: typer.Context,
    stage: Annotated[
        str | None, typer.Option(help="Only candidates at this stage.", show_default=False)
    ] = None,
    active: Annotated[
        bool, typer.Option("--active", help="Only candidates still in the process.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """List candidates."""
    from dgtracker.views import active_stage_ids

    record, today = load_record(ctx)
    chosen = record.candidates
    if stage is not None:
        from dgtracker.actions import resolve_stage

        stage = resolve_stage(record, stage)
        chosen = [c for c in chosen if c.stage == stage]
        if stage == "reserve":  # the reserve list is read in merit order
            chosen.sort(key=lambda c: (c.rank is None, c.rank or 0))
    if active:
        in_process = active_stage_ids(record)
        chosen = [c for c in chosen if c.stage in in_process]
    if json:
        from dgtracker.output import print_json
        from dgtracker.views import candidate_json

        print_json([candidate_json(c, record, today) for c in chosen])
        return
    from dgtracker.render import make_console, render_candidates

    render_candidates(make_console(), record, chosen, today)


@app.command()
def show(
    ctx: typer.Context,
    candidate_id: Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")],
    json: JsonFlag = False,
) -> None:
    """One candidate, with their full history."""
    from dgtracker.actions import find_candidate

    record, today = load_record(ctx)
    candidate = find_candidate(record, candidate_id)
    if json:
        from dgtracker.output import print_json
        from dgtracker.views import candidate_detail_json

        print_json(candidate_detail_json(candidate, record, today))
        return
    from dgtracker.render import make_console, render_candidate

    render_candidate(make_console(), record, candidate, today)


# --- changing ---------------------------------------------------------------------


def updating_record(ctx: typer.Context) -> "AbstractContextManager[Record]":
    """Lock the record, load it, and save it when the block ends without an error."""
    from dgtracker import storage

    return storage.updating(settings_of(ctx).path)


def typed_date(value: str | None, today: date, option: str) -> date | None:
    if value is None:
        return None
    from dgtracker.date_input import parse_date

    try:
        return parse_date(value, today)
    except Refused as error:
        error.message = f"{option}: {error.message}"
        raise


@app.command("add-candidate")
def add_candidate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The candidate's full name.")],
    email: Annotated[str | None, typer.Option(show_default=False)] = None,
    phone: Annotated[str | None, typer.Option(show_default=False)] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Where they came from (advert, search firm, …).", show_default=False),
    ] = None,
    applied: Annotated[
        str | None, typer.Option(help="Date they applied (default: today).", show_default=False)
    ] = None,
    stage: Annotated[
        str | None, typer.Option(help="Starting stage (default: the first).", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option(help="A first note.", show_default=False)] = None,
    allow_duplicate_email: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-email", help="Add even if another candidate has this email."
        ),
    ] = False,
    by: ByOption = None,
) -> None:
    """Add a candidate; prints the new id."""
    from dgtracker.actions import add_candidate as add

    name = clean_field("name", name)
    email, phone = _text("email", email), _text("phone", phone)
    source, note, who = _text("source", source), _text("note", note), user_name(by)
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        candidate = add(
            record,
            by=who,
            today=today,
            now=now_utc(),
            applied=typed_date(applied, today, "--applied") or today,
            stage=stage,
            allow_duplicate_email=allow_duplicate_email,
            name=name,
            email=email,
            phone=phone,
            source=source,
            note=note,
        )
    typer.echo(candidate.id)


@app.command()
def move(
    ctx: typer.Context,
    candidate_id: Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")],
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="The stage they move to.")],
    on: Annotated[
        str | None, typer.Option(help="When it happened (default: today).", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option(show_default=False)] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why (needed for rejected and withdrawn).", show_default=False),
    ] = None,
    rank: Annotated[
        int | None,
        typer.Option(
            min=1, max=10_000, help="Place in merit order on the reserve list.", show_default=False
        ),
    ] = None,
    reinstate: Annotated[
        bool, typer.Option("--reinstate", help="Confirm moving someone out of an outcome.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Move a candidate to another stage."""
    from dgtracker.actions import move as move_candidate
    from dgtracker.dates import format_day
    from dgtracker.views import stage_title

    note_text, reason_text, who = _text("note", note), _text("reason", reason), user_name(by)
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        when = typed_date(on, today, "--on") or today
        candidate = move_candidate(
            record,
            candidate_id,
            stage,
            by=who,
            today=today,
            now=now_utc(),
            on=when,
            note=note_text,
            reason=reason_text,
            rank=rank,
            reinstate=reinstate,
        )
        last = candidate.history[-1]
        if last.action == "edited":  # a new place on the reserve list
            moved = f"{candidate.id} is now place {candidate.rank} on the list."
        else:
            moved = (
                f"{candidate.id} moved from {stage_title(record, last.from_stage or '')} to "
                f"{stage_title(record, candidate.stage)} on {format_day(when)}."
            )
    typer.echo(moved)


@app.command()
def note(
    ctx: typer.Context,
    candidate_id: Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    by: ByOption = None,
) -> None:
    """Add a note to a candidate's history."""
    from dgtracker.actions import add_note

    cleaned, who = clean_field("note", text), user_name(by)
    if not cleaned:
        raise Refused("The note is empty.")
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        candidate = add_note(record, candidate_id, cleaned, by=who, today=today, now=now_utc())
    typer.echo(f"Noted on {candidate.id}.")


# --- milestones -------------------------------------------------------------------


@milestone_app.command("list")
def milestone_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every milestone with its date or window and countdown."""
    record, today = load_record(ctx)
    if json:
        from dgtracker.output import print_json
        from dgtracker.views import milestone_json, milestone_views

        print_json([milestone_json(view) for view in milestone_views(record, today)])
        return
    from dgtracker.render import make_console, render_milestones

    render_milestones(make_console(), record, today, title=None, show_ids=True)


def _when(value: str, today: date) -> Any:
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


@milestone_app.command("add")
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
        str | None,
        typer.Option("--id", help="Id (default: made from the title).", show_default=False),
    ] = None,
    remind: Annotated[
        str | None,
        typer.Option(
            help="Reminder days before, comma-separated (default 14,7,3,1,0).", show_default=False
        ),
    ] = None,
    by: ByOption = None,
) -> None:
    """Add a milestone."""
    from dgtracker.actions import add_milestone
    from dgtracker.dates import format_when

    cleaned, who, days = clean_field("title", title), user_name(by), _remind_days(remind)
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        milestone = add_milestone(
            record,
            cleaned,
            _when(when, today),
            by=who,
            now=now_utc(),
            milestone_id=milestone_id,
            remind_days=days,
        )
    typer.echo(f"Added milestone {milestone.id}: {format_when(milestone.when)}.")


@milestone_app.command("done")
def milestone_done(
    ctx: typer.Context,
    milestone_id: Annotated[str, typer.Argument(metavar="ID", help="The milestone's id.")],
    on: Annotated[
        str | None, typer.Option(help="When it was done (default: today).", show_default=False)
    ] = None,
    by: ByOption = None,
) -> None:
    """Mark a milestone done."""
    from dgtracker.actions import mark_done
    from dgtracker.dates import format_day

    who = user_name(by)
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        when = typed_date(on, today, "--on") or today
        milestone = mark_done(record, milestone_id, on=when, today=today, by=who, now=now_utc())
    typer.echo(f"Marked {milestone.id} done on {format_day(when)}.")


@milestone_app.command("reschedule")
def milestone_reschedule(
    ctx: typer.Context,
    milestone_id: Annotated[str, typer.Argument(metavar="ID", help="The milestone's id.")],
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new date, window or tbc.")],
    reason: Annotated[str | None, typer.Option(help="Why it moved.", show_default=False)] = None,
    by: ByOption = None,
) -> None:
    """Move a milestone to a new date or window (the old one stays in its history)."""
    from dgtracker.actions import reschedule
    from dgtracker.dates import format_when

    reason_text, who = _text("reason", reason), user_name(by)
    with updating_record(ctx) as record:
        today = settings_of(ctx).today(record.campaign.timezone)
        milestone = reschedule(
            record, milestone_id, _when(when, today), by=who, now=now_utc(), reason=reason_text
        )
    typer.echo(f"Rescheduled {milestone.id}: {format_when(milestone.when)}.")


# Commands defined in their own modules register themselves on `app` when imported.
from dgtracker import cli_exchange, cli_privacy, cli_reminders  # noqa: E402, F401

# --- entry point ------------------------------------------------------------------


def main() -> None:
    """Console entry point: typer handles dgtracker's own errors; this catches the rest."""
    try:
        app()
    except SystemExit as done:  # how typer ends every command, with its exit code
        if done.code == USAGE and (slip := misplaced_global_option(sys.argv[1:])):
            option, command = slip
            sys.stderr.write(
                f"  {option} is a global option: it goes before the command, as in\n"
                f"  dgtracker {option} ... {command} ...\n"
            )
        _leave(done.code)
    except Exception as error:  # never show a traceback to a user
        if os.environ.get("DGTRACKER_DEBUG"):
            raise
        sys.stderr.write(
            f"dgtracker: unexpected internal error ({type(error).__name__}).\n"
            "  The record is as it was before this command, or fully saved by it.\n"
            "  Please report this; set DGTRACKER_DEBUG=1 to see the details.\n"
        )
        sys.exit(70)


GLOBAL_OPTIONS = ("--file", "-f", "--as-of")


def misplaced_global_option(argv: list[str]) -> tuple[str, str] | None:
    """A global option typed after the command (a common slip), with the command; or None.

    None too when the word in the command's place is no command: then something else went
    wrong (two paths after --file, from a pattern such as *.toml, say).
    """
    command = None
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif command is not None:
            if arg.split("=", 1)[0] in GLOBAL_OPTIONS:
                return arg.split("=", 1)[0], command
        elif arg in GLOBAL_OPTIONS:
            skip_value = True
        elif not arg.startswith("-"):
            if arg not in _command_names():
                return None
            command = arg
    return None


def _command_names() -> set[str]:
    import typer.main

    group = typer.main.get_command(app)
    return set(getattr(group, "commands", {}))


def _leave(code: object) -> None:
    """Exit as soon as the output is flushed, without tearing the interpreter down.

    Tear-down frees every object one at a time (a large record is hundreds of thousands)
    and can take longer than the command; the system reclaims the memory at once. Files
    and the record's lock are closed by the time a command returns.
    """
    if code is None:
        code = 0
    if not isinstance(code, int):
        raise SystemExit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # a closed pipe, say: the usual exit reports it as before
        raise SystemExit(code) from None
    os._exit(code)
