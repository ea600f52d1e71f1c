"""Build the click command once per test session instead of once per CliRunner call.

typer's CliRunner rebuilds the whole command tree (reading every signature) on each
invoke, which costs more than most commands themselves; the tests that run hundreds of
commands reuse one tree. The behaviour is the same: CliRunner would build this tree.
"""

from __future__ import annotations

import functools

import pytest
import typer.main
import typer.testing
from typer._click import Command

from dgtracker.cli import app


@functools.cache
def _command() -> Command:
    return typer.main.get_command(app)


def reuse_one_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _command())
