"""Equality, hash and repr from a dataclass's fields, written once here rather than for
each class.

@dataclass writes each method it adds as source text and compiles it when the class is
defined: `__init__`, `__repr__` and `__eq__` for each class, `__hash__` and two more for a
frozen one. A hot read defines some forty dataclasses, and compiling their methods was
about a tenth of its start (docs/performance.md, "Start-up"). A class declared
`@dataclass(slots=True, eq=False, repr=False)` on `Compared` (`FrozenCompared` with
`frozen=True`) gets its `__init__` from @dataclass as before, and its equality, hash and
repr from here: the same as @dataclass's, read from the same fields (those with
compare=, hash= and repr= as @dataclass reads them). tests/test_compared.py checks them
side by side with @dataclass's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, ClassVar

# Each class's fields, found on first use: (compared, hashed, shown).
_Getter = Callable[[Any], tuple[Any, ...]]
_ways: dict[type, tuple[_Getter, _Getter, tuple[str, ...]]] = {}


def _getter(names: list[str]) -> _Getter:
    """The tuple of these fields of an object, as @dataclass's `(self.a,self.b,)`."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()


def _ways_of(cls: type) -> tuple[_Getter, _Getter, tuple[str, ...]]:
    found = _ways.get(cls)
    if found is None:
        every = fields(cls)
        found = (
            _getter([f.name for f in every if f.compare]),
            _getter([f.name for f in every if (f.compare if f.hash is None else f.hash)]),
            tuple(f.name for f in every if f.repr),
        )
        _ways[cls] = found
    return found


class Compared:
    """A dataclass's equality (its compared fields, in order, when both are of the very
    same class) and repr; not hashable, as a dataclass that is not frozen."""

    __slots__ = ()
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            compared = _ways_of(self.__class__)[0]
            return compared(self) == compared(other)
        return NotImplemented

    @recursive_repr("...")
    def __repr__(self) -> str:
        shown = _ways_of(self.__class__)[2]
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({values})"


class FrozenCompared(Compared):
    """As Compared, and hashable by its hashed fields, as a frozen dataclass."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(_ways_of(self.__class__)[1](self))
