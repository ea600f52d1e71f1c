"""The report's charts as SVG text, drawn from report_data: the timeline and the funnel.

No script and no external reference: each chart is one <svg> element with a <title> and a
<desc>, shapes and words as well as colours (a window is a bar, a day a diamond, done a
tick, with its words beside it), and scales with the page (viewBox, width 100%).
Every piece of text is escaped here, so the page can insert the result as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from dgtracker.dates import MONTHS
from dgtracker.process.queries import DONE, OVERDUE
from dgtracker.report.data import FunnelStage, TimelineItem, describe_timeline_item, timeline_range
from dgtracker.text import visible

WIDTH = 960
LABEL_WIDTH = 300
RIGHT_MARGIN = 120  # room for the words written after the last mark
ROW = 36
TOP = 56

INK = "#0b0c0c"
FAINT = "#6f777b"
PLAN = "#1d70b8"
GOOD = "#00703c"
LATE = "#d4351c"
TODAY_INK = "#912b88"


def _text(value: str, limit: int | None = None) -> str:
    shown = visible(value)
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return escape(shown, quote=True)


def _short(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


class _Scale:
    """Days to x positions over the chart's width (after the labels)."""

    def __init__(self, first: date, last: date) -> None:
        self.first = first - timedelta(days=first.weekday())  # the Monday of its week
        self.last = max(last + timedelta(days=7), self.first + timedelta(days=28))
        self.left = LABEL_WIDTH + 10
        self.right = WIDTH - RIGHT_MARGIN
        self.per_day = (self.right - self.left) / ((self.last - self.first).days or 1)

    def x(self, day: date) -> float:
        return round(self.left + (day - self.first).days * self.per_day, 1)

    def mondays(self) -> list[date]:
        days, day = [], self.first
        while day <= self.last:
            days.append(day)
            day += timedelta(days=7)
        return days


