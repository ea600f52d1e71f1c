"""A change taken from the record's cache, and its save (app/session.py `changing`).

When the cache beside the record was made from the very bytes the file holds (the hash in
its header, record/cache.py), the record is the cache's, checked by the same code for those
bytes, and its text is split into the candidates' pieces without parsing. The save writes
only the candidates whose plain form differs from the cache's (record/text_pieces.py
`parts_with_changes`), keeps every other piece byte for byte, and after the rename makes
the cache for the bytes written, when a read of them would make the same record
(`_reads_as_held`). Anything else (no cache, a hand edit since, a large record, a change
this cannot write) goes to record/storage.py's load and save, exactly as before.
"""

from __future__ import annotations

import gc
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgtracker.progress import Walk, quietly
from dgtracker.record import cache as record_cache
from dgtracker.record import storage
from dgtracker.record.locking import Held
from dgtracker.record.model import Candidate, Record
from dgtracker.record.plain_model import (
    PlainListing,
    PlainSummary,
    PlainWatch,
    summaries_from_plain,
)
from dgtracker.record.summary import Summary
from dgtracker.record.text_pieces import CandidatePieces, parts_with_changes, split_pieces


@dataclass(slots=True)
class FromCache:
    """A record taken from its cache for a change (`load_for_change`): what the save
    compares the changed record with, to write only what changed and make the cache anew."""

    candidates: dict[str, bytes]  # each candidate's plain form, as the cache holds it, by id
    context: tuple[Any, ...]  # the plain form of the rest of the record (plain_model.context)
    summaries: dict[str, PlainSummary]  # each candidate's summary, as the cache holds it, by id
    listings: dict[str, PlainListing]  # and their listing
    watches: dict[str, PlainWatch]  # and their watch

    def summaries_now(self) -> list[Summary]:
        """The candidates' summaries, as they stand before the change."""
        return summaries_from_plain(list(self.summaries.values()))


# Up to this many bytes of text, a change takes the record from its cache. The save then
# holds the text's pieces, each candidate's plain form and the cache's copy beside the
# record: at 10,000 candidates (9 MB) a change peaks at 82 MB, on the panel's record (25 MB)
# at 153 MB (`score`) to 348 MB (`reserve --from-merit`, which changes thousands). A larger
# record is read from its file a candidate at a time, as after a hand edit (about 90 MB).
CHANGE_FROM_CACHE_UP_TO = 12_000_000


