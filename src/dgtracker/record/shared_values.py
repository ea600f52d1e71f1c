"""One object for each value that recurs across a record: who made each change, stage ids,
days, criterion ids and members. A record of 10,000 candidates repeats these hundreds of
thousands of times, and the parser makes a new object for each; sharing them roughly
halves the memory a record with marks takes once built.

Only values that recur by their nature are shared (not notes, moments or names), so that
the saving holds for real records, not just for uniform test data.
"""

from __future__ import annotations

import sys
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
