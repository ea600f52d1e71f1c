"""`dgtracker report`: the page's content for a panel and for the Commission, written
through the real CLI; what a browser makes of it is tests/test_report_browser.py's."""

from __future__ import annotations

import html
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import in_process
from tests.report_helpers import HOSTILE, Page, make_campaign

ROOT = Path(__file__).resolve().parent.parent


def _report(cli, tmp_path: Path, *options: str) -> str:
    out = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.html"
    said = cli.ok("report", "-o", str(out), *options)
    assert f"Wrote {out}" in said
    return out.read_text(encoding="utf-8")


def test_panel_report_holds_the_campaign_timeline_funnel_and_candidates(cli, tmp_path) -> None:
    make_campaign(cli)
    page_text = _report(cli, tmp_path)
    page = Page(page_text)
    assert page.headings == [
        ("h1", "Director General for Technology, Digital and Data"),
        ("h2", "Timeline"),
        ("h3", "To be confirmed"),
        ("h2", "Pipeline funnel"),
        ("h2", "Candidates"),
    ]
    assert "Campaign report as of Mon 2 Feb 2026" in page_text
    # Names are shown, escaped (never as markup) and in full.
    assert 'Grace "<b>Hopper</b>" & Co' in html.unescape(page_text)
    assert "<b>" not in page_text and "<script>" not in page_text
    # The reserve list comes last, with its rank, and reasons are shown.
    rows = re.findall(r"<tr><td[^>]*>(c\d{3})</td>", page_text)
    assert rows[-1] == "c005" and sorted(rows) == [f"c{n:03d}" for n in range(1, 9)]
    assert "lacked evidence" in page_text


def test_report_goes_to_stdout_without_o_and_keeps_files_safe(cli, tmp_path) -> None:
    page_text = cli.ok("report")
    assert page_text.startswith("<!DOCTYPE html>") and page_text.rstrip().endswith("</html>")
    out = tmp_path / "r.html"
    cli.ok("report", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it can hold personal data
    again = cli("report", "-o", str(out))
    assert again.exit_code == 1 and "already exists" in again.output and "--force" in again.output
    cli.ok("report", "-o", str(out), "--force", "--for", "commission")
    assert "Competition record" in out.read_text(encoding="utf-8")
    onto_record = cli("report", "-o", str(cli.path))
    assert onto_record.exit_code == 1 and "the record itself" in onto_record.output
    assert cli.data()["campaign"]["id"] == "dhsc-dg-tdd-2026"  # untouched


def test_the_page_loads_nothing_from_anywhere(cli, tmp_path) -> None:
    make_campaign(cli)
    for audience in ("panel", "commission"):
        page_text = _report(cli, tmp_path, "--for", audience)
        assert not re.search(r"https?:|//[a-z]|\bsrc\s*=|\bhref\s*=|@import", page_text, re.I)
        assert not re.search(r"<(script|link|iframe|object|embed|img)\b", page_text, re.I)
        assert set(re.findall(r"url\(([^)]*)\)", page_text)) == {"#funnel-hatch"}
        assert "default-src 'none'" in page_text  # and the browser is told so


def test_charts_have_text_alternatives_and_tables_have_headers(cli, tmp_path) -> None:
    make_campaign(cli)
    page = Page(_report(cli, tmp_path, "--for", "commission"))
    assert [svg["role"] for svg in page.svgs] == ["img", "img"]
    assert all(svg["aria-labelledby"] for svg in page.svgs)
    assert page.svg_titles[0].startswith("Timeline of the milestones")
    assert "Applications close: Mon 9 Feb 2026; done 2026-02-01" in page.svg_descs[0]
    assert "Applied: 8 reached, 2 left here" in page.svg_descs[1]
    assert sum("text alternative" in caption for caption in page.captions) == 2
    assert page.header_scopes and all(scope in {"col", "row"} for scope in page.header_scopes)


def test_timeline_shows_reschedules_and_today(cli, tmp_path) -> None:
    make_campaign(cli)
    page_text = _report(cli, tmp_path)
    # The interviews were first planned for early March and moved once.
    assert "early March 2026 (1–10 Mar) (moved 1 time)" in page_text
    assert 'stroke-dasharray="4 3"' in page_text  # the earlier window, drawn faint
    assert "Today, 2 Feb" in page_text
    assert ">Sift and longlist</li>" in page_text  # to be confirmed, listed apart


def _funnel_rows(page_text: str) -> dict[str, list[str]]:
    table = page_text.split("The funnel in numbers", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\"[^>]*>(.*?)</tr>", table, re.S):
        title, rest = row.split("</th>", 1)
        rows[html.unescape(title)] = re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)
    return rows


