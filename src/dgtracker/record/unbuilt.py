"""Candidates taken from the cache for a change, each built in full only once the change
looks past its plain fields (record/cached_change.py `load_for_change`).

A change of one candidate (`move`, `add-candidate`, a note) reads every candidate's id,
name, stage, email, rank and aliases (to find who was meant, refuse a duplicate email,
draw a new id, keep a place on the reserve list free), and the history of one or two. An
unbuilt candidate holds those plain fields, set at once from its plain form, and its plain
form (record/plain_model.py). The first time anything else of it is asked for (its
history, a property that reads it, its repr, an equality) or any field of it is set, it is
built from that plain form, there and then, into a Candidate like any other: its class
becomes Candidate. Building every candidate took about a third of a change at 10,000
(docs/performance.md, "A change reads the candidates it touches").

What the save needs follows from that: a candidate still unbuilt was never changed (a set
builds it first), unless its aliases were changed in place (the one plain field that is a
list, compared by `unchanged_plain`), so its plain form is the cache's. A candidate whose
plain form cannot be built (a cache forged with its checksum recomputed) stops the change
with NotThisRecords before anything is written.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any, ClassVar

from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Candidate
from dgtracker.record.plain_model import NotThisRecords, candidate_fields, candidate_from_plain

# Each field of Candidate, as its plain form holds it: (name, kept as it is).
_FIELDS = candidate_fields()
# Set at once: the fields kept as they are (text, numbers, flags, all immutable), and the
# aliases (a list of ids, copied), which find_candidate and ids_held read of everyone.
_ALIASES = "aliases"
_AT_ONCE = tuple(
    (index, name) for index, (name, plain) in enumerate(_FIELDS) if plain or name == _ALIASES
)
_ALIASES_AT = next(index for index, name in _AT_ONCE if name == _ALIASES)
# The slots a build fills: every field not set at once.
_LATER = tuple(
    (index, Candidate.__dict__[name])
    for index, (name, _) in enumerate(_FIELDS)
    if index not in dict(_AT_ONCE)
)


class _Unbuilt(Candidate):
    """A candidate of which only the plain fields are set (see the module's docstring).
    Each load makes a subclass of its own, which holds its candidates' plain forms."""

    __slots__ = ()
    # By id() of each candidate not yet built: its plain form as marshalled (the bytes the
    # cache's copy already holds, not unmarshalled again: memory), and its aliases as read.
    _plain: ClassVar[dict[int, tuple[bytes, list[str]]]]

    def __getattr__(self, name: str) -> Any:  # called only for a slot not yet set
        _build(self)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        _build(self)
        setattr(self, name, value)

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
    """Fill the fields not set yet from the plain form, and make it a Candidate."""
    kept, _ = type(candidate)._plain.pop(id(candidate))
    try:
        built = candidate_from_plain(marshal.loads(kept))
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise NotThisRecords(str(error)) from None
    for _, slot in _LATER:
        slot.__set__(candidate, slot.__get__(built))
    object.__setattr__(candidate, "__class__", Candidate)


def _filler() -> Callable[[Any, tuple[Any, ...]], None]:
    """The function that sets the plain fields of a new unbuilt candidate from its plain
    form, written out (as plain_model writes its own): one call for each of 10,000."""
    scope: dict[str, Any] = {"copied": list}
    lines = []
    for index, name in _AT_ONCE:
        scope[f"s{index}"] = Candidate.__dict__[name].__set__
        value = f"copied(t[{index}])" if name == _ALIASES else f"t[{index}]"
        lines.append(f"    s{index}(o, {value})")
    source = "def fill(o, t):\n" + "\n".join(lines) + "\n"
    exec(source, scope)  # source made from Candidate's own fields alone
    return scope["fill"]  # type: ignore[no-any-return]


_fill = _filler()


def unbuilt_candidates(kept: list[bytes], each: Walk = quietly) -> list[Candidate]:
    """The candidates of these plain forms (as the cache holds them), unbuilt. Raises
    ValueError or TypeError on a plain form not of Candidate's fields."""
    cls: Any = type("Candidate", (_Unbuilt,), {"__slots__": (), "_plain": {}})
    plain_of = cls._plain
    new = object.__new__
    candidates = []
    for index in each(range(len(kept)), "Reading"):
        plain = marshal.loads(kept[index])
        if type(plain) is not tuple or len(plain) != len(_FIELDS):
            raise ValueError("not a candidate's plain form")
        candidate = new(cls)
        _fill(candidate, plain)
        plain_of[id(candidate)] = (kept[index], plain[_ALIASES_AT])
        candidates.append(candidate)
    return candidates


def unchanged_plain(candidate: Candidate) -> bool:
    """Whether the candidate is unbuilt and its plain form is the cache's: never set (a
    set builds it), and its aliases as they were read."""
    plain = getattr(type(candidate), "_plain", None)
    if plain is None:
        return False
    return bool(candidate.aliases == plain[id(candidate)][1])
