"""What every command shares: the global options, the record in use, who and when.

Command modules import from here, never from each other or from the app that gathers
them, so imports run one way: cli.app → cli.<topic> → cli.context → the library.

The bundled example and the date parser are imported only by the command that needs
them (start-up budget).
"""

# No `from __future__ import annotations` in the CLI: typer reads every command's
# annotations at each start-up, and string annotations would be evaluated each time.

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from dgtracker.app.session import Change as Change  # what a change hands a command
from dgtracker.app.session import user_name as cleaned
from dgtracker.cli import COMPLETE_VAR as COMPLETE_VAR
from dgtracker.cli.settings import DEFAULT_RECORD as DEFAULT_RECORD
from dgtracker.cli.settings import Settings as Settings
from dgtracker.cli.settings import change_record, read_panel_view, read_record
from dgtracker.cli.settings import now_utc as now_utc
from dgtracker.cli.settings import optional_text as optional_text
from dgtracker.cli.settings import typed_date as typed_date
from dgtracker.errors import Refused

if TYPE_CHECKING:
    from dgtracker.process.blind import BlindView
    from dgtracker.record.model import Record


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
RevealOption = Annotated[
    bool,
    typer.Option(
        "--reveal",
        help="Show the names the name-blind sift hides (for the recruitment team, not the panel).",
    ),
]
CandidateId = Annotated[str, typer.Argument(metavar="ID", help="The candidate's id.")]


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


def user_name(by: str | None) -> str:
    """Who makes a change, cleaned by the `by` field's rule (app/session.py's rule)."""
    return cleaned(by)


def load_record(ctx: typer.Context, progress: bool = False) -> "tuple[Record, date]":
    """The record in use and today for it (cli/settings.py `read_record`)."""
    return read_record(settings_of(ctx), progress)


def load_panel_view(
    ctx: typer.Context, reveal: bool, progress: bool = False
) -> "tuple[BlindView, date]":
    """The record as the panel may read it (cli/settings.py `read_panel_view`): every
    command whose output reaches the panel reads through here, so none can forget a name."""
    return read_panel_view(settings_of(ctx), reveal, progress)


@contextmanager
def changing(ctx: typer.Context, by: str | None, progress: bool = False) -> Iterator[Change]:
    """The session's change (app/session.py) for this command (cli/settings.py
    `change_record`): its words and arguments make the commit message of a shared record;
    what git said is printed. `progress`: show a bar while a large record is read and
    saved, on a terminal."""
    command = " ".join(ctx.command_path.split()[1:])
    with change_record(settings_of(ctx), by, command, ctx.params, progress) as change:
        yield change


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
