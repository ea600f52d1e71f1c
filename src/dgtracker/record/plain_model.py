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
import functools
import marshal
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from dgtracker.dates import EARLIEST, LATEST, When
from dgtracker.progress import Walk, quietly
from dgtracker.record import model
from dgtracker.record.heap import LARGE, give_back
from dgtracker.record.model import Action, Candidate, Event, Marks, Record, Slot
from dgtracker.record.summary import Listing, Summary, Watch, list_entry, summarise, watch_entry

_fromordinal = date.fromordinal
_fromiso = datetime.fromisoformat
_ACTIONS = {action.value: action for action in Action}

# --- the few objects: one tagged walk ------------------------------------------------

# Every dataclass and enum of the model (and the dates' When), found rather than listed:
# an object added to the model is kept without a change here.
_CLASSES: dict[str, type] = {
    name: cls
    for name, cls in {**vars(model), "When": When}.items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}
_ENUMS: dict[str, type[enum.Enum]] = {
    name: cls
    for name, cls in vars(model).items()
    if isinstance(cls, type) and issubclass(cls, enum.Enum) and cls.__module__ == model.__name__
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


# --- candidates: most of a record, so their fields take a short way ------------------
# Each object is the tuple of its dataclass's fields, in order, read from the dataclass
# itself: a field added to the model is kept without a change here. The fields most
# records hold many of are converted by name (a moment as ISO text, a day as its ordinal);
# any other goes through the tagged walk above, whatever its type.
#
# Back, each object is made by a function written out for its class's fields when this
# module is imported (one unpacking, one call of the class, the conversions inline): a
# read from the cache makes about 6 objects a candidate, and a general loop over the
# fields, a function called for each, took twice as long (docs/performance.md, "Cache").


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _same(value: Any) -> Any:
    return value


# Fields declared as these (the model's annotations are text) are kept as they are.
_PLAIN_TYPES = {"str", "int", "bool", "float", "str | None", "int | None", "bool | None"}
# How a field is made back, as an expression of its plain value `{v}`.
_DAY_BACK = "(None if {v} is None else fromordinal({v}))"
_MOMENT_BACK = "(None if {v} is None else fromiso({v}))"
_EVENT_WAYS: dict[str, tuple[Any, str]] = {
    "at": (_moment, _MOMENT_BACK),
    "on": (_day, _DAY_BACK),
    "recorded": (_day, _DAY_BACK),
    "action": (lambda action: action.value, "actions[{v}]"),
}
_SLOT_WAYS: dict[str, tuple[Any, str]] = {
    "at": (_moment, _MOMENT_BACK),
    "booked": (_moment, _MOMENT_BACK),
    "cancelled": (_moment, _MOMENT_BACK),
}


def _ways(cls: type, named: dict[str, tuple[Any, str]]) -> tuple[tuple[str, Any, str], ...]:
    """(field, to plain, the expression back) for each field of `cls`, in order."""
    found = []
    for field in dataclasses.fields(cls):
        kept = (_same, "{v}") if field.type in _PLAIN_TYPES else (_tagged, "untagged({v})")
        there, back = named.get(field.name, kept)
        found.append((field.name, there, back))
    return tuple(found)


def _to(ways: tuple[tuple[str, Any, str], ...], obj: Any) -> tuple[Any, ...]:
    return tuple(there(getattr(obj, name)) for name, there, _ in ways)


# The plain forms the converters above give, written out inline (as `_maker` writes the
# way back): a save compares every candidate's plain form with the cache's, and a call of
# a function for each field took about twice as long.
_INLINE = {
    _same: "o.{f}",
    _day: "(None if o.{f} is None else o.{f}.toordinal())",
    _moment: "(None if o.{f} is None else o.{f}.isoformat())",
}


def _writer(ways: tuple[tuple[str, Any, str], ...], uses: dict[str, Any]) -> Any:
    """The function from an object to the tuple `_to` makes of it, written out."""
    scope: dict[str, Any] = dict(uses)
    values = []
    for index, (name, there, _) in enumerate(ways):
        inline = _INLINE.get(there)
        if there is _tagged:  # most such fields are None: no call for them
            scope[f"f{index}"] = there
            values.append(f"(None if o.{name} is None else f{index}(o.{name}))")
        elif inline is None:
            scope[f"f{index}"] = there
            values.append(f"f{index}(o.{name})")
        else:
            values.append(inline.format(f=name))
    source = f"def to(o):\n    return ({', '.join(values)},)\n"
    exec(source, scope)  # source made from the dataclass's own fields alone
    return scope["to"]


def _maker(cls: type, ways: tuple[tuple[str, Any, str], ...], uses: dict[str, Any]) -> Any:
    """The function from the tuple `_to` made back to a `cls`. A tuple of another length
    (a cache of another layout) raises ValueError at the unpacking."""
    names = [f"v{i}" for i in range(len(ways))]
    values = ", ".join(back.format(v=name) for (_, _, back), name in zip(ways, names, strict=True))
    source = f"def make(t):\n    {', '.join(names)}, = t\n    return cls({values})\n"
    scope = {
        "cls": cls,
        "fromordinal": _fromordinal,
        "fromiso": _fromiso,
        "actions": _ACTIONS,
        "untagged": _untagged,
        **uses,
    }
    exec(source, scope)  # source made above from the dataclass's own fields alone
    return scope["make"]


_EVENT = _ways(Event, _EVENT_WAYS)
_SLOT = _ways(Slot, _SLOT_WAYS)
_MARKS = _ways(Marks, {"scores": (_same, "{v}")})
_CANDIDATE = _ways(
    Candidate,
    {
        "applied": (_day, _DAY_BACK),
        "history": (
            lambda history: [_to(_EVENT, e) for e in history],
            "[event(e) for e in {v}]",
        ),
        "marks": (lambda marks: [_to(_MARKS, m) for m in marks], "[marks(m) for m in {v}]"),
        "slots": (lambda slots: [_to(_SLOT, s) for s in slots], "[slot(s) for s in {v}]"),
    },
)
_event_to = _writer(_EVENT, {})
_marks_to = _writer(_MARKS, {})
_slot_to = _writer(_SLOT, {})
_candidate_to = _writer(
    _ways(
        Candidate,
        {
            "applied": (_day, _DAY_BACK),
            "history": (lambda history: [_event_to(e) for e in history], ""),
            "marks": (lambda marks: [_marks_to(m) for m in marks], ""),
            "slots": (lambda slots: [_slot_to(s) for s in slots], ""),
        },
    ),
    {},
)
_candidate_back = _maker(
    Candidate,
    _CANDIDATE,
    {
        "event": _maker(Event, _EVENT, {}),
        "marks": _maker(Marks, _MARKS, {}),
        "slot": _maker(Slot, _SLOT, {}),
    },
)


class NotThisRecords(Exception):
    """A candidate's plain form in the cache could not be made back, or is not the one its
    listing was made from, once the change that read it needed it (record/unbuilt.py): the
    cache is not the one this code made from the record. Before the change is written, it
    stops, and the cache is removed for the next read to make again."""


def candidate_from_plain(t: tuple[Any, ...]) -> Candidate:
    """The candidate of this plain form (unmarshalled), as the cache holds it."""
    return _candidate_back(t)  # type: ignore[no-any-return]


def _candidate(c: Candidate) -> tuple[Any, ...]:
    return _candidate_to(c)  # type: ignore[no-any-return]


def same_candidate(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates have the same plain form (a moment's offset counts)."""
    return bool(_candidate_to(a) == _candidate_to(b))


def plain_candidate(c: Candidate) -> bytes:
    """One candidate's plain form, marshalled: as the cache keeps it."""
    return marshal.dumps(_candidate_to(c))


# --- the candidates' summaries (record/summary.py): all `status` reads of them ------


# A summary as the cache keeps it: a Summary's fields in a plain tuple (marshal writes no
# tuple of another class).
PlainSummary = tuple[str, tuple[str, ...], str | None, int | None]


def plain_summary(candidate: Candidate) -> PlainSummary:
    """The candidate's summary as a plain tuple, as the cache keeps it."""
    stage, stood, reason, latest = summarise(candidate)
    return (stage, stood, reason, latest)


def marshalled_summaries(summaries: list[PlainSummary]) -> bytes:
    """The candidates' plain summaries, marshalled together. Equal routes (the stages
    entered) are one object, which marshal writes once and reads back once: most
    candidates share theirs with many others."""
    routes: dict[tuple[str, ...], tuple[str, ...]] = {}
    return marshal.dumps(
        [
            (stage, routes.setdefault(stood, stood), reason, latest)
            for stage, stood, reason, latest in summaries
        ]
    )


_TEXT: set[type] = {str}
_TEXT_OR_NONE: set[type] = {str, type(None)}
_DAY_OR_NONE: set[type] = {int, type(None)}
_LAST_DAY = date.max.toordinal()


def plain_summaries_back(kept: bytes) -> list[PlainSummary]:
    """What `marshalled_summaries` marshalled (TypeError on other data, down to each
    field's type: a summary of another kind would stop `status` with an internal error,
    where a cache that is not this code's must only be made again). The fields are checked
    a column at a time, and the stages entered once for each distinct route."""
    plain_ones = marshal.loads(kept)
    if (
        type(plain_ones) is not list
        or not set(map(type, plain_ones)) <= {tuple}
        or not set(map(len, plain_ones)) <= {len(Summary._fields)}
    ):
        raise TypeError("not the candidates' summaries")
    stages, routes, reasons, days = zip(*plain_ones, strict=True) if plain_ones else ((),) * 4
    if (
        not set(map(type, stages)) <= _TEXT
        or not set(map(type, routes)) <= {tuple}
        or not set(map(type, reasons)) <= _TEXT_OR_NONE
        or not set(map(type, days)) <= _DAY_OR_NONE
        or not {type(stage) for route in set(routes) for stage in route} <= _TEXT
    ):
        raise TypeError("not the candidates' summaries")
    if not _all_days(days):  # `--as-of` compares today with the latest
        raise ValueError("not the candidates' summaries")
    return plain_ones


# A Summary made from the tuple of its fields, in C (NamedTuple._make is a Python call for
# each: at 10,000 candidates, about a third of what making the summaries back took).
_summary_of = functools.partial(tuple.__new__, Summary)


def summaries_from_plain(plain_ones: list[PlainSummary]) -> list[Summary]:
    return list(map(_summary_of, plain_ones))


# --- the candidates' listings (record/summary.py): all `candidates` reads of them --------

PlainListing = tuple[Any, ...]  # a Listing's fields in a plain tuple, as the cache keeps it


def plain_listing(candidate: Candidate) -> PlainListing:
    """The candidate's listing as a plain tuple, as the cache keeps it."""
    return tuple(list_entry(candidate))


_NUMBER_OR_NONE = _DAY_OR_NONE
# The types each field of a listing may hold, by Listing's fields; the notes are a tuple,
# each of them checked apart.
_LISTING_TYPES: dict[str, set[type]] = {
    "id": _TEXT,
    "name": _TEXT,
    "stage": _TEXT,
    "email": _TEXT_OR_NONE,
    "phone": _TEXT_OR_NONE,
    "source": _TEXT_OR_NONE,
    "applied": _NUMBER_OR_NONE,
    "rank": _NUMBER_OR_NONE,
    "since": _NUMBER_OR_NONE,
    "notes": {tuple},
}
_LISTING_KINDS = tuple(_LISTING_TYPES[name] for name in Listing._fields)  # each field named
_NOTES = Listing._fields.index("notes")
_DAYS = (Listing._fields.index("applied"), Listing._fields.index("since"))  # ordinals


def plain_listings_back(kept: bytes) -> list[PlainListing]:
    """The listings marshalled (TypeError on other data, down to each field's type, as
    `plain_summaries_back`; ValueError on a day no date has), checked a column at a time."""
    plain_ones = marshal.loads(kept)
    if (
        type(plain_ones) is not list
        or not set(map(type, plain_ones)) <= {tuple}
        or not set(map(len, plain_ones)) <= {len(_LISTING_KINDS)}
    ):
        raise TypeError("not the candidates' listings")
    if not plain_ones:
        return plain_ones
    columns = list(zip(*plain_ones, strict=True))
    if not all(
        set(map(type, c)) <= kinds for c, kinds in zip(columns, _LISTING_KINDS, strict=True)
    ):
        raise TypeError("not the candidates' listings")
    if not {type(note) for notes in columns[_NOTES] for note in notes} <= _TEXT:
        raise TypeError("not the candidates' listings")
    if not all(_all_days(columns[index]) for index in _DAYS):  # the list prints them
        raise ValueError("not the candidates' listings")
    return plain_ones


def _all_days(ordinals: Sequence[int | None]) -> bool:
    """Whether each ordinal (None aside) is a day a date has (date.fromordinal's range)."""
    days = {day for day in set(ordinals) if day is not None}  # a few hundred distinct
    return not days or (min(days) >= 1 and max(days) <= _LAST_DAY)


_listing_of = functools.partial(tuple.__new__, Listing)  # in C, as `_summary_of`


def listings_from_plain(plain_ones: list[PlainListing]) -> list[Listing]:
    return list(map(_listing_of, plain_ones))


# --- what `remind` reads of each candidate (record/summary.py `Watch`) -----------------

PlainWatch = tuple[Any, ...]  # a Watch's fields in a plain tuple, as the cache keeps it


def plain_watch(candidate: Candidate) -> PlainWatch:
    """What `remind` reads of the candidate, as a plain tuple, as the cache keeps it."""
    return tuple(watch_entry(candidate))


_FLAG: set[type] = {bool}
# The types each field of a watch may hold, by Watch's fields; the letters and slots are
# tuples, each of them checked apart.
_WATCH_TYPES: dict[str, set[type]] = {
    "id": _TEXT,
    "name": _TEXT,
    "stage": _TEXT,
    "since": _NUMBER_OR_NONE,
    "rank": _NUMBER_OR_NONE,
    "purged": _FLAG,
    "logged": _FLAG,
    "letters": {tuple},
    "slots": {tuple},
    "holds": _FLAG,
    "latest": _NUMBER_OR_NONE,
}
_WATCH_KINDS = tuple(_WATCH_TYPES[name] for name in Watch._fields)  # each field named
_SINCE, _LETTERS, _SLOTS, _LATEST = (
    Watch._fields.index(name) for name in ("since", "letters", "slots", "latest")
)


def plain_watches_back(kept: bytes) -> list[PlainWatch]:
    """The watches marshalled (TypeError or ValueError on other data, down to each field's
    type and each day and moment, as `plain_listings_back`: a day one a record holds, a
    slot's moment read as `remind` reads it, naive), checked a column at a time."""
    plain_ones = marshal.loads(kept)
    if (
        type(plain_ones) is not list
        or not set(map(type, plain_ones)) <= {tuple}
        or not set(map(len, plain_ones)) <= {len(_WATCH_KINDS)}
    ):
        raise TypeError("not the candidates' watches")
    if not plain_ones:
        return plain_ones
    columns = list(zip(*plain_ones, strict=True))
    if not all(set(map(type, c)) <= kinds for c, kinds in zip(columns, _WATCH_KINDS, strict=True)):
        raise TypeError("not the candidates' watches")
    letters = [day for days in columns[_LETTERS] for day in days]
    slots = [slot for booked in columns[_SLOTS] for slot in booked]
    if (
        not set(map(type, letters)) <= {int}
        or not set(map(type, slots)) <= {tuple}
        or not set(map(len, slots)) <= {3}
        or not {type(field) for at, stage, _ in slots for field in (at, stage)} <= _TEXT
        or not {type(where) for *_, where in slots} <= _TEXT_OR_NONE
    ):
        raise TypeError("not the candidates' watches")
    if not all(map(_record_days, (columns[_SINCE], columns[_LATEST], letters))):
        raise ValueError("not the candidates' watches")
    if any(_fromiso(at).tzinfo is not None for at, *_ in slots):  # ValueError: no moment
        raise ValueError("not the candidates' watches")
    return plain_ones


_FIRST_RECORD_DAY, _LAST_RECORD_DAY = EARLIEST.toordinal(), LATEST.toordinal()


def _record_days(ordinals: Sequence[int | None]) -> bool:
    """Whether each ordinal (None aside) is a day a record holds (dates.EARLIEST to
    dates.LATEST, as the record's checks have its days): `remind` counts months and days
    on from them, which from a later day Python has ran past its calendar's end."""
    days = {day for day in set(ordinals) if day is not None}
    return not days or (min(days) >= _FIRST_RECORD_DAY and max(days) <= _LAST_RECORD_DAY)


_watch_of = functools.partial(tuple.__new__, Watch)  # in C, as `_summary_of`


def watches_from_plain(plain_ones: list[PlainWatch]) -> list[Watch]:
    return list(map(_watch_of, plain_ones))


# --- the record --------------------------------------------------------------------


_RECORD = tuple(f.name for f in dataclasses.fields(Record) if f.name != "shared")
CANDIDATES = _RECORD.index("candidates")  # where a plain record holds its candidates


def plain(record: Record, candidates: list[bytes] | None = None) -> tuple[Any, ...]:
    """The record as built-in types only (`record.shared` is not kept: it is the folder's).
    `candidates`: each candidate's `plain_candidate`, when they are made already."""
    return tuple(
        # each candidate marshalled on its own: the whole record is never held twice over
        # as plain data while it is written (at 10,000 candidates, about 20 MB less)
        ([plain_candidate(c) for c in record.candidates] if candidates is None else candidates)
        if name == "candidates"
        else _tagged(getattr(record, name))
        for name in _RECORD
    )


# What the candidates' own checks depend on: every part of the record but the candidates
# and the next candidate number (record/decode.py: the stages, the conflicts, the
# monitoring policy, the criteria and the panel are all here).
_CONTEXT = tuple(
    index
    for index, name in enumerate(_RECORD)
    if name not in ("candidates", "next_candidate_number")
)


def context(kept: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of a record's plain form, all but its candidates and its next candidate number."""
    return tuple(kept[index] for index in _CONTEXT)


def plain_context(record: Record) -> tuple[Any, ...]:
    """`context` of the record's plain form, made without its candidates."""
    return tuple(_tagged(getattr(record, _RECORD[index])) for index in _CONTEXT)


def record_from_plain(
    t: tuple[Any, ...],
    each: Walk = quietly,
    candidates_back: Callable[[list[bytes], Walk], list[Candidate]] | None = None,
) -> Record:
    """The record `plain` was given (`each` walks its candidates, as a read of the text
    does; `candidates_back` makes them, when not built each in full: record/unbuilt.py).
    Raises (TypeError, ValueError, KeyError, IndexError) on data it did not write."""
    if len(t) != len(_RECORD):
        raise ValueError("a cache of another layout")
    back = candidates_back or _candidates_back
    values: dict[str, Any] = {
        name: back(value, each) if name == "candidates" else _untagged(value)
        for name, value in zip(_RECORD, t, strict=True)
    }
    return Record(**values)


def _candidates_back(kept: list[bytes], each: Walk) -> list[Candidate]:
    """Each candidate built from its marshalled bytes, which are let go once it is built:
    the cache is not held beside the whole record it holds."""
    built = []
    # Below heap.LARGE bytes there is little to give back (and ctypes is not loaded).
    large = len(kept) >= _GIVE_BACK_EVERY and sum(map(len, kept)) >= LARGE
    for index in each(range(len(kept)), "Reading"):
        built.append(_candidate_back(marshal.loads(kept[index])))
        kept[index] = b""
        if large and index % _GIVE_BACK_EVERY == _GIVE_BACK_EVERY - 1:
            give_back()  # the bytes let go so far (the C library's heap, not Python's)
    if large:
        give_back()
    return built


# The candidates built between two returns of the freed bytes to the system: at 10,000
# candidates the cache's bytes are 9 to 13 MB, which would otherwise stay resident beside
# the record built (record/heap.py).
_GIVE_BACK_EVERY = 1_000
