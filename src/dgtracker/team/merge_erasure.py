"""A person erased (UK GDPR) on one copy of the record and changed on another, when the
two copies are merged (team/merge.py): the erasure wins.

The copy that erased the person is kept whole; what the other copy changed about them
since the two parted (a note, an edit, a move, marks) is dropped, because it may hold the
very data that was erased, and the history says so in one more `purged` event that counts
what was dropped and who made it, without a word of personal data; `merge-file` says the
same on stderr. What the dropped copy said about them elsewhere goes too: a panel member's
note on a declared conflict, and a waiting conflict about them (its values may be their
data). Their mentions elsewhere are redacted as purge redacts them (record/mentions.py redact, one
way to redact): the erasing copy's redactions win (merge_lists.held_back takes them), and
every text the merged record takes from the other copy is redacted too (`redact_erased`).

Why not a conflict: a conflict keeps both values in the record until someone chooses, and
`resolve --theirs` would bring the erased data back; an erasure is a legal duty, not one
decision to weigh against another. A person erased on both copies is merged as usual
(both copies are anonymous).

`sync` tells of each such drop it brings in, whether the merge ran there or came already
merged from the team (`kept_since`), and `check` lists them all afterwards
(`kept_erasures`), read back from those `purged` events: a teammate who pulls the merged
record learns that their changes to that person were dropped, again with ids, counts,
kinds of change and team members only.

record/mentions.py is imported only when someone was erased: a merge in which nobody
was is spared it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dgtracker.record.model import Action, anonymised_name

# privacy is imported only where someone was erased: the usual merge starts without it
if TYPE_CHECKING:
    from dgtracker.record.mentions import Eraser, Identifiers
    from dgtracker.record.model import Record

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
        """For one person that both copies changed since the base (team/merge.py asks only
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


@dataclass(frozen=True, slots=True)
class ErasedPerson:
    """A person one copy erased since the base: the `purged` entry it wrote (its moment and
    reason), and what names them, read from the base's and the other copy's data (the
    erasing copy no longer holds it)."""

    purge: Table
    who: Identifiers


def erased_people(base: Table, ours: Table, theirs: Table) -> dict[str, ErasedPerson]:
    """Each person (by id) a copy erased since the base; none in the usual case."""
    sides = [side.get(CANDIDATES) or () for side in (ours, theirs)]
    if not any(_erased_since({}, c) for candidates in sides for c in candidates):
        return {}  # nobody erased on either copy (the usual case): nothing to look at
    before = {_id(c): c for c in base.get(CANDIDATES) or () if isinstance(c, dict)}
    copies = [{_id(c): c for c in side if isinstance(c, dict)} for side in sides]
    purges: dict[Hashable, list[Table]] = {}
    for copy in copies:
        for cid, candidate in copy.items():
            old = before.get(cid)
            if old is not None and candidate != old and _erased_since(old, candidate):
                purges.setdefault(cid, []).append(_purge_of(old, candidate))
    if not purges:
        return {}
    from dgtracker.record.mentions import identifiers_of

    shared = _name_words(base, *copies)
    found = {}
    for cid, made in purges.items():
        known = [before[cid], *(c[cid] for c in copies if cid in c)]
        known = [c for c in known if c is before[cid] or not _erased_since(before[cid], c)]
        names, emails, phones = (_values(known, key) for key in ("name", "email", "phone"))
        who = identifiers_of(names, emails, phones, shared)
        first = min(made, key=lambda e: (str(e.get("at")), repr(freeze(e))))  # either way round
        found[str(cid)] = ErasedPerson(first, who)
    return found


def _purge_of(base: Table, candidate: Table) -> Table:
    """The `purged` entry a copy's erasure of the person wrote since the base (rather
    than a merge's word on an erasure it kept)."""
    before = {freeze(e) for e in base.get("history") or () if isinstance(e, dict)}
    new = [
        e
        for e in candidate.get("history") or ()
        if isinstance(e, dict) and e.get("action") == PURGED and freeze(e) not in before
    ]
    return next((e for e in new if e.get("by") != MERGED_BY), new[0])


def named_by(people: dict[str, ErasedPerson]) -> Identifiers | None:
    """What names any of the people erased since the base; None when nobody was."""
    if not people:
        return None
    from dgtracker.record.mentions import Identifiers

    return Identifiers.joined(person.who for person in people.values())


def only_redacted(base: str, value: Any, who: Identifiers) -> bool:
    """Whether a copy's `value` is the base's text with the erased people's mentions
    redacted, and no other change: a purge's work, not a decision of that copy's."""
    from dgtracker.record.mentions import redact

    return isinstance(value, str) and value == redact(base, who)


def _values(candidates: list[Table], key: str) -> list[str]:
    """Every value these copies of a person had for `key`: now, and before an edit."""
    found = []
    for candidate in candidates:
        found.append(candidate.get(key))
        for event in candidate.get("history") or ():
            was = event.get("was") if isinstance(event, dict) else None
            found.append(was.get(key) if isinstance(was, dict) else None)
    anonymous = {anonymised_name(str(_id(c))) for c in candidates}
    return [value for value in found if isinstance(value, str) and value not in anonymous]


def _name_words(base: Table, *copies: dict[Hashable, Table]) -> Counter[str]:
    """How many people's names (any they had, on any copy) hold each word."""
    from dgtracker.record.mentions import words_of

    people: dict[Hashable, list[Table]] = {}
    for candidate in base.get(CANDIDATES) or ():
        if isinstance(candidate, dict):
            people.setdefault(_id(candidate), []).append(candidate)
    for copy in copies:
        for cid, candidate in copy.items():
            people.setdefault(cid, []).append(candidate)
    return Counter(word for seen in people.values() for word in words_of(_values(seen, "name")))


def forget_erased(people: dict[str, ErasedPerson], data: Table, found: list[Table]) -> list[Table]:
    """What the merged record `data` holds about the people erased on a copy since the
    base, as purge leaves it: a panel member's note on their declared conflict goes, and
    the conflicts about them (the conflicts `found` by this merge come back without
    those): their values may be the very data erased."""
    if not people:
        return found

    def declared(conflict: Table) -> Table:
        if conflict.get("candidate") not in people:
            return conflict
        return {key: value for key, value in conflict.items() if key != "note"}

    _each_declared(data, declared)
    if data.get(CONFLICTS):
        data[CONFLICTS] = [c for c in data[CONFLICTS] if not _about(c, set(people))]
        if not data[CONFLICTS]:
            del data[CONFLICTS]
    return [conflict for conflict in found if not _about(conflict, set(people))]


def redact_erased(people: dict[str, ErasedPerson], data: Table, found: list[Table]) -> None:
    """Every mention of the people erased on a copy since the base, in whatever the merged
    record `data` took from the other copy, replaced by `[erased]` as purge does
    (mentions.redact): other candidates' notes, reasons, sources, earlier values and
    evidence, milestone titles and reasons, the panel's conflict notes, and the values of
    conflicts (`found` too). Each candidate and milestone so changed gets the `redacted`
    entry purge writes (ids only), by the merge, at the latest moment it holds. Tables
    changed are new ones: the merged record shares the others with the copies merged."""
    if not people:
        return
    from dgtracker.record.mentions import Eraser, redact_value

    erase = Eraser({cid: person.who for cid, person in people.items()})
    if isinstance(data.get(CANDIDATES), list):
        data[CANDIDATES] = [
            _said_redacted(_erased_in_candidate(c, erase), erase.item(), people, "action")
            if isinstance(c, dict) and _id(c) not in people
            else c
            for c in data[CANDIDATES]
        ]
    if isinstance(data.get("milestones"), list):
        data["milestones"] = [
            _said_redacted(_erased_in_milestone(m, erase), erase.item(), people, "change")
            if isinstance(m, dict)
            else m
            for m in data["milestones"]
        ]
    _each_declared(data, lambda conflict: _erase_keys(conflict, erase, note="conflict note"))
    if isinstance(data.get(CONFLICTS), list):
        data[CONFLICTS] = [dict(c) if isinstance(c, dict) else c for c in data[CONFLICTS]]
    for conflict in [*(data.get(CONFLICTS) or ()), *found]:  # this merge's own tables now
        for side in ("ours", "theirs", "base"):
            if isinstance(conflict, dict) and side in conflict:
                conflict[side] = redact_value(conflict[side], erase.everyone)


def _each_declared(data: Table, change: Callable[[Table], Table]) -> None:
    """Each panel member's declared conflict as `change` gives it, in new tables."""
    panel = data.get("panel")
    members = panel.get("members") if isinstance(panel, dict) else None
    if not isinstance(panel, dict) or not isinstance(members, list):
        return
    new = []
    for member in members:
        declared = member.get("conflicts") if isinstance(member, dict) else None
        if isinstance(member, dict) and isinstance(declared, list):
            changed = [change(c) if isinstance(c, dict) else c for c in declared]
            member = {**member, "conflicts": changed}
        new.append(member)
    data["panel"] = {**panel, "members": new}


def _erased_in_candidate(candidate: Table, erase: Eraser) -> Table:
    """As privacy erases mentions in a candidate, on the record's data."""
    new = _erase_keys(candidate, erase, source="source")
    if isinstance(new.get("history"), list):
        new["history"] = [_erased_in_event(e, erase) for e in new["history"]]
    if isinstance(new.get("marks"), list):
        new["marks"] = [
            _erase_keys(sheet, erase, evidence="evidence") if isinstance(sheet, dict) else sheet
            for sheet in new["marks"]
        ]
    return new


def _erased_in_event(event: Any, erase: Eraser) -> Any:
    if not isinstance(event, dict):
        return event
    new = _erase_keys(event, erase, note="note", reason="reason")
    was = new.get("was")
    if isinstance(was, dict):
        new["was"] = {
            key: value
            if key == "applied" or not isinstance(value, str)
            else erase(value, "earlier value")
            for key, value in was.items()
        }
    return new


def _erased_in_milestone(milestone: Table, erase: Eraser) -> Table:
    new = _erase_keys(milestone, erase, title="title")
    if isinstance(new.get("history"), list):
        new["history"] = [
            _erase_keys(
                change, erase, reason="reason", **_TITLES.get(str(change.get("change")), {})
            )
            if isinstance(change, dict)
            else change
            for change in new["history"]
        ]
    return new


_TITLES = {"renamed": {"before": "earlier title", "after": "earlier title"}}  # titles too


def _erase_keys(table: Table, erase: Eraser, **fields: str) -> Table:
    """A copy of `table` with mentions erased in the text under each key (a field name as
    purge tells it)."""
    new = dict(table)
    for key, what in fields.items():
        value = new.get(key)
        if isinstance(value, str) and value:
            new[key] = erase(value, what)
    return new


def _said_redacted(
    item: Table, erased: dict[str, tuple[str, ...]], people: dict[str, ErasedPerson], kind: str
) -> Table:
    """The item with the `redacted` entry for each person whose mention it held, in
    purge's words (what was erased, by id, and the erasure's reason)."""
    if not erased:
        return item  # the usual case: nothing named them here
    history = item.get("history")
    entries = [e for e in history if isinstance(e, dict)] if isinstance(history, list) else []
    for cid in sorted(erased):
        purge = people[cid].purge
        moments = [e["at"] for e in [*entries, purge] if isinstance(e.get("at"), datetime)]
        days = [e["on"] for e in [*entries, purge] if isinstance(e.get("on"), date)]
        reason = f"Mention of {cid} erased ({', '.join(erased[cid])}). {purge.get('reason')}."
        entry = {kind: "redacted", "reason": reason}
        if moments and days:
            entry = {"at": max(moments), "on": max(days), "by": MERGED_BY, **entry}
        entries.append(entry)
    return {**item, "history": entries}


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
