"""What every command shares: the global options, the record in use, who and when.

Command modules import from here, never from each other or from the app that gathers
them, so imports run one way: cli.app → cli.<topic> → cli.context → the library.
"""

# No `from __future__ import annotations` in the CLI: typer reads every command's
# annotations at each start-up, and string annotations would be evaluated each time.

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from dgtracker.errors import Refused
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from dgtracker.progress import Walk
    from dgtracker.record.model import Record

DEFAULT_RECORD = Path("data") / "campaign.toml"
COMPLETE_VAR = "_DGTRACKER_COMPLETE"  # set by the shell when it asks for completions

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON (the documented contract) instead of a table.")
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who made the change (default: your user name).")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Write to this file (created with mode 0600) instead of standard output.",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")]
ReasonOption = Annotated[str | None, typer.Option(help="Why.")]
CandidateId = Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")]


@dataclass(slots=True)
class Settings:
    """The global options, resolved once and shared by every command."""

    file: Path | None
    as_of: str | None
    folder: Path | None = None  # --dir: a folder of records

    @property
    def path(self) -> Path:
        return self.file if self.file is not None else DEFAULT_RECORD

    def today(self, timezone: str) -> date:
        from zoneinfo import ZoneInfo

        from dgtracker.dates import ISO_DAY

        real_today = datetime.now(ZoneInfo(timezone)).date()
        if self.as_of is None:
            return real_today
        if not self.as_of.strip():
            raise Refused(
                "--as-of / DGTRACKER_TODAY is empty.",
                hint="Give a date (2026-02-02), or leave the option out for today.",
            )
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


def campaigns_folder(ctx: typer.Context) -> Path:
    """The folder of records given by --dir or DGTRACKER_DIR."""
    folder = settings_of(ctx).folder
    if folder is None:
        raise Refused(
            "No folder of campaigns given.",
            hint="Give it before the command: dgtracker --dir PATH ..., or set DGTRACKER_DIR.",
        )
    return folder


def record_path(ctx: typer.Context) -> Path:
    return settings_of(ctx).path


def today_for(ctx: typer.Context, record: "Record") -> date:
    """Today in the campaign's time zone, or the day given by --as-of."""
    return settings_of(ctx).today(record.campaign.timezone)


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


def optional_text(field: str, value: str | None) -> str | None:
    """A typed value checked by the field's rules (text.clean_field), or None if not given."""
    return clean_field(field, value) if value is not None else None


def load_record(ctx: typer.Context, progress: bool = False) -> "tuple[Record, date]":
    """The record in use (checked, never locked) and today for it; with --as-of before
    the latest recorded change, the record as it stood at the end of that day.
    `progress`: show a bar while a large record is read, on a terminal (progress.py)."""
    from dgtracker.record import storage

    settings = settings_of(ctx)
    if settings.file is None and not os.path.lexists(settings.path):
        return _bundled_example(ctx)
    record = storage.load(settings.path, _walk(progress))
    today = today_for(ctx, record)
    if settings.as_of is not None:  # a day in the past: the record as it stood then
        from dgtracker.record.history import as_it_stood, latest_change

        latest = latest_change(record)
        if latest is not None and today < latest:
            record = as_it_stood(record, today)
    return record, today


def _bundled_example(ctx: typer.Context) -> "tuple[Record, date]":
    """The DHSC campaign as bundled, read-only, when no record exists at the default path:
    the source tree holds no record, so nobody's data can be committed with the code."""
    from dgtracker.process.new_records import dhsc_campaign

    typer.echo(
        f"(The bundled DHSC example: there is no record at {DEFAULT_RECORD} yet. Start your "
        "own with 'dgtracker init', or choose one with --file.)",
        err=True,
    )
    record = dhsc_campaign()
    return record, today_for(ctx, record)


@dataclass(slots=True)
class Change:
    """A change under way: the locked record, today, the moment, and who makes it.

    `summary` says what happened for the commit of a shared record (ids and stages only,
    never a person's data); by default the command and the ids it was given. A command
    may replace `record` with a new one: that is what gets saved.
    """

    record: "Record"
    today: date
    now: datetime
    by: str
    summary: str = ""


def _summary_words(record: "Record", params: dict[str, Any]) -> list[str]:
    """The ids and stage a command was given, as the record names them before the change:
    a commit message holds ids, never the name typed for one (no purge reaches git's
    history). A long list of ids is counted; what does not resolve is left out (the
    command refuses it anyway)."""
    from dgtracker.process.candidate_actions import find_candidate, resolve_stage

    def candidate(typed: str) -> list[str]:
        with suppress(Refused):
            return [find_candidate(record, typed).id]
        return []

    def stage(typed: str | None) -> list[str]:
        with suppress(Refused):
            return [resolve_stage(record, typed)] if typed else []
        return []

    words = candidate(params["candidate_id"]) if params.get("candidate_id") else []
    *ids, to = params.get("ids_then_stage") or [None]
    if len(ids) <= 3:
        words += [word for typed in ids for word in candidate(typed)]
    else:
        words.append(f"{len(ids)} candidates")
    return words + stage(to) + stage(params.get("stage"))


