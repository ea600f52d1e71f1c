"""dgtracker as a Python library: open a record, read what is true on a day, change it.

The command line is a thin layer over this module and the ones it names; a script can do
everything the CLI does without it::

    from datetime import UTC, date, datetime
    from dgtracker.app import session
    from dgtracker.out import json_contract
    from dgtracker.process import candidate_actions

    record = session.open_record("data/campaign.toml")             # checked, never locked
    print(json_contract.status_json(record, date(2026, 2, 2)))       # the JSON contract
    with session.changing("data/campaign.toml") as record:          # locked, saved at the end
        candidate_actions.move(record, "c001", "longlist", by="ada",
                     today=date(2026, 2, 2), now=datetime.now(UTC))

Here: `open_record(path)` and `changing(path)` (the record, read, or changed under its
lock; a block that raises saves nothing; a shared record's change is committed, as the
CLI's are), and `purge(path, ...)` (committed too). Beside it:
- `dgtracker.process.candidate_actions`: every change to a candidate and its rules (add_candidate,
  move, add_note, find_candidate, resolve_stage); `dgtracker.process.milestone_actions`
  (add_milestone, mark_done, reschedule, reopen_milestone);
- `dgtracker.process.bulk`: one decision for many candidates, all or none (move_many,
  at_stage_except);
- `dgtracker.process.queries`: what is true on a day (milestone_views, pipeline, outcome_date,
  reserve_list, select_candidates);
- `dgtracker.out.json_contract`: the documented JSON (status_json, candidate_json, record_json, …);
- `dgtracker.app.reminders.due_reminders(record, today)`: what `remind` prints;
- `dgtracker.record.model`: the record's objects, and `dgtracker.errors`: every failure, each
  with an `exit_code` and a `hint`.
This module loads the others only when called, so the CLI pays for what a command uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dgtracker.errors import RecordError

if TYPE_CHECKING:
    from dgtracker.process.privacy import FilePlan
    from dgtracker.progress import Walk
    from dgtracker.record.model import Record

__all__ = ["PurgeResult", "changing", "open_record", "purge"]


def open_record(path: str | os.PathLike[str]) -> Record:
    """The record at `path`, checked against every rule (RecordError if it breaks one)."""
    from dgtracker.record import storage

    return storage.load(Path(path))


@contextmanager
def changing(
    path: str | os.PathLike[str], *, by: str | None = None, summary: str | None = None
) -> Iterator[Record]:
    """Lock the record, load it, yield it to be changed, and save it safely at the end.

    When the record is shared (`dgtracker share`), the change is committed as a command's
    is: `summary (by who)`, never a person's data. `summary` says what happened (by default
    "change" and the ids of the candidates and milestones that changed); `by` is who made
    it (by default the user name). If git cannot commit it (another git holding its
    index.lock), the change stays saved and a UserWarning says so: the next commit
    carries it."""
    from dgtracker.record import storage
    from dgtracker.team import git_share

    record_file = Path(path)
    shared = storage.is_shared(record_file)
    with storage.locked(record_file) as lock:
        storage.tidy_leftovers(record_file)
        record, layout = storage.load_with_layout(record_file)
        before = _ids_and_items(record) if shared and summary is None else {}
        yield record
        storage.save(record_file, record, layout, lock=lock)
        if shared:
            what = summary or _changed(before, _ids_and_items(record))
            said = git_share.commit_saved(
                record_file,
                f"{what} (by {by or _user_name()})",
                conflicts_left=len(record.conflicts),
            )
            if said:  # saved: raising would say nothing was, and invite doing it twice
                import warnings

                warnings.warn(said, stacklevel=3)


def _ids_and_items(record: Record) -> dict[str, str]:
    """Each candidate and milestone as its full text (a snapshot, to compare after)."""
    found = {candidate.id: repr(candidate) for candidate in record.candidates}
    return found | {milestone.id: repr(milestone) for milestone in record.milestones}


def _changed(before: dict[str, str], after: dict[str, str]) -> str:
    """ "change" and the ids of what changed, added or removed (a long list counted)."""
    ids = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return " ".join(["change", *(ids if len(ids) <= 3 else [f"{len(ids)} items"])])


def _user_name() -> str:
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):
        return "unknown"


@dataclass(slots=True)
class PurgeResult:
    """What a purge did (or, with dry_run, would do): a line per file and person."""

    lines: list[str]
    record: Record
    plans: list[FilePlan]  # each with what it erased beside the people (`erased`)
    said: str | None = None  # a shared record: what committing the purge said, if anything
    leftovers: list[Path] = field(default_factory=list)  # git's merge leftovers removed


def purge(
    path: str | os.PathLike[str],
    *,
    today: date | Callable[[str], date] | None = None,
    by: str,
    now: datetime,
    candidate: str | None = None,
    dry_run: bool = False,
    each: Walk | None = None,
) -> PurgeResult:
    """Anonymise what the retention policy says is due (or one person, `candidate`), in the
    record and every backup dgtracker made of it; backups first, the record last. In each,
    mentions of those people elsewhere (other candidates' text, milestones, the panel's
    notes) are erased and conflicts waiting about them dropped; git's merge leftovers
    beside the record (full copies of it) are removed.

    `today`: the day to judge by, or a function of the campaign's time zone that gives it
    (None: today there). A backup that cannot be read stops the purge before anything
    changes. `each` walks the work (progress.tracked shows a bar on a terminal). A shared
    record's purge is committed (`purge (by who)`).
    """
    from dgtracker.exchange import safe_files
    from dgtracker.process import candidate_actions, corrections, privacy
    from dgtracker.progress import quietly
    from dgtracker.record import storage

    walk = each or quietly
    said: str | None = None
    leftovers: list[Path] = []

    record_file = Path(path)

    def plan() -> tuple[Record, date, list[FilePlan]]:
        record = storage.load(record_file, walk)
        zone = record.campaign.timezone
        day = today if isinstance(today, date) else (today or _today_in)(zone)
        backups = _load_backups(record_file)
        if candidate is None:
            return record, day, privacy.retention_plans(record_file, record, backups, day)
        person = candidate_actions.find_candidate(record, candidate)
        return record, day, privacy.erasure_plans(record_file, person, record, backups)

    def forget(plans: list[FilePlan], day: date, each: Walk) -> None:
        people = privacy.people_of(plans)  # before anyone is anonymised
        for file_plan in plans:
            if file_plan.due:
                file_plan.erased = privacy.forget(
                    file_plan.record, file_plan.due, people, by=by, today=day, now=now, each=each
                )

    if dry_run:  # reads only: saves are atomic, so no lock is needed
        import copy

        record, day, plans = plan()
        plans = copy.deepcopy(plans)  # what would be erased, found on copies never saved
        forget(plans, day, quietly)
        lines = privacy.describe_plans(plans, "Would anonymise")
        lines += ["Nothing was changed (--dry-run)."] if lines else []
    else:
        with storage.locked(record_file) as lock:
            storage.tidy_leftovers(record_file)
            safe_files.tidy_dead_temps(Path(os.path.realpath(record_file)).parent)
            leftovers = storage.remove_merge_leftovers(record_file)
            record, day, plans = plan()
            forget(plans, day, walk)
            lines = privacy.describe_plans(plans, "Anonymised")
            done: list[Path] = []
            for file_plan in plans:  # the record itself last
                if file_plan.due:
                    if candidate is not None:  # erased on request: out of the process
                        for due in file_plan.due:
                            corrections.withdraw_erased(
                                file_plan.record, due.candidate, by=by, today=day, now=now
                            )
                    try:
                        storage.save(file_plan.path, file_plan.record, lock=lock)
                    except RecordError as error:
                        raise _part_way(error, done) from None
                    done.append(file_plan.path)
            if done:  # a shared record: the purge is committed like any change
                from dgtracker.team.git_share import commit_if_shared

                said = commit_if_shared(
                    record_file, f"purge (by {by})", conflicts_left=len(record.conflicts)
                )
    if not lines:
        erasing = candidate_actions.find_candidate(record, candidate).id if candidate else None
        lines = [privacy.nothing_due(record, day, erasing)]
    if leftovers:
        lines.append(
            f"Removed {len(leftovers)} file(s) git left beside the record after a merge "
            "(.merge_file_*: full copies of the record)."
        )
    return PurgeResult(lines, record, plans, said, leftovers)


def _part_way(error: RecordError, done: list[Path]) -> RecordError:
    """A purge that failed after changing some files says which, not "nothing changed"."""
    if not done:
        return error
    changed = ", ".join(str(path) for path in done)
    return RecordError(
        f"{error.message.rstrip('.')}. The purge stopped part-way: it had already "
        f"anonymised {changed}; the files after those were not changed.",
        hint="Fix the cause, then run purge again: it finishes what is left.",
    )


def _today_in(timezone: str) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


def _load_backups(path: Path) -> list[tuple[Path, Record]]:
    from dgtracker.exchange import safe_files
    from dgtracker.record import storage

    loaded = []
    for backup in safe_files.backups_of(path):
        try:
            loaded.append((backup, storage.load(backup)))
        except RecordError as error:
            raise RecordError(
                f"A backup cannot be read, so it cannot be purged: {error.message}",
                hint="Fix or delete that backup, then run purge again; nothing was changed.",
            ) from None
    return loaded
