"""The console people read (rich's), and what is printed to it line by line: sentences
folded to its width, and lists laid out by list_layout.

Every table command's console is made here (through out/terminal.py's rich_console), so
that one which lays its rows out with list_layout loads rich's console and text, not its
tables. Colour is rich's to decide:
none when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text

from dgtracker.out.columns import LaidOutTable, fold


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader left (`| head`): let the command line end quietly (cli/app.py),
        rather than rich's exit 1, which would read as a refusal."""
        raise BrokenPipeError


def make_console() -> Console:
    return _Console(highlight=False, emoji=False, soft_wrap=False)


def print_folded(console: Console, text: str, style: str = "") -> None:
    """A sentence, folded at spaces to the console's width."""
    _print_lines(console, fold(text, console.width), style)


def list_width(console: Console) -> int | None:
    """How wide a list may be: a terminal's width, or COLUMNS; on a pipe, None (each row
    stays one line, for grep and cut)."""
    return console.width if console.is_terminal or os.environ.get("COLUMNS") else None


def print_list(console: Console, layout: LaidOutTable) -> None:
    """A list laid out by list_layout: its header in bold, its rule, then its rows."""
    header, rule, *rows = layout.lines
    _print_lines(console, [header], "bold")
    _print_lines(console, [rule])
    _print_lines(console, rows)


def _print_lines(console: Console, lines: Sequence[str], style: str = "") -> None:
    """Lines already laid out, each printed whole (never wrapped or cropped).

    Unstyled printable lines go to the console as one segment: a rich Text would split,
    measure and join them again (some 20 ms for a thousand rows) to print the same
    characters. Text changes a line only to strip a control character or expand a tab,
    and gives each line of a style its own escape codes, so those lines still go
    through it.
    """
    if not lines:
        return
    if style or not all(line.isprintable() for line in lines):
        console.print(Text("\n".join(lines), style=style), soft_wrap=True)
        return
    console.print(Segments([Segment("\n".join(lines) + "\n")]), soft_wrap=True)
