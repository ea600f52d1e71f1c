"""The report's layout decided in Python: which axis labels of the timeline are drawn (so
that none overlaps another), and which tokens of typed text may break anywhere. How a
browser draws the result is tests/test_report_browser.py's (measured there)."""

from __future__ import annotations

import itertools
import re

from tests.report_helpers import Page

from dgtracker.report.charts_svg import GAP, WIDTH, spaced, text_width
from dgtracker.report.page import breakable


def test_text_width_is_at_least_arials() -> None:
    # Widths Chromium measured (getBBox) in the chart's font, Arial or its metric twin
    # Liberation Sans: the months bold at 14 px, the days at 12. The estimate may be wider,
    # never narrower, or labels placed by it would touch.
    for text, size, bold, drawn in [("Jan 2026", 14, True, 59.4), ("Sep 2026", 14, True, 60.9),
                                    ("May 2026", 14, True, 62.5), ("Mar 2026", 14, True, 60.1),
                                    ("23", 12, False, 13.7)]:  # fmt: skip
        assert drawn <= text_width(text, size, bold) <= drawn * 1.4, text


def test_spaced_thins_labels_that_would_overlap_keeping_the_later() -> None:
    # A chart that starts in the last week of January: "Jan 2026" a week before
    # "Feb 2026" would print as "Jan 2Feb 2026"; the month that only begins it gives way.
    months = [(310.0, "Jan 2026"), (350.0, "Feb 2026"), (520.0, "Mar 2026")]
    assert spaced(months, 14, bold=True) == [1, 2]
    # Weeks 12 pixels apart: every label kept ends a gap before the next one kept.
    days = [(310.0 + 12 * n, str(1 + 7 * n % 28)) for n in range(40)]
    kept = spaced(days, 12)
    assert 5 < len(kept) < 40 and kept[-1] == 39
    for a, b in itertools.pairwise(kept):
        assert days[a][0] + text_width(days[a][1], 12) + GAP <= days[b][0]
    # Room enough: nothing is dropped; and nothing runs off the chart's right edge.
    assert spaced([(0.0, "1"), (100.0, "8")], 12) == [0, 1]
    assert spaced([(WIDTH - 10.0, "Dec 2026")], 14, bold=True) == []


def _axis_labels(page: str) -> dict[str, list[tuple[float, str]]]:
    svg = page.split('<svg viewBox="0 0 960', 1)[1].split("</svg>", 1)[0]
    found = re.findall(r'<text x="([\d.]+)" y="(18|38)"[^>]*>([^<]*)</text>', svg)
    rows: dict[str, list[tuple[float, str]]] = {"18": [], "38": []}
    for x, y, words in found:
        rows[y].append((float(x), words))
    return rows


def test_a_years_timeline_draws_labels_apart(cli, tmp_path) -> None:
    """Through the CLI: a timeline from January to December gets a month label wherever
    there is room for one, and no two labels on a line overlap."""
    cli.ok("milestone", "reschedule", "closing", "2026-01-30", "--reason", "early")
    cli.ok("milestone", "reschedule", "interviews", "2026-12-07..2026-12-11", "--reason", "diary")
    out = tmp_path / "year.html"
    cli.ok("report", "-o", str(out))
    rows = _axis_labels(out.read_text(encoding="utf-8"))
    months = [words for _, words in rows["18"]]
    assert "Jan 2026" not in months and months[0] == "Feb 2026" and "Dec 2026" in months
    assert len(months) >= 6 and len(rows["38"]) >= 12
    for y, size, bold in (("18", 14, True), ("38", 12, False)):
        row = rows[y]
        for (x1, a), (x2, _) in itertools.pairwise(row):
            assert x1 + text_width(a, size, bold) + GAP <= x2, (a, x1, x2)


def test_only_long_unbroken_tokens_may_break_anywhere() -> None:
    email = "a.very.long.address.with.no.spaces@an-equally-long-example-domain.org"
    shown = str(breakable(f"Wrote from {email}: <b>took</b> a post & left"))
    assert shown == (f'Wrote from <span class="w">{email}:</span> &lt;b&gt;took&lt;/b&gt; '
                     "a post &amp; left")  # fmt: skip
    assert str(breakable("Did not meet the essential criteria on leadership")) == (
        "Did not meet the essential criteria on leadership"
    )


def test_every_cell_is_labelled_with_its_column_for_narrow_windows(cli, tmp_path) -> None:
    """On a phone each row is a card whose cells are headed by their column's name (a
    data-label the style sheet shows): every cell of every table has its column's."""
    from tests.report_helpers import make_campaign

    make_campaign(cli)
    for audience in ("panel", "commission"):
        out = tmp_path / f"{audience}.html"
        cli.ok("report", "--for", audience, "-o", str(out))
        page = out.read_text(encoding="utf-8")
        assert Page(page).captions  # the tables are there
        for table in re.findall(r"<table.*?</table>", page, re.S):
            heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
                cells = re.findall(r"<t([hd])([^>]*)>", row)
                if len(cells) == 1:  # "No candidates yet." across the columns
                    continue
                labels = [re.search(r'data-label="([^"]*)"', a) for _, a in cells]
                expected = [None if kind == "h" else heads[n] for n, (kind, _) in
                            enumerate(cells)]  # fmt: skip
                assert [m and m[1] for m in labels] == expected, row
