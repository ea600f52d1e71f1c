"""The report in a real browser: Debian's headless Chromium (installed by .ci/run).

Screenshots read with Pillow, PDFs with poppler's pdfinfo and pdftotext, the DOM as the
browser built it (--dump-dom), and every request the browser makes sent through a local
proxy that counts them. Without Chromium these tests skip, except in CI (CI=true), where
a missing browser is a failure.
"""

from __future__ import annotations

import http.server
import itertools
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from tests.report_helpers import Page, make_campaign

from dgtracker.report.browser import find_browser, headless_arguments

pytestmark = pytest.mark.heavy  # a real headless Chromium: seconds per test

PLAN_BLUE = bytes.fromhex("1d70b8")  # charts_svg.PLAN: the bars of both charts
TODAY_PURPLE = bytes.fromhex("912b88")  # charts_svg.TODAY_INK: the timeline's today line


def _needed(found: str | None, what: str) -> str:
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed; .ci/run installs it (apt-get install -y ...)")
    pytest.skip(f"{what} is not installed (apt-get install -y chromium poppler-utils)")


@pytest.fixture(scope="module")
def browser() -> str:
    return _needed(find_browser(), "Chromium")


@pytest.fixture(scope="module")
def poppler() -> str:
    return _needed(shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils")


def headless(browser: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run(
        [browser, *headless_arguments(profile), *arguments],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture
def panel_page(cli, tmp_path) -> Path:
    make_campaign(cli)
    out = tmp_path / "panel.html"
    cli.ok("report", "-o", str(out))
    return out


def _rows_with(pixels: bytes, width: int, height: int, colour: bytes) -> list[int]:
    stride = width * 3
    return [y for y in range(height) if colour in pixels[y * stride : (y + 1) * stride]]


def test_screenshot_shows_the_page_and_both_charts(browser, panel_page, tmp_path) -> None:
    from PIL import Image

    shot = tmp_path / "shot.png"
    headless(browser, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
             "--hide-scrollbars", panel_page.as_uri())  # fmt: skip
    image = Image.open(shot).convert("RGB")
    width, height = image.size
    assert (width, height) == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20  # not blank
    white = max(colours)[0]
    assert white < width * height * 0.97  # something is drawn over the background
    pixels = image.tobytes()
    today_rows = _rows_with(pixels, width, height, TODAY_PURPLE)
    blue_rows = _rows_with(pixels, width, height, PLAN_BLUE)
    assert len(today_rows) > 40  # the timeline's today line runs down its rows
    timeline_bars = [y for y in blue_rows if min(today_rows) <= y <= max(today_rows)]
    funnel_bars = [y for y in blue_rows if y > max(today_rows) + 100]
    assert timeline_bars, "no milestone bar drawn in the timeline"
    assert len(funnel_bars) > 30, "the funnel's bars are missing"


HEADER_WORDS = {"Candidate", "Applied", "Furthest", "stage", "Outcome", "on", "Reason", "Route"}


def test_at_200_percent_zoom_the_page_reflows(cli, browser, panel_page, tmp_path) -> None:
    """640 CSS pixels drawn at scale 2 (a 1280-pixel window at 200%): nothing reaches into
    the page's right margin, so no line of text runs off the side, even a long one."""
    from PIL import Image

    long_email = "a.very.long.address.with.no.spaces@an-equally-long-example-domain.org"
    cli.ok("add-candidate", "Wolfeschlegelsteinhausenbergerdorff" * 3, "--email", long_email)
    cli.ok("report", "-o", str(panel_page), "--force")

    shot = tmp_path / "zoomed.png"
    headless(browser, tmp_path, f"--screenshot={shot}", "--window-size=640,3000",
             "--force-device-scale-factor=2", "--hide-scrollbars", panel_page.as_uri())  # fmt: skip
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 6000)
    margin = image.crop((1280 - 32, 0, 1280, 6000))  # the body's right padding is 40 pixels
    assert margin.getcolors() == [(32 * 6000, (255, 255, 255))]
    text = image.crop((0, 0, 1280 - 32, 6000)).getcolors(maxcolors=1 << 20)
    assert text is not None and len(text) > 20  # and the page is there


def test_print_to_pdf_keeps_rows_whole_and_repeats_headers(cli, browser, poppler, tmp_path) -> None:
    for n in range(70):
        cli.ok("add-candidate", f"Person {n}", "--applied", "2026-01-19")
    long_reason = "Did not meet the essential criteria on leadership of digital delivery " * 4
    for n in range(1, 71, 3):  # rows several lines tall, so that a page break could cut one
        cli.ok("move", f"c{n:03d}", "rejected", "--reason", long_reason)
    page = tmp_path / "commission.html"
    cli.ok("report", "--for", "commission", "-o", str(page))
    pdf = tmp_path / "report.pdf"
    headless(browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info.stdout, re.M)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    sheets = text.split("\f")[:pages]
    # Each section starts a page: timeline, funnel, competition record (over pages), trail.
    starts = [n for n, sheet in enumerate(sheets) if re.search(r"^\s*(Timeline|Pipeline funnel|"
              r"Competition record|Change trail)\s*$", sheet, re.M)]  # fmt: skip
    assert len(starts) == 4 and starts == sorted(set(starts))
    assert 5 <= pages <= 20, pages
    seen = []
    for sheet in sheets:
        lines = [line for line in sheet.splitlines() if line.strip()]
        ids = [n for n, line in enumerate(lines) if re.match(r"^\s*c\d{3}\s", line)]
        if not ids:
            continue
        # The table's header is repeated on every page, and right after it comes the
        # first line of a row, never the tail of one cut at the foot of the page before.
        header = next(n for n, line in enumerate(lines) if "Furthest" in line)
        assert header < ids[0]
        assert all(set(line.split()) <= HEADER_WORDS for line in lines[header + 1 : ids[0]])
        seen += [re.match(r"^\s*(c\d{3})", lines[n])[1] for n in ids]  # type: ignore[index]
    assert seen == [f"c{n:03d}" for n in range(1, 71)]  # every row, once, whole, in order


def test_the_dom_has_headings_table_headers_and_chart_alternatives(
    browser, panel_page, tmp_path
) -> None:
    dom = headless(browser, tmp_path, "--dump-dom", panel_page.as_uri()).stdout
    page = Page(dom)
    assert [h for h in page.headings if h[0] == "h2"] == [
        ("h2", "Timeline"),
        ("h2", "Pipeline funnel"),
        ("h2", "Candidates"),
    ]
    assert ("h1", "Director General for Technology, Digital and Data") in page.headings
    assert len(page.header_scopes) > 20 and set(page.header_scopes) == {"col", "row"}
    assert len(page.svgs) == 2 and all(svg["role"] == "img" for svg in page.svgs)
    for svg in page.svgs:
        title, desc = (svg["aria-labelledby"] or "").split()
        assert f'id="{title}"' in dom and f'id="{desc}"' in dom
    assert len(page.svg_descs) == 2 and all(page.svg_descs)
    assert [c for c in page.captions if "text alternative" in c] == [
        "The milestones in words (the chart's text alternative)",
        "The funnel in numbers (the chart's text alternative)",
    ]
    assert "script" not in page.tags


class _Counting(http.server.BaseHTTPRequestHandler):
    """A proxy that answers nothing and remembers every request the browser made."""

    seen: ClassVar[list[str]] = []

    def _note(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        self.send_error(404)

    do_GET = do_POST = do_HEAD = do_CONNECT = _note

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    _Counting.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", _Counting.seen
    finally:
        server.shutdown()
        server.server_close()


# Chromium's own service calls, which it makes whatever page it shows (even with background
# networking off): the component updater, its clock check and the sign-in service, and
# www.google.com, which Chromium 150 connects to itself (it did with the control page,
# which names only example.test and fonts.googleapis.com).
# Listed by exact host, so a page's request to any other Google host (fonts.googleapis.com,
# say) still counts.
BROWSER_OWN = {
    "accounts.google.com",
    "update.googleapis.com",
    "clients2.google.com",
    "www.google.com",
}


def _host(request: str) -> str:
    target = request.split(" ", 1)[1]
    return re.sub(r"^[a-z]+://", "", target).split("/", 1)[0].rsplit(":", 1)[0]


def test_loading_the_page_makes_no_network_request(browser, panel_page, tmp_path, proxy) -> None:
    address, every_request = proxy
    through_proxy = [f"--proxy-server=http://{address}", "--proxy-bypass-list=<-loopback>"]
    # The check works: a page that does fetch something is caught.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://example.test/pixel.png">'
                       '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">',
                       encoding="utf-8")  # fmt: skip
    headless(browser, tmp_path, *through_proxy, "--dump-dom", control.as_uri())
    seen = [r for r in every_request if _host(r) not in BROWSER_OWN]
    assert {_host(r) for r in seen} == {"example.test", "fonts.googleapis.com"}, seen
    every_request.clear()
    for audience in ("panel", "commission"):
        headless(browser, tmp_path, *through_proxy, "--dump-dom", panel_page.as_uri())
        shot = tmp_path / f"{audience}.png"
        headless(browser, tmp_path, *through_proxy, f"--screenshot={shot}",
                 "--window-size=1280,2000", panel_page.as_uri())  # fmt: skip
    assert [r for r in every_request if _host(r) not in BROWSER_OWN] == []


def test_report_pdf_through_the_cli(cli, browser, poppler, tmp_path, monkeypatch) -> None:
    make_campaign(cli)
    pdf = tmp_path / "panel.pdf"
    said = cli.ok("report", "--pdf", str(pdf))
    assert f"Wrote {pdf}: the panel report as of 2026-02-02." in said
    assert pdf.read_bytes().startswith(b"%PDF") and oct(pdf.stat().st_mode)[-3:] == "600"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Pipeline funnel" in text and "Ada Lovelace" in text
    again = cli("report", "--pdf", str(pdf))
    assert again.exit_code == 1 and "already exists" in again.output
    # $DGTRACKER_BROWSER chooses the browser, even when none is on PATH.
    monkeypatch.setenv("DGTRACKER_BROWSER", browser)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    cli.ok("report", "--for", "commission", "--pdf", str(pdf), "--force")
    text = subprocess.run(["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout  # fmt: skip
    assert "Competition record" in text and "Ada" not in text


# The page's own policy forbids scripts; the copy measured here allows one, which measures
# the page and posts the numbers to a frame around it. The frame sets the window's width:
# a headless window is never narrower than 500 pixels, a phone is 390.
_PROBE = """<script>
addEventListener("load", () => {
  const page = document.documentElement;
  const axis = document.querySelector("svg.chart").querySelectorAll(":scope > text");
  const labels = [...axis].filter(text => ["18", "38"].includes(text.getAttribute("y")))
    .map(text => {  // the months' line (y 18) and the days' line (y 38)
      const box = text.getBoundingClientRect();
      const kind = text.getAttribute("y") == "18" ? "month" : "day";
      return [kind, box.left, box.right, text.textContent];
    });
  parent.postMessage(JSON.stringify({scroll: page.scrollWidth, inner: innerWidth, labels}), "*");
});
</script>"""
_FRAME = """<!DOCTYPE html><body style="margin:0">
<iframe src="probed.html" width="{width}" height="{height}" style="border:0"></iframe>
<script>addEventListener("message", event => {{
  const out = document.createElement("pre"); out.id = "probe"; out.textContent = event.data;
  document.body.append(out);
}});</script>"""


def measure(browser: str, tmp_path: Path, page: Path, width: int, height: int) -> dict:
    """The page at a window `width` CSS pixels wide: its scroll width, the window's inner
    width, and the box of each axis label of the timeline (class, left, right, text)."""
    import html
    import json

    text = page.read_text(encoding="utf-8")
    policy = "default-src 'none';"
    assert policy in text
    text = text.replace(policy, f"{policy} script-src 'unsafe-inline';")
    (tmp_path / "probed.html").write_text(text.replace("</body>", f"{_PROBE}</body>"), "utf-8")
    frame = tmp_path / "frame.html"
    frame.write_text(_FRAME.format(width=width, height=height), encoding="utf-8")
    dom = headless(browser, tmp_path, "--window-size=1400,1000", "--virtual-time-budget=5000",
                   "--dump-dom", frame.as_uri()).stdout  # fmt: skip
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found[1]))


LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff Montgomery-Featherstonehaugh"
LONG_EMAIL = "a.very.long.address.with.no.spaces@an-equally-long-example-domain.org"
MERIT_CRITERIA = ("transformation", "data-strategy", "big-picture", "leadership",
                  "communicating", "delivering")  # fmt: skip


@pytest.fixture
def merit_page(cli, tmp_path) -> Path:
    """A panel's page as a panel sees it after interviews: a long merit table (a column for
    each of six criteria, notes on most rows), long names, and an email in a reason."""
    make_campaign(cli)
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair")
    for n in range(12):
        cli.ok("add-candidate", f"{LONG_NAME} {n}", "--email", f"n{n}.{LONG_EMAIL}",
               "--applied", "2026-01-20")  # fmt: skip
    for n in range(9, 21):
        cid = f"c{n:03d}"
        cli.ok("move", cid, "interview")
        marks = [f"{c}={(n + i) % 5 + 3}" for i, c in enumerate(MERIT_CRITERIA)]
        cli.ok("score", cid, "interview", *marks[: 6 - n % 3], "--agreed")
    cli.ok("move", "c008", "rejected", "--reason", f"Asked by {LONG_EMAIL} to step back")
    out = tmp_path / "merit.html"
    cli.ok("report", "-o", str(out))
    assert 'id="merit-heading"' in out.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("width, height", [(390, 844), (640, 800)], ids=["phone", "zoom-200"])
def test_the_page_is_never_wider_than_the_window(browser, merit_page, tmp_path, width, height):
    """A phone (390 CSS pixels) and a 1280-pixel window at 200% zoom (640): no sideways
    scroll, however long the merit table, the names or the emails."""
    seen = measure(browser, tmp_path, merit_page, width, height)
    assert seen["inner"] == width
    assert seen["scroll"] <= seen["inner"], seen["scroll"]


def _overlaps(labels: list[list]) -> list[tuple[str, str]]:
    clashes = []
    for kind in ("month", "day"):
        row = sorted((left, right, text) for cls, left, right, text in labels if cls == kind)
        clashes += [(a[2], b[2]) for a, b in itertools.pairwise(row) if a[1] > b[0]]
    return clashes


@pytest.mark.parametrize("width", [1280, 640, 390])
def test_the_timeline_labels_never_overlap(cli, browser, tmp_path, width) -> None:
    """Months and days along the top of the timeline, measured as the browser draws them:
    a chart that starts in the last week of January and runs a year is the hard case."""
    cli.ok("milestone", "reschedule", "closing", "2026-01-30", "--reason", "early")
    cli.ok("milestone", "reschedule", "interviews", "2026-12-07..2026-12-11", "--reason", "diary")
    page = tmp_path / "year.html"
    cli.ok("report", "-o", str(page))
    labels = measure(browser, tmp_path, page, width, 900)["labels"]
    months = [text for cls, _, _, text in labels if cls == "month"]
    assert len(months) >= 6 and "Dec 2026" in months, months  # thinned, not gone
    assert _overlaps(labels) == []


def test_the_pdf_gives_the_merit_notes_room_for_their_words(browser, poppler, merit_page,
                                                            tmp_path) -> None:  # fmt: skip
    """Printed on A4, the merit table's notes read as words: "below the bar: delivering."
    stays whole on its line rather than broken a few letters to a line."""
    pdf = tmp_path / "merit.pdf"
    headless(browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             merit_page.as_uri())  # fmt: skip
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    merit = text.split("Merit order at", 1)[1].split("Candidates", 1)[0]
    html = merit_page.read_text(encoding="utf-8")
    below = html.split('id="merit-heading"', 1)[1].count("below the bar:")
    assert below >= 3
    assert merit.count("below the bar:") == below, merit
    for criterion in MERIT_CRITERIA:  # each name of a criterion whole, on one line
        assert re.search(rf"(^|\s){criterion}[.,]", merit, re.M), (criterion, merit)
