"""`status` on a pipe is laid out without rich (out/status.py, out/table_layout.py): its
bytes are rich's, byte for byte, for every text and width the plain layout takes, at
rich's floor (.ci/lowest.txt) as at its newest; anything else is printed by rich.

The tables are compared with rich's own Table drawn from the same TableView (any cell
texts, counts and widths, narrow ones and long words included), the whole dashboard with
rich's render_status over records with any titles, and the installed command with
TTY_COMPATIBLE=0 (which tells rich stdout is not a terminal and keeps the plain layout
out of it: the same command line then prints through rich).
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from tests.conftest import AS_OF, at_least
from tests.test_startup_budget import imported_modules, loaded

from dgtracker.out import table_layout
from dgtracker.out.status import status_text
from dgtracker.out.status_view import MARKS, Cell, TableColumn, TableView, pipeline_table
from dgtracker.out.tables import _rich_table, render_status
from dgtracker.process.new_records import dhsc_campaign
from dgtracker.record import storage
from dgtracker.record.model import StageKind

TODAY = date.fromisoformat(AS_OF)

# Letters the plain layout takes (ASCII, markup's brackets, Latin-1, the dashes and
# currency of dates and salaries) and some it leaves to rich (wide CJK and emoji, a
# combining accent, a no-break space).
LETTERS = list("Ada Lovelace  [b]x[/b] -'./:0123456789éü·£–—€") + list("李😀\u0301\xa0")
texts = st.text(alphabet=st.sampled_from(LETTERS), max_size=50)
long_words = st.integers(1, 90).map(lambda n: "W" * n)
cell_texts = st.one_of(texts, long_words, st.sampled_from(["", " ", "tbc", "  lead", "end  "]))
counts = st.integers(0, 10**7).map(str)
widths = st.one_of(st.integers(1, 30), st.integers(30, 200))


def _console(width: int) -> Console:
    """rich's console as out/console.py makes it, writing to a string, not a terminal."""
    return Console(file=io.StringIO(), width=width, highlight=False, emoji=False, soft_wrap=False)


def _printed(width: int, *renderables: object) -> str:
    console = _console(width)
    for renderable in renderables:
        console.print(renderable)
    assert not console.is_terminal
    return console.file.getvalue()  # type: ignore[attr-defined]


MILESTONE_COLUMNS = [
    TableColumn("", no_wrap=True, width=1),
    TableColumn("Milestone", ratio=3, overflow="fold"),
    TableColumn("When", ratio=2, overflow="fold"),
    TableColumn("Countdown", ratio=2, overflow="fold"),
]


def _pipeline_columns(width: int) -> list[TableColumn]:
    return [
        TableColumn("Stage", overflow="fold"),
        TableColumn("Candidates", justify="right"),
        TableColumn("Reached", justify="right"),
        TableColumn("", no_wrap=True, width=max(6, min(30, width - 48))),
    ]


milestone_rows = st.lists(
    st.tuples(st.sampled_from(["", *MARKS]), cell_texts, cell_texts, cell_texts).map(
        lambda row: [Cell(text) for text in row]
    ),
    max_size=6,
)
pipeline_rows = st.lists(
    st.tuples(cell_texts, counts, st.one_of(counts, st.just("")), st.integers(0, 40)).map(
        lambda row: [Cell(row[0]), Cell(row[1]), Cell(row[2]), Cell("#" * row[3])]
    ),
    max_size=6,
)


def _check_table(view: TableView, width: int) -> None:
    plain = table_layout.table_lines(view, width)
    if plain is None:  # left to rich: a column too narrow for its text
        return
    assert "".join(line + "\n" for line in plain) == _printed(width, _rich_table(view))


@at_least(200)
@given(rows=milestone_rows, width=widths, title=st.sampled_from(["Milestones", None]))
def test_the_milestones_table_is_riches(rows, width, title) -> None:
    rows = [row for row in rows if all(table_layout.single_cells(c.text) for c in row)]
    _check_table(TableView(title, MILESTONE_COLUMNS, rows, []), width)


@at_least(200)
@given(rows=pipeline_rows, totals=pipeline_rows, width=widths)
def test_the_pipeline_table_is_riches(rows, totals, width) -> None:
    rows = [row for row in rows if table_layout.single_cells(row[0].text)]
    ends = [len(rows) - 1] if rows else []
    rows += [row[:2] for row in totals[:2] if table_layout.single_cells(row[0].text)]
    _check_table(TableView("Pipeline", _pipeline_columns(width), rows, ends), width)


@at_least(200)
@given(text=cell_texts, width=widths)
def test_a_line_of_text_wraps_as_riches(text, width) -> None:
    if not table_layout.single_cells(text):
        return
    plain = "".join(line + "\n" for line in table_layout.wrap(text, width))
    assert plain == _printed(width, Text(text))


