"""A headless Chromium or Chrome, to print the report to PDF: finding one, and running it.

The browser is found by $DGTRACKER_BROWSER, else on PATH (chromium, chromium-browser,
google-chrome, google-chrome-stable). It runs with a throw-away profile, no first-run
pages and no background networking; the page itself allows no network request (its
Content-Security-Policy), so printing works offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from dgtracker.errors import Refused
from dgtracker.platform_calls import is_root

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENVIRONMENT = "DGTRACKER_BROWSER"
TIMEOUT_SECONDS = 120
HOW_TO_INSTALL = (
    "Install Chromium or Google Chrome (on Debian or Ubuntu: sudo apt-get install chromium), "
    f"or set {ENVIRONMENT} to the browser's program. Or write the page with -o and print "
    "it from any browser."
)


def find_browser() -> str | None:
    """The program to run, or None when no browser is installed."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def headless_arguments(profile: Path) -> list[str]:
    """The switches that make a browser a quiet, offline, one-shot printer."""
    arguments = [
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
    ]
    if is_root():  # Chromium refuses to sandbox as root
        arguments.append("--no-sandbox")
    return arguments


def print_to_pdf(html: str, target: Path, *, force: bool, record_path: Path) -> None:
    """Print the page to `target` (mode 0600), replacing it only with `force`."""
    program = find_browser()
    if program is None:
        raise Refused("No Chromium or Chrome was found to print the PDF.", hint=HOW_TO_INSTALL)
    from dgtracker.exchange.safe_files import check_target, write_export

    # What -o refuses, --pdf refuses, before the browser is started.
    check_target(target, force=force, record_path=record_path, option="--pdf")
    with tempfile.TemporaryDirectory(prefix="dgtracker-print-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(scratch) / "report.pdf"
        command = [
            program,
            *headless_arguments(Path(scratch) / "profile"),
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Refused(f"{program} could not print the PDF ({error}).") from None
        if not printed.is_file() or printed.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise Refused(f"{program} did not print the PDF (exit {done.returncode}: {last}).")
        data = printed.read_bytes()
        write_export(target, data, force=force, record_path=record_path, option="--pdf")
