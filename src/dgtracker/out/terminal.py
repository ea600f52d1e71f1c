"""The one writer of what a command prints, on stdout (its result) or stderr (what it says
beside it): lines of text (`echo`), exact text and bytes (`write`, `write_bytes`), and
the console that draws rich's tables (`rich_console`). JSON is out/plain.py's, written
through here.

Lines are written as they are given, never wrapped or coloured: scripts and cron read
them. Tables are rich's, which leaves colour out when stdout is not a terminal or
NO_COLOR is set (out/console.py). rich is loaded only by a command that draws a table
(start-up budget).
"""

from __future__ import annotations

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
