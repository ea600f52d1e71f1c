"""Odd terminal widths from the environment: COLUMNS=0 (some CI systems and shells set it
when the width is unknown) is no width at all, and a very narrow one still draws every
page, without an internal error."""

from __future__ import annotations

import pytest

COMMANDS = (["status"], ["candidates"], ["show", "c001"], ["remind"], ["--help"])


@pytest.fixture
def record(cli):
    cli.ok("add-candidate", "Ada Lovelace", "--applied", "2026-01-20")
    cli.ok("move", "c001", "longlist")
    return cli


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_columns_zero_is_as_if_unset(record, run, command: list[str]) -> None:
    plain = {"DGTRACKER_FILE": str(record.path), "DGTRACKER_TODAY": "2026-02-02"}
    unset = run(*command, env=plain)
    zero = run(*command, env={**plain, "COLUMNS": "0"})
    assert unset.returncode == 0, unset.stderr
    assert (zero.returncode, zero.stdout, zero.stderr) == (0, unset.stdout, unset.stderr)


@pytest.mark.parametrize("columns", ["1", "10", "13"])
def test_a_very_narrow_width_still_draws_the_dashboard(record, run, columns: str) -> None:
    env = {"DGTRACKER_FILE": str(record.path), "DGTRACKER_TODAY": "2026-02-02"}
    result = run("status", env={**env, "COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    assert "Pipeline" in result.stdout or columns == "1"  # at 1, a letter a line
    assert result.stdout.count("\n") > 20


@pytest.mark.parametrize("command", [["candidates"], ["show", "c002"], ["status"]], ids=" ".join)
def test_a_name_that_starts_with_a_combining_mark_is_folded_at_a_narrow_width(
    record, run, command: list[str]
) -> None:
    """A word that starts with a combining accent (a name pasted with its accent before the
    letter) cut into a narrow column: rich 14.3's chop_cells never returned on it, and the
    list hung (rich 15.0 is the floor since)."""
    record.ok("add-candidate", "\u0301Ada Lovelace", "--applied", "2026-01-20")
    env = {"DGTRACKER_FILE": str(record.path), "DGTRACKER_TODAY": "2026-02-02"}
    result = run(*command, env={**env, "COLUMNS": "20"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    if command == ["candidates"]:
        assert "c002" in result.stdout and "\u0301A" in result.stdout
