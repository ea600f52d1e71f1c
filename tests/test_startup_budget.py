"""The start-up budget: each command loads only the modules it needs.

dgtracker runs many times a day and from cron, so start-up is most of its cost (see
benchmarks/). These tests run the installed `dgtracker` with PYTHONPROFILEIMPORTTIME (the
environment form of `python -X importtime`) and check which modules were imported. They
measure no time: the benchmark does that. The last ones check that the fast way of
reading a record agrees with the full check, whatever the record holds.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import AS_OF

from dgtracker import __version__
from dgtracker.cli.app import COMMAND_MODULES
from dgtracker.record import decode

ROOT = Path(__file__).resolve().parent.parent

# Heavy modules that only some commands need.
HEAVY_FOR_STARTUP = ("rich", "tomli_w", "dateutil", "icalendar", "openpyxl")
TABLES = ("rich.console", "rich.table")


def imported_modules(run, *args: str, env: dict[str, str] | None = None) -> set[str]:
    """Every module the installed dgtracker imported while running `args`."""
    done = run(*args, env={"PYTHONPROFILEIMPORTTIME": "1", **(env or {})})
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "imported package" not in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert names, "PYTHONPROFILEIMPORTTIME reported nothing"
    return names


def loaded(names: set[str], package: str) -> list[str]:
    return sorted(n for n in names if n == package or n.startswith(f"{package}."))


def cli_modules(names: set[str]) -> list[str]:
    """The command-line modules among `names`, in order."""
    return sorted(n for n in names if n.startswith("dgtracker.cli."))


def command_exists(name: str) -> bool:
    return name in COMMAND_MODULES


@pytest.fixture
def record(cli) -> Path:
    """A DHSC record with one candidate (made through the CLI)."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--applied", "20/1/2026")
    return cli.path


def test_version_answers_before_loading_the_command_line(run) -> None:
    names = imported_modules(run, "--version")
    for heavy in ("typer", *HEAVY_FOR_STARTUP):
        assert not loaded(names, heavy), (
            f"--version imported {heavy}; reinstall (pip install -e .) if the "
            "console script predates dgtracker.__main__:main"
        )
    done = run("--version")
    assert done.stdout == f"dgtracker {__version__}\n"


def test_version_after_other_options_still_works(run, record) -> None:
    done = run("--file", str(record), "--version")
    assert (done.returncode, done.stdout) == (0, f"dgtracker {__version__}\n")


def test_help_loads_no_heavy_module(run) -> None:
    names = imported_modules(run, "--help")
    for heavy in HEAVY_FOR_STARTUP:
        assert not loaded(names, heavy), f"--help imported {loaded(names, heavy)}"


def test_a_command_loads_only_its_own_topic_module(run, record) -> None:
    names = imported_modules(run, "--file", str(record), "--as-of", AS_OF, "milestone", "list")
    topics = cli_modules(names)
    assert topics == [
        "dgtracker.cli.app",
        "dgtracker.cli.context",
        "dgtracker.cli.ending",
        "dgtracker.cli.light",
        "dgtracker.cli.milestones",
        "dgtracker.cli.settings",
    ]


# The hottest reads, as scripts, cron and people type them: the light path (cli/light.py)
# runs them without typer (nor click) and without any other topic module.
LIGHT_READS = [
    ("status",),
    ("status", "--json"),
    ("candidates",),
    ("candidates", "--json", "--active"),
    ("show", "c001"),
    ("show", "c001", "--json"),
    ("remind",),
    ("remind", "--within", "7", "--json"),
]


@pytest.mark.parametrize("words", LIGHT_READS, ids=" ".join)
def test_the_hottest_reads_load_no_typer_and_from_the_cache_no_checks(run, record, words) -> None:
    """Neither read loads the command line (typer); the cache holds the checked record, so
    only a read of the text (the first after a change) loads the record's checks; the cache
    names them by their code's bytes."""
    first = imported_modules(run, "--file", str(record), "--as-of", AS_OF, *words)
    assert "dgtracker.record.decode" in first  # no cache yet: read from the text
    names = imported_modules(run, "--file", str(record), "--as-of", AS_OF, *words)
    for framework in ("typer", "click"):
        assert not loaded(first | names, framework), f"{' '.join(words)} imported {framework}"
    if words[0] != "remind":  # the retention rules: remind's retention reminders need them
        assert "dgtracker.process.privacy" not in first | names, f"{' '.join(words)}: privacy"
    # nor, with no one held blind, no one due for anonymising and no report, who mentions
    # whom
    assert "dgtracker.record.mentions" not in names, f"{' '.join(words)}: mentions"
    for run_names in (first, names):
        topics = cli_modules(run_names)
        assert topics == [
            "dgtracker.cli.ending",
            "dgtracker.cli.light",
            "dgtracker.cli.reads",
            "dgtracker.cli.settings",
        ]
    for checks in ("dgtracker.record.decode", "dgtracker.record.decode_panel"):
        assert checks not in names, f"{' '.join(words)} imported {checks}"
    # Nor the rules of the record's fields, nor the actions (show finds the candidate by
    # process/finding.py), nor what only a change, a typo or a check needs.
    for unused in (
        "dgtracker.record.field_rules",
        "dgtracker.process.candidate_actions",
        "calendar",  # dates.py spells out the month names and lengths (calendar loads locale)
        "locale",
        "secrets",  # a drawn id and kept diversity answers only
        "difflib",  # a suggestion for a candidate not found only
    ):
        assert unused not in names, f"{' '.join(words)} imported {unused}"
    if "--json" not in words:
        assert "json" not in names, f"{' '.join(words)} imported json"


