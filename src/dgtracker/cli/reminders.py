"""Commands for the daily reminder job: `remind` and `cron`.

`remind` runs under cron, so it prints plain lines (never rich) and nothing at all when
nothing is due: cron mails any output, and silence means no mail.
"""

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from dgtracker.cli.context import load_record, record_path
from dgtracker.errors import Refused

commands = typer.Typer()

DEFAULT_CRON_TIME = "07:30"
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@commands.command()
def remind(
    ctx: typer.Context,
    json: Annotated[
        bool,
        typer.Option("--json", help="Print JSON (the documented contract) instead of lines."),
    ] = False,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            min=0,
            metavar="DAYS",
            show_default=False,
            help="List everything due in the next DAYS days (a digest), not only today's.",
        ),
    ] = None,
) -> None:
    """What needs attention today, most urgent first; prints nothing when nothing is due."""
    from dgtracker.output import print_json, write
    from dgtracker.reminders import due_reminders, reminders_json

    record, today = load_record(ctx)
    reminders = due_reminders(record, today, within=within)
    if json:
        print_json(reminders_json(reminders))
    elif reminders:
        write("".join(f"{reminder.message}\n" for reminder in reminders))


@commands.command()
def cron(
    ctx: typer.Context,
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="HH:MM", help="Time of day to run, Monday to Friday (system time)."
        ),
    ] = DEFAULT_CRON_TIME,
) -> None:
    """Print a crontab line that runs `remind` for this record each weekday morning."""
    from dgtracker import storage

    hour, minute = _clock(at)
    path = record_path(ctx).absolute()
    storage.load(path)  # a line for a missing or broken record would only mail errors
    command = [*_this_dgtracker(), "--file", str(path), "remind"]
    typer.echo(f"{minute} {hour} * * 1-5 {_crontab_command(command)}")


def _clock(text: str) -> tuple[int, int]:
    match = _CLOCK.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise Refused(f"--at '{text}' is not a time of day.", hint="Give HH:MM, such as 07:30.")
    return int(match[1]), int(match[2])


def _this_dgtracker() -> list[str]:
    """The command that started this process, as absolute paths cron can run."""
    import shutil

    started_as = Path(sys.argv[0])
    if started_as.name in {"dgtracker", "dgtracker.exe"} and started_as.is_file():
        return [str(started_as.absolute())]
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


def _crontab_command(parts: list[str]) -> str:
    """Quote for the shell cron hands the line to; cron itself reads % as a newline."""
    import shlex

    if any("\n" in part or "\r" in part for part in parts):
        raise Refused("A path holds a line break, which a crontab line cannot hold.")
    return " ".join(shlex.quote(part) for part in parts).replace("%", "\\%")
