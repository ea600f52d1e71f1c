"""The record's TOML writer gives exactly the bytes tomli-w gives, for any value a record
can hold: hostile strings and keys, every escape, dates and date-times with any offset,
nested tables and arrays (record/toml_writer.py; the file's layout is tomli-w's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from tests.test_roundtrip import records

from dgtracker.record.encode import record_to_data
from dgtracker.record.model import Action, StageKind
from dgtracker.record.toml_writer import dumps

# Every character TOML must escape, those it need not (tab, DEL's neighbours, line and
# paragraph separators, a BOM), and text that looks like the record's own lines.
AWKWARD = [chr(code) for code in range(32)] + ["\x7f", "\x80", "\x85", "\x9f", "\u2028"]
AWKWARD += ["\u2029", "\ufeff", '"', "\\", "'", "=", "#", "[", "]", ".", " ", "é", "🙂"]
hostile = st.text(st.sampled_from(AWKWARD) | st.characters(), max_size=20) | st.sampled_from(
    ["", '[[candidates]]\nid = "c999"\n', '"""', "'''", "\\u0000", "a.b", "x = 1"]
)
keys = hostile | st.sampled_from(["id", "name", "stage", "history", "at", "a-b_C9"])
offsets = st.integers(-86399, 86399).map(lambda seconds: timezone(timedelta(seconds=seconds)))
moments = st.datetimes(timezones=st.none() | offsets | st.just(UTC))
scalars = (
    hostile
    | st.integers(-(2**63), 2**63 - 1)
    | st.integers()
    | st.booleans()
    | st.dates()
    | moments
    | st.sampled_from(list(Action) + list(StageKind))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=30,
)
tables = st.dictionaries(keys, values, max_size=6)
# Lists of tables, as the record's candidates, events and stages are: some short enough
# to be written inline, some not.
small = scalars | st.lists(scalars, max_size=2) | st.dictionaries(keys, scalars, max_size=2)
lists_of_tables = st.lists(st.dictionaries(keys, small, max_size=5), min_size=1, max_size=3)


@given(tables)
def test_any_table_is_written_as_tomli_w_writes_it(table) -> None:
    assert dumps(table) == tomli_w.dumps(table)


@given(st.dictionaries(keys, lists_of_tables | values, max_size=4))
def test_lists_of_tables_are_written_as_tomli_w_writes_them(table) -> None:
    assert dumps(table) == tomli_w.dumps(table)


@given(st.dictionaries(keys, st.dictionaries(keys, lists_of_tables, max_size=2), max_size=2))
def test_tables_of_lists_of_tables_are_written_as_tomli_w_writes_them(table) -> None:
    assert dumps(table) == tomli_w.dumps(table)


@given(records())
def test_any_record_is_written_as_tomli_w_writes_it(record) -> None:
    data = record_to_data(record)
    assert dumps(data) == tomli_w.dumps(data)
    for candidate in data["candidates"]:  # a save writes a changed candidate on its own
        assert dumps({"candidates": [candidate]}) == tomli_w.dumps({"candidates": [candidate]})


@given(
    tables,
    st.floats() | st.tuples(st.integers()) | st.times() | st.builds(lambda: {"a": (1, 2)}),
)
def test_other_types_are_left_to_tomli_w(table, other) -> None:
    table = {**table, "other": other}
    assert dumps(table) == tomli_w.dumps(table)


@pytest.mark.parametrize("table", [{"at": time(9, tzinfo=UTC)}, {"x": object()}, {1: "one"}])
def test_what_tomli_w_refuses_is_refused(table) -> None:
    with pytest.raises((TypeError, ValueError)) as refused:
        tomli_w.dumps(table)
    with pytest.raises(refused.type):
        dumps(table)


def test_the_usual_record_values() -> None:
    table = {
        "at": datetime(2026, 1, 7, 9, 2, tzinfo=UTC),
        "on": date(2026, 1, 7),
        "note": 'Said "yes"\tthen\\left\n\x1b[31m',
        "history": [{"action": Action.MOVED, "rank": 3}] * 2,
    }
    assert dumps(table) == (
        "at = 2026-01-07 09:02:00+00:00\n"
        "on = 2026-01-07\n"
        'note = "Said \\"yes\\"\tthen\\\\left\\n\\u001b[31m"\n'
        "history = [\n"
        '    { action = "moved", rank = 3 },\n'
        '    { action = "moved", rank = 3 },\n'
        "]\n"
    )


def test_a_table_is_inline_up_to_the_width_tomli_w_allows() -> None:
    on, at = date(2026, 1, 7), datetime(2026, 1, 7, 9, 2)  # as narrow as any can be
    for event in ({}, {"action": Action.MOVED}, {"at": at}, {"on": on}, {"rank": 3}):
        written = set()
        for length in range(100):
            table = {"history": [{**event, "note": "x" * length}]}
            assert dumps(table) == tomli_w.dumps(table)
            written.add(dumps(table).startswith("[["))
        assert written == {True, False}  # both sides of the limit were tried