def _milestone_words(record: "Record", params: dict[str, Any]) -> list[str]:
    """The milestone a command was given, when the record (after the change) has that id."""
    typed = params.get("milestone_id")
    return [typed] if typed and any(m.id == typed for m in record.milestones) else []


@contextmanager
def changing(ctx: typer.Context, by: str | None, progress: bool = False) -> Iterator[Change]:
    """Lock the record, load it, and save it when the block ends without an error; when
    the record is shared (dgtracker share), commit the change. `progress`: show a bar
    while a large record is read and saved, on a terminal."""
    from dgtracker.record import storage

    who = user_name(by)
    path = record_path(ctx)
    if not os.path.lexists(path):
        storage.read_text(path)  # the standard "no record here: init" message
    with storage.locked(path) as lock:
        storage.tidy_leftovers(path)
        record, layout = storage.load_with_layout(path, _walk(progress))
        known = {candidate.id for candidate in record.candidates}
        given = _summary_words(record, ctx.params)
        today = today_for(ctx, record)
        if settings_of(ctx).as_of is not None:
            _not_before_the_record(record, today)
        change = Change(record, today, now_utc(), who)
        yield change
        layout_kept = layout if change.record is record else None
        storage.save(path, change.record, layout_kept, _walk(progress), lock)
        if not change.summary:
            added = [c.id for c in change.record.candidates if c.id not in known]
            words = ctx.command_path.split()[1:] or ["change"]
            words += given + _milestone_words(change.record, ctx.params)
            words += added if len(added) <= 3 else [f"{len(added)} candidates"]
            change.summary = " ".join(words)
        committed(path, f"{change.summary} (by {who})", len(change.record.conflicts))


def committed(path: Path, message: str, conflicts_left: int = 0) -> None:
    """Commit the record's change when its folder is shared; say what else happened."""
    from dgtracker.team.git_share import commit_if_shared

    said = commit_if_shared(path, message, conflicts_left=conflicts_left)
    if said:
        typer.echo(said, err=True)


def _walk(progress: bool) -> "Walk":
    from dgtracker.progress import quietly, tracked

    return tracked if progress else quietly


def _not_before_the_record(record: "Record", today: date) -> None:
    """A change is written on the record's today: never before a change it already holds
    (the history is in the order it was written, which `--as-of` replays)."""
    from dgtracker.record.history import latest_change

    latest = latest_change(record)
    if latest is not None and today < latest:
        from dgtracker.dates import format_day

        raise Refused(
            f"The record already holds changes made on {format_day(latest)}; a change "
            f"cannot be written as of {format_day(today)}, before them.",
            hint="Leave out --as-of (or give a later day); to date a change earlier, "
            "use the command's --on or --applied.",
        )


def typed_date(value: str | None, today: date, option: str) -> date | None:
    """A date typed for `option` (date_input.py's forms), or None if not given."""
    if value is None:
        return None
    from dgtracker.date_input import parse_date

    try:
        return parse_date(value, today)
    except Refused as error:
        error.message = f"{option}: {error.message}"
        raise


class Command(TyperCommand):
    """A command whose usage line names its arguments plainly, in capitals:
    `move [OPTIONS] ID STAGE` (typer would write `{ID} {STAGE}`, and an argument without a
    metavar in lower case, a choice as `{shell}:<bash|zsh>`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:
            if param.param_type_name == "argument" and param.metavar is None:
                param.metavar = (param.name or "").upper() + ("..." if param.nargs != 1 else "")
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [piece.strip("{}") for piece in super().collect_usage_pieces(ctx)]


def example(*lines: str) -> str:
    """The help's closing example: kept as written (click rewraps other paragraphs)."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


def this_dgtracker() -> list[str]:
    """The command that started this process, as absolute paths cron can run."""
    import shutil
    import sys

    started_as = Path(sys.argv[0])
    if started_as.name in {"dgtracker", "dgtracker.exe"} and started_as.is_file():
        return [str(started_as.absolute())]
    if started_as.suffix == ".pyz" and started_as.is_file():  # the single-file build
        return [str(Path(sys.executable).absolute()), str(started_as.absolute())]
    # Not started through the console script (python -m, a test runner): the script
    # installed beside this interpreter, else the one on PATH, else the module itself.
    for name in ("dgtracker", "dgtracker.exe"):
        beside = Path(sys.executable).parent / name
        if beside.is_file():
            return [str(beside.absolute())]
    found = shutil.which("dgtracker")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "dgtracker"]
