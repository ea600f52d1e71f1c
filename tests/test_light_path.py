"""The light path (cli/light.py): `status`, `candidates`, `show` and `remind` run without
the typer app, and give exactly what the typer app gives for the same command line.

Each case runs the installed `dgtracker` (which takes the light path when it can) and the
typer app itself (`dgtracker.cli.app.main`, which never does), and compares stdout, stderr
and the exit code byte for byte. The command lines cover both what the light path runs and
what it must hand over (help, an unknown option, a value that needs checking, a blank
--as-of), which the typer app then answers.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import AS_OF, installed_dgtracker

from dgtracker.cli import light
from dgtracker.cli.app import app, every_command

TYPER_APP = (
    "import sys\n"
    "from dgtracker.cli.app import main\n"
    "sys.argv = ['dgtracker', *sys.argv[1:]]\n"
    "main()\n"
)


def _both(args: list[str], env: dict[str, str], cwd: Path) -> tuple[tuple, tuple]:
    full = {**os.environ, "COLUMNS": "100", **env}
    full.pop("PYTHONPROFILEIMPORTTIME", None)
    ran = []
    for argv in ([installed_dgtracker()], [sys.executable, "-c", TYPER_APP]):
        done = subprocess.run([*argv, *args], capture_output=True, env=full, cwd=cwd, timeout=120)
        ran.append((done.returncode, done.stdout, done.stderr))
    return ran[0], ran[1]


@pytest.fixture
def folder(cli, tmp_path) -> Path:
    """A record with three candidates at different stages, one with a note."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org", "--applied", "20/1/2026")
    cli.ok("add-candidate", "Grace Hopper", "--email", "grace@example.org", "--note", "CV in")
    cli.ok("add-candidate", "Alan Turing", "--email", "alan@example.org")
    cli.ok("move", "c001", "longlist", "--note", "Strong sift")
    cli.ok("move", "c003", "rejected", "--reason", "Did not meet the criteria")
    return cli.path.parent


# The words after the global options: what the light path runs, and what it hands over.
COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["candidates"],
    ["candidates", "--active"],
    ["candidates", "--json", "--stage", "longlist"],
    ["candidates", "--stage=nowhere"],
    ["candidates", "--json", "--json"],
    ["show", "c001"],
    ["show", "--json", "c002"],
    ["show", "c999"],
    ["show"],
    ["show", "c001", "c002"],
    ["remind"],
    ["remind", "--json"],
    ["remind", "--within", "30"],
    ["remind", "--within=0", "--json"],
    ["remind", "--within", "-1"],
    ["remind", "--within", "soon"],
    ["remind", "--all"],
    ["status", "--help"],
    ["candidates", "-h"],
    ["status", "--bogus"],
    ["status", "--json=1"],
    ["candidates", "--stage"],
    ["status", "--", "x"],
]


def _globals(record: Path) -> list[tuple[list[str], dict[str, str]]]:
    """Ways of giving the global options: (arguments, environment)."""
    return [
        (["--file", str(record), "--as-of", AS_OF], {}),
        ([f"--file={record}", "--as-of=2 Feb 2026"], {"NO_COLOR": "1"}),
        (["-f", str(record)], {"DGTRACKER_TODAY": AS_OF}),
        ([], {"DGTRACKER_FILE": str(record), "DGTRACKER_TODAY": "2026-01-21"}),
        (["--as-of", AS_OF, "-f", str(record), "--dir", str(record.parent)], {}),
        (["--file", str(record), "--as-of", "2026-02-30"], {}),
        (["--file", str(record), "--as-of", " "], {}),
        (["--file", str(record.parent / "missing.toml"), "--as-of", AS_OF], {}),
        (["--as-of", AS_OF], {}),  # no record here: the bundled example
        (["--file", str(record), "--as-of", AS_OF], {"DGTRACKER_FILE": ""}),
        (["--file", str(record), "--json", "status"], {}),
    ]


