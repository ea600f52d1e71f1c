"""The package as pip and a package index get it: built offline from a copy of the tree,
the source distribution first and the wheel from it (as `python -m build` does)."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from dgtracker.doc_pages import for_readers

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"readme": ROOT / "README.md", **{p.stem: p for p in sorted(ROOT.glob("docs/*.md"))}}


def _build(hook: str, source: Path, out: Path) -> Path:
    """One PEP 517 hook of setuptools, run in `source`; the file it made."""
    out.mkdir(exist_ok=True)
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from setuptools import build_meta; print(build_meta.{hook}({str(out)!r}))",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    return out / made


def _tree(tree: Path) -> Path:
    """What a checkout holds for building the package, copied to `tree`."""
    tree.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tree / name)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", tree / "src", ignore=skip)
    shutil.copytree(ROOT / "docs", tree / "docs")
    return tree


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("package")
    tree = _tree(work / "tree")
    sdist = _build("build_sdist", tree, work / "dist")
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    unpacked = next((work / "unpacked").iterdir())
    return sdist, _build("build_wheel", unpacked, work / "wheel")


def test_a_page_renamed_since_an_earlier_build_is_not_shipped(tmp_path) -> None:
    """pip builds in the source folder and reuses its build/: a page left there by an
    earlier build must not reach the package."""
    tree = _tree(tmp_path / "tree")
    stale = tree / "build" / "lib" / "dgtracker" / "docs" / "renamed-since.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# An old page\n", encoding="utf-8")
    wheel = _build("build_wheel", tree, tmp_path / "wheel")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("dgtracker/docs/")}
    assert shipped == {f"dgtracker/docs/{topic}.md" for topic in PAGES}


def test_the_wheel_carries_every_reference_page(built) -> None:
    sdist, wheel = built
    with tarfile.open(sdist) as archive:
        in_sdist = {
            Path(name).relative_to(Path(name).parts[0]).as_posix()
            for name in archive.getnames()[1:]
        }
    assert {"README.md", "setup.py", "MANIFEST.in", "LICENSE"} | {
        f"docs/{path.name}" for path in PAGES.values() if path.parent.name == "docs"
    } <= in_sdist
    with zipfile.ZipFile(wheel) as archive:
        for topic, page in PAGES.items():
            assert archive.read(f"dgtracker/docs/{topic}.md") == page.read_bytes(), topic


def test_the_wheel_carries_the_bundled_letter_templates(built) -> None:
    """`mail` reads them as package data (importlib.resources), as the report's template."""
    _, wheel = built
    bundled = sorted((ROOT / "src/dgtracker/exchange/letter_templates").glob("*.md"))
    assert {path.stem for path in bundled} >= {"invite", "regret", "reserve", "withdrawn"}
    with zipfile.ZipFile(wheel) as archive:
        for path in bundled:
            name = f"dgtracker/exchange/letter_templates/{path.name}"
            assert archive.read(name) == path.read_bytes(), name


def test_the_package_index_description_has_no_link_that_breaks_there(built) -> None:
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_string(archive.read(name).decode("utf-8"))
    description = metadata.get_payload()
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert (
        description.strip() == for_readers(PAGES["readme"].read_text("utf-8"), "README.md").strip()
    )
    assert "](" not in description  # no link and no image: each page is `dgtracker docs TOPIC`
    assert "`dgtracker docs team`" in description
    assert metadata["License-Expression"] == "MIT"
    assert "Environment :: Console" in metadata.get_all("Classifier")


def test_the_installed_wheel_prints_its_own_pages(built, tmp_path) -> None:
    """The wheel, unpacked as pip installs it, reads the pages it carries, not a checkout's."""
    _, wheel = built
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dgtracker import doc_pages; print(doc_pages.page_files()['team'])",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where) == installed / "dgtracker" / "docs" / "team.md"
    shown = subprocess.run(
        [sys.executable, "-m", "dgtracker", "docs", "team"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert shown == for_readers(PAGES["team"].read_text("utf-8"), "docs/team.md")
