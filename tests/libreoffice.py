"""LibreOffice headless, as the tests use it: one call converts many files.

soffice takes seconds to start, so each test converts all its files in one call, with a
private profile shared by the session (the first start creates it; later starts reuse it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")


def needs_libreoffice(test):
    """A test that starts LibreOffice (seconds): among the heavy ones, skipped without it."""
    skip = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
    return pytest.mark.heavy(skip(test))


# Text CSV as UTF-8 (76) with comma and double quote: what a user picks to keep accents.
CSV_UTF8_OUT = "csv:Text - txt - csv (StarCalc):44,34,76"
# Reading a CSV: comma, double quote, UTF-8, from line 1, English (UK) dates (2057).
CSV_UTF8_IN = "CSV:44,34,76,1,,2057"


def convert(
    profile: Path, files: list[Path], to: str, outdir: Path, infilter: str | None = None
) -> list[Path]:
    """Convert `files` in one soffice run; return the paths it wrote, in order."""
    assert SOFFICE is not None
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", to, "--outdir", str(outdir), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    extension = to.split(":", 1)[0]
    written = [outdir / f"{path.stem}.{extension}" for path in files]
    missing = [path for path in written if not path.exists()]
    assert not missing, (missing, done.stdout, done.stderr)
    return written
