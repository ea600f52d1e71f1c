"""Many dgtracker processes changing one record at once, with readers watching.

Every change is a locked read-modify-write, so none is lost; every save is a rename, so a
reader sees a whole record, never part of one. The 500-process run is marked slow:
`python -m pytest -m slow` runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import tomllib
from pathlib import Path

import pytest
from tests.conftest import AS_OF, installed_dgtracker


def _env() -> dict[str, str]:
    # Two cores and a hundred processes: they must queue for the lock, not give up.
    return {**os.environ, "DGTRACKER_LOCK_TIMEOUT": "300"}


class Readers:
    """While writers run: parse the file directly, and run `candidates --json`, in a loop."""

    def __init__(self, record: Path) -> None:
        self.record = record
        self.done = threading.Event()
        self.counts: list[int] = []  # candidates seen by each direct read
        self.cli_counts: list[int] = []
        self.failures: list[str] = []
        self.threads = [
            threading.Thread(target=self._parse_file),
            threading.Thread(target=self._run_cli),
        ]

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _parse_file(self) -> None:
        while not self.done.is_set():
            text = self.record.read_bytes().decode("utf-8")
            try:
                self.counts.append(len(tomllib.loads(text)["candidates"]))
            except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError) as error:
                self.failures.append(f"direct read: {error}")
            self.done.wait(0.02)  # leave the cores to the writers

    def _run_cli(self) -> None:
        command = [installed_dgtracker(), "--file", str(self.record), "--as-of", AS_OF]
        while not self.done.is_set():
            result = subprocess.run(
                [*command, "candidates", "--json"], capture_output=True, text=True, timeout=120
            )
            if result.returncode != 0:
                self.failures.append(f"candidates --json: {result.stderr}")
                continue
            self.cli_counts.append(len(json.loads(result.stdout)))
            self.done.wait(2)


def _name(n: int) -> str:
    return f"Candidate {n:03d}"


def _add_at_once(record: Path, how_many: int) -> list[subprocess.CompletedProcess[str]]:
    """Start every `add-candidate` process before waiting for any of them."""
    command = [installed_dgtracker(), "--file", str(record), "--as-of", AS_OF, "add-candidate"]
    started = [
        subprocess.Popen(
            [*command, _name(n), "--email", f"person{n}@example.org"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for n in range(how_many)
    ]
    finished = []
    for process in started:
        out, err = process.communicate(timeout=600)
        finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return finished


def _check_every_add_landed(cli, how_many: int) -> None:
    with Readers(cli.path) as readers:
        finished = _add_at_once(cli.path, how_many)
    assert [r.stderr for r in finished if r.returncode != 0] == []
    printed = [r.stdout.strip() for r in finished]
    assert len(set(printed)) == how_many  # every process got its own id
    data = cli.data()
    assert len(data["candidates"]) == how_many
    assert {c["id"] for c in data["candidates"]} == set(printed)
    assert {c["name"] for c in data["candidates"]} == {_name(n) for n in range(how_many)}
    assert data["next_candidate_number"] == how_many + 1
    assert "is valid" in cli.ok("check")
    # Readers saw whole records only, and never a change undone.
    assert readers.failures == []
    assert readers.counts and readers.counts == sorted(readers.counts)
    assert readers.cli_counts == sorted(readers.cli_counts)
    assert list(cli.path.parent.glob(".campaign.toml.tmp-*")) == []


@pytest.mark.heavy
def test_a_hundred_processes_add_candidates_at_once(cli) -> None:
    _check_every_add_landed(cli, 100)


@pytest.mark.slow
def test_five_hundred_processes_add_candidates_at_once(cli) -> None:
    _check_every_add_landed(cli, 500)
