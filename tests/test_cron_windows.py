"""`cron --windows`: the schtasks command, typed in cmd.exe, that makes a Task Scheduler task
running `remind` each weekday at the time `cron` uses.

The quoting is checked two ways: the exact text, and by reading the text back as cmd.exe
and then schtasks would (carets outside quotes, then the C runtime's rules for \\"), which
must give back the very words of the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import Cli
from tests.git_team import git_identity  # noqa: F401 (a fixture: git without the user's config)
from typer.testing import CliRunner

from dgtracker.cli.app import app
from dgtracker.cli.context import this_dgtracker

WEEKDAYS = "/SC WEEKLY /D MON,TUE,WED,THU,FRI"


def _program() -> str:
    (program,) = this_dgtracker()  # the venv's console script
    assert " " not in program and "&" not in program
    return program


def _as_cmd_reads_it(line: str) -> str:
    """cmd.exe: a caret outside double quotes makes the next character plain text."""
    out, quoted, escaped = [], False, False
    for char in line:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "^" and not quoted:
            escaped = True
        else:
            quoted = not quoted if char == '"' else quoted
            out.append(char)
    return "".join(out)


def _argv(line: str) -> list[str]:
    """The words a Windows program gets (the C runtime's rules, as CommandLineToArgvW)."""
    words: list[str] = []
    word: list[str] = []
    quoted = started = False
    i = 0
    while i < len(line):
        slashes = 0
        while i < len(line) and line[i] == "\\":
            slashes += 1
            i += 1
        if i < len(line) and line[i] == '"':
            word.append("\\" * (slashes // 2))
            if slashes % 2:
                word.append('"')
            else:
                quoted = not quoted
            started = True
        else:
            word.append("\\" * slashes)
            if i >= len(line):
                break
            if line[i] in " \t" and not quoted:
                if started or word:
                    words.append("".join(word))
                word, started = [], False
            else:
                word.append(line[i])
        i += 1
    if started or word:
        words.append("".join(word))
    return words


def _task_words(printed: str) -> tuple[list[str], list[str]]:
    """schtasks's own arguments, and the words of the command the task runs."""
    arguments = _argv(_as_cmd_reads_it(printed.strip()))
    return arguments, _argv(arguments[arguments.index("/TR") + 1])


def test_the_schtasks_command_for_a_record(tmp_path: Path) -> None:
    folder = tmp_path / "R&D (2026)"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")

    printed = cli.ok("cron", "--windows")

    record = str(folder / "campaign.toml").replace("&", "^&")
    assert printed == (
        f'schtasks /Create /TN "dgtracker remind campaign" {WEEKDAYS} /ST 07:30 '
        f'/TR "{_program()} --file \\"{record}\\" remind" /F\n'
    )
    arguments, task = _task_words(printed)
    assert task == [_program(), "--file", str(folder / "campaign.toml"), "remind"]
    assert arguments[arguments.index("/ST") + 1] == "07:30"


def test_the_time_is_crons(cli: Cli) -> None:
    printed = cli.ok("cron", "--windows", "--at", "8:05")
    assert f"{WEEKDAYS} /ST 08:05 /TR" in printed
    assert cli.ok("cron", "--at", "8:05").startswith("5 8 * * 1-5 ")


def test_a_shared_record_brings_in_the_team_first(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "team" / "campaign.toml")
    cli.ok("init")
    cli.ok("share")

    printed = cli.ok("cron", "--windows")

    _, task = _task_words(printed)
    assert task == [_program(), "--file", str(cli.path), "remind", "--sync"]


def test_every_campaign_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    Cli(folder / "dg.toml").ok("init")

    result = CliRunner().invoke(app, ["--dir", str(folder), "cron", "--windows", "--all"])
    assert result.exit_code == 0, result.output
    printed = result.stdout

    assert printed.startswith('schtasks /Create /TN "dgtracker remind all" ')
    _, task = _task_words(printed)
    assert task == [_program(), "--dir", str(folder), "remind", "--all"]


@pytest.mark.parametrize("folder", ["100% done", 'say "hi"'])
def test_a_path_cmd_cannot_type_is_refused(tmp_path: Path, folder: str) -> None:
    (tmp_path / folder).mkdir()
    cli = Cli(tmp_path / folder / "campaign.toml")
    cli.ok("init")
    result = cli("cron", "--windows")
    assert result.exit_code == 1 and "cmd.exe cannot hold" in result.output


def test_a_command_longer_than_schtasks_takes_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 120) / ("y" * 120)
    deep.mkdir(parents=True)
    cli = Cli(deep / "campaign.toml")
    cli.ok("init")
    result = cli("cron", "--windows")
    assert result.exit_code == 1 and "schtasks takes at most 261" in result.output
