"""Holes found by an adversarial review, each attacked again through the CLI.

Every test here plays the attacker: a hostile CSV heading, a record edited by hand, a
second process deleting the lock, a planted symlink or FIFO. What reaches the terminal is
captured through a real pseudo-terminal (pty), as a user's terminal would receive it.
The installed script runs wherever a real process is the point (a terminal, racing
writers, process ids, /dev/full behind stdout, umask, stdout's encoding, a FIFO or device
that could hang or exhaust the process); set-up, and commands whose checked outcome is
only the record, the output or the exit code, run in-process (`in_process`).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from tests.conftest import in_process, installed_dgtracker
from tests.terminal import on_terminal

AS_OF = "2026-02-02"
# What a terminal must never receive from user text: ESC (starts OSC 52 clipboard writes
# and OSC 8 hyperlinks), BEL, other C0 but newline/CR, DEL and C1.
RAW_CONTROL = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
OSC52 = "\x1b]52;c;ZWNobyBwd25lZAo=\x07"  # writes "echo pwned" to the clipboard
OSC8 = "\x1b]8;;https://evil.example\x07"  # starts a hyperlink


def user_text_escapes(received: bytes) -> list[bytes]:
    """Raw control bytes that are not rich's own colour codes (ESC [ … m)."""
    without_colour = re.sub(rb"\x1b\[[0-9;]*m", b"", received)
    return RAW_CONTROL.findall(without_colour)


def new_record(path: Path) -> None:
    done = in_process("--file", str(path), "--as-of", AS_OF, "init")
    assert done.returncode == 0, done.stderr


# --- 1. a CSV heading reaches the terminal raw ------------------------------------------


