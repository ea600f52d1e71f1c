"""A checked record as plain data that `marshal` can store, and back, with no check made
again: what record/cache.py keeps beside the record.

marshal stores only built-in types, so each object becomes a tuple of its fields in the
dataclass's order: days as ordinals, moments as ISO text (naive or with their offset, as
read), enums as their text. Candidates and their events are most of a record and have
their own short functions; the few other objects (milestones, the panel, conflicts) go
through one tagged walk. A value of any type (a conflict's sides) keeps its type: TOML data
holds no tuples, so a tuple is always a tag.
"""

from __future__ import annotations

import dataclasses
import enum
import marshal
from datetime import date, datetime, time
from typing import Any

from dgtracker.dates import When
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import (
    Action,
    Campaign,
    Candidate,
    Conflict,
    Criterion,
    CriterionKind,
    Event,
    Marks,
    MergeConflict,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    PanelMember,
    PanelRole,
    Record,
    Retention,
    Slot,
    Stage,
    StageKind,
)

_fromordinal = date.fromordinal
_fromiso = datetime.fromisoformat
_ACTIONS = {action.value: action for action in Action}

# --- the few objects: one tagged walk ------------------------------------------------

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Campaign,
        Stage,
        Milestone,
        MilestoneChange,
        When,
        Retention,
        Criterion,
        PanelMember,
        Conflict,
        MergeConflict,
    )
}
_ENUMS: dict[str, type[enum.Enum]] = {
    cls.__name__: cls for cls in (StageKind, MilestoneChangeKind, CriterionKind, PanelRole)
}


def _tagged(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, bool, float):
        return value
    if kind is datetime:
        return ("t", value.isoformat())
    if kind is date:
        return ("d", value.toordinal())
    if kind is time:
        return ("h", value.isoformat())
    if kind is list:
        return [_tagged(item) for item in value]
    if kind is dict:
        return {key: _tagged(item) for key, item in value.items()}
    if kind is tuple:
        return ("u", [_tagged(item) for item in value])
    if isinstance(value, enum.Enum):
        return ("e", kind.__name__, value.value)
    if kind.__name__ in _CLASSES:
        fields = [_tagged(getattr(value, f.name)) for f in dataclasses.fields(value)]
        return ("o", kind.__name__, fields)
    raise TypeError(f"no plain form for {kind.__name__}")


def _untagged(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [_untagged(item) for item in value]
    if kind is dict:
        return {key: _untagged(item) for key, item in value.items()}
    if kind is not tuple:
        return value
    tag = value[0]
    if tag == "t":
        return _fromiso(value[1])
    if tag == "d":
        return _fromordinal(value[1])
    if tag == "h":
        return time.fromisoformat(value[1])
    if tag == "u":
        return tuple(_untagged(item) for item in value[1])
    if tag == "e":
        return _ENUMS[value[1]](value[2])
    return _CLASSES[value[1]](*[_untagged(item) for item in value[2]])


# --- candidates: most of a record, so written out field by field ----------------------


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _event(e: Event) -> tuple[Any, ...]:
    return (e.at.isoformat(), e.on.toordinal(), e.by, e.action.value, e.stage, e.from_stage,
            e.note, e.reason, e.rank, e.undoes, e.was, _day(e.recorded))  # fmt: skip


def _event_back(t: tuple[Any, ...]) -> Event:
    at, on, by, action, stage, from_stage, note, reason, rank, undoes, was, recorded = t
    return Event(_fromiso(at), _fromordinal(on), by, _ACTIONS[action], stage, from_stage,
                 note, reason, rank, undoes, was,
                 None if recorded is None else _fromordinal(recorded))  # fmt: skip


def _slot(s: Slot) -> tuple[Any, ...]:
    return (s.assessment, s.at.isoformat(), s.minutes, s.where,
            None if s.booked is None else s.booked.isoformat(), s.rescheduled,
            None if s.cancelled is None else s.cancelled.isoformat())  # fmt: skip


def _slot_back(t: tuple[Any, ...]) -> Slot:
    assessment, at, minutes, where, booked, rescheduled, cancelled = t
    return Slot(assessment, _fromiso(at), minutes, where,
                None if booked is None else _fromiso(booked), rescheduled,
                None if cancelled is None else _fromiso(cancelled))  # fmt: skip


def _candidate(c: Candidate) -> tuple[Any, ...]:
    return (c.id, c.name, c.stage, c.email, c.phone, c.source, _day(c.applied), c.rank,
            [_event(e) for e in c.history],
            [(m.assessment, m.member, m.scores, m.evidence) for m in c.marks],
            [_slot(s) for s in c.slots], c.aliases)  # fmt: skip


def _candidate_back(t: tuple[Any, ...]) -> Candidate:
    cid, name, stage, email, phone, source, applied, rank, history, marks, slots, aliases = t
    return Candidate(cid, name, stage, email, phone, source,
                     None if applied is None else _fromordinal(applied), rank,
                     [_event_back(e) for e in history],
                     [Marks(*m) for m in marks],
                     [_slot_back(s) for s in slots], aliases)  # fmt: skip


# --- the record --------------------------------------------------------------------


def plain(record: Record) -> tuple[Any, ...]:
    """The record as built-in types only (`record.shared` is not kept: it is the folder's)."""
    return (
        _tagged(record.campaign),
        _tagged(record.stages),
        _tagged(record.milestones),
        # each candidate marshalled on its own: the whole record is never held twice over
        # as plain data while it is written (at 10,000 candidates, about 20 MB less)
        [marshal.dumps(_candidate(c)) for c in record.candidates],
        _tagged(record.retention),
        record.next_candidate_number,
        record.schema,
        _tagged(record.criteria),
        _tagged(record.panel),
        _tagged(record.conflicts),
    )


def record_from_plain(t: tuple[Any, ...], each: Walk = quietly) -> Record:
    """The record `plain` was given (`each` walks its candidates, as a read of the text
    does). Raises (TypeError, ValueError, KeyError, IndexError) on data it did not write."""
    campaign, stages, milestones, candidates, retention, number, schema = t[:7]
    criteria, panel, conflicts = t[7:]
    return Record(
        campaign=_untagged(campaign),
        stages=_untagged(stages),
        milestones=_untagged(milestones),
        candidates=[_candidate_back(marshal.loads(c)) for c in each(candidates, "Reading")],
        retention=_untagged(retention),
        next_candidate_number=number,
        schema=schema,
        criteria=_untagged(criteria),
        panel=_untagged(panel),
        conflicts=_untagged(conflicts),
    )
