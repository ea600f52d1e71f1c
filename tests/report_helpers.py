"""Shared by the report tests: a campaign with a known shape, and parsing the page."""

from __future__ import annotations

from html.parser import HTMLParser

# Odd and hostile names: markup, quotes, scripts, right-to-left and invisible characters,
# and names that are parts of other words on the page ("Data", "Report", "Stage").
HOSTILE = [
    ("Ada Lovelace", "ada.lovelace@example.org", "+44 7700 900001"),
    ('Grace "<b>Hopper</b>" & Co', "grace+cv@example.co.uk", "07700 900 002"),
    ("<script>alert('x')</script>", "x@y.example", "(020) 7946 0003"),
    ("Data", "data@example.org", "+1-202-555-0104"),
    ("Report", "r@example.org", "0044 20 7946 0005"),
    ("O'Brien-Ní Dhomhnaill", "obrien@example.ie", "+353 1 555 0106"),
    ("محمد عبد الله", "mohammed@example.org", "+971 50 555 0107"),
    ("Zoë\u00a0Stage", "zoe@example.org", "07700900108"),
]


def make_campaign(cli, people=HOSTILE) -> None:
    """Candidates at every kind of outcome, with reasons that mention them."""
    for name, email, phone in people:
        cli.ok("add-candidate", name, "--email", email, "--phone", phone, "--applied", "2026-01-20")
    cli.ok("move", "c002", "longlist")
    cli.ok("move", "c002", "shortlist")
    cli.ok("move", "c003", "rejected", "--reason", f"{people[2][0]} lacked evidence")
    cli.ok("move", "c004", "longlist")
    cli.ok("move", "c004", "withdrawn", "--reason", f"Wrote from {people[3][1]}: took a post")
    cli.ok("move", "c005", "longlist")
    cli.ok("move", "c005", "interview")
    cli.ok("move", "c005", "reserve", "--rank", "1")
    cli.ok("move", "c006", "interview")
    cli.ok("move", "c006", "appointed")
    cli.ok("move", "c007", "rejected", "--reason", f"Call {people[6][2]} about feedback")
    cli.ok("milestone", "done", "closing", "--on", "2026-02-01", "--early")
    cli.ok("milestone", "reschedule", "interviews", "2026-03-09..2026-03-13", "--reason", "diary")


class Page(HTMLParser):
    """The page's headings, table headers, captions, scripts and chart alternatives."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.header_scopes: list[str | None] = []
        self.captions: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self.svg_titles: list[str] = []
        self.svg_descs: list[str] = []
        self.tags: set[str] = set()
        self._open: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in {"h1", "h2", "h3", "caption", "title", "desc"}:
            self._open, self._text = tag, []
        if tag == "th":
            self.header_scopes.append(dict(attrs).get("scope"))
        if tag == "svg":
            self.svgs.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._open:
            return
        text = " ".join("".join(self._text).split())
        if tag == "caption":
            self.captions.append(text)
        elif tag == "title" and self.svgs:
            self.svg_titles.append(text)
        elif tag == "desc":
            self.svg_descs.append(text)
        elif tag.startswith("h"):
            self.headings.append((tag, text))
        self._open = None
