"""A person erased (UK GDPR) on one copy of the record and changed on another, when the
two copies are merged (merge.py): the erasure wins.

The copy that erased the person is kept whole; what the other copy changed about them
since the two parted (a note, an edit, a move, marks) is dropped, because it may hold the
very data that was erased, and the history says so in one more `purged` event that counts
what was dropped and who made it, without a word of personal data; `merge-file` says the
same on stderr. What the dropped copy said about them elsewhere goes too: a panel member's
note on a declared conflict, a milestone change's reason that names them, and a waiting
conflict about them (its values may be their data).

Why not a conflict: a conflict keeps both values in the record until someone chooses, and
`resolve --theirs` would bring the erased data back; an erasure is a legal duty, not one
decision to weigh against another. A person erased on both copies is merged as usual
(both copies are anonymous).

`sync` tells of each such drop it brings in, whether the merge ran there or came already
merged from the team (`kept_since`), and `check` lists them all afterwards
(`kept_erasures`), read back from those `purged` events: a teammate who pulls the merged
record learns that their changes to that person were dropped, again with ids, counts,
kinds of change and team members only.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dgtracker.model import REMOVED_REASON, Action

if TYPE_CHECKING:
    from dgtracker.model import Record

Table = dict[str, Any]

CANDIDATES = "candidates"
CONFLICTS = "conflicts"
MERGED_BY = "merge"  # who the merge's own history entries are by
PURGED = "purged"

# The `purged` event's reason when a merge keeps an erasure: its summary of what was dropped
# sits between the two parts, and `kept_erasures` reads it back from there.
KEPT_SAID = "Erasure kept when two copies were merged: "
DROPPED_SAID = (
    " made on a copy that had not seen the erasure were dropped, so none of this person's "
    "data comes back."
)
# "3 change(s) (edited, moved, note; by bob, cy)", as Erasure.of writes it
SUMMARY = re.compile(r"(\d+) change\(s\) \(([a-z]+(?:, [a-z]+)*); by (.+)\)")
# the merge driver's line on stderr for each erasure it kept (`driver_says`)
DRIVER_SAID = re.compile(r"dgtracker: \S+ was erased on one copy; ")


def freeze(value: Any) -> Hashable:
    """A value as something hashable and ordered, for identity and tie-breaks."""
    if isinstance(value, dict):
        return tuple(sorted((key, freeze(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return (type(value).__name__, repr(value))


def _erased_since(base: Table, candidate: Table) -> bool:
    """Whether the candidate's data was erased (purged) on this copy since the base."""
    history = candidate.get("history") or ()
    purged = [e for e in history if isinstance(e, dict) and e.get("action") == PURGED]
    if not purged:
        return False
    before = {freeze(e) for e in base.get("history") or () if isinstance(e, dict)}
    return any(freeze(event) not in before for event in purged)


def _event_key(event: Any) -> Hashable:
    """An event as anonymising leaves it: when, by whom, what (its notes may be gone)."""
    if not isinstance(event, dict):
        return freeze(event)
    return tuple(freeze(event.get(key)) for key in ("at", "on", "by", "action", "stage"))


@dataclass(slots=True)
class Erasure:
    """A person erased (UK GDPR) on one copy and changed on the other, which had not seen
    the erasure: the erased copy is kept whole, the other's changes are dropped (they may
    hold the very data erased), and the history says so without a word of personal data.
    A conflict would keep both values in the record, and `resolve --theirs` would bring
    the data back: an erasure is not a decision to weigh against another."""

    kept: Table
    summary: str  # what was dropped: counts, actions, team members; never the data

    @staticmethod
    def of(base: Table, ours: Table, theirs: Table) -> Erasure | None:
        """For one person that both copies changed since the base (merge.py asks only
        then): an Erasure if one copy erased them and the other did not."""
        erased_ours, erased_theirs = _erased_since(base, ours), _erased_since(base, theirs)
        if erased_ours == erased_theirs:
            return None  # both erased (both anonymous), or neither: merged as usual
        kept, other = (ours, theirs) if erased_ours else (theirs, ours)
        known = {_event_key(e) for side in (base, kept) for e in side.get("history") or ()}
        dropped = [e for e in other.get("history") or () if _event_key(e) not in known]
        actions = sorted({str(e.get("action")) for e in dropped if isinstance(e, dict)})
        people = sorted({str(e.get("by")) for e in dropped if isinstance(e, dict)})
        if dropped:
            summary = f"{len(dropped)} change(s) ({', '.join(actions)}; by {', '.join(people)})"
        else:
            summary = "changes to its details"
        return Erasure(_noted(kept, other, summary), summary)


