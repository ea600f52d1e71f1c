"""Long lists laid out as plain lines of columns, fast.

rich's Table measures and renders every cell through several layers, about a millisecond
a row: seconds for a list of thousands of candidates. This lays out the same look (a bold
header, a rule, columns three spaces apart, long text folded within its column) as plain
strings; a column that is only nice to have is left out, rather than split, when it does
not fit. Rows of ASCII text, the usual kind, are measured and padded a column at a time by
str's own methods; any other row a cell at a time. Pure: no console, no colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import NamedTuple

from rich.cells import cell_len, chop_cells

GAP = "   "
EDGE = " "

# Named tuples rather than frozen dataclasses: a dataclass takes about a millisecond to
# define, and this module is loaded by every command that prints a list.


class Column(NamedTuple):
    header: str
    flexible: bool = False  # may be narrowed, its text folded, when the line is too long
    right: bool = False  # aligned right (numbers)
    optional: int = 0  # 0: always shown; else only when it fits whole (1 is tried first)


class LaidOutTable(NamedTuple):
    lines: list[str]  # the header, a rule and each row
    left_out: list[str]  # the optional columns there was no room for, in their order
    full_width: int  # how wide a line with every column whole would be

    def left_out_said(self) -> str:
        """Which columns a narrow terminal left out, and how wide it must be to show them
        ("Kind and Weight need 94 columns"); empty when every column is shown."""
        if not self.left_out:
            return ""
        needs = "need" if len(self.left_out) > 1 else "needs"
        return f"{' and '.join(self.left_out)} {needs} {self.full_width} columns"


def lay_out(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int | None,
    *,
    cell_by_cell: bool = False,
) -> LaidOutTable:
    """The list as lines no wider than `width` where possible (None: as wide as it takes);
    each row has a cell per column.

    Optional columns are shown only where they fit whole, so that an address is never
    split; what must be shown is folded within its column when the line is too long.
    A row all of ASCII text that needs no folding is padded a column at a time, as its
    length is its width; any other row is laid out a cell at a time, as `cell_by_cell`
    lays out every row (the same lines: tests compare the two).
    """
    # Column by column: an ASCII character takes one cell, so most columns are measured
    # by len alone, and only the rows holding other text need measuring cell by cell.
    by_column = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    ascii_columns = [not cell_by_cell and "".join(cells).isascii() for cells in by_column]
    natural = [
        max(cell_len(column.header), max(map(len if ascii else _cells, cells), default=0))
        for column, cells, ascii in zip(columns, by_column, ascii_columns, strict=True)
    ]
    full_width = _line_width(natural)
    shown = _shown(columns, natural, width)
    kept = [columns[index] for index in shown]
    widths = _fitted([natural[index] for index in shown], kept, width)
    # Only a cell of a narrowed column can need more than one line.
    narrowed = [place for place, index in enumerate(shown) if widths[place] < natural[index]]
    rule = EDGE + "─" * (_line_width(widths) - 2 * len(EDGE))
    lines = [_line([column.header for column in kept], kept, widths), rule]
    if cell_by_cell or not shown:  # (no column: nothing to pad)
        slow: Sequence[int] = range(len(rows))
    else:
        slow = _rows_to_measure(by_column, ascii_columns, shown, widths, narrowed)
    padded = _padded_lines(by_column, shown, kept, widths) if len(slow) < len(rows) else []
    start = 0
    for stop in slow:  # the rows between are taken as padded
        lines.extend(padded[start:stop])
        lines.extend(_row_lines(rows[stop], shown, kept, widths, narrowed))
        start = stop + 1
    lines.extend(padded[start:])
    left_out = [column.header for index, column in enumerate(columns) if index not in shown]
    return LaidOutTable(lines, left_out, full_width)


def _rows_to_measure(
    by_column: Sequence[Sequence[str]],
    ascii_columns: Sequence[bool],
    shown: Sequence[int],
    widths: Sequence[int],
    narrowed: Sequence[int],
) -> list[int]:
    """The indexes, in order, of the rows to lay out a cell at a time: those with a shown
    cell that is not ASCII, or with a cell longer than its narrowed column (perhaps
    folded; for an ASCII cell its length is its width)."""
    slow: set[int] = set()
    for index in shown:
        if not ascii_columns[index]:
            slow.update(row for row, text in enumerate(by_column[index]) if not text.isascii())
    for place in narrowed:
        size = widths[place]
        lengths = map(len, by_column[shown[place]])
        slow.update(row for row, length in enumerate(lengths) if length > size)
    return sorted(slow)


def _padded_lines(
    by_column: Sequence[Sequence[str]],
    shown: Sequence[int],
    kept: Sequence[Column],
    widths: Sequence[int],
) -> list[str]:
    """Every row as one line, each cell padded to its width by code points: a column at a
    time by str's own methods, with no Python code run per cell. Right only for a row
    of ASCII text that needs no folding."""
    pads: list[Callable[[str, int], str]] = [str.rjust if c.right else str.ljust for c in kept]
    if not kept[-1].right:
        pads[-1] = _unpadded  # its padding would be stripped from the line's end
    columns = [
        map(pad, by_column[index], repeat(size))
        for pad, index, size in zip(pads, shown, widths, strict=True)
    ]
    joined = map(GAP.join, zip(*columns, strict=True))
    return list(map(str.rstrip, map(EDGE.__add__, joined)))


def _unpadded(text: str, _size: int) -> str:
    return text


def _row_lines(
    full_row: Sequence[str],
    shown: Sequence[int],
    kept: Sequence[Column],
    widths: Sequence[int],
    narrowed: Sequence[int],
) -> list[str]:
    """One row's lines, measured a cell at a time: one line, or more where it is folded."""
    row = [full_row[index] for index in shown]
    if all(_cells(row[place]) <= widths[place] for place in narrowed):  # the usual row
        return [_line(row, kept, widths)]
    folded = [fold(text, size) for text, size in zip(row, widths, strict=True)]
    return [
        _line([parts[index] if index < len(parts) else "" for parts in folded], kept, widths)
        for index in range(max(len(parts) for parts in folded))
    ]


