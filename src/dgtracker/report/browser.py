"""A headless Chromium, Chrome or Edge, to print the report to PDF: finding one, and running it.

The browser is `report --browser PATH`, else $DGTRACKER_BROWSER, else the first found on
PATH (chromium, chromium-browser, google-chrome, google-chrome-stable, microsoft-edge,
msedge), else where each system installs one: on Windows under %ProgramFiles%,
%ProgramFiles(x86)% and %LocalAppData% (Chrome, Edge, Chromium), on macOS the application
bundles in /Applications and ~/Applications. It runs with a throw-away profile, no
first-run pages and no background networking; the page itself allows no network request
(its Content-Security-Policy), so printing works offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dgtracker.errors import Refused
from dgtracker.exchange.safe_files import check_target, write_export
from dgtracker.platform_calls import is_root

NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)
ENVIRONMENT = "DGTRACKER_BROWSER"
TIMEOUT_SECONDS = 120
# Under each of %ProgramFiles%, %ProgramFiles(x86)% and %LocalAppData%, as the installers put them.
WINDOWS_FOLDERS = ("ProgramFiles", "ProgramFiles(x86)", "LocalAppData")
WINDOWS_PROGRAMS = (
    "Google/Chrome/Application/chrome.exe",
    "Microsoft/Edge/Application/msedge.exe",
    "Chromium/Application/chrome.exe",
)
MAC_FOLDERS = (Path("/Applications"), Path.home() / "Applications")
MAC_PROGRAMS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "Chromium.app/Contents/MacOS/Chromium",
)
_ELSE = (
    f"or give its program with --browser PATH (or {ENVIRONMENT}). Or write the page with -o "
    "and print it from any browser."
)
HOW_TO_INSTALL = {
    "win32": "Install Google Chrome or Microsoft Edge (Edge comes with Windows 10 and 11), "
    + _ELSE,
    "darwin": "Install Google Chrome, Microsoft Edge or Chromium into Applications, " + _ELSE,
    "linux": "Install Chromium or Google Chrome (on Debian or Ubuntu: sudo apt-get install "
    "chromium; on Fedora: sudo dnf install chromium), " + _ELSE,
}


# The system the browser is looked for on; a module name of its own, so that tests can
# play Windows or macOS without making the standard library (shutil.which) think so too.
SYSTEM = sys.platform


def how_to_install(system: str | None = None) -> str:
    """What to install on this system (`SYSTEM`), and the other ways."""
    return HOW_TO_INSTALL.get(system or SYSTEM, HOW_TO_INSTALL["linux"])


def install_places(system: str, environ: Mapping[str, str]) -> list[Path]:
    """Where the system's installers put Chrome, Edge and Chromium, most likely first."""
    if system == "win32":
        folders = [environ[name] for name in WINDOWS_FOLDERS if environ.get(name)]
        return [Path(folder, program) for program in WINDOWS_PROGRAMS for folder in folders]
    if system == "darwin":
        return [folder / program for program in MAC_PROGRAMS for folder in MAC_FOLDERS]
    return []


def find_browser(chosen: str | None = None) -> str | None:
    """The program to run, or None when no browser is found. `chosen` (--browser), else
    $DGTRACKER_BROWSER, names it; otherwise PATH, then the system's install places."""
    chosen = chosen or os.environ.get(ENVIRONMENT)
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for place in install_places(SYSTEM, os.environ):
        if place.is_file():
            return str(place)
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


def print_to_pdf(
    html: str, target: Path, *, force: bool, record_path: Path, browser: str | None = None
) -> None:
    """Print the page to `target` (mode 0600), replacing it only with `force`, through
    `browser` (a program) or the one `find_browser` finds."""
    program = find_browser(browser)
    if program is None and browser:
        raise Refused(
            f"--browser {browser} is not a program that can be run.",
            hint="Give the path of Chrome, Edge or Chromium (its .exe on Windows).",
        )
    if program is None:
        raise Refused(
            "No Chromium, Chrome or Edge was found to print the PDF.", hint=how_to_install()
        )

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
