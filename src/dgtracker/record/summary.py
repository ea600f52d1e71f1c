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
way, and apart from them: `status` never reads them.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from dgtracker.record.model import Candidate, Record, moves_that_stand


class Summary(NamedTuple):
    """One candidate, as `status` counts them."""

    stage: str  # the stage they are at now
    stood: tuple[str, ...]  # the stages entered by the moves that stand, in order
    reason: str | None  # the reason given for the last move that stands (why they left)
    latest: int | None  # the latest day of their history and monitoring answers (ordinal)


def latest_day(candidate: Candidate) -> date | None:
    """The day of the latest change the candidate's history and monitoring answers hold."""
    days = [event.day for event in candidate.history]
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
