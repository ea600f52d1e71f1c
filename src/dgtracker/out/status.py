"""The status dashboard on stdout: on a pipe, the very bytes rich would print, laid out
by out/table_layout.py without loading rich (most of the command's start); anywhere
else, or for text that layout does not cover, rich's own tables (out/tables.py). The
rows come from out/status_view.py either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dgtracker.out.status_view import (
    MARKS,
    Cell,
    milestone_table,
    pipeline_table,
    status_heading,
    timeline_lines,
)
from dgtracker.out.table_layout import single_cells, table_lines, wrap
from dgtracker.out.terminal import PlainConsole, plain_console, rich_console, write
from dgtracker.record.model import Record

if TYPE_CHECKING:
    from dgtracker.record.summary import Summary

# The charts out/tables.py draws on a console that is not a terminal (the only one the
# plain console stands for, and one that takes UTF-8: the milestones' marks are MARKS).
_PLAIN_GLYPHS = True


def print_status(record: Record, today: date, summaries: Sequence[Summary] | None = None) -> None:
    """The dashboard: laid out plainly where rich's console would print it without colour
    and every cell is text the plain layout covers, else by rich. `summaries`: the
    candidates' (record/summary.py), for a record read without them."""
    console = plain_console()
    if console is not None:
        text = status_text(record, today, console.width, summaries)
        if text is not None:
            write(text)
            return
    from dgtracker.out.tables import render_status

    render_status(
        console.rich() if isinstance(console, PlainConsole) else rich_console(),
        record,
        today,
        summaries,
    )


def status_text(
    record: Record, today: date, width: int, summaries: Sequence[Summary] | None = None
) -> str | None:
    """What rich's console `width` wide prints for the dashboard when stdout is not a
    terminal; None where a text or the width is not one the plain layout covers."""
    lines: list[str] = []
    for cell in status_heading(record, today):
        if not single_cells(cell.text):
            return None
        lines += wrap(cell.text, width)
    lines.append("")
    milestones = milestone_table(record, today, MARKS, title="Milestones")
    pipeline = pipeline_table(record, width, _PLAIN_GLYPHS, summaries)
    if not all(_covered(view.rows) for view in (milestones, pipeline)):
        return None
    table = table_lines(milestones, width)
    if table is None:
        return None
    lines += table
    timeline = timeline_lines(record, today, width, _PLAIN_GLYPHS)
    if timeline:
        if not all(single_cells(line.text) for line in timeline):
            return None
        lines += ["", *wrap("Timeline", width)]
        lines += [line.text[:width] for line in timeline]
    lines.append("")
    table = table_lines(pipeline, width)
    if table is None:
        return None
    lines += table
    return "".join(line[:width] + "\n" for line in lines)


def _covered(rows: list[list[Cell]]) -> bool:
    return all(single_cells(cell.text) for row in rows for cell in row)
