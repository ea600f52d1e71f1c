"""TOML text for the record's data: byte for byte what tomli-w writes, several times faster.

A bulk move rewrites hundreds of candidates, and tomli-w, written for any Python value,
spent most of such a save asking each value's type and escaping strings a character at a
time. This writer makes the same choices as tomli-w (its `dumps` with the default options:
no multi-line strings, an indent of four), in the same order, for exactly the types the
record's data holds — dict, list, str, bool, int, date and datetime — asking `type()` once
and escaping a string only when a regular expression finds something to escape:

- a table's keys in order: each dict value is a [table]; each list of dicts, when one of
  them would not fit inline (100 columns, one line), is an array of [[tables]]; the rest
  are `key = value` lines, written before the tables;
- a table's header only inside an array of tables, or when it has lines of its own or no
  tables under it; a blank line before each table after the first thing written;
- strings in double quotes, with `"`, backslash, and control characters but the tab
  escaped (\\b \\n \\f \\r \\" \\\\ or \\u00XX); keys bare when made only of A-Z a-z 0-9 - _;
- arrays one item a line, indented four spaces per level, with a trailing comma; inline
  tables as `{ k = v, ... }`; dates, date-times and integers as `str()` writes them.

Any other type (a float, a tuple, a time of day, a str or int subclass but StrEnum, …)
hands the whole document to tomli-w, so the text is tomli-w's whatever it is given.
tests/test_toml_writer.py checks the two agree on any value a record can hold.

tomli-w is imported only for the rare value the fast path hands over (start-up budget).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

_MAX_LINE_LENGTH = 100
_INDENT = "    "
_ESCAPED = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_COMPACT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEYS: dict[str, str] = {}  # keys as written, remembered


class _Unusual(Exception):
    """A value of a type this writer leaves to tomli-w."""


def dumps(table: dict[str, Any]) -> str:
    """The TOML text tomli-w's `dumps(table)` gives."""
    out: list[str] = []
    try:
        _table(out, table, "", False)
    except _Unusual:
        import tomli_w

        text: str = tomli_w.dumps(table)
        return text
    return "".join(out)


def _table(out: list[str], table: dict[str, Any], name: str, inside_aot: bool) -> None:
    lines = []  # `key = value`, written before the tables
    tables: list[tuple[str, dict[str, Any], bool]] = []
    for key, value in table.items():
        kind = type(value)
        if kind is str:  # most values: no call to _literal
            search = _ESCAPED.search(value)
            text = f'"{value}"' if search is None else _string(value)
            lines.append(f"{_KEYS.get(key) or _key(key)} = {text}\n")
        elif kind is dict:
            tables.append((key, value, False))
        elif (
            kind is list
            and value
            and all(type(item) is dict for item in value)
            and not all(_fits_inline(item) for item in value)
        ):
            tables.extend((key, item, True) for item in value)
        else:
            lines.append(f"{_KEYS.get(key) or _key(key)} = {_literal(value)}\n")
    written = False
    if inside_aot or (name and (lines or not tables)):
        written = True
        out.append(f"[[{name}]]\n" if inside_aot else f"[{name}]\n")
    if lines:
        written = True
        out += lines
    for key, value, in_aot in tables:
        if written:
            out.append("\n")
        else:
            written = True
        part = _key(key)
        _table(out, value, f"{name}.{part}" if name else part, in_aot)


def _literal(value: Any, nest_level: int = 0) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int or kind is date or kind is datetime:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list:
        if not value:
            return "[]"
        indent = _INDENT * (1 + nest_level)
        items = ",\n".join(indent + _literal(item, nest_level + 1) for item in value)
        return f"[\n{items},\n{_INDENT * nest_level}]"
    if kind is dict:
        return _inline_table(value)
    if isinstance(value, StrEnum):  # the record's kinds and actions: their text
        return _string(str.__str__(value))
    raise _Unusual


def _inline_table(table: dict[str, Any]) -> str:
    if not table:
        return "{}"
    items = ", ".join(f"{_key(key)} = {_literal(value)}" for key, value in table.items())
    return "{ " + items + " }"


def _fits_inline(table: dict[str, Any]) -> bool:
    # Most tables (a candidate, most events) are known not to fit without being rendered:
    # a list with items is written over several lines, and `{ k = v, ... }` is at least
    # as wide as its keys, its strings and two quotes each, and a character for any other
    # value (a date-time nineteen, a date ten).
    width = len(_INDENT) + 1 + 2  # the indent and comma, the braces' "{" " }" less ", "
    for key, value in table.items():
        kind = type(value)
        if kind is str or isinstance(value, str):  # a StrEnum too: its text
            width += len(key) + 5 + len(value) + 2  # " = ", ", ", the quotes
        elif kind is list and value:
            return False
        else:
            width += len(key) + 5 + (19 if kind is datetime else 10 if kind is date else 1)
    if width > _MAX_LINE_LENGTH:
        return False
    rendered = _inline_table(table)
    return len(rendered) + len(_INDENT) + 1 <= _MAX_LINE_LENGTH and "\n" not in rendered


def _key(key: str) -> str:
    written = _KEYS.get(key)
    if written is None:
        if type(key) is not str:
            raise _Unusual
        written = key if _BARE_KEY.fullmatch(key) else _string(key)
        if len(_KEYS) < 1000:  # the record's few field names, and never unbounded
            _KEYS[key] = written
    return written


def _string(text: str) -> str:
    if _ESCAPED.search(text) is None:
        return f'"{text}"'
    return '"' + _ESCAPED.sub(_escape, text) + '"'


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    return _COMPACT.get(char) or f"\\u{ord(char):04x}"
