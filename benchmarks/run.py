"""Time dgtracker's commands as whole processes, at several record sizes.

    .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--runs 5] [--output PATH]

For each size it builds a record through dgtracker's own code (the DHSC template, model
objects and storage.save) in benchmarks/work/, runs each command once to warm up and then
--runs times, and reports the median wall and CPU time and the peak memory of each process,
with ratios to the bare interpreter (`python -c pass`) and to Taskwarrior's `task list` on the
same number of items (when `task` is installed). Each timed run of a command is paired with
a run of `python -c pass` just before it, and the ratio is the median of those paired
ratios, with their range: a machine that is busier in one run than another moves both
figures of a pair together, so the ratio stays put where an unpaired one would not. The
Markdown table goes to --output (benchmarks/results.md by default; notes from its
"## What changed" section onward are kept) and to stdout.

It is a benchmark, not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dgtracker.record.model import Candidate, Record

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"  # git-ignored scratch folder
DEFAULT_OUTPUT = HERE / "results.md"
AS_OF = "2026-02-02"
NOTES_HEADING = "## What changed"

# Targets from the issue (median wall ms; peak MB), on a 2-core machine.
READ_TARGET_MS = {1_000: 100, 10_000: 600}
WRITE_TARGET_MS = {1_000: 150, 10_000: 1_000}
PEAK_TARGET_MB = {1_000: 60, 10_000: 100}
START_TARGET_MS = 80
# A completion answer (a Tab press): at most 4 times `python -c pass` (issue 27).
COMPLETION_TARGET_MS = 40
COMPLETION_PRESSES = ("dgtracker mo", "dgtracker move --re")
# The figure for `python -c pass` on the machine the targets were set on: a target
# times (python here / this) is the same target scaled to the machine measuring.
REFERENCE_PYTHON_MS = 10


# --- measuring one process ---------------------------------------------------------


@dataclass(slots=True)
class Timing:
    median_ms: float  # wall time
    cpu_ms: float  # user + system time: less disturbed by other work on the machine
    peak_mb: float | None
    exit_code: int
    error: str = ""
    # The median of the paired ratios (this run ÷ `python -c pass` just before it), and
    # the lowest and highest of them.
    ratio: float | None = None
    ratio_range: tuple[float, float] | None = None


BASELINE = (sys.executable, "-c", "pass")


def _gnu_time() -> str | None:
    """GNU time, whose child is forked from a small process: its peak memory is exact."""
    program = shutil.which("time") or "/usr/bin/time"
    try:
        done = subprocess.run(
            [program, "-f", "%M", "true"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return program if done.returncode == 0 and done.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()


def _maxrss_mb(maxrss: int) -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    """Wall ms, CPU ms and peak memory (MB) of one run, output discarded.

    The peak from wait4 is an upper bound: a child started with vfork counts this
    (larger) process's memory until it execs. peak_memory() gives the exact figure.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    if not hasattr(os, "wait4"):
        proc.wait()
        return (time.perf_counter() - start) * 1000, float("nan"), None
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, _maxrss_mb(usage.ru_maxrss)


def peak_memory(argv: Sequence[str], env: dict[str, str]) -> float | None:
    """Peak resident memory (MB) of one run, measured by GNU time."""
    if GNU_TIME is None:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", out.name, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        kilobytes = out.read().strip().splitlines()
    return int(kilobytes[-1]) / 1024 if kilobytes and kilobytes[-1].isdigit() else None


def measure(
    argv: Sequence[str],
    env: dict[str, str],
    runs: int,
    before_each: Callable[[], None] | None = None,
) -> Timing:
    """Warm up once (checking the output), then time `runs` runs, each paired with a run of
    the bare interpreter just before it; `before_each` is not timed."""
    if before_each:
        before_each()
    warm = subprocess.run(argv, capture_output=True, text=True, env=env, errors="replace")
    error = ""
    if warm.returncode != 0:
        lines = (warm.stderr or warm.stdout).strip().splitlines()
        error = lines[0] if lines else ""
    walls, cpus, peaks, ratios = [], [], [], []
    for _ in range(runs):
        if before_each:
            before_each()
        baseline_wall, _, _ = run_once(BASELINE, env)
        wall, cpu, peak = run_once(argv, env)
        ratios.append(wall / baseline_wall)
        walls.append(wall)
        cpus.append(cpu)
        if peak is not None:
            peaks.append(peak)
    if before_each:
        before_each()
    exact = peak_memory(argv, env)
    return Timing(
        median_ms=statistics.median(walls),
        cpu_ms=statistics.median(cpus),
        peak_mb=exact if exact is not None else (max(peaks) if peaks else None),
        exit_code=warm.returncode,
        error=error,
        ratio=statistics.median(ratios),
        ratio_range=(min(ratios), max(ratios)),
    )


# --- the records -------------------------------------------------------------------


def build_record(size: int) -> Record:
    """The DHSC campaign with `size` candidates, each with five history events."""
    from dgtracker.process.new_records import dhsc_campaign

    record = dhsc_campaign()
    for number in range(1, size + 1):
        record.candidates.append(_candidate(number))
    record.next_candidate_number = size + 1
    return record


def _candidate(number: int) -> Candidate:
    """Five events (added, three moves and a note) ending at one of five stages."""
    from dgtracker.record.model import Candidate, Event, candidate_id

    applied = date(2026, 1, 5) + timedelta(days=number % 10)

    def on(offset: int) -> date:
        return applied + timedelta(days=offset)

    def at(offset: int) -> datetime:
        day = on(offset)
        return datetime(day.year, day.month, day.day, 9, number % 60, tzinfo=UTC)

    stage, reason = ENDINGS[number % len(ENDINGS)]
    history = [
        Event(at(0), on(0), "panel-sec", "added", stage="applied"),
        Event(at(3), on(3), "panel-sec", "moved", stage="longlist", from_stage="applied"),
        Event(at(4), on(4), "chair", "note",
              note="Strong record of leading digital change; referees to be contacted."),
        Event(at(6), on(6), "panel-sec", "moved", stage="shortlist", from_stage="longlist"),
        Event(at(8), on(8), "chair", "moved", stage=stage, from_stage="shortlist",
              reason=reason),
    ]  # fmt: skip
    return Candidate(
        id=candidate_id(number),
        name=f"Candidate {number}",
        stage=stage,
        email=f"candidate{number}@example.org",
        phone=f"+44 20 7946 {number % 10_000:04d}",
        source="advert" if number % 3 else "search firm",
        applied=applied,
        history=history,
    )


# Where candidates end up, by number modulo 5: (stage, reason).
ENDINGS = (
    ("assessment", None),
    ("rejected", "Did not meet the essential criteria."),
    ("withdrawn", "Accepted another post."),
    ("interview", None),
    ("interview", None),
)


def write_record(size: int, folder: Path) -> Path:
    from dgtracker.record import storage

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign.toml"
    storage.save(path, build_record(size))
    return path


