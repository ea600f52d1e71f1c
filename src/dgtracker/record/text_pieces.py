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

import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from dgtracker.compared import FrozenCompared
from dgtracker.progress import Walk, quietly
from dgtracker.record.shared_values import shared_values

HEADER = "[[candidates]]\n"
_SEPARATOR = "\n" + HEADER
_SEPARATOR_BYTES = _SEPARATOR.encode("ascii")

Table = dict[str, Any]


class Span(NamedTuple):
    """Where a candidate's piece is in the file it was read from (its UTF-8 bytes), and the
    CRC-32 of those bytes: a save reads it again from there, and keeps it only when they
    are still those (the same length and CRC-32) and still read as the candidate meant.
    A CRC, not a SHA-256: the piece kept is parsed and compared with the data meant in any
    case, so the check only keeps the text a hand edit made meanwhile from being mistaken
    for the text read; SHA-256 cost a write 19 % more instructions at 10,000 candidates."""

    offset: int
    size: int
    crc: int


@dataclass(frozen=True, eq=False, repr=False)
class CandidatePieces(FrozenCompared):
    """Where each candidate's text is: its id -> (what its piece parsed to, the piece, or
    where it is in `source`)."""

    # None: the piece is parsed again when a save compares it (a command's load keeps only
    # where the text is: at 10,000 candidates the data would take about 55 MB more, and the
    # text 25 MB on the panel's record)
    pieces: dict[str, tuple[Table | None, str | Span]]
    source: Path | None = None  # the file a Span is in


class NotInPieces(Exception):
    """The text does not split into a top part and one piece per candidate after all."""


def where_pieces_are(chunks: Iterable[bytes]) -> list[tuple[int, int]]:
    """Where each part of a file is, given its bytes a chunk at a time: (offset, size) of
    the top part, then of each candidate's piece (without the separator before it). The
    separator is ASCII, so a split never falls inside a character: splitting the bytes is
    splitting the text, and each piece can be read from the file on its own."""
    found: list[tuple[int, int]] = []
    buffer = bytearray()
    base = start = 0  # where in the file buffer[0] is, and where the current part starts
    width = len(_SEPARATOR_BYTES)
    for chunk in chunks:
        buffer += chunk
        look = max(start - base, 0)
        while (at := buffer.find(_SEPARATOR_BYTES, look)) >= 0:
            found.append((start, base + at - start))
            start = base + at + width
            look = at + width
        keep = max(start - base, len(buffer) - width + 1, 0)  # what a split may still need
        del buffer[:keep]
        base += keep
    found.append((start, base + len(buffer) - start))
    return found