def test_funnel_counts_who_reached_each_stage_and_who_left_why(cli, tmp_path) -> None:
    make_campaign(cli)
    rows = _funnel_rows(_report(cli, tmp_path))
    # reached, there now, left here
    assert rows["Applied"][:3] == ["8", "2", "2"]  # c001 and c008 there; c003, c007 left
    assert rows["Longlist (sift)"][:3] == ["4", "0", "1"]  # c004 withdrew from the longlist
    assert rows["Final interview"][:3] == ["2", "0", "1"]  # c005 to the reserve list
    assert rows["Appointed"][:3] == ["1", "1", "0"]
    assert "Not progressed: 2" in rows["Applied"][3]
    assert "Withdrawn: 1" in rows["Longlist (sift)"][3]


def _commission_html(cli, tmp_path, people) -> str:
    make_campaign(cli, people)
    return _report(cli, tmp_path, "--for", "commission")


def _forms(value: str) -> set[str]:
    """Every way a piece of personal data could appear in the page's source."""
    parts = {value, *re.split(r"[\s,.@+()-]+", value)}
    parts = {p for p in parts if len(p) > 1}
    digits = re.sub(r"\D", "", value)
    if len(digits) > 5:
        parts.add(digits)
    return parts


def test_commission_report_holds_no_name_email_or_phone(cli, tmp_path, record_path) -> None:
    """Whatever candidates typed: the page is compared with the same campaign made with
    neutral stand-ins, so a name that is also a word of the page ("Data") is only allowed
    where it appears anyway."""
    real = _commission_html(cli, tmp_path, HOSTILE)
    from tests.conftest import Cli

    neutral_people = [
        (f"Qqperson Number{n}", f"nobody{n}@invalid.test", "") for n in range(len(HOSTILE))
    ]
    neutral_cli = Cli(tmp_path / "neutral.toml")
    neutral_cli.ok("init")
    neutral = _commission_html(neutral_cli, tmp_path, [(n, e, "000") for n, e, _ in neutral_people])
    for source in (lambda page: page, html.unescape):  # as written, and as a reader sees it
        folded_real, folded_neutral = source(real).casefold(), source(neutral).casefold()
        for name, email, phone in HOSTILE:
            for value in (name, email, phone):
                for form in _forms(value):
                    here = folded_real.count(form.casefold())
                    anyway = folded_neutral.count(form.casefold())
                    assert here <= anyway, f"{form!r} from {value!r} is in the commission page"
    digits_only = re.sub(r"\D", "", real)
    for _, _, phone in HOSTILE:
        assert re.sub(r"\D", "", phone) not in digits_only
    # ... and still says what happened, by candidate id.
    assert "Reserve list (rank 1)" in real and "[removed] lacked evidence" in real
    assert "c006</th>" in real and "Appointed" in real
    assert "Change trail" in real and "tester" in real


