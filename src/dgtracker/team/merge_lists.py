"""How the lists of a record merge (team/merge.py): the order of two lists' items, append-only
entries such as a history, and the tables that are named by a field other than an `id`
(a panel member by name, a sheet of marks by assessment and member, a slot by
assessment); and how a place in the record is found again by such a path."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any

from dgtracker.team.merge_erasure import CANDIDATES, MERGED_BY, Table, _erased_since, freeze

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
    entries in one list (a purge may blank two notes alike) are two entries. An entry of
    the base that one side no longer has stays out: a candidate's history rewritten that
    way is either an erasure or held back as a conflict first (held_back)."""
    ours, theirs = _in_place(base, ours, theirs), _in_place(base, theirs, ours)
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
    return _renumbered([table[k] for k in order], order, [(mine, ours), (yours, theirs)])


def _in_place(base: list[Table], side: list[Table], other: list[Table]) -> list[Table]:
    """`side`, with each base entry the other copy rewrote in place (a purge's redaction)
    taken as rewritten: it keeps its place, so an entry of `side` dated earlier by a
    clock behind never goes before it (before a person's first entry, say). Only an entry
    that is the base's as a purge or redaction leaves it counts: where the other copy holds
    a new entry at that place (merged in before it from a third copy), the base's stays."""
    kept = {freeze(entry) for entry in base}
    out = side
    for index, (was, mine, yours) in enumerate(zip(base, side, other, strict=False)):
        if mine == was and yours != was and freeze(yours) not in kept and _erased_from(yours, was):
            out = [*out[:index], yours, *out[index + 1 :]] if out is side else out
            out[index] = yours
    return out


def _erased_from(new: Table, old: Table) -> bool:
    """Whether entry `new` is `old` as a purge or a redaction leaves it: texts with
    mentions erased, or a note and reason blanked (a note alike in all else is a new one)."""
    if _as_erased(new) != _as_erased(old) or not new.keys() <= old.keys():
        return False
    if _as_redacted(new, old):
        return True
    kept = {"was"} | ({"reason"} if old.get("action") == PURGED else set())
    return all(key not in new for key in (BLANKED & old.keys()) - kept)


def _renumbered(
    merged: list[Table], order: list[Hashable], sides: list[tuple[list[Hashable], list[Table]]]
) -> list[Table]:
    """An undo names the entry it undoes by its place in the copy's list: in the merged
    list the other copy's entries may come before that one, so the place is told again
    (left as it was, a merged undo pointed at the wrong entry and revived the move)."""
    place = {key: index for index, key in enumerate(order)}
    moved: dict[Hashable, int] = {}
    for keys, items in sides:
        for key, item in zip(keys, items, strict=True):
            undoes = item.get("undoes") if isinstance(item, dict) else None
            if key in place and type(undoes) is int and 0 <= undoes < len(keys):
                now = place.get(keys[undoes])
                if now is not None and now != undoes:
                    moved.setdefault(key, now)
    if not moved:
        return merged
    return [
        {**item, "undoes": moved[key]} if key in moved else item
        for key, item in zip(order, merged, strict=True)
    ]


def _counted(entries: list[Table]) -> list[Hashable]:
    """Each entry's content, with how many equal ones came before it in the list. An undo
    is known by the entry it undoes, not by that entry's place, which a merge may change."""
    seen: dict[Hashable, int] = {}
    keys: list[Hashable] = []
    for index, entry in enumerate(entries):
        undoes = entry.get("undoes") if isinstance(entry, dict) else None
        if type(undoes) is int and 0 <= undoes < index:
            entry = {**entry, "undoes": keys[undoes]}
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


HISTORY = "history"
PURGED = "purged"
REDACTED = "redacted"
# What a purge blanks in each entry of the person's history (privacy.anonymise): the note,
# the reason (but a purge's own), the values an edit replaced (`was`), a letter's subject.
BLANKED = frozenset({"note", "reason", "was", "subject"})


def _history(item: Any) -> list[Table]:
    found = item.get(HISTORY) if isinstance(item, dict) else None
    return [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) else []


def _as_erased(entry: Table) -> Hashable:
    """An entry as an erasure may leave it: all but what a purge blanks (which fields an
    edit replaced stays)."""
    kept = {key: value for key, value in entry.items() if key not in BLANKED}
    if entry.get("action") == PURGED:
        kept["reason"] = entry.get("reason")
    if isinstance(entry.get("was"), dict):
        kept["was"] = sorted(entry["was"])
    return freeze(kept)


