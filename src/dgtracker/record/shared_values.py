"""One object for each value that recurs across a record: who made each change, stage ids,
days, criterion ids and members. A record of 10,000 candidates repeats these hundreds of
thousands of times, and the parser makes a new object for each; sharing them roughly
halves the memory a record with marks takes once built.

Only values that recur by their nature are shared (not notes, moments or names), so that
the saving holds for real records, not just for uniform test data. The merge driver's
copies (`shared_values`, for data read as TOML tables with no model) share every string
and day: most of that saving is the keys, which recur in any record.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any

# Days are few (a campaign spans months) and immutable: one object each, for as long as
# the program runs (a few thousand at most).
_DAYS: dict[date, date] = {}


def one_text(text: str | None) -> str | None:
    """The interned text (exactly a str, as the parser gives), or None."""
    return sys.intern(text) if type(text) is str else text


def one_day(day: date | None) -> date | None:
    if day is None:
        return None
    return _DAYS.setdefault(day, day)


def one_keys(table: dict[str, Any]) -> dict[str, Any]:
    """The table with its keys (criterion ids) interned: the values are kept as they are."""
    return {sys.intern(key): value for key, value in table.items()}


def shared_values(value: Any, seen: dict[Any, Any]) -> Any:
    """`value` (parsed TOML: tables, arrays and scalars) with each string and day that
    `seen` already holds an equal of replaced by that one: the parser makes a new object
    for every key and value, and candidates repeat most of theirs (keys, who, what, stages,
    days), so a copy of 10,000 candidates takes about 21 MB of data instead of 54. Only
    values equal exactly when they are the same to write are shared: not moments (one
    instant has many offsets, and moments rarely recur), not numbers (1 == 1.0 == True).
    Notes are shared too here: the merge driver reads TOML without knowing which field is
    which; the keys alone are two thirds of the saving (54 -> 35 MB), a note repeated as
    the benchmark repeats its notes 1.5 MB of it. Tables and arrays are new ones, their
    items in the same order."""
    share = seen.setdefault
    if type(value) is list:
        return [_shared_item(item, seen, share) for item in value]
    if type(value) is not dict:
        return _shared_item(value, seen, share)
    table = {}
    for key, item in value.items():  # inline, not _shared_item: most items are text
        kind = type(item)
        if kind is str or kind is date:
            item = share(item, item)
        elif kind is dict or kind is list:
            item = shared_values(item, seen)
        table[share(key, key)] = item
    return table


def _shared_item(item: Any, seen: dict[Any, Any], share: Callable[[Any, Any], Any]) -> Any:
    kind = type(item)
    if kind is str or kind is date:
        return share(item, item)
    if kind is dict or kind is list:
        return shared_values(item, seen)
    return item
