"""Text and tables laid out as rich lays them out, as plain lines, without loading rich:
for a pipe, where rich prints neither colour nor style (out/status.py).

Only text every character of which takes one cell and which has no other space than " "
(`single_cells`) is laid out here; the caller gives anything else to rich. Within that,
each function follows rich's own algorithm step by step (the rich functions named are
those of rich 14.3 to 15.0): `wrap` is Text.wrap with _wrap.divide_line, `table_lines`
is Table's column widths (`_calculate_column_widths`, `_collapse_widths`,
`_measure_column`, _ratio.ratio_reduce) and rendering (`_render`, Padding, box
SIMPLE_HEAD). tests/test_plain_status.py checks the bytes against rich's at both.
Pure: no console.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from dgtracker.out.status_view import TableColumn, TableView

# Characters one cell wide in every rich version this supports, none of them a space:
# Latin-1 and the Latin extensions, Greek and Cyrillic, the dashes, quotes and bullets
# of general punctuation, the currency signs, box drawing and geometric shapes, and the
# check mark. tests/test_plain_status.py measures each with rich.
_NARROW_RANGES = (
    (0xA1, 0x2FF),
    (0x370, 0x482),
    (0x2010, 0x2027),
    (0x20A0, 0x20C0),
    (0x2500, 0x25FC),
    (0x2713, 0x2713),
)
_SOFT_HYPHEN = "\xad"
_TRAILING_SPACE = re.compile(r"\s+$")
_WORD = re.compile(r"\s*\S+\s*")
ELLIPSIS = "…"


def single_cells(text: str) -> bool:
    """True when every character of `text` takes one cell and is printable, and " " is
    its only space: text whose layout here is rich's."""
    if text.isascii():
        return text.isprintable()
    if not text.isprintable() or _SOFT_HYPHEN in text:
        return False
    for char in text:
        code = ord(char)
        if code < 0x7F:
            continue
        if not any(low <= code <= high for low, high in _NARROW_RANGES):
            return False
    return True


def wrap(
    text: str,
    width: int,
    justify: str = "default",
    overflow: str = "fold",
    no_wrap: bool = False,
) -> list[str]:
    """One line of text in lines `width` cells wide at most, as rich's Text.wrap makes
    them ("left" pads each to `width`, "right" pads on the left, "default" neither)."""
    if no_wrap:
        lines = [text]
    else:
        offsets = _divide_line(text, width, fold=overflow == "fold")
        bounds = [0, *offsets, len(text)]
        lines = [_rstrip_end(text[a:b], width) for a, b in pairwise(bounds)]
    if justify == "left":
        lines = [_truncate(line, width, overflow, pad=True) for line in lines]
    elif justify == "right":
        lines = [_truncate(line.rstrip(), width, overflow) for line in lines]
        lines = [" " * (width - len(line)) + line for line in lines]
    return [_truncate(line, width, overflow) for line in lines]


def _divide_line(text: str, width: int, fold: bool) -> list[int]:
    """rich's _wrap.divide_line, where a character is a cell."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start = match.start()
        word = match.group()
        word_length = len(word.rstrip())
        if width - offset >= word_length:
            offset += len(word)
        elif word_length > width:
            if fold:
                chunks = [word[index : index + width] for index in range(0, len(word), width)]
                for number, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if number == len(chunks) - 1:
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _rstrip_end(line: str, width: int) -> str:
    """rich's Text.rstrip_end: spaces beyond `width` removed from the end."""
    excess = len(line) - width
    if excess > 0:
        spaces = _TRAILING_SPACE.search(line)
        if spaces is not None:
            return line[: len(line) - min(len(spaces.group()), excess)]
    return line


def _truncate(line: str, width: int, overflow: str, pad: bool = False) -> str:
    """rich's Text.truncate."""
    length = len(line)
    if length > width:
        line = line[: width - 1] + ELLIPSIS if overflow == "ellipsis" else line[:width]
    if pad and length < width:
        line += " " * (width - length)
    return line


# --- tables ------------------------------------------------------------------------


