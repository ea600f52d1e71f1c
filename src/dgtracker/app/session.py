"""The one session every command goes through: the record read, or changed under its lock.

The command line is a thin layer over this module: it parses arguments, calls it, and
prints. A script makes the same calls::

    from datetime import date
    from dgtracker.app import session
    from dgtracker.out import json_contract
    from dgtracker.process import candidate_actions

    record, today = session.open_record("data/campaign.toml")      # checked, never locked
    print(json_contract.status_json(record, today))                  # the JSON contract
    with session.changing("data/campaign.toml", by="ada") as change:  # locked, saved at the end
        candidate_actions.move(change.record, "c001", "longlist", by=change.by,
                               today=change.today, now=change.now)

Here: `open_record(path)` (and `open_status(path)`, what `status` reads of it) and
`changing(path)` (the record, read, or changed under its lock; a block that raises saves
nothing; a shared record's change is committed, as the CLI's are, and `change.said` holds
what git said), `create(path, record)` (init),
`purge(path, ...)`, `sync(path)`, `ready_to_rewrite(path)` then `rewrite_history(path, git)`,
`share(path, command)`, `merge_file(base, ours, theirs)` (git's merge driver),
`plan_table_import(record, today, table, ...)` (an import's dry run), and under a change,
`resolve(change, conflict_id, side)` and `import_table(change, table, ...)`. This is the
only module that takes the record's lock (record/locking.py; tests/test_session.py checks
it). Beside it:
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
The record's own modules are imported at the top; the modules of one job (git, the merge,
an import, purge, the date parser, getpass, a new record's calendar token, the checks a
resolved conflict is read back through) only in the call that does it, so the CLI pays
for what a command uses (start-up budget).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dgtracker.dates import ISO_DAY, format_day
from dgtracker.errors import RecordError, Refused
from dgtracker.progress import Walk, quietly
from dgtracker.record import cached_change, storage
from dgtracker.record.history import as_it_stood, latest_change
from dgtracker.record.locking import locked
from dgtracker.record.plain_model import NotThisRecords
from dgtracker.record.summary import (
    Listing,
    Summary,
    Watch,
    listings_of,
    summaries_of,
    watches_of,
)
from dgtracker.text import clean_field

if TYPE_CHECKING:
    from dgtracker.exchange.sheet_files import Table
    from dgtracker.exchange.sheet_import import ImportPlan
    from dgtracker.process.privacy import FilePlan
    from dgtracker.record.locking import Held
    from dgtracker.record.model import Candidate, MergeConflict, Record
    from dgtracker.team.git_history import Git
    from dgtracker.team.git_share import Synced

__all__ = [
    "Change",
    "PurgeResult",
    "changing",
    "create",
    "open_record",
    "purge",
    "rewrite_history",
    "sync",
    "today_in",
    "user_name",
]

PathLike = str | os.PathLike[str]


@contextmanager
def _locked(path: Path) -> Iterator[Held]:
    """The record's lock: taken here alone, so every writer waits for the same one."""
    with locked(path) as lock:
        yield lock


def user_name(by: str | None) -> str:
    """Who makes a change: `by`, or the user name; cleaned by the `by` field's rule."""
    if by:
        return clean_field("by", by)
    import getpass

    try:
        return clean_field("by", getpass.getuser()) or "unknown"
    except (OSError, KeyError, ImportError, Refused):
        return "unknown"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today_in(timezone: str, as_of: str | None = None) -> date:
    """Today in the campaign's time zone, or the day `as_of` gives (--as-of's forms)."""
    real_today = datetime.now(ZoneInfo(timezone)).date()
    if as_of is None:
        return real_today
    if not as_of.strip():
        raise Refused(
            "--as-of / DGTRACKER_TODAY is empty.",
            hint="Give a date (2026-02-02), or leave the option out for today.",
        )
    if ISO_DAY.fullmatch(as_of):  # as scripts and cron give it: no parser needed
        with suppress(ValueError):
            return date.fromisoformat(as_of)
    from dgtracker.date_input import parse_date

    try:
        return parse_date(as_of, real_today)
    except Refused as error:
        error.message = f"--as-of / DGTRACKER_TODAY: {error.message}"
        raise