def _size(path: Path) -> int:
    """The file's size; 0 when it cannot be asked (the read that follows says why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def load_for_change(
    path: Path, each: Walk = quietly
) -> tuple[Record, CandidatePieces | None, FromCache | None]:
    """The record to change (call under the lock), where each candidate's text is, and,
    when it came from the cache, what the save compares with.

    The bytes are read once. When the cache was made from these very bytes, and from a text
    laid out a piece per candidate, the record is the cache's (checked by the same code for
    these bytes) and the pieces are found by splitting the text, none parsed. Otherwise
    (no cache, a damaged one, a hand edit since, or a record larger than
    CHANGE_FROM_CACHE_UP_TO) it is read and checked from its text, as `load_with_layout`
    does."""
    if not record_cache.present(path) or _size(path) > CHANGE_FROM_CACHE_UP_TO:
        return (*storage.load_with_layout(path, each), None)  # a candidate at a time when large
    raw = storage.read_bytes(path)
    collecting = gc.isenabled()  # as in _checked: many new objects, no cycles
    gc.disable()
    try:
        kept = record_cache.read_kept(path, record_cache.digest(raw), each)
    finally:
        if collecting:
            gc.enable()
    laid_out = kept is not None and kept.laid_out
    given = [storage.text_of(raw, path)] if laid_out else []
    del raw  # memory: the text is enough, and is read again below when there is no cache
    if kept is not None and laid_out:
        top_text, pieces = split_pieces(given.pop())
        if len(pieces) == len(kept.record.candidates):
            del top_text  # memory: the pieces hold the text
            record = kept.record
            ids = [candidate.id for candidate in record.candidates]
            found = zip(ids, pieces, strict=True)
            layout = CandidatePieces({cid: (None, piece) for cid, piece in found})
            base = FromCache(
                dict(zip(ids, kept.candidates, strict=True)),
                kept.context,
                dict(zip(ids, kept.summaries, strict=True)),
                dict(zip(ids, kept.listings, strict=True)),
                dict(zip(ids, kept.watches, strict=True)),
            )
            record.shared = storage.is_shared(path)  # new ids drawn at random
            return record, layout, base
        del top_text, pieces
    del kept  # memory: read again below, a candidate at a time when it is large
    checked, found_layout = storage.load_with_layout(path, each)
    return checked, found_layout, None


def save(
    path: Path,
    record: Record,
    layout: CandidatePieces | None,
    base: FromCache | None,
    each: Walk = quietly,
    lock: Held | None = None,
) -> None:
    """Write the record safely (call under the lock): from the cache's `base` when the
    change was taken from it, writing only what changed; else as record/storage.py `save`
    writes any record (the cache removed, for the next read to make)."""
    if base is not None and layout is not None:
        storage.refuse_read_only(path)
        if _save_changes(path, record, layout, base, each, lock):
            return
    storage.save(path, record, layout, each, lock, cached=True)


# Up to this many candidates changed at once, a save from the cache checks them again and
# makes the cache for the bytes it wrote; more (a bulk move of thousands), and the cache is
# left for the next read to make: their data and the record checked from it would take the
# memory of a large record's (a move of 2,000 of 10,000 candidates peaked at 99 MB).
RECHECK_UP_TO = 500


def _save_changes(
    path: Path,
    record: Record,
    layout: CandidatePieces,
    base: FromCache,
    each: Walk,
    lock: Held | None,
) -> bool:
    """`save` of a record taken from its cache; False when the text cannot be made so
    (nothing written: the caller writes it as any other record)."""
    from dgtracker.record.encode import record_to_data
    from dgtracker.record.plain_model import (
        plain_candidate,
        plain_listing,
        plain_summary,
        plain_watch,
    )
    from dgtracker.record.unbuilt import saved_to, unchanged_plain

    if not any(candidate.history for candidate in record.candidates):
        return False  # written whole, inline (text_pieces.parts_keeping_unchanged)
    kept = base.candidates
    # A candidate still unbuilt is the cache's (record/unbuilt.py): its plain form is too.
    plains = [
        unchanged_plain(candidate) or plain_candidate(candidate) for candidate in record.candidates
    ]
    ids = [candidate.id for candidate in record.candidates]
    same: set[int] = set()  # the candidates whose plain form is the cache's

    def unchanged(index: int) -> bool:  # each of the cache's let go once compared (memory)
        if kept.pop(ids[index], None) == plains[index]:
            same.add(index)
            return True
        return False

    meant = record_to_data(record, one_at_a_time=True)
    candidates = meant.pop("candidates")  # each made only when asked for
    made = parts_with_changes(
        meant, candidates, ids, unchanged, layout, storage.dumps, storage.loads, each
    )
    if made is None:
        return False
    kept.clear()
    parts, written = made
    top_text = parts[0]
    del meant, candidates
    if len(written) > RECHECK_UP_TO:  # memory: the next read makes the cache from the text
        del written, plains
        storage.write_text_atomically(path, parts, lock=lock)
        saved_to(record.candidates, lambda: _from_text(path))
        record_cache.remove(path)
        return True
    hashed = hashlib.sha256()  # the key of the cache made below: the bytes as written
    storage.write_text_atomically(path, parts, lock=lock, hashed=hashed)
    saved_to(record.candidates, lambda: _from_text(path))  # a forged one: from the text
    # The cache after the rename, keyed by the new bytes: until then the old one names the
    # old bytes, which no read finds any more. The record is saved: whatever goes wrong
    # making the cache only leaves none, for the next read to make.
    try:
        held = _reads_as_held(record, top_text, written, layout, base)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        held = False
    if not held:
        record_cache.remove(path)
        return True
    del parts  # memory: the cache's body is made next; the pieces are used up
    layout.pieces.clear()
    # Laid out a piece per candidate: written so, and no piece holds the separator line
    # (toml_writer writes no multi-line string; a kept piece was read as one candidate).
    # The next change checks the count of pieces all the same.
    # A candidate the same as the cache's has the cache's summary, listing and watch: only those
    # written anew are summarised again (all 10,000 took 14 % of a `move`'s instructions).
    summaries = [
        base.summaries[ids[index]] if index in same else plain_summary(candidate)
        for index, candidate in enumerate(record.candidates)
    ]
    listings = [
        base.listings[ids[index]] if index in same else plain_listing(candidate)
        for index, candidate in enumerate(record.candidates)
    ]
    watches = [
        base.watches[ids[index]] if index in same else plain_watch(candidate)
        for index, candidate in enumerate(record.candidates)
    ]
    base.summaries.clear()
    base.listings.clear()
    base.watches.clear()
    written_cache = record_cache.write(
        path,
        hashed.digest(),
        record,
        laid_out=True,
        candidates=plains,
        summaries=summaries,
        listings=listings,
        watches=watches,
    )
    if not written_cache:
        record_cache.remove(path)
    return True


def _from_text(path: Path) -> list[Candidate]:
    """The candidates of the text a change just wrote, read when one it left unbuilt is not
    what its cache said (record/unbuilt.py): the cache is removed."""
    storage.forget_cache(path)
    return storage.load(path).candidates


def _reads_as_held(
    record: Record,
    top_text: str,
    written: list[tuple[int, dict[str, Any]]],
    layout: CandidatePieces,
    base: FromCache,
) -> bool:
    """Whether a read of the text just written would make the record held, so that the
    cache can be made from it: the candidates kept unchanged were checked, in a record
    whose other parts (the stages, the conflicts, the monitoring policy, the criteria, the
    panel) are the same, so their checks stand; the rest of the record and every candidate
    written anew are checked here, from what their text reads as, by the checks a read
    runs (record/decode.py), with the candidates the panel names; and the rules across
    all the candidates (one id each, the next candidate number) on them all. When not, the
    save removes the cache and the next read makes it from the file."""
    from dgtracker.record.decode import highest_id_number  # the checks, loaded below anyway
    from dgtracker.record.plain_model import plain_context, same_candidate

    context = plain_context(record)
    if context != base.context:
        return False
    ids = [candidate.id for candidate in record.candidates]
    if len(set(ids)) != len(ids):
        return False
    top = storage.loads(top_text)  # what the file says, as the check reads it
    highest = highest_id_number(ids)
    if record.next_candidate_number != max(top["next_candidate_number"] or 1, highest + 1):
        return False
    named = {conflict.candidate for member in record.panel for conflict in member.conflicts}
    checked_data = dict(written)
    for index, cid in enumerate(ids):
        if cid in named and index not in checked_data:
            piece = layout.pieces[cid][1]
            data = _only_read(piece) if isinstance(piece, str) else None
            if data is None:
                return False
            checked_data[index] = data
    order = sorted(checked_data)
    checked, _ = storage.check_data({**top, "candidates": [checked_data[index] for index in order]})
    if checked is None or plain_context(checked) != context:
        return False
    return all(
        same_candidate(candidate, record.candidates[index])
        for index, candidate in zip(order, checked.candidates, strict=True)
    )


def _only_read(piece: str) -> dict[str, Any] | None:
    from dgtracker.record.text_pieces import HEADER, _only_candidate

    try:
        return _only_candidate(storage.loads(HEADER + piece))
    except ValueError:
        return None