def _check(folder: Path, args: list[str], env: dict[str, str]) -> None:
    work = folder / "elsewhere"
    work.mkdir(exist_ok=True)
    light_run, typer_run = _both(args, env, work)
    assert light_run == typer_run, args


def test_both_paths_agree_on_each_command_line(folder) -> None:
    """Every other command line (each command, something the light path runs and something
    it hands over), each with one of the ways of giving the global options; the heavy
    group's test below runs every line with every way."""
    ways = _globals(folder / "campaign.toml")
    for index, words in enumerate(COMMANDS):
        if index % 2 == 0:
            args, env = ways[index % len(ways)]
            _check(folder, [*args, *words], env)


@pytest.mark.heavy
def test_both_paths_agree_on_every_combination(folder) -> None:
    for (args, env), words in itertools.product(_globals(folder / "campaign.toml"), COMMANDS):
        _check(folder, [*args, *words], env)


def test_the_light_path_runs_the_plain_command_lines(folder) -> None:
    """The cases above that a user types most are run here, not handed over."""
    record = str(folder / "campaign.toml")
    runs = [
        ["--file", record, "--as-of", AS_OF, "status"],
        [f"--file={record}", "candidates", "--json", "--stage", "longlist"],
        ["-f", record, "show", "--json", "c002"],
        ["remind", "--within=0", "--json"],
    ]
    for args in runs:
        assert light.parse(args, {}) is not None, args
    handed_over = [
        ["status", "--help"],
        ["--file", record, "--as-of", " ", "status"],
        ["remind", "--within", "-1"],
        ["remind", "--all"],
        ["show"],
        ["--json", "status"],
        ["move", "c001", "longlist"],
    ]
    for args in handed_over:
        assert light.parse(args, {}) is None, args
    assert light.parse(["status"], {"DGTRACKER_TODAY": ""}) is None


def test_on_windows_what_typer_would_expand_is_left_to_it(monkeypatch) -> None:
    """typer expands *, ~ and %VARIABLES% in arguments on Windows: such a command line is
    handed over there, and run here elsewhere."""
    args = ["--file", "~/campaign.toml", "show", "c00*"]
    assert light.parse(args, {}) is not None
    monkeypatch.setattr(light.os, "name", "nt")
    assert light.parse(args, {}) is None
    assert light.parse(["--file", "c.toml", "status"], {}) is not None


def test_the_light_table_names_every_option_the_typer_commands_declare() -> None:
    """The light path's table against the built typer commands: the same options, flags
    where typer has flags, values where it takes values, the same number of arguments."""
    commands = every_command()
    for name, entry in light.LIGHT_COMMANDS.items():
        command = commands[name]
        options = {}
        arguments = 0
        for param in command.params:
            if param.param_type_name == "argument":
                arguments += 1
                continue
            for opt in param.opts:
                options[opt] = (param.is_flag, param.name)
        options.pop("--help", None)
        options.pop("-h", None)
        assert set(entry.options) == set(options), name
        for opt, (kind, parameter) in entry.options.items():
            is_flag, typer_name = options[opt]
            assert parameter == typer_name, f"{name} {opt}"
            if kind != light.TYPER:
                assert (kind == light.FLAG) == is_flag, f"{name} {opt}"
        assert entry.arguments == arguments, name


def test_the_light_global_options_are_the_typer_apps() -> None:
    from typer.main import get_group

    declared = {}
    for param in get_group(app).params:
        for opt in param.opts + param.secondary_opts:
            declared[opt] = (param.name, param.envvar)
    declared.update({"--help": (None, None), "-h": (None, None)})
    assert set(declared) == {*light.GLOBAL_TYPER, *light.GLOBAL_VALUES}
    for opt, setting in light.GLOBAL_VALUES.items():
        name, envvar = declared[opt]
        assert setting == name and light.GLOBAL_ENV[setting] == envvar, opt