def test_a_list_on_a_pipe_loads_no_rich(run, record) -> None:
    """`candidates` on a pipe prints on the plain console (out/terminal.py), rich's
    console only where rich would print otherwise (here: FORCE_COLOR). Only the measure
    of characters' widths (rich.cells) lays the list out."""
    names = imported_modules(run, "--file", str(record), "--as-of", AS_OF, "candidates")
    for module in ("rich.console", "rich.text", "rich.segment", "rich.style"):
        assert module not in names, f"candidates on a pipe imported {module}"
    forced = imported_modules(
        run, "--file", str(record), "--as-of", AS_OF, "candidates", env={"FORCE_COLOR": "1"}
    )
    assert "rich.console" in forced


def test_a_hot_read_with_help_still_gets_the_typer_apps_help(run, record) -> None:
    names = imported_modules(run, "status", "--help")
    assert "typer" in names


READ_COMMANDS = [
    ("status", "--json"),
    ("candidates", "--json"),
    ("show", "c001", "--json"),
    ("milestone", "list", "--json"),
    ("remind",),
]


@pytest.mark.parametrize("words", READ_COMMANDS, ids=" ".join)
def test_commands_for_scripts_draw_no_tables(run, record, words) -> None:
    if not command_exists(words[0]) and words[0] != "milestone":
        pytest.skip(f"'{words[0]}' is not built yet")
    names = imported_modules(run, "--file", str(record), "--as-of", AS_OF, *words)
    for module in TABLES:
        assert module not in names, f"{' '.join(words)} imported {module}"
    for heavy in ("tomli_w", "dateutil", "icalendar", "dgtracker.date_input"):
        assert not loaded(names, heavy), f"{' '.join(words)} imported {heavy}"


def test_only_a_typed_date_loads_the_date_parser(run, record) -> None:
    """--as-of as scripts give it (2026-02-02) needs no parser; '2 Feb 2026' does."""
    iso = imported_modules(run, "--file", str(record), "--as-of", AS_OF, "status", "--json")
    assert "dgtracker.date_input" not in iso
    typed = imported_modules(run, "--file", str(record), "--as-of", "2 Feb 2026", "status")
    assert "dgtracker.date_input" in typed
    done = run("--file", str(record), "--as-of", "2026-02-30", "status")
    assert done.returncode == 1 and "February 2026 has no day 30" in done.stderr


@pytest.mark.parametrize(
    "words",
    [
        ("add-candidate", "Grace Hopper", "--email", "grace@example.org"),
        ("move", "c001", "longlist", "--note", "Strong sift"),
    ],
    ids=lambda words: words[0],
)
def test_changes_load_no_tables_or_date_parser(run, record, words) -> None:
    """Nor the command line: the light path (cli/light.py) makes the most frequent changes
    too, through cli/writes.py, without typer or click."""
    names = imported_modules(run, "--file", str(record), "--as-of", AS_OF, *words)
    for framework in ("typer", "click"):
        assert not loaded(names, framework), f"{words[0]} imported {framework}"
    assert cli_modules(names) == [
        "dgtracker.cli.ending",
        "dgtracker.cli.light",
        "dgtracker.cli.settings",
        "dgtracker.cli.writes",
    ]
    assert not loaded(names, "rich"), f"{words[0]} imported {loaded(names, 'rich')}"
    for heavy in ("dateutil", "icalendar"):
        assert not loaded(names, heavy), f"{words[0]} imported {heavy}"
    assert "dgtracker.record.toml_writer" in names  # it did save


