"""The `dgtracker` command: the global options, every command gathered, and how failures
end (a message and an exit code, never a traceback).

Each topic module (records, reading, candidates, milestones, reminders, exchange,
privacy, panel, merit, slots, report, blind, team, campaigns, shell, docs) holds its own
commands, as `commands`; this module only names them, and loads the one that is run.
The help's list of commands reads each command's help from cli/help_table.py (imported
by the help alone), so `dgtracker --help` builds no command. It imports the settings
from cli/settings.py, not cli/context.py, which loads the session for the commands.
"""

import os
import sys
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.completion import completion_init  # type: ignore[attr-defined]
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group

from dgtracker import __version__
from dgtracker.cli import COMPLETE_VAR
from dgtracker.cli.ending import (
    CLOSED_PIPE,
    internal_error,
    leave,
    output_failed,
    show_error,
    silence_stdout,
    tolerate_legacy_encodings,
)
from dgtracker.cli.settings import Settings
from dgtracker.errors import USAGE, DgError, Refused
from dgtracker.out.terminal import echo

# Which topic module holds each command, in the order `dgtracker --help` lists them. Only
# the module of the command being run is imported and built: building all of them (typer
# reads every signature) cost 30 ms and the imports 20 ms more, at every start.
# tests/test_shell.py checks this table against what the modules hold.
COMMAND_MODULES = {
    "where": "records",
    "init": "records",
    "check": "records",
    "status": "reading",
    "candidates": "reading",
    "show": "reading",
    "add-candidate": "candidates",
    "move": "candidates",
    "note": "candidates",
    "edit": "corrections",
    "undo": "corrections",
    "milestone": "milestones",
    "remind": "reminders",
    "cron": "reminders",
    "import": "exchange",
    "export": "exchange",
    "purge": "privacy",
    "export-subject": "privacy",
    "monitoring": "fairness",
    "diversity": "fairness",
    "criteria": "panel",
    "panel": "panel",
    "score": "merit",
    "merit": "merit",
    "reserve": "merit",
    "audit": "audit",
    "schedule": "slots",
    "agenda": "slots",
    "report": "report",
    "mail": "letters",
    "blind": "blind",
    "merge-file": "team",
    "resolve": "team",
    "share": "team",
    "sync": "team",
    "campaigns": "campaigns",
    "completion": "shell",
    "docs": "docs",
}


@cache
def topic_commands(module_name: str) -> dict[str, Any]:
    """The click commands one topic module holds, by name (built once per process)."""
    name = f"dgtracker.cli.{module_name}"
    __import__(name)  # not importlib.import_module, which -X importtime does not see
    module = sys.modules[name]
    holder = typer.Typer(rich_markup_mode=None)
    holder.add_typer(module.commands)
    return dict(get_group(holder).commands)


def help_line(name: str) -> TyperCommand:
    """A stand-in for a command in the help's list of commands: the first paragraph of
    its help, which is all click reads of a command to shorten it to the terminal's width
    (cli/help_table.py, generated from the commands themselves)."""
    from dgtracker.cli.help_table import COMMAND_HELP  # only the help lists the commands

    return TyperCommand(name, help=COMMAND_HELP[name])


class Commands(TyperGroup):
    """The root command group: builds only the command asked for, and turns dgtracker's
    own failures into their exit codes."""

    listing = False  # while the help lists the commands: their help lines, none built

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        if self.listing:
            return help_line(cmd_name)
        return topic_commands(module_name).get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # The help lists every command by the start of its help: importing and building
        # every command module for that was 457 M of the 690 M instructions `dgtracker
        # --help` took (docs/performance.md, "Start-up").
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as error:  # click's usage error: suggest among every command
            message = getattr(error, "message", None)
            matches = get_close_matches(args[0], COMMAND_MODULES) if args else []
            if matches and isinstance(message, str) and "Did you mean" not in message:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                setattr(error, "message", f"{message.rstrip('.')}. Did you mean {suggestions}?")  # noqa: B010
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DgError as error:
            show_error(error)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:  # `dgtracker candidates | head -1`: the reader has gone
            silence_stdout()
            raise typer.Exit(CLOSED_PIPE) from None


