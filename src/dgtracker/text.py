"""Rules for text that people type: what is accepted, and how it is shown safely.

User text is data. It is checked when it enters the record (`clean_field`) and made
harmless again whenever it is shown (`visible`), because a record can be edited by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from dgtracker.errors import Refused

# Characters that can hide or disguise text (Unicode categories Cf, Zl, Zp and Cs):
# bidi overrides and isolates, zero-width characters, the soft hyphen, tag characters
# (which can smuggle invisible text), line/paragraph separators, and lone surrogates
# (bytes on the command line that were not UTF-8). Written as ranges so that showing
# text stays fast. The ranges are complete for every Unicode version up to
# INVISIBLE_UNICODE (Python 3.11 has 14.0, 3.12 has 15.0, 3.13 has 15.1; 15.0 added the
# Egyptian hieroglyph format controls U+13439..U+1343F). A code point unassigned in an
# older version is harmless here: it is not printable there either. On a newer Unicode
# the characters are also checked one by one, by category (`_hidden_by_category`).
INVISIBLE = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE_UNICODE = (15, 1)
# True on a Python whose Unicode is newer than the ranges above: check by category too.
_NEWER_UNICODE = tuple(map(int, unicodedata.unidata_version.split("."))) > INVISIBLE_UNICODE
# Printable characters that show as blank space (Hangul fillers, the blank Braille
# pattern, Khmer inherent vowels): a name made only of these looks like no name at all.
BLANK_LOOKING = (
    " \t\xa0\u115f\u1160\u17b4\u17b5\u2800\u3000\u3164\uffa0"
    + "".join(map(chr, range(0x2000, 0x200B)))  # the spaces of typesetting
)
_CONTROLS = f"[\x00-\x1f\x7f-\x9f{INVISIBLE}]"
_CONTROLS_BUT_NEWLINE = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]"
# Cc never changes (U+0000..U+001F and U+007F..U+009F, all in the patterns above).
_HIDDEN_CATEGORIES = frozenset({"Cf", "Cs", "Zl", "Zp"})

# Field length limits, in characters (documented in docs/commands.md).
LIMITS = {
    "name": 200,
    "email": 254,
    "phone": 40,
    "source": 200,
    "title": 200,
    "organisation": 200,
    "note": 10_000,
    "reason": 2_000,
    "by": 100,
    "evidence": 10_000,
    "where": 200,
    "id": 64,  # candidate, milestone and stage ids, the time zone: one word
    "label": 200,  # a milestone's window label, the dates a change history records
    "grade": 200,
    "salary": 200,
    "description": 10_000,
    "subject": 200,  # a letter's subject line
    "sender": 300,  # a letter's sender: Name <address>
    "adjustments": 2_000,
}
# Fields that may hold several lines (a pasted note, a reason, a panel's evidence).
MULTILINE = {"note", "reason", "evidence", "description", "adjustments"}
# Fields that are one word: not empty, no spaces, printable (a record edited by hand or
# merged from elsewhere can hold anything; an id is shown everywhere and in cron mail).
ONE_WORD = {"id"}

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


# The patterns are compiled on first use, not when this module loads: every command loads
# it, and most show only printable text and check none (compiling them was a millisecond).
@cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def email_address(value: str) -> re.Match[str] | None:
    """The match of `value` as a whole as an email address, or None."""
    return _pattern(_EMAIL).match(value)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return f"<U+{ord(char):04X}>"


def _hidden_by_category(value: str) -> str | None:
    """The first hidden character the ranges above miss (a newer Unicode), or None."""
    if not _NEWER_UNICODE or value.isascii():
        return None
    for char in value:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return char
    return None


def _escape_by_category(value: str) -> str:
    """`value` with the hidden characters the ranges above miss escaped (a newer Unicode)."""
    if not _NEWER_UNICODE or value.isascii():
        return value
    return "".join(
        f"<U+{ord(char):04X}>" if unicodedata.category(char) in _HIDDEN_CATEGORIES else char
        for char in value
    )


def _describe_char(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code}, from bytes that are not UTF-8 text"
    return f"{code} {unicodedata.name(char, 'control character')}"


def visible(value: str, keep_newlines: bool = False) -> str:
    """Return `value` with every control, bidi and zero-width character shown as <U+XXXX>."""
    if value.isprintable():  # no character below is printable: the usual case, at once
        return value
    pattern = _pattern(_CONTROLS_BUT_NEWLINE if keep_newlines else _CONTROLS)
    if keep_newlines:
        value = value.replace("\t", "    ")
    return _escape_by_category(pattern.sub(_escape_char, value))


def one_line(value: str, mark: str = "↵") -> str:
    """`value` on one line for a list that shows a row a line (a dry run): each new line
    shown as `mark`, anything else hidden shown as `visible` shows it."""
    return visible(value.replace("\r\n", "\n").replace("\n", mark))


def clean_field(field: str, value: str) -> str:
    """Check a typed value for `field`; return it (trimmed) or refuse it with a reason."""
    label = field.replace("_", " ")
    multiline = field in MULTILINE
    if multiline:
        value = value.replace("\r\n", "\n")
        found = _pattern(_CONTROLS_BUT_NEWLINE).search(value.replace("\t", " "))
    else:
        found = _pattern(_CONTROLS).search(value)
    bad = found.group() if found else _hidden_by_category(value)
    if bad:
        raise Refused(
            f"The {label} contains a hidden or control character ({_describe_char(bad)}).",
            hint="Type the text again without it; such characters can disguise text.",
        )
    if field in ONE_WORD and (not value or not value.isprintable() or _has_space(value)):
        raise Refused(
            f"The {label} '{visible(value)}' is not one word of printable characters.",
            hint="Use letters, digits and hyphens, without spaces.",
        )
    value = value.strip()
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        raise Refused(
            f"The {label} is {len(value):,} characters long; the limit is {limit:,}.",
        )
    if field == "email" and value and not email_address(value):
        # The value is not echoed: a record's stored emails must not leak into messages.
        raise Refused(
            f"The {label} does not look like an email address.",
            hint="Give one address such as name@example.org.",
        )
    if field in {"name", "title"} and not value.strip(BLANK_LOOKING):
        raise Refused(
            f"The {label} cannot be empty.",
            hint="It has no visible character (fillers such as U+3164 show as blanks).",
        )
    return value


def _has_space(value: str) -> bool:
    return any(char.isspace() for char in value)


def quick_text_check(field: str, value: str) -> str:
    """An expression over `value` (a variable name) that is true only when the value keeps
    `field`'s rule at a glance: printable (str.isprintable is false for every character
    clean_field refuses, Cc, Cf, Cs, Zl and Zp, and for every space but " "), within the
    limit, and for an id one word, for a name or title not all blanks, for an email empty
    or an address. "False" when no glance will do (a field without a limit). The record's
    fast reader (rules.compile_rules) is written with it, with GLANCE_NAMES in scope, and
    so is `problems_in_text`'s first answer; tests/test_field_rules.py holds it to clean_field."""
    limit = LIMITS.get(field)
    if limit is None:
        return "False"
    glance = f"{value}.isprintable() and len({value}) <= {limit}"
    if field in ONE_WORD:
        return f"{value} and ' ' not in {value} and {glance}"
    if field in {"name", "title"}:  # clean_field strips spaces, then the blank-looking
        return f"{glance} and {value}.strip(BLANK_LOOKING)"
    if field == "email":  # an address has no space at either end: nothing to strip
        return f"{glance} and (not {value} or email_address({value}))"
    return glance


# What the expressions of quick_text_check name besides the value.
GLANCE_NAMES = {"BLANK_LOOKING": BLANK_LOOKING, "email_address": email_address}
# Each field's quick answer as a function, from the same expression: made by the first
# check of a record's text (a read from the cache checks nothing, and makes none).
_AT_A_GLANCE: dict[str, Callable[[str], object]] = {}


def _glances() -> dict[str, Callable[[str], object]]:
    for field in LIMITS:
        source = f"lambda value: {quick_text_check(field, 'value')}"
        _AT_A_GLANCE[field] = eval(source, dict(GLANCE_NAMES))
    return _AT_A_GLANCE


def problems_in_text(field: str, value: str) -> str | None:
    """The reason a stored value breaks the rules, or None (used when checking a record)."""
    glance = (_AT_A_GLANCE or _glances()).get(field)
    if glance is not None and glance(value):
        return None
    try:
        clean_field(field, value)
    except Refused as error:
        return error.message
    return None
