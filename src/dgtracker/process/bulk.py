"""Changes to many candidates at once: one decision, all of it or none of it.

A sift decides about dozens of people together. Each change here is made by the rule for
one person (actions.move) on a working copy of the record; the record takes the result
only when every one was allowed, so a refusal leaves it exactly as it was and lists every
reason at once. Pure, like process/candidate_actions.py: the clock and the user are passed in.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date, datetime

from dgtracker.errors import Refused
from dgtracker.process.candidate_actions import find_candidate, move, resolve_stage
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Candidate, Record


def move_many(
    record: Record,
    wanted: Sequence[str],
    stage_id: str,
    *,
    by: str,
    today: date,
    now: datetime,
    on: date | None = None,
    note: str | None = None,
    reason: str | None = None,
    reinstate: bool = False,
    each: Walk = quietly,
) -> list[Candidate]:
    """Move every candidate in `wanted` to one stage, or none of them.

    Each move is `move`'s, with its rules, made on a working copy of the record; the record
    itself takes the result only when every move was allowed. Otherwise it is left as it was
    and the refusal lists every reason. `each` walks the ids (a progress bar, say).
    """
    ids = [one.strip().lower() for one in wanted]
    twice = sorted(one for one, times in Counter(ids).items() if times > 1)
    if twice:
        raise Refused(f"Named more than once: {', '.join(twice)}.", hint="Name each person once.")
    # Only the candidates moved are copied, each before its move: the others are not
    # changed, and copying a thousand of them cost more than the moves.
    working = working_copy(record, candidates=False)
    place = {id(candidate): index for index, candidate in enumerate(record.candidates)}
    by_id: dict[str, Candidate] = {}
    for candidate in reversed(record.candidates):  # the first of any two with one id
        by_id[candidate.id] = candidate
    moved, problems = [], []
    for one in each(ids, "Moving"):
        try:
            found = by_id.get(one) or find_candidate(record, one)
            index = place[id(found)]
            candidate = working.candidates[index]
            if candidate is found:
                candidate = working.candidates[index] = replace(found, history=list(found.history))
            moved.append(
                move(
                    working,
                    candidate,
                    stage_id,
                    by=by,
                    today=today,
                    now=now,
                    on=on,
                    note=note,
                    reason=reason,
                    reinstate=reinstate,
                )
            )
        except Refused as error:
            problems.append(error)
    if problems:
        raise _refuse_all(problems, len(ids))
    for name in (slot.name for slot in fields(record)):
        setattr(record, name, getattr(working, name))
    return moved


def _refuse_all(problems: list[Refused], asked: int) -> Refused:
    """One refusal listing every reason; a hint shared by several goes once, at the end."""
    hints = Counter(error.hint for error in problems if error.hint)
    lines = []
    for error in problems:
        own = error.hint if error.hint and hints[error.hint] == 1 else None
        lines.append(f"  {error.message}" + (f" {own}" if own else ""))
    shared = " ".join(hint for hint, times in hints.items() if times > 1)
    return Refused(
        f"Nobody was moved: {len(problems)} of {asked} cannot be.\n" + "\n".join(lines),
        hint=shared or None,
    )


def working_copy(record: Record, candidates: bool = True) -> Record:
    """A copy of the record that changes cannot reach through: each candidate copied with
    its own history list (events are never changed once written, so they are shared).
    `candidates=False`: the list of candidates is a new one, but holds the same ones."""
    if candidates:
        kept = [replace(one, history=list(one.history)) for one in record.candidates]
    else:
        kept = list(record.candidates)
    rest = copy.deepcopy(replace(record, candidates=[]))
    rest.candidates = kept
    return rest


def at_stage_except(record: Record, stage: str, leaving_out: Sequence[str] = ()) -> list[str]:
    """The ids of everyone at `stage` (an id or title) but those in `leaving_out`, in record
    order. Each one left out must be at that stage: a typo is refused, never ignored."""
    stage_id = resolve_stage(record, stage)
    here = [candidate.id for candidate in record.candidates if candidate.stage == stage_id]
    out = {one.strip().lower() for one in leaving_out if one.strip()}
    problems = []
    for one in sorted(out.difference(here)):
        try:
            problems.append(f"{one} is at '{find_candidate(record, one).stage}', not '{stage_id}'.")
        except Refused as error:
            problems.append(error.message + (f" {error.hint}" if error.hint else ""))
    if problems:
        raise Refused(
            f"--except names people who are not at '{stage_id}':\n"
            + "\n".join(f"  {problem}" for problem in problems),
            hint="Leave out only people the selection holds (--dry-run lists them).",
        )
    return [one for one in here if one not in out]