def someone_at_interview(size: int) -> str:
    """A candidate at the interview stage near the middle of the record (the move target)."""
    from dgtracker.record.model import candidate_id

    number = max(1, size // 2)
    while number % len(ENDINGS) not in (3, 4):
        number += 1
    return candidate_id(number if number <= size else 3)


# --- which commands exist ----------------------------------------------------------


@functools.cache
def _commands_in_help(argv: tuple[str, ...]) -> frozenset[str]:
    done = subprocess.run([*argv, "--help"], capture_output=True, text=True, env=base_env())
    if done.returncode != 0:
        return frozenset()
    found, inside = set(), False
    for line in done.stdout.splitlines():
        if line.rstrip().endswith("Commands:"):
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            found.add(line.split()[0])
        elif inside and line.strip() and not line.startswith(" "):
            inside = False
    return frozenset(found)


def command_exists(program: str, words: Sequence[str]) -> bool:
    """True when `dgtracker WORD ... --help` lists each word (e.g. export, then csv)."""
    prefix = [program]
    for word in words:
        if word not in _commands_in_help(tuple(prefix)):
            return False
        prefix.append(word)
    return True


# --- Taskwarrior, the native baseline ----------------------------------------------


def taskwarrior_setup(size: int, env: dict[str, str]) -> dict[str, str] | None:
    """A throw-away Taskwarrior database with `size` pending tasks; None without `task`."""
    task = shutil.which("task")
    if task is None:
        return None
    folder = WORK / f"task-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={folder / 'data'}\nconfirmation=off\nverbose=nothing\n"
        "hooks=off\nnews.version=99.0.0\n",
        encoding="utf-8",
    )
    task_env = {**env, "TASKRC": str(rc), "TASKDATA": str(folder / "data")}
    entry = "20260105T090000Z"
    tasks = [
        {"uuid": str(uuid.uuid4()), "description": f"Candidate {n}", "status": "pending",
         "entry": entry, "project": "dgtdd", "tags": [ENDINGS[n % len(ENDINGS)][0]],
         "annotations": [{"entry": entry, "description":
                          "Strong record of leading digital change; referees to be contacted."}]}
        for n in range(1, size + 1)
    ]  # fmt: skip
    dump = folder / "tasks.json"
    dump.write_text(json.dumps(tasks), encoding="utf-8")
    done = subprocess.run([task, "import", str(dump)], capture_output=True, text=True, env=task_env)
    if done.returncode != 0:
        print(f"Taskwarrior import failed; skipping it: {done.stderr.strip()}", file=sys.stderr)
        return None
    return task_env


