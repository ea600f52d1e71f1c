"""Rules for text that people type: what is accepted, and how it is shown safely.

User text is data. It is checked when it enters the record (`clean_field`) and made
harmless again whenever it is shown (`visible`), because a record can be edited by hand.
"""

from __future__ import annotations

import re
import unicodedata

from dgtracker.errors import Refused

# Characters that can disguise a name: bidi overrides/isolates and zero-width characters.
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
)
_CONTROL_RE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_CONTROL_BUT_NEWLINE_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")

# Field length limits, in characters (documented in the README).
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
}
# Fields that may hold several lines (a pasted note, a reason).
MULTILINE = {"note", "reason"}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return f"<U+{ord(char):04X}>"


def visible(value: str, keep_newlines: bool = False) -> str:
    """Return `value` with every control, bidi and zero-width character shown as <U+XXXX>."""
    pattern = _CONTROL_BUT_NEWLINE_RE if keep_newlines else _CONTROL_RE
    if keep_newlines:
        value = value.replace("\t", "    ")
    return pattern.sub(_escape_char, value)


def clean_field(field: str, value: str) -> str:
    """Check a typed value for `field`; return it (trimmed) or refuse it with a reason."""
    label = field.replace("_", " ")
    if field in MULTILINE:
        value = value.replace("\r\n", "\n")
        bad = _CONTROL_BUT_NEWLINE_RE.search(value.replace("\t", " "))
    else:
        bad = _CONTROL_RE.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        name = unicodedata.name(bad.group(), "control character")
        raise Refused(
            f"The {label} contains a hidden or control character ({code} {name}).",
            hint="Type the text again without it; such characters can disguise text.",
        )
    value = value.strip()
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        raise Refused(
            f"The {label} is {len(value):,} characters long; the limit is {limit:,}.",
        )
    if field == "email" and value and not _EMAIL_RE.match(value):
        raise Refused(f"'{visible(value)}' does not look like an email address.")
    if field in {"name", "title"} and not value:
        raise Refused(f"The {label} cannot be empty.")
    return value


def problems_in_text(field: str, value: str) -> str | None:
    """The reason a stored value breaks the rules, or None (used when checking a record)."""
    try:
        clean_field(field, value)
    except Refused as error:
        return error.message
    return None