# Arial's advance widths in em, rounded up, so that an estimate is never narrower than
# the text drawn: the labels are placed before any browser measures them.
_NARROW, _DIGIT, _WIDE = 0.3, 0.6, 0.78
BOLD = 1.1  # bold glyphs are up to a tenth wider
GAP = 8  # the least space between two labels on one line


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An upper estimate of the width of `text` in Arial at `size` pixels."""
    ems = sum(
        _NARROW if ch in " .,:;!|il'ftjr" else _DIGIT if ch.isdigit() or ch.islower() else _WIDE
        for ch in text
    )
    return ems * size * (BOLD if bold else 1.0)


def spaced(labels: list[tuple[float, str]], size: float, bold: bool = False) -> list[int]:
    """Which labels (x of the left end, text), in order of x, to draw so that no two
    overlap: from the right, a label is kept when it ends a gap before the next one kept.
    Right first, so that a month that only begins the chart gives way to the next."""
    kept: list[int] = []
    limit: float = WIDTH + GAP  # nor runs off the chart
    for i in range(len(labels) - 1, -1, -1):
        x, text = labels[i]
        if x + text_width(text, size, bold) + GAP <= limit:
            kept.append(i)
            limit = x
    return kept[::-1]


def _axis(scale: _Scale, bottom: int) -> list[str]:
    parts = []
    mondays = scale.mondays()
    months = [
        (scale.x(monday), f"{MONTHS[monday.month - 1]} {monday.year}")
        for i, monday in enumerate(mondays)
        if i == 0 or monday.month != mondays[i - 1].month
    ]
    days = [(scale.x(monday), str(monday.day)) for monday in mondays]
    for monday in mondays:
        x = scale.x(monday)
        parts.append(
            f'<line x1="{x}" y1="{TOP - 8}" x2="{x}" y2="{bottom}" stroke="#dddddd" '
            'stroke-width="1"/>'
        )
    for i in spaced(months, 14, bold=True):
        x, words = months[i]
        parts.append(
            f'<text x="{x}" y="18" font-weight="bold" fill="{INK}" class="month">{words}</text>'
        )
    for i in spaced(days, 12):
        x, words = days[i]
        parts.append(
            f'<text x="{x}" y="38" fill="{FAINT}" font-size="12" class="day">{words}</text>'
        )
    return parts


def _mark(x: float, y: float, colour: str, filled: bool = True) -> str:
    """A diamond: a milestone on one day."""
    fill = colour if filled else "white"
    points = f"{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}"
    return f'<polygon points="{points}" fill="{fill}" stroke="{colour}" stroke-width="2"/>'


def _item(item: TimelineItem, scale: _Scale, y: int) -> list[str]:
    middle = y + ROW // 2
    parts = [
        f'<g role="listitem" aria-label="{_text(describe_timeline_item(item))}">',
        f"<title>{_text(describe_timeline_item(item))}</title>",
        f'<text x="0" y="{middle + 5}" fill="{INK}">{_text(item.title, 38)}</text>',
    ]
    for span in item.earlier:  # earlier schedules, faint and dashed
        x1, x2 = scale.x(span.start), scale.x(span.end)
        if span.start == span.end:
            parts.append(_mark(x1, middle, FAINT, filled=False).replace("/>", ' opacity="0.6"/>'))
        else:
            parts.append(
                f'<rect x="{x1}" y="{middle - 6}" width="{max(x2 - x1, 4)}" height="12" '
                f'fill="none" stroke="{FAINT}" stroke-dasharray="4 3" opacity="0.7"/>'
            )
    current = item.current
    colour = LATE if item.state == OVERDUE else (GOOD if item.state == DONE else PLAN)
    words = []
    end_x: float = scale.left
    if current is not None:
        x1, x2 = scale.x(current.start), scale.x(current.end)
        if current.start == current.end:
            parts.append(_mark(x1, middle, colour))
            end_x = x1 + 10
        else:
            parts.append(
                f'<rect x="{x1}" y="{middle - 7}" width="{max(x2 - x1, 4)}" height="14" '
                f'rx="3" fill="{colour}"/>'
            )
            end_x = x2 + 4
    if item.earlier:
        words.append("moved")
    if item.state == DONE and item.done is not None:
        x = scale.x(item.done)
        parts.append(
            f'<path d="M{x - 6},{middle} l4,5 l9,-11" fill="none" stroke="{GOOD}" '
            'stroke-width="3"/>'
        )
        words.append(f"done {_short(item.done)}")
        end_x = max(end_x, x + 10)
    elif item.state == OVERDUE:
        words.append("overdue")
    if words:
        parts.append(
            f'<text x="{end_x + 4}" y="{middle + 5}" font-size="13" fill="{INK}">'
            f"{escape(', '.join(words))}</text>"
        )
    parts.append("</g>")
    return parts


def timeline_svg(items: list[TimelineItem], today: date, chart_id: str = "timeline") -> str:
    """The dated milestones as rows across the weeks; milestones to be confirmed are left
    for the page to list apart."""
    dated = [item for item in items if item.current is not None or item.earlier]
    first, last = timeline_range(dated, today)
    scale = _Scale(first, last)
    bottom = TOP + ROW * max(len(dated), 1)
    height = bottom + 24
    summary = (
        "; ".join(describe_timeline_item(item) for item in dated) or "No milestone has a date yet."
    )
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="14" class="chart">',
        f'<title id="{chart_id}-title">Timeline of the milestones, as of {_short(today)} '
        f"{today.year}</title>",
        f'<desc id="{chart_id}-desc">{_text(summary)}</desc>',
        *_axis(scale, bottom),
        '<g role="list">',
    ]
    for row, item in enumerate(dated):
        parts += _item(item, scale, TOP + row * ROW)
    parts.append("</g>")
    x = scale.x(today)
    parts += [
        f'<line x1="{x}" y1="{TOP - 14}" x2="{x}" y2="{bottom}" stroke="{TODAY_INK}" '
        'stroke-width="2" stroke-dasharray="6 3"/>',
        f'<text x="{x + 4}" y="{bottom + 18}" fill="{TODAY_INK}" font-weight="bold">'
        f"Today, {_short(today)}</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def funnel_svg(stages: list[FunnelStage], chart_id: str = "funnel") -> str:
    """A bar for each stage: how many reached it (solid), how many left from it (hatched)."""
    most = max((stage.reached for stage in stages), default=0) or 1
    left, right = LABEL_WIDTH, WIDTH - 260
    per = (right - left) / most
    height = TOP + ROW * len(stages) + 10
    summary = "; ".join(
        f"{visible(s.title)}: {s.reached} reached, {s.left_total} left here" for s in stages
    )
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="14" class="chart">',
        f'<title id="{chart_id}-title">Funnel: how many candidates reached each stage and '
        "how many left there</title>",
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        "<defs>",
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="white"/><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{LATE}" stroke-width="3"/></pattern>',
        "</defs>",
        f'<rect x="{left}" y="8" width="14" height="14" fill="{PLAN}"/>',
        f'<text x="{left + 20}" y="20">reached the stage</text>',
        f'<rect x="{left + 170}" y="8" width="14" height="14" fill="url(#{chart_id}-hatch)" '
        f'stroke="{LATE}"/>',
        f'<text x="{left + 190}" y="20">left at the stage</text>',
    ]
    for row, stage in enumerate(stages):
        y = TOP + row * ROW
        middle = y + ROW // 2
        reached = round(stage.reached * per, 1)
        gone = round(stage.left_total * per, 1)
        parts += [
            f"<g><title>{_text(stage.title)}: {stage.reached} reached, "
            f"{stage.left_total} left here</title>",
            f'<text x="0" y="{middle + 5}" fill="{INK}">{_text(stage.title, 38)}</text>',
            f'<rect x="{left}" y="{middle - 12}" width="{max(reached, 1)}" height="12" '
            f'fill="{PLAN}"/>',
        ]
        if gone:
            parts.append(
                f'<rect x="{left}" y="{middle + 1}" width="{gone}" height="10" '
                f'fill="url(#{chart_id}-hatch)" stroke="{LATE}"/>'
            )
        words = f"{stage.reached} reached"
        if stage.left_total:
            words += f", {stage.left_total} left"
        parts.append(
            f'<text x="{left + max(reached, gone) + 8}" y="{middle + 5}" fill="{INK}">'
            f"{words}</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
