"""Completion answered without the typer app (cli/quick_completion.py): its table is the
typer app's, and its answers are typer's, byte for byte, in every shell's format."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from tests.conftest import installed_dgtracker

from dgtracker.cli import COMPLETE_VAR, quick_completion
from dgtracker.cli.completion_table import HELP_OPTION_NAMES, TABLE, Node


def table_from_the_app() -> dict[str, Node]:
    """What completion needs of each command and group, read from the built typer app."""
    from typer.main import get_group

    from dgtracker.cli.app import app

    root = get_group(app)
    table: dict[str, Node] = {}

    def visit(command: Any, ctx: Any, path: str) -> None:
        options = []
        arguments = 0
        for param in command.get_params(ctx):
            if param.param_type_name == "argument":
                arguments = -1 if arguments < 0 or param.nargs != 1 else arguments + 1
                continue
            if param.nargs != 1 and not param.is_flag:
                arguments = -1  # an option of several values: typer answers
            takes_value = not (param.is_flag or param.count)
            names = tuple([*param.opts, *param.secondary_opts])
            if set(names) == set(HELP_OPTION_NAMES):  # click lists these in a set's order
                names = HELP_OPTION_NAMES
            options.append((names, param.help, takes_value, bool(param.multiple)))
        commands = None
        if hasattr(command, "list_commands"):
            commands = []
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    commands.append((name, sub.get_short_help_str()))
        table[path] = Node(tuple(options), None if commands is None else tuple(commands), arguments)
        for name, _ in commands or ():
            sub = command.get_command(ctx, name)
            with sub.make_context(name, [], parent=ctx, resilient_parsing=True) as sub_ctx:
                visit(sub, sub_ctx, f"{path} {name}".strip())

    with root.make_context("dgtracker", [], resilient_parsing=True) as ctx:
        assert tuple(ctx.help_option_names) == HELP_OPTION_NAMES
        visit(root, ctx, "")
    return table


def test_the_table_is_the_typer_apps() -> None:
    """Regenerate cli/completion_table.py with `python tests/test_quick_completion.py`."""
    assert table_from_the_app() == TABLE


def _ask(env: dict[str, str], program: list[str]) -> tuple[int, bytes, bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("_TYPER", "COMP_"))}
    # click lists -h and --help in the order of a set of strings, which changes with the
    # hash seed: both paths get the same seed, so the same order.
    full["PYTHONHASHSEED"] = str(len(env.get("_TYPER_COMPLETE_ARGS", "")) % 7)
    full.update(env)
    done = subprocess.run(program, env=full, capture_output=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


TYPER_APP = [sys.executable, "-c", "from dgtracker.cli.app import main; main()"]

TYPED = [
    "dgtracker ",
    "dgtracker mo",
    "dgtracker m",
    "dgtracker x",
    "dgtracker -",
    "dgtracker --",
    "dgtracker --f",
    "dgtracker --file c.toml st",
    "dgtracker --file c.toml --",
    "dgtracker --file=c.toml --as-of 2026-02-02 -",
    "dgtracker --file ",
    "dgtracker move --re",
    "dgtracker move c001 --re",
    "dgtracker move c001 shortlist --re",
    "dgtracker move --reason x --re",
    "dgtracker move c001 ",
    "dgtracker move ",
    "dgtracker candidates --",
    "dgtracker candidates --stage ",
    "dgtracker candidates --json --",
    "dgtracker status -",
    "dgtracker status ",
    "dgtracker milestone ",
    "dgtracker milestone d",
    "dgtracker milestone done --",
    "dgtracker export ",
    "dgtracker docs te",
    "dgtracker completion ",
    "dgtracker remind --within 3 --",
    "dgtracker show c001 --",
    "dgtracker bogus mo",
    "dgtracker -- mo",
    "dgtracker --help mo",
    "dgtracker status --json=",
    "dgtracker 'mo",
]


def _requests(typed: str) -> list[dict[str, str]]:
    words = typed.split()
    incomplete = "" if typed.endswith(" ") else words[-1]
    return [
        {COMPLETE_VAR: "complete_zsh", "_TYPER_COMPLETE_ARGS": typed},
        {
            COMPLETE_VAR: "complete_fish",
            "_TYPER_COMPLETE_ARGS": typed,
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        },
        {
            COMPLETE_VAR: "complete_fish",
            "_TYPER_COMPLETE_ARGS": typed,
            "_TYPER_COMPLETE_FISH_ACTION": "is-args",
        },
        {
            COMPLETE_VAR: "complete_powershell",
            "_TYPER_COMPLETE_ARGS": typed,
            "_TYPER_COMPLETE_WORD_TO_COMPLETE": incomplete,
        },
        {
            COMPLETE_VAR: "complete_bash",
            "COMP_WORDS": typed,
            "COMP_CWORD": str(len(words) if typed.endswith(" ") else len(words) - 1),
        },
    ]


# The default run asks every shell about a few lines the quick path answers itself, of each
# shape (a command, an option after an argument, the global options, a quote); the heavy
# group asks about every line above (350 processes: about a minute on two cores).
SAMPLE = [
    "dgtracker mo",
    "dgtracker move c001 --re",
    "dgtracker --file=c.toml --as-of 2026-02-02 -",
    "dgtracker 'mo",
]


def _same_answer(typed: str) -> None:
    for env in _requests(typed):
        quick = _ask(env, [installed_dgtracker()])
        assert quick == _ask(env, TYPER_APP), env


@pytest.mark.parametrize("typed", SAMPLE)
def test_each_shell_gets_typers_answer(typed: str) -> None:
    _same_answer(typed)


@pytest.mark.heavy
@pytest.mark.parametrize("typed", [typed for typed in TYPED if typed not in SAMPLE])
def test_each_shell_gets_typers_answer_to_every_line(typed: str) -> None:
    _same_answer(typed)


def test_the_common_presses_are_answered_without_the_typer_app() -> None:
    for typed in ("dgtracker mo", "dgtracker ", "dgtracker move --re", "dgtracker status -"):
        for env in _requests(typed):
            assert quick_completion.answer(env, COMPLETE_VAR) is not None, env
    for typed in ("dgtracker docs te", "dgtracker move ", "dgtracker --file ", "dgtracker -- mo"):
        env = _requests(typed)[0]
        assert quick_completion.answer(env, COMPLETE_VAR) is None, typed


def test_a_narrow_terminal_is_left_to_typer() -> None:
    env = {**_requests("dgtracker mo")[0], "COLUMNS": "20"}
    assert quick_completion.answer(env, COMPLETE_VAR) is None
    assert _ask(env, [installed_dgtracker()]) == _ask(env, TYPER_APP)


if __name__ == "__main__":  # print cli/completion_table.py's table
    import pprint

    print(pprint.pformat(table_from_the_app(), width=96, sort_dicts=False))
