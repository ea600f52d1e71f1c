"""The light path: `status`, `candidates`, `show`, `remind`, `add-candidate` and a
one-candidate `move`, run without building the typer app.

Importing typer and building the app is most of a small command's start (measured in
docs/performance.md, "Start-up"). These commands are the ones run many times a day and
from cron, and their arguments are few and plain, so this module reads them itself and
runs the same code their typer commands run (cli/reads.py, cli/writes.py), ending the
same way (cli/ending.py). It handles only what it is sure of: a command line with
anything else (a help option, an option it does not take, a value that needs checking, a
usage error) returns without doing anything, and the typer app runs it. A shell asking for
completions is answered by cli/quick_completion.py (before this module loads) when it can
be, by the typer app otherwise.

The options below must be every option the typer commands declare, each either read here
or left to the typer app: tests/test_light_path.py checks this table against the built
commands, so the two cannot drift, and checks that both paths give the same bytes and exit
code for the same command line.
"""

# What the light path runs is imported once it knows it will run it: every other command
# line passes through here on its way to the typer app, and should pay nothing for it.
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from dgtracker.cli import COMPLETE_VAR

# How the light path treats an option.
FLAG = "flag"  # on when given
OFF = "off"  # a flag's other name (--no-...): off when given
TEXT = "text"  # takes any value (one not starting with "-")
COUNT = "count"  # takes a whole number of ASCII digits (typer's int with min=0)
PLACE = "place"  # a place on the reserve list: ASCII digits, 1 to 10,000 (typer's min and max)
TYPER = "typer"  # left to the typer app: a command line with it is not run here

# The global options (cli/app.py main_options), by the setting each fills, with the
# variable that fills it when the option is not given.
GLOBAL_VALUES = {"--file": "file", "-f": "file", "--dir": "folder", "--as-of": "as_of"}
GLOBAL_ENV = {"file": "DGTRACKER_FILE", "folder": "DGTRACKER_DIR", "as_of": "DGTRACKER_TODAY"}
GLOBAL_TYPER = ("--version", "-V", "--help", "-h")


class LightCommand(NamedTuple):
    run: str  # the function of cli/reads.py or cli/writes.py: (settings, *arguments, **options)
    options: Mapping[str, tuple[str, str]]  # option → (how it is read, parameter name)
    arguments: int  # how many positional arguments it takes, exactly
    module: str = "reads"  # where `run` is: reads or writes


LIGHT_COMMANDS = {
    "status": LightCommand("status", {"--json": (FLAG, "json")}, 0),
    "candidates": LightCommand(
        "candidates",
        {
            "--stage": (TEXT, "stage"),
            "--active": (FLAG, "active"),
            "--reveal": (FLAG, "reveal"),
            "--json": (FLAG, "json"),
        },
        0,
    ),
    "show": LightCommand("show", {"--reveal": (FLAG, "reveal"), "--json": (FLAG, "json")}, 1),
    "remind": LightCommand(
        "remind",
        {
            "--json": (FLAG, "json"),
            "--within": (COUNT, "within"),
            "--all": (TYPER, "every"),
            "--sync": (TYPER, "sync"),
        },
        0,
    ),
    "add-candidate": LightCommand(
        "add_candidate",
        {
            "--email": (TEXT, "email"),
            "--phone": (TEXT, "phone"),
            "--source": (TEXT, "source"),
            "--applied": (TEXT, "applied"),
            "--stage": (TEXT, "stage"),
            "--note": (TEXT, "note"),
            "--reason": (TEXT, "reason"),
            "--allow-duplicate-email": (FLAG, "allow_duplicate_email"),
            "--disability-confident": (FLAG, "disability_confident"),
            "--no-disability-confident": (OFF, "disability_confident"),
            "--adjustments": (TEXT, "adjustments"),
            "--json": (FLAG, "json_output"),
            "--by": (TEXT, "by"),
        },
        1,
        "writes",
    ),
    # One id, then the stage: a move of several people, chosen by --from or shown by
    # --dry-run, is the typer command's own (process/bulk.py).
    "move": LightCommand(
        "move",
        {
            "--on": (TEXT, "on"),
            "--note": (TEXT, "note"),
            "--reason": (TEXT, "reason"),
            "--rank": (PLACE, "rank"),
            "--reinstate": (FLAG, "reinstate"),
            "--from": (TYPER, "from_stage"),
            "--except": (TYPER, "leaving_out"),
            "--dry-run": (TYPER, "dry_run"),
            "--yes": (TYPER, "yes"),
            "--json": (FLAG, "json_output"),
            "--by": (TEXT, "by"),
        },
        2,
        "writes",
    ),
}

# What typer's start on Windows expands in an argument (click's _expand_args: a pattern, a
# home folder, a variable): a command line with any of them is left to the typer app.
_EXPANDED_ON_WINDOWS = "*?[~$%"