def _holds(history: list[Table], recorded: list[Table]) -> bool:
    """Whether a history still holds every recorded entry, unchanged (as often as there),
    or changed only by a purge of someone else that erased their mentions in it. An undo
    is known by the entry it undoes: a merge that put entries before that one renumbered
    it, and rewrote nothing."""
    if not set(_counted(recorded)) - set(_counted(history)):
        return True
    gone = Counter(map(freeze, recorded)) - Counter(map(freeze, history))
    return not gone or _mentions_erased(history, recorded, gone)


# What a purge puts where a text mentioned the person erased (mentions.ERASED; not imported,
# so that git's merge driver does not load the privacy rules).
ERASED = "[erased]"


def _mentions_erased(history: list[Table], recorded: list[Table], gone: Counter[Hashable]) -> bool:
    """Whether the recorded entries this history no longer holds (`gone`) are there with
    mentions of an erased person in their note, reason or earlier values replaced by
    [erased], as a purge leaves another candidate it named (mentions.erase_mentions, with
    a new `redacted` entry that says so by id); a `purge --rewrite-history` moves the
    team's commits onto such a record."""
    if not any(e.get("action") == REDACTED and e not in recorded for e in history):
        return False
    extra = Counter(map(freeze, history)) - Counter(map(freeze, recorded))
    pool = [entry for entry in history if freeze(entry) in extra]
    tables = {freeze(entry): entry for entry in recorded}
    for entry in (tables[key] for key in gone.elements()):
        found = next((new for new in pool if _as_redacted(new, entry)), None)
        if found is None:
            return False
        pool.remove(found)
    return True


def _as_redacted(new: Table, old: Table) -> bool:
    """Whether entry `new` is `old` with mentions erased in its texts, and nothing else."""
    if new.keys() != old.keys() or _as_erased(new) != _as_erased(old):
        return False
    return all(_redacted_text(new[key], old[key]) for key in new.keys() & BLANKED)


def _redacted_text(new: Any, old: Any) -> bool:
    """Whether `new` is `old`, or `old` with one or more mentions replaced by [erased]
    (texts, and the values of a table of earlier values). Linear: each piece between the
    marks is found in turn, at its first place (which leaves the most for the rest)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return new.keys() == old.keys() and all(_redacted_text(new[k], old[k]) for k in new)
    if new == old:
        return True
    if not (isinstance(new, str) and isinstance(old, str) and ERASED in new):
        return False
    first, *middle, last = new.split(ERASED)
    if not old.startswith(first):
        return False
    place = len(first)
    for piece in middle:
        place = old.find(piece, place + 1)  # each mention erased was at least one character
        if place < 0:
            return False
        place += len(piece)
    return len(old) - len(last) > place and old.endswith(last)


def _erased_only(history: list[Table], recorded: list[Table]) -> bool:
    """Whether an erased copy's history differs from the recorded one only as erasures
    leave it: entries blanked by a purge; entries gone only where a merge kept the erasure
    over another copy's changes (it drops them whole, and says so in a `purged` entry of
    its own), and none put in the place of one gone (the same moment, author and action)."""
    now, was = _all_as_erased(history), _all_as_erased(recorded)
    mine, then = Counter(now), Counter(was)
    missing = then - mine
    if not missing:
        return True
    if not any(e.get("by") == MERGED_BY and e.get("action") == PURGED for e in history):
        return False
    added = mine - then
    gone = {_place(e) for e, key in zip(recorded, was, strict=True) if key in missing}
    return not any(_place(e) in gone for e, key in zip(history, now, strict=True) if key in added)


def _all_as_erased(entries: list[Table]) -> list[Hashable]:
    """Each entry as an erasure may leave it (_as_erased), an undo known by the entry it
    undoes: a merge that put entries before that one renumbered it, and rewrote nothing."""
    keys: list[Hashable] = []
    for index, entry in enumerate(entries):
        undoes = entry.get("undoes")
        if type(undoes) is int and 0 <= undoes < index:
            entry = {**entry, "undoes": keys[undoes]}
        keys.append(_as_erased(entry))
    return keys


def _place(entry: Table) -> Hashable:
    return freeze([entry.get("at"), entry.get("by"), entry.get("action")])


def _redacted(entries: list[Table], erased: list[Table]) -> list[Table]:
    """Entries as the erased copy holds them where it does, else without what a purge
    blanks: nothing of the person's data from another copy stays."""
    pool: dict[Hashable, list[Table]] = {}
    for entry in erased:
        pool.setdefault(_as_erased(entry), []).append(entry)
    found = []
    for entry in entries:
        same = pool.get(_as_erased(entry))
        if same:
            found.append(same.pop(0))
        else:
            blank = {k: v for k, v in entry.items() if k not in BLANKED}
            if entry.get("action") == PURGED and "reason" in entry:
                blank["reason"] = entry["reason"]
            found.append(blank)
    return found


