"""Every failure a user can meet, each with its own exit code.

The classes derive from click's ClickException, so that typer prints the message and
exits with the code both when installed and under a test runner — never a traceback.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from typer._click.exceptions import ClickException

# Exit codes, documented in the README.
OK = 0
REFUSED = 1
USAGE = 2
RECORD_UNUSABLE = 3


class DgError(ClickException):
    exit_code = REFUSED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def show(self, file: IO[Any] | None = None) -> None:
        from dgtracker.text import visible

        out = file or sys.stderr
        out.write(f"dgtracker: {visible(self.message, keep_newlines=True)}\n")
        if self.hint:
            out.write(f"  {visible(self.hint, keep_newlines=True)}\n")


class Refused(DgError):
    """Bad input, an unknown id or a move the rules do not allow (exit 1)."""

    exit_code = REFUSED


class RecordError(DgError):
    """The record cannot be used: missing, unparseable, invalid, locked, unwritable (exit 3)."""

    exit_code = RECORD_UNUSABLE


class InvalidRecord(RecordError):
    """The record parsed but breaks the schema; carries every problem found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = problems[:20]
        more = len(problems) - len(shown)
        lines = [f"{path} is not a valid record ({len(problems)} problem(s)):"]
        lines += [f"  - {p}" for p in shown]
        if more:
            lines.append(f"  … and {more} more")
        super().__init__(
            "\n".join(lines),
            hint="Fix the record by hand (run 'dgtracker check' to list every problem); "
            "nothing was written.",
        )
        self.problems = problems
