"""One file for a locked-down machine: the recipe in docs/windows.md, built offline in a temp
folder, runs `status`, `docs` and `report` under an interpreter that has none of dgtracker's
dependencies installed.

The packages come from this test environment (copied as pip installed them), not from an
index: the build is offline. The wheel of dgtracker itself is built from a copy of the tree,
as tests/test_packaging.py builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from tests.conftest import AS_OF
from tests.test_packaging import ROOT, _build, _tree

# The recipe's last step, as docs/windows.md gives it.
SHIV = ("--site-packages", "site", "-c", "dgtracker", "-o", "dgtracker.pyz", "--reproducible")


def _copy_installed(name: str, site: Path, done: set[str]) -> None:
    """A distribution as pip installed it here, and what it needs on this system."""
    dist = metadata.distribution(name)
    key = dist.metadata["Name"].lower()
    if key in done:
        return
    done.add(key)
    for file in dist.files or []:
        source = Path(str(dist.locate_file(file)))
        if ".." in file.parts or "__pycache__" in file.parts or not source.is_file():
            continue
        target = site / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for line in dist.requires or []:
        needed = Requirement(line)
        if needed.marker is None or needed.marker.evaluate({"extra": ""}):
            _copy_installed(needed.name, site, done)


def _site(work: Path) -> Path:
    """What `pip install --target site .` makes, offline: dgtracker's wheel and its
    dependencies (those this environment has installed)."""
    wheel = _build("build_wheel", _tree(work / "tree"), work / "wheel")
    site = work / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    done = {"dgtracker"}
    for line in metadata.requires("dgtracker") or []:
        needed = Requirement(line)
        if needed.marker is None or needed.marker.evaluate({"extra": ""}):
            _copy_installed(needed.name, site, done)
    return site


def _bare_python() -> str:
    """The interpreter this venv was made from: none of dgtracker's dependencies in it."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in ("bin", "Scripts"):
        for name in (version, "python3", "python.exe"):
            found = Path(sys.base_prefix) / folder / name
            if found.is_file():
                return str(found)
    pytest.skip("the base interpreter of this venv was not found")


def _run(python: str, pyz: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DGTRACKER_"))}
    env["SHIV_ROOT"] = str(cwd / "shiv-cache")  # where shiv unpacks it on first run
    return subprocess.run(
        [python, "-I", str(pyz), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory.mktemp("single-file"))


def test_the_recipe_is_the_one_documented() -> None:
    page = (ROOT / "docs" / "windows.md").read_text(encoding="utf-8")
    assert f"shiv {' '.join(SHIV)}" in page


@pytest.mark.heavy
def test_one_file_runs_status_docs_and_report(site: Path, tmp_path: Path) -> None:
    python = _bare_python()
    probe = subprocess.run([python, "-I", "-c", "import typer"], capture_output=True, check=False)
    assert probe.returncode != 0  # the interpreter has no dependency of its own to lend
    shiv = shutil.which("shiv", path=str(Path(sys.executable).parent))
    assert shiv, "shiv is in the test extra"
    built = subprocess.run(
        [shiv, *SHIV], cwd=site.parent, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    pyz = site.parent / "dgtracker.pyz"
    desk = tmp_path / "desk"
    desk.mkdir()
    record = ("--file", "campaign.toml", "--as-of", AS_OF)

    assert _run(python, pyz, *record, "init", cwd=desk).returncode == 0
    status = _run(python, pyz, *record, "status", cwd=desk)
    assert status.returncode == 0, status.stderr
    assert "Director General for Technology, Digital and Data" in status.stdout
    team = _run(python, pyz, "docs", "team", cwd=desk)
    assert team.returncode == 0, team.stderr
    assert team.stdout.startswith("# Working as a team")
    report = _run(python, pyz, *record, "report", "-o", "report.html", cwd=desk)
    assert report.returncode == 0, report.stderr
    assert "<svg" in (desk / "report.html").read_text(encoding="utf-8")
    # The crontab line and the task run this very file, with this Python.
    cron = _run(python, pyz, *record, "cron", cwd=desk)
    assert cron.returncode == 0, cron.stderr
    assert f" {python} {pyz} --file {desk / 'campaign.toml'} remind" in cron.stdout


@pytest.mark.heavy
def test_a_plain_zipapp_reads_its_pages_from_the_zip(site: Path, tmp_path: Path) -> None:
    """`python -m zipapp` alone cannot run a command that reads a record (the compiled
    TOML reader cannot load from a zip), but the pages are read through
    importlib.resources, so `docs` works from inside the zip."""
    pyz = tmp_path / "plain.pyz"
    subprocess.run(
        [sys.executable, "-m", "zipapp", str(site), "-m", "dgtracker.__main__:main", "-o", pyz],
        check=True,
    )
    listed = _run(_bare_python(), pyz, "docs", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "team" in listed.stdout and "Working as a team" in listed.stdout
