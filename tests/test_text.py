"""A corpus of hostile values in every text field a user can type.

Each value is either refused with a clear message (exit 1, the record byte-for-byte as it
was) or stored exactly as typed and shown harmlessly everywhere: no markup read, no
control byte reaching the terminal, hidden characters never shown raw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

# What must never reach a terminal: C0 (but newline), DEL, C1, and the characters that can
# hide or disguise text (format characters, separators, tags, lone surrogates).
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)

MARKUP = [
    "[bold]Eve[/bold]",
    "[bold]eve@example.org[/link]",
    "[/x]",
    "[link=https://evil.example]click[/link]",
    "[red on white]x",
    r"\[escaped] [on]",
]
HIDDEN = [
    "Eve\x1b[31mRed",  # ANSI colour
    "Eve\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    "Eve\x1b]0;window title\x07",  # OSC title
    "Eve\x1b[2J\x1b[H",  # clear screen
    "Eve\rMallory",  # carriage return over-printing
    "Eve\x00Nul",
    "Eve\x9b31m",  # C1 CSI
    "Eve\x85Next",  # C1 NEL
    "Eve\u202eevoL",  # right-to-left override
    "Eve\u2066x\u2069",  # bidi isolate
    "Eve\u200bLovelace",  # zero-width space
    "Eve\u200dLovelace",  # zero-width joiner
    "Eve\ufeffLovelace",  # zero-width no-break space
    "Eve\xadLovelace",  # soft hyphen
    "Eve\u2028Mallory",  # line separator
    "Eve\U000e0041\U000e0042",  # tag characters (invisible text)
    "Eve\udcffbyte",  # a byte that was not UTF-8 on the command line
]
HUGE = "x" * 1_000_000
REFUSED_MESSAGES = ("hidden or control character", "the limit is", "does not look like an email")


@dataclass(frozen=True)
class Field:
    """How to type a value into one field, where it is stored, and where it is shown."""

    args: Callable[[str, int], list[str]]
    stored: Callable[[dict[str, Any]], Any]
    views: tuple[tuple[str, ...], ...]  # "{last}": the newest candidate's id
    shown: bool = True  # False: the views must be harmless but need not show the value


def _last_event(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data["candidates"][0]["history"][-1].get(key)


_SHOW = (("show", "c001"), ("show", "c001", "--json"))
_SHOW_LAST = (("show", "{last}"), ("show", "{last}", "--json"))
_LISTS = (("candidates",), ("candidates", "--json"))
_MILESTONES = (("status",), ("status", "--json"), ("milestone", "list"))
FIELDS = {
    "name": Field(
        lambda v, i: ["add-candidate", v],
        lambda d: d["candidates"][-1]["name"],
        (*_SHOW_LAST, *_LISTS),
    ),
    "email": Field(
        lambda v, i: ["add-candidate", f"P{i}", "--email", v],
        lambda d: d["candidates"][-1].get("email"),
        (*_SHOW_LAST, *_LISTS),
    ),
    "phone": Field(
        lambda v, i: ["add-candidate", f"P{i}", "--phone", v],
        lambda d: d["candidates"][-1].get("phone"),
        _SHOW_LAST,
    ),
    "source": Field(
        lambda v, i: ["add-candidate", f"P{i}", "--source", v],
        lambda d: d["candidates"][-1].get("source"),
        _SHOW_LAST,
    ),
    "first note": Field(
        lambda v, i: ["add-candidate", f"P{i}", "--note", v],
        lambda d: d["candidates"][-1]["history"][0].get("note"),
        (*_SHOW_LAST, ("candidates", "--json")),
    ),
    "note": Field(
        lambda v, i: ["note", "c001", v],
        _last_event("note"),
        (*_SHOW, ("candidates", "--json")),
    ),
    "move note": Field(
        lambda v, i: ["move", "c001", ("longlist", "shortlist")[i % 2], "--note", v],
        _last_event("note"),
        _SHOW,
    ),
    "move reason": Field(
        lambda v, i: ["move", "c001", ("longlist", "shortlist")[i % 2], "--reason", v],
        _last_event("reason"),
        _SHOW,
    ),
    "by": Field(
        lambda v, i: ["note", "c001", f"n{i}", "--by", v],
        _last_event("by"),
        _SHOW,
    ),
    "milestone title": Field(
        lambda v, i: ["milestone", "add", v, "tbc"],
        lambda d: d["milestones"][-1]["title"],
        (*_MILESTONES, ("milestone", "list", "--json")),
    ),
    "reschedule reason": Field(
        lambda v, i: ["milestone", "reschedule", "closing", f"2026-02-1{i % 2}", "--reason", v],
        lambda d: d["milestones"][0]["history"][-1].get("reason"),
        _MILESTONES,
        shown=False,  # kept in the milestone's history, which these views do not show
    ),
}


def _strings(value: Any) -> set[str]:
    """Every string anywhere in a parsed JSON document."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*(_strings(item) for item in items))