def open_record(
    path: PathLike, *, as_of: str | None = None, each: Walk = quietly
) -> tuple[Record, date]:
    """The record at `path` (checked against every rule, never locked) and today for it;
    with `as_of` before the latest recorded change, the record as it stood that day."""
    record = storage.load(Path(path), each, cached=True)
    today = today_in(record.campaign.timezone, as_of)
    return _as_it_stood_then(record, today, as_of), today


def _as_it_stood_then(record: Record, today: date, as_of: str | None) -> Record:
    """With `as_of` (a day asked for) before the record's latest change, the record as it
    stood at the end of that day; else the record."""
    if as_of is not None:
        latest = latest_change(record)
        if latest is not None and today < latest:
            return as_it_stood(record, today)
    return record


def open_status(
    path: PathLike, *, as_of: str | None = None, each: Walk = quietly
) -> tuple[Record, list[Summary], date]:
    """What `status` reads: the record, each candidate's summary (record/summary.py, all
    `status` reads of the candidates), and today for it, as `open_record` has them. From
    the record's cache, when that was made from the file's very bytes, the record comes
    without its candidates (their list empty: no candidate is built) and the summaries are
    the cache's; else the record is read whole, and the summaries made as the cache is.
    With `as_of` before the latest recorded change, the record as it stood then, whole,
    and its summaries."""
    record_file = Path(path)
    outline = storage.load_outline(record_file)
    if outline is None:
        record, summaries = storage.load_summarised(record_file, each)
    else:
        record, summaries, key = outline
    today = today_in(record.campaign.timezone, as_of)
    if as_of is not None:  # a day in the past: the record as it stood then
        latest = latest_change(record, summaries)
        if latest is not None and today < latest:
            # from the outline's cache (its hash not computed again), else as a read makes it
            whole = (
                record if outline is None else storage.load(record_file, each, cached=True, key=key)
            )
            record = as_it_stood(whole, today)
            summaries = summaries_of(record)
    return record, summaries, today


def open_listing(
    path: PathLike, *, as_of: str | None = None, each: Walk = quietly
) -> tuple[Record, list[Listing] | None, date]:
    """What `candidates` reads: the record, each candidate's listing (record/summary.py,
    all the list shows of them), and today for it, as `open_record` has them. From the
    record's cache, as `open_status` reads it: the record without its candidates, and the
    cache's listings; else the record whole, and the listings made from it. While the sift
    is name-blind, the record whole and no listings: the list is made from the panel's view
    of it (process/blind.py), which names only those who may be named."""
    from dgtracker.process.blind import blind_until

    record_file = Path(path)
    listed = storage.load_listed(record_file)
    if listed is None:
        whole, listings = storage.load_with_listings(record_file, each)
        today = today_in(whole.campaign.timezone, as_of)
        record = _as_it_stood_then(whole, today, as_of)
    else:
        record, summaries, listings, key = listed
        today = today_in(record.campaign.timezone, as_of)
        latest = latest_change(record, summaries) if as_of is not None else None
        replay = latest is not None and today < latest  # the record as it stood then
        if not replay and blind_until(record) is None:
            return record, listings, today
        # from the same cache (its hash not computed again)
        whole = storage.load(record_file, each, cached=True, key=key)
        record = as_it_stood(whole, today) if replay else whole
    if blind_until(record) is not None:
        return record, None, today
    return record, listings if record is whole else listings_of(record), today


