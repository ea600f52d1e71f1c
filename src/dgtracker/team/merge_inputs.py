"""The merge driver's three inputs read and checked by the rules the tool loads a record
by, and the merged record checked by them before it is written (`dgtracker merge-file`).

A driver that merged a broken input would crash or write a record every other command
refuses; instead it names the input (base, ours or theirs, and git's path for it) and the
rule it breaks, in the words `check` uses, and leaves OURS as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dgtracker.errors import RecordError, Refused
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.record.model import Record
from dgtracker.record.text_pieces import CandidatePieces

SHOWN = 5  # problems named; `check` on the file lists them all


def _named(which: str, git_path: str | None) -> str:
    """'theirs (campaign.toml)': which input, and the record git is merging."""
    return f"{which} ({git_path})" if git_path else which


def _listed(problems: list[str]) -> str:
    shown = "; ".join(problems[:SHOWN])
    more = len(problems) - SHOWN
    return shown + (f"; and {more} more" if more > 0 else "")


def read_side(
    path: Path,
    which: str,
    ours: Path,
    git_path: str | None = None,
    known: CandidatePieces | None = None,
) -> tuple[dict[str, Any], CandidatePieces | None]:
    """One input's data (and its text's layout), checked; Refused (exit 1) naming the input
    and the rule it breaks. An empty or missing base is {}: both sides added the file.
    `known`: the layout of an input read before (the base): a candidate whose text is the
    same on both is held once, as that input's data (the merge changes no input)."""
    if which == "base" and not path.exists():
        return {}, None
    layout: CandidatePieces | None
    try:
        read = storage.parse_record_file(path, known=known)  # a large copy, a piece at a time
        if read is not None:
            data, layout = read
        else:
            text = storage.read_text(path)
            if which == "base" and not text.strip():
                return {}, None
            data, layout = storage.parse_record_text(text, path, known=known)
            del text  # memory: the pieces are kept, the whole text is not needed again
        del read
    except RecordError as error:  # unreadable, not UTF-8, not TOML: the words say where
        raise _refused(which, path, ours, git_path, error.message.rstrip(".")) from None
    problems = record_from_data(data)[1]
    if problems:
        said = f"{path} is not a valid record ({len(problems)} problem(s)): {_listed(problems)}"
        raise _refused(which, path, ours, git_path, said)
    return data, layout


def _refused(which: str, path: Path, ours: Path, git_path: str | None, said: str) -> Refused:
    return Refused(
        f"Cannot merge: {_named(which, git_path)}: {said}. {ours} is left as it was.",
        hint=_fix(which, path, git_path),
    )


def _fix(which: str, path: Path, git_path: str | None) -> str:
    if git_path:  # git's copies of the sides are gone once the driver exits
        return (
            f"Fix {git_path} on the copy that broke the rule ('dgtracker check' there lists "
            "every problem), commit, and merge again; or merge the file by hand."
        )
    return f"Fix {which} by hand ('dgtracker --file {path} check' lists every problem)."


def checked_result(data: dict[str, Any], ours: Path, git_path: str | None = None) -> Record:
    """The merged record, if it keeps every rule; else Refused (exit 1), OURS untouched."""
    record, problems = record_from_data(data)
    if record is None:
        raise Refused(
            f"Cannot merge {git_path or ours}: the merged record would break "
            f"{len(problems)} rule(s): {_listed(problems)}. {ours} is left as it was.",
            hint="Merge the file by hand, then run 'dgtracker check'.",
        )
    return record
