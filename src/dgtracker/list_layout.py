"""Long lists laid out as plain lines of columns, fast.

rich's Table measures and renders every cell through several layers, about a millisecond
a row: seconds for a list of thousands of candidates. This lays out the same look (a bold
header, a rule, columns three spaces apart, long text folded within its column) as plain
strings, in one pass over the rows. Pure: no console, no colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells

GAP = "   "
EDGE = " "


@dataclass(frozen=True)
class Column:
    header: str
    flexible: bool = False  # may be narrowed, its text folded, when the line is too long
    right: bool = False  # aligned right (numbers)


def list_lines(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """The header, a rule and each row, as lines no wider than `width` where possible."""
    widths = _widths(columns, rows, width)
    rule_width = sum(widths) + len(GAP) * (len(widths) - 1)
    lines = [_line([column.header for column in columns], columns, widths), EDGE + "─" * rule_width]
    for row in rows:
        folded = [fold(text, size) for text, size in zip(row, widths, strict=True)]
        if all(len(parts) == 1 for parts in folded):  # the usual row: one line
            lines.append(_line(row, columns, widths))
            continue
        for index in range(max(len(parts) for parts in folded)):
            cells = [parts[index] if index < len(parts) else "" for parts in folded]
            lines.append(_line(cells, columns, widths))
    return lines


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column as wide as its widest cell; when the line is then too long, the widest
    flexible columns are narrowed to one common width, so short ones stay whole."""
    widths = [cell_len(column.header) for column in columns]
    for row in rows:
        for index, text in enumerate(row):
            size = len(text) if text.isascii() else cell_len(text)
            if size > widths[index]:
                widths[index] = size
    room = width - 2 * len(EDGE) - len(GAP) * (len(columns) - 1)
    flexible = [index for index, column in enumerate(columns) if column.flexible]
    if sum(widths) <= room or not flexible:
        return widths
    left = room - sum(size for index, size in enumerate(widths) if index not in flexible)
    cap = _common_cap(sorted(widths[index] for index in flexible), left)
    for index in flexible:
        widths[index] = min(widths[index], cap)
    return widths


def _common_cap(sizes: list[int], room: int) -> int:
    """The largest width W such that the sizes, none above W, fit in `room` (at least 1)."""
    used = 0
    for position, size in enumerate(sizes):
        still_wider = len(sizes) - position
        if used + size * still_wider > room:
            return max(1, (room - used) // still_wider)
        used += size
    return sizes[-1]


def fold(text: str, width: int) -> list[str]:
    """Text in lines of at most `width` cells: broken at spaces, and inside a word only
    when the word alone is too long (as rich's "fold" does)."""
    if (len(text) if text.isascii() else cell_len(text)) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if cell_len(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        *whole, line = chop_cells(word, width) if cell_len(word) > width else [word]
        lines.extend(whole)
    lines.append(line)
    return lines


def _line(cells: Sequence[str], columns: Sequence[Column], widths: Sequence[int]) -> str:
    parts = []
    for text, column, width in zip(cells, columns, widths, strict=True):
        if text.isascii():  # a character is a cell: let str pad it
            parts.append(text.rjust(width) if column.right else text.ljust(width))
            continue
        fill = " " * (width - cell_len(text))
        parts.append(fill + text if column.right else text + fill)
    return (EDGE + GAP.join(parts)).rstrip()
