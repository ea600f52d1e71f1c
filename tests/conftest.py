"""Every test drives the real CLI against a record in a temp folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from dgtracker.cli.app import app

AS_OF = "2026-02-02"  # a Monday, a week before the DHSC campaign closes

# Property tests: a quick default for every run; `--hypothesis-profile=deep` tries a
# hundred times as many examples (CI runs both; see .ci/run). The merge's property test asks
# for more in the quick run (`at_least`): its examples are what kill the merge's mutants.
_PROPERTIES = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("quick", max_examples=20, **_PROPERTIES)
settings.register_profile("deep", max_examples=2000, **_PROPERTIES)


def at_least(examples: int) -> settings:
    """The profile in force, trying at least `examples` (the deep profile tries more)."""
    return settings(max_examples=max(examples, settings.default.max_examples))


def pytest_configure(config: pytest.Config) -> None:
    # Chosen here, not when this file is imported: run with no path, pytest imports it
    # after the hypothesis plugin has loaded --hypothesis-profile, and a load at import
    # would put the quick profile back (CI's deep run then tried 50 examples, not 2,000).
    settings.load_profile(config.getoption("--hypothesis-profile") or "quick")
    if not hasattr(config, "workerinput"):  # once, before any worker starts
        compile_the_package()


def compile_the_package() -> None:
    """Give the source its bytecode once, as pip does when it installs a wheel. Under
    PYTHONDONTWRITEBYTECODE (set on some machines, CI's among them) an editable install
    never gets any, and every dgtracker process a test starts compiled each module it
    imports again: about 140 ms a process, half the CPU of the tests that run the
    installed script."""
    import compileall

    import dgtracker

    compileall.compile_dir(Path(dgtracker.__file__).parent, quiet=1)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's record, date, terminal width or colour settings."""
    for name in (
        "DGTRACKER_FILE",
        "DGTRACKER_TODAY",
        "NO_COLOR",
        "FORCE_COLOR",
        "DGTRACKER_LOCK_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def record_path(tmp_path: Path) -> Path:
    return tmp_path / "campaign.toml"


class Cli:
    """Runs dgtracker in-process through typer's CliRunner, with a fixed file and date."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runner = CliRunner()

    def __call__(self, *args: str, as_of: str | None = AS_OF, input: str | None = None):
        prefix = ["--file", str(self.path)]
        if as_of:
            prefix += ["--as-of", as_of]
        return self.runner.invoke(app, [*prefix, *args], input=input)

    def ok(self, *args: str, as_of: str | None = AS_OF) -> str:
        result = self(*args, as_of=as_of)
        assert result.exit_code == 0, (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result.stdout

    def data(self) -> dict:
        return tomllib.loads(self.path.read_text(encoding="utf-8"))

    def candidate(self, cid: str) -> dict:
        return next(c for c in self.data()["candidates"] if c["id"] == cid)


@pytest.fixture
def cli(record_path: Path) -> Cli:
    """A CLI with a fresh DHSC record."""
    runner = Cli(record_path)
    runner.ok("init")
    return runner


@pytest.fixture
def bare_cli(record_path: Path) -> Cli:
    """A CLI whose record does not exist yet."""
    return Cli(record_path)


def installed_dgtracker() -> str:
    """The console script installed beside this interpreter (the venv's bin folder)."""
    folder = Path(sys.executable).parent
    for name in ("dgtracker", "dgtracker.exe"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which("dgtracker")
    assert found, "dgtracker is not installed in this environment"
    return found


@pytest.fixture
def run() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed dgtracker as a separate process."""

    def _run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 60, **kwargs
    ) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.run(
            [installed_dgtracker(), *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            encoding="utf-8",
            **kwargs,
        )

    return _run


def in_process(
    *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line `run` would start as a process, run in this one through the typer
    app instead (about 5 ms against 130): for a test's set-up, and for steps whose checked
    outcome is the record, stdout, stderr or the exit code. It sees this test's environment
    (clean_environment, plus `env`) and working folder, as `run`'s process would. A failure
    dgtracker does not turn into an exit code (what `main` would report as exit 3 or 70) is
    raised, never returned as an exit code."""
    result = CliRunner().invoke(app, list(args), input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)
