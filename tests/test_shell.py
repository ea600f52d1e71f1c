"""Shell conventions: help for every option with an example, no arguments, -V, completion
for each shell, a closed pipe, and --json where a script would want it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import AS_OF, installed_dgtracker

from dgtracker.cli.app import COMMAND_MODULES, every_command, topic_commands


def _commands() -> dict[str, object]:
    found: dict[str, object] = {}
    for name, command in every_command().items():
        for sub_name, sub in (getattr(command, "commands", None) or {name: command}).items():
            found[name if sub_name == name else f"{name} {sub_name}"] = sub
    return found


COMMANDS = _commands()


def test_the_command_table_names_what_each_topic_module_holds() -> None:
    # cli/app.py loads a command's module by this table: a command missing from it would
    # never run, one named in the wrong module never found.
    folder = Path(__file__).resolve().parent.parent / "src" / "dgtracker" / "cli"
    shared = {"__init__", "app", "context", "settings", "ending", "light", "reads", "writes"}
    shared |= {"quick_completion", "completion_table", "help_table"}
    topics = {p.stem for p in folder.glob("*.py")} - shared
    assert set(COMMAND_MODULES.values()) == topics
    for topic in topics:
        held = set(topic_commands(topic))
        assert held == {n for n, t in COMMAND_MODULES.items() if t == topic}, topic


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_and_the_command_an_example(name: str) -> None:
    command = COMMANDS[name]
    for param in command.params:  # type: ignore[attr-defined]
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts[0]} has no help text"
    epilog = getattr(command, "epilog", None) or ""
    assert "Example:" in epilog and f" {name} " in f"{epilog} ", f"{name} has no example"


@pytest.mark.parametrize("name", ["move", "show", "milestone done", "export-subject"])
def test_usage_names_arguments_plainly(run, name: str) -> None:
    done = run(*name.split(), "--help")
    usage = done.stdout.splitlines()[0]
    assert "{" not in usage and "ID" in usage, usage


def test_no_arguments_prints_the_help_and_exits_0(run) -> None:
    done = run()
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: dgtracker [OPTIONS] COMMAND")
    assert "add-candidate" in done.stdout and done.stderr == ""


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_short_and_long_version(run, flag: str) -> None:
    from dgtracker import __version__

    assert run(flag).stdout == f"dgtracker {__version__}\n"


def test_an_empty_as_of_is_refused_not_taken_as_today(run, tmp_path) -> None:
    done = run("--file", str(tmp_path / "c.toml"), "--as-of", "", "status")
    assert done.returncode == 1 and "--as-of" in done.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_script_for_each_shell(run, shell: str) -> None:
    done = run("completion", shell)
    assert done.returncode == 0
    assert "_DGTRACKER_COMPLETE" in done.stdout and "dgtracker" in done.stdout


def _completions(env: dict[str, str]) -> str:
    full = {**os.environ, **env}
    return subprocess.run(
        [installed_dgtracker()], env=full, capture_output=True, text=True, timeout=60
    ).stdout


@pytest.mark.parametrize(
    ("shell", "env", "expected"),
    [
        ("zsh", {"_TYPER_COMPLETE_ARGS": "dgtracker mo"}, '"move":"Move'),
        (
            "fish",
            {"_TYPER_COMPLETE_ARGS": "dgtracker mo", "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
            "move\tMove",
        ),
        (
            "powershell",
            {"_TYPER_COMPLETE_ARGS": "dgtracker mo", "_TYPER_COMPLETE_WORD_TO_COMPLETE": "mo"},
            "move:::Move",
        ),
    ],
)
def test_each_shell_gets_its_completions(shell: str, env: dict[str, str], expected: str) -> None:
    """What each shell's script asks of dgtracker, answered in that shell's format."""
    assert expected in _completions({"_DGTRACKER_COMPLETE": f"complete_{shell}", **env})


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_and_options_through_its_script() -> None:
    """The script as bash runs it: sourced, then called the way `complete -F` calls it."""
    folder = os.path.dirname(installed_dgtracker())
    script = (
        'eval "$(dgtracker completion bash)"\n'
        "COMP_WORDS=(dgtracker move --re); COMP_CWORD=2\n"
        '_dgtracker_completion dgtracker; echo "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["--reason", "--reinstate"]


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed; .ci/run installs it (apt-get install -y {name})")
    pytest.skip(f"{name} is not installed")


def _on_path() -> dict[str, str]:
    folder = os.path.dirname(installed_dgtracker())
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_fish_completes_through_its_script(run, tmp_path) -> None:
    """fish loads the script and completes a command line with it (`complete -C`), as it
    does at the prompt."""
    script = tmp_path / "dgtracker.fish"
    script.write_text(run("completion", "fish").stdout, "utf-8")
    typed = "complete -C 'dgtracker move --re'; echo; complete -C 'dgtracker docs te'"
    done = subprocess.run(
        [_shell("fish"), "--no-config", "-c", f"source {script}; {typed}"],
        env=_on_path(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    options, topics = done.stdout.split("\n\n", 1)
    assert [line.split("\t")[0] for line in options.splitlines()] == ["--reason", "--reinstate"]
    assert topics.split() == ["team"]


def test_zsh_loads_its_script_and_completes_through_it() -> None:
    """zsh sources the script under compinit, which registers it for dgtracker; its function
    then asks dgtracker and hands the answer to zsh's _arguments (here printed, as only a
    completion widget at a prompt can show it)."""
    script = (
        "autoload -U compinit && compinit -u -D\n"  # -D: no dump file in HOME
        'eval "$(dgtracker completion zsh)"\n'
        "print -r -- registered=${_comps[dgtracker]}\n"
        '_arguments() { print -r -- "$@" }\n'
        "words=(dgtracker move --re); CURRENT=3; _dgtracker_completion\n"
    )
    done = subprocess.run(
        [_shell("zsh"), "-f", "-c", script],
        env=_on_path(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.splitlines()[0] == "registered=_dgtracker_completion", done.stderr
    spec = done.stdout.splitlines()[1]
    assert '"--reason":"Why' in spec and '"--reinstate":"Confirm' in spec


def _big_record(run, path) -> None:
    run("--file", str(path), "init")
    rows = "\n".join(f"Person {n},p{n}@example.org" for n in range(3000))
    (path.parent / "many.csv").write_text(f"name,email\n{rows}\n", encoding="utf-8")
    assert run("--file", str(path), "--as-of", AS_OF, "import", str(path.parent / "many.csv"))


@pytest.mark.skipif(os.name != "posix", reason="SIGPIPE is POSIX")
def test_a_closed_pipe_ends_quietly(run, tmp_path) -> None:
    """`dgtracker candidates | head -1`: the reader leaves early; no message, and exit 141
    (what a shell reports for a program stopped by a closed pipe) or 0 when the system
    took the whole output before the reader left."""
    path = tmp_path / "c.toml"
    _big_record(run, path)
    reader = subprocess.Popen(
        [installed_dgtracker(), "--file", str(path), "--as-of", AS_OF, "candidates"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()  # as `head -1` does once it has its line
    assert reader.wait(timeout=60) in (0, 141)
    assert reader.stderr.read() == b""


def test_check_json(cli) -> None:
    good = json.loads(cli.ok("check", "--json"))
    assert good["valid"] is True and good["problems"] == [] and good["stages"] == 11
    cli.path.write_text(cli.path.read_text().replace("schema = 1", "schema = 9"))
    bad = cli("check", "--json")
    assert bad.exit_code == 3
    shown = json.loads(bad.stdout)
    assert shown["valid"] is False and "version 9 is not supported" in shown["problems"][0]


def test_purge_dry_run_json_names_ids_and_fields_only(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    plan = json.loads(cli.ok("purge", "--dry-run", "--candidate", "c001", "--json"))
    assert plan["dry_run"] is True
    assert plan["files"] == [
        {
            "path": str(cli.path),
            "candidates": [{"id": "c001", "fields": ["name", "email"]}],
            "mentions": [],
            "conflicts_dropped": [],
        }
    ]
    assert plan["leftovers_removed"] == 0
    assert "Ada" not in json.dumps(plan) and cli.candidate("c001")["name"] == "Ada Lovelace"


@pytest.mark.parametrize("group", ["milestone", "criteria", "panel", "export"])
def test_every_group_of_commands_has_an_example(group: str) -> None:
    epilog = getattr(every_command()[group], "epilog", None) or ""
    assert "Example:" in epilog and f"dgtracker {group} " in epilog
