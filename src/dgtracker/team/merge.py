"""A three-way merge of two records by what they mean, on TOML data (dicts as the schema
reads them), for git's merge driver (`dgtracker merge-file`).

The rules are generic, so a section added to the record later merges without new code:
- a table merges key by key; a value changed on one side only takes that change;
- a list of tables that each have an `id` (candidates, milestones, stages, conflicts, …)
  is matched by id; items keep each side's order;
- any other list of tables (`history`) is append-only: both sides' entries are kept, each
  once (an entry is identified by its whole content), in time order (`at`); a candidate's
  recorded entry that one side rewrote or removed is a conflict and stands until resolved,
  unless that side erased the person (merge_lists.held_back);
- a counter named `next_…_number` takes the larger value;
- anything else changed on both sides to different values is a conflict: the record keeps
  the value it had before (neither decision is taken), and a `[[conflicts]]` table lists
  both, with who made each and when, until `dgtracker resolve` settles it.

Every item is recognised by its `id` alone, candidates too: never by content that an edit
or a purge can change, and no id is ever changed by a merge. Two copies cannot hand out
the same new id (a shared record draws new ids at random, actions.new_candidate_id); if two
different people are still found under one id (a hand edit, or a draw against all odds:
their first history entries were not written at the same moment by the same person), the
merge refuses (`Merged.clashes`) rather than mix or renumber them.

A person erased on one copy and changed on the other stays erased (team/merge_erasure.py); one
erased on both copies is one erasure: the later copy's `purged` entries are left out. Their
mentions stay erased too: what the merged record takes from the other copy is redacted.

The merge is symmetric: merge(base, a, b) and merge(base, b, a) hold the same record, but
for which side a conflict calls "ours".
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dgtracker.team.merge_erasure import (
    CANDIDATES,
    CONFLICTS,
    ErasedPerson,
    Erasure,
    Table,
    erased_on_both,
    erased_people,
    forget_erased,
    freeze,
    named_by,
    once_erased,
    only_redacted,
    redact_erased,
)
from dgtracker.team.merge_lists import (
    NAMED,
    WHOLE,
    entries,
    has_ids,
    held_back,
    is_entries,
    is_named,
    item_name,
    step_into,
    union_order,
)

Path = tuple[str, ...]


@dataclass(slots=True)
class Merged:
    data: Table
    conflicts: list[Table] = field(default_factory=list)  # the ones this merge found
    # ids that two copies gave to two different people: the merge must not be used
    clashes: list[str] = field(default_factory=list)
    # id -> what was dropped from a copy that changed a person the other copy erased
    erased: dict[str, str] = field(default_factory=dict)


def merge(base: Table, ours: Table, theirs: Table) -> Merged:
    """The merge of `ours` and `theirs`, both changed from `base` (which may be empty)."""
    erased = erased_people(base, ours, theirs)  # none in the usual case
    state = _State(base, ours, theirs, erased)
    data = state.table((), base, ours, theirs)
    state.conflicts = forget_erased(erased, data, state.conflicts)
    state.conflicts += held_back(base, ours, theirs, data, person=_id)
    redact_erased(erased, data, state.conflicts)  # whatever came from the other copy
    _stage_from_history(data, state.conflicts)
    state.conflicts = _places_off_the_list(data, state.conflicts)
    _criteria_still_marked(data, (ours, theirs))
    if state.conflicts:
        found = data.setdefault(CONFLICTS, [])
        known = {conflict.get("id") for conflict in found}
        found.extend(c for c in state.conflicts if c["id"] not in known)
    return Merged(data, state.conflicts, state.clashes, state.dropped())


def clash_says(ids: list[str], ours: object) -> str:
    """The merge driver's words when two copies gave one id to two people: ids only."""
    shown = ", ".join(ids)
    return (
        f"dgtracker: {shown} was given to two different people on two copies (their first "
        f"history entries differ in when or by whom they were added); {ours} is left as it "
        "was, and nothing is merged. Abort the git merge or rebase ('git merge --abort'), "
        f"give one copy's {shown} a new id by hand in the record file (one no candidate "
        "holds, everywhere the file names it), run 'dgtracker check', commit, and sync again."
    )


