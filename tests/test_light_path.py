"""The light path (cli/light.py): `status`, `candidates`, `show`, `remind`,
`add-candidate` and a one-candidate `move` run without the typer app, and give exactly
what the typer app gives for the same command line.

Each case runs the installed `dgtracker` (which takes the light path when it can) and the
typer app itself (`dgtracker.cli.app.main`, which never does), and compares stdout, stderr
and the exit code byte for byte; a change is made by each on the same copy of a record
(the clock fixed), and the files it leaves (the record, its cache) and a shared record's
git history must be the same too. The command lines cover both what the light path runs
and what it must hand over (help, an unknown option, a value that needs checking, a blank
--as-of), which the typer app then answers.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import AS_OF, installed_dgtracker
from tests.git_team import set_git_identity

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
        ["note", "c001", "Called back"],
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
    """The light path's table against the built typer commands: the same options (a flag's
    --no-... name too), flags where typer has flags, values where it takes values, the
    defaults the light path gives an option not given, and the arguments: as many as
    typer's, or for a list of them (move's ID... STAGE), at least as many as it needs."""
    commands = every_command()
    for name, entry in light.LIGHT_COMMANDS.items():
        command = commands[name]
        options = {}
        arguments = 0
        variadic = False
        for param in command.params:
            if param.param_type_name == "argument":
                variadic = variadic or param.nargs == -1
                arguments += max(param.nargs, 1) + (param.nargs == -1)
                continue
            for opt in param.opts:
                options[opt] = (light.FLAG if param.is_flag else light.TEXT, param)
            for opt in param.secondary_opts:
                options[opt] = (light.OFF, param)
        options.pop("--help", None)
        options.pop("-h", None)
        assert set(entry.options) == set(options), name
        for opt, (kind, parameter) in entry.options.items():
            typer_kind, param = options[opt]
            assert parameter == param.name, f"{name} {opt}"
            if kind == light.TYPER:
                continue
            assert (kind in (light.TEXT, light.COUNT, light.PLACE)) == (typer_kind == light.TEXT)
            if kind == light.PLACE:  # typer's range, which the light path reads as its own
                places = light._PLACES
                assert (param.type.min, param.type.max) == (places[0], places[-1]), opt
            assert kind != light.OFF or typer_kind == light.OFF, f"{name} {opt}"
            assert param.default == light._DEFAULTS[kind], f"{name} {opt}"
            assert not param.multiple, f"{name} {opt}"
        if variadic:
            assert entry.arguments >= arguments, name
        else:
            assert entry.arguments == arguments, name


def test_what_the_light_path_runs_is_what_the_typer_commands_run() -> None:
    """Each light command's function takes the typer command's parameters by the same
    names, so an option the table reads reaches the same code."""
    import importlib
    import inspect

    for name, entry in light.LIGHT_COMMANDS.items():
        module = importlib.import_module(f"dgtracker.cli.{entry.module}")
        accepted = inspect.signature(getattr(module, entry.run)).parameters
        for kind, parameter in entry.options.values():
            if kind != light.TYPER:
                assert parameter in accepted, f"{name} {parameter}"


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


# --- changes: add-candidate and move -------------------------------------------------

# Both paths with the CLI's clock fixed (every history entry records the moment) and a
# shared record's ids drawn in one order, so two runs of one change write the same bytes.
_CLOCK = (
    "import random, secrets, sys\n"
    "from datetime import UTC, datetime\n"
    "import dgtracker.cli.settings as settings\n"
    "settings.now_utc = lambda: datetime(2026, 2, 2, 9, 30, tzinfo=UTC)\n"
    "secrets.choice = random.Random(1).choice\n"
    "sys.argv = ['dgtracker', *sys.argv[1:]]\n"
)
LIGHT_AT_A_MOMENT = _CLOCK + "from dgtracker.__main__ import main\nmain()\n"
TYPER_AT_A_MOMENT = _CLOCK + "from dgtracker.cli.app import main\nmain()\n"

# The words after the global options: what the light path runs (with what the record
# refuses: a duplicate email, a missing reason, an unknown id or stage, a bad date) and
# what it hands over (a move of several, a --rank out of range, --dry-run, a name without
# quotes).
CHANGES = [
    ["add-candidate", "Edsger Dijkstra", "--email", "edsger@example.org", "--by", "ada"],
    ["add-candidate", "Barbara Liskov", "--json", "--source=advert", "--disability-confident"],
    ["add-candidate", "Ada Again", "--email", "ada@example.org"],
    ["add-candidate", "Ada Again", "--email=ada@example.org", "--allow-duplicate-email"],
    ["add-candidate", "Kay", "--stage", "rejected"],
    ["add-candidate", "--stage", "longlist", "Kay", "--note", "Referred", "--applied", "1/2/2026"],
    ["add-candidate", "Kay", "--applied", "someday"],
    ["add-candidate", "Kay", "--disability-confident", "--no-disability-confident", "--json"],
    ["add-candidate", "Alan", "Kay"],
    ["add-candidate", "Kay", "--phone"],
    ["move", "c002", "longlist", "--note", "Strong CV"],
    ["move", "--json", "c002", "shortlist", "--on", "1/2/2026", "--by=bob"],
    ["move", "c009", "longlist"],
    ["move", "c001", "nowhere"],
    ["move", "c003", "longlist"],
    ["move", "c003", "longlist", "--reinstate", "--note", "Appeal upheld"],
    ["move", "c002", "rejected"],
    ["move", "c002", "withdrawn", "--reason", "Took another post", "--on", "31/2/2026"],
    ["move", "c001", "c002", "shortlist"],
    ["move", "c001", "--rank", "2", "reserve"],
    ["move", "c002", "reserve", "--rank=1", "--note", "Reserve list"],
    ["move", "c002", "reserve", "--rank", "10001"],
    ["move", "c002", "longlist", "--rank", "3"],
    ["move", "c002", "longlist", "--dry-run"],
    ["move", "c002"],
]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file in the folder but git's own, by name."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def _git_log(folder: Path) -> str:
    if not (folder / ".git").exists():
        return ""
    done = subprocess.run(
        ["git", "log", "--format=%H %an <%ae> %s", "--name-status"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=folder, capture_output=True, text=True
    )
    return done.stdout + done.stderr + status.stdout


def _change_both_ways(
    pristine: Path, work: Path, args: list[str], env: dict[str, str]
) -> tuple[tuple, tuple]:
    """(exit code, stdout, stderr, the folder's files, its git history) for each path, each
    run on the same copy of `pristine` at `work` (so the paths any message names agree)."""
    full = {**os.environ, "COLUMNS": "100", **env}
    full.pop("PYTHONPROFILEIMPORTTIME", None)
    ran = []
    for script in (LIGHT_AT_A_MOMENT, TYPER_AT_A_MOMENT):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work, symlinks=True)
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            env=full,
            cwd=work.parent,
            timeout=120,
        )
        ran.append((done.returncode, done.stdout, done.stderr, _files(work), _git_log(work)))
    return ran[0], ran[1]


def _check_change(folder: Path, args: list[str], env: dict[str, str] | None = None) -> tuple:
    """What the light path did, having checked that the typer app did the same."""
    work = folder.parent / "changed"
    light_run, typer_run = _change_both_ways(folder, work, args, env or {})
    assert light_run[:3] == typer_run[:3], args
    assert light_run[3] == typer_run[3], args  # the record and its cache, byte for byte
    assert light_run[4] == typer_run[4], args  # a shared record's commits
    return light_run


def _change_ways(record: Path) -> list[tuple[list[str], dict[str, str]]]:
    """Ways of giving the global options for a change: (arguments, environment)."""
    return [
        (["--file", str(record), "--as-of", AS_OF], {}),
        ([f"--file={record}"], {"DGTRACKER_TODAY": AS_OF}),
        (["--as-of", AS_OF], {"DGTRACKER_FILE": str(record)}),
        (["-f", str(record), "--as-of", "2026-01-21"], {}),  # before the record's changes
        (["--file", str(record.parent / "missing.toml"), "--as-of", AS_OF], {}),
    ]


def test_both_paths_make_the_same_change(folder) -> None:
    """Every change the light path makes (the heavy group's test below runs the ones it
    hands over too), each with one of the ways of giving the global options."""
    ways = _change_ways(folder.parent / "changed" / "campaign.toml")
    made_here = [words for words in CHANGES if light.parse(words, {}) is not None]
    assert len(made_here) > len(CHANGES) / 2
    for index, words in enumerate(made_here):
        args, env = ways[index % len(ways)]
        _check_change(folder, [*args, *words], env)


@pytest.mark.heavy
def test_both_paths_make_every_change_alike(folder) -> None:
    ways = _change_ways(folder.parent / "changed" / "campaign.toml")
    for (args, env), words in itertools.product(ways[:2], CHANGES):
        _check_change(folder, [*args, *words], env)


def test_the_light_path_makes_the_plain_changes(folder) -> None:
    """The changes a user types most are made here, not handed over; a move of several,
    a place out of --rank's range, a --dry-run and anything unsure are the typer app's."""
    record = str(folder / "campaign.toml")
    runs = [
        ["-f", record, "add-candidate", "Ann", "--email", "ann@example.org", "--note", "CV"],
        ["add-candidate", "Ann", "--no-disability-confident", "--json", "--by=ada"],
        ["-f", record, "move", "c001", "preferred", "--note", "Moved"],
        ["move", "--reinstate", "c003", "longlist", "--on=1/2/2026", "--reason", "Appeal"],
        ["move", "c001", "reserve", "--rank", "1"],
        ["move", "c001", "reserve", "--rank=10000"],
    ]
    for args in runs:
        assert light.parse(args, {}) is not None, args
    handed_over = [
        ["move", "c001", "c002", "longlist"],
        ["move", "--from", "applied", "longlist"],
        ["move", "c001", "reserve", "--rank", "0"],
        ["move", "c001", "reserve", "--rank", "10001"],
        ["move", "c001", "reserve", "--rank", "+1"],
        ["move", "c001", "reserve", "--rank", "１"],
        ["move", "c001", "longlist", "--dry-run"],
        ["move", "c001", "longlist", "--yes"],
        ["move", "c001", "longlist", "--note", "-"],
        ["add-candidate", "Ann", "Lee"],
        ["add-candidate", "Ann", "--email"],
        ["add-candidate", "Ann", "--json=yes"],
        ["add-candidate", "--help"],
    ]
    for args in handed_over:
        assert light.parse(args, {}) is None, args


@pytest.fixture
def shared(folder, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder's record shared (a git repository, a commit per change), with the
    commits' identity and moment fixed, so two runs of one change make the same commit."""
    set_git_identity(monkeypatch, folder.parent / "home", "2026-02-02T09:30:00+00:00")
    result = subprocess.run(
        [installed_dgtracker(), "--file", str(folder / "campaign.toml"), "share"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return folder


def test_both_paths_commit_a_shared_records_change_alike(shared, monkeypatch) -> None:
    """A shared record's change is committed, with the same message, by either path; and
    without a git identity, committed alike under the identity dgtracker falls back to."""
    record = str(shared.parent / "changed" / "campaign.toml")
    changes = [
        ["add-candidate", "Edsger Dijkstra", "--email", "edsger@example.org"],
        ["add-candidate", "Kay", "--stage", "longlist", "--json"],
        ["move", "c002", "longlist", "--note", "Strong CV", "--by", "ada"],
        ["move", "c009", "longlist"],
    ]
    logs = [
        _check_change(shared, ["--file", record, "--as-of", AS_OF, *words])[4] for words in changes
    ]
    assert "Team Member <member@example.org> add-candidate c" in logs[0]
    assert "add-candidate longlist c" in logs[1]
    assert "move c002 longlist (by ada)" in logs[2]
    assert logs[3].count("@example.org>") == 1  # refused: the share's commit alone
    for what in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{what}_NAME")
        monkeypatch.delenv(f"GIT_{what}_EMAIL")
    monkeypatch.setenv("EMAIL", "")
    returncode, _, stderr, _, log = _check_change(
        shared, ["--file", record, "--as-of", AS_OF, *changes[2]]
    )
    assert returncode == 0, stderr
    latest = log.splitlines()[0]  # committed as the user, dgtracker's fallback identity
    assert latest.endswith(" move c002 longlist (by ada)") and "Team Member" not in latest


def test_both_paths_say_alike_that_the_record_is_locked(folder, monkeypatch) -> None:
    from dgtracker.record.locking import locked

    monkeypatch.setenv("DGTRACKER_LOCK_TIMEOUT", "0")
    work = folder.parent / "changed"
    record = work / "campaign.toml"
    args = ["--file", str(record), "--as-of", AS_OF, "move", "c002", "longlist"]
    ran = []
    for script in (LIGHT_AT_A_MOMENT, TYPER_AT_A_MOMENT):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(folder, work)
        with locked(record):
            done = subprocess.run(
                [sys.executable, "-c", script, *args], capture_output=True, timeout=120
            )
        ran.append((done.returncode, done.stdout, done.stderr, _files(work)))
    assert ran[0] == ran[1]
    assert ran[0][0] != 0 and b"lock" in ran[0][2].lower()


def test_a_number_longer_than_python_reads_is_left_to_typer(folder) -> None:
    """A --within or --rank of more digits than int() converts (4,300: a ValueError, once a
    traceback with exit 1 on the light path) is typer's to refuse, as any value it cannot
    read: both paths say alike that it is not a number they take (exit 2)."""
    long = "0" * 4_300 + "2"
    record = str(folder / "campaign.toml")
    lines = [
        ["-f", record, "--as-of", AS_OF, "remind", "--within", long],
        ["-f", record, "--as-of", AS_OF, "move", "c002", "reserve", f"--rank={long}"],
    ]
    for args in lines:
        assert light.parse(args, {}) is None, args[4:6]
        assert _check_change(folder, args)[0] == 2, args[4:6]