def erased_on_both(base: Table, ours: Table, theirs: Table) -> bool:
    """Whether both copies erased this person since the base."""
    return _erased_since(base, ours) and _erased_since(base, theirs)


def once_erased(base: Table, ours: Table, theirs: Table, merged: Table) -> Table:
    """A person erased on both copies, merged as usual, as one erasure: the entries the
    later erasure wrote (its `purged` entry, and the move to withdrawn made with it) are
    left out, so the history says it once. One erasure that reached both copies (a
    cherry-pick, a rebase) is already once."""
    known = {freeze(e) for e in base.get("history") or ()}
    sides = [_erasure_entries(side, known) for side in (ours, theirs)]
    if not all(sides) or set(sides[0]) & set(sides[1]):
        return merged
    _earlier, later = sorted(sides, key=min)
    dropped = {frozen for _, frozen in later}
    history = [e for e in merged.get("history") or () if freeze(e) not in dropped]
    return {**merged, "history": history}


def _erasure_entries(candidate: Table, known: set[Hashable]) -> list[tuple[str, Hashable]]:
    """The entries a copy's own erasure wrote since the base (known): its `purged` entries
    and a move (to withdrawn) made at the same moment; not a merge's word on a kept
    erasure, nor an old entry the erasure blanked (alike on both copies). Each with its
    moment, to order by."""
    new = [
        e
        for e in candidate.get("history") or ()
        if isinstance(e, dict) and e.get("by") != MERGED_BY and freeze(e) not in known
    ]
    moments = {freeze(e.get("at")) for e in new if e.get("action") == PURGED}
    return [
        (str(e.get("at")), freeze(e))
        for e in new
        if e.get("action") in (PURGED, "moved") and freeze(e.get("at")) in moments
    ]


def driver_says(cid: str, dropped: str) -> str:
    """The merge driver's line for an erasure it kept: ids, counts and actions only."""
    return (
        f"dgtracker: {cid} was erased on one copy; {dropped} made to {cid} on the other copy "
        f"were dropped, so none of the erased data comes back ('dgtracker show {cid}' records it)."
    )


def _noted(kept: Table, other: Table, summary: str) -> Table:
    """The erased copy of the candidate, its history saying what the merge dropped."""
    events = [e for side in (kept, other) for e in side.get("history") or () if isinstance(e, dict)]
    at = max((e["at"] for e in events if isinstance(e.get("at"), datetime)), default=None)
    day = max((e.get("recorded") or e["on"] for e in events if "on" in e), default=None)
    if not isinstance(at, datetime) or not isinstance(day, date):
        return kept
    event = {
        "at": at,
        "on": day,
        "by": MERGED_BY,
        "action": PURGED,
        "reason": f"{KEPT_SAID}{summary}{DROPPED_SAID}",
    }
    history = kept.get("history") or []
    if event in history:  # the same drop, met again through another merge
        return kept
    return {**kept, "history": [*history, event]}


def _identifiers(candidate: Table) -> set[str]:
    values = (candidate.get("name"), candidate.get("email"))
    return {value.casefold() for value in values if isinstance(value, str) and value}


def forget_erased(
    base: Table, ours: Table, theirs: Table, data: Table, found: list[Table]
) -> list[Table]:
    """What a copy said elsewhere about a person the other copy erased since the base: a
    panel member's note on their declared conflict, a milestone change's reason naming
    them, a conflict about them (the conflicts `found` by this merge come back without
    those). Whether or not that copy changed the person themselves."""
    sides = [side.get(CANDIDATES) or () for side in (ours, theirs)]
    if not any(_erased_since({}, c) for candidates in sides for c in candidates):
        return found  # nobody erased on either copy (the usual case): nothing to look at
    before = {_id(c): c for c in base.get(CANDIDATES) or ()}
    ids: set[Hashable] = set()
    names: set[str] = set()
    for candidates in sides:
        for candidate in candidates:
            old = before.get(_id(candidate))
            if old is not None and candidate != old and _erased_since(old, candidate):
                ids.add(_id(candidate))
                names |= _identifiers(old)
    for candidates in sides:  # as the other copy knew them, corrected since perhaps
        names |= {n for c in candidates if _id(c) in ids for n in _identifiers(c)}
    panel = data.get("panel")
    for member in (panel or {}).get("members") or () if isinstance(panel, dict) else ():
        for declared in member.get("conflicts") or () if isinstance(member, dict) else ():
            if isinstance(declared, dict) and declared.get("candidate") in ids:
                declared.pop("note", None)
    for milestone in data.get("milestones") or ():
        for change in milestone.get("history") or () if isinstance(milestone, dict) else ():
            reason = change.get("reason") if isinstance(change, dict) else None
            if isinstance(reason, str) and any(name in reason.casefold() for name in names):
                change["reason"] = REMOVED_REASON
    if data.get(CONFLICTS):
        data[CONFLICTS] = [c for c in data[CONFLICTS] if not _about(c, ids)]
        if not data[CONFLICTS]:
            del data[CONFLICTS]
    return [conflict for conflict in found if not _about(conflict, ids)]