def test_the_tables_take_every_width() -> None:
    """Widths hypothesis may not reach at once: each from 1 to 130, long words and all."""
    rows = [
        [Cell("▶"), Cell("Applications close"), Cell("Mon 9 Feb 2026"), Cell("in 7 days")],
        [Cell(""), Cell("W" * 70), Cell("early March 2026 (1–10 Mar)"), Cell("date to be")],
        [Cell("✓"), Cell("a  b   c    " * 5), Cell("tbc"), Cell("  overdue by 3 days  ")],
    ]
    stages = [
        [Cell("Longlist (sift)"), Cell("1000"), Cell("1000"), Cell("#" * 30)],
        [Cell("Withdrawn"), Cell("0"), Cell(""), Cell("")],
        [Cell("Still in the process"), Cell("600")],
    ]
    laid_out = 0
    for width in range(1, 131):
        for view in (
            TableView("Milestones", MILESTONE_COLUMNS, rows, []),
            TableView("Pipeline", _pipeline_columns(width), stages, [1]),
        ):
            _check_table(view, width)
            laid_out += table_layout.table_lines(view, width) is not None
    assert laid_out > 200  # rich is left only the narrowest


# --- the whole dashboard -----------------------------------------------------------

titles = st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=70)


@at_least(50)
@given(
    campaign=st.lists(titles, min_size=4, max_size=4),
    milestones=st.lists(titles, max_size=10),
    stages=st.lists(titles, max_size=12),
    width=widths,
)
def test_the_dashboard_is_riches_for_any_titles(campaign, milestones, stages, width) -> None:
    record = dhsc_campaign()
    title, organisation, grade, salary = campaign
    record.campaign = dataclasses.replace(
        record.campaign, title=title, organisation=organisation, grade=grade, salary=salary
    )
    for milestone, new in zip(record.milestones, milestones, strict=False):
        milestone.title = new
    for stage, new in zip(record.stages, stages, strict=False):
        stage.title = new
    plain = status_text(record, TODAY, width)
    if plain is None:
        return
    console = _console(width)
    render_status(console, record, TODAY)
    assert plain == console.file.getvalue()  # type: ignore[attr-defined]


def test_what_the_plain_layout_takes_is_one_cell_wide_in_rich() -> None:
    for low, high in table_layout._NARROW_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            if table_layout.single_cells(char):
                assert cell_len(char) == 1 and not char.isspace(), hex(code)
    for char in "李😀\u0301\xa0\xad\t\u200b\u3000":
        assert not table_layout.single_cells(f"a{char}b"), repr(char)


def test_the_pipeline_view_says_the_records_counts(cli) -> None:
    """Each stage's row: how many are there now and how many reached it (an outcome: those
    who left to it, in italics), then those still in the process and every candidate."""
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        cli.ok("add-candidate", name)
    cli.ok("move", "c001", "shortlist")
    cli.ok("move", "c002", "withdrawn", "--reason", "Took another post")
    record = storage.load(cli.path)
    view = pipeline_table(record, 80, plain=True)
    counts = {row[0].text: [cell.text for cell in row[1:3]] for row in view.rows}
    assert counts["Applied"] == ["1", "3"]
    assert counts["Longlist (sift)"] == ["0", "1"]
    assert counts["Shortlist"] == ["1", "1"]
    assert counts["Withdrawn"] == ["1", ""]
    assert counts["Still in the process"] == ["2"] and counts["All candidates"] == ["3"]
    outcomes = {stage.title for stage in record.stages if stage.kind != StageKind.ACTIVE}
    assert {row[0].text for row in view.rows if row[0].style == "italic"} == outcomes
    assert view.section_ends == [len(record.stages) - 1]


# --- the installed command -----------------------------------------------------------


@pytest.fixture
def odd_record(cli):
    """A record with a candidate, long titles, markup-like and accented text."""
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    cli.ok("milestone", "rename", "closing", "Applications close [bold]now[/bold] — à bientôt")
    cli.ok("milestone", "add", "X" * 90, "w/c 23 February 2026")
    cli.ok("milestone", "add", "李王 panel", "tbc")
    return cli.path


@pytest.mark.parametrize("columns", ["80", "200", "45", "25", "12"])
def test_status_on_a_pipe_is_riches_and_loads_no_rich(run, odd_record, columns) -> None:
    words = ("--file", str(odd_record), "--as-of", AS_OF, "status")
    plain = run(*words, env={"COLUMNS": columns})
    rich = run(*words, env={"COLUMNS": columns, "TTY_COMPATIBLE": "0"})
    assert (plain.returncode, plain.stderr) == (rich.returncode, rich.stderr) == (0, "")
    assert plain.stdout == rich.stdout


def test_status_on_a_pipe_loads_no_rich(run, cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace", "--email", "ada@example.org")
    cli.ok("milestone", "rename", "closing", "Applications close [bold]now[/bold] — à bientôt")
    words = ("--file", str(cli.path), "--as-of", AS_OF, "status")
    names = imported_modules(run, *words)
    assert not loaded(names, "rich"), loaded(names, "rich")
    # A title the plain layout does not take: rich prints it, as before.
    cli.ok("milestone", "add", "李王 panel", "tbc")
    assert "rich.table" in imported_modules(run, *words)
