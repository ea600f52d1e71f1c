"""Commands for the daily reminder job: `remind` and `cron`.

`remind` runs under cron, so it prints plain lines (never rich) and nothing at all when
nothing is due: cron mails any output, and silence means no mail.

Imports inside a command are what that command alone uses (the folder of records, the
JSON contract): the lazy command table loads this module for each of them.
"""

import re
from pathlib import Path
from typing import Annotated

import typer

from dgtracker.app import session
from dgtracker.cli import reads
from dgtracker.cli.context import (
    Command,
    campaigns_folder,
    example,
    record_path,
    settings_of,
    this_dgtracker,
)
from dgtracker.errors import DgError, Refused
from dgtracker.out.terminal import echo, write
from dgtracker.record import storage
from dgtracker.record.storage import is_shared
from dgtracker.text import visible

commands = typer.Typer()

DEFAULT_CRON_TIME = "07:30"
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@commands.command(cls=Command, epilog=example("dgtracker remind --within 7"))
def remind(
    ctx: typer.Context,
    json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the documented contract) instead of lines.")
    ] = False,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            min=0,
            metavar="DAYS",
            help="List everything due in the next DAYS days (a digest), not only today's.",
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="One digest for every campaign in the folder (--dir), each line named."
        ),
    ] = False,
    sync: Annotated[
        bool,
        typer.Option(
            "--sync",
            help="Bring in the team's latest first (a shared record); offline, remind from "
            "this copy.",
        ),
    ] = False,
) -> None:
    """What needs attention today, most urgent first; prints nothing when nothing is due."""
    if every:
        if sync:
            raise Refused("--sync brings in one shared record; --all reads a folder.")
        _remind_all(ctx, json, within)
        return
    if sync:
        _bring_in_the_team(record_path(ctx))
    reads.remind(settings_of(ctx), json, within)


def _bring_in_the_team(path: Path) -> None:
    """Sync a shared record, quietly (cron mails any output); when that cannot be done (no
    network, a conflict waiting), say so on stderr and let the reminders come from this copy."""
    if not is_shared(path):
        raise Refused(
            f"{path} is not shared: --sync has no team to bring in.",
            hint="Leave out --sync, or run 'dgtracker share' first.",
        )
    try:
        synced = session.sync(path, reread=False)[0]  # as `sync`: no writer in between
    except DgError as error:
        echo(
            f"dgtracker: could not bring in the team's latest, so these reminders are from "
            f"this copy only: {error.message}",
            err=True,
        )
        return
    if synced.unsent is not None:  # the team's work came in; ours waits for the next sync
        echo(f"dgtracker: {synced.unsent.message}", err=True)


def _remind_all(ctx: typer.Context, json: bool, within: int | None) -> None:
    from dgtracker.app.campaigns import each_campaign
    from dgtracker.app.reminders import due_reminders, reminders_json
    from dgtracker.out.plain import print_json

    found: dict[str, object] = {}
    lines = []
    broken = []
    for campaign in each_campaign(campaigns_folder(ctx), settings_of(ctx).today):
        if campaign.record is None or campaign.today is None:
            broken.append(f"dgtracker: {campaign.path}: {campaign.problem}\n")
            continue
        reminders = due_reminders(campaign.record, campaign.today, within=within)
        found[campaign.name] = reminders_json(reminders)
        lines += [f"[{visible(campaign.name)}] {reminder.message}\n" for reminder in reminders]
    if json:
        print_json({"campaigns": found})
    elif lines:
        write("".join(lines))
    if broken:
        write("".join(broken), err=True)
        raise typer.Exit(3)


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker cron --at 08:00",
        "dgtracker --dir ~/campaigns cron --all",
        "dgtracker cron --windows          # for Task Scheduler",
    ),
)
def cron(
    ctx: typer.Context,
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="HH:MM", help="Time of day to run, Monday to Friday (system time)."
        ),
    ] = DEFAULT_CRON_TIME,
    every: Annotated[
        bool, typer.Option("--all", help="One line for every campaign in the folder (--dir).")
    ] = False,
    windows: Annotated[
        bool,
        typer.Option(
            "--windows",
            help="Print the schtasks command (for cmd.exe) that makes a Task Scheduler task "
            "instead.",
        ),
    ] = False,
) -> None:
    """Print a crontab line that runs `remind` for this record each weekday morning."""
    hour, minute = _clock(at)
    if every:
        folder = campaigns_folder(ctx).absolute()
        command = [*this_dgtracker(), "--dir", str(folder), "remind", "--all"]
        name = "all"
    else:
        path = record_path(ctx).absolute()
        storage.load(path)  # a line for a missing or broken record would only mail errors
        command = [*this_dgtracker(), "--file", str(path), *_remind_for(path)]
        name = path.stem
    if windows:
        echo(_schtasks(command, name, hour, minute))
    else:
        echo(f"{minute} {hour} * * 1-5 {_crontab_command(command)}")


def _remind_for(path: Path) -> list[str]:
    """A shared record brings in the team's latest first: else a clone reminds of old news."""
    return ["remind", "--sync"] if is_shared(path) else ["remind"]


def _clock(text: str) -> tuple[int, int]:
    match = _CLOCK.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise Refused(f"--at '{text}' is not a time of day.", hint="Give HH:MM, such as 07:30.")
    return int(match[1]), int(match[2])


def _crontab_command(parts: list[str]) -> str:
    """Quote for the shell cron hands the line to; cron itself reads % as a newline."""
    import shlex

    if any("\n" in part or "\r" in part for part in parts):
        raise Refused("A path holds a line break, which a crontab line cannot hold.")
    return " ".join(shlex.quote(part) for part in parts).replace("%", "\\%")


# schtasks keeps at most 261 characters of the command a task runs (/TR).
_MOST_TASK_COMMAND = 261
_TASK_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9 ._-]+")


def _schtasks(parts: list[str], name: str, hour: int, minute: int) -> str:
    """The cmd.exe command that makes (or, with /F, replaces) a task running `parts` at
    HH:MM each weekday. In /TR each word is quoted with \" (schtasks's own escape); cmd
    then sees those words outside its quotes, so its specials there get a caret."""
    if any(mark in part for part in parts for mark in '"%\n\r'):
        raise Refused(
            'A path holds ", % or a line break, which a command typed in cmd.exe cannot hold.',
            hint="Move the record (or dgtracker) to a folder without them.",
        )
    task = " ".join(f'\\"{part}\\"' if _needs_quotes(part) else part for part in parts)
    if len(task) > _MOST_TASK_COMMAND:
        raise Refused(
            f"The task's command is {len(task)} characters; schtasks takes at most "
            f"{_MOST_TASK_COMMAND}.",
            hint="Move the record to a folder with a shorter path.",
        )
    title = _TASK_NAME_UNSAFE.sub("-", name).strip(" .-") or "record"
    typed = (
        f'schtasks /Create /TN "dgtracker remind {title}" /SC WEEKLY /D MON,TUE,WED,THU,FRI '
        f'/ST {hour:02d}:{minute:02d} /TR "{task}" /F'
    )
    return _caret_outside_quotes(typed)


def _needs_quotes(part: str) -> bool:
    return not part or any(mark in part for mark in " \t&|<>^(),;=")


def _caret_outside_quotes(line: str) -> str:
    """cmd.exe reads & | < > ^ outside double quotes as its own: a caret makes them text."""
    out, quoted = [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "&|<>^":
            out.append("^")
        out.append(char)
    return "".join(out)