def _id(candidate: Any) -> Hashable:
    """Who a candidate is, in every copy: their id (it never moves)."""
    found = candidate.get("id") if isinstance(candidate, dict) else None
    return found if isinstance(found, Hashable) else None


def _about(conflict: Any, ids: set[Any]) -> bool:
    path = conflict.get("path") if isinstance(conflict, dict) else None
    return isinstance(path, list) and len(path) > 1 and path[0] == CANDIDATES and path[1] in ids


@dataclass(frozen=True, slots=True)
class KeptErasure:
    """An erasure a merge kept over changes made on another copy, as the candidate's
    history records it: who (by id), when, and what was dropped — counts, kinds of change
    and team members, never the data."""

    candidate: str  # the candidate's id now
    at: datetime  # the history entry's moment (the latest change the merge met)
    on: date  # the record's day of that entry
    changes: int | None  # how many changes were dropped; None: changes to their details
    actions: tuple[str, ...]  # the kinds of change dropped (history actions)
    by: tuple[str, ...]  # the team members who made them

    @property
    def summary(self) -> str:
        """What was dropped, in the merge driver's own words."""
        if self.changes is None:
            return "changes to its details"
        return f"{self.changes} change(s) ({', '.join(self.actions)}; by {', '.join(self.by)})"

    def describe(self) -> str:
        """One line for `check`: ids, counts, kinds of change and team members only."""
        return (
            f"{self.candidate} ({self.on.isoformat()}): erased on one copy; {self.summary} "
            f"made to {self.candidate} on another copy were dropped by the merge, so none "
            f"of the erased data came back (see 'dgtracker show {self.candidate}')"
        )


def kept_erasures(record: Record) -> list[KeptErasure]:
    """Every erasure that a merge kept over another copy's changes, in time order: each
    `purged` entry by the merge, read back from its reason. A purge someone typed (even
    `--by merge`) has other words and is not one."""
    found = []
    for candidate in record.candidates:
        for event in candidate.history:
            if event.by != MERGED_BY:  # the usual case, asked first
                continue
            reason = event.reason or ""
            if not (
                event.action == Action.PURGED
                and reason.startswith(KEPT_SAID)
                and reason.endswith(DROPPED_SAID)
            ):
                continue
            said = SUMMARY.fullmatch(reason[len(KEPT_SAID) : -len(DROPPED_SAID)])
            changes, actions, by = None, (), ()
            if said is not None and set(said[2].split(", ")) <= set(Action):
                changes, actions, by = (
                    int(said[1]),
                    tuple(said[2].split(", ")),
                    tuple(said[3].split(", ")),
                )
            found.append(KeptErasure(candidate.id, event.at, event.on, changes, actions, by))
    return sorted(found, key=lambda kept: (kept.at, kept.candidate))


def kept_since(before: Sequence[KeptErasure], now: Record) -> list[KeptErasure]:
    """The erasures kept in the record `now` that were not among `before` (what this copy
    held earlier, `kept_erasures` of it): what a sync brought in, merged here or already
    merged elsewhere. An erasure seen before is known again under any id its candidate
    answers to (an alias from an older merge that renumbered them)."""
    seen = set(before)
    ids = {candidate.id: (candidate.id, *candidate.aliases) for candidate in now.candidates}
    return [
        kept
        for kept in kept_erasures(now)
        if not any(replace(kept, candidate=cid) in seen for cid in ids[kept.candidate])
    ]


def said(kept: Sequence[KeptErasure]) -> list[str]:
    """What `check` and `sync` print of erasures kept: a heading and a line for each; nothing
    when there are none."""
    if not kept:
        return []
    heading = (
        f"{len(kept)} erasure(s) kept over changes when copies were merged "
        "(for information; nothing to resolve):"
    )
    return [heading, *(f"  {erasure.describe()}" for erasure in kept)]
