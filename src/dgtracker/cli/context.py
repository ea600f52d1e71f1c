"""What every command shares: the global options, the record in use, who and when.

Command modules import from here, never from each other or from the app that gathers
them, so imports run one way: cli.app → cli.<topic> → cli.context → the library.
"""

# No `from __future__ import annotations` in the CLI: typer reads every command's
# annotations at each start-up, and string annotations would be evaluated each time.

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.errors import Refused
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from dgtracker.model import Record

DEFAULT_RECORD = Path("data") / "campaign.toml"

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON (the documented contract) instead of a table.")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who made the change (default: your user name).", show_default=False),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Write to this file (created with mode 0600) instead of standard output.",
        show_default=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")]
CandidateId = Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")]


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


def load_record(ctx: typer.Context) -> "tuple[Record, date]":
    """The record in use (checked, never locked) and today for it; with --as-of before
    the latest recorded change, the record as it stood at the end of that day."""
    from dgtracker import storage

    record = storage.load(record_path(ctx))
    today = today_for(ctx, record)
    if settings_of(ctx).as_of is not None:  # a day in the past: the record as it stood then
        from dgtracker.history import as_it_stood, latest_change

        latest = latest_change(record)
        if latest is not None and today < latest:
            record = as_it_stood(record, today)
    return record, today


@dataclass(slots=True)
class Change:
    """A change under way: the locked record, today, the moment, and who makes it."""

    record: "Record"
    today: date
    now: datetime
    by: str


@contextmanager
def changing(ctx: typer.Context, by: str | None) -> Iterator[Change]:
    """Lock the record, load it, and save it when the block ends without an error."""
    from dgtracker import storage

    who = user_name(by)
    with storage.updating(record_path(ctx)) as record:
        today = today_for(ctx, record)
        if settings_of(ctx).as_of is not None:
            _not_before_the_record(record, today)
        yield Change(record, today, now_utc(), who)


def _not_before_the_record(record: "Record", today: date) -> None:
    """A change is written on the record's today: never before a change it already holds
    (the history is in the order it was written, which `--as-of` replays)."""
    from dgtracker.history import latest_change

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
