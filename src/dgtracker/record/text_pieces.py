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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dgtracker.compared import FrozenCompared
from dgtracker.progress import Walk, quietly

HEADER = "[[candidates]]\n"
_SEPARATOR = "\n" + HEADER

Table = dict[str, Any]


@dataclass(frozen=True, eq=False, repr=False)
class CandidatePieces(FrozenCompared):
    """Where each candidate's text is: its id -> (what its piece parsed to, the piece)."""

    # None: the piece is parsed again when a save compares it (a command's load keeps only
    # the text: at 10,000 candidates the data would take about 55 MB more)
    pieces: dict[str, tuple[Table | None, str]]


class NotInPieces(Exception):
    """The text does not split into a top part and one piece per candidate after all."""


def read_in_pieces(
    text: str, loads: Callable[[str], Table], each: Walk = quietly
) -> tuple[Table, Iterator[Table] | None, CandidatePieces] | None:
    """The top part's data, the candidates' data one at a time as they are asked for, and
    the layout, which keeps each candidate's text and not its data: who reads them (the
    decoder) holds one candidate's data at a time. No candidates to ask for (None) when
    the text has no piece: the top part is the whole record then. None when the top part
    does not read on its own. The candidates raise NotInPieces at a piece that is not
    exactly one candidate (or not TOML): parse the text whole instead, which names any
    error."""
    top_text, *piece_texts = text.split(_SEPARATOR)
    try:
        top = loads(top_text)
    except ValueError:
        return None
    if not piece_texts:
        return top, None, CandidatePieces({})
    if "candidates" in top:
        return None
    pieces: dict[str, tuple[Table | None, str]] = {}

    def candidates() -> Iterator[Table]:
        for piece in each(piece_texts, "Reading"):
            try:
                candidate = _only_candidate(loads(HEADER + piece))
            except ValueError:
                raise NotInPieces from None
            if candidate is None:
                raise NotInPieces
            cid = candidate.get("id")
            if type(cid) is str:
                pieces[cid] = (None, piece)
            yield candidate

    return top, candidates(), CandidatePieces(pieces)


def parse_in_pieces(
    text: str,
    loads: Callable[[str], Table],
    each: Walk = quietly,
    known: CandidatePieces | None = None,
) -> tuple[Table, CandidatePieces] | None:
    """The record's data and its layout, or None when the text does not split into a top
    part and one piece per candidate (parse it whole instead; any error is found there).

    `known`: the layout of another copy of the record (the merge driver's base). A piece
    whose text is the same as one of its pieces is not parsed again: the data and the text
    are that copy's objects, so that copies that differ in a few candidates hold the rest
    once. Whoever passes it must not change the data in place (the merge reads its inputs
    and changes only what it builds)."""
    top_text, *piece_texts = text.split(_SEPARATOR)
    same = {entry[1]: entry for entry in known.pieces.values()} if known else {}
    try:
        top = loads(top_text)
        if not piece_texts:
            return top, CandidatePieces({})
        if "candidates" in top:
            return None
        candidates: list[Table] = []
        pieces: dict[str, tuple[Table | None, str]] = {}
        for piece in each(piece_texts, "Reading"):
            candidate: Table | None
            entry = same.get(piece)
            if entry is not None and entry[0] is not None:
                candidate, piece = entry
            else:
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


def _read(entry: tuple[Table | None, str], loads: Callable[[str], Table]) -> Table | None:
    """What a layout's piece holds: kept, or parsed again (a ValueError if not TOML)."""
    data, piece = entry
    return data if data is not None else _only_candidate(loads(HEADER + piece))


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
    parts = parts_keeping_unchanged(meant, layout, dumps, loads, each)
    return None if parts is None else "".join(parts)


def parts_keeping_unchanged(
    meant: Table,
    layout: CandidatePieces,
    dumps: Callable[[Table], str],
    loads: Callable[[str], Table],
    each: Walk = quietly,
) -> list[str] | None:
    """As `text_keeping_unchanged`, with the text in parts that make it when put together
    in order. What a new part reads back as is compared and let go: a save that changes
    thousands of candidates does not hold them a second time as data."""
    candidates = meant["candidates"]  # a list, or made one at a time (encode.CandidatesData)
    # tomli-w writes the candidates as [[candidates]] tables only when one of them is too
    # long for an inline table; one with a history always is (an event alone is ~80 wide).
    # Otherwise (no candidates, or none with a history) the whole list goes inline: asked
    # as they go by, each candidate's data made once.
    with_history = False
    top = {key: value for key, value in meant.items() if key != "candidates"}
    top_text = dumps(top)
    parts = [top_text]
    try:
        if loads(top_text) != top:
            return None
        for candidate in each(candidates, "Saving"):
            with_history = with_history or bool(candidate.get("history"))
            old = layout.pieces.get(candidate["id"])
            if old is not None and _read(old, loads) == candidate:
                parts += (_SEPARATOR, old[1])
                continue
            text = dumps({"candidates": [candidate]})
            read_back = _only_candidate(loads(text))
            if not text.startswith(HEADER) or read_back is None or read_back != candidate:
                return None
            parts += (_SEPARATOR, text.removeprefix(HEADER))
    except ValueError:  # not TOML at all: writing it whole reports why, and writes nothing
        return None
    return parts if with_history else None


def split_pieces(text: str) -> tuple[str, list[str]]:
    """The text's top part and its candidates' pieces, split as a read splits them (no
    piece parsed: whoever asks knows from elsewhere that the text is laid out so)."""
    top_text, *piece_texts = text.split(_SEPARATOR)
    return top_text, piece_texts


def parts_with_changes(
    top: Table,
    candidates: Sequence[Table],
    ids: list[str],
    unchanged: Callable[[int], bool],
    layout: CandidatePieces,
    dumps: Callable[[Table], str],
    loads: Callable[[str], Table],
    each: Walk = quietly,
) -> tuple[list[str], list[tuple[int, Table]]] | None:
    """As `parts_keeping_unchanged`, where the caller knows which candidates are unchanged
    without their data (`unchanged(index)`: the same as the candidate of that id whose
    piece `layout` has): only the others' data is made (`candidates[index]`), compared with
    their old piece and, when it differs, written and checked to read back as meant. The
    parts, and each candidate not kept unchanged as (its index, what its text reads as).
    `ids`: the candidates' ids, in order. None when that cannot be done (write the whole
    record instead)."""
    top_text = dumps(top)
    parts = [top_text]
    others: list[tuple[int, Table]] = []
    try:
        if loads(top_text) != top:
            return None
        for index in each(range(len(ids)), "Saving"):
            old = layout.pieces.get(ids[index])
            if old is not None and unchanged(index):
                parts += (_SEPARATOR, old[1])
                continue
            candidate = candidates[index]
            if old is not None:
                read = _read(old, loads)
                if read == candidate:
                    parts += (_SEPARATOR, old[1])
                    others.append((index, read))
                    continue
            text = dumps({"candidates": [candidate]})
            read_back = _only_candidate(loads(text))
            if not text.startswith(HEADER) or read_back is None or read_back != candidate:
                return None
            parts += (_SEPARATOR, text.removeprefix(HEADER))
            others.append((index, read_back))
    except ValueError:  # not TOML at all: writing it whole reports why, and writes nothing
        return None
    return parts, others
