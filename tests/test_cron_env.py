"""`remind` under cron's bare environment, and the crontab line `dgtracker cron` prints.

cron runs a job with almost no environment: `env -i PATH=/usr/bin:/bin HOME=/nonexistent
LANG=C` is the same, and every run here uses it through the installed console script.
The records they read are made in-process (`in_process`).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import in_process, installed_dgtracker

BARE = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C"}
# A terminal that wants colour, a narrow width and another locale: none may change the lines.
FANCY = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "30", "LANG": "en_GB.UTF-8"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="cron is a Unix service")


def _bare(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        args, env={**BARE, **(env or {})}, capture_output=True, timeout=60, check=False
    )


@pytest.fixture
def record(tmp_path: Path) -> Path:
    """A record in a folder whose name needs quoting, with candidates past their limits."""
    path = tmp_path / "DG campaign" / "campaign.toml"
    path.parent.mkdir()
    steps = [
        ("init",),
        ("add-candidate", "Zoë Brontë", "--applied", "2026-01-01"),
        ("add-candidate", "Grace Hopper", "--applied", "2026-01-20"),
    ]
    for step in steps:
        done = in_process("--file", str(path), "--as-of", "2026-02-02", *step)
        assert done.returncode == 0, done.stderr
    return path


@pytest.mark.parametrize(
    ("as_of", "lines"),
    [
        ("2026-02-02", ["Applications close in 7 days (Mon 9 Feb 2026)"]),
        (
            # the Applied clock starts when applications close (9 Feb): limit day 2 March
            "2026-03-05",
            [
                "Applications close was due 24 days ago (Mon 9 Feb 2026) and is not marked done",
                "Sift and longlist: date still to be confirmed, and Applications close has "
                "passed (Mon 9 Feb 2026)",
                "c001 Zoë Brontë has been at Applied for 24 days (limit 21)",
                "c002 Grace Hopper has been at Applied for 24 days (limit 21)",
            ],
        ),
    ],
)
def test_remind_prints_the_same_lines_in_crons_environment(record, run, as_of, lines) -> None:
    args = ("--file", str(record), "--as-of", as_of, "remind")
    normal = run(*args, env=FANCY)
    assert normal.returncode == 0, normal.stderr
    assert normal.stdout.splitlines() == lines

    bare = _bare(installed_dgtracker(), *args)
    assert bare.returncode == 0, bare.stderr
    assert bare.stderr == b""
    assert b"\x1b" not in bare.stdout and b"Traceback" not in bare.stdout
    assert bare.stdout.decode("utf-8") == normal.stdout


def test_remind_is_silent_in_crons_environment(record) -> None:
    bare = _bare(installed_dgtracker(), "--file", str(record), "--as-of", "2025-06-01", "remind")
    assert (bare.returncode, bare.stdout, bare.stderr) == (0, b"", b"")
    as_json = _bare(
        installed_dgtracker(), "--file", str(record), "--as-of", "2025-06-01", "remind", "--json"
    )
    assert (as_json.returncode, as_json.stdout) == (0, b"[]\n")


def test_a_broken_record_is_reported_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "campaign.toml"
    broken.write_text("schema = [", encoding="utf-8")
    bare = _bare(installed_dgtracker(), "--file", str(broken), "--as-of", "2026-02-02", "remind")
    assert bare.returncode == 3 and bare.stdout == b""
    assert b"Traceback" not in bare.stderr and str(broken).encode() in bare.stderr


def test_cron_line_runs_in_crons_environment(record, run) -> None:
    # Given the record by a relative path, from its own folder: the line must not depend on it.
    printed = run("--file", "DG campaign/campaign.toml", "cron", cwd=record.parent.parent)
    assert printed.returncode == 0, printed.stderr
    [line] = printed.stdout.splitlines()
    minute, hour, day, month, weekdays, command = line.split(" ", 5)
    assert (minute, hour, day, month, weekdays) == ("30", "7", "*", "*", "1-5")
    assert shlex.split(command) == [installed_dgtracker(), "--file", str(record), "remind"]
    assert shlex.quote(str(record)) in command  # the space is quoted

    # cron hands the command to /bin/sh; the date comes from the environment, not the clock.
    ran = _bare("/bin/sh", "-c", command, env={"DGTRACKER_TODAY": "2026-03-03"})
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == b""
    assert ran.stdout.decode("utf-8").splitlines() == [
        "Applications close was due 22 days ago (Mon 9 Feb 2026) and is not marked done",
        "Sift and longlist: date still to be confirmed, and Applications close has "
        "passed (Mon 9 Feb 2026)",
        "c001 Zoë Brontë has been at Applied for 22 days (limit 21)",
        "c002 Grace Hopper has been at Applied for 22 days (limit 21)",
    ]


def test_cron_at_a_chosen_time(cli) -> None:
    line = cli.ok("cron", "--at", "18:05")
    assert line.startswith("5 18 * * 1-5 ")
    assert line.endswith(f" --file {cli.path} remind\n")
    assert shlex.split(line.split(" ", 5)[5])[0] == installed_dgtracker()


@pytest.mark.parametrize("at", ["7", "24:00", "07:60", "7.30", "seven"])
def test_cron_refuses_a_bad_time(cli, at) -> None:
    result = cli("cron", "--at", at)
    assert result.exit_code == 1 and "not a time of day" in result.output


def test_cron_escapes_percent_signs(tmp_path: Path) -> None:
    from conftest import Cli

    folder = tmp_path / "100% sure"
    folder.mkdir()
    cli = Cli(folder / "campaign.toml")
    cli.ok("init")
    line = cli.ok("cron")
    assert "100\\%" in line  # cron reads a bare % as a newline
    command = line.split(" ", 5)[5].replace("\\%", "%")  # what cron hands to the shell
    assert shlex.split(command)[2] == str(folder / "campaign.toml")


def test_cron_needs_a_usable_record(bare_cli) -> None:
    result = bare_cli("cron")
    assert result.exit_code == 3 and result.stdout == ""
    assert "No record at" in result.output