def every_command() -> dict[str, Any]:
    """Every top-level command, built (for help, documentation and tests)."""
    return {name: topic_commands(module)[name] for name, module in COMMAND_MODULES.items()}


app = typer.Typer(
    name="dgtracker",
    cls=Commands,
    help="Track a senior recruitment campaign — milestones and candidates — in one TOML record.",
    add_completion=False,  # `dgtracker completion SHELL` instead: nothing added to start-up
    invoke_without_command=True,  # no command: the help, exit 0 (main_options)
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        echo(f"dgtracker {__version__}")
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
            help="The record to use (default: data/campaign.toml here).",
        ),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            envvar="DGTRACKER_DIR",
            help="A folder of records, for campaigns, remind --all and cron --all.",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            envvar="DGTRACKER_TODAY",
            help="Act as if today were this date (for example 2026-02-02).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Track a senior recruitment campaign in one plain-text TOML record.

    Global options go before the command: dgtracker --as-of 2026-02-02 status
    """
    if ctx.invoked_subcommand is None:  # `dgtracker` alone: say what it can do
        echo(ctx.get_help())
        raise typer.Exit()
    if as_of is not None and not as_of.strip():
        show_error(Refused("--as-of / DGTRACKER_TODAY is empty.", hint="Give a date."))
        raise typer.Exit(Refused.exit_code)
    ctx.obj = Settings(file=file or None, as_of=as_of or None, folder=folder or None)


# --- entry point ------------------------------------------------------------------


def main() -> None:
    """Console entry point: typer handles dgtracker's own errors; this catches the rest."""
    if COMPLETE_VAR in os.environ:  # a shell asking for completions: typer's shell classes
        completion_init()
    tolerate_legacy_encodings()
    try:
        app(prog_name="dgtracker", complete_var=COMPLETE_VAR)
    except SystemExit as done:  # how typer ends every command, with its exit code
        if done.code == USAGE and (slip := misplaced_global_option(sys.argv[1:])):
            option, command = slip
            sys.stderr.write(
                f"  {option} is a global option: it goes before the command, as in\n"
                f"  dgtracker {option} ... {command} ...\n"
            )
        elif done.code == USAGE and (typed := unquoted_text(sys.argv[1:])):
            before, text = typed
            sys.stderr.write(
                "  A name or text with spaces goes in quotes, as in\n"
                f'  dgtracker {" ".join(before)} "{" ".join(text)}"\n'
            )
        leave(done.code)
    except BrokenPipeError:  # the reader left: end quietly, as at a closed pipe anywhere
        silence_stdout()
        os._exit(CLOSED_PIPE)
    except OSError as error:  # the output could not be written (/dev/full)
        if os.environ.get("DGTRACKER_DEBUG"):
            raise
        output_failed(error)
    except Exception as error:  # never show a traceback to a user
        if os.environ.get("DGTRACKER_DEBUG"):
            raise
        internal_error(error)


GLOBAL_OPTIONS = ("--file", "-f", "--dir", "--as-of")


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
            if arg not in COMMAND_MODULES:
                return None
            command = arg
    return None


# Commands whose last argument is a name or text, and how many arguments they take.
_TEXT_ARGUMENTS = {"add-candidate": 1, "note": 2, "rename": 2}
_FLAGS = {"--json", "--allow-duplicate-email", "--reinstate", "--early", "--reopen", "--dry-run"}


def unquoted_text(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """(the command and the arguments before the text, the words of the text) when a
    command that takes a name or text got more words than it takes (a name typed
    without quotes); else None."""
    command: str | None = None
    words: list[str] = []
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg.startswith("-"):
            skip_value = "=" not in arg and arg not in _FLAGS and arg not in ("-h", "--help")
        elif command is None or (command == "milestone" and not words):
            if command == "milestone" or arg in _TEXT_ARGUMENTS or arg == "milestone":
                command = arg
            elif arg not in GLOBAL_OPTIONS:
                return None
        else:
            words.append(arg)
    wanted = _TEXT_ARGUMENTS.get(command or "")
    if wanted is None or len(words) <= wanted:
        return None
    name = "milestone rename" if command == "rename" else command or ""
    return [name, *words[: wanted - 1]], words[wanted - 1 :]
