"""Conflicts a merge left in the record (merge.py): what each says in words, and settling
one by keeping one side's value.

A conflict names the value by its path (table keys and item ids) and holds both sides'
values; the record keeps the value from before the two changes until someone chooses.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from dgtracker.errors import Refused
from dgtracker.merge import SCHEDULE, _stage_from_history
from dgtracker.merge_erasure import freeze
from dgtracker.merge_lists import entries, step_into
from dgtracker.model import MergeConflict as Conflict

SIDES = ("ours", "theirs", "base")


def shown(value: Any) -> str:
    if value is None:
        return "nothing (removed)"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):  # several keys that make one value (a schedule)
        return ", ".join(f"{key} {shown(part)}" for key, part in value.items())
    return str(value)


def _who(by: str | None, at: datetime | None) -> str:
    parts = []
    if by:
        parts.append(f"by {by}")
    if at is not None:
        parts.append(f"at {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    return f" ({', '.join(parts)})" if parts else ""


def describe(conflict: Conflict) -> str:
    """One conflict in words: what, each side's value with who and when, how to settle."""
    if is_history(conflict):
        return _history_described(conflict)
    what = " ".join(conflict.path[1:]) if len(conflict.path) > 1 else conflict.id
    return (
        f"conflict {conflict.id}: {conflict.path[0] if conflict.path else ''} {what}: "
        f"one copy set it to {shown(conflict.ours)}{_who(conflict.ours_by, conflict.ours_at)}, "
        f"the other to {shown(conflict.theirs)}"
        f"{_who(conflict.theirs_by, conflict.theirs_at)}; it was {shown(conflict.base)} "
        f"and stays so until you choose: dgtracker resolve {conflict.id} --ours "
        f"(keeps {shown(conflict.ours)}) or --theirs (keeps {shown(conflict.theirs)})"
    )


def is_history(conflict: Conflict) -> bool:
    """A candidate's recorded history rewritten on a copy (merge_lists.held_back)."""
    return conflict.path[0::2] == ["candidates", "history"] and len(conflict.path) == 3


def _rewritten(side: Any, base: Any) -> int:
    """How many recorded entries a side's history no longer holds as they were."""
    have = Counter(map(freeze, side if isinstance(side, list) else []))
    return sum((Counter(map(freeze, base if isinstance(base, list) else [])) - have).values())


def _history_described(conflict: Conflict) -> str:
    cid = conflict.path[1]
    said = []
    for side, copy in (("ours", "our copy"), ("theirs", "their copy")):
        count = _rewritten(getattr(conflict, side), conflict.base)
        if count:
            said.append(f"{copy} rewrote or removed {count} of its recorded entries")
    return (
        f"conflict {conflict.id}: candidate {cid}'s history is append-only, but "
        f"{' and '.join(said)}; the recorded entries stand until you choose: "
        f"dgtracker resolve {conflict.id} --ours (keeps our copy's history) or --theirs "
        "(keeps their copy's history), each with the other copy's new entries"
    )


def settle_history(data: dict[str, Any], conflict: Conflict, side: str) -> None:
    """Keep `side`'s history of the candidate, with the entries the record holds that the
    base did not (the other copy's additions), and the stage its last move gives; drop
    the conflict."""
    candidate = step_into(step_into(data, "candidates"), conflict.path[1])
    if not isinstance(candidate, dict):
        raise Refused(
            f"The place of conflict {conflict.id} is no longer in the record.",
            hint=f"Drop it by hand from [[conflicts]] (id = '{conflict.id}').",
        )
    chosen = getattr(conflict, side) or []
    candidate["history"] = entries(conflict.base or [], chosen, candidate.get("history") or [])
    data["conflicts"] = [c for c in data.get("conflicts", []) if c.get("id") != conflict.id]
    # where they are follows from the history kept, as after any merge
    _stage_from_history(data, data["conflicts"])
    if not data["conflicts"]:
        del data["conflicts"]


def find(conflicts: list[Conflict], wanted: str) -> Conflict:
    """The conflict with this id; or the only one about this candidate or milestone."""
    wanted = wanted.strip()
    exact = [c for c in conflicts if c.id == wanted]
    about = [c for c in conflicts if c.id.split(".")[0] == wanted]
    found = exact or about
    if len(found) == 1:
        return found[0]
    if not conflicts:
        raise Refused("The record holds no conflict to resolve.")
    ids = ", ".join(c.id for c in (found or conflicts))
    if found:
        raise Refused(f"'{wanted}' has several conflicts: {ids}.", hint="Give one of them.")
    raise Refused(f"No conflict '{wanted}'.", hint=f"Conflicts waiting: {ids}.")


def record_move(
    data: dict[str, Any],
    conflict: Conflict,
    kept: Any,
    side: str,
    *,
    by: str,
    today: date,
    now: datetime,
) -> None:
    """A stage chosen by `resolve`, as a move in the candidate's history: the history's
    last move is then where they are (rules.history_problem), with the choice as reason."""
    candidate = step_into(data, "candidates")
    candidate = step_into(candidate, conflict.path[1])
    history = candidate.setdefault("history", [])
    days = [event.get("recorded") or event["on"] for event in history]
    move = {
        "at": max([now, *(event["at"] for event in history)]),
        "on": max([today, *days]),
        "by": by,
        "action": "moved",
        "stage": kept,
        "from_stage": conflict.base,
        "reason": f"Merge conflict on stage resolved: kept {shown(kept)} ({side}).",
    }
    # the place on the reserve list that came with the move kept: its latest one there
    places = [e.get("rank") for e in history if e.get("stage") == kept and e.get("rank")]
    candidate.pop("rank", None)
    if kept == "reserve" and places:
        candidate["rank"] = move["rank"] = places[-1]
    history.append(move)


def settle(data: dict[str, Any], conflict: Conflict, side: str) -> Any:
    """Put `side`'s value at the conflict's place in the record's `data` and drop the
    conflict; the value kept."""
    value = getattr(conflict, side)
    *parents, key = conflict.path
    holder: Any = data
    for step in parents:
        above, holder = holder, step_into(holder, step)
    if holder is None and parents and isinstance(above, dict) and key not in above:
        holder = above.setdefault(parents[-1], [])  # a list emptied while in conflict
    if isinstance(holder, list):  # one item of a list, named (a sheet of marks, a slot)
        old = step_into(holder, key)
        place = next((i for i, item in enumerate(holder) if item is old), len(holder))
        holder[place : place + (old is not None)] = [value] if value is not None else []
    elif not isinstance(holder, dict):
        raise Refused(
            f"The place of conflict {conflict.id} is no longer in the record.",
            hint=f"Drop it by hand from [[conflicts]] (id = '{conflict.id}').",
        )
    elif key == SCHEDULE[0]:  # a group of keys: all of them replaced
        for part in SCHEDULE[1]:
            holder.pop(part, None)
        holder.update(value or {})
    elif value is None:
        holder.pop(key, None)
    else:
        holder[key] = value

    data["conflicts"] = [c for c in data.get("conflicts", []) if c.get("id") != conflict.id]
    if not data["conflicts"]:
        del data["conflicts"]
    return value