# What the JSON output escapes in text nobody typed through dgtracker (hand-edited fields
# that have no text rule): controls, bidi and zero-width characters.
UNSAFE_IN_JSON = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _harmless(text: str, unsafe: re.Pattern[str] = UNSAFE) -> None:
    found = unsafe.search(text)
    assert found is None, f"raw U+{ord(found.group()):04X} in output: {text[:200]!r}"


def _untouched_apart_from_the_change(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Only the one candidate or milestone the command was about may differ."""
    for key in ("schema", "campaign", "retention", "stages"):
        assert after[key] == before[key]
    for key in ("candidates", "milestones"):  # one added at the end, or the first changed
        old, new = before[key], after[key]
        assert new[:-1] == old if len(new) == len(old) + 1 else new[1:] == old[1:], key


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide terminal, so that no value is folded across lines in a table."""
    monkeypatch.setenv("COLUMNS", "400")


@pytest.mark.parametrize("field_name", list(FIELDS))
def test_hostile_values_are_refused_or_stored_and_shown_harmlessly(
    cli, wide, field_name: str
) -> None:
    field = FIELDS[field_name]
    cli.ok("add-candidate", "Ada Lovelace")
    corpus = [*MARKUP, *HIDDEN, HUGE, "Line one\nLine two", "Z" * 1_500]
    for index, value in enumerate(corpus):
        before_bytes, before = cli.path.read_bytes(), cli.data()
        result = cli(*field.args(value, index))
        _harmless(result.output)
        if result.exit_code != 0:
            assert result.exit_code == 1, (value, result.output)
            assert any(why in result.output for why in REFUSED_MESSAGES), result.output
            assert "Traceback" not in result.output
            assert cli.path.read_bytes() == before_bytes, value
            continue
        assert value not in HIDDEN and value != HUGE, f"{field_name} accepted {value!r}"
        assert field.stored(cli.data()) == value.strip()
        _untouched_apart_from_the_change(before, cli.data())
        last = cli.data()["candidates"][-1]["id"]
        for view in field.views:
            out = cli.ok(*(part.replace("{last}", last) for part in view))
            _harmless(out)
            if not field.shown:
                continue
            if view[-1] == "--json":
                assert value.strip() in _strings(json.loads(out)), (view, value)
            elif "\n" not in value and len(value) < 100:
                assert value in out, (view, value)  # printed as typed: no markup read


def test_single_line_fields_refuse_newlines(cli) -> None:
    before = cli.path.read_bytes()
    for args in (
        ["add-candidate", "Line one\nLine two"],
        ["add-candidate", "Eve", "--source", "a\nb"],
        ["milestone", "add", "a\nb", "tbc"],
        ["note", "c001", "x", "--by", "a\nb"],
    ):
        result = cli(*args)
        assert result.exit_code == 1 and "U+000A" in result.output
    assert cli.path.read_bytes() == before


def test_a_very_long_line_is_shown_whole(cli) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("note", "c001", "Z" * 10_000)
    out = cli.ok("show", "c001")
    assert out.count("Z") == 10_000
    assert max(len(line) for line in out.splitlines()) <= 80
    assert json.loads(cli.ok("show", "c001", "--json"))["notes"] == ["Z" * 10_000]


def test_names_at_the_length_limit(cli) -> None:
    cli.ok("add-candidate", "N" * 200)
    result = cli("add-candidate", "N" * 201)
    assert result.exit_code == 1 and "201 characters long; the limit is 200" in result.output


def test_markup_and_right_to_left_scripts_are_kept_as_typed(cli, wide) -> None:
    for name in ("Zoë Ørsted-Łukasiewicz", "نور الهدى", "[bold]李[/bold] 小龍"):
        cid = cli.ok("add-candidate", name).strip()
        assert json.loads(cli.ok("show", cid, "--json"))["name"] == name
        assert name in cli.ok("candidates")


# --- values echoed in error messages ------------------------------------------------

ESCAPE = "\x1b[2J\x1b]0;owned\x07\u202e"


@pytest.mark.parametrize(
    "args",
    [
        ("show", ESCAPE),
        ("show", ESCAPE, "--json"),
        ("export-subject", ESCAPE),
        ("move", ESCAPE, "longlist"),
        ("move", "c001", ESCAPE),
        ("note", ESCAPE, "text"),
        ("candidates", "--stage", ESCAPE),
        ("milestone", "done", ESCAPE),
        ("milestone", "add", "T", ESCAPE),
        ("milestone", "add", "T", "tbc", "--id", ESCAPE),
        ("milestone", "add", "T", "tbc", "--remind", ESCAPE),
        ("milestone", "reschedule", "closing", ESCAPE),
        ("add-candidate", "Eve", "--applied", ESCAPE),
        ("add-candidate", "Eve", "--stage", ESCAPE),
        ("move", "c001", "longlist", "--on", ESCAPE),
        ("move", "c001", "longlist", "--rank", ESCAPE),
        ("purge", "--candidate", ESCAPE),
        (ESCAPE,),
    ],
)
def test_bad_input_echoed_in_an_error_is_made_harmless(cli, args) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    before = cli.path.read_bytes()
    result = cli(*args)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    _harmless(result.output)
    assert cli.path.read_bytes() == before


def test_a_hostile_as_of_or_record_path_is_made_harmless(cli, tmp_path) -> None:
    result = cli("status", as_of=ESCAPE)
    assert result.exit_code == 1 and "--as-of" in result.output
    _harmless(result.output)
    result = cli.runner.invoke(
        __import__("dgtracker.cli.app").cli.app.app, ["--file", str(tmp_path / ESCAPE), "status"]
    )
    assert result.exit_code == 3 and "No record" in result.output
    _harmless(result.output)


# --- hand-edited records ------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('organisation = "Department of Health and Social Care"', 'organisation = "{}"'),
        ('salary = "up to £285,000"', 'salary = "{}"'),
        ('grade = "Senior Civil Service pay band 3 (Director General)"', 'grade = "{}"'),
        ('by = "tester"', 'by = "{}"'),
        ('label = "early March 2026"', 'label = "{}"'),
        ('name = "Ada Lovelace"', 'name = "{}"'),
        ('title = "Applications close"', 'title = "{}"'),
    ],
)
def test_hand_edited_hostile_text_never_reaches_the_terminal(cli, old, new) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    hostile = r"[bold]x\u001b[2J\u001b]0;t\u0007\u009b\u202e\u200b\u2028\r"
    text = cli.path.read_text(encoding="utf-8")
    assert old in text
    cli.path.write_text(text.replace(old, new.format(hostile), 1), encoding="utf-8")
    for view in (
        ("check",),
        ("status",),
        ("status", "--json"),
        ("milestone", "list"),
        ("milestone", "list", "--json"),
        ("candidates",),
        ("candidates", "--json"),
        ("show", "c001"),
        ("show", "c001", "--json"),
        ("export-subject", "c001"),
    ):
        result = cli(*view)
        assert result.exit_code in (0, 3), (view, result.output)
        is_json = view[-1] == "--json" or view[0] == "export-subject"
        _harmless(result.output, UNSAFE_IN_JSON if is_json else UNSAFE)


