"""dgtracker/compared.py: the equality, hash and repr a class gets from Compared are the
ones @dataclass would have written for it, field for field."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dgtracker
from dgtracker.compared import Compared, FrozenCompared


@dataclass(slots=True, eq=False, repr=False)
class Ours(Compared):
    a: Any
    b: Any = None
    hidden: Any = field(default=None, repr=False)
    ignored: Any = field(default=None, compare=False)


@dataclass(slots=True)
class Theirs:
    a: Any
    b: Any = None
    hidden: Any = field(default=None, repr=False)
    ignored: Any = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FrozenOurs(FrozenCompared):
    a: Any
    b: Any = None
    unhashed: Any = field(default=None, hash=False)
    ignored: Any = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class FrozenTheirs:
    a: Any
    b: Any = None
    unhashed: Any = field(default=None, hash=False)
    ignored: Any = field(default=None, compare=False)


@dataclass(eq=False, repr=False)
class OneField(Compared):
    a: Any


@dataclass
class OneFieldTheirs:
    a: Any


@dataclass(eq=False, repr=False)
class NoField(FrozenCompared):
    pass


@dataclass(frozen=True)
class NoFieldTheirs:
    pass


NAN = float("nan")
values = st.one_of(
    st.none(),
    st.integers(-2, 2),
    st.sampled_from(["", "x", "Ada", NAN, 1.0, True]),
    st.lists(st.integers(0, 2), max_size=2),
)
hashable = st.one_of(st.none(), st.integers(-2, 2), st.sampled_from(["", "x", NAN, 1.0, True]))


def _both(ours: type, theirs: type, fields: list[Any]) -> tuple[Any, Any]:
    return ours(*fields), theirs(*fields)


def _same(left: Any, right: Any) -> bool:
    """Whether two dataclasses of one class are equal as @dataclass compares them on
    Python 3.11 and 3.12, the tuples of their compared fields: a value compares equal to
    itself there, NaN included (3.13 compares field by field, and the same NaN in both
    then differs). Compared keeps the tuples' way on every Python."""
    if left.__class__ is not right.__class__:
        return False
    names = [one.name for one in dataclasses.fields(left) if one.compare]
    return tuple(getattr(left, n) for n in names) == tuple(getattr(right, n) for n in names)


@given(st.lists(values, min_size=4, max_size=4), st.lists(values, min_size=4, max_size=4))
def test_equality_and_repr_are_dataclasses(left: list[Any], right: list[Any]) -> None:
    ours_left, theirs_left = _both(Ours, Theirs, left)
    ours_right, theirs_right = _both(Ours, Theirs, right)
    assert (ours_left == ours_right) == _same(theirs_left, theirs_right)
    assert (ours_left != ours_right) == (not _same(theirs_left, theirs_right))
    assert ours_left == ours_left
    if NAN not in left + right:  # the dataclass's own, on the Python running
        assert (ours_left == ours_right) == (theirs_left == theirs_right)
    assert repr(ours_left) == repr(theirs_left).replace("Theirs", "Ours")
    assert ours_left.__eq__(theirs_left) is NotImplemented
    assert Ours.__hash__ is None and Theirs.__hash__ is None


@given(st.lists(hashable, min_size=4, max_size=4), st.lists(hashable, min_size=4, max_size=4))
def test_a_frozen_ones_hash_equality_and_repr_are_dataclasses(
    left: list[Any], right: list[Any]
) -> None:
    ours_left, theirs_left = _both(FrozenOurs, FrozenTheirs, left)
    ours_right, theirs_right = _both(FrozenOurs, FrozenTheirs, right)
    assert hash(ours_left) == hash(theirs_left)
    assert (ours_left == ours_right) == _same(theirs_left, theirs_right)
    if NAN not in left + right:  # the dataclass's own, on the Python running (see _same)
        assert (ours_left == ours_right) == (theirs_left == theirs_right)
    assert repr(ours_left) == repr(theirs_left).replace("Theirs", "Ours")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours_left.a = 1  # type: ignore[misc]


@pytest.mark.parametrize("value", [None, 1, NAN, [NAN], "x"])
def test_one_field_and_none(value: Any) -> None:
    assert (OneField(value) == OneField(value)) == _same(
        OneFieldTheirs(value), OneFieldTheirs(value)
    )
    assert repr(OneField(value)) == repr(OneFieldTheirs(value)).replace("FieldTheirs", "Field")
    assert NoField() == NoField() and hash(NoField()) == hash(NoFieldTheirs())
    assert repr(NoField()) == "NoField()"


def test_a_repr_that_reaches_itself_says_so_as_dataclasses() -> None:
    ours, theirs = Ours([]), Theirs([])
    ours.a.append(ours)
    theirs.a.append(theirs)
    assert (
        repr(ours)
        == repr(theirs).replace("Theirs", "Ours")
        == "Ours(a=[...], b=None, ignored=None)"
    )


def test_subclasses_compare_only_with_their_own_class() -> None:
    @dataclass(eq=False, repr=False)
    class Sub(OneField):
        pass

    assert OneField(1) != Sub(1) and Sub(1) == Sub(1)


def _compared_classes() -> list[type]:
    for module in pkgutil.walk_packages(dgtracker.__path__, "dgtracker."):
        importlib.import_module(module.name)
    found: list[type] = []
    todo = [Compared]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            # Declared with @dataclass (record/unbuilt.py's candidates not yet built are a
            # subclass of one, with methods that build them first)
            declared = "__dataclass_params__" in sub.__dict__
            if sub.__module__.startswith("dgtracker.") and declared:
                found.append(sub)
    return found


def test_every_class_on_compared_leaves_the_methods_to_it() -> None:
    """A class declared with eq= or repr= left on would have @dataclass write its own
    methods again; a frozen one must be on FrozenCompared to be hashable as before."""
    classes = _compared_classes()
    assert len(classes) > 30
    for cls in classes:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert not params.eq and not params.repr, cls
        assert "__eq__" not in cls.__dict__ and "__repr__" not in cls.__dict__, cls
        assert issubclass(cls, FrozenCompared) == params.frozen, cls
        assert cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("), cls
