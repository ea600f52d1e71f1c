"""The README and CI agree, and every command is documented and has help text."""

import re
from pathlib import Path

import pytest

from dgtracker.cli.app import every_command

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
PAGES = {ROOT / "README.md": README, **DOCS, ROOT / "benchmarks" / "README.md": None}


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("dgtracker status")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_commands()[1] in ci.splitlines()


def _all_commands() -> dict[str, object]:
    found = {}
    for name, command in every_command().items():
        sub = getattr(command, "commands", None)
        if sub:
            for sub_name, sub_command in sub.items():
                found[f"{name} {sub_name}"] = sub_command
        else:
            found[name] = command
    return found


COMMANDS = _all_commands()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_and_is_documented(name: str) -> None:
    assert getattr(COMMANDS[name], "help", None), f"{name} has no help text"
    assert f"`{name}" in DOCS[ROOT / "docs" / "commands.md"], f"{name} is not in docs/commands.md"
    assert f"`{name}" in README or any(f"`{name}" in text for text in DOCS.values())


def test_every_docs_page_is_linked_from_the_readme() -> None:
    for path in DOCS:
        assert f"](docs/{path.name}" in README, f"the README does not link to docs/{path.name}"


def _anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule)."""
    heading = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


@pytest.mark.parametrize("page", sorted(PAGES), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_in_the_docs_leads_somewhere(page: Path) -> None:
    """Relative links name a file that exists and, after #, a heading it has."""
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        assert linked.exists(), f"{page.name}: {target} names no file"
        if anchor and linked.suffix == ".md":
            headings = re.findall(r"(?m)^#+ (.*)$", linked.read_text(encoding="utf-8"))
            assert anchor in {_anchor(h) for h in headings}, f"{page.name}: no heading #{anchor}"


def _layout_section() -> str:
    return README.split("### How the code is laid out", 1)[1].split("\n## ", 1)[0]


def test_the_layout_in_the_readme_matches_the_tree() -> None:
    package = ROOT / "src" / "dgtracker"
    modules = {
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }
    listed = re.findall(r"^- `([\w/]+\.py)` — ", _layout_section(), re.M)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert set(listed) == modules, (
        f"missing from the README: {sorted(modules - set(listed))}; "
        f"no longer in the tree: {sorted(set(listed) - modules)}"
    )


@pytest.mark.hypothesis
def test_the_property_profile_asked_for_is_the_one_in_force(pytestconfig) -> None:
    """CI's deep run (`-m hypothesis --hypothesis-profile=deep`) must try the deep profile's
    examples; the quick one holds when none is asked for."""
    from hypothesis import settings

    chosen = pytestconfig.getoption("--hypothesis-profile") or "quick"
    assert settings.default.max_examples == settings.get_profile(chosen).max_examples
