"""The one writer of what a command prints, on stdout (its result) or stderr (what it says
beside it): lines of text (`echo`), exact text and bytes (`write`, `write_bytes`), the
console that draws rich's tables (`rich_console`), and the plain one that prints lists
without loading rich where rich would print them unchanged (`list_console`). JSON is
out/plain.py's, written through here.

Lines are written as they are given, never wrapped or coloured: scripts and cron read
them. Tables are rich's, which leaves colour out when stdout is not a terminal or
NO_COLOR is set (out/console.py). rich is loaded only by a command that draws a table
(start-up budget).
"""

from __future__ import annotations

import builtins
import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def write(text: str, err: bool = False) -> None:
    """Exact text, flushed at once (a line a row stays in order with what stderr says)."""
    stream: TextIO = sys.stderr if err else sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        # A legacy console code page: keep every character, escaped, rather than fail.
        stream.write(text.encode("ascii", "backslashreplace").decode("ascii"))
    stream.flush()


def echo(text: str = "", err: bool = False) -> None:
    """One line for a person or a script (stderr with `err`)."""
    write(text + "\n", err)


def write_bytes(data: bytes) -> None:
    """Exact bytes (BOM, CRLF, UTF-8) where stdout allows, whatever the terminal's encoding."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def rich_console() -> Console:
    """The console that draws a command's tables on stdout (a command asks once: its width,
    colour and NO_COLOR are read when it is made)."""
    from dgtracker.out.console import make_console  # rich: only for a table (start-up budget)

    return make_console()


class PlainConsole:
    """Lines for a list, written as they are: what rich's console prints for them when
    stdout is not a terminal (no colour, no style, nothing cropped), without loading rich,
    which is most of a long list's start (docs/performance.md, "Start-up"). Anything
    else (a line with a control character, a sentence rich would wrap) is printed by
    rich's console itself (`rich`), made only then. out/lines.py prints through either;
    tests/test_plain_lists.py checks the two print the same bytes."""

    __slots__ = ("_rich", "width")
    is_terminal = False

    def __init__(self, width: int) -> None:
        self.width = width  # as rich's console would have it (`_rich_width`)
        self._rich: Console | None = None

    def rich(self) -> Console:
        """rich's console for stdout (made once)."""
        if self._rich is None:
            self._rich = rich_console()
        return self._rich


def list_console() -> Console | PlainConsole:
    """The console a list is printed on: the plain one when rich's would print its lines
    unchanged, else rich's."""
    return plain_console() or rich_console()


def plain_console() -> PlainConsole | None:
    """A PlainConsole where rich's console would not be a terminal and would write text
    unchanged: stdout is not a terminal, nothing tells rich otherwise (FORCE_COLOR,
    TTY_COMPATIBLE, a notebook), stdout takes every character (UTF-8), and not on
    Windows (whose legacy console rich writes to its own way). None anywhere else."""
    environ = os.environ
    if os.name == "nt" or "FORCE_COLOR" in environ or "TTY_COMPATIBLE" in environ:
        return None
    if hasattr(builtins, "get_ipython"):  # rich's notebook check
        return None
    stream = sys.stdout
    try:
        if stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding not in ("utf8", "utf_8"):
        return None
    width = _rich_width(environ)
    return None if width is None else PlainConsole(width)


def _rich_width(environ: os._Environ[str]) -> int | None:
    """The width rich's console takes when stdout is not a terminal (rich.console's
    `Console.__init__` and `size`): COLUMNS when it is digits, else the size of the first
    terminal among stdin, stdout and stderr, else 80. None for a COLUMNS of other digits
    than ASCII's (left to rich)."""
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) if columns.isascii() else None
    width = None
    for stream, number in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        try:
            descriptor = stream.fileno()  # type: ignore[union-attr]
        except Exception:  # as rich: no such stream, or one without a descriptor
            descriptor = number
        try:
            width = os.get_terminal_size(descriptor)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80