def _truncate(text: str) -> str:
    return text[: len(text) // 2]


BREAKAGES = {
    "cut in half": _truncate,
    "invalid TOML": lambda t: t.replace('title = "Applications close"', "title = Applications"),
    "unknown field": lambda t: t.replace('stage = "applied"', 'stage = "applied"\nshoe = 9'),
    "duplicate id": lambda t: t.replace('id = "c002"', 'id = "c001"'),
    "unknown stage": lambda t: t.replace('stage = "applied"', 'stage = "aplied"'),
    "wrong type": lambda t: t.replace("next_candidate_number = 3", 'next_candidate_number = "3"'),
    "no campaign": lambda t: t.replace("[campaign]", "[campain]"),
}
WRITERS = [
    ("add-candidate", "Eve"),
    ("move", "c001", "longlist"),
    ("note", "c001", "A note"),
    ("milestone", "add", "Panel", "tbc"),
    ("milestone", "done", "closing", "--on", "2026-02-02"),
    ("milestone", "reschedule", "closing", "2026-02-10"),
    ("purge", "--candidate", "c001"),
    ("purge",),
]


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_no_command_writes_over_a_record_it_cannot_fully_read(cli, breakage) -> None:
    cli.ok("add-candidate", "Ada Lovelace")
    cli.ok("add-candidate", "Grace Hopper")
    text = cli.path.read_text(encoding="utf-8")
    broken = BREAKAGES[breakage](text)
    assert broken != text
    cli.path.write_text(broken, encoding="utf-8")
    for command in WRITERS:
        result = cli(*command)
        assert result.exit_code == 3, (command, result.output)
        assert "nothing was written" in result.output, result.output
        if breakage in ("cut in half", "invalid TOML"):
            assert re.search(r"line \d+, column \d+", result.output), result.output
        assert cli.path.read_text(encoding="utf-8") == broken
        assert list(cli.path.parent.glob(".campaign.toml*.tmp-*")) == []
    assert cli("check").exit_code == 3


def test_a_record_that_is_not_utf8_is_refused(cli) -> None:
    damaged = cli.path.read_bytes().replace(b"Applications close", b"Applications \xff close")
    cli.path.write_bytes(damaged)
    for command in (("status",), ("check",), ("add-candidate", "Eve"), ("purge",)):
        result = cli(*command)
        assert result.exit_code == 3 and "not UTF-8" in result.output, command
    assert cli.path.read_bytes() == damaged


def test_every_invisible_or_control_character_is_refused_and_shown_escaped() -> None:
    """The text rules cover whole Unicode categories: controls (Cc), format characters
    (Cf: bidi, zero-width, soft hyphen, tags), separators (Zl, Zp) and surrogates (Cs)."""
    import unicodedata

    from dgtracker.errors import Refused
    from dgtracker.text import clean_field, visible

    hidden = [
        chr(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Cs", "Zl", "Zp"}
    ]
    assert len(hidden) > 400
    for char in hidden:
        with pytest.raises(Refused):
            clean_field("name", f"a{char}b")
        assert visible(char) == f"<U+{ord(char):04X}>"


def test_the_ranges_of_hidden_characters_match_nothing_people_can_see() -> None:
    """The fast ranges in text.py escape no printable or spacing character, in this
    Python's Unicode; code points it has not assigned yet (Cn) may be listed early."""
    import re
    import unicodedata

    from dgtracker.text import INVISIBLE

    ranges = re.compile(f"[{INVISIBLE}]")
    wrong = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if ranges.match(chr(code))
        and unicodedata.category(chr(code)) not in {"Cf", "Cs", "Zl", "Zp", "Cn"}
    ]
    assert not wrong


def test_a_newer_unicode_is_checked_by_category(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a Python whose Unicode is newer than the ranges, hidden characters that the
    ranges miss are still refused and escaped (pretend the ranges miss U+200B)."""
    from dgtracker import text
    from dgtracker.errors import Refused

    monkeypatch.setattr(text, "_NEWER_UNICODE", True)
    monkeypatch.setattr(text, "_CONTROLS", "[\x00-\x1f\x7f-\x9f]")
    monkeypatch.setattr(text, "_CONTROLS_BUT_NEWLINE", "[\x00-\x09\x0b-\x1f]")
    assert text.visible("Eve\u200bé") == "Eve<U+200B>é"
    assert text.visible("a\nb\u2028c", keep_newlines=True) == "a\nb<U+2028>c"
    with pytest.raises(Refused, match="U\\+200B"):
        text.clean_field("name", "Eve\u200bé")
    with pytest.raises(Refused, match="U\\+2029"):
        text.clean_field("note", "line\nline\u2029")
    assert text.clean_field("note", "line\nline\tdone") == "line\nline\tdone"


def test_a_raw_delete_character_in_ascii_output_is_escaped_in_json(cli) -> None:
    """All-ASCII JSON skips the escaping pass, except for DEL, the one ASCII character in it.

    A record holding DEL in any text field is refused on load (every field has a text
    rule), so the JSON writer is given one directly, as a future field without a rule
    would give it; and the record itself is checked to be refused, DEL never shown.
    """
    from dgtracker.out.json_contract import candidate_json
    from dgtracker.out.plain import json_text
    from dgtracker.record.storage import load

    cli.ok("add-candidate", "Ada Lovelace")
    candidate = load(cli.path).candidates[0]
    candidate.name = "Ada\x7fLovelace"
    out = json_text(candidate_json(candidate, load(cli.path), date(2026, 2, 2)))
    assert "\x7f" not in out and "Ada\\u007fLovelace" in out
    assert out.isascii()

    text = cli.path.read_text(encoding="utf-8")
    cli.path.write_text(text.replace('by = "tester"', 'by = "tes\\u007fter"', 1), encoding="utf-8")
    for view in (("show", "c001", "--json"), ("candidates", "--json"), ("status", "--json")):
        result = cli(*view)
        assert result.exit_code == 3 and "\x7f" not in result.output
        assert "hidden or control character (U+007F" in result.output
