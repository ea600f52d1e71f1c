"""The README and CI agree, and every command is documented and has help text."""

import re
from pathlib import Path

import pytest
from tests.conftest import in_process

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
    page = DOCS[ROOT / "docs" / "development.md"]
    return page.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]


def test_the_layout_in_the_development_page_matches_the_tree() -> None:
    package = ROOT / "src" / "dgtracker"
    modules = {
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }
    listed = re.findall(r"^- `([\w/]+\.py)` — ", _layout_section(), re.M)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert set(listed) == modules, (
        f"missing from docs/development.md: {sorted(modules - set(listed))}; "
        f"no longer in the tree: {sorted(set(listed) - modules)}"
    )


@pytest.mark.hypothesis
def test_the_property_profile_asked_for_is_the_one_in_force(pytestconfig) -> None:
    """CI's deep run (`-m hypothesis --hypothesis-profile=deep`) must try the deep profile's
    examples; the quick one holds when none is asked for."""
    from hypothesis import settings

    chosen = pytestconfig.getoption("--hypothesis-profile") or "quick"
    assert settings.default.max_examples == settings.get_profile(chosen).max_examples


# --- the pages in the installed tool: `dgtracker docs` ----------------------------------

TOPICS = {"readme": ROOT / "README.md", **{path.stem: path for path in DOCS}}


def test_docs_lists_every_page_with_its_title() -> None:
    done = in_process("docs")
    assert done.returncode == 0, done.stderr
    listed = dict(line.split(None, 1) for line in done.stdout.splitlines()[:-1])
    assert set(listed) == set(TOPICS)
    assert listed["team"] == "Working as a team, and several campaigns"
    assert listed["readme"] == "What dgtracker is: Quick start, everyday use (the README)"
    assert done.stdout.splitlines()[-1] == "Read one with: dgtracker docs TOPIC"


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_each_page_prints_whole_with_links_that_work_outside_the_repository(topic: str) -> None:
    """Piped, a page is its Markdown as written, but a link to another page names the
    command that prints it, and nothing points at a path a reader outside the repository
    does not have. (In-process: its output is no terminal either.)"""
    done = in_process("docs", topic)
    assert done.returncode == 0, done.stderr
    written = TOPICS[topic].read_text(encoding="utf-8")
    printed = done.stdout
    assert printed.splitlines()[0] == written.splitlines()[0]
    prose = re.sub(r"(?ms)^```.*?^```$", "", printed)
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        assert re.match(r"^https?://", target), f"docs {topic}: a link to {target} is left"
    for named in re.findall(r"`dgtracker docs ([a-z-]+)`", printed):
        assert named in TOPICS, f"docs {topic} names a page that does not exist: {named}"
    # Each link to another page became the command for it; every other word is as written.
    linked = {
        Path(target.partition("#")[0]).stem.lower()
        for target in re.findall(r"\]\(((?:\.\./|docs/)?[\w-]+\.md)[#)]", written)
    } - {topic}
    assert {f"`dgtracker docs {page}`" for page in linked} <= set(
        re.findall(r"`dgtracker docs [a-z-]+`", printed)
    )
    # Every line without a link is printed as written, in its place (blank lines aside).
    plain = [line for line in written.splitlines() if line.strip() and "](" not in line]
    assert [line for line in printed.splitlines() if line in set(plain)] == plain


def test_the_readme_in_the_tool_sends_readers_to_its_pages() -> None:
    from dgtracker.doc_pages import for_readers

    shown = for_readers(README, "README.md")
    assert "| calendars, spreadsheets and imports | `dgtracker docs exchange` |" in shown
    # Words around a link keep their place; a link already in brackets is not bracketed twice.
    assert "that day (details: `dgtracker docs correcting-mistakes`)." in shown
    assert "Details: `dgtracker docs report`." in shown
    assert "(`--dir PATH`" not in shown and "([Several campaigns]" not in shown
    assert "(Several campaigns)" in shown
    assert "docs/report.png" not in shown  # an image a package index could not show
    assert "```sh\n" + _quick_start_commands()[0] + "\n```" in shown  # code is untouched


def test_an_unknown_page_is_a_usage_error_that_suggests_one() -> None:
    done = in_process("docs", "tema")
    assert done.returncode == 2
    assert "there is no page 'tema'. Did you mean 'team'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_page_on_a_terminal_is_rendered_and_safe(tmp_path) -> None:
    from tests.terminal import on_terminal

    code, received = on_terminal("docs", "json")
    assert code == 0
    text = re.sub(rb"\x1b\[[0-9;]*m", b"", received).decode("utf-8")
    assert "The JSON contract" in text
    assert "# The JSON contract" not in text  # a heading, not Markdown source
    assert "```" not in text
    assert not re.search(rb"\x1b\]", received)  # no hyperlinks (OSC 8) to paths


def test_a_link_to_a_file_that_is_not_a_page_keeps_its_path() -> None:
    from dgtracker.doc_pages import for_readers

    shown = for_readers(DOCS[ROOT / "docs" / "performance.md"], "docs/performance.md")
    assert "`benchmarks/results.md` has the latest table" in shown
    inline = for_readers(
        "See [the script](report-screenshot.sh) and ![a](x.png) here.\n", "docs/a.md"
    )
    assert inline == "See the script (`docs/report-screenshot.sh`) and  here.\n"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_dry_run_can_answer_in_json(name: str) -> None:
    options = {opt for param in COMMANDS[name].params for opt in getattr(param, "opts", ())}
    if "--dry-run" in options:
        assert "--json" in options, f"{name} has --dry-run but no --json"


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "src" / "dgtracker").rglob("*.py"))
    read = set(re.findall(r"[\"'](DGTRACKER_[A-Z_]+)[\"']", source)) | {"NO_COLOR", "COLUMNS"}
    table = DOCS[ROOT / "docs" / "commands.md"].split("| environment variable |", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.M))
    assert read <= documented, f"not in docs/commands.md: {sorted(read - documented)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_usage_lines_name_arguments_in_capitals(name: str) -> None:
    from typer.testing import CliRunner

    from dgtracker.cli.app import app

    usage = CliRunner().invoke(app, [*name.split(), "--help"]).stdout.splitlines()[0]
    arguments = usage.split("[OPTIONS]", 1)[1].split()
    for argument in arguments:
        assert re.fullmatch(r"\[?[A-Z][A-Z=_]*(\.\.\.)?\]?", argument), f"{name}: {usage}"


def test_code_and_web_addresses_are_left_as_written() -> None:
    from dgtracker.doc_pages import for_readers

    kept = (
        "Write `[x](team.md)` for a link; see [the spec](HTTPS://toml.io/en/v1.0.0).\n"
        "~~~\n[a](team.md)\n~~~\n"
        "  ````md\n  ```\n[b](team.md)\n  ```\n  ````\n"
    )
    assert for_readers(kept, "docs/a.md") == kept
    assert for_readers("[team](team.md)\n", "docs/a.md") == "team (`dgtracker docs team`)\n"


def test_a_page_piped_is_utf_8_whatever_the_code_page(run) -> None:
    done = run("docs", "readme", env={"PYTHONIOENCODING": "cp1252"})
    assert done.returncode == 0
    assert "£285,000" in done.stdout and "\\xa3" not in done.stdout
