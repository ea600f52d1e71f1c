"""`dgtracker --help` lists every command from cli/help_table.py, without importing and
building each command's module: the table is the commands' own help, and the help is
byte for byte what click writes with every command built."""

from __future__ import annotations

import os
from typing import Any

import pytest

from dgtracker.cli.app import COMMAND_MODULES, Commands, every_command
from dgtracker.cli.help_table import COMMAND_HELP


def first_paragraph(help_text: str) -> str:
    """What click's short help reads of a command's help (make_default_short_help)."""
    end = help_text.find("\n\n")
    return help_text if end == -1 else help_text[:end]


def table_from_the_commands() -> dict[str, str]:
    table = {}
    for name, command in every_command().items():
        # the stand-in in the list carries the help alone: nothing else may shape the line
        assert not command.short_help and not command.hidden and not command.deprecated, name
        table[name] = first_paragraph(command.help or "")
    return table


def test_the_table_is_the_commands_help() -> None:
    """Regenerate cli/help_table.py with `python tests/test_help_table.py`."""
    assert table_from_the_commands() == COMMAND_HELP
    assert list(COMMAND_HELP) == list(COMMAND_MODULES)


def _root_help(built: bool) -> str:
    from typer.main import get_group

    from dgtracker.cli.app import app

    root = get_group(app)
    assert isinstance(root, Commands)
    if built:  # click's own listing, every command built
        every_command()
        root.listing = False
        original = Commands.format_commands

        def listing(self: Commands, ctx: Any, formatter: Any) -> None:
            super(Commands, self).format_commands(ctx, formatter)

        Commands.format_commands = listing  # type: ignore[method-assign]
        try:
            with root.make_context("dgtracker", [], resilient_parsing=True) as ctx:
                return ctx.get_help()
        finally:
            Commands.format_commands = original  # type: ignore[method-assign]
    with root.make_context("dgtracker", [], resilient_parsing=True) as ctx:
        return ctx.get_help()


@pytest.mark.parametrize("columns", ["20", "50", "60", "72", "79", "80", "100", "250"])
def test_the_help_lists_the_commands_as_click_does(monkeypatch, columns: str) -> None:
    monkeypatch.setitem(os.environ, "COLUMNS", columns)
    assert _root_help(built=False) == _root_help(built=True)


if __name__ == "__main__":  # print cli/help_table.py's table
    import pprint

    print(pprint.pformat(table_from_the_commands(), width=96, sort_dicts=False))
