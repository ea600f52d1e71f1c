"""Completion answers without the typer app: a command's name, or an option's name.

Every Tab press starts dgtracker, and the typer app builds every command to list their
names (docs/performance.md, "Start-up"). The names, options and help lines are fixed by
the code, so cli/completion_table.py holds them, as the typer app declares them
(tests/test_quick_completion.py rebuilds the table from the app and fails when it differs),
and this module answers the two questions a Tab press asks most, in each shell's format,
as typer would. Anything else (an option's value, a command's argument, a help line the
terminal would wrap or rich would restyle) returns None, and the typer app answers.
"""

import os
from collections.abc import Mapping
from contextlib import suppress

from dgtracker.cli.completion_table import HELP_OPTION_NAMES, TABLE, Node

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_SAFE_WIDTH = 80  # rich's width when it finds no terminal and no COLUMNS


def complete_quickly() -> None:
    """Answer the shell and exit, when this module can; else return at once."""
    from dgtracker.cli import COMPLETE_VAR
    from dgtracker.cli.ending import leave, output_failed, tolerate_legacy_encodings

    answered = answer(os.environ, COMPLETE_VAR)
    if answered is None:
        return
    text, code = answered
    tolerate_legacy_encodings()
    from dgtracker.out.terminal import write  # the one writer: it imports only sys

    try:
        write(text)
    except OSError as error:  # as the typer app: a closed pipe or a full disk, exit 3
        output_failed(error)
    leave(code)


def answer(environ: Mapping[str, str], complete_var: str) -> tuple[str, int] | None:
    """(what to print, the exit code) for the shell's request, or None (typer answers)."""
    instruction, _, shell = environ.get(complete_var, "").partition("_")
    if instruction != "complete" or shell not in SHELLS:
        return None
    asked = _words(environ, shell)
    if asked is None:
        return None
    args, incomplete = asked
    items = completions(args, incomplete)
    if items is None:
        return None
    return _formatted(shell, items, environ)


def _words(environ: Mapping[str, str], shell: str) -> tuple[list[str], str] | None:
    """The words typed before the one being completed, and that one (as typer reads them)."""

    def split(text: str) -> list[str]:
        if not any(c in text for c in "'\"\\"):  # no quote, no escape: shlex's split
            spaced = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
            return [word for word in spaced.split(" ") if word]
        from shlex import shlex

        lex = shlex(text, posix=True)
        lex.whitespace_split = True
        lex.commenters = ""
        out: list[str] = []
        try:
            out.extend(lex)
        except ValueError:  # an open quote: the partial word as it is
            out.append(lex.token)
        return out

    if shell == "bash":
        position = environ.get("COMP_CWORD", "")
        if "COMP_WORDS" not in environ or not (position.isascii() and position.isdigit()):
            return None
        words, at = split(environ["COMP_WORDS"]), int(position)
        return words[1:at], words[at] if at < len(words) else ""
    typed = environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split(typed)
    if shell in ("powershell", "pwsh"):
        incomplete = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[1:-1] if incomplete else words[1:]), incomplete
    args = words[1:]
    if args and not typed.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def completions(args: list[str], incomplete: str) -> list[tuple[str, str | None]] | None:
    """(name, help) of each completion, in typer's order; None when only typer knows."""
    if "--" in args or "=" in incomplete:
        return None
    path = ""
    node = TABLE[path]
    given: set[int] = set()
    arguments = 0
    at = 0
    while at < len(args):
        word = args[at]
        if word.startswith("-"):
            found = _option(node, word)
            if found is None:
                return None
            index, takes_value, help_or_version = found
            if help_or_version:  # typer acts on them even while completing
                return None
            given.add(index)
            at += 2 if takes_value and "=" not in word else 1
            continue
        at += 1
        if node.commands is not None:
            if word not in dict(node.commands):
                return None
            path = f"{path} {word}".strip()
            node, given, arguments = TABLE[path], set(), 0
        else:
            arguments += 1
    if 0 <= node.arguments < arguments:
        return None  # more words than the command takes
    if not incomplete.startswith("-"):
        last = args[-1] if args else ""
        found = _option(node, last) if last.startswith("-") and "=" not in last else None
        if found is not None and found[1]:
            return None  # the value of an option: its type completes it
        if node.commands is None and (node.arguments < 0 or arguments < node.arguments):
            return None  # an argument (or a variadic one): its type completes it
    items: list[tuple[str, str | None]] = []
    if node.commands is not None:
        items += [(name, help) for name, help in node.commands if name.startswith(incomplete)]
    if incomplete and not incomplete[0].isalnum():
        for index, (names, help, _, multiple) in enumerate(node.options):
            if names == HELP_OPTION_NAMES:  # in the order click gives them: a set's
                names = tuple(set(HELP_OPTION_NAMES))
            if multiple or index not in given:
                items += [(name, help) for name in names if name.startswith(incomplete)]
    return items


