"""Each rule is stated once (record/field_rules.py) and every way of reading a record applies it:
the fast path (compile_rules) gives the same answers as asking each Field (keeps_rules), and
a rule added in one place is enforced by loading and by `check` alike."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dgtracker.errors import Refused
from dgtracker.record import decode, field_rules, storage
from dgtracker.text import GLANCE_NAMES, LIMITS, clean_field, quick_text_check

STAGES = frozenset({"applied", "longlist", "rejected"})

# Values of every type TOML gives, including the ones that break each rule.
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["", "applied", "nowhere", "moved", "ada@example.org", "not-an-email"]),
    st.sampled_from(["Ada\u202eLovelace", "ok\x1b[2J", "x" * 10_001, "  ", "Ada Lovelace"]),
    st.sampled_from([" \u3164 ", "x" * 201, "ada@example.org ", "Ada\n", "\u2800"]),
    st.just(date(2026, 2, 2)),
    st.sampled_from([datetime(2026, 2, 2, 9), datetime(2026, 2, 2, 9, tzinfo=UTC)]),
    st.just([]),
    st.sampled_from([{}, {"c1": 4}, {"c1": "4"}, {"name": "Ada"}, {"name": 1}, {"x": "y"}]),
)


def tables(fields: field_rules.Fields) -> st.SearchStrategy[object]:
    keys = st.sampled_from([*fields, "unknown"])
    return st.one_of(
        st.dictionaries(keys, values, max_size=len(fields) + 1), st.none(), st.just("moved")
    )


@pytest.mark.parametrize(
    "name",
    ["CANDIDATE", "EVENT", "STAGE", "MILESTONE", "MILESTONE_CHANGE", "MARKS", "SLOT", "ANSWER"],
)
@given(data=st.data())
def test_the_fast_path_answers_as_each_field_does(name: str, data: st.DataObject) -> None:
    fields = getattr(field_rules, name)
    table = data.draw(tables(fields))
    fast = field_rules.compile_rules(fields)(table, STAGES)
    assert (fast is not None) == field_rules.keeps_rules(table, fields, STAGES)
    if fast is not None:
        assert isinstance(table, dict)
        assert fast == tuple(table.get(key) for key in fields)


# Text near every edge of a text rule: blanks that look like nothing, hidden characters,
# line ends, addresses, and lengths about each limit.
typed_text = st.one_of(
    st.text(st.sampled_from(list("Ada @.\t\n\r\xa0\u3164\u2800\u200b\u202e\x1b\xad")), max_size=12),
    st.text(max_size=12),
    st.builds(
        lambda char, length: char * length,
        st.sampled_from(["a", " ", "\u3164"]),
        st.integers(0, 10_001),
    ),
    st.sampled_from(["ada@example.org", " ada@example.org", "ada@@example.org", "a@b.c\n"]),
)


@pytest.mark.parametrize("field", sorted(LIMITS))
@given(value=typed_text)
def test_a_glance_at_text_answers_as_the_full_rule(field: str, value: str) -> None:
    """quick_text_check's answer (the fast reader's, and problems_in_text's first) is
    only ever yes for text that clean_field, the full rule, takes as it is."""
    glance = eval(f"lambda value: {quick_text_check(field, 'value')}", dict(GLANCE_NAMES))
    try:
        clean_field(field, value)
    except Refused:
        assert not glance(value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ada Lovelace"),
        ("title", "Chair"),
        ("email", "ada@example.org"),
        ("email", ""),
        ("id", "c001"),
        ("by", "panel-sec"),
        ("note", "Strong record."),
    ],
)
def test_a_glance_takes_the_usual_text_at_once(field: str, value: str) -> None:
    glance = eval(f"lambda value: {quick_text_check(field, 'value')}", dict(GLANCE_NAMES))
    assert glance(value)


def test_a_rule_added_once_is_enforced_by_loading_and_by_check(cli, monkeypatch) -> None:
    """Give `source` a text rule it does not have today (one Field), and both the fast
    load and the full check refuse a record that breaks it; with the rule taken away
    again, the same record loads."""
    cli.ok("add-candidate", "Ada Lovelace", "--source", "x" * 150)
    data = tomllib.loads(cli.path.read_text(encoding="utf-8"))
    assert decode.record_from_data(copy.deepcopy(data))[0] is not None

    strict = dict(field_rules.CANDIDATE, source=field_rules.Field(str, text="phone"))  # at most 40
    monkeypatch.setattr(decode, "CANDIDATE", strict)
    monkeypatch.setattr(decode, "_READ_CANDIDATE", field_rules.compile_rules(strict))
    assert decode._plain_candidate(data["candidates"][0], STAGES) is None  # fast path: no
    record, problems = decode.record_from_data(copy.deepcopy(data))
    assert record is None
    assert problems == [
        "candidates[0] (c001).source: The phone is 150 characters long; the limit is 40."
    ]
    assert storage.problems_in(cli.path) == problems  # what `check` lists
    assert cli("check").exit_code == 3