def table_lines(view: TableView, console_width: int) -> list[str] | None:
    """The table as rich prints it on a console `console_width` wide, with box
    SIMPLE_HEAD, the title on the left, no padding at the edges (out/tables.py's _table);
    None where a column is left no room within its padding, or the title or a heading is
    not text `single_cells` takes (the cells are the caller's to check): rich's to draw."""
    columns = view.columns
    if not all(single_cells(text) for text in (view.title or "", *(c.header for c in columns))):
        return None
    count = len(columns)
    extra = 2 + count - 1  # the edges and a divider between columns
    cells = [
        [column.header, *(row[index].text if index < len(row) else "" for row in view.rows)]
        for index, column in enumerate(columns)
    ]
    pads = [(0 if index == 0 else 1, 0 if index == count - 1 else 1) for index in range(count)]
    widths = _column_widths(view, cells, pads, console_width - extra)
    if any(width - left - right < 1 for width, (left, right) in zip(widths, pads, strict=True)):
        return None
    table_width = sum(widths) + extra
    lines: list[str] = []
    if view.title:
        lines += wrap(view.title, table_width, justify="left")
    lines.append(" " * table_width)  # the top edge
    rows = list(zip(*cells, strict=True))
    for number, row in enumerate(rows):
        rendered = [
            _cell_lines(text, width, pad, column)
            for text, width, pad, column in zip(row, widths, pads, columns, strict=True)
        ]
        height = max(len(lines_) for lines_ in rendered)
        for place, cell in enumerate(rendered):
            blank = [" " * widths[place]] * (height - len(cell))
            rendered[place] = blank + cell if number == 0 else cell + blank  # header: bottom
        for line_number in range(height):
            lines.append(" " + " ".join(cell[line_number] for cell in rendered) + " ")
        if number == 0:
            lines.append(" " + "─" * (table_width - 2) + " ")
        elif number - 1 in view.section_ends and number < len(rows) - 1:
            lines.append(" " * table_width)
    lines.append(" " * table_width)  # the bottom edge
    return [line[:console_width] for line in lines]


def _cell_lines(text: str, width: int, pad: tuple[int, int], column: TableColumn) -> list[str]:
    """A cell as rich's Padding renders its Text: wrapped within the padding."""
    left, right = pad
    inner = width - left - right
    lines = wrap(text, inner, column.justify, column.overflow, column.no_wrap)
    return [" " * left + line.ljust(inner)[:inner] + " " * right for line in lines]


def _column_widths(
    view: TableView, cells: list[list[str]], pads: list[tuple[int, int]], room: int
) -> list[int]:
    """rich's Table._calculate_column_widths (expand off), padding included."""
    columns = view.columns
    widths = [
        _measure(cells[index], column.width, pads[index], room)[1] or 1
        for index, column in enumerate(columns)
    ]
    if sum(widths) > room:
        wrapable = [column.width is None and not column.no_wrap for column in columns]
        widths = _collapse(widths, wrapable, room)
        if sum(widths) > room:
            widths = _ratio_reduce(sum(widths) - room, [1] * len(widths), widths, widths)
        widths = [
            _measure(cells[index], column.width, pads[index], width)[1] or 0
            for index, (width, column) in enumerate(zip(widths, columns, strict=True))
        ]
    return widths


def _measure(
    texts: Sequence[str], fixed: int | None, pad: tuple[int, int], room: int
) -> tuple[int, int]:
    """rich's Table._measure_column: the least and most a column's cells take."""
    if room < 1:
        return 0, 0
    extra = pad[0] + pad[1]
    if fixed is not None:
        return min(fixed + extra, room), min(fixed + extra, room)
    least, most = 0, 0
    for index, text in enumerate(texts):
        low, high = _measure_cell(text, extra, room)
        if index == 0 or low > least:
            least = low
        if index == 0 or high > most:
            most = high
    return min(least, room), min(most, room)


def _measure_cell(text: str, extra: int, room: int) -> tuple[int, int]:
    """rich's Measurement.get of a Padding of a Text, on `room` cells."""
    if room - extra < 1:
        low, high = room, room
    else:
        words = text.split()
        high = len(text)
        low = max(len(word) for word in words) if words else high
        low, high = _normal(low, high)
        low, high = min(low, room), min(high, room)
        low, high = (0, 0) if high < 1 else _normal(low, high)
        low, high = min(low + extra, room), min(high + extra, room)
    low, high = _normal(low, high)
    low, high = min(low, room), min(high, room)
    return (0, 0) if high < 1 else _normal(low, high)


def _normal(low: int, high: int) -> tuple[int, int]:
    """rich's Measurement.normalize."""
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _collapse(widths: list[int], wrapable: list[bool], room: int) -> list[int]:
    """rich's Table._collapse_widths: the widest wrapable columns narrowed together."""
    total = sum(widths)
    excess = total - room
    if any(wrapable):
        while total and excess > 0:
            widest = max(width for width, wraps in zip(widths, wrapable, strict=True) if wraps)
            second = max(
                width if wraps and width != widest else 0
                for width, wraps in zip(widths, wrapable, strict=True)
            )
            difference = widest - second
            ratios = [
                1 if (width == widest and wraps) else 0
                for width, wraps in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not difference:
                break
            most = [min(excess, difference)] * len(widths)
            widths = _ratio_reduce(excess, ratios, most, widths)
            total = sum(widths)
            excess = total - room
    return widths


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """rich's _ratio.ratio_reduce."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(most, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result
