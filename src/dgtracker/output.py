"""Plain output for scripts: JSON and lines of text, written without rich.

rich is for people at a terminal; scripts get bytes they can rely on (no wrapping,
no markup, no colour codes).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

# JSON already escapes C0 controls; C1 controls and bidi/zero-width characters would
# otherwise pass through raw when the output is shown in a terminal.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(_escape, text)


def print_json(value: Any) -> None:
    write(json_text(value) + "\n")


def write(text: str) -> None:
    stream = sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        # A legacy console code page: keep every character, escaped, rather than fail.
        stream.write(text.encode("ascii", "backslashreplace").decode("ascii"))
    stream.flush()


def say(text: str) -> None:
    """A line for the user that is not the command's result (goes to stderr)."""
    sys.stderr.write(text + "\n")