def _option(node: Node, word: str) -> tuple[int, bool, bool] | None:
    """(which option, whether it takes a value, whether it is --help or --version)."""
    name = word.split("=", 1)[0] if word.startswith("--") else word
    for index, (names, _, takes_value, _) in enumerate(node.options):
        if name in names:
            if "=" in word and not (word.startswith("--") and takes_value):
                return None
            return index, takes_value, bool({"--help", "--version"} & set(names))
    return None


def _plain(help: str, environ: Mapping[str, str]) -> bool:
    """True when typer's rendering of a help line (rich markup, emoji codes, wrapping at
    the terminal's width) would leave it as it is."""
    if "[" in help or not help.isprintable() or help != help.strip() or _emoji_code(help):
        return False
    cells = len(help) if help.isascii() else 2 * len(help)  # wide characters take two
    return cells < _narrowest_width(environ)


def _emoji_code(text: str) -> bool:
    """A `:name:` that rich could take for an emoji code."""
    start = text.find(":")
    while start != -1:
        end = text.find(":", start + 1)
        if end == -1:
            return False
        if not any(c.isspace() for c in text[start + 1 : end]):
            return True
        start = end
    return False


def _narrowest_width(environ: Mapping[str, str]) -> int:
    """The narrowest width rich could lay the help out at, from every source it reads."""
    widths = [_SAFE_WIDTH]
    for variable in ("TERMINAL_WIDTH", "COLUMNS"):
        value = environ.get(variable, "")
        if value:
            if not (value.isascii() and value.isdigit()):
                return 0
            widths.append(int(value))
    for descriptor in (0, 1, 2):
        with suppress(OSError, ValueError):  # not a terminal
            widths.append(os.get_terminal_size(descriptor).columns)
    return min(widths) - 1


def _formatted(
    shell: str, items: list[tuple[str, str | None]], environ: Mapping[str, str]
) -> tuple[str, int] | None:
    """The answer as typer's class for the shell prints it; None when a help line would
    not print as it is (typer renders each through rich)."""
    if shell == "bash":  # bash shows no help
        return "\n".join(name for name, _ in items) + "\n", 0
    shown = {help for _, help in items if help}
    if shell == "zsh":
        shown = {_zsh_escape(help) for help in shown}
    if not all(_plain(help, environ) for help in shown):
        return None
    if shell == "zsh":
        if not items:
            return "_files\n", 0
        lines = [
            f'"{_zsh_escape(name)}":"{_zsh_escape(help)}"' if help else f'"{_zsh_escape(name)}"'
            for name, help in items
        ]
        joined = "\n".join(lines)
        return f"_arguments '*: :(({joined}))'\n", 0
    if shell == "fish":
        action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return "", 0 if items else 1
        if action != "get-args" or not items:
            return "\n", 0
        return "\n".join(f"{name}\t{help}" if help else name for name, help in items) + "\n", 0
    return "\n".join(f"{name}:::{help or ' '}" for name, help in items) + "\n", 0


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