def open_watched(
    path: PathLike, *, as_of: str | None = None, each: Walk = quietly
) -> tuple[Record, list[Watch], date]:
    """What `remind` reads: the record, what it reads of each candidate (record/summary.py
    `Watch`), and today for it, as `open_record` has them. From the record's cache, as
    `open_status` reads it: the record without its candidates, and the cache's watches;
    else the record whole, and the watches made from it. The record is whole too, from the
    same cache, when it keeps its panel (the Commission's audit reads every candidate) or
    with `as_of` before the latest recorded change (the record as it stood then)."""
    record_file = Path(path)
    found = storage.load_watched(record_file)
    key = None  # the bytes' hash, when the record has no candidates (from the cache)
    if found is None:
        record, watches = storage.load_with_watches(record_file, each)
    else:
        record, watches, key = found
    today = today_in(record.campaign.timezone, as_of)
    latest = latest_change(record, watches) if as_of is not None else None
    replay = latest is not None and today < latest  # the record as it stood then
    if key is not None and (replay or record.panel):
        # whole, from the same cache (its hash not computed again)
        record = storage.load(record_file, each, cached=True, key=key)
    if replay:
        record = as_it_stood(record, today)
        watches = watches_of(record)
    return record, watches, today


@dataclass(slots=True)
class Change:
    """A change under way: the locked record, today, the moment, and who makes it.

    `summary` says what happened for the commit of a shared record (ids and stages only,
    never a person's data); by default the command and the ids it was given. A block may
    replace `record` with a new one: that is what gets saved. `said`: what git said when
    committing, for the caller to show (a commit git refused is said, never raised: the
    change is saved, and raising would invite making it twice).
    """

    record: Record
    today: date
    now: datetime
    by: str
    summary: str = ""
    said: str | None = None


@contextmanager
def changing(
    path: PathLike,
    *,
    by: str | None = None,
    as_of: str | None = None,
    now: datetime | Callable[[], datetime] | None = None,
    each: Walk = quietly,
    command: str | None = None,
    given: Mapping[str, Any] | None = None,
) -> Iterator[Change]:
    """Lock the record, load it, yield it to be changed, save it when the block ends
    without an error, and commit it when the record is shared (dgtracker share).

    `by`: who (default: the user name). `now`: the moment, or a clock read once the lock
    is held (default: the time then, in UTC). `as_of`: the day the change is written on (default:
    today in the campaign's time zone), never before a change the record holds. `command`
    and `given` (the command's words and the arguments it was given by name) make the
    commit message: the command, the ids and stage given, the milestone and the candidates
    added. Without `command`: "change" and the ids of what changed. `each` walks the load
    and the save (progress.tracked shows a bar on a terminal)."""
    record_file = Path(path)
    who = user_name(by)
    if not os.path.lexists(record_file):
        storage.read_text(record_file)  # the standard "no record here: init" message
    with _locked(record_file) as lock:
        storage.tidy_leftovers(record_file)
        record, layout, cached = cached_change.load_for_change(record_file, each)
        shared = storage.is_shared(record_file)
        try:
            named = _summary_words(record, given or {})
            known = {candidate.id for candidate in record.candidates}
            before = _ids_and_items(record) if shared and command is None else {}
            today = today_in(record.campaign.timezone, as_of)
            if as_of is not None:
                _not_before_the_record(record, today, cached)
            moment = now if isinstance(now, datetime) else (now or now_utc)()
            change = Change(record, today, moment, who)
            yield change
            same = change.record is record
            layout_kept = layout if same else None
            base = cached if same else None  # a new record: written whole, the cache removed
            cached_change.save(record_file, change.record, layout_kept, base, each, lock)
        except NotThisRecords:  # a candidate of a forged cache (nothing was written)
            storage.forget_cache(record_file)
            raise RecordError(
                "The record's cache beside it does not hold what the record says; it is "
                "removed, and nothing was changed.",
                hint="Run the command again: the record is read from its text.",
            ) from None
        if not shared:
            return
        if not change.summary:
            if command is None:
                change.summary = _changed(before, _ids_and_items(change.record))
            else:
                added = [c.id for c in change.record.candidates if c.id not in known]
                words = command.split() or ["change"]
                words += named + _milestone_words(change.record, given or {})
                words += added if len(added) <= 3 else [f"{len(added)} candidates"]
                change.summary = " ".join(words)
        change.said = _commit(
            record_file, f"{change.summary} (by {who})", len(change.record.conflicts)
        )


