"""Every failure a user can meet, each with its own exit code.

Plain exceptions: the rules, the record and the files raise them, and the command line
(cli/app.py) turns them into a message on stderr and the exit code, in one place.
"""

from __future__ import annotations

# Exit codes, documented in docs/commands.md.
OK = 0
REFUSED = 1
FINDINGS = 1  # a check that ran and found something (`audit`), as a linter exits
USAGE = 2
RECORD_UNUSABLE = 3
INTERNAL = 70  # a bug: the command line says so, without a traceback


class DgError(Exception):
    """A failure with a message for the user, a hint on what to do, and an exit code."""

    exit_code = REFUSED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


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
