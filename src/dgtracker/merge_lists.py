"""How the lists of a record merge (merge.py): the order of two lists' items, append-only
entries such as a history, and the tables that are named by a field other than an `id`
(a panel member by name, a sheet of marks by assessment and member, a slot by
assessment); and how a place in the record is found again by such a path."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any

from dgtracker.merge_erasure import Table, freeze

# Lists of tables whose items are named by fields other than an `id`: panel members (by
# name), a member's declared conflicts (by candidate), a candidate's sheets of marks (by
# assessment and member; the agreed sheet has none) and slots (by assessment). Those in
# WHOLE are each one decision, merged whole like a schedule.
NAMED = {
    "members": ("name",),
    "conflicts": ("candidate",),
    "marks": ("assessment", "member"),
    "slots": ("assessment",),
}
WHOLE = frozenset({"conflicts", "marks", "slots"})


def is_named(item: Any, fields: tuple[str, ...]) -> bool:
    return isinstance(item, dict) and "id" not in item and fields[0] in item


def item_name(item: Table, fields: tuple[str, ...]) -> str:
    """An item's name by its fields: `interview`, `interview/Sam Lee`, `c004`."""
    return "/".join(str(item[field]) for field in fields if item.get(field) is not None)


def has_ids(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def is_entries(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" not in item for item in items)


def moment(entry: Table) -> tuple[int, Any]:
    """An entry's time, comparable across dates and moments (entries without one first)."""
    at = entry.get("at")
    if isinstance(at, datetime):
        return (1, at.timestamp() if at.tzinfo else at.isoformat())
    if isinstance(at, date):
        return (1, datetime(at.year, at.month, at.day).isoformat())
    return (0, "")


def union_order(
    first: list[Any], second: list[Any], shown: Callable[[Any], str] = str
) -> list[Any]:
    """Keys of both lists, each once, keeping each list's order; where they differ, the
    key that comes first as `shown` first (so the order does not depend on which list is
    which)."""
    in_first, in_second = set(first), set(second)
    order: list[Any] = []
    seen: set[Any] = set()
    i = j = 0
    while i < len(first) or j < len(second):
        while i < len(first) and first[i] in seen:
            i += 1
        while j < len(second) and second[j] in seen:
            j += 1
        if i >= len(first) and j >= len(second):
            break
        if j >= len(second):
            pick = first[i]
        elif i >= len(first):
            pick = second[j]
        else:
            a, b = first[i], second[j]
            pick = _pick(a, b, a in in_second, b in in_first, shown)
        order.append(pick)
        seen.add(pick)
    return order


def _pick(a: Any, b: Any, a_in_other: bool, b_in_other: bool, shown: Callable[[Any], str]) -> Any:
    """The next of two heads: one only its own list has goes first (the other waits for
    its place in that list); else the smaller as `shown`, whichever list it heads."""
    if a == b or (b_in_other and not a_in_other):
        return a
    if a_in_other and not b_in_other:
        return b
    return a if shown(a) <= shown(b) else b


def entries(base: list[Table], ours: list[Table], theirs: list[Table]) -> list[Table]:
    """Append-only entries: both sides' entries, each once, in time order. Two equal
    entries in one list (a purge may blank two notes alike) are two entries."""
    mine, yours = _counted(ours), _counted(theirs)
    rewritten = set(_counted(base)) - (set(mine) & set(yours))
    table = {k: e for k, e in zip(mine + yours, ours + theirs, strict=True)}
    a = [k for k in mine if k not in rewritten]
    b = [k for k in yours if k not in rewritten]
    order: list[Hashable] = []
    seen: set[Hashable] = set()
    i = j = 0
    while True:
        while i < len(a) and a[i] in seen:
            i += 1
        while j < len(b) and b[j] in seen:
            j += 1
        if i >= len(a) and j >= len(b):
            break
        if j >= len(b):
            pick = a[i]
        elif i >= len(a):
            pick = b[j]
        else:
            pick = min(a[i], b[j], key=lambda k: (moment(table[k]), str(k)))
        order.append(pick)
        seen.add(pick)
    return [table[k] for k in order]


def _counted(entries: list[Table]) -> list[Hashable]:
    """Each entry's content, with how many equal ones came before it in the list."""
    seen: dict[Hashable, int] = {}
    keys: list[Hashable] = []
    for entry in entries:
        content = freeze(entry)
        seen[content] = seen.get(content, -1) + 1
        keys.append((content, seen[content]))
    return keys


def step_into(holder: Any, step: str) -> Any:
    """One step down a path: a key of a table, or the item with that id in a list."""
    if isinstance(holder, dict):
        return holder.get(step)
    if isinstance(holder, list):
        for item in holder:
            if isinstance(item, dict) and _named_as(item) == step:
                return item
    return None


def _named_as(item: Table) -> str:
    if "id" in item:
        return str(item["id"])
    for fields in NAMED.values():
        if fields[0] in item:
            return item_name(item, fields)
    return ""