def test_pdf_without_a_browser_says_how_to_get_one(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("DGTRACKER_BROWSER", raising=False)
    result = cli("report", "--pdf", str(tmp_path / "r.pdf"))
    assert result.exit_code == 1
    assert "No Chromium, Chrome or Edge was found" in result.output
    assert "apt-get install chromium" in result.output and "DGTRACKER_BROWSER" in result.output
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.heavy
def test_the_template_ships_in_the_package(tmp_path) -> None:
    """Installed for real (not editable, not from the source tree), the report works."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    assert (target / "dgtracker" / "report" / "templates" / "report.html.j2").is_file()
    script = next((target / "bin").glob("dgtracker*"))
    env = {**os.environ, "PYTHONPATH": str(target)}
    record = str(tmp_path / "campaign.toml")

    def installed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), "--file", record, "--as-of", "2026-02-02", *args],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip

    assert installed("init").returncode == 0
    where = subprocess.run(
        [sys.executable, "-c", "import dgtracker; print(dgtracker.__file__)"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target))  # the installed copy, not src/
    done = installed("report")
    assert done.returncode == 0, done.stderr
    assert '<h2 id="timeline-heading">Timeline</h2>' in done.stdout


@pytest.mark.parametrize("audience", ["panel", "commission"])
def test_installed_script_writes_the_report(run, tmp_path, audience) -> None:
    record = str(tmp_path / "campaign.toml")
    assert in_process("--file", record, "init").returncode == 0
    out = tmp_path / "r.html"
    base = ["--file", record, "--as-of", "2026-02-02"]
    done = run(*base, "report", "--for", audience, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Pipeline funnel" in out.read_text(encoding="utf-8")


CRITERIA = ("transformation", "data-strategy", "big-picture", "leadership", "communicating")
MARKS = {  # the example criteria of the bundled campaign, then delivering
    "c001": [*(f"{c}={n}" for c, n in zip(CRITERIA, (6, 6, 5, 6, 5), strict=True)), "delivering=5"],
    "c002": [*(f"{c}={n}" for c, n in zip(CRITERIA, (7, 7, 6, 6, 6), strict=True)), "delivering=3"],
}


def test_the_merit_order_and_the_panel_are_in_the_report(cli, tmp_path) -> None:
    """The panel's page shows the merit order with each agreed mark and names; the
    Commission's shows the panel members and the same order by candidate id alone."""
    for name in ("Priya Shah", "Sam Reid"):
        cli.ok("add-candidate", name)
    cli.ok("panel", "add", "Dame Sue Owen", "--role", "chair")
    cli.ok("panel", "add", "Raj Patel", "--role", "member")
    for cid, marks in MARKS.items():
        cli.ok("move", cid, "interview")
        cli.ok("score", cid, "interview", *marks, "--agreed")
    panel_page, commission_page = tmp_path / "panel.html", tmp_path / "commission.html"
    cli.ok("report", "-o", str(panel_page))
    cli.ok("report", "--for", "commission", "-o", str(commission_page))
    panel = panel_page.read_text(encoding="utf-8")
    merit = panel.split('id="merit-heading"', 1)[1].split("</section>", 1)[0]
    assert "Merit order at Final interview" in merit
    # c001 is ranked; c002 has the better total but is below the bar on delivering
    assert merit.index("c001 Priya Shah") < merit.index("c002 Sam Reid")
    assert "below the bar: delivering" in merit and ">39<" in merit
    commission = commission_page.read_text(encoding="utf-8")
    assert "Dame Sue Owen (chair); Raj Patel (member)." in commission
    record = commission.split('id="merit-heading"', 1)[1].split("</section>", 1)[0]
    assert "c001" in record and "c002" in record
    assert "Priya" not in commission and "Sam Reid" not in commission


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_pdf_refuses_what_o_refuses_before_printing(run, tmp_path) -> None:
    """--pdf FILE --force never replaces a pipe, a device or a link, as -o does not; the
    browser is not even started. The browser here only writes a PDF where it is told, so
    the test is about the file, not the printing. (The pipe is tried by the installed
    script, where a command that opened it would wait for a reader and time out rather than
    hang the test run; the rest runs in-process.)"""
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "for word in sys.argv:\n"
        "    if word.startswith('--print-to-pdf='):\n"
        "        open(word.split('=', 1)[1], 'wb').write(b'%PDF-1.4 printed')\n",
        encoding="utf-8",
    )
    browser.chmod(0o700)
    record = str(tmp_path / "campaign.toml")
    assert in_process("--file", record, "init").returncode == 0
    env = {"DGTRACKER_BROWSER": str(browser)}
    fifo = tmp_path / "panel.pdf"
    os.mkfifo(fifo)
    done = run("--file", record, "report", "--pdf", str(fifo), "--force", env=env)
    assert done.returncode == 1
    assert "is not a regular file" in done.stderr and "another path for --pdf" in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (tmp_path / "elsewhere.pdf").write_bytes(b"")
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "elsewhere.pdf")
    done = in_process("--file", record, "report", "--pdf", str(link), "--force", env=env)
    assert done.returncode == 1 and "symbolic link" in done.stderr
    assert (tmp_path / "elsewhere.pdf").read_bytes() == b""
    fine = tmp_path / "fine.pdf"
    done = in_process("--file", record, "report", "--pdf", str(fine), env=env)
    assert done.returncode == 0, done.stderr
    assert fine.read_bytes() == b"%PDF-1.4 printed"
    assert stat.S_IMODE(fine.stat().st_mode) == 0o600
