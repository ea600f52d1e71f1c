"""The record's text as a top part and one piece per candidate.

tomli-w writes each candidate as a piece that starts with a `[[candidates]]` line, so the
record's text splits at those lines. A top part that parses on its own to a table with no
candidates, and pieces that each parse on their own to exactly one candidate table, parse
together to the same data as the whole text: each piece starts a new element of the
`candidates` array and can refer to nothing before it, and a piece holding anything else
(another top-level key or table) is refused.

So a read parses the pieces (faster than one large document), and a save parses again only
what it wrote anew: the top part and each candidate that changed keep their check that the
text reads back as meant, while every other candidate keeps its text, byte for byte, and
with it any comments added by hand. Text that does not split this way (a hand-made layout,
Windows line ends) is parsed whole, and has no candidate text to keep: it is written out
again whole, in tomli-w's layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dgtracker.progress import Walk, quietly

HEADER = "[[candidates]]\n"
_SEPARATOR = "\n" + HEADER

Table = dict[str, Any]


@dataclass(frozen=True)
class CandidatePieces:
    """Where each candidate's text is: its id -> (what its piece parsed to, the piece)."""

    pieces: dict[str, tuple[Table, str]]


def parse_in_pieces(
    text: str, loads: Callable[[str], Table], each: Walk = quietly
) -> tuple[Table, CandidatePieces] | None:
    """The record's data and its layout, or None when the text does not split into a top
    part and one piece per candidate (parse it whole instead; any error is found there)."""
    top_text, *piece_texts = text.split(_SEPARATOR)
    try:
        top = loads(top_text)
        if not piece_texts:
            return top, CandidatePieces({})
        if "candidates" in top:
            return None
        candidates: list[Table] = []
        pieces: dict[str, tuple[Table, str]] = {}
        for piece in each(piece_texts, "Reading"):
            candidate = _only_candidate(loads(HEADER + piece))
            if candidate is None:
                return None
            candidates.append(candidate)
            cid = candidate.get("id")
            if type(cid) is str:
                pieces[cid] = (candidate, piece)
    except ValueError:  # the parsers' errors are ValueErrors; the whole text names the place
        return None
    top["candidates"] = candidates
    return top, CandidatePieces(pieces)


def _only_candidate(parsed: Table) -> Table | None:
    candidates = parsed.get("candidates")
    if len(parsed) != 1 or type(candidates) is not list or len(candidates) != 1:
        return None
    candidate = candidates[0]
    return candidate if type(candidate) is dict else None


def text_keeping_unchanged(
    meant: Table,
    layout: CandidatePieces,
    dumps: Callable[[Table], str],
    loads: Callable[[str], Table],
    each: Walk = quietly,
) -> str | None:
    """The text for `meant`, keeping the piece of each candidate whose data is unchanged
    and writing the rest with `dumps`, each new part checked to read back as meant.
    None when that cannot be done (write the whole record instead)."""
    candidates = meant["candidates"]
    # tomli-w writes the candidates as [[candidates]] tables only when one of them is too
    # long for an inline table; one with a history always is (an event alone is ~80 wide).
    # Otherwise (no candidates, or none with a history) the whole list goes inline.
    if not any(candidate.get("history") for candidate in candidates):
        return None
    top = {key: value for key, value in meant.items() if key != "candidates"}
    top_text = dumps(top)
    parts = [top_text]
    try:
        if loads(top_text) != top:
            return None
        for candidate in each(candidates, "Saving"):
            old = layout.pieces.get(candidate["id"])
            if old is not None and old[0] == candidate:
                parts.append(old[1])
                continue
            text = dumps({"candidates": [candidate]})
            if not text.startswith(HEADER) or _only_candidate(loads(text)) != candidate:
                return None
            parts.append(text.removeprefix(HEADER))
    except ValueError:  # not TOML at all: writing it whole reports why, and writes nothing
        return None
    return _SEPARATOR.join(parts)
