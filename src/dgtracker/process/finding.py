"""Finding a candidate by what a person typed: an id, an older id, or part of a name.

Apart from the actions (process/candidate_actions.py, which uses it for every change to a
candidate) so that `show`, a read, loads no action and no rule of the record's fields
(start-up budget).
"""

from __future__ import annotations

from collections.abc import Iterable

from dgtracker.errors import Refused
from dgtracker.record.model import Candidate, Record, candidate_id


def suggest(wanted: str, known: Iterable[str]) -> str | None:
    """The known names closest to a mistyped one, as a hint (None if none is close)."""
    import difflib  # only once a name is not found

    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.5)
    return f"Did you mean {' or '.join(close)}?" if close else None


def find_candidate(record: Record, wanted: str) -> Candidate:
    """A candidate by id (c001, in any case), else by a name or part of one that only
    one candidate's name holds (ignoring case)."""
    typed = wanted.strip()
    wanted = typed.lower()
    for candidate in record.candidates:
        if candidate.id == wanted:
            return candidate
    for candidate in record.candidates:  # an id an older merge renumbered it from
        if wanted in candidate.aliases:
            return candidate
    if typed and not typed.isdigit():
        folded = typed.casefold()
        named = [c for c in record.candidates if folded in c.name.casefold()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise Refused(
                f"{len(named)} candidates' names hold '{typed}': "
                f"{', '.join(c.id for c in named[:10])}{', …' if len(named) > 10 else ''}.",
                hint="Give the id.",
            )
    if wanted.isdigit() and any(c.id == candidate_id(int(wanted)) for c in record.candidates):
        hint: str | None = f"Did you mean {candidate_id(int(wanted))}?"
    else:
        hint = suggest(wanted, (c.id for c in record.candidates))
    raise Refused(
        f"No candidate with id '{wanted}'.",
        hint=hint or "Run 'dgtracker candidates' to list the ids.",
    )
