"""Conflicts a merge left in the record (team/merge.py): what each says in words, and settling
one by keeping one side's value.

A conflict names the value by its path (table keys and item ids) and holds both sides'
values; the record keeps the value from before the two changes until someone chooses.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any

from dgtracker.dates import When, format_day, format_when
from dgtracker.errors import Refused
from dgtracker.record.encode import event_data
from dgtracker.record.model import RESERVE_STAGE, Action, Event, effective_history, stage_and_rank
from dgtracker.record.model import MergeConflict as Conflict
from dgtracker.team.merge import SCHEDULE, _stage_from_history
from dgtracker.team.merge_erasure import freeze
from dgtracker.team.merge_lists import entries, step_into

SIDES = ("ours", "theirs", "base")


def shown(value: Any) -> str:
    """A value as the rest of the tool shows it: days as "Thu 19 Feb 2026", moments as
    "Thu 19 Feb 2026 14:00", a milestone's schedule as `status` writes it."""
    if value is None:
        return "not set"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        zone = " UTC" if value.tzinfo is not None else ""  # a local time has none
        moment = value.astimezone(UTC) if zone else value
        return f"{format_day(moment.date())} {moment:%H:%M}{zone}"
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, dict):
        when = _schedule(value)
        if when is not None:
            return format_when(when)
        return ", ".join(f"{key} {shown(part)}" for key, part in _flat(value).items())
    return str(value)


def _schedule(value: dict[str, Any]) -> When | None:
    """A milestone's schedule as its keys hold it (merge.SCHEDULE), else None."""
    if not value or not set(value) <= SCHEDULE[1]:
        return None
    at, day, start, end = (value.get(key) for key in ("at", "date", "start", "end"))
    if isinstance(at, datetime):
        return When(at.date(), at.date(), time(at.hour, at.minute))
    if isinstance(day, date):
        return When(day, day)
    if isinstance(start, date) and isinstance(end, date):
        return When(start, end, None, value.get("label"))
    return When() if value.get("tbc") is True else None


# What a booking keeps for calendars, not a decision: named only when nothing else differs.
_BOOKKEEPING = frozenset({"booked", "rescheduled"})


def _flat(value: dict[str, Any]) -> dict[str, Any]:
    """A table's values by name, a sheet's marks by criterion (scores.leadership as
    leadership)."""
    flat: dict[str, Any] = {}
    for key, part in value.items():
        if isinstance(part, dict) and _schedule(part) is None:
            flat.update(part)
        else:
            flat[key] = part
    return flat


def _differing(conflict: Conflict) -> list[str] | None:
    """When both sides are tables (a sheet of marks, a slot): the names of the values in
    which they differ; else None (the whole value differs)."""
    ours, theirs = conflict.ours, conflict.theirs
    if not (isinstance(ours, dict) and isinstance(theirs, dict)) or _schedule(ours):
        return None
    mine, yours = _flat(ours), _flat(theirs)
    names = [name for name in {**mine, **yours} if mine.get(name) != yours.get(name)]
    return [name for name in names if name not in _BOOKKEEPING] or names


def side_shown(conflict: Conflict, side: str) -> str:
    """One side's value in a few words: only what differs from the other side."""
    value = getattr(conflict, side)
    names = _differing(conflict)
    if names is None or not isinstance(value, dict):
        return shown(value)
    return _named(_flat(value), names)


def _named(values: dict[str, Any], names: list[str]) -> str:
    """Some of a table's values, each after its name ("leadership 6, where none")."""
    return ", ".join(_one(name, values.get(name)) for name in names)


def _one(name: str, value: Any) -> str:
    if name == "cancelled" and value is None:  # a slot that stands
        return "not cancelled"
    return f"{name} {'none' if value is None else shown(value)}"


