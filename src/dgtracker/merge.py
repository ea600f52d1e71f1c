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

Two people given the same candidate id on two copies remain two candidates: the one added
first (by its first history entry) keeps the id, the other takes the next free number,
keeps the old id in `aliases` (so it still resolves) and gets a note in its history.
A candidate is recognised by its first history entry, so a renumbered candidate met
again under its old id on a copy that has not seen the renumbering is not doubled.

The merge is symmetric: merge(base, a, b) and merge(base, b, a) hold the same record, but
for which side a conflict calls "ours".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dgtracker.merge_erasure import (
    CANDIDATES,
    CONFLICTS,
    MERGED_BY,
    Erasure,
    Table,
    _first,
    forget_erased,
    freeze,
)
from dgtracker.merge_lists import (
    NAMED,
    WHOLE,
    entries,
    frozen_once,
    has_ids,
    held_back,
    is_entries,
    is_named,
    item_name,
    moment,
    step_into,
    union_order,
)
from dgtracker.model import candidate_id

Path = tuple[str, ...]


@dataclass(slots=True)
class Merged:
    data: Table
    conflicts: list[Table] = field(default_factory=list)  # the ones this merge found
    renumbered: dict[str, str] = field(default_factory=dict)  # old id -> new id
    # id -> what was dropped from a copy that changed a person the other copy erased
    erased: dict[str, str] = field(default_factory=dict)


def merge(base: Table, ours: Table, theirs: Table) -> Merged:
    """The merge of `ours` and `theirs`, both changed from `base` (which may be empty)."""
    state = _State(base, ours, theirs)
    data = state.table((), base, ours, theirs)
    _renumber(state, data)
    state.conflicts = forget_erased(base, ours, theirs, data, state.conflicts)
    state.conflicts += held_back(base, ours, theirs, data, person=_first)
    _stage_from_history(data, state.conflicts)
    if state.conflicts:
        found = data.setdefault(CONFLICTS, [])
        known = {conflict.get("id") for conflict in found}
        found.extend(c for c in state.conflicts if c["id"] not in known)
    return Merged(data, state.conflicts, state.renumbered, state.dropped())


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


def _part(table: Table, keys: frozenset[str]) -> Table | None:
    part = {key: value for key, value in table.items() if key in keys}
    return part or None


def _is_counter(key: str) -> bool:
    return key.startswith("next_") and key.endswith("_number")


class _State:
    def __init__(self, base: Table, ours: Table, theirs: Table) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.conflicts: list[Table] = []
        # (the one keeping the id, another given it, when and how that other was added)
        self.collisions: list[tuple[Table, Table, tuple[Any, ...]]] = []
        self.renumbered: dict[str, str] = {}
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
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.table(path, base if isinstance(base, dict) else {}, ours, theirs)
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
        """Tables matched by id; candidates by who they are (their first history entry), so
        a candidate renumbered on one copy is still met on the other."""
        people = path == (CANDIDATES,)
        frozen: dict[Hashable, Hashable] = {}  # a person met on several copies: frozen once
        key: Callable[[Table], Hashable] = (
            (lambda candidate: _person(candidate, frozen)) if people else _item_id
        )
        # Each key stands for itself as a number: a person's key is a tuple of tuples,
        # which every dict and set would hash and compare again, item by item.
        numbers: dict[Hashable, int] = {}

        def by_number(items: list[Table]) -> dict[int, Table]:
            return {numbers.setdefault(key(item), len(numbers)): item for item in items}

        before, mine, yours = by_number(base), by_number(ours), by_number(theirs)
        keys = list(numbers)
        merged: list[Table] = []
        for number in union_order(list(mine), list(yours), lambda n: str(keys[n])):
            o, t, b = mine.get(number), yours.get(number), before.get(number)
            if o is None or t is None:
                kept = o if t is None else t
                # removed on one side: gone, unless the other side changed it since
                if kept is not None and (b is None or kept != b):
                    merged.append(kept)
                continue
            if people:
                o, t = _same_id(b, o, t)
            item_id = t["id"] if b is not None and o["id"] == b["id"] else o["id"]
            merged.append(self.value((*path, str(item_id)), b or {}, o, t))
        if people:
            self._find_collisions(merged)
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
            waiting = len(self.conflicts)
            value = self.whole((*path, name), b, o, t)
            if len(self.conflicts) > waiting:  # in conflict: as it was until resolved
                value = b
            if value is not None:
                merged.append(value)
        return merged

    def _find_collisions(self, candidates: list[Table]) -> None:
        """Two people under one id: the one added first keeps it (see _renumber)."""
        holders: dict[Any, list[Table]] = {}
        for candidate in candidates:
            holders.setdefault(candidate.get("id"), []).append(candidate)
        for group in holders.values():
            if len(group) > 1:
                added = {id(candidate): _added_first(candidate) for candidate in group}
                first, *others = sorted(group, key=lambda candidate: added[id(candidate)])
                self.collisions += [(first, other, added[id(other)]) for other in others]

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
        return base if base is not None else ours


