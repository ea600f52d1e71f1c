"""Lines already laid out, printed whole: sentences folded to the console's width, and
lists laid out by out/columns.py, on rich's console or on the plain one
(out/terminal.py's PlainConsole, which prints what rich would print unchanged without
loading rich). rich is imported here only when rich's console prints.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dgtracker.out.columns import LaidOutTable, fold
from dgtracker.out.terminal import PlainConsole, write

if TYPE_CHECKING:
    from rich.console import Console


def print_folded(console: Console | PlainConsole, text: str, style: str = "") -> None:
    """A sentence, folded at spaces to the console's width."""
    _print_lines(console, fold(text, console.width), style)


def print_said(console: Console | PlainConsole, text: str) -> None:
    """A short sentence as rich's `print` prints it (wrapped by rich where too long)."""
    if isinstance(console, PlainConsole):
        if text.isascii() and text.isprintable() and "[" not in text and len(text) <= console.width:
            write(text + "\n")
            return
        console = console.rich()
    console.print(text)


def list_width(console: Console | PlainConsole) -> int | None:
    """How wide a list may be: a terminal's width, or COLUMNS; on a pipe, None (each row
    stays one line, for grep and cut)."""
    return console.width if console.is_terminal or os.environ.get("COLUMNS") else None


def print_list(console: Console | PlainConsole, layout: LaidOutTable) -> None:
    """A list laid out by list_layout: its header in bold, its rule, then its rows."""
    header, rule, *rows = layout.lines
    _print_lines(console, [header], "bold")
    _print_lines(console, [rule])
    _print_lines(console, rows)


def _print_lines(console: Console | PlainConsole, lines: Sequence[str], style: str = "") -> None:
    """Lines already laid out, each printed whole (never wrapped or cropped).

    Unstyled printable lines go to the console as one segment: a rich Text would split,
    measure and join them again (some 20 ms for a thousand rows) to print the same
    characters. Text changes a line only to strip a control character or expand a tab,
    and gives each line of a style its own escape codes, so those lines still go
    through it. The plain console has no style to give: printable lines are written as
    they are, and any other goes through rich's Text as on rich's console.
    """
    if not lines:
        return
    printable = all(line.isprintable() for line in lines)
    if isinstance(console, PlainConsole):
        if printable:
            write("\n".join(lines) + "\n")
            return
        console = console.rich()
    from rich.segment import Segment, Segments
    from rich.text import Text

    if style or not printable:
        console.print(Text("\n".join(lines), style=style), soft_wrap=True)
        return
    console.print(Segments([Segment("\n".join(lines) + "\n")]), soft_wrap=True)