def _stage_from_history(data: Table, conflicts: list[Table]) -> None:
    """Where a candidate is follows from their merged history: one copy may have moved them
    and moved them back (its stage unchanged from the base) while the other moved them once;
    the latest move in time, from either copy, is where they are. A stage in conflict waits
    for `resolve` instead."""
    waiting = {
        conflict["path"][1]
        for conflict in conflicts
        if conflict.get("path", [])[0::2] == [CANDIDATES, "stage"]
    }
    for candidate in data.get(CANDIDATES) or []:
        if isinstance(candidate, dict) and candidate.get("id") in waiting:
            if candidate.get("stage") != "reserve":  # a place goes with the stage chosen
                candidate.pop("rank", None)
            continue
        if not isinstance(candidate, dict):
            continue
        history = candidate.get("history") or []
        undone = {e.get("undoes") for e in history if isinstance(e, dict) and e.get("undoes")}
        entered = [
            event
            for index, event in enumerate(history)
            if isinstance(event, dict)
            and index not in undone
            and event.get("action") in ("added", "moved")
            and event.get("stage")
        ]
        if entered and entered[-1]["stage"] != candidate.get("stage"):
            candidate["stage"] = entered[-1]["stage"]
            if candidate["stage"] != "reserve":
                candidate.pop("rank", None)


# --- values ------------------------------------------------------------------------

# Keys that together make one value (a milestone's schedule is one of `date`, `at`,
# `start` and `end` with `label`, or `tbc`): merged whole, under the group's name.
SCHEDULE = ("when", frozenset({"date", "at", "start", "end", "label", "tbc"}))
GROUPS = {key: SCHEDULE for key in SCHEDULE[1]}


def _places_off_the_list(data: Table, conflicts: list[Table]) -> list[Table]:
    """Someone the merge leaves off the reserve list holds no place on it: one copy moved
    them to a new place while the other took them off the list (reinstated, say). Their
    place is no conflict then; it would break the rule that a place is on the list."""
    off = {
        candidate.get("id")
        for candidate in data.get(CANDIDATES) or []
        if isinstance(candidate, dict) and candidate.get("stage") != "reserve"
    }
    for candidate in data.get(CANDIDATES) or []:
        if isinstance(candidate, dict) and candidate.get("id") in off:
            candidate.pop("rank", None)
    return [
        c
        for c in conflicts
        if not (c.get("path", [])[0::2] == [CANDIDATES, "rank"] and c["path"][1] in off)
    ]


def _criteria_still_marked(data: Table, sides: tuple[Table, Table]) -> None:
    """A criterion removed on one copy while the other copy marked against it stays, as
    that copy has it: the marks need it (a criterion with marks cannot be removed)."""
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        return
    held = {c.get("id") for c in criteria if isinstance(c, dict)}
    marked = {
        name
        for candidate in data.get(CANDIDATES) or []
        if isinstance(candidate, dict)
        for sheet in candidate.get("marks") or []
        if isinstance(sheet, dict) and isinstance(sheet.get("scores"), dict)
        for name in sheet["scores"]
    }
    kept = [
        criterion
        for side in sides
        for criterion in side.get("criteria") or []
        if isinstance(criterion, dict) and criterion.get("id") in marked - held
    ]
    if kept:  # a new list: the merged one may be a copy's own, never changed here
        data["criteria"] = [*criteria, *{c["id"]: c for c in kept}.values()]


def _part(table: Table, keys: frozenset[str]) -> Table | None:
    part = {key: value for key, value in table.items() if key in keys}
    return part or None


def _is_counter(key: str) -> bool:
    return key.startswith("next_") and key.endswith("_number")