def _commit(path: Path, message: str, conflicts_left: int) -> str | None:
    """Commit a shared record's saved change; what git said, if worth saying."""
    from dgtracker.team.git_share import commit_saved

    return commit_saved(path, message, conflicts_left=conflicts_left)


def _summary_words(record: Record, given: Mapping[str, Any]) -> list[str]:
    """The ids and stage a command was given, as the record names them before the change:
    a commit message holds ids, never the name typed for one (no purge reaches git's
    history). A long list of ids is counted; what does not resolve is left out (the
    command refuses it anyway)."""
    from dgtracker.process.candidate_actions import find_candidate, resolve_stage

    def candidate(typed: str) -> list[str]:
        with suppress(Refused):
            return [find_candidate(record, typed).id]
        return []

    def stage(typed: str | None) -> list[str]:
        with suppress(Refused):
            return [resolve_stage(record, typed)] if typed else []
        return []

    words = candidate(given["candidate_id"]) if given.get("candidate_id") else []
    *ids, to = given.get("ids_then_stage") or [None]
    if len(ids) <= 3:
        words += [word for typed in ids for word in candidate(typed)]
    else:
        words.append(f"{len(ids)} candidates")
    return words + stage(to) + stage(given.get("stage"))


def _milestone_words(record: Record, given: Mapping[str, Any]) -> list[str]:
    """The milestone a command was given, when the record (after the change) has that id."""
    typed = given.get("milestone_id")
    return [typed] if typed and any(m.id == typed for m in record.milestones) else []


def _not_before_the_record(
    record: Record, today: date, cached: cached_change.FromCache | None = None
) -> None:
    """A change is written on the record's today: never before a change it already holds
    (the history is in the order it was written, which `--as-of` replays). `cached`: what
    a record taken from its cache was taken with (its candidates' summaries say it)."""
    latest = latest_change(record, None if cached is None else cached.summaries_now())
    if latest is not None and today < latest:
        raise Refused(
            f"The record already holds changes made on {format_day(latest)}; a change "
            f"cannot be written as of {format_day(today)}, before them.",
            hint="Leave out --as-of (or give a later day); to date a change earlier, "
            "use the command's --on or --applied.",
        )


def _ids_and_items(record: Record) -> dict[str, str]:
    """Each candidate and milestone as its full text (a snapshot, to compare after)."""
    found = {candidate.id: repr(candidate) for candidate in record.candidates}
    return found | {milestone.id: repr(milestone) for milestone in record.milestones}


def _changed(before: dict[str, str], after: dict[str, str]) -> str:
    """ "change" and the ids of what changed, added or removed (a long list counted)."""
    ids = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return " ".join(["change", *(ids if len(ids) <= 3 else [f"{len(ids)} items"])])


def create(
    path: PathLike, record: Record, *, replace: bool = False
) -> tuple[Path | None, str | None]:
    """Write a new record at `path` (init): an existing one is refused, or if `replace`
    backed up and replaced, under the lock, so two `init`s at once cannot both believe the
    path was free. In a shared folder, committed ("init"). A record without a calendar token
    is given one, so no two records share calendar UIDs however they were made. The backup
    kept, and what git said."""
    if record.campaign.calendar is None:
        from dgtracker.process.new_records import calendar_token  # init alone makes records

        record.campaign.calendar = calendar_token()
    record_file = Path(path)
    storage.make_room(record_file)
    with _locked(record_file) as lock:  # as every change commits: never during a sync
        saved = storage.create(record_file, record, replace, lock)
        said = None
        if storage.is_shared(record_file):
            said = _commit(record_file, "init", len(record.conflicts))
    return saved, said