def _subject(path: list[str]) -> str:
    """What the conflict is about, as a person would name it."""
    match path:
        case ["candidates", person, "marks", sheet]:
            stage, _, member = sheet.partition("/")
            whose = f"{member}'s marks for {person}" if member else f"{person}'s agreed marks"
            return f"{whose} at {stage}"
        case ["candidates", person, "slots", stage]:
            return f"{person}'s slot at {stage}"
        case ["candidates", person, *rest] if rest:
            return f"{person}'s {' '.join(rest)}"
        case ["milestones", milestone, "when"]:
            return f"the schedule of milestone {milestone}"
        case ["milestones", milestone, *rest] if rest:
            return f"milestone {milestone}'s {' '.join(rest)}"
    return " ".join(path)


def _who(by: str | None, at: datetime | None) -> str:
    parts = []
    if by:
        parts.append(f"by {by}")
    if at is not None:
        parts.append(f"on {shown(at)}")
    return f" ({', '.join(parts)})" if parts else ""


def describe_conflict(conflict: Conflict) -> str:
    """One conflict in words: what, each side's value (only what differs) with who and
    when, what it was, how to settle."""
    if is_history(conflict):
        return _history_described(conflict)
    ours, theirs = side_shown(conflict, "ours"), side_shown(conflict, "theirs")
    names = _differing(conflict)
    if names is None or not isinstance(conflict.base, dict):
        base = shown(conflict.base)
    else:
        base = _named(_flat(conflict.base), names)
    return (
        f"conflict {conflict.id}: {_subject(conflict.path) or conflict.id}: "
        f"{ours} on one copy{_who(conflict.ours_by, conflict.ours_at)} against "
        f"{theirs} on the other{_who(conflict.theirs_by, conflict.theirs_at)}; "
        f"it was {base} and stays so until you choose: dgtracker resolve {conflict.id} "
        f"--ours (keeps {ours}) or --theirs (keeps {theirs})"
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


def keep_move(
    data: dict[str, Any],
    conflict: Conflict,
    kept: Any,
    side: str,
    *,
    by: str,
    today: date,
    now: datetime,
) -> None:
    """A stage chosen by `resolve`: the other side's moves since the stage both copies
    had are undone, each by an `undone` entry that says the conflict was resolved. The
    kept side's own move, with its own reason and note, is then the last move that stands
    (where they are: rules.history_problem), and the losing moves reach no stage."""
    candidate = step_into(step_into(data, "candidates"), conflict.path[1])
    history = candidate.setdefault("history", [])
    events = [Event(**{**entry, "action": Action(entry["action"])}) for entry in history]
    lost = conflict.theirs if side == "ours" else conflict.ours
    why = f"Merge conflict on stage resolved: kept {shown(kept)} ({side})."
    at = max([now, *(event.at for event in events)])
    on = max([today, *(event.day for event in events)])
    entries = [
        Event(at=at, on=on, by=by, action=Action.UNDONE, undoes=index, reason=why)
        for index in _losing_moves(events, lost, conflict.base)
    ]
    if entries:
        entries[-1].stage, entries[-1].from_stage = kept, conflict.base
    stage, rank = stage_and_rank([*events, *entries])
    if stage != kept:  # the losing moves not found (a history edited by hand): made again
        places = [e.rank for e in events if e.stage == kept and e.rank is not None]
        rank = places[-1] if kept == RESERVE_STAGE and places else None
        entries.append(Event(at, on, by, Action.MOVED, kept, conflict.base, reason=why, rank=rank))
    candidate.pop("rank", None)
    if kept == RESERVE_STAGE and rank is not None:
        candidate["rank"] = rank
    history.extend({**event_data(entry), "action": entry.action.value} for entry in entries)


def _losing_moves(events: list[Event], lost: Any, base: Any) -> list[int]:
    """The places of the moves that stand and took the losing copy from `base` to `lost`,
    found back from the latest: each leaves the stage the one after it entered (and that
    copy's changes of place on the reserve list while there), earliest first."""
    standing = {id(event) for event in effective_history(events)}
    here, found = lost, []
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if here == base or here is None or event.action == Action.ADDED:
            break
        if id(event) not in standing or event.stage != here:
            continue
        if event.action == Action.MOVED:
            found.append(index)
            here = event.from_stage
        elif event.action == Action.EDITED and event.rank is not None:
            found.append(index)
    return found[::-1]


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