def read_in_pieces(
    where: list[tuple[int, int]],
    read: Callable[[int, int], bytes],
    loads: Callable[[str], Table],
    each: Walk = quietly,
    source: Path | None = None,
) -> tuple[Table, Iterator[Table] | None, CandidatePieces] | None:
    """The top part's data, the candidates' data one at a time as they are asked for, and
    the layout, for a file whose parts are `where` (`where_pieces_are`) and read with
    `read(offset, size)`. The layout keeps where each candidate's text is in `source`, and
    neither its data nor its text: who reads them (the decoder) holds one candidate's data
    and text at a time, and the file is never held whole. No candidates to ask for (None)
    when the text has no piece: the top part is the whole record then. None when the top
    part does not read on its own. The candidates raise NotInPieces at a piece that is not
    exactly one candidate (or not TOML, or not UTF-8): read the text whole instead, which
    names any error."""
    try:
        top = loads(read(*where[0]).decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None
    if len(where) == 1:
        return top, None, CandidatePieces({}, source)
    if "candidates" in top:
        return None
    pieces: dict[str, tuple[Table | None, str | Span]] = {}

    def candidates() -> Iterator[Table]:
        for offset, size in each(where[1:], "Reading"):
            raw = read(offset, size)
            try:
                candidate = _only_candidate(loads(HEADER + raw.decode("utf-8")))
            except ValueError:
                raise NotInPieces from None
            if candidate is None:
                raise NotInPieces
            cid = candidate.get("id")
            if type(cid) is str:
                pieces[cid] = (None, Span(offset, size, zlib.crc32(raw)))
            yield candidate

    return top, candidates(), CandidatePieces(pieces, source)


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
        pieces: dict[str, tuple[Table | None, str | Span]] = {}
        for piece in each(piece_texts, "Reading"):
            candidate: Table | None
            entry = same.get(piece)
            if entry is not None and entry[0] is not None and isinstance(entry[1], str):
                candidate, piece = entry[0], entry[1]  # the other copy's objects
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


def parse_pieces_read(
    where: list[tuple[int, int]],
    read: Callable[[int, int], bytes],
    loads: Callable[[str], Table],
    each: Walk = quietly,
    known: CandidatePieces | None = None,
) -> tuple[Table, CandidatePieces] | None:
    """As `parse_in_pieces`, for a file whose parts are `where` (`where_pieces_are`), read
    with `read(offset, size)`: the whole text is never held, and a piece the same as one of
    `known`'s is that copy's objects from the start. None when the file has no piece at all,
    or does not split into a top part and one piece per candidate (read it whole instead:
    any error is found there)."""
    if len(where) == 1:
        return None
    same = {entry[1]: entry for entry in known.pieces.values()} if known else {}
    try:
        top = loads(read(*where[0]).decode("utf-8"))
        if "candidates" in top:
            return None
        candidates: list[Table] = []
        pieces: dict[str, tuple[Table | None, str | Span]] = {}
        seen: dict[Any, Any] = {}  # each string and day read, held once
        for offset, size in each(where[1:], "Reading"):
            piece = read(offset, size).decode("utf-8")
            candidate: Table | None
            entry = same.get(piece)
            if entry is not None and entry[0] is not None and isinstance(entry[1], str):
                candidate, piece = entry[0], entry[1]  # the other copy's objects
            else:
                candidate = _only_candidate(loads(HEADER + piece))
                if candidate is not None:
                    candidate = shared_values(candidate, seen)
            if candidate is None:
                return None
            candidates.append(candidate)
            cid = candidate.get("id")
            if type(cid) is str:
                pieces[cid] = (candidate, piece)
    except ValueError:  # not UTF-8 or not TOML: the whole text names the place
        return None
    top["candidates"] = candidates
    return top, CandidatePieces(pieces)


def _new_piece(
    candidate: Table, dumps: Callable[[Table], str], loads: Callable[[str], Table]
) -> tuple[str, Table] | None:
    """The candidate's piece written anew (without its header) and what it reads back as,
    when that is exactly the candidate; else None (a ValueError if it is not TOML)."""
    text = dumps({"candidates": [candidate]})
    read_back = _only_candidate(loads(text))
    if not text.startswith(HEADER) or read_back is None or read_back != candidate:
        return None
    return text.removeprefix(HEADER), read_back


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
    in order."""
    try:
        return list(each_part_keeping_unchanged(meant, layout, dumps, loads, each))
    except NotInPieces:
        return None


def each_part_keeping_unchanged(
    meant: Table,
    layout: CandidatePieces,
    dumps: Callable[[Table], str],
    loads: Callable[[str], Table],
    each: Walk = quietly,
) -> Iterator[str]:
    """The parts of `text_keeping_unchanged`'s text in order, each made as it is asked for
    (a save writes it and lets it go: the text is never held whole, nor the unchanged
    pieces, which a large record's layout reads again from its file). NotInPieces, at any
    part, when it cannot be done: write the whole record instead. What a new part reads
    back as is compared and let go: a save that changes thousands of candidates does not
    hold them a second time as data."""
    candidates = meant["candidates"]  # a list, or made one at a time (encode.CandidatesData)
    # tomli-w writes the candidates as [[candidates]] tables only when one of them is too
    # long for an inline table; one with a history always is (an event alone is ~80 wide).
    # Otherwise (no candidates, or none with a history) the whole list goes inline: asked
    # as they go by, each candidate's data made once.
    with_history = False
    top = {key: value for key, value in meant.items() if key != "candidates"}
    with _Pieces(layout) as kept:
        try:
            top_text = dumps(top)
            if loads(top_text) != top:
                raise NotInPieces
            yield top_text
            for candidate in each(candidates, "Saving"):
                with_history = with_history or bool(candidate.get("history"))
                old = layout.pieces.get(candidate["id"])
                piece = None if old is None else kept.unchanged(old, candidate, loads)
                if piece is not None:
                    yield _SEPARATOR
                    yield piece
                    continue
                written = _new_piece(candidate, dumps, loads)
                if written is None:
                    raise NotInPieces
                yield _SEPARATOR
                yield written[0]
        except ValueError:  # not TOML at all: writing it whole reports why, and writes nothing
            raise NotInPieces from None
    if not with_history:
        raise NotInPieces


class _Pieces:
    """The text of a layout's pieces, those kept as text or read again from its file (opened
    once, at the first piece asked for, and closed with this)."""

    def __init__(self, layout: CandidatePieces) -> None:
        self.source = layout.source
        self.handle: Any = None
        self.opened = False

    def __enter__(self) -> _Pieces:
        return self

    def __exit__(self, *_: object) -> None:
        if self.handle is not None:
            self.handle.close()

    def unchanged(
        self, entry: tuple[Table | None, str | Span], meant: Table, loads: Callable[[str], Table]
    ) -> str | None:
        """The piece's text when it holds exactly `meant`, else None (a ValueError when its
        text is not TOML)."""
        data, where = entry
        piece = self._text(where) if isinstance(where, Span) else where
        if piece is None:
            return None
        if data is None:
            data = _only_candidate(loads(HEADER + piece))
        return piece if data == meant else None

    def _text(self, span: Span) -> str | None:
        """The piece's text, read again from the file: None when the file no longer holds
        those very bytes there (whoever changed it, the candidate is written anew)."""
        if not self.opened:
            self.opened = True
            self.handle = _open_regular(self.source)
        if self.handle is None:
            return None
        try:
            self.handle.seek(span.offset)
            raw: bytes = self.handle.read(span.size)
        except OSError:
            return None
        if len(raw) != span.size or zlib.crc32(raw) != span.crc:
            return None
        return raw.decode("utf-8")  # the bytes read as a piece before: UTF-8


def _open_regular(path: Path | None) -> Any:
    """`path` opened to read, when it is still a regular file; else None."""
    if path is None:
        return None
    try:  # O_NONBLOCK: a FIFO put in its place never hangs the save
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    handle = os.fdopen(fd, "rb")
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return handle
    except OSError:
        pass
    handle.close()
    return None


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
            data, piece = (None, None) if old is None else old
            if isinstance(piece, Span):  # left in the file (a read from it): not this path's
                return None
            if piece is not None and unchanged(index):
                parts += (_SEPARATOR, piece)
                continue
            candidate = candidates[index]
            if piece is not None:
                read = data if data is not None else _only_candidate(loads(HEADER + piece))
                if read == candidate:
                    parts += (_SEPARATOR, piece)
                    others.append((index, read))
                    continue
            written = _new_piece(candidate, dumps, loads)
            if written is None:
                return None
            parts += (_SEPARATOR, written[0])
            others.append((index, written[1]))
    except ValueError:  # not TOML at all: writing it whole reports why, and writes nothing
        return None
    return parts, others
