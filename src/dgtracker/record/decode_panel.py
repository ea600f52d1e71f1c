"""The panel's part of a record read from TOML data: criteria, panel members and their
conflicts, and each candidate's marks and slots, every rule (record/field_rules.py) checked.

record/decode.py calls these while it reads the record; record/encode.py writes the same tables.
Marks and slots have a fast path like events: a table that keeps every rule is built at
once (a large campaign has tens of thousands of marks), any other is checked field by
field to say what is wrong. Ids that refer elsewhere (a criterion, a panel member, a
candidate) are checked once the whole record is read (`reference_problems`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dgtracker.record.field_rules import (
    CONFLICT,
    CRITERION,
    CRITERION_KINDS,
    MARKS,
    PANEL,
    PANEL_MEMBER,
    ROLES,
    SLOT,
    Checker,
    compile_rules,
)
from dgtracker.record.model import (
    FRAME_BAR,
    FRAME_GRADES,
    FRAME_POINTS,
    MOST_SLOT_MINUTES,
    Conflict,
    Criterion,
    Marks,
    PanelMember,
    PanelRole,
    Record,
    Slot,
)
from dgtracker.record.shared_values import one_keys, one_text

DEFAULT_SCALE = (1, 7)
DEFAULT_BAR = 4

# The fast path's checks, made once from the same rules the Checker applies.
_READ_MARKS = compile_rules(MARKS)
_READ_SLOT = compile_rules(SLOT)


def criteria(check: Checker, raw: Any) -> list[Criterion]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.note("criteria: expected a list of [[criteria]] tables")
        return []
    found: list[Criterion] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        read = check.item(item, f"criteria[{index}]", CRITERION, seen, "criterion")
        if read is None:
            continue
        _, got, where, _ = read
        frame = got["scale"] == "frame"
        if frame:
            low, high = FRAME_POINTS["E"], FRAME_POINTS["A"]
            if got["bar"] is not None:
                check.note(f"{where}.bar: the marking frame's bar is always C; remove 'bar'")
            bar = FRAME_BAR
        else:
            low, high = _scale(check, got["scale"], where)
            bar = DEFAULT_BAR if got["bar"] is None else got["bar"]
        if not low <= bar <= high:
            check.note(f"{where}.bar: {bar} is outside the scale {low}–{high}")
        assess = got["assess"] or []
        if not all(type(s) is str and s in check.stage_ids for s in assess):
            check.note(f"{where}.assess: expected a list of this record's stage ids")
            assess = []
        weight = 1 if got["weight"] is None else got["weight"]
        if weight < 1:
            check.note(f"{where}.weight: must be at least 1")
        found.append(
            Criterion(
                id=got["id"] or "",
                title=got["title"] or "",
                kind=CRITERION_KINDS[got["kind"] or "behaviour"],
                low=low,
                high=high,
                bar=bar,
                assess=tuple(assess),
                weight=weight,
                lead=bool(got["lead"]),
                frame=frame,
                changed=got["changed"],
            )
        )
    _no_mixed_scales(check, found)
    return found


def _no_mixed_scales(check: Checker, found: list[Criterion]) -> None:
    """One assessment is marked on numbers or on the frame, never both: a total of
    numbers and grades would mean nothing."""
    for stage_id in sorted({stage for c in found for stage in c.assess}):
        kinds = {c.frame for c in found if stage_id in c.assess}
        if len(kinds) > 1:
            check.note(
                f"criteria: '{stage_id}' is marked both on numbers and on the marking "
                "frame; mark each assessment on one scale"
            )


def _scale(check: Checker, raw: list[Any] | None, where: str) -> tuple[int, int]:
    if raw is None:
        return DEFAULT_SCALE
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(type(n) is int for n in raw)
        and raw[0] < raw[1]
    ):
        return raw[0], raw[1]
    check.note(f'{where}.scale: expected [lowest, highest], two whole numbers, or "frame"')
    return DEFAULT_SCALE


def panel(check: Checker, raw: Any) -> list[PanelMember]:
    if raw is None:
        return []
    table = check.table(raw, "panel")
    if table is None:
        return []
    got = check.fields(table, PANEL, "panel")
    members: list[PanelMember] = []
    seen: set[str] = set()
    for index, item in enumerate(got["members"] or []):
        where = f"panel.members[{index}]"
        member = check.table(item, where)
        if member is None:
            continue
        fields = check.fields(member, PANEL_MEMBER, where)
        name = fields["name"] or ""
        if name.casefold() in seen:
            check.note(f"{where}: duplicate panel member '{name}'")
        seen.add(name.casefold())
        conflicts = []
        for c_index, c_item in enumerate(fields["conflicts"] or []):
            c_where = f"{where}.conflicts[{c_index}]"
            c_table = check.table(c_item, c_where)
            if c_table is not None:
                c_got = check.fields(c_table, CONFLICT, c_where)
                conflicts.append(Conflict(c_got["candidate"] or "", c_got["note"]))
        role = ROLES[fields["role"] or PanelRole.MEMBER]
        members.append(
            PanelMember(name, role, conflicts, bool(fields["commissioner"]), email=fields["email"])
        )
    return members


# --- a candidate's marks and slots ---------------------------------------------------


def plain_marks(items: Any, stage_ids: frozenset[str]) -> list[Marks] | None:
    """Marks that keep every rule, built at once; None: check them (`marks`)."""
    found = []
    for table in items:
        values = _READ_MARKS(table, stage_ids)
        if values is None:
            return None
        assessment, member, agreed, scores, evidence = values
        if not (_by_one(member, agreed) and _whole(scores)):
            return None
        found.append(Marks(one_text(assessment), one_text(member), one_keys(scores), evidence))  # type: ignore[arg-type]
    return found


def _by_one(member: str | None, agreed: bool | None) -> bool:
    """Marks are one member's or (agreed = true) the panel's, never both or neither."""
    return (agreed is True) != (member is not None) and agreed is not False


def _whole(scores: dict[str, Any]) -> bool:
    """Every mark a whole number (exactly int: true is no mark) or a grade of the marking
    frame (`settle_grades` turns grades into numbers once the criteria are known)."""
    if _WHOLE.issuperset(map(type, scores.values())):
        return True
    return all(type(v) is int or (type(v) is str and v in FRAME_POINTS) for v in scores.values())


_WHOLE = frozenset({int})


def settle_grades(record: Record) -> list[str]:
    """Marks on the frame read as grades become their points; a grade given for a numbered
    criterion, or a number for a frame criterion, is a problem."""
    frame = {c.id for c in record.criteria if c.frame}
    grades = ", ".join(FRAME_GRADES)
    problems = []
    for candidate in record.candidates:
        for sheet in candidate.marks:
            scores: dict[str, Any] = sheet.scores
            if str in map(type, scores.values()):
                # A new table: the parsed data it came from stays as it was read.
                scores = sheet.scores = dict(scores)
            for criterion_id, mark in scores.items():
                if type(mark) is str:
                    if criterion_id in frame:
                        scores[criterion_id] = FRAME_POINTS[mark]
                    else:
                        problems.append(
                            f"candidate {candidate.id}: {criterion_id} = '{mark}' is a grade, "
                            "but that criterion is marked in numbers"
                        )
                elif criterion_id in frame:
                    problems.append(
                        f"candidate {candidate.id}: {criterion_id} = {mark} is not a grade of "
                        f"the marking frame ({grades})"
                    )
    return problems


def marks(check: Checker, raw: list[Any], where: str) -> list[Marks]:
    found = []
    for index, item in enumerate(raw):
        m_where = f"{where}.marks[{index}]"
        table = check.table(item, m_where)
        if table is None:
            continue
        got = check.fields(table, MARKS, m_where)
        if not _by_one(got["member"], got["agreed"]):
            check.note(f"{m_where}: give either 'member = \"NAME\"' or 'agreed = true'")
        scores = got["scores"] or {}
        if not _whole(scores):
            check.note(
                f"{m_where}.scores: expected whole-number marks or grades of the marking "
                f"frame ({', '.join(FRAME_GRADES)})"
            )
            scores = {}
        found.append(Marks(got["assessment"] or "", got["member"], scores, got["evidence"]))
    return found


def plain_slots(items: Any, stage_ids: frozenset[str]) -> list[Slot] | None:
    found = []
    for table in items:
        values = _READ_SLOT(table, stage_ids)
        if values is None:
            return None
        assessment, at, minutes, where, booked, rescheduled, cancelled = values
        minutes = 60 if minutes is None else minutes
        if at.tzinfo is not None or not 1 <= minutes <= MOST_SLOT_MINUTES:
            return None  # the checked path says what is wrong
        found.append(
            Slot(
                assessment,
                at,
                minutes,
                where,
                booked,
                rescheduled or 0,
                cancelled,
            )
        )
    return found


def slots(check: Checker, raw: list[Any], where: str) -> list[Slot]:
    found = []
    for index, item in enumerate(raw):
        s_where = f"{where}.slots[{index}]"
        table = check.table(item, s_where)
        if table is None:
            continue
        got = check.fields(table, SLOT, s_where)
        at = got["at"] or datetime(1970, 1, 1)
        if at.tzinfo is not None:
            check.note(f"{s_where}.at: write a local time without an offset")
        minutes = 60 if got["minutes"] is None else got["minutes"]
        if minutes < 1:
            check.note(f"{s_where}.minutes: must be at least 1")
        elif minutes > MOST_SLOT_MINUTES:
            check.note(f"{s_where}.minutes: must be at most {MOST_SLOT_MINUTES} (a day)")
        found.append(
            Slot(
                got["assessment"] or "",
                at,
                minutes,
                got["where"],
                got["booked"],
                got["rescheduled"] or 0,
                got["cancelled"],
            )
        )
    return found


# --- references across the record --------------------------------------------------


def reference_problems(record: Record) -> list[str]:
    """Marks for unknown criteria or members, conflicts with unknown candidates."""
    problems = []
    criteria_ids = {c.id for c in record.criteria}
    members = {m.name for m in record.panel}
    candidate_ids = {c.id for c in record.candidates}
    for member in record.panel:
        for conflict in member.conflicts:
            if conflict.candidate not in candidate_ids:
                problems.append(
                    f"panel: {member.name}'s conflict names unknown candidate "
                    f"'{conflict.candidate}'"
                )
    for candidate in record.candidates:
        for sheet in candidate.marks:
            unknown = sheet.scores.keys() - criteria_ids
            if unknown:
                problems.append(
                    f"candidate {candidate.id}: marks for unknown criteria "
                    f"{', '.join(sorted(unknown))}"
                )
            if sheet.member is not None and sheet.member not in members:
                problems.append(
                    f"candidate {candidate.id}: marks by '{sheet.member}', who is not on the panel"
                )
    return problems