def _added_first(candidate: Table) -> tuple[Any, ...]:
    history = candidate.get("history") or [{}]
    return (moment(history[0]), str(freeze(candidate)))


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


# --- candidates given the same id on two copies -------------------------------------------


def _person(candidate: Table, frozen: dict[Hashable, Hashable]) -> Hashable:
    """Who a candidate is: their first history entry (when they were added, by whom) and the
    id they were first given, which no renumbering changes; their id without a history.
    `frozen` keeps the entries frozen so far (frozen_once)."""
    history = candidate.get("history")
    if isinstance(history, list) and history and isinstance(history[0], dict):
        # with the id first given (renumbering only ever raises it): one person may add
        # two candidates within a second
        aliases = candidate.get("aliases")
        given = (
            min([candidate.get("id"), *aliases], key=_number) if aliases else candidate.get("id")
        )
        return ("added", frozen_once(history[0], frozen), given)
    return ("id", candidate.get("id"))


def _item_id(item: Table) -> Hashable:
    found: Hashable = item["id"]
    return found


def _same_id(base: Table | None, ours: Table, theirs: Table) -> tuple[Table, Table]:
    """One candidate renumbered differently on both copies: the lower id, the others kept
    as aliases."""
    if ours["id"] == theirs["id"] or base is None or base["id"] in (ours["id"], theirs["id"]):
        return ours, theirs
    chosen = min(ours["id"], theirs["id"], key=lambda cid: (_number(cid), str(cid)))
    known = {*(ours.get("aliases") or ()), *(theirs.get("aliases") or ())}
    aliases = sorted((known | {ours["id"], theirs["id"]}) - {chosen})
    return {**ours, "id": chosen, "aliases": aliases}, {**theirs, "id": chosen, "aliases": aliases}


def _number(cid: Any) -> int:
    text = str(cid)
    return int(text[1:]) if text[:1] == "c" and text[1:].isdigit() else 0


def _renumber(state: _State, data: Table) -> None:
    if not state.collisions:
        return
    candidates = data.get(CANDIDATES) or []
    highest = max([_number(c.get("id")) for c in candidates] + [0])
    counter = max(highest + 1, int(data.get("next_candidate_number") or 1))
    order = sorted(state.collisions, key=lambda p: (_number(p[0]["id"]), p[2]))
    place = {id(candidate): index for index, candidate in enumerate(candidates)}
    for first, second, _ in order:
        old = str(second["id"])
        new = candidate_id(counter)
        counter += 1
        events = [e for c in (first, second) for e in c.get("history") or ()]
        at = max((e["at"] for e in events), default=None)
        # The record's day, as its events count days (history.latest_change): the note
        # must not fall after what `--as-of` can replay, nor before what it records.
        day = max((e.get("recorded") or e["on"] for e in events), default=None)
        note = (
            f"Renumbered from {old} to {new} when two copies of the record were merged: "
            f"{old} had also been given to another candidate. {old} still finds this one "
            "where no other candidate holds it."
        )
        renumbered = {**second, "id": new, "aliases": sorted({*(second.get("aliases") or ()), old})}
        if isinstance(at, datetime):
            on = day if isinstance(day, date) else at.date()
            event = {"at": at, "on": on, "by": MERGED_BY, "action": "note", "note": note}
            renumbered["history"] = [*(second.get("history") or ()), event]
        candidates[place[id(second)]] = renumbered
        state.renumbered[old] = new
    candidates.sort(key=lambda c: _number(c.get("id")))
    data["next_candidate_number"] = counter