def test_an_unknown_csv_heading_is_escaped_on_the_terminal(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    sheet = tmp_path / "people.csv"
    sheet.write_text(f"name,email,{OSC52}Notes{OSC8}\nAda Lovelace,ada@example.org,x\n", "utf-8")

    code, received = on_terminal("--file", str(record), "--as-of", AS_OF, "import", str(sheet))

    assert code == 0, received
    assert b"Columns not imported: <U+001B>]52;c;" in received
    assert user_text_escapes(received) == []


# --- 2. concurrent `init` overwrote a live record ---------------------------------------


def _started(record: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [installed_dgtracker(), "--file", str(record), "--as-of", AS_OF, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DGTRACKER_LOCK_TIMEOUT": "300"},
    )


@pytest.mark.heavy
def test_inits_racing_writers_create_the_record_once_and_lose_nothing(tmp_path) -> None:
    for trial in range(2):
        record = tmp_path / f"trial{trial}" / "campaign.toml"
        processes = []
        for n in range(10):
            processes.append(("init", _started(record, "init")))
            name = f"Candidate {n:02d}"
            processes.append((name, _started(record, "add-candidate", name)))
        results = [(what, p.wait(timeout=300), *p.communicate()) for what, p in processes]

        created = [r for r in results if r[0] == "init" and r[1] == 0]
        assert len(created) == 1, results
        refused = [r for r in results if r[0] == "init" and r[1] != 0]
        assert all(r[1] == 1 and "already exists" in r[3] for r in refused), refused
        added = {r[0] for r in results if r[0] != "init" and r[1] == 0}
        text = record.read_text("utf-8")
        assert all(f'name = "{name}"' in text for name in added), (added, text)
        assert not list(record.parent.glob("campaign.toml.bak-*"))  # nothing was replaced


# --- 3. deleting the lock file in use lost acknowledged writes --------------------------


@pytest.mark.heavy
def test_notes_acknowledged_while_a_cleaner_deletes_the_lock_file_all_land(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "Ada Lovelace")
    assert added.returncode == 0, added.stderr
    lock = tmp_path / ".campaign.toml.lock"
    # A cleaner (`git clean -fdX`, a temp reaper) deleting the lock file while writers run.
    cleaner = subprocess.Popen(
        [
            "sh",
            "-c",
            f"i=0; while [ $i -lt 100 ]; do rm -f '{lock}'; i=$((i+1)); sleep 0.04; done",
        ]
    )
    notes = [_started(record, "note", "c001", f"note number {n:02d}") for n in range(30)]
    results = [(n, p.wait(timeout=300), *p.communicate()) for n, p in enumerate(notes)]
    cleaner.wait(timeout=60)

    acknowledged = [n for n, code, _, _ in results if code == 0]
    text = record.read_text("utf-8")
    lost = [n for n in acknowledged if f"note number {n:02d}" not in text]
    assert lost == [], (len(acknowledged), lost)
    for _, code, _, err in results:
        assert code == 0 or (code == 3 and "was removed while" in err), err
    assert len(acknowledged) >= 5  # at most the holder at each deletion gives up


# --- 4. text typed into the record by hand reached the terminal -------------------------

ESC_OSC52 = "\\u001b]52;c;ZWNobyBwd25lZAo=\\u0007"  # as TOML writes it: the file stays ASCII
PLANTS = {
    "candidate id": ('id = "c001"', f'id = "c001{ESC_OSC52}"'),
    "milestone id": ('id = "closing"', f'id = "closing{ESC_OSC52}"'),
    "milestone label": ('label = "early March 2026"', f'label = "early{ESC_OSC52} March"'),
    "stage id": ('{ id = "reserve",', f'{{ id = "reserve{ESC_OSC52}",'),
    "by": ('by = "tester"', f'by = "tester{ESC_OSC52}"'),
}


def _planted(tmp_path: Path, what: str) -> Path:
    record = tmp_path / f"{what.replace(' ', '-')}.toml"
    new_record(record)
    added = in_process(
        "--file",
        str(record),
        "--as-of",
        AS_OF,
        "add-candidate",
        "Ada Lovelace",
        env={"USER": "tester"},
    )
    assert added.returncode == 0, added.stderr
    old, new = PLANTS[what]
    text = record.read_text("utf-8")
    assert old in text
    record.write_text(text.replace(old, new, 1), "utf-8")
    return record


def test_hostile_text_planted_in_any_field_never_reaches_the_terminal(tmp_path) -> None:
    for what in PLANTS:
        record = _planted(tmp_path, what)
        code, received = on_terminal("--file", str(record), "--as-of", AS_OF, "candidates")
        assert code == 3, (what, received)
        assert user_text_escapes(received) == [], (what, received)
        assert b"hidden or control character (U+001B" in received, (what, received)


def test_a_planted_candidate_id_reaches_no_output(tmp_path) -> None:
    record = _planted(tmp_path, "candidate id")
    for command in (
        ("purge", "--dry-run"),
        ("export", "ics"),
        ("export", "csv"),
        ("show", "c001"),
        ("check",),
    ):
        code, received = on_terminal("--file", str(record), "--as-of", AS_OF, *command)
        assert code == 3, (command, received)
        assert user_text_escapes(received) == [], (command, received)
        assert b"candidates[0].id" in received or b"candidates[0]" in received, received


# --- 6. a FIFO as the record hung every command; 8. /dev/zero ran out of memory ----------


def test_a_fifo_or_a_device_as_the_record_is_refused_at_once(run, tmp_path) -> None:
    fifo = tmp_path / "campaign.toml"
    os.mkfifo(fifo)
    for command in (("candidates",), ("note", "c001", "hello"), ("check",), ("init", "--force")):
        done = run("--file", str(fifo), "--as-of", AS_OF, *command, timeout=30)
        assert done.returncode == 3, (command, done.stderr)
        assert "is not a regular file" in done.stdout + done.stderr, command
    link = tmp_path / "link.toml"
    link.symlink_to(fifo)
    done = run("--file", str(link), "status", timeout=30)
    assert done.returncode == 3 and "is not a regular file" in done.stderr
    done = run("--file", "/dev/zero", "status", timeout=30)
    assert done.returncode == 3 and "is not a regular file" in done.stderr, done.stderr


# --- 5. symlinks and files planted by another local user --------------------------------

NOBODY = 65534


def test_an_export_never_writes_through_a_planted_symlink(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # a shared sticky folder, like /tmp
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's own file\n")
    planted = shared / "report.csv"
    planted.symlink_to(victim)
    os.lchown(planted, NOBODY, NOBODY)  # planted by another user

    done = in_process("--file", str(record), "export", "csv", "-o", str(planted), "--force")

    assert done.returncode == 1 and "symbolic link" in done.stderr, done.stderr
    assert victim.read_text() == "the victim's own file\n"
    assert planted.is_symlink()


def test_force_never_replaces_a_device(tmp_path) -> None:
    """`-o /dev/null --force` as root replaced the device with a file: shown on a device
    node of our own (never the system's /dev/null, which an old build would destroy)."""
    record = tmp_path / "campaign.toml"
    new_record(record)
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")

    done = in_process("--file", str(record), "export", "json", "-o", str(null), "--force")

    assert done.returncode == 1 and "not a regular file" in done.stderr, done.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_backup_never_follows_a_planted_symlink(tmp_path) -> None:
    """init --force's backup is linked to its name (never replacing one) with a 128-bit
    random suffix: no name can be guessed and planted ahead of it."""
    record = tmp_path / "campaign.toml"
    new_record(record)
    done = in_process("--file", str(record), "--as-of", AS_OF, "init", "--force")
    assert done.returncode == 0, done.stderr
    (backup,) = tmp_path.glob("campaign.toml.bak-*")
    suffix = backup.name.rsplit("-", 1)[1]
    assert len(suffix) >= 16 and not backup.is_symlink()
    assert backup.stat().st_mode & 0o777 == 0o600


def test_a_planted_backup_neither_blocks_nor_misleads_a_purge(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "Ada Lovelace")
    assert added.returncode == 0, added.stderr
    planted = tmp_path / "campaign.toml.bak-x"
    planted.write_text("not a record at all [[[")
    os.chown(planted, NOBODY, NOBODY)
    planted.chmod(0)

    done = in_process("--file", str(record), "--as-of", AS_OF, "purge", "--candidate", "c001")

    assert done.returncode == 0, done.stderr
    assert "Ada Lovelace" not in record.read_text("utf-8")
    assert planted.read_text() == "not a record at all [[["  # not ours: left alone


# --- 7. a read-only record was silently rewritten ----------------------------------------


def test_a_read_only_record_is_never_rewritten(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    record.chmod(0o444)
    before = (record.read_bytes(), os.stat(record).st_ino)
    for command in (("add-candidate", "Ada Lovelace"), ("init", "--force"), ("purge",)):
        done = in_process("--file", str(record), "--as-of", AS_OF, *command)
        if command == ("purge",) and done.returncode == 0:
            assert "Nothing" in done.stdout or "nothing" in done.stdout  # nothing was due
            continue
        assert done.returncode == 3, (command, done.stderr)
        assert "is read-only (mode 0444)" in done.stderr
    assert (record.read_bytes(), os.stat(record).st_ino) == before
    assert os.stat(record).st_mode & 0o777 == 0o444


# --- 8. exit 70 ("internal error") escaped the documented 0–3 ----------------------------


def test_dates_beyond_what_a_record_can_hold_are_refused_with_the_reason(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    base = ("--file", str(record), "--as-of", AS_OF)
    for when in ("+9999y", "9999-12-31", "w/c 27 December 9999", "31/12/1899"):
        done = in_process(*base, "milestone", "add", "Far", when)
        assert done.returncode == 1, (when, done.stderr)
        assert "beyond the years a record can hold (1900 to 2999)" in done.stderr
    assert in_process(*base, "milestone", "add", "Far", "2999-12-31").returncode == 0
    assert in_process(*base, "export", "ics").returncode == 0

    text = record.read_text("utf-8")  # a date typed into the file by hand
    record.write_text(text.replace("date = 2999-12-31", "date = 9999-12-31"), "utf-8")
    done = in_process(*base, "export", "ics")
    assert done.returncode == 3 and "outside the years a record can hold" in done.stderr


def test_a_symlink_loop_and_a_full_disk_get_a_message_not_exit_70(tmp_path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "back.toml")
    (tmp_path / "back.toml").symlink_to(loop)
    done = in_process("--file", str(loop), "init")
    assert done.returncode == 3 and "Too many levels of symbolic links" in done.stderr, done

    record = tmp_path / "campaign.toml"
    new_record(record)
    for command in (("status",), ("candidates",), ("export", "json"), ("export", "csv")):
        with open("/dev/full", "w") as full:
            finished = subprocess.run(
                [installed_dgtracker(), "--file", str(record), "--as-of", AS_OF, *command],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
            )
        assert finished.returncode == 3, (command, finished.stderr)
        assert "No space left on device (writing the output)" in finished.stderr


def test_output_that_is_not_utf8_degrades_instead_of_failing(run, tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "Zoë Brontë")
    assert added.returncode == 0, added.stderr
    ascii_only = {"PYTHONIOENCODING": "ascii"}
    for command in (("status",), ("candidates",), ("show", "c001"), ("milestone", "list")):
        done = subprocess.run(
            [installed_dgtracker(), "--file", str(record), "--as-of", AS_OF, *command],
            capture_output=True,
            env={**os.environ, **ascii_only},
            timeout=60,
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.isascii()
        if command in (("candidates",), ("show", "c001")):
            assert b"Zo\\xeb" in done.stdout  # shown escaped, never dropped
    listed = run("--file", str(record), "--as-of", AS_OF, "milestone", "list", env=ascii_only)
    assert "|> | closing" in listed.stdout  # the next milestone's mark, in ASCII


# --- 9. personal data survived erasure -----------------------------------------------------


def _with_backup(tmp_path: Path) -> tuple[Path, Path]:
    """A record holding Ada Lovelace, and a backup of it (init --force, then restored)."""
    record = tmp_path / "campaign.toml"
    new_record(record)
    added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "Ada Lovelace")
    assert added.returncode == 0, added.stderr
    kept = record.read_bytes()
    assert in_process("--file", str(record), "--as-of", AS_OF, "init", "--force").returncode == 0
    (backup,) = tmp_path.glob("campaign.toml.bak-*")
    record.write_bytes(kept)  # the user restored the record from the backup
    return record, backup


def test_erasure_reaches_a_reason_and_a_backup_under_an_earlier_name(tmp_path) -> None:
    record, backup = _with_backup(tmp_path)
    base = ("--file", str(record), "--as-of", AS_OF)
    moved = in_process(*base, "milestone", "reschedule", "closing", "16 Feb 2026", "--reason",
                       "Ada Lovelace asked for another week")  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    text = record.read_text("utf-8")  # the name corrected by hand in the record
    record.write_text(text.replace('"Ada Lovelace"', '"Augusta Ada King"'), "utf-8")

    done = in_process(*base, "purge", "--candidate", "c001")

    assert done.returncode == 0, done.stderr
    for path in (record, backup):
        text = path.read_text("utf-8")
        assert "Ada Lovelace" not in text and "Augusta" not in text, path
    assert "[erased] asked for another week" in record.read_text("utf-8")


def test_a_killed_exports_temp_file_is_removed_by_the_next_export_and_by_purge(
    run, tmp_path
) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    gone = subprocess.run(["true"])  # a process that has ended: its pid names no writer
    dead_pid = subprocess.Popen(["true"])
    dead_pid.wait()
    assert gone.returncode == 0
    left = tmp_path / f".subject.json.tmp-{dead_pid.pid}-0badc0de"
    left.write_text('{"name": "Ada Lovelace"}')
    other = tmp_path / f".report.csv.tmp-{dead_pid.pid}-0badc0de"
    other.write_text("Ada Lovelace")
    running = tmp_path / f".subject.json.tmp-{os.getpid()}-0badc0de"  # still being written
    running.write_text("in progress")

    done = run("--file", str(record), "export", "json", "-o", str(tmp_path / "subject.json"))
    assert done.returncode == 0, done.stderr
    assert not left.exists() and other.exists() and running.exists()

    done = run("--file", str(record), "--as-of", AS_OF, "purge")
    assert done.returncode == 0, done.stderr
    assert not other.exists() and running.exists()


def test_a_purge_failing_part_way_says_what_it_changed(tmp_path) -> None:
    record, backup = _with_backup(tmp_path)
    record.chmod(0o444)  # the record cannot be saved: the backup is anonymised first

    done = in_process("--file", str(record), "--as-of", AS_OF, "purge", "--candidate", "c001")

    assert done.returncode == 3
    assert "nothing was changed" not in done.stderr.lower()
    assert f"already anonymised {backup}" in done.stderr.replace("\n  ", " "), done.stderr
    assert "Ada Lovelace" not in backup.read_text("utf-8")


# --- 10. smaller holes -----------------------------------------------------------------------


def test_a_history_that_cannot_be_true_is_refused_by_check_and_writers(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    base = ("--file", str(record), "--as-of", AS_OF)
    assert in_process(*base, "add-candidate", "Ada Lovelace").returncode == 0
    assert in_process(*base, "move", "c001", "longlist").returncode == 0
    good = record.read_text("utf-8")
    wrong_stage = good.replace('stage = "longlist"\n', 'stage = "offer"\n', 1)
    assert wrong_stage != good
    first_at = next(line for line in good.splitlines() if line.startswith("at = "))
    out_of_order = good.replace(first_at, "at = 2099-01-01T00:00:00Z", 1)
    for text, problem in (
        (wrong_stage, "stage is 'offer', but the history's last move put them at 'longlist'"),
        (out_of_order, "history[1] is out of time order"),
    ):
        record.write_text(text, "utf-8")
        checked = in_process(*base, "check")
        assert checked.returncode == 3 and problem in checked.stdout, checked.stdout
        written = in_process(*base, "note", "c001", "hello")
        assert written.returncode == 3 and problem in written.stderr
        assert record.read_text("utf-8") == text


@pytest.mark.skipif(
    os.environ.get("WINDOWS_LIKE") == "1",
    reason="its set-up makes a hard link (tests/windows_like)",
)
def test_a_hard_linked_record_is_never_split_in_two(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    other = tmp_path / "same.toml"
    os.link(record, other)
    before = record.read_bytes()
    for path in (record, other):
        done = in_process("--file", str(path), "add-candidate", "Ada Lovelace")
        assert done.returncode == 3 and "has 2 hard links" in done.stderr, done.stderr
    assert os.stat(record).st_ino == os.stat(other).st_ino and record.read_bytes() == before


def test_folders_made_under_umask_000_are_private(tmp_path) -> None:
    record = tmp_path / "new" / "data" / "campaign.toml"
    done = subprocess.run(
        [installed_dgtracker(), "--file", str(record), "init"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for folder in (tmp_path / "new", tmp_path / "new" / "data"):
        assert folder.stat().st_mode & 0o777 == 0o700, oct(folder.stat().st_mode)
    assert record.stat().st_mode & 0o777 == 0o600


def test_names_made_only_of_blank_looking_characters_are_refused(tmp_path) -> None:
    record = tmp_path / "campaign.toml"
    new_record(record)
    for blank in ("\u3164", "\u115f", "\u2800", "\u3164 \u2800"):
        done = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", blank)
        assert done.returncode == 1 and "cannot be empty" in done.stderr, (blank, done.stderr)
    added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "Ada Lovelace")
    assert added.returncode == 0, added.stderr
    text = record.read_text("utf-8")
    record.write_text(text.replace('"Ada Lovelace"', '"\\u3164"'), "utf-8")
    checked = in_process("--file", str(record), "check")
    assert checked.returncode == 3 and "name: The name cannot be empty" in checked.stdout


@pytest.mark.heavy
def test_a_full_width_equals_sign_is_text_to_libreoffice(tmp_path) -> None:
    """Decision, from what LibreOffice Calc does: an ASCII = at the start of a cell is a
    formula (so dgtracker defuses it); a full-width ＝ (U+FF1D) is read as text, so it is
    exported as typed rather than changed."""
    import html
    import shutil
    import zipfile

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    record = tmp_path / "campaign.toml"
    new_record(record)
    for name in ("＝SUM(1;2)", "=1+1"):
        added = in_process("--file", str(record), "--as-of", AS_OF, "add-candidate", "--", name)
        assert added.returncode == 0, added.stderr
    sheet = tmp_path / "candidates.csv"
    assert in_process("--file", str(record), "export", "csv", "-o", str(sheet)).returncode == 0
    converted = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(sheet),
        ],
        capture_output=True,
        timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    with zipfile.ZipFile(tmp_path / "candidates.xlsx") as book:
        cells = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        shared = book.read("xl/sharedStrings.xml").decode("utf-8")
    strings = html.unescape(re.sub(r"<[^>]+>", "", shared))
    assert "<f" not in cells  # no cell became a formula
    assert "＝SUM(1;2)" in strings and "'=1+1" in strings
