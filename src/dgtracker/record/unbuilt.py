"""Candidates taken from the cache for a change, each built in full only once the change
looks past its plain fields (record/cached_change.py `load_for_change`).

A change of one candidate (`move`, `add-candidate`, a note) reads every candidate's id,
name, stage, email and aliases (to find who was meant, refuse a duplicate email, draw a new
id) and rank (to keep a place on the reserve list free), and the history of one or two. An
unbuilt candidate holds those fields, with phone and source, set at once from the cache's
listing of it (record/summary.py) and its part for aliases, and the bytes of its plain form
(record/plain_model.py): nothing of the candidate is unmarshalled, which was most of making
them. The first time anything else of it is asked for (its history, a property that reads
it, its repr, an equality) or any field of it is set, it is built from its plain form,
there and then, into a Candidate like any other: its class becomes Candidate. Building
every candidate took about a third of a change at 10,000 (docs/performance.md, "A change
reads the candidates it touches").

What the save needs follows from that: a candidate still unbuilt was never changed (a set
builds it first), unless its aliases were changed in place (the one such field that is a
list, compared by `unchanged_plain`), so its plain form is the cache's. A candidate whose
plain form cannot be built, or whose listing or aliases are not what it is built as (a
cache forged with its checksum made again), stops the change with NotThisRecords before
anything is written. Once the change is written (`saved_to`), what the command shows after
may still read such a candidate, which the change left as the file had it: it is then read
from the text just written, as a change from the text shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from marshal import loads as marshal_loads
from operator import attrgetter
from typing import Any, ClassVar

from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Candidate
from dgtracker.record.plain_model import NotThisRecords, PlainListing, candidate_from_plain
from dgtracker.record.summary import Listing

# Set at once from the candidate's listing (record/summary.py, kept in the cache beside its
# plain form): what a change reads of everyone, text and numbers (immutable). The aliases
# are set too, from the cache's own part for them.
_LISTED = ("id", "name", "stage", "email", "phone", "source", "rank")
_ALIASES = "aliases"
_SLOTS = {name: Candidate.__dict__[name] for name in Candidate.__slots__}
# The slots a build fills: every field not set at once.
_LATER = tuple(slot for name, slot in _SLOTS.items() if name not in (*_LISTED, _ALIASES))


class _Unbuilt(Candidate):
    """A candidate of which only the plain fields are set (see the module's docstring).
    Each load makes a subclass of its own, which holds its candidates' plain forms."""

    __slots__ = ()
    # By id() of each candidate not yet built: its plain form as marshalled (the bytes the
    # cache's copy holds, unmarshalled only for a build), and its aliases as read.
    _plain: ClassVar[dict[int, tuple[bytes, list[str]]]]
    # Once the change is written (`saved_to`): what reads the candidates of the text just
    # written, and what it read, for a candidate left alone whose plain form is not its own.
    _written: ClassVar[Callable[[], list[Candidate]] | None] = None
    _from_text: ClassVar[dict[str, Candidate] | None] = None

    def __getattr__(self, name: str) -> Any:  # called only for a slot not yet set
        _build(self)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        _build(self)
        setattr(self, name, value)

    def __delattr__(self, name: str) -> None:
        _build(self)
        delattr(self, name)

    def __eq__(self, other: object) -> bool:
        _build(self)
        return self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        _build(self)
        return repr(self)

    def __reduce_ex__(self, protocol: Any) -> Any:  # copy, deepcopy, pickle: a Candidate
        _build(self)
        return self.__reduce_ex__(protocol)


def _build(candidate: _Unbuilt) -> None:
    """Fill the fields not set yet from the plain form, and make it a Candidate. The fields
    set at once must be the plain form's: else the cache is not what this code made, and
    the change stops (NotThisRecords) or, once written, reads the candidate from its text."""
    cls = type(candidate)
    kept, aliases = cls._plain.pop(id(candidate))
    try:
        built = candidate_from_plain(marshal_loads(kept))
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError) as error:
        _from_the_text(candidate, str(error))
        return
    if _listed(built) != _listed(candidate) or built.aliases != aliases:
        _from_the_text(candidate, "a listing that is not its candidate's")
        return
    for slot in _LATER:
        slot.__set__(candidate, slot.__get__(built))
    object.__setattr__(candidate, "__class__", Candidate)


def _from_the_text(candidate: _Unbuilt, why: str) -> None:
    """A candidate whose plain form is not its own: before the change is written, the
    change stops; after, the candidate (which the change left as the file had it) is made
    the one of its id in the text just written (read once), every field of it."""
    cls = type(candidate)
    if cls._written is None:
        raise NotThisRecords(why)
    if cls._from_text is None:
        cls._from_text = {found.id: found for found in cls._written()}
    found = cls._from_text.get(candidate.id)
    if found is None:  # the file changed again since the change wrote it
        raise NotThisRecords(why)
    for slot in _SLOTS.values():
        slot.__set__(candidate, slot.__get__(found))
    object.__setattr__(candidate, "__class__", Candidate)


def saved_to(candidates: list[Candidate], read: Callable[[], list[Candidate]]) -> None:
    """The change of these candidates is written: from now on, an unbuilt one whose plain
    form is not its own is taken from `read()` (the candidates of the text written)."""
    for candidate in candidates:
        kind: Any = type(candidate)
        if "_plain" in vars(kind):
            kind._written = read
            return


def _filler() -> Callable[[Any, PlainListing, list[str]], None]:
    """The function that sets the fields of a new unbuilt candidate from its listing and
    aliases, written out (as plain_model writes its own): one call for each of 10,000."""
    scope: dict[str, Any] = {"copied": list}
    lines = []
    for name in _LISTED:
        scope[f"set_{name}"] = _SLOTS[name].__set__
        lines.append(f"    set_{name}(o, t[{Listing._fields.index(name)}])")
    scope["set_aliases"] = _SLOTS[_ALIASES].__set__
    lines.append("    set_aliases(o, copied(aliases))")
    source = "def fill(o, t, aliases):\n" + "\n".join(lines) + "\n"
    exec(source, scope)  # source made from Candidate's and Listing's own fields alone
    return scope["fill"]  # type: ignore[no-any-return]


_fill = _filler()
_listed = attrgetter(*_LISTED)
_NO_ALIASES: list[str] = []


def unbuilt_candidates(
    kept: list[bytes],
    listings: list[PlainListing],
    aliases: dict[int, list[str]],
    each: Walk = quietly,
) -> list[Candidate]:
    """The candidates of these plain forms (as the cache holds them), unbuilt, their fields
    set from their listings (checked for their types: plain_model.plain_listings_back) and
    their aliases (by the candidate's place; none when not there)."""
    if len(listings) != len(kept):
        raise ValueError("a listing for each candidate")
    cls: Any = type("Candidate", (_Unbuilt,), {"__slots__": (), "_plain": {}})
    plain_of = cls._plain
    new = object.__new__
    candidates = []
    for index in each(range(len(kept)), "Reading"):
        candidate = new(cls)
        own = aliases.get(index, _NO_ALIASES)
        _fill(candidate, listings[index], own)
        plain_of[id(candidate)] = (kept[index], own)
        candidates.append(candidate)
    return candidates


def unchanged_plain(candidate: Candidate) -> bytes | None:
    """The candidate's plain form as the cache holds it, when it is unbuilt and that is
    still its plain form: never set (a set builds it), and its aliases as they were read.
    Else None."""
    plain = getattr(type(candidate), "_plain", None)
    if plain is None:
        return None
    kept, aliases = plain[id(candidate)]
    return kept if candidate.aliases == aliases else None
