"""The console people read (rich's). What is printed to it line by line (sentences
folded to its width, lists laid out by list_layout) is out/lines.py's.

Every table command's console is made here (through out/terminal.py's rich_console), so
that one which lays its rows out with list_layout loads rich's console and text, not its
tables. Colour is rich's to decide:
none when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader left (`| head`): let the command line end quietly (cli/app.py),
        rather than rich's exit 1, which would read as a refusal."""
        raise BrokenPipeError


def make_console() -> Console:
    return _Console(highlight=False, emoji=False, soft_wrap=False)