def _cells(text: str) -> int:
    """How many terminal cells `text` takes (an ASCII character is one)."""
    return len(text) if text.isascii() else cell_len(text)


def _line_width(widths: Sequence[int]) -> int:
    return 2 * len(EDGE) + sum(widths) + len(GAP) * (len(widths) - 1)


def _shown(columns: Sequence[Column], natural: Sequence[int], width: int | None) -> list[int]:
    """The indexes of the columns to show: every required one, then each optional one, in
    its turn, that fits whole beside them."""
    shown = [index for index, column in enumerate(columns) if not column.optional]
    optional = sorted(
        (column.optional, index) for index, column in enumerate(columns) if column.optional
    )
    for _, index in optional:
        trial = sorted([*shown, index])
        if width is None or _line_width([natural[i] for i in trial]) <= width:
            shown = trial
    return shown


def _fitted(widths: list[int], columns: Sequence[Column], width: int | None) -> list[int]:
    """When the line is too long, the widest flexible columns are narrowed to one common
    width, so short ones stay whole."""
    flexible = [index for index, column in enumerate(columns) if column.flexible]
    if width is None or _line_width(widths) <= width or not flexible:
        return widths
    flexible_widths = sorted(widths[index] for index in flexible)
    left = width - _line_width(widths) + sum(flexible_widths)  # the room they may share
    cap = _common_cap(flexible_widths, left)
    return [min(size, cap) if index in flexible else size for index, size in enumerate(widths)]


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
    if _cells(text) <= width:
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
        fill = " " * (width - _cells(text))
        parts.append(fill + text if column.right else text + fill)
    return (EDGE + GAP.join(parts)).rstrip()