# Each command's options when not given (as its typer command declares them).
_DEFAULTS: dict[str, bool | int | str | None] = {
    FLAG: False,
    OFF: False,
    TEXT: None,
    COUNT: None,
    PLACE: None,
}
_PLACES = range(1, 10_001)  # cli/candidates.py `move`'s --rank: typer says why another is not


class Parsed(NamedTuple):
    command: LightCommand
    given: dict[str, str]  # the global options, by setting
    arguments: list[str]
    options: dict[str, Any]


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Parsed | None:
    """The command line, read as the typer app would read it; None for anything the light
    path does not run (then the typer app runs it, and says what is wrong, if anything)."""
    if os.name == "nt" and any(c in word for word in argv for c in _EXPANDED_ON_WINDOWS):
        return None  # typer expands patterns, ~ and variables in arguments on Windows
    given: dict[str, str] = {}
    words = list(argv)
    at = 0
    while at < len(words) and words[at].startswith("-"):  # the global options
        name, value, at = _option(words, at, GLOBAL_VALUES)
        if name is None or value is None or not value.strip():  # blank: typer refuses it
            return None
        given[GLOBAL_VALUES[name]] = value
    if at == len(words) or words[at] not in LIGHT_COMMANDS:
        return None
    command = LIGHT_COMMANDS[words[at]]
    for setting, variable in GLOBAL_ENV.items():
        if setting not in given and variable in environ:
            if not environ[variable].strip():
                return None
            given[setting] = environ[variable]
    options = {
        parameter: _DEFAULTS[kind]
        for kind, parameter in command.options.values()
        if kind != TYPER  # never given here: the typer app runs a command line with it
    }
    arguments: list[str] = []
    at += 1
    while at < len(words):
        word = words[at]
        if not word.startswith("-"):
            arguments.append(word)
            at += 1
            continue
        kind, parameter = command.options.get(word.split("=", 1)[0], (TYPER, ""))
        if kind in (FLAG, OFF) and word in command.options:
            options[parameter] = kind == FLAG
            at += 1
            continue
        if kind not in (TEXT, COUNT, PLACE):
            return None
        _, value, at = _option(words, at, command.options)
        if value is None or value.startswith("-"):
            return None
        if kind in (COUNT, PLACE):
            if not (value.isascii() and value.isdigit()) or _too_long(value):
                return None
            number = int(value)
            if kind == PLACE and number not in _PLACES:
                return None
            options[parameter] = number
        else:
            options[parameter] = value
    if len(arguments) != command.arguments:
        return None
    return Parsed(command, given, arguments, options)


def _too_long(digits: str) -> bool:
    """Whether int() refuses these digits, as more than the interpreter converts (4,300 by
    default; 0: no limit): typer then says the value is not a number it takes."""
    limit = sys.get_int_max_str_digits()
    return 0 < limit < len(digits)


def _option(
    words: list[str], at: int, known: Mapping[str, object]
) -> tuple[str | None, str | None, int]:
    """(the option, its value, where the next word is) for an option that takes a value,
    as `--name value` or `--name=value`; the option is None when it is not one of `known`."""
    word = words[at]
    if word in known:
        if at + 1 == len(words) or words[at + 1].startswith("-"):
            return None, None, at + 1
        return word, words[at + 1], at + 2
    name, equals, value = word.partition("=")
    if equals and name.startswith("--") and name in known:
        return name, value, at + 1
    return None, None, at + 1


def run_light(argv: Sequence[str]) -> None:
    """Run the command here and exit, when the light path can; else return at once."""
    if COMPLETE_VAR in os.environ:  # a Tab press: __main__ asked cli/quick_completion.py
        return
    parsed = parse(argv, os.environ)
    if parsed is None:
        return
    from pathlib import Path

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
    from dgtracker.errors import DgError

    given = parsed.given
    settings = Settings(
        file=Path(given["file"]) if "file" in given else None,
        as_of=given.get("as_of"),
        folder=Path(given["folder"]) if "folder" in given else None,
    )
    module = f"dgtracker.cli.{parsed.command.module}"
    __import__(module)  # not importlib.import_module, which -X importtime does not see
    run = getattr(sys.modules[module], parsed.command.run)
    tolerate_legacy_encodings()
    code = 0
    try:
        try:
            run(settings, *parsed.arguments, **parsed.options)
        except DgError as error:  # as the typer app's Commands.invoke
            show_error(error)
            code = error.exit_code
        except BrokenPipeError:  # `dgtracker candidates | head -1`: the reader has gone
            silence_stdout()
            code = CLOSED_PIPE
        except KeyboardInterrupt:  # as typer's main: exit 130, no message
            code = 130
    except BrokenPipeError:
        silence_stdout()
        os._exit(CLOSED_PIPE)
    except OSError as error:
        if os.environ.get("DGTRACKER_DEBUG"):
            raise
        output_failed(error)
    except Exception as error:
        if os.environ.get("DGTRACKER_DEBUG"):
            raise
        internal_error(error)
    leave(code)