class _State:
    def __init__(
        self, base: Table, ours: Table, theirs: Table, erased: dict[str, ErasedPerson]
    ) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        # what names the people erased since the base, if any (the usual case: none)
        self.erased = named_by(erased)
        self.conflicts: list[Table] = []
        self.clashes: list[str] = []
        self.erasures: list[Erasure] = []

    def dropped(self) -> dict[str, str]:
        return {erasure.kept["id"]: erasure.summary for erasure in self.erasures}

    def value(self, path: Path, base: Any, ours: Any, theirs: Any) -> Any:
        if ours == theirs:
            return ours
        if ours == base:
            return theirs
        if theirs == base:
            return ours
        key = path[-1] if path else ""
        if len(path) == 2 and path[0] == CANDIDATES and isinstance(base, dict):
            erasure = Erasure.of(base, ours, theirs)  # a person changed on both copies
            if erasure is not None:  # the erasure wins: nothing of the other comes back
                self.erasures.append(erasure)
                return erasure.kept
            if erased_on_both(base, ours, theirs):  # one erasure, said once
                merged = self.table(path, base, ours, theirs)
                return once_erased(base, ours, theirs, merged)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.table(path, base if isinstance(base, dict) else {}, ours, theirs)
        if isinstance(ours, list) != isinstance(theirs, list) and None in (ours, theirs):
            # a list emptied on one copy is left out of its file: an empty list, not a value
            ours, theirs = ours or [], theirs or []
        if isinstance(ours, list) and isinstance(theirs, list):
            before = base if isinstance(base, list) else []
            both = ours + theirs
            if has_ids(both) and (not before or has_ids(before)):
                return self.items(path, before, ours, theirs)
            fields = NAMED.get(key)
            if fields and all(is_named(item, fields) for item in both + before):
                return self.named(path, before, ours, theirs, fields)
            if is_entries(both) and (not before or is_entries(before)):
                return entries(before, ours, theirs)
            if key == "aliases":
                return sorted(set(ours) | set(theirs))
        if _is_counter(key) and isinstance(ours, int) and isinstance(theirs, int):
            return max(ours, theirs)
        if self.erased is not None and isinstance(base, str):  # a purge's redaction is
            if only_redacted(base, ours, self.erased):  # no decision: the other copy's
                return theirs  # change is taken (and redacted: merge_erasure.redact_erased)
            if only_redacted(base, theirs, self.erased):
                return ours
        return self.conflict(path, base, ours, theirs)

    def table(self, path: Path, base: Table, ours: Table, theirs: Table) -> Table:
        merged: Table = {}
        grouped: set[str] = set()
        for key in union_order(list(ours), list(theirs)):
            group = GROUPS.get(key)
            if group is not None:  # several keys that make one value: merged as one
                if group[0] not in grouped:
                    grouped.add(group[0])
                    parts = [_part(table, group[1]) for table in (base, ours, theirs)]
                    merged.update(self.whole((*path, group[0]), *parts) or {})
                continue
            value = self.value((*path, key), base.get(key), ours.get(key), theirs.get(key))
            if value is not None:
                merged[key] = value
        return merged

    def whole(self, path: Path, base: Any, ours: Any, theirs: Any) -> Any:
        """A value taken whole from one side, or a conflict: never mixed."""
        if ours == theirs or theirs == base:
            return ours
        if ours == base:
            return theirs
        return self.conflict(path, base, ours, theirs)

    def items(
        self, path: Path, base: list[Table], ours: list[Table], theirs: list[Table]
    ) -> list[Table]:
        """Tables matched by id, and by id alone: an id never moves."""
        people = path == (CANDIDATES,)
        before, mine, yours = _by_id(base), _by_id(ours), _by_id(theirs)
        merged: list[Table] = []
        for item_id in union_order(list(mine), list(yours)):
            o, t, b = mine.get(item_id), yours.get(item_id), before.get(item_id)
            if o is None or t is None:
                kept = o if t is None else t
                # removed on one side: gone, unless the other side changed it since
                if kept is not None and (b is None or kept != b):
                    merged.append(kept)
                continue
            if people and _two_people(b, o, t):
                self.clashes.append(str(item_id))  # two people: never mixed
                merged.append(o)
                continue
            merged.append(self.value((*path, str(item_id)), b or {}, o, t))
        return merged

    def named(
        self,
        path: Path,
        base: list[Table],
        ours: list[Table],
        theirs: list[Table],
        fields: tuple[str, ...],
    ) -> list[Table]:
        """Tables named by their `fields` (NAMED): a panel member merged field by field;
        a sheet of marks, a slot or a declared conflict as one value, never mixed."""
        before = {item_name(item, fields): item for item in base}
        mine = {item_name(item, fields): item for item in ours}
        yours = {item_name(item, fields): item for item in theirs}
        merged: list[Table] = []
        for name in union_order(list(mine), list(yours)):
            o, t, b = mine.get(name), yours.get(name), before.get(name)
            if o is None or t is None:
                kept = o if t is None else t
                if kept is not None and (b is None or kept != b):
                    merged.append(kept)
                continue
            if path[-1] not in WHOLE:
                merged.append(self.value((*path, name), b or {}, o, t))
                continue
            if path[-1] == "slots" and _unbooked(o) == _unbooked(t):
                # the same slot booked on both copies: one booking, the first made
                merged.append(min(o, t, key=lambda slot: str(slot.get("booked", ""))))
                continue
            waiting = len(self.conflicts)
            value = self.whole((*path, name), b, o, t)
            if len(self.conflicts) > waiting:  # in conflict: as it was until resolved
                value = b
            if value is not None:
                merged.append(value)
        return merged

    def conflict(self, path: Path, base: Any, ours: Any, theirs: Any) -> Any:
        entry: Table = {"id": _conflict_id(path), "path": list(path)}
        for side, value in (("ours", ours), ("theirs", theirs), ("base", base)):
            if value is not None:
                entry[side] = value
        for side, data in (("ours", self.ours), ("theirs", self.theirs)):
            last = _last_entry(data, self.base, path)
            if last is not None:
                if isinstance(last.get("by"), str):
                    entry[f"{side}_by"] = last["by"]
                if isinstance(last.get("at"), datetime):
                    entry[f"{side}_at"] = last["at"]
        self.conflicts.append(entry)
        return base  # as it was until resolved (nothing, if it was new): either way round