def taskwarrior_version() -> str | None:
    task = shutil.which("task")
    if task is None:
        return None
    done = subprocess.run([task, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or None


# --- the peers: Taskwarrior and todoman on as many items ------------------------------

# todoman is set up beside the benchmark, in a virtual environment of its own (its pins need
# not agree with dgtracker's): python -m venv benchmarks/work/todoman &&
# benchmarks/work/todoman/bin/pip install todoman
TODOMAN_VENV = WORK / "todoman"


def todoman_program() -> str | None:
    for candidate in (TODOMAN_VENV / "bin" / "todo", shutil.which("todo")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


_VTODO = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dgtracker benchmark//EN\r\n"
    "BEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:20260105T090000Z\r\nCREATED:20260105T090000Z\r\n"
    "SUMMARY:Candidate {n}\r\nDESCRIPTION:Strong record of leading digital change\\; "
    "referees to be contacted.\r\nSTATUS:NEEDS-ACTION\r\nCATEGORIES:{stage}\r\n"
    "END:VTODO\r\nEND:VCALENDAR\r\n"
)


def todoman_setup(size: int) -> Path | None:
    """A throw-away todoman list of `size` todos (one .ics file each, as vdirsyncer keeps
    them), one per candidate with its stage as a category; its configuration file, or
    None without todoman."""
    if todoman_program() is None:
        return None
    folder = WORK / f"todoman-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    todos = folder / "lists" / "campaign"
    todos.mkdir(parents=True)
    for number in range(1, size + 1):
        uid = str(uuid.UUID(int=number))
        stage = ENDINGS[number % len(ENDINGS)][0]
        (todos / f"{uid}.ics").write_text(
            _VTODO.format(uid=uid, n=number, stage=stage), encoding="utf-8", newline=""
        )
    config = folder / "config.py"
    config.write_text(
        f"path = {str(folder / 'lists' / '*')!r}\ndate_format = '%Y-%m-%d'\n"
        f"time_format = '%H:%M'\ndefault_list = 'campaign'\n"
        f"cache_path = {str(folder / 'cache.sqlite3')!r}\n",
        encoding="utf-8",
    )
    return config


def todoman_version() -> str | None:
    todo = todoman_program()
    if todo is None:
        return None
    done = subprocess.run([todo, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or None


@dataclass(slots=True)
class Peer:
    """One dgtracker command and what does the same work in Taskwarrior and in todoman
    (None: it has no such command)."""

    label: str
    task: list[str] | None
    todo: list[str] | None


def peer_commands(size: int) -> list[Peer]:
    """status ↔ task summary, candidates ↔ task list / todo list, and so on. The item
    shown and changed is the same number in each: the candidate moved by size_commands."""
    someone = someone_at_interview(size)
    number = str(int(someone[1:]))
    return [
        Peer("status", ["summary"], None),
        Peer("candidates", ["list"], ["list"]),
        Peer("candidates --json", ["export"], ["--porcelain", "list"]),
        Peer(f"show {someone}", [number, "info"], ["show", number]),
        Peer("remind", ["next"], None),
        Peer("add-candidate", ["add", "Benchmark Person", "+applied"], ["new", "Benchmark Person"]),
        Peer(f"move {someone} preferred", [number, "modify", "+preferred", "-interview"],
             ["edit", number, "--category", "preferred"]),
    ]  # fmt: skip


def peer_rows(
    size: int, env: dict[str, str], runs: int, task_env: dict[str, str] | None, ours: list[Row]
) -> list[str]:
    """A table of each dgtracker command beside its Taskwarrior and todoman equivalents,
    each as its paired ratio to `python -c pass` and its peak memory."""
    task, todo = shutil.which("task"), todoman_program()
    config = todoman_setup(size)
    by_label = {row.label: row.timing for row in ours}
    task_data = WORK / f"task-{size}" / "data"
    pristine = WORK / f"task-{size}" / "pristine"
    if task_env is not None:
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(task_data, pristine)

    def fresh_tasks() -> None:  # a write starts from the same tasks, as dgtracker's do
        shutil.rmtree(task_data)
        shutil.copytree(pristine, task_data)

    lines = [
        "| dgtracker | × python | peak MB | Taskwarrior | × python | peak MB "
        "| todoman | × python | peak MB |",
        "|---|---:|---:|---|---:|---:|---|---:|---:|",
    ]
    for peer in peer_commands(size):
        cells = [f"`{peer.label}`", *_cells(by_label.get(peer.label))]
        writes = peer.label.startswith(("add-candidate", "move"))
        if peer.task and task and task_env is not None:
            timing = measure([task, *peer.task], task_env, runs, fresh_tasks if writes else None)
            cells += [f"`task {' '.join(peer.task)}`", *_cells(timing)]
        else:
            cells += ["—", "", ""]
        if peer.todo and todo and config is not None:
            timing = measure([todo, "-c", str(config), *peer.todo], env, runs)
            cells += [f"`todo {' '.join(peer.todo)}`", *_cells(timing)]
        else:
            cells += ["—", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
        print(f"  peers of {peer.label}: done", file=sys.stderr)
    if task_env is not None:
        fresh_tasks()
    return lines


def _cells(timing: Timing | None) -> list[str]:
    """The paired ratio and the peak memory, or why there are none."""
    if timing is None:
        return ["n/a", ""]
    if timing.exit_code != 0:
        return [f"exit {timing.exit_code}", ""]
    peak = f"{timing.peak_mb:.0f}" if timing.peak_mb is not None else "—"
    return [_paired(timing), peak]


# --- the machine -------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine_lines() -> list[str]:
    task = taskwarrior_version()
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu_model()}, {os.cpu_count()} core(s); {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- dgtracker {package_version('dgtracker')}, typer {package_version('typer')}, "
        f"rich {package_version('rich')}, toml-rs {package_version('toml-rs')}, "
        f"tomli-w {package_version('tomli-w')}",
        f"- Taskwarrior: {task or 'not installed (the task column is left empty)'}",
        f"- todoman: {todoman_version() or 'not installed (its columns are left empty)'}",
    ]


# --- the table ---------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    label: str
    timing: Timing | None  # None: the command does not exist (yet)
    target_ms: int | None = None
    target_mb: int | None = None


def _ratio(value: float, base: Timing | None) -> str:
    if base is None or base.median_ms <= 0:
        return "—"
    return f"×{value / base.median_ms:.1f}"


def _paired(timing: Timing) -> str:
    """The median paired ratio to `python -c pass`, with its range."""
    if timing.ratio is None or timing.ratio_range is None:
        return "—"
    low, high = timing.ratio_range
    return f"×{timing.ratio:.1f} ({low:.1f}–{high:.1f})"


def _verdict(row: Row, scale: float = 1.0) -> str:
    timing = row.timing
    if timing is None or (row.target_ms is None and row.target_mb is None):
        return ""
    gaps = []
    if row.target_ms is not None and timing.median_ms > row.target_ms * scale:
        gaps.append(f"{timing.median_ms - row.target_ms * scale:+.0f} ms")
    if row.target_mb is not None and timing.peak_mb is not None and timing.peak_mb > row.target_mb:
        gaps.append(f"{timing.peak_mb - row.target_mb:+.0f} MB")
    return "over: " + ", ".join(gaps) if gaps else "met"


def _scaled(row: Row, scale: float) -> str:
    """The time target scaled to this machine by the paired ratio: within it when the
    command takes at most target ÷ REFERENCE_PYTHON_MS times `python -c pass` here."""
    timing = row.timing
    if timing is None or row.target_ms is None or timing.ratio is None:
        return ""
    allowed = row.target_ms / REFERENCE_PYTHON_MS
    verdict = "met" if timing.ratio <= allowed else f"over by ×{timing.ratio - allowed:.1f}"
    return f"≤ ×{allowed:.0f} python: {verdict}"


def _target(row: Row) -> str:
    parts = []
    if row.target_ms is not None:
        parts.append(f"≤ {row.target_ms} ms")
    if row.target_mb is not None:
        parts.append(f"≤ {row.target_mb} MB")
    return ", ".join(parts) or "—"


def machine_scale(python: Timing) -> float:
    """How much slower this machine starts Python than the one the targets were set on."""
    return python.median_ms / REFERENCE_PYTHON_MS


def table(rows: list[Row], python: Timing, task: Timing | None) -> list[str]:
    scale = machine_scale(python)
    lines = [
        "| command | median ms | × python (paired, range) | × task list | CPU ms | peak MB "
        f"| target | result | target scaled (python here: ×{scale:.2f} the reference) |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        t = row.timing
        if t is None:
            lines.append(f"| `{row.label}` | n/a | | | | | {_target(row)} | not built yet | |")
            continue
        peak = f"{t.peak_mb:.0f}" if t.peak_mb is not None else "—"
        verdict, scaled = _verdict(row), _scaled(row, scale)
        if t.exit_code != 0:
            verdict, scaled = f"exit {t.exit_code}: {t.error}".replace("|", "/"), ""
        lines.append(
            f"| `{row.label}` | {t.median_ms:.0f} | {_paired(t)} | "
            f"{_ratio(t.median_ms, task)} | {t.cpu_ms:.0f} | {peak} | {_target(row)} | {verdict} "
            f"| {scaled} |"
        )
    return lines


# --- work in bulk: import, import --dry-run and one move of many (issue 16) --------------

BULK_MOVE_TARGET_MS = 300  # 500 people moved in one `move` at 1,000 candidates
REGRETS = 300  # regrets after a sift: one `mail regret --stage rejected` (issue 25)
REGRETS_TARGET_MS = 3_000
DEFAULT_IMPORT_ROWS = "10000,100000"


def applicants_csv(rows: int, folder: Path) -> Path:
    """A spreadsheet of `rows` new applicants, as a job site exports it."""
    sheet = folder / f"applicants-{rows}.csv"
    lines = ["name,email,phone,source,applied"]
    lines += [
        f"Applicant {n},applicant{n}@example.org,+44 20 7946 {n % 10_000:04d},advert,2026-01-20"
        for n in range(1, rows + 1)
    ]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sheet


ODS_ROWS = 1_000
_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    '<office:body><office:spreadsheet><table:table table:name="Applicants">{rows}'
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_row(*cells: str) -> str:
    return (
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
            "</table:table-cell>"
            for cell in cells
        )
        + "</table:table-row>"
    )


def write_ods(path: Path, rows: str) -> Path:
    """An .ods as LibreOffice lays it out: 'mimetype' stored first, content.xml, the
    manifest."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        content = _ODS_CONTENT.format(rows=rows)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path


def applicants_ods(rows: int, folder: Path) -> Path:
    """The applicants of `applicants_csv`, as a LibreOffice Calc spreadsheet."""
    lines = [_ods_row("name", "email", "phone", "source", "applied")]
    lines += [
        _ods_row(f"Applicant {n}", f"applicant{n}@example.org", f"+44 20 7946 {n % 10_000:04d}",
                 "advert", "2026-01-20")
        for n in range(1, rows + 1)
    ]  # fmt: skip
    return write_ods(folder / f"applicants-{rows}.ods", "".join(lines))


def regrets_row(program: str, env: dict[str, str], runs: int, folder: Path, count: int) -> Row:
    """`count` letters (REGRETS, unless a small run asks for fewer) drafted as .eml files in
    one command: everyone at `rejected` in a record of five times as many (ENDINGS puts one
    in five there), each letter written whole and logged; every run starts from the record
    without them and an empty folder."""
    pristine = write_record(count * len(ENDINGS), folder / "regrets")
    working, letters = folder / "regrets-working.toml", folder / "mail"

    def fresh() -> None:
        shutil.copyfile(pristine, working)
        shutil.rmtree(letters, ignore_errors=True)

    argv = [program, "--file", str(working), "--as-of", AS_OF, "mail", "regret"]
    argv += ["--stage", "rejected"]
    timing = measure(argv, env, runs, fresh)
    label = f"mail regret --stage rejected ({count} letters as .eml)"
    print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    return Row(label, timing, REGRETS_TARGET_MS if count == REGRETS else None)


def bulk_section(
    program: str, env: dict[str, str], runs: int, import_rows: list[int], move_size: int
) -> list[str]:
    """`import` and `import --dry-run` of new applicants into an empty record, and one
    `move` of half the candidates of a record of `move_size`."""
    from dgtracker.process.new_records import dhsc_campaign
    from dgtracker.record import storage

    folder = WORK / "bulk"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    empty, working = folder / "empty.toml", folder / "working.toml"
    storage.save(empty, dhsc_campaign())
    rows: list[Row] = []
    for count in import_rows:
        sheet = applicants_csv(count, folder)
        for label, extra in (("import", []), ("import --dry-run", ["--dry-run"])):
            argv = [program, "--file", str(working), "--as-of", AS_OF, "import", str(sheet), *extra]
            timing = measure(argv, env, runs, lambda: shutil.copyfile(empty, working))
            rows.append(Row(f"{label} ({count:,} rows)", timing))
            print(f"  {label} {count:,} rows: {timing.median_ms:.0f} ms", file=sys.stderr)
    sheet = applicants_ods(ODS_ROWS, folder)
    argv = [program, "--file", str(working), "--as-of", AS_OF, "import", str(sheet)]
    timing = measure(argv, env, runs, lambda: shutil.copyfile(empty, working))
    rows.append(Row(f"import of an .ods ({ODS_ROWS:,} rows)", timing))
    print(f"  import .ods {ODS_ROWS:,} rows: {timing.median_ms:.0f} ms", file=sys.stderr)
    pristine = write_record(move_size, folder / "move")
    ids = [
        c.id for c in build_record(move_size).candidates if c.stage in ("assessment", "interview")
    ]
    ids = ids[: move_size // 2]
    argv = [
        program,
        "--file",
        str(working),
        "--as-of",
        AS_OF,
        "move",
        *ids,
        "rejected",
        "--reason",
        "Not shortlisted (benchmark).",
    ]
    timing = measure(argv, env, runs, lambda: shutil.copyfile(pristine, working))
    label = f"move {len(ids):,} ids rejected ({move_size:,} candidates)"
    rows.append(Row(label, timing, BULK_MOVE_TARGET_MS, PEAK_TARGET_MB.get(move_size)))
    print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    rows.append(sift_update_row(program, env, runs, folder))
    rows.append(regrets_row(program, env, runs, folder, min(REGRETS, move_size)))
    rows += bounded_import_rows(program, env, runs, folder)
    python = measure([sys.executable, "-c", "pass"], env, runs)
    return [
        "",
        "### Work in bulk (imports into an empty record; one move of many)",
        "",
        *table(rows, python, None),
    ]


SIFT_SIZE = 10_000
REFUSED_TARGET_MS = 2_000  # import of /dev/zero or of a named pipe with no writer: refused
SNIFF_TARGET_MS = 1_000  # import of 64 KB of quotes and tabs (csv.Sniffer's worst case)
BOMB_TARGET = (10_000, 200)  # import of a 1.5 MB workbook of wide rows: ms, peak MB
ODS_BOMB_TARGET = (REFUSED_TARGET_MS, 200)  # an .ods of a few KB that repeats one cell


def bounded_import_rows(program: str, env: dict[str, str], runs: int, folder: Path) -> list[Row]:
    """Imports of what no import should dwell on (each is refused or read within bounds,
    before the record's lock): a device, a named pipe with no writer, text that slows
    csv.Sniffer, and a workbook whose rows are each padded to the last column a sheet
    can have (16,384), made to weigh 1.5 MB."""
    import zipfile

    from openpyxl import Workbook

    record = folder / "bounded.toml"
    shutil.copyfile(folder / "empty.toml", record)
    sniffed = folder / "quotes-and-tabs.csv"
    sniffed.write_text('"\t' * 32 * 1024, encoding="utf-8")
    book = Workbook()
    book.active.append(["Name", "Email"])
    plain = folder / "plain.xlsx"
    book.save(plain)
    bomb = folder / "wide-rows.xlsx"
    row = (
        '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P{n}</t></is></c>'
        '<c r="XFD{n}"><v>1</v></c></row>'
    )
    packed = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", packed) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                rows = "".join(row.format(n=n) for n in range(2, 150_000)).encode()
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
                data = data.replace(b'ref="A1:B1"', b'ref="A1:XFD150000"')
            out.writestr(entry, data)
    found: list[Row] = []
    cases = [("import /dev/zero (refused)", "/dev/zero", REFUSED_TARGET_MS, None)]
    if hasattr(os, "mkfifo"):
        fifo = folder / "no-writer.csv"
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
        cases.append(("import of a named pipe with no writer (refused)", str(fifo),
                      REFUSED_TARGET_MS, None))  # fmt: skip
    # A cell repeated ten million times: a few kilobytes, gigabytes once read.
    repeated = write_ods(
        folder / "repeated.ods",
        _ods_row("Name") + '<table:table-row table:number-rows-repeated="10000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
        "<text:p>x</text:p></table:table-cell></table:table-row>",
    )
    cases += [
        ("import of 64 KB of quotes and tabs", str(sniffed), SNIFF_TARGET_MS, None),
        ("import of an .ods repeating a cell 10,000,000 times (refused)", str(repeated),
         *ODS_BOMB_TARGET),
        (f"import --dry-run of a {bomb.stat().st_size / 2**20:.1f} MB workbook of wide rows",
         str(bomb), *BOMB_TARGET),
    ]  # fmt: skip
    for label, path, target_ms, target_mb in cases:
        argv = [program, "--file", str(record), "--as-of", AS_OF, "import", path, "--dry-run"]
        timing = measure(argv, env, runs)
        found.append(Row(label, timing, target_ms, target_mb))
        print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    return found


def sift_update_row(program: str, env: dict[str, str], runs: int, folder: Path) -> Row:
    """`import --update` of a sift sheet (id, stage, reason: no names) that moves every
    candidate still in the process at a record of 10,000 to Not progressed."""
    record = build_record(SIFT_SIZE)
    pristine = write_record(SIFT_SIZE, folder / "sift")
    active = [c.id for c in record.candidates if c.stage not in ("rejected", "withdrawn")]
    sheet = folder / "sift.csv"
    lines = ["id,stage,reason", *(f"{cid},rejected,Not shortlisted" for cid in active)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    working = folder / "working.toml"
    argv = [program, "--file", str(working), "--as-of", AS_OF, "import", str(sheet), "--update"]
    timing = measure(argv, env, runs, lambda: shutil.copyfile(pristine, working))
    label = f"import --update: a sift of {len(active):,} rows ({SIFT_SIZE:,} candidates)"
    print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    return Row(label, timing, None, PEAK_TARGET_MB.get(SIFT_SIZE))


# --- the run -----------------------------------------------------------------------


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DGTRACKER_")}
    env["COLUMNS"] = "100"  # the same table layout whatever terminal runs the benchmark
    env.pop("FORCE_COLOR", None)
    # Use cached bytecode, as an installed dgtracker does (pip compiles it at install).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def dgtracker_program() -> str:
    folder = Path(sys.executable).parent
    for name in ("dgtracker", "dgtracker.exe"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which("dgtracker")
    if not found:
        sys.exit("dgtracker is not installed beside this interpreter; run pip install . first.")
    return found


# (label, command words, arguments, writes?) — "export csv" and "remind" are picked up
# automatically once `dgtracker --help` lists them.
Command = tuple[str, list[str], list[str], bool]


def size_commands(size: int) -> list[Command]:
    someone = someone_at_interview(size)
    return [
        ("status", ["status"], [], False),
        ("status --json", ["status"], ["--json"], False),
        ("candidates", ["candidates"], [], False),
        ("candidates --json", ["candidates"], ["--json"], False),
        (f"show {someone}", ["show"], [someone], False),
        ("remind", ["remind"], [], False),
        ("export csv", ["export", "csv"], [], False),
        ("add-candidate", ["add-candidate"], ["Benchmark Person", "--email",
                          "bench@example.org", "--note", "Added by the benchmark."], True),
        (f"move {someone} preferred", ["move"], [someone, "preferred", "--note",
                                       "Moved by the benchmark."], True),
        *exchange_commands(),
    ]  # fmt: skip


# --- exchange (issue 15): workbook export, calendar export, an import checked -----------
IMPORT_ROWS = 500  # a large job-site export


def exchange_commands() -> list[Command]:
    """export xlsx / ics, and `import --dry-run` of a job-site CSV (written once here)."""
    sheet = WORK / "job-site-export.csv"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    lines = ["Candidate Name,Email,Date Submitted,Contact Telephone Number,Mobile Number,Notes"]
    lines += [
        f"Applicant {n},applicant{n}@example.org,{1 + n % 28:02d}-Jan-26 09:{n % 60:02d},"
        f"020 7946 {n:04d},07700 9{n:05d},Imported by the benchmark"
        for n in range(IMPORT_ROWS)
    ]
    sheet.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return [
        ("export xlsx", ["export", "xlsx"], [], False),
        ("export ics", ["export", "ics"], [], False),
        (f"import --dry-run ({IMPORT_ROWS} rows)", ["import"],
         [str(sheet), "--dry-run", "--json"], False),
    ]  # fmt: skip


def run_size(size: int, program: str, env: dict[str, str], runs: int, python: Timing) -> list[str]:
    folder = WORK / f"dgtracker-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    pristine = write_record(size, folder)
    working = folder / "working.toml"
    shutil.copyfile(pristine, working)
    print(
        f"{size:,} candidates: record built in {time.perf_counter() - started:.1f} s "
        f"({pristine.stat().st_size / 1e6:.1f} MB)",
        file=sys.stderr,
    )

    # A write starts where a change usually does: the record read before (by a read or the
    # write before it), so with its cache there, made once here for the pristine bytes.
    cache = working.with_name(f".{working.name}.cache")
    pristine_cache = folder / "pristine.cache"
    subprocess.run([program, "--file", str(working), "status"], capture_output=True, env=env)
    if cache.exists():
        shutil.copyfile(cache, pristine_cache)

    def fresh_copy() -> None:
        shutil.copyfile(pristine, working)
        if pristine_cache.exists():
            shutil.copyfile(pristine_cache, cache)

    task_env = taskwarrior_setup(size, env)
    task = measure([shutil.which("task") or "task", "list"], task_env, runs) if task_env else None
    rows = []
    for label, words, arguments, writes in size_commands(size):
        timing = None
        if command_exists(program, words):
            argv = [program, "--file", str(working), "--as-of", AS_OF, *words, *arguments]
            timing = measure(argv, env, runs, fresh_copy if writes else None)
        targets = WRITE_TARGET_MS if writes else READ_TARGET_MS
        rows.append(Row(label, timing, targets.get(size), PEAK_TARGET_MB.get(size)))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  {label}: {shown}", file=sys.stderr)
    rows += cache_rows(program, env, runs, working, size)  # the cache's block below
    rows += report_rows(size, program, env, runs, working)  # the `report` block below
    if task:
        rows.append(Row("task list (Taskwarrior)", task))
    fresh_copy()
    size_mb = pristine.stat().st_size / 1e6
    heading = f"### {size:,} candidates ({size_mb:.1f} MB record, {size * 5:,} history events)"
    peers = peer_rows(size, env, runs, task_env, rows)
    peers_heading = (
        f"#### Beside Taskwarrior and todoman ({size:,} tasks or todos, one per candidate)"
    )
    return ["", heading, "", *table(rows, python, task), "", peers_heading, "", *peers]


# --- the cache of the checked record (issue 27): a read with no cache ------------------

# The rows above read the record with its cache there (their warm-up run made it), as every
# read but the first after a change does. These time that first read: the record parsed and
# checked, and the cache written.
NO_CACHE_COMMANDS = (
    ("status --json, no cache (the first read after a change)", ["status", "--json"]),
    ("candidates, no cache (the first read after a change)", ["candidates"]),
)


def cache_rows(program: str, env: dict[str, str], runs: int, working: Path, size: int) -> list[Row]:
    def no_cache() -> None:
        with contextlib.suppress(FileNotFoundError):
            working.with_name(f".{working.name}.cache").unlink()

    rows = []
    for label, words in NO_CACHE_COMMANDS:
        argv = [program, "--file", str(working), "--as-of", AS_OF, *words]
        timing = measure(argv, env, runs, no_cache)
        rows.append(Row(label, timing, None, PEAK_TARGET_MB.get(size)))
        print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    return rows


# --- the campaign report (`report`), its own block ---------------------------------

# The target for the report page: at most 1 s at 1,000 candidates.
REPORT_TARGET_MS = {1_000: 1_000}


def report_rows(
    size: int, program: str, env: dict[str, str], runs: int, working: Path
) -> list[Row]:
    """`report` for a panel and for the Commission, written to a file (replaced each run)."""
    rows = []
    for audience in ("panel", "commission"):
        label = f"report --for {audience}"
        timing = None
        if command_exists(program, ["report"]):
            page = working.with_name(f"report-{audience}.html")
            argv = [program, "--file", str(working), "--as-of", AS_OF, "report",
                    "--for", audience, "-o", str(page), "--force"]  # fmt: skip
            timing = measure(argv, env, runs)
        rows.append(Row(label, timing, REPORT_TARGET_MS.get(size), PEAK_TARGET_MB.get(size)))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  {label}: {shown}", file=sys.stderr)
    return rows


# --- corrections and the record as it stood (issue 10): a separate block ----------------

# A day before the benchmark record's latest change (22 Jan): --as-of replays history.
PAST_DAY = "2026-01-12"


def correction_commands(size: int) -> list[tuple[str, list[str], bool]]:
    """(label, the words after dgtracker --file F, writes?) for corrections and replays."""
    someone = someone_at_interview(size)
    return [
        (f"edit {someone} --email", ["--as-of", AS_OF, "edit", someone, "--email",
                                      "corrected@example.org"], True),
        (f"undo {someone}", ["--as-of", AS_OF, "undo", someone, "--reason", "Benchmark"], True),
        (f"status --as-of {PAST_DAY}", ["--as-of", PAST_DAY, "status"], False),
        (f"candidates --json --as-of {PAST_DAY}", ["--as-of", PAST_DAY, "candidates", "--json"],
         False),
    ]  # fmt: skip


def run_corrections(
    size: int, program: str, env: dict[str, str], runs: int, python: Timing
) -> list[str]:
    """Times the correction commands and the replayed reads on the same record as above."""
    folder = WORK / f"dgtracker-{size}"
    pristine, working = folder / "campaign.toml", folder / "working.toml"
    if not pristine.exists():
        write_record(size, folder)

    def fresh_copy() -> None:
        shutil.copyfile(pristine, working)

    fresh_copy()
    rows = []
    for label, words, writes in correction_commands(size):
        argv = [program, "--file", str(working), *words]
        timing = measure(argv, env, runs, fresh_copy if writes else None)
        targets = WRITE_TARGET_MS if writes else READ_TARGET_MS
        rows.append(Row(label, timing, targets.get(size), PEAK_TARGET_MB.get(size)))
        print(f"  {label}: {timing.median_ms:.0f} ms", file=sys.stderr)
    fresh_copy()
    heading = f"### {size:,} candidates: corrections, and --as-of a past day (replayed)"
    return ["", heading, "", *table(rows, python, None)]


# --- the name-blind sift (issue 24): a separate block ---------------------------------


def blind_commands(size: int) -> list[tuple[str, list[str], bool, dict[int, int]]]:
    """(label, the words after dgtracker --file F --as-of D, writes?, targets) on a record
    whose sift hides every name: each reader makes the blind view."""
    someone = someone_at_interview(size)
    return [
        ("blind", ["blind"], False, READ_TARGET_MS),
        ("blind --until interview", ["blind", "--until", "interview"], True, WRITE_TARGET_MS),
        ("candidates (blind)", ["candidates"], False, READ_TARGET_MS),
        ("candidates --json (blind)", ["candidates", "--json"], False, READ_TARGET_MS),
        ("candidates --json --reveal", ["candidates", "--json", "--reveal"], False,
         READ_TARGET_MS),
        (f"show {someone} (blind)", ["show", someone], False, READ_TARGET_MS),
        ("export csv (blind)", ["export", "csv"], False, READ_TARGET_MS),
        ("report --for panel (blind)", ["report", "--for", "panel"], False, REPORT_TARGET_MS),
    ]  # fmt: skip


def run_blind(size: int, program: str, env: dict[str, str], runs: int, python: Timing) -> list[str]:
    """Times `blind` and the panel's reads while the sift hides every name (until the
    preferred candidate, whom no one in the benchmark record has reached)."""
    from dgtracker.record import storage
    from dgtracker.record.model import BlindSetting

    folder = WORK / f"dgtracker-blind-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    pristine, working = folder / "campaign.toml", folder / "working.toml"
    record = build_record(size)
    moment = datetime(2026, 1, 26, 9, 0, tzinfo=UTC)
    record.blind.append(BlindSetting(moment, date(2026, 1, 26), "bench", "preferred"))
    storage.save(pristine, record)

    def fresh_copy() -> None:
        shutil.copyfile(pristine, working)

    fresh_copy()
    rows = []
    for label, words, writes, targets in blind_commands(size):
        timing = None
        if command_exists(program, words[:1]):
            argv = [program, "--file", str(working), "--as-of", AS_OF, *words]
            timing = measure(argv, env, runs, fresh_copy if writes else None)
        rows.append(Row(label, timing, targets.get(size), PEAK_TARGET_MB.get(size)))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  {label}: {shown}", file=sys.stderr)
    fresh_copy()
    heading = f"### {size:,} candidates: the name-blind sift (every name hidden)"
    return ["", heading, "", *table(rows, python, None)]


def startup(program: str, env: dict[str, str], runs: int) -> tuple[Timing, list[str]]:
    python = measure([sys.executable, "-c", "pass"], env, runs)
    rows = [
        Row("python -c pass", python),
        Row("python -c 'import typer'", measure([sys.executable, "-c", "import typer"], env, runs)),
        Row("dgtracker --version", measure([program, "--version"], env, runs), START_TARGET_MS),
        Row("dgtracker --help", measure([program, "--help"], env, runs), START_TARGET_MS),
    ]
    for typed in COMPLETION_PRESSES:  # what the zsh script asks at each Tab press
        asked = {**env, "_DGTRACKER_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": typed}
        rows.append(Row(f"Tab: {typed}", measure([program], asked, runs), COMPLETION_TARGET_MS))
    print(f"  start-up: python {python.median_ms:.0f} ms", file=sys.stderr)
    return python, ["", "### Start-up (no record read)", "", *table(rows, python, None)]


# --- the panel's merit order (issue 13) ----------------------------------------------
# A separate block: one record of PANEL_SIZE candidates at interview, each marked on the
# DHSC example criteria (six) by PANEL_MEMBERS members and agreed, with a history event
# for each set of marks; `merit` must stay within PANEL_TARGET_MS.

PANEL_SIZE = 1_000
PANEL_MEMBERS = ("Dame Sue Owen", "Raj Patel", "Helen Ward", "Amira Khan")
PANEL_TARGET_MS = 300


def build_panel_record(size: int = PANEL_SIZE) -> Record:
    from dgtracker.record.model import Event, Marks, PanelMember, PanelRole

    record = build_record(size)
    record.panel = [PanelMember(name, PanelRole.MEMBER) for name in PANEL_MEMBERS]
    criteria = [c.id for c in record.criteria if "interview" in c.assess]
    stamp = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    for number, candidate in enumerate(record.candidates):
        candidate.stage = "interview"
        candidate.history[-1].stage, candidate.history[-1].reason = "interview", None
        agreed = {c: 4 + (number * 7 + index * 3) % 4 for index, c in enumerate(criteria)}
        if number % 10 == 0:  # one in ten below the bar on one criterion
            agreed[criteria[number % len(criteria)]] = 3
        for member_index, member in enumerate((*PANEL_MEMBERS, None)):
            scores = dict(agreed)
            if member is not None:
                first = criteria[member_index % len(criteria)]
                scores[first] = max(1, scores[first] - (number + member_index) % 3)
            candidate.marks.append(Marks("interview", member, scores, None))
            candidate.history.append(
                Event(stamp, stamp.date(), "panel-sec", "scored", note="Interview marks")
            )
    return record


AUDIT_TARGET_MS = 300  # `audit` at PANEL_SIZE candidates


def make_audit_clean(record: Record) -> Record:
    """The panel's record as a competition that keeps every rule, so that `audit` runs each
    check in full and exits 0: a Commissioner chairs, and the first in merit is appointed."""
    from dgtracker.panel.merit import merit
    from dgtracker.record.model import Event, PanelRole

    record.panel[0].role, record.panel[0].commissioner = PanelRole.CHAIR, True
    first = next(row.candidate for row in merit(record, "interview") if row.rank == 1)
    last = first.history[-1]
    first.stage = "appointed"
    first.history.append(
        Event(last.at, last.on, "chair", "moved", stage="appointed", from_stage="interview")
    )
    return record


def audit_row(program: str, env: dict[str, str], runs: int, record: Record, folder: Path) -> Row:
    """`audit` on the panel's record (built once for the section), made to keep every rule."""
    from dgtracker.record import storage

    path = folder / "audit.toml"
    storage.save(path, make_audit_clean(record))
    argv = [program, "--file", str(path), "--as-of", "2026-03-04", "audit"]
    timing = measure(argv, env, runs) if command_exists(program, ["audit"]) else None
    shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
    print(f"  panel: audit: {shown}", file=sys.stderr)
    return Row(f"audit ({PANEL_SIZE:,} candidates)", timing, AUDIT_TARGET_MS)


def panel_section(program: str, env: dict[str, str], runs: int, python: Timing) -> list[str]:
    from dgtracker.record import storage

    folder = WORK / "dgtracker-panel"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / "campaign.toml"
    record = build_panel_record()
    storage.save(path, record)
    rows = []
    for label, arguments in (("merit interview", ["interview"]), ("merit --json", ["--json"])):
        argv = [program, "--file", str(path), "--as-of", "2026-03-04", "merit", *arguments]
        timing = measure(argv, env, runs) if command_exists(program, ["merit"]) else None
        rows.append(Row(label, timing, PANEL_TARGET_MS))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  panel: {label}: {shown}", file=sys.stderr)
    rows += panel_command_rows(program, env, runs, path)
    rows.append(audit_row(program, env, runs, record, folder))
    members = len(PANEL_MEMBERS)
    heading = (
        f"### Merit order: {PANEL_SIZE:,} candidates × 6 criteria × {members} members "
        f"({path.stat().st_size / 1e6:.1f} MB record)"
    )
    return ["", heading, "", *table(rows, python, None)]


def panel_command_rows(program: str, env: dict[str, str], runs: int, pristine: Path) -> list[Row]:
    """The panel's other commands on the same record: what it marks against, who marks, one
    member's marks, the reserve list from merit, a slot booked and cancelled, and the day's
    agenda. Each write starts from a fresh copy (the cancel, from one with the slot)."""
    from dgtracker.record import storage

    record = storage.load(pristine)
    criteria = [c.id for c in record.criteria if "interview" in c.assess]
    marks = [f"{criterion}=5" for criterion in criteria]
    working = pristine.with_name("working.toml")
    booked = pristine.with_name("booked.toml")
    book = ["schedule", "c001", "interview", "2026-03-05 10:00"]
    shutil.copyfile(pristine, booked)
    subprocess.run(
        [program, "--file", str(booked), "--as-of", "2026-03-04", *book],
        capture_output=True,
        env=env,
    )

    commands: list[tuple[str, list[str], Path | None]] = [
        ("criteria list --json", ["criteria", "list", "--json"], None),
        ("panel list --json", ["panel", "list", "--json"], None),
        ("score c001 interview (one member)",
         ["score", "c001", "interview", *marks, "--member", PANEL_MEMBERS[1]], pristine),
        ("reserve --from-merit interview --dry-run",
         ["reserve", "--from-merit", "interview", "--dry-run"], None),
        ("reserve --from-merit interview", ["reserve", "--from-merit", "interview"], pristine),
        ("schedule c001 interview", book, pristine),
        ("schedule c001 interview --cancel", ["schedule", "c001", "interview", "--cancel"], booked),
        ("agenda 2026-03-03", ["agenda", "2026-03-03"], None),
    ]  # fmt: skip
    rows = []
    for label, words, start in commands:
        argv = [program, "--file", str(working), "--as-of", "2026-03-04", *words]

        def fresh_copy(start: Path = start or pristine) -> None:
            shutil.copyfile(start, working)

        timing = None
        if command_exists(program, words[:1]):
            fresh_copy()
            timing = measure(argv, env, runs, fresh_copy if start else None)
        rows.append(Row(label, timing))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  panel: {label}: {shown}", file=sys.stderr)
    return rows


# --- fairness: diversity counts and monitoring answers (issue 24) --------------------------
# Every candidate of the panel's record has answered every monitoring question; one in
# three is Disability Confident, with adjustments. `diversity` must stay within the target.

DIVERSITY_TARGET_MS = 300


def build_fairness_record(size: int = PANEL_SIZE) -> Record:
    from dgtracker.record.model import MONITORING_QUESTIONS, Answer, default_monitoring

    record = build_panel_record(size)
    record.monitoring = default_monitoring()
    stamp = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    for number, candidate in enumerate(record.candidates):
        candidate.disability_confident = number % 3 == 0
        candidate.adjustments = "Step-free room" if number % 3 == 0 else None
        for question, values in MONITORING_QUESTIONS.items():
            value = values[(number * 7 + len(question)) % len(values)]
            candidate.monitoring.append(Answer(stamp, stamp.date(), question, value))
    return record


def fairness_section(program: str, env: dict[str, str], runs: int, python: Timing) -> list[str]:
    from dgtracker.record import storage

    folder = WORK / "dgtracker-fairness"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pristine = folder / "campaign.toml"
    storage.save(pristine, build_fairness_record())
    working = folder / "working.toml"
    commands: list[tuple[str, list[str], bool, int | None]] = [
        ("diversity", ["diversity"], False, DIVERSITY_TARGET_MS),
        ("diversity --json", ["diversity", "--json"], False, DIVERSITY_TARGET_MS),
        ("monitoring c001 sex=prefer-not-to-say",
         ["monitoring", "c001", "sex=prefer-not-to-say"], True, None),
    ]  # fmt: skip
    rows = []
    for label, words, writes, target in commands:
        argv = [program, "--file", str(working), "--as-of", "2026-03-04", *words]

        def fresh_copy() -> None:
            shutil.copyfile(pristine, working)

        timing = None
        if command_exists(program, words[:1]):
            fresh_copy()
            timing = measure(argv, env, runs, fresh_copy if writes else None)
        rows.append(Row(label, timing, target))
        shown = f"{timing.median_ms:.0f} ms" if timing else "n/a"
        print(f"  fairness: {label}: {shown}", file=sys.stderr)
    heading = (
        f"### Fairness: {PANEL_SIZE:,} candidates, each with 8 monitoring answers "
        f"({pristine.stat().st_size / 1e6:.1f} MB record)"
    )
    return ["", heading, "", *table(rows, python, None)]


# --- team block: merging records and several campaigns (issue 12) -----------------------

MERGE_TARGET_MS = 500  # merge-file on two 1,000-candidate records, each +50 and 100 moved
SYNC_TARGET_MS = 1_500  # sync of a 1,000-candidate record with 50 changes on each side
FOLDER_TARGET_MS = 500  # campaigns and remind --all over 20 campaigns of 200 candidates


def _team_side(record: Record, who: str, moved: range) -> Record:
    """A copy's changes: 50 candidates added and 100 moved, by `who`."""
    from dgtracker.process import candidate_actions
    from dgtracker.record.model import Action, Event

    now = datetime(2026, 2, 2, 10, 0, tzinfo=UTC) + timedelta(minutes=len(who))
    record.shared = True  # a clone of a shared record: new ids drawn, as on a team
    for number in range(50):
        candidate_actions.add_candidate(
            record, name=f"{who} {number}", by=who, today=date(2026, 2, 2), now=now
        )
    for candidate in record.candidates[moved.start : moved.stop]:
        candidate.stage = "preferred" if candidate.stage != "preferred" else "offer"
        candidate.history.append(
            Event(now, date(2026, 2, 2), who, Action.MOVED, stage=candidate.stage)
        )
    return record


def team_sections(program: str, env: dict[str, str], runs: int, python: Timing) -> list[str]:
    from dgtracker.record import storage

    folder = WORK / "team"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    base, ours, theirs = folder / "base.toml", folder / "ours.toml", folder / "theirs.toml"
    storage.save(base, build_record(1_000))
    storage.save(ours, _team_side(build_record(1_000), "ada", range(0, 100)))
    storage.save(theirs, _team_side(build_record(1_000), "bob", range(500, 600)))
    working = folder / "working.toml"

    def fresh_ours() -> None:
        shutil.copyfile(ours, working)

    argv = [program, "merge-file", str(base), str(working), str(theirs)]
    rows = [
        Row(
            "merge-file (1,000 + 50 added, 100 moved each side)",
            measure(argv, env, runs, fresh_ours),
            MERGE_TARGET_MS,
        )
    ]
    rows += conflict_rows(program, env, runs, folder)
    campaigns = folder / "campaigns"
    campaigns.mkdir()
    for number in range(20):
        record = build_record(200)
        record.campaign.id = f"campaign-{number:02d}"
        storage.save(campaigns / f"campaign-{number:02d}.toml", record)
    for label, words in (
        ("campaigns (20 × 200)", ["campaigns"]),
        ("remind --all (20 × 200)", ["remind", "--all"]),
    ):
        timing = measure([program, "--dir", str(campaigns), "--as-of", AS_OF, *words], env, runs)
        rows.append(Row(label, timing, FOLDER_TARGET_MS))
    for row in rows:
        print(
            f"  {row.label}: {row.timing.median_ms:.0f} ms" if row.timing else "", file=sys.stderr
        )
    return [
        "",
        "### A team's records: merging, and several campaigns",
        "",
        *table(rows, python, None),
    ]


def conflict_rows(program: str, env: dict[str, str], runs: int, folder: Path) -> list[Row]:
    """A 1,000-candidate record left with a conflict by a merge (two copies moved c001 to
    two stages) settled by `resolve`; and `sync` of a shared record already up to date
    with its remote (git's own work included)."""
    from dgtracker.record import storage

    if not command_exists(program, ["resolve"]):
        return [Row("resolve c001.stage --theirs", None), Row("sync (up to date)", None)]
    base, ours, theirs = (folder / f"conflict-{side}.toml" for side in ("base", "ours", "theirs"))
    storage.save(base, build_record(1_000))
    for side, stage in ((ours, "offer"), (theirs, "preferred")):
        shutil.copyfile(base, side)
        subprocess.run(
            [program, "--file", str(side), "--as-of", AS_OF, "move", "c001", stage,
             "--reinstate", "--reason", "Benchmark"],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
    subprocess.run([program, "merge-file", str(base), str(ours), str(theirs)], env=env)
    conflicted = folder / "conflicted.toml"
    shutil.copyfile(ours, conflicted)
    working = folder / "resolving.toml"

    def fresh_copy() -> None:
        shutil.copyfile(conflicted, working)

    argv = [program, "--file", str(working), "--as-of", AS_OF, "resolve", "c001.stage", "--theirs"]
    rows = [Row("resolve c001.stage --theirs", measure(argv, env, runs, fresh_copy))]
    with tempfile.TemporaryDirectory() as outside:  # share refuses dgtracker's source tree
        timing = _sync_timing(program, env, runs, Path(outside))
    rows.append(Row("sync (1,000 candidates, up to date)", timing))
    with tempfile.TemporaryDirectory() as outside:
        timing = _sync_changes_timing(program, env, runs, Path(outside))
    rows.append(Row("sync (1,000 candidates, 50 changes a side)", timing, SYNC_TARGET_MS))
    return rows


def _sync_timing(program: str, env: dict[str, str], runs: int, folder: Path) -> Timing | None:
    """`sync` in a clone of a bare repository holding a shared 1,000-candidate record."""
    shared = _shared_record(program, env, folder)
    if shared is None:
        return None
    record, git_env = shared
    return measure([program, "--file", str(record), "--as-of", AS_OF, "sync"], git_env, runs)


def _sync_changes_timing(
    program: str, env: dict[str, str], runs: int, folder: Path
) -> Timing | None:
    """`sync` in clone B of a shared 1,000-candidate record when the remote holds 50 changes
    from clone A (25 added, 25 notes, one commit each, as the CLI makes them) and B has 50
    unsent changes of its own: fetch, the merge driver, commit and push. B and the remote
    are restored from copies before each run (not timed)."""
    shared = _shared_record(program, env, folder)
    if shared is None:
        return None
    record, git_env = shared
    remote, clone = folder / "remote.git", folder / "clone"
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True, env=git_env)
    theirs = clone / record.name
    # each member runs share: git config is not cloned
    subprocess.run([program, "--file", str(theirs), "share"], check=True, capture_output=True,
                   env=git_env)  # fmt: skip

    def change(path: Path, who: str, first: int) -> None:
        for number in range(25):
            for words in (
                ["add-candidate", f"{who} {number}", "--email", f"{who}{number}@example.org"],
                ["note", f"c{first + number:03d}", f"Reference taken by {who}"],
            ):
                subprocess.run(
                    [program, "--file", str(path), "--as-of", AS_OF, *words],
                    check=True, capture_output=True, env={**git_env, "USER": who},
                )  # fmt: skip

    change(record, "ada", 100)
    subprocess.run([program, "--file", str(record), "--as-of", AS_OF, "sync"], check=True,
                   capture_output=True, env=git_env)  # fmt: skip
    change(theirs, "bob", 600)
    pristine = folder / "pristine"
    for place in (remote, clone):
        shutil.copytree(place, pristine / place.name, symlinks=True)

    def restore() -> None:
        for place in (remote, clone):
            shutil.rmtree(place)
            shutil.copytree(pristine / place.name, place, symlinks=True)

    argv = [program, "--file", str(theirs), "--as-of", AS_OF, "sync"]
    return measure(argv, git_env, runs, restore)


def _shared_record(
    program: str, env: dict[str, str], folder: Path
) -> tuple[Path, dict[str, str]] | None:
    """A shared 1,000-candidate record in `folder`/shared, pushed to the bare repository
    `folder`/remote.git, and the environment git runs in; None without git."""
    from dgtracker.record import storage

    if shutil.which("git") is None:
        return None
    home = folder / "home"
    home.mkdir(exist_ok=True)
    git_env = {**env, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    for what in ("AUTHOR", "COMMITTER"):
        git_env[f"GIT_{what}_NAME"] = "Benchmark"
        git_env[f"GIT_{what}_EMAIL"] = "benchmark@example.org"
    shared, remote = folder / "shared", folder / "remote.git"
    shared.mkdir()
    record = shared / "campaign.toml"
    storage.save(record, build_record(1_000))

    def git(*words: str, where: Path = shared) -> None:
        subprocess.run(["git", "-C", str(where), *words], check=True, capture_output=True,
                       env=git_env)  # fmt: skip

    subprocess.run([program, "--file", str(record), "share"], check=True, capture_output=True,
                   env=git_env)  # fmt: skip
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=git_env)
    git("remote", "add", "origin", str(remote))
    git("push", "-q", "-u", "origin", "HEAD")
    return record, git_env


# --- memory at the largest size: the panel's merit order and the merge driver -----------


def memory_section(size: int, program: str, env: dict[str, str], runs: int) -> list[str]:
    """`merit`, `score` and `reserve --from-merit` on a panel record of `size` candidates
    (as panel_section builds it) and `merge-file` of two copies of `size` candidates (as
    team_sections builds them), against the peak memory target for that size: the commands
    whose own blocks use 1,000."""
    from dgtracker.record import storage

    folder = WORK / f"memory-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    panel = folder / "panel.toml"
    storage.save(panel, build_panel_record(size))
    target = PEAK_TARGET_MB.get(size)
    rows = []
    for label, arguments in (("merit interview", ["interview"]), ("merit --json", ["--json"])):
        argv = [program, "--file", str(panel), "--as-of", "2026-03-04", "merit", *arguments]
        rows.append(Row(label, measure(argv, env, runs), None, target))
    # The first read after a change: the record parsed and checked, and its cache written.
    panel_cache = panel.with_name(f".{panel.name}.cache")
    argv = [program, "--file", str(panel), "--as-of", "2026-03-04", "status", "--json"]
    timing = measure(argv, env, runs, lambda: panel_cache.unlink(missing_ok=True))
    label = "status --json, no cache (the first read after a change)"
    rows.append(Row(label, timing, None, target))
    # Two of the panel's writes on the same record, each from a fresh copy (not timed).
    marks = [f"{c.id}=5" for c in storage.load(panel).criteria if "interview" in c.assess]
    working_panel = folder / "panel-working.toml"
    for label, words in (
        ("score c001 interview (one member)",
         ["score", "c001", "interview", *marks, "--member", PANEL_MEMBERS[1]]),
        ("reserve --from-merit interview", ["reserve", "--from-merit", "interview"]),
    ):  # fmt: skip
        argv = [program, "--file", str(working_panel), "--as-of", "2026-03-04", *words]
        timing = measure(argv, env, runs, lambda: shutil.copyfile(panel, working_panel))
        rows.append(Row(label, timing, None, target))
    base, ours, theirs = (folder / f"{side}.toml" for side in ("base", "ours", "theirs"))
    storage.save(base, build_record(size))
    storage.save(ours, _team_side(build_record(size), "ada", range(0, size // 10)))
    storage.save(
        theirs, _team_side(build_record(size), "bob", range(size // 2, size // 2 + size // 10))
    )
    working = folder / "working.toml"
    argv = [program, "merge-file", str(base), str(working), str(theirs)]
    timing = measure(argv, env, runs, lambda: shutil.copyfile(ours, working))
    rows.append(
        Row(f"merge-file (+50 added, {size // 10:,} moved each side)", timing, None, target)
    )
    for row in rows:
        print(f"  memory at {size:,}: {row.label}: {row.timing.peak_mb} MB", file=sys.stderr)
    python = measure([sys.executable, "-c", "pass"], env, runs)
    heading = (
        f"### Memory at {size:,} candidates: the panel's merit order and two of its writes "
        f"({panel.stat().st_size / 1e6:.1f} MB record), and the merge driver"
    )
    return ["", heading, "", *table(rows, python, None)]


def kept_notes(output: Path) -> list[str]:
    """The hand-written notes from NOTES_HEADING onward, kept across runs."""
    try:
        text = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    at = text.find(NOTES_HEADING)
    return ["", text[at:].rstrip()] if at >= 0 else []


def report(sections: list[str], args: argparse.Namespace) -> list[str]:
    command = f"benchmarks/run.py --sizes {args.sizes} --runs {args.runs}"
    return [
        "# dgtracker benchmark results",
        "",
        f"Written by `{command}`: each figure is the median wall time of {args.runs} "
        "run(s) of a whole process after one warm-up run, and its peak resident memory. "
        "Each run is paired with a run of the bare interpreter (`python -c pass`) just before "
        "it; the × python column is the median of those paired ratios, with their range. "
        "× task list compares with Taskwarrior's `task list` on the same number of items. "
        "CPU ms is the median user + system time, "
        "which other work on the machine disturbs less than wall time. Peak memory is "
        + (
            "measured by GNU time."
            if GNU_TIME
            else "an upper bound from wait4 (GNU time is not installed)."
        )
        + " The last column scales each time target to this machine through the paired "
        f"ratio: a target of T ms is met when the command takes at most T ÷ "
        f"{REFERENCE_PYTHON_MS} times `python -c pass` ({REFERENCE_PYTHON_MS} ms is how long "
        "that takes on the machine the targets were set on; memory targets are not scaled). "
        "Targets are set for 1,000 and 10,000 candidates only."
        + " Write commands start from a fresh copy of the record before each run (the copy "
        "is not timed), so the record does not grow. Each record has the DHSC milestones "
        "and candidates with five history events each (added, three moves, a note).",
        "",
        "## Machine",
        "",
        *machine_lines(),
        *sections,
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="Candidates per record.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown file.")
    parser.add_argument(
        "--import-rows",
        help=f"Rows per imported sheet (default {DEFAULT_IMPORT_ROWS}, or the --sizes given).",
    )
    parser.add_argument(
        "--move-size",
        type=int,
        help="Candidates in the record of the bulk move (default 1000, or the smallest size).",
    )
    args = parser.parse_args(argv)
    sizes_given = args.sizes != parser.get_default("sizes")  # a quick run stays quick
    rows = args.import_rows or (args.sizes if sizes_given else DEFAULT_IMPORT_ROWS)
    args.import_row_list = [int(part.replace("_", "")) for part in rows.split(",") if part]
    args.size_list = [int(part.replace("_", "")) for part in args.sizes.split(",") if part]
    if args.runs < 1 or not args.size_list or min(args.size_list) < 5:
        parser.error("give at least one run, and sizes of at least 5 candidates")
    args.move_size = args.move_size or (min(args.size_list) if sizes_given else 1_000)
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    program, env = dgtracker_program(), base_env()
    WORK.mkdir(exist_ok=True)
    python, sections = startup(program, env, args.runs)
    for size in args.size_list:
        sections += run_size(size, program, env, args.runs, python)
        sections += run_corrections(size, program, env, args.runs, python)
        sections += run_blind(size, program, env, args.runs, python)
    sections += panel_section(program, env, args.runs, python)
    sections += fairness_section(program, env, args.runs, python)
    sections += bulk_section(program, env, args.runs, args.import_row_list, args.move_size)
    sections += team_sections(program, env, args.runs, python)
    sections += memory_section(max(args.size_list), program, env, args.runs)
    lines = [*report(sections, args), *kept_notes(args.output)]
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