def sync(path: PathLike, *, reread: bool = True) -> tuple[Synced, Record, Record]:
    """Fetch the team's changes, merge them, commit and send ours (git_share.sync), under
    the record's lock for the whole run: a writer in this clone waits, so its change is
    never merged over nor committed half-way through (the merge driver git runs meanwhile
    works on git's own copies and takes no lock). A record that breaks a rule is never
    committed nor sent. The record before, and after (re-read if the team's work came in
    and `reread`)."""
    from dgtracker.team.git_share import sync as pull_and_push

    record_file = Path(path)
    with _locked(record_file):
        record = storage.load(record_file)
        synced = pull_and_push(record_file, [conflict.id for conflict in record.conflicts])
        if synced.brought_in:  # the team's change, written by git: the next read caches it
            storage.forget_cache(record_file)
        after = storage.load(record_file) if synced.brought_in and reread else record
    return synced, record, after


def ready_to_rewrite(path: PathLike) -> Git:
    """Refuse, before anything changes, a rewrite of a shared record's history that would
    lose work (not shared, uncommitted changes, a stopped merge, team commits this copy
    lacks); else the git to give `rewrite_history`."""
    from dgtracker.team import git_history

    return git_history.ready(Path(path))


def rewrite_history(path: PathLike, git: Git) -> list[str]:
    """Rewrite a shared record's earlier commits so they hold no erased data (purge
    --rewrite-history), under the record's lock: no change is committed meanwhile. `git`:
    what `ready_to_rewrite` found. What happened, by count only."""
    from dgtracker.team import git_history

    record_file = Path(path)
    with _locked(record_file):
        return git_history.rewrite(record_file, git)


@dataclass(slots=True)
class PurgeResult:
    """What a purge did (or, with dry_run, would do): a line per file and person."""

    lines: list[str]
    record: Record
    plans: list[FilePlan]  # each with what it erased beside the people (`erased`)
    said: str | None = None  # a shared record: what committing the purge said, if anything
    leftovers: list[Path] = field(default_factory=list)  # git's merge leftovers removed
    letters: list[Path] = field(default_factory=list)  # drafted letters to them, removed