def _unbooked(slot: Table) -> Table:
    """A slot as decided: when it was booked is bookkeeping, not a decision."""
    return {key: value for key, value in slot.items() if key != "booked"}


def _conflict_id(path: Path) -> str:
    """A short id: c014.stage for a candidate's stage, campaign.title for the title."""
    if len(path) >= 2 and path[0] in (CANDIDATES, "milestones"):
        return ".".join(path[1:])
    return ".".join(path)


def _last_entry(data: Table, base: Table, path: Path) -> Table | None:
    """The last history entry that one side added to the item holding `path` (who made the
    change, and when); else its last entry."""
    holder: Any = data
    before: Any = base
    found: Table | None = None
    for step in path:
        holder, before = step_into(holder, step), step_into(before, step)
        if holder is None:
            break
        history = holder.get("history") if isinstance(holder, dict) else None
        if isinstance(history, list) and history and isinstance(history[-1], dict):
            old = before.get("history") if isinstance(before, dict) else None
            added = [entry for entry in history if not old or entry not in old]
            found = (added or history)[-1]
    return found


# --- who a candidate is ------------------------------------------------------------------


def _by_id(items: list[Table]) -> dict[Hashable, Table]:
    return {item["id"]: item for item in items}


def _id(candidate: Table) -> Hashable:
    """Who a candidate is on every copy: their id, never their changing content."""
    found: Hashable = candidate.get("id")
    return found


def _two_people(base: Table | None, ours: Table, theirs: Table) -> bool:
    """Whether two copies hold two people under one id: born apart, and neither as the
    base recorded the id's person. A copy that kept the recorded birth holds that person;
    the other rewrote their first history entry, which held_back makes a conflict."""
    mine, yours = _born(ours), _born(theirs)
    if mine == yours or None in (mine, yours):
        return False
    return base is None or _born(base) not in (mine, yours)


def _born(candidate: Table) -> Hashable:
    """When and by whom a candidate was first added, which nothing rewrites (a purge
    blanks the first entry's note and reason, never its moment or author): two copies
    holding one id with different births hold two people. None without a history."""
    history = candidate.get("history")
    first = history[0] if isinstance(history, list) and history else None
    if not isinstance(first, dict) or "at" not in first:
        return None
    return (freeze(first.get("at")), freeze(first.get("by")))
