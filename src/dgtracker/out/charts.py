"""Small charts for `status` in a terminal: a timeline strip of the weeks ahead and the
funnel's bars, as lines of text that fit the width given.

Pure: each chart is a list of Lines (the text and the ranges to colour), which out/tables.py
places. Glyphs are box-drawing and geometric characters at a terminal; `plain` gives
ASCII only, for pipes, NO_COLOR and consoles that cannot show the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dgtracker.compared import Compared, FrozenCompared
from dgtracker.dates import MONTHS
from dgtracker.process.queries import DONE, OVERDUE
from dgtracker.report.data import TimelineItem
from dgtracker.text import visible


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Glyphs(FrozenCompared):
    """The characters a chart is drawn with."""

    day: str
    window: str
    done: str
    late: str
    today: str
    grid: str
    bar: str
    gone: str
    more: str


FANCY = Glyphs("◆", "━", "✓", "!", "│", "·", "█", "░", "…")
PLAIN = Glyphs("o", "=", "*", "!", "|", ".", "#", "-", "~")


@dataclass(slots=True, eq=False, repr=False)
class Line(Compared):
    """One line of a chart, with the styles of its parts."""

    text: str
    styles: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, style


def _fit(text: str, width: int, glyphs: Glyphs) -> str:
    text = visible(text)
    if len(text) > width:
        text = text[: width - 1] + glyphs.more
    return text.ljust(width)


_LEAST_ROOM = 8  # columns for the weeks: fewer cannot show a month's name and its days


def timeline_strip(
    items: list[TimelineItem], today: date, width: int, plain: bool = False
) -> list[Line]:
    """Weeks across, a row for each dated milestone, today marked; [] if none is dated, or
    the width leaves no room for the weeks beside the labels."""
    glyphs = PLAIN if plain else FANCY
    dated = [item for item in items if item.current is not None]
    label = max(12, min(30, width // 3))
    room = width - label - 1
    if not dated or room < _LEAST_ROOM:
        return []
    first = min([today, *(item.current.start for item in dated if item.current)])
    first -= timedelta(days=first.weekday())
    last = max([today, *(item.current.end for item in dated if item.current)])
    weeks = (last - first).days // 7 + 1
    days = weeks * 7

    def column(day: date) -> int:
        return min(room - 1, max(0, (day - first).days * room // days))

    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    months, numbers, grid = [" "] * room, [" "] * room, [" "] * room
    month_seen = None
    for monday in mondays:
        at = column(monday)
        grid[at] = glyphs.grid
        if monday.month != month_seen and months[at] == " ":
            month_seen = monday.month
            _put(months, at, MONTHS[monday.month - 1])
        _put(numbers, at, str(monday.day), only_if_free=True)
    now = column(today)
    lines = [
        Line(" " * (label + 1) + "".join(months).rstrip(), [(label + 1, width, "bold")]),
        Line(" " * (label + 1) + "".join(numbers).rstrip(), [(label + 1, width, "dim")]),
    ]
    for item in dated:
        lines.append(_row(item, label, grid, column, now, glyphs))
    legend = (
        f"{glyphs.day} day  {glyphs.window} window  {glyphs.done} done  "
        f"{glyphs.late} overdue  {glyphs.today} today"
    )
    lines.append(Line(legend[:width], [(0, width, "dim")]))
    return lines


def _put(cells: list[str], at: int, word: str, only_if_free: bool = False) -> None:
    if at + len(word) > len(cells):
        return
    if only_if_free and any(c != " " for c in cells[max(0, at - 1) : at + len(word) + 1]):
        return
    cells[at : at + len(word)] = list(word)


def _row(
    item: TimelineItem,
    label: int,
    grid: list[str],
    column: Callable[[date], int],
    now: int,
    glyphs: Glyphs,
) -> Line:
    cells = list(grid)
    cells[now] = glyphs.today
    span = item.current
    assert span is not None  # only dated milestones have a row
    start, end = column(span.start), column(span.end)
    style = "red" if item.state == OVERDUE else ("green" if item.state == DONE else "cyan")
    if span.start == span.end:
        cells[start] = glyphs.day
    else:
        cells[start : end + 1] = glyphs.window * (end - start + 1)
    if item.state == DONE and item.done is not None:
        cells[column(item.done)] = glyphs.done
    elif item.state == OVERDUE and end + 1 < len(cells):
        cells[end + 1] = glyphs.late
    text = _fit(item.title, label, glyphs) + " " + "".join(cells).rstrip()
    offset = label + 1
    styles = [(offset + start, offset + max(end, start) + 2, style)]
    styles.append((offset + now, offset + now + 1, "magenta"))
    return Line(text, styles)


def funnel_bar(stage_count: int, most: int, width: int, plain: bool, gone: bool = False) -> str:
    """A bar `width` long for the most; at least one cell for any count above nought."""
    glyphs = PLAIN if plain else FANCY
    if stage_count <= 0 or most <= 0:
        return ""
    cells = max(1, round(stage_count * width / most))
    return (glyphs.gone if gone else glyphs.bar) * cells