def _looked_at(base: Table, ours: Table, theirs: Table) -> list[Table]:
    """The candidates of either copy whose history may no longer hold the base's: all but
    those whose history begins with the base's under the same id (nearly all, and quick
    to tell), so a large record is not compared entry by entry."""
    before = {c.get("id"): c for c in base.get(CANDIDATES) or () if isinstance(c, dict)}
    if not before:
        return []
    found = []
    for side in (ours, theirs):
        for candidate in side.get(CANDIDATES) or ():
            if not isinstance(candidate, dict):
                continue
            old = before.get(candidate.get("id"))
            if old is None:
                if candidate.get("aliases"):  # renumbered: someone of the base, perhaps
                    found.append(candidate)
                continue
            then, now = old.get(HISTORY), candidate.get(HISTORY)
            if then is now or (
                isinstance(then, list) and isinstance(now, list) and now[: len(then)] == then
            ):
                continue
            found.append(candidate)
    return found


def held_back(
    base: Table, ours: Table, theirs: Table, data: Table, person: Callable[[Any], Hashable]
) -> list[Table]:
    """A candidate's history is append-only across copies: a copy that rewrote or removed
    an entry the base recorded (a decision edited by hand and committed with plain git) is
    a conflict, `c014.history`, and the merged record `data` keeps the recorded entries,
    with the other copy's additions, until `resolve` chooses. The rewrites taken are an
    erasure's: a copy that purged the person (a new `purged` entry) blanks the notes,
    reasons and replaced values of their entries, and nothing else; a copy that redacted
    mentions of someone erased (a new `redacted` entry) put `[erased]` in those texts.
    Where a person was erased, what stands and what the conflict holds is as erased (the
    erasure wins: team/merge_erasure.py). `person`: who a candidate is, on every copy. The
    conflicts found, as team/merge.py lists them (after forget_erased, which drops other
    conflicts about an erased person)."""
    people = _looked_at(base, ours, theirs)
    if not people:
        return []  # the usual case: every history of the base only grew
    recorded = {person(c): c for c in base.get(CANDIDATES) or () if isinstance(c, dict)}
    copies = [
        {person(c): c for c in side.get(CANDIDATES) or () if isinstance(c, dict)}
        for side in (ours, theirs)
    ]
    wanted = {person(c) for c in people}
    found: list[Table] = []
    # a new list: the merged one may be a copy's own (taken whole), which must not change
    merged = list(data.get(CANDIDATES) or [])
    for place, candidate in enumerate(merged):
        if not isinstance(candidate, dict):
            continue
        who = person(candidate)
        if who not in wanted:
            continue
        before, mine, yours = recorded.get(who), copies[0].get(who), copies[1].get(who)
        if before is None or mine is None or yours is None:
            continue
        then = _history(before)
        erased = [_erased_since(before, side) for side in (mine, yours)]
        # where a copy erased the person, the other's changes to them are dropped anyway
        asked = [side for side, gone in zip((mine, yours), erased, strict=True) if gone]
        asked = asked or [mine, yours]
        if any(erased):
            kept = [side for side in asked if _erased_only(_history(side), then)]
        else:  # a purge of someone else may have redacted mentions of them here
            kept = [side for side in asked if _holds(_history(side), then)]
        if len(kept) == len(asked):
            continue  # the usual case: both only added entries, or erased the person
        if any(erased):  # the recorded entries as erased, and every erasure since
            now = _history(candidate)
            purges = [e for e in now if e.get("action") == PURGED and e not in then]
            standing = _redacted(then, now)
            history = entries(standing, standing, standing + purges)
            sides = [_redacted(_history(side), now) for side in (mine, yours)]
            then = _redacted(then, now)
        else:
            history = _history(kept[0]) if kept else then
            sides = [_history(mine), _history(yours)]
        cid = candidate.get("id")
        # a new table: the merged one may be a copy's own, which the conflict quotes
        merged[place] = {**candidate, HISTORY: history}
        found.append(
            {
                "id": f"{cid}.{HISTORY}",
                "path": [CANDIDATES, str(cid), HISTORY],
                "ours": sides[0],
                "theirs": sides[1],
                "base": then,
            }
        )
    if found:
        data[CANDIDATES] = merged
    return found