def test_tables_are_still_drawn_for_people(run, record) -> None:
    """The budget is about loading rich only when needed, not about never using it: on a
    pipe status is laid out without rich (tests/test_plain_status.py), and where rich
    would print otherwise (here: TTY_COMPATIBLE) rich draws its tables."""
    words = ("--file", str(record), "--as-of", AS_OF, "status")
    assert not loaded(imported_modules(run, *words), "rich")
    names = imported_modules(run, *words, env={"TTY_COMPATIBLE": "0"})
    assert "rich.table" in names


@pytest.mark.heavy
def test_the_benchmark_runs_at_a_small_size(tmp_path) -> None:
    """A smoke check of benchmarks/run.py: it runs and writes its table (timings unchecked)."""
    output = tmp_path / "results.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "5",
            "--runs",
            "1",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = output.read_text(encoding="utf-8")
    assert done.stdout.strip() == table.strip()
    for row in (
        "`python -c pass`",
        "`dgtracker --help`",
        "`status`",
        "`add-candidate`",
        "`diversity`",
    ):
        assert row in table
    assert "## Machine" in table and "CPU:" in table


# --- reading a record: the fast path and the full check agree ------------------------


def _candidate(data: dict[str, Any]) -> dict[str, Any]:
    return data["candidates"][0]  # type: ignore[no-any-return]


def _event(data: dict[str, Any]) -> dict[str, Any]:
    return _candidate(data)["history"][-1]  # type: ignore[no-any-return]


CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "valid as it is": lambda d: None,
    "a bidi override in a name": lambda d: _candidate(d).update(name="Ada\u202eLovelace"),
    "an empty name": lambda d: _candidate(d).update(name="  "),
    "a bad email": lambda d: _candidate(d).update(email="not-an-email"),
    "an unknown stage": lambda d: _candidate(d).update(stage="nowhere"),
    "an unknown field": lambda d: _candidate(d).update(age=40),
    "a rank that is true": lambda d: _candidate(d).update(rank=True),
    "an applied date and time": lambda d: _candidate(d).update(applied=datetime(2026, 1, 20)),
    "a history that is text": lambda d: _candidate(d).update(history="moved"),
    "a second candidate with the same id": lambda d: d["candidates"].append(
        copy.deepcopy(_candidate(d))
    ),
    "an unknown action": lambda d: _event(d).update(action="danced"),
    "a moment without an offset": lambda d: _event(d).update(at=datetime(2026, 1, 28, 10)),
    "a day that is a moment": lambda d: _event(d).update(on=datetime(2026, 1, 28, 10)),
    "an event at an unknown stage": lambda d: _event(d).update(stage="nowhere"),
    "an unknown field in an event": lambda d: _event(d).update(mood="good"),
    "a note that is too long": lambda d: _event(d).update(note="x" * 10_001),
    "a control character in a note": lambda d: _event(d).update(note="ok\x1b[2J"),
    "an event that is not a table": lambda d: _candidate(d)["history"].append("moved"),
    "a number where text goes": lambda d: _event(d).update(by=7),
    "a date where a table goes": lambda d: d["candidates"].append(date(2026, 1, 1)),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_fast_reading_agrees_with_the_full_check(cli, monkeypatch, change) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--applied", "20/1/2026")
    cli.ok("move", "c001", "longlist", "--note", "Strong sift")
    data = tomllib.loads(cli.path.read_text(encoding="utf-8"))
    change(data)
    fast = decode.record_from_data(copy.deepcopy(data))
    monkeypatch.setattr(decode, "_plain_candidate", lambda *args: None)
    monkeypatch.setattr(decode, "_plain_event", lambda *args: None)
    full = decode.record_from_data(copy.deepcopy(data))
    assert fast == full
    if change is not CHANGES["valid as it is"]:
        assert full[0] is None and full[1], "the change should make the record invalid"


def test_a_valid_candidate_takes_the_fast_path(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--note", "CV in")
    cli.ok("move", "c001", "rejected", "--reason", "Did not meet the criteria")
    data = tomllib.loads(cli.path.read_text(encoding="utf-8"))
    stage_ids = {stage["id"] for stage in data["stages"]}
    record, problems = decode.record_from_data(copy.deepcopy(data))
    assert record is not None and problems == []
    assert decode._plain_candidate(_candidate(data), stage_ids) == record.candidates[0]


def test_a_tab_press_loads_no_typer(run) -> None:
    """Completing a command's or an option's name: cli/quick_completion.py answers, with
    neither typer nor the record's code loaded."""
    for typed in ("dgtracker mo", "dgtracker move --re"):
        env = {"_DGTRACKER_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": typed}
        names = imported_modules(run, env=env)
        for heavy in ("typer", "click", "rich", "dgtracker.record", "dgtracker.cli.light"):
            assert not loaded(names, heavy), f"{typed!r} imported {heavy}"
