"""What `status` shows, as text: its heading, the milestones and the pipeline as tables of
cells (each cell's text, already made visible, and its style), and the timeline's lines.

Computed once here and drawn either by out/tables.py with rich's tables (a terminal,
`milestone list`) or by out/table_layout.py as rich would print it on a pipe, without
loading rich (out/status.py chooses): the two can never say different things. Pure: no
console, no rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from dgtracker.dates import format_day, format_when
from dgtracker.process.queries import (
    DONE,
    OVERDUE,
    TBC,
    TODAY,
    UNDER_WAY,
    active_stage_ids,
    milestone_views,
    pipeline,
)
from dgtracker.record.model import Record, StageKind
from dgtracker.record.summary import Summary, summaries_of
from dgtracker.text import visible

if TYPE_CHECKING:
    from dgtracker.out.charts import Line

# Named tuples rather than dataclasses: a dataclass takes about a millisecond to define,
# and status is the command people run most.

_STATE_STYLE = {
    DONE: "green",
    OVERDUE: "bold red",
    TODAY: "bold yellow",
    UNDER_WAY: "bold yellow",
    TBC: "dim",
}


# The next milestone's and a done one's marks, where the output takes UTF-8, and in ASCII.
MARKS = ("▶", "✓")
ASCII_MARKS = (">", "x")


class Cell(NamedTuple):
    text: str  # as shown: user text already through `visible`
    style: str = ""


class TableColumn(NamedTuple):
    """A column as rich's Table.add_column takes it (the options status uses)."""

    header: str
    justify: str = "left"  # "left" or "right"
    overflow: str = "ellipsis"  # "fold" or "ellipsis" (rich's default)
    width: int | None = None
    no_wrap: bool = False
    ratio: int | None = None
    style: str = ""


class TableView(NamedTuple):
    """A table of box SIMPLE_HEAD, title on the left, no padding at its edges."""

    title: str | None
    columns: list[TableColumn]
    rows: list[list[Cell]]  # a row may be shorter than the columns: blank cells after it
    section_ends: list[int]  # the rows after which a section ends (a blank line)


def status_heading(record: Record, today: date) -> list[Cell]:
    """The campaign's title, its organisation, grade and salary, and the day it is as of."""
    campaign = record.campaign
    lines = [Cell(visible(campaign.title), "bold")]
    facts = [campaign.organisation, campaign.grade, campaign.salary]
    line = " · ".join(visible(fact) for fact in facts if fact)
    if line:
        lines.append(Cell(line))
    lines.append(Cell(f"As of {format_day(today)}", "dim"))
    return lines


def timeline_lines(record: Record, today: date, width: int, plain: bool) -> list[Line]:
    """The dated milestones across the weeks, for a console `width` wide (out/charts.py
    draws it); [] when there is nothing to draw."""
    from dgtracker.out.charts import timeline_strip
    from dgtracker.report.data import timeline

    return timeline_strip(timeline(record, today, with_history=False), today, width, plain)


def milestone_table(
    record: Record,
    today: date,
    marks: tuple[str, str],
    title: str | None,
    show_ids: bool = False,
) -> TableView:
    """Each milestone: the next one's and the done ones' marks, its title, when and how
    far off; `marks` is the next's and a done one's (▶ and ✓, or ASCII)."""
    columns = [TableColumn("", no_wrap=True, width=1)]
    if show_ids:
        columns.append(TableColumn("Id", no_wrap=True, style="dim"))
    columns += [
        TableColumn("Milestone", ratio=3, overflow="fold"),
        TableColumn("When", ratio=2, overflow="fold"),
        TableColumn("Countdown", ratio=2, overflow="fold"),
    ]
    rows = []
    for view in milestone_views(record, today):
        style = "bold cyan" if view.is_next else _STATE_STYLE.get(view.state, "")
        marker = marks[0] if view.is_next else (marks[1] if view.state == DONE else "")
        when = view.milestone.when
        cells = [Cell(marker, style)]
        if show_ids:
            cells.append(Cell(visible(view.milestone.id)))
        cells += [
            Cell(visible(view.milestone.title), "bold" if view.is_next else ""),
            Cell("tbc", "dim") if when.is_tbc else Cell(visible(format_when(when))),
            Cell(view.countdown, style),
        ]
        rows.append(cells)
    return TableView(title, columns, rows, [])


class PipelineCounts(NamedTuple):
    now: dict[str, int]  # how many are at each stage now
    reached: dict[str, int]  # how many reached each stage of the process (the funnel)
    total: int  # every candidate


def pipeline_counts(record: Record, summaries: Sequence[Summary] | None = None) -> PipelineCounts:
    """The pipeline's counts: the one place the status reads them, from the candidates'
    summaries (`summaries`, for a record read without its candidates, or made from them)."""
    from dgtracker.report.data import funnel

    summaries = summaries_of(record) if summaries is None else summaries
    reached = {stage.id: stage.reached for stage in funnel(record, summaries)}
    return PipelineCounts(pipeline(record, summaries), reached, len(summaries))


def pipeline_table(
    record: Record, width: int, plain: bool, summaries: Sequence[Summary] | None = None
) -> TableView:
    """How many are at each stage now and how many reached it, with the funnel's bars
    (`plain`: in ASCII), for a console `width` wide; counted from `summaries` when given."""
    from dgtracker.out.charts import funnel_bar

    counts = pipeline_counts(record, summaries)
    active = active_stage_ids(record)
    most = max([*counts.reached.values(), *counts.now.values(), 0])
    bar_width = max(6, min(30, width - 48))
    columns = [
        TableColumn("Stage", overflow="fold"),
        TableColumn("Candidates", justify="right"),
        TableColumn("Reached", justify="right"),
        TableColumn("", no_wrap=True, width=bar_width),
    ]
    rows = []
    for stage in record.stages:
        count = counts.now[stage.id]
        label = Cell(visible(stage.title), "" if stage.kind == StageKind.ACTIVE else "italic")
        if stage.id in counts.reached:  # a stage of the process: the funnel's bar
            got = counts.reached[stage.id]
            bar = Cell(funnel_bar(got, most, bar_width, plain), "cyan")
            reached_cell = Cell(str(got), "" if got else "dim")
        else:  # an outcome: those who left to it
            bar = Cell(funnel_bar(count, most, bar_width, plain, gone=True), "magenta")
            reached_cell = Cell("")
        rows.append([label, Cell(str(count), "" if count else "dim"), reached_cell, bar])
    in_process = sum(n for stage_id, n in counts.now.items() if stage_id in active)
    section_ends = [len(rows) - 1] if rows else []
    rows.append([Cell("Still in the process", "bold"), Cell(str(in_process), "bold")])
    rows.append([Cell("All candidates"), Cell(str(counts.total))])
    return TableView("Pipeline", columns, rows, section_ends)
