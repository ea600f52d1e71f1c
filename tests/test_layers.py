"""Imports run one way, down the layers docs/development.md lists: each subpackage
imports only those below it (in functions and under TYPE_CHECKING too), the modules at
the top of the package import only each other, and only cli/ imports the CLI framework.

A module left at the top that imports a subpackage fails here: place it in a layer."""

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "dgtracker"
MAY_IMPORT = {
    "cli": ["app", "out", "report", "exchange", "panel", "process", "team", "record"],
    "app": ["out", "report", "exchange", "panel", "process", "team", "record"],
    "out": ["report", "exchange", "panel", "process", "team", "record"],
    "report": ["exchange", "panel", "process", "record"],
    "exchange": ["panel", "process", "record"],
    "panel": ["process", "record"],
    "process": ["record"],
    "team": ["record"],
    "record": [],
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _layer(module: str) -> str:
    """The subpackage a module is in, or "" for the modules at the top of the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else ""


def _imported(path: Path) -> set[str]:
    """Every dgtracker module or package a file imports, wherever the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("dgtracker")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "dgtracker":
                found |= {f"dgtracker.{alias.name}" for alias in node.names}
            elif node.module.startswith("dgtracker."):
                found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_the_layers_below_it(path: Path) -> None:
    module = "dgtracker." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    own = _layer(module)
    allowed = {own, ""} | set(MAY_IMPORT.get(own, []))
    if module == "dgtracker.__main__":
        allowed.add("cli")
    upward = sorted(name for name in _imported(path) if _layer(name) not in allowed)
    assert not upward, f"{module} imports {upward}: a layer above it, or beside it"


def test_only_the_command_line_imports_the_cli_framework() -> None:
    leaks = []
    for path in MODULES:
        if path.relative_to(PACKAGE).parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            leaks += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("typer", "click")]
    assert not leaks


def test_commands_print_through_the_one_writer() -> None:
    """What a command prints goes through out/terminal.py (lines, text, tables' console) and
    out/plain.py (JSON): no module of cli/ writes to a stream itself, except the last words
    when a command fails (cli/app.py, cli/ending.py: the writer itself may be what broke)."""
    writes = []
    for path in MODULES:
        if path.relative_to(PACKAGE).parts[0] != "cli" or path.name in ("app.py", "ending.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("typer.echo", "click.echo", "print") or called.startswith(
                    ("sys.stdout.write", "sys.stderr.write", "sys.stdout.buffer")
                ):
                    writes.append(f"{path.name}:{node.lineno}: {called}")
    assert not writes


# A layer's rank for the walk below: higher layers call lower ones. team/ and record/ share
# the bottom; panel/ and process/ share a rank (the panel's rules sit on the process's).
RANK = {"cli": 7, "app": 6, "out": 5, "report": 5, "exchange": 4, "panel": 3, "process": 3}
RANK |= {"team": 2, "record": 2}


def _rank(module: str) -> int | None:
    """A module's layer rank; None for the foundation modules at the top and a package's
    face, which sit beside every layer."""
    parts = module.split(".")
    return RANK[parts[1]] if len(parts) > 2 and parts[1] in RANK else None


def test_a_move_climbs_back_up_the_layers_at_most_once(tmp_path, monkeypatch) -> None:
    """`move c001 shortlist` from argv to the bytes on disk: the modules it calls, in the
    order each is first entered (code run while one of them is imported left out), climb
    from a lower layer to a higher one at most once: the load → change → save shape itself,
    where control comes back up from the loaded record to the rule that changes it.
    docs/architecture.md tells this walk."""
    import sys

    from typer.testing import CliRunner

    from dgtracker.cli.app import app

    record = tmp_path / "campaign.toml"
    runner = CliRunner()
    for words in (["init"], ["add-candidate", "Ada Lovelace"]):
        assert runner.invoke(app, ["--file", str(record), *words]).exit_code == 0
    entered: list[str] = []

    def note(frame, event, _arg) -> None:  # type: ignore[no-untyped-def]
        name = frame.f_globals.get("__name__", "")
        if event != "call" or not name.startswith("dgtracker."):
            return
        caller = frame
        while caller is not None:  # code a module of ours runs as it is imported is no step
            module = caller.f_globals.get("__name__", "")
            if caller.f_code.co_name == "<module>" and module.startswith("dgtracker"):
                return
            caller = caller.f_back
        entered.append(name)

    sys.setprofile(note)
    try:
        done = runner.invoke(app, ["--file", str(record), "move", "c001", "shortlist"])
    finally:
        sys.setprofile(None)
    assert done.exit_code == 0, done.output
    if "dgtracker.out.terminal" in entered:  # the walk ends where the words are printed,
        entered = entered[: entered.index("dgtracker.out.terminal")]  # the bytes on disk
    ranked = [(m, _rank(m)) for m in dict.fromkeys(entered) if _rank(m) is not None]
    climbs = [(a, b) for (a, ra), (b, rb) in itertools.pairwise(ranked) if rb > ra]
    assert "dgtracker.record.storage" in dict(ranked)  # the walk reached the disk
    assert len(climbs) <= 1, climbs