def purge(
    path: str | os.PathLike[str],
    *,
    today: date | Callable[[str], date] | None = None,
    by: str | None = None,
    now: datetime | None = None,
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
    record's purge is committed (`purge (by who)`). `by`: who (default: the user name),
    cleaned as a change's is; `now`: the moment (default: now).
    """
    from dgtracker.exchange import safe_files
    from dgtracker.process import candidate_actions, corrections, privacy

    walk = each or quietly
    who, moment = user_name(by), now or now_utc()
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
                    file_plan.record,
                    file_plan.due,
                    people,
                    by=who,
                    today=day,
                    now=moment,
                    each=each,
                )

    if dry_run:  # reads only: saves are atomic, so no lock is needed
        record, day, plans = plan()
        plans = copy.deepcopy(plans)  # what would be erased, found on copies never saved
        forget(plans, day, quietly)
        lines = privacy.describe_plans(plans, "Would anonymise")
        lines += ["Nothing was changed (--dry-run)."] if lines else []
    else:
        with _locked(record_file) as lock:
            storage.tidy_leftovers(record_file)
            safe_files.tidy_dead_temps(Path(os.path.realpath(record_file)).parent)
            leftovers = storage.remove_merge_leftovers(record_file)
            # The cache may be of an older record (before a sync brought in an erasure):
            # gone first; the record's save below makes it anew from what it writes.
            storage.forget_cache(record_file)
            record, day, plans = plan()
            forget(plans, day, walk)
            lines = privacy.describe_plans(plans, "Anonymised")
            done: list[Path] = []
            for file_plan in plans:  # the record itself last
                if file_plan.due:
                    if candidate is not None:  # erased on request: out of the process
                        for due in file_plan.due:
                            corrections.withdraw_erased(
                                file_plan.record, due.candidate, by=who, today=day, now=moment
                            )
                    try:
                        storage.save(
                            file_plan.path,
                            file_plan.record,
                            lock=lock,
                            cached=file_plan.path == record_file,
                        )
                    except RecordError as error:
                        raise _part_way(error, done) from None
                    done.append(file_plan.path)
            if done and storage.is_shared(record_file):  # committed like any change
                said = _commit(record_file, f"purge (by {who})", len(record.conflicts))
    if not lines:
        erasing = candidate_actions.find_candidate(record, candidate).id if candidate else None
        lines = [privacy.nothing_due(record, day, erasing)]
    erased_ids = {due.candidate.id for plan in plans for due in plan.due}
    letters = _letters_to(record_file, erased_ids)
    if letters:
        verb = "Would remove" if dry_run else "Removed"
        lines.append(f"{verb} {len(letters)} letter(s) drafted to them (.eml, by id).")
        if not dry_run:
            for letter in letters:
                storage.remove_quietly(letter)
    if leftovers:
        lines.append(
            f"Removed {len(leftovers)} file(s) git left beside the record after a merge "
            "(.merge_file_*: full copies of the record)."
        )
    return PurgeResult(lines, record, plans, said, leftovers, letters)


def _letters_to(record_file: Path, ids: set[str]) -> list[Path]:
    """The letters `mail` drafted to these people in its folder beside the record."""
    if not ids:
        return []
    from dgtracker.exchange.letters import default_folder, letters_of

    return letters_of(default_folder(record_file), ids)


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
    return datetime.now(ZoneInfo(timezone)).date()


def _load_backups(path: Path) -> list[tuple[Path, Record]]:
    from dgtracker.exchange import safe_files

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


def merge_file(
    base: Path, ours: Path, theirs: Path, git_path: str | None = None
) -> tuple[list[str], int]:
    """Merge two versions of a record by meaning (git's merge driver `merge-file`), the
    result written over `ours`: what to say (ids, counts and actions, no personal data)
    and the exit code (1: a conflict, or two people under one id, `ours` then untouched).
    No lock: git runs the driver on its own temp copies, during a sync that holds it."""
    from dgtracker.team.merge import clash_says, merge
    from dgtracker.team.merge_erasure import driver_says
    from dgtracker.team.merge_inputs import checked_result, read_side

    # git gives an empty ancestor when both sides added the file. A candidate whose text
    # ours or theirs has as the base has it is held once (the base's data): two copies
    # that each changed a few candidates take little more memory than one.
    base_data, known = read_side(base, "base", ours, git_path)
    ours_data, layout = read_side(ours, "ours", ours, git_path, known)
    theirs_data = read_side(theirs, "theirs", ours, git_path, known)[0]
    del known  # only ours' layout is kept, for the save
    merged = merge(base_data, ours_data, theirs_data)
    # The three inputs are let go before the merged record is built and saved: at 10,000
    # candidates each takes about 50 MB as data (the layout keeps what the save compares).
    del base_data, ours_data, theirs_data
    if merged.clashes:  # two people under one id: never mixed, never renumbered
        return [clash_says(merged.clashes, ours)], 1
    record = checked_result(merged.data, ours, git_path)
    merged.data = {}  # the record holds it now; the save makes its own
    storage.save(ours, record, layout)  # our unchanged candidates keep their text
    said = [driver_says(cid, dropped) for cid, dropped in merged.erased.items()]
    if merged.conflicts:
        ids = ", ".join(conflict["id"] for conflict in merged.conflicts)
        said.append(f"dgtracker: conflict in {ids}; run 'dgtracker check' to see both sides.")
        return said, 1
    return said, 0


def resolve(change: Change, conflict_id: str, side: str) -> str:
    """Settle a conflict a merge left in the record under `change` (from `changing`),
    keeping `side`'s value ("ours" or "theirs"); what to say."""
    from dgtracker.team import conflicts

    conflict = conflicts.find(change.record.conflicts, conflict_id)
    data = storage.loads(storage.text_and_data(change.record)[0])  # as a file holds it
    if conflicts.is_history(conflict):  # a recorded history rewritten on a copy
        return _keep_history(change, data, conflict, side)
    return _keep_value(change, data, conflict, side)


def _keep_value(change: Change, data: dict[str, Any], conflict: MergeConflict, side: str) -> str:
    """One side's value at the conflict's place (a stage chosen: the losing moves undone)."""
    from dgtracker.team import conflicts

    kept = conflicts.settle(data, conflict, side)
    stage_chosen = conflict.path[0::2] == ["candidates", "stage"]
    if stage_chosen:  # the losing moves undone: the move kept is the last that stands
        conflicts.keep_move(
            data, conflict, kept, side, by=change.by, today=change.today, now=change.now
        )
    from dgtracker.record.decode import record_from_data

    settled, problems = record_from_data(data)
    if settled is None:
        raise Refused(
            f"Keeping {side} would break a rule: {problems[0]}.", hint="Try the other side."
        )
    if conflict.path[0] == "candidates" and len(conflict.path) > 2 and not stage_chosen:
        from dgtracker.process.candidate_actions import add_note

        add_note(
            settled,
            conflict.path[1],
            f"Merge conflict on {conflict.path[2]} resolved: kept "
            f"{conflicts.side_shown(conflict, side)} ({side}).",
            by=change.by,
            today=change.today,
            now=change.now,
        )
    change.record = settled
    change.summary = f"resolve {conflict.id} {side}"
    return f"Resolved {conflict.id}: kept {conflicts.side_shown(conflict, side)} ({side})."


def _keep_history(change: Change, data: dict[str, Any], conflict: MergeConflict, side: str) -> str:
    """`resolve c014.history`: one copy's history of the candidate, with the other's new
    entries; --ours or --theirs, whichever copy rewrote it."""
    from dgtracker.team.conflicts import settle_history

    settle_history(data, conflict, side)
    from dgtracker.record.decode import record_from_data

    settled, problems = record_from_data(data)
    if settled is None:
        raise Refused(
            f"Keeping {side} would break a rule: {problems[0]}.", hint="Try the other side."
        )
    change.record = settled
    change.summary = f"resolve {conflict.id} {side}"
    return f"Resolved {conflict.id}: kept the history of {conflict.path[1]} ({side})."


def share(path: PathLike, command: list[str]) -> list[str]:
    """Keep the record in its own git repository (`share`): merge driver (`command` runs
    dgtracker), ignores, a commit per change. Only a record that exists and keeps the
    rules is shared. What was done."""
    from dgtracker.team.git_share import share as set_up

    record_file = Path(path)
    storage.load(record_file)
    return list(set_up(record_file, command))


def import_table(
    change: Change,
    table: Table,
    name: str,
    update: bool,
    columns: dict[str, str] | None = None,
    *,
    each: Walk = quietly,
) -> tuple[ImportPlan, list[Candidate]]:
    """Add (and with `update`, update) candidates from a spreadsheet's rows into the record
    under `change` (from `changing`): every row, or none if any is bad. `name` names the
    file in what is said; `columns`: what a heading holds (exchange.sheet_import's
    parse_mapping). The plan, and the candidates added."""
    from dgtracker.exchange.sheet_import import apply_import

    record, today = change.record, change.today
    plan = plan_table_import(record, today, table, name, update, columns, each=each)
    added = apply_import(record, plan, by=change.by, today=today, now=change.now, each=each)
    return plan, added


def plan_table_import(
    record: Record,
    today: date,
    table: Table,
    name: str,
    update: bool,
    columns: dict[str, str] | None = None,
    *,
    each: Walk = quietly,
) -> ImportPlan:
    """What importing `table` into `record` would do, changing nothing (`import --dry-run`,
    and the plan `import_table` applies): each row's add, update or skip, and why."""
    from dgtracker.exchange.sheet_import import plan_import

    return plan_import(table, name, record, today, update, columns, each=each)
