"""The one JSON writer: what `--json` prints (docs/json.md is its contract), written
without rich through out/terminal.py.

rich is for people at a terminal; scripts get bytes they can rely on (no wrapping,
no markup, no colour codes).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from dgtracker.out.terminal import write
from dgtracker.text import INVISIBLE

# JSON already escapes C0 controls; C1 controls and characters that hide or disguise
# text (the same set that text.py refuses) would otherwise reach a terminal raw.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells characters beyond the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(value: Any, indent: int | None = 2) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if text.isascii() and "\x7f" not in text:  # DEL is the only ASCII character to escape
        return text
    return _UNSAFE_IN_JSON.sub(_escape, text)


def print_json(value: Any) -> None:
    """Indented for a person at a terminal; one line for scripts, which is several times
    faster for a large record (only the unindented encoder is compiled)."""
    indent = 2 if sys.stdout.isatty() else None
    if indent is None and type(value) is list and len(value) > _ROWS:
        # A long list on one line, _ROWS items at a time: the same text (the items are
        # joined by ", " as the encoder joins them), never whole (merit at 10,000
        # candidates: 4 MB, with the encoder's pieces and the bytes written beside it).
        write("[")
        for start in range(0, len(value), _ROWS):
            items = json_text(value[start : start + _ROWS], indent=None)[1:-1]
            write(items if start == 0 else ", " + items)
        write("]\n")
        return
    write(json_text(value, indent=indent) + "\n")


_ROWS = 500
