"""What `status` and the candidate list need of a candidate, in a few values: the one
computation of them.

A candidate's summary is the stage they are at, the stages they entered by the moves that
stand (model.moves_that_stand: an undone move reached nothing), the reason given for the
last of those moves (why they left, for one at an outcome), and the latest day their
history or monitoring answers hold (what `--as-of` compares with), as its ordinal: a
summary is built-in types alone, as the cache keeps it, and made back with no conversion.

The funnel (report/data.py `funnel`), the pipeline (process/queries.py `pipeline`) and the
latest change (record/history.py `latest_change`) count from summaries; every command
derives them from the record's candidates with `summarise`, and the cache (record/cache.py)
keeps them beside the candidates it holds, made by this same function, so that `status`
reads them without building a candidate (docs/performance.md, "Cache"). The cache names
this module's code: a summary computed otherwise makes every cache no cache.

A candidate's listing is what a row of the list shows (`candidates`, out/candidate_list.py
and out/json_contract.py `listed_json`), kept in the cache beside the summaries in the same
way, and apart from them: `status` never reads them. A candidate's watch is all the
reminders read of them (`remind`, app/reminders.py), kept in the cache in a part of its
own again.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from dgtracker.record.model import Action, Candidate, Record, effective_history, moves_that_stand
from dgtracker.record.personal_data import holds_personal_data


class Summary(NamedTuple):
    """One candidate, as `status` counts them."""

    stage: str  # the stage they are at now
    stood: tuple[str, ...]  # the stages entered by the moves that stand, in order
    reason: str | None  # the reason given for the last move that stands (why they left)
    latest: int | None  # the latest day of their history and monitoring answers (ordinal)


def latest_day(candidate: Candidate) -> date | None:
    """The day of the latest change the candidate's history and monitoring answers hold."""
    # event.day, without the property's call: `recorded` when there is one (a date is
    # never false), else `on` (every cache made computes this for every candidate, twice)
    days = [event.recorded or event.on for event in candidate.history]
    days += [answer.on for answer in candidate.monitoring]
    return max(days, default=None)


def summarise(candidate: Candidate) -> Summary:
    stood = moves_that_stand(candidate.history)
    return Summary(
        candidate.stage,
        tuple(event.stage for event in stood if event.stage),
        stood[-1].reason if stood else None,
        None if (latest := latest_day(candidate)) is None else latest.toordinal(),
    )


def summaries_of(record: Record) -> list[Summary]:
    """Each of the record's candidates' summary, in the record's order."""
    return [summarise(candidate) for candidate in record.candidates]


class Listing(NamedTuple):
    """One candidate, as the list (`candidates`) shows them."""

    id: str
    name: str
    stage: str
    email: str | None
    phone: str | None
    source: str | None
    applied: int | None  # the day they applied (ordinal)
    rank: int | None  # their place on the reserve list
    since: int | None  # the day they entered their stage (Candidate.stage_since), ordinal
    notes: tuple[str, ...]  # the notes of their history, in order (Candidate.notes)


def list_entry(candidate: Candidate) -> Listing:
    since, applied = candidate.stage_since(), candidate.applied
    return Listing(
        candidate.id,
        candidate.name,
        candidate.stage,
        candidate.email,
        candidate.phone,
        candidate.source,
        None if applied is None else applied.toordinal(),
        candidate.rank,
        None if since is None else since.toordinal(),
        tuple(candidate.notes),
    )


def listings_of(record: Record) -> list[Listing]:
    """Each of the record's candidates' listing, in the record's order."""
    return [list_entry(candidate) for candidate in record.candidates]


class Watch(NamedTuple):
    """One candidate, as `remind` watches them (app/reminders.py): kept in the cache beside
    the listings, so that `remind` reads them without building a candidate."""

    id: str
    name: str
    stage: str
    since: int | None  # the day they entered their stage (Candidate.stage_since), ordinal
    rank: int | None  # their place on the reserve list
    purged: bool  # anonymised by a purge: never named again
    logged: bool  # a letter was logged to them, undone since or not (`mail`'s log)
    letters: tuple[int, ...]  # the days of the letters logged that stand, in order (ordinals)
    slots: tuple[tuple[str, str, str | None], ...]  # booked, not cancelled: (at, stage, where)
    holds: bool  # they hold personal data (record/personal_data.py): a purge would anonymise
    latest: int | None  # as their Summary's: what `--as-of` compares with (ordinal)

    def stage_since(self) -> date | None:
        """As Candidate.stage_since: what the outcome's day and its letters count from."""
        return None if self.since is None else date.fromordinal(self.since)


def watch_entry(candidate: Candidate) -> Watch:
    # Made for every candidate whenever a cache is made: one pass over the history, and
    # the rest only for those who have any (at 1,000 candidates, 21 ms made plainly).
    history = candidate.history
    actions = {event.action for event in history}
    logged = Action.LETTER in actions
    since, latest = candidate.stage_since(), latest_day(candidate)
    return _watch_of(
        candidate.id,
        candidate.name,
        candidate.stage,
        None if since is None else since.toordinal(),
        candidate.rank,
        Action.PURGED in actions,
        logged,
        tuple(
            event.day.toordinal()
            for event in effective_history(history)
            if event.action == Action.LETTER
        )
        if logged
        else (),
        tuple(
            (slot.at.isoformat(), slot.assessment, slot.where)
            for slot in candidate.slots
            if slot.cancelled is None
        )
        if candidate.slots
        else (),
        holds_personal_data(candidate),
        None if latest is None else latest.toordinal(),
    )


def _watch_of(*fields: Any) -> Watch:
    return tuple.__new__(Watch, fields)  # in C (Watch's own __new__ is a Python call)


def watches_of(record: Record) -> list[Watch]:
    """Each of the record's candidates' watch, in the record's order."""
    return [watch_entry(candidate) for candidate in record.candidates]
