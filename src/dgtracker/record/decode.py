"""The record read from TOML data: every rule (record/field_rules.py) checked in one pass, and every
problem listed with where it is.

Tables that keep every rule are built straight away; any other is checked field by
field with the same rules, to say what is wrong. record/encode.py writes a record back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dgtracker.record import decode_milestones, decode_panel
from dgtracker.record.field_rules import (
    ACTIONS,
    ANSWER,
    BLIND,
    CAMPAIGN,
    CANDIDATE,
    EVENT,
    KEPT_ANSWER,
    KINDS,
    MAIL,
    MERGE_CONFLICT,
    MONITORING,
    RETENTION,
    STAGE,
    TOP,
    Checker,
    candidate_problems,
    compile_rules,
    history_problem,
)
from dgtracker.record.model import (
    DEFAULT_TIMEZONE,
    MONITORING_QUESTIONS,
    MOST_LIMIT_DAYS,
    MOST_RETENTION_MONTHS,
    SCHEMA_VERSION,
    Action,
    Answer,
    BlindSetting,
    Campaign,
    Candidate,
    Event,
    KeptAnswer,
    MergeConflict,
    Monitoring,
    Record,
    Retention,
    Stage,
    StageKind,
    default_monitoring,
)
from dgtracker.record.shared_values import one_day, one_text

# The fast path's checks, made once from the same rules the Checker applies.
_READ_CANDIDATE = compile_rules(CANDIDATE)
_READ_EVENT = compile_rules(EVENT)
_READ_ANSWER = compile_rules(ANSWER)

# --- TOML data -> objects ----------------------------------------------------------


def record_from_data(
    data: dict[str, Any], candidates: Iterator[Any] | None = None
) -> tuple[Record | None, list[str]]:
    """Build a Record from parsed TOML; return it with every problem found (none: valid).
    `candidates`: the candidates' data one at a time, when `data` is the rest of the
    record (record/text_pieces.read_in_pieces): each is let go once its objects are built."""
    check = Checker()
    top = check.fields(data, TOP, "record")
    schema = top["schema"]
    if schema is not None and schema != SCHEMA_VERSION:
        check.note(
            f"record.schema: version {schema} is not supported (this dgtracker reads "
            f"version {SCHEMA_VERSION})"
        )
    campaign = _campaign(check, data.get("campaign"))
    retention = _retention(check, data.get("retention", {}))
    mail_from = _mail_from(check, data.get("mail"))
    stages = _stages(check, data.get("stages"))
    check.stages = stages
    check.stage_ids = frozenset(stage.id for stage in stages)
    blind = _blind(check, data.get("blind", []))
    criteria = decode_panel.criteria(check, data.get("criteria"))
    panel = decode_panel.panel(check, data.get("panel"))
    milestones = decode_milestones.milestones(check, data.get("milestones", []))
    conflicts = _conflicts(check, data.get("conflicts", []))
    check.unsettled = {c.path[1] for c in conflicts if c.path[0::2] == ["candidates", "stage"]}
    monitoring = _monitoring(check, data.get("monitoring"))
    raw = data.get("candidates", []) if candidates is None else candidates
    built, highest = _candidates(check, raw)
    _check_answers(check, built, monitoring or default_monitoring())
    next_number = top["next_candidate_number"] or 1
    if check.problems or campaign is None:
        return None, check.problems
    record = Record(
        campaign=campaign,
        stages=stages,
        milestones=milestones,
        candidates=built,
        retention=retention,
        next_candidate_number=max(next_number, highest + 1),
        criteria=criteria,
        panel=panel,
        conflicts=conflicts,
        mail_from=mail_from,
        monitoring=monitoring,
        blind=blind,
    )
    problems = decode_panel.reference_problems(record) + decode_panel.settle_grades(record)
    return (None, problems) if problems else (record, [])


def _monitoring(check: Checker, raw: Any) -> Monitoring | None:
    """The monitoring policy: each question's allowed values, and the answers kept."""
    if raw is None:
        return None
    table = check.table(raw, "monitoring")
    if table is None:
        return None
    got = check.fields(table, MONITORING, "monitoring")
    questions: dict[str, tuple[str, ...]] = {}
    for question, values in (got["questions"] or {}).items():
        if (
            not isinstance(values, list)
            or not values
            or not all(type(value) is str and value for value in values)
        ):
            check.note(f"monitoring.questions.{question}: expected a list of allowed values")
            continue
        questions[question] = tuple(values)
    kept = []
    for index, item in enumerate(got["kept"] or []):
        where = f"monitoring.kept[{index}]"
        entry = check.table(item, where)
        if entry is None:
            continue
        fields = check.fields(entry, KEPT_ANSWER, where)
        reached = fields["reached"] or []
        if not all(type(stage) is str for stage in reached):
            check.note(f"{where}.reached: expected a list of stage names")
            continue
        kept.append(
            KeptAnswer(
                fields["question"] or "",
                fields["value"] or "",
                tuple(reached),
                fields["token"] or "",
            )
        )
    return Monitoring(questions=questions or dict(MONITORING_QUESTIONS), kept=kept)


def _answers(check: Checker, raw: Any, where: str) -> list[Answer]:
    answers = []
    for index, item in enumerate(raw or []):
        a_where = f"{where}.monitoring[{index}]"
        table = check.table(item, a_where)
        if table is None:
            continue
        got = check.fields(table, ANSWER, a_where)
        answers.append(
            Answer(
                at=got["at"] or datetime(1970, 1, 1, tzinfo=UTC),
                on=got["on"] or date(1970, 1, 1),
                question=got["question"] or "",
                value=got["value"] or "",
            )
        )
    return answers


def _check_answers(check: Checker, candidates: list[Candidate], policy: Monitoring) -> None:
    """Every answer is to a question of the policy, with one of its allowed values."""
    for candidate in candidates:
        for index, answer in enumerate(candidate.monitoring):
            allowed = policy.questions.get(answer.question)
            where = f"candidates ({candidate.id}).monitoring[{index}]"
            if allowed is None:
                check.note(f"{where}.question: '{answer.question}' is not a monitoring question")
            elif answer.value not in allowed:
                check.note(f"{where}.value: '{answer.value}' is not one of {', '.join(allowed)}")


def _campaign(check: Checker, raw: Any) -> Campaign | None:
    if raw is None:
        check.note("record: missing table [campaign]")
        return None
    table = check.table(raw, "campaign")
    if table is None:
        return None
    got = check.fields(table, CAMPAIGN, "campaign")
    zone = got["timezone"] or DEFAULT_TIMEZONE
    if not _known_timezone(zone):
        check.note(f"campaign.timezone: unknown time zone '{zone}'")
    return Campaign(
        id=got["id"] or "",
        title=got["title"] or "",
        organisation=got["organisation"] or "",
        grade=got["grade"] or "",
        salary=got["salary"] or "",
        timezone=zone,
        description=got["description"] or "",
        calendar=got["calendar"] or None,
        band=got["band"] or "",
        external=bool(got["external"]),
    )


def _known_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def _retention(check: Checker, raw: Any) -> Retention:
    table = check.table(raw, "retention")
    if table is None:
        return Retention()
    got = check.fields(table, RETENTION, "retention")
    for key, value in got.items():
        if value is not None and value < 0:
            check.note(f"retention.{key}: must not be negative")
        elif value is not None and value > MOST_RETENTION_MONTHS:
            check.note(f"retention.{key}: must be at most {MOST_RETENTION_MONTHS} (100 years)")
    months, reserve = got["anonymise_after_months"], got["reserve_months"]
    return Retention(
        anonymise_after_months=6 if months is None else months,
        reserve_months=12 if reserve is None else reserve,
    )


def _mail_from(check: Checker, raw: Any) -> str | None:
    if raw is None:
        return None
    table = check.table(raw, "mail")
    if table is None:
        return None
    sender: str | None = check.fields(table, MAIL, "mail")["from"]
    return sender or None


def _stages(check: Checker, raw: Any) -> list[Stage]:
    if raw is None:
        check.note("record: missing the stage list ([[stages]])")
        return []
    if not isinstance(raw, list) or not raw:
        check.note("stages: expected a non-empty list of [[stages]] tables")
        return []
    stages: list[Stage] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        read = check.item(item, f"stages[{index}]", STAGE, seen, "stage")
        if read is None:
            continue
        _, got, where, stage_id = read
        limit = got["limit_days"]
        if limit is not None and limit < 1:
            check.note(f"{where}.limit_days: must be at least 1")
        elif limit is not None and limit > MOST_LIMIT_DAYS:
            check.note(f"{where}.limit_days: must be at most {MOST_LIMIT_DAYS} (100 years)")
        stages.append(
            Stage(
                id=got["id"] or "",
                title=got["title"] or stage_id,
                kind=KINDS[got["kind"] or StageKind.ACTIVE],
                needs_reason=bool(got["needs_reason"]),
                limit_days=limit,
                share_reason=bool(got["share_reason"]),
            )
        )
    return stages


def _candidates(check: Checker, raw: Any) -> tuple[list[Candidate], int]:
    if not isinstance(raw, list | Iterator):  # an Iterator: read_in_pieces's, each a table
        check.note("candidates: expected a list of [[candidates]] tables")
        return [], 0
    candidates: list[Candidate] = []
    seen: set[str] = set()
    highest = 0
    stage_ids = check.stage_ids
    stages = {stage.id: stage for stage in check.stages}
    for index, item in enumerate(raw):
        plain = _plain_candidate(item, stage_ids)
        if plain is not None and plain.id not in seen:
            seen.add(plain.id)
            highest = max(highest, id_number(plain.id))
            candidates.append(plain)
            _note_candidate_problems(check, plain, stages, f"candidates[{index}] ({plain.id})")
            continue
        read = check.item(item, f"candidates[{index}]", CANDIDATE, seen, "candidate")
        if read is None:
            continue
        _, got, where, cid = read
        highest = max(highest, id_number(cid))
        candidates.append(
            Candidate(
                id=got["id"] or "",
                name=got["name"] or "",
                stage=got["stage"] or "",
                email=got["email"],
                phone=got["phone"],
                source=got["source"],
                applied=got["applied"],
                rank=got["rank"],
                history=_events(check, got["history"] or [], where),
                marks=decode_panel.marks(check, got["marks"] or [], where),
                slots=decode_panel.slots(check, got["slots"] or [], where),
                aliases=_aliases(check, got["aliases"], where),
                disability_confident=bool(got["disability_confident"]),
                adjustments=got["adjustments"],
                monitoring=_answers(check, got["monitoring"], where),
            )
        )
        _note_candidate_problems(check, candidates[-1], stages, where)
        settled = cid not in check.unsettled
        history = candidates[-1].history
        if got["stage"] and (problem := history_problem(got["stage"], history, settled)):
            check.note(f"{where}: {problem}")
    return candidates, highest


def _aliases(check: Checker, raw: list[Any] | None, where: str) -> list[str]:
    if raw is None:
        return []
    if not all(type(alias) is str for alias in raw):
        check.note(f"{where}.aliases: expected a list of candidate ids")
        return []
    return list(raw)


def _blind(check: Checker, raw: Any) -> list[BlindSetting]:
    if not isinstance(raw, list):
        check.note("blind: expected a list of [[blind]] tables")
        return []
    settings = []
    for index, item in enumerate(raw):
        where = f"blind[{index}]"
        table = check.table(item, where)
        if table is None:
            continue
        got = check.fields(table, BLIND, where)
        if got["at"] is None or got["on"] is None:
            continue  # noted as missing by the checker
        settings.append(
            BlindSetting(at=got["at"], on=got["on"], by=got["by"] or "", until=got["until"])
        )
    return settings


def _conflicts(check: Checker, raw: Any) -> list[MergeConflict]:
    if not isinstance(raw, list):
        check.note("conflicts: expected a list of [[conflicts]] tables")
        return []
    conflicts = []
    for index, item in enumerate(raw):
        where = f"conflicts[{index}]"
        table = check.table(item, where)
        if table is None:
            continue
        got = check.fields(table, MERGE_CONFLICT, where)
        path = got["path"] or []
        if not path or not all(type(step) is str for step in path):
            check.note(f"{where}.path: expected a list of names and ids")
        conflicts.append(
            MergeConflict(
                id=got["id"] or "",
                path=list(path),
                ours=got["ours"],
                theirs=got["theirs"],
                base=got["base"],
                ours_by=got["ours_by"],
                ours_at=got["ours_at"],
                theirs_by=got["theirs_by"],
                theirs_at=got["theirs_at"],
            )
        )
    return conflicts


def _note_candidate_problems(
    check: Checker, candidate: Candidate, stages: dict[str, Stage], where: str
) -> None:
    settled = candidate.id not in check.unsettled
    for problem in candidate_problems(candidate, stages, settled):
        check.note(f"{where}.{problem}")


def id_number(cid: str) -> int:
    """The number in an id such as c042 (0 for any other id). Decimal digits, as `int`
    reads them: "c²" is a digit to `isdigit` and no number to `int`."""
    return int(cid[1:]) if cid[:1] == "c" and cid[1:].isdecimal() else 0


def highest_id_number(ids: Iterable[str]) -> int:
    """The highest `id_number` of `ids` (0 for none), with the per-id work in C: a change
    checks it over every candidate (at 10,000, 5 ms one id at a time, 3 ms so)."""
    numbered = [cid[1:] for cid in ids if cid[:1] == "c"]
    return max(map(int, filter(str.isdecimal, numbered)), default=0)


def _events(check: Checker, raw: list[Any], where: str) -> list[Event]:
    events = []
    for index, item in enumerate(raw):
        plain = _plain_event(item, check.stage_ids)
        if plain is not None:
            events.append(plain)
            continue
        e_where = f"{where}.history[{index}]"
        table = check.table(item, e_where)
        if table is None:
            continue
        got = check.fields(table, EVENT, e_where)
        events.append(
            Event(
                at=got["at"] or datetime(1970, 1, 1, tzinfo=UTC),
                on=got["on"] or date(1970, 1, 1),
                by=got["by"] or "",
                action=ACTIONS.get(got["action"] or "", Action.NOTE),
                stage=got["stage"],
                from_stage=got["from_stage"],
                note=got["note"],
                reason=got["reason"],
                rank=got["rank"],
                undoes=got["undoes"],
                was=got["was"],
                recorded=got["recorded"],
                letter=got["letter"],
                subject=got["subject"],
                sent=got["sent"],
            )
        )
    return events


# The fast path: a table that keeps every rule (read by the Checker's own rules, compiled
# once) is built at once; None sends it through the checks above, which say what is wrong.


def _plain_event(table: Any, stage_ids: frozenset[str]) -> Event | None:
    values = _READ_EVENT(table, stage_ids)
    if values is None:
        return None
    at, on, by, action, stage, from_stage, note, reason, rank, undoes, was, recorded = values[:12]
    letter, subject, sent = values[12:]
    return Event(
        at,
        one_day(on),  # type: ignore[arg-type]  # required: never None here
        one_text(by),  # type: ignore[arg-type]
        ACTIONS[action],
        one_text(stage),
        one_text(from_stage),
        note,
        reason,
        rank,
        undoes,
        was,
        one_day(recorded),
        letter,
        subject,
        sent,
    )


def _same_moment(kept: datetime, read: datetime) -> bool:
    """The same moment written the same way (the same offset object and fold): either may
    stand for the other."""
    return kept.tzinfo is read.tzinfo and kept.fold == read.fold and kept == read


def _plain_candidate(table: Any, stage_ids: frozenset[str]) -> Candidate | None:
    values = _READ_CANDIDATE(table, stage_ids)
    if values is None:
        return None
    (cid, name, email, phone, source, applied, stage, rank) = values[:8]
    raw_history, raw_marks, raw_slots, aliases, confident, adjustments, raw_answers = values[8:]
    answers: list[Answer] = []
    for item in raw_answers or ():
        read = _READ_ANSWER(item, stage_ids)
        if read is None:
            return None
        at, on, question, value = read
        if answers and _same_moment(answers[-1].at, at):  # given together: one object
            at = answers[-1].at
        # the questions and their values are a few, shared (record/shared_values.py)
        answers.append(Answer(at, one_day(on), one_text(question), one_text(value)))  # type: ignore[arg-type]
    history = []
    for item in raw_history or ():
        event = _plain_event(item, stage_ids)
        if event is None:
            return None
        history.append(event)
    marks = decode_panel.plain_marks(raw_marks or (), stage_ids)
    slots = decode_panel.plain_slots(raw_slots or (), stage_ids)
    if marks is None or slots is None:
        return None
    if aliases is not None and not all(type(alias) is str for alias in aliases):
        return None
    if history_problem(stage, history) is not None:
        return None  # the checks above say what is wrong
    return Candidate(
        cid,
        name,
        stage,
        email,
        phone,
        source,
        applied,
        rank,
        history,
        marks,
        slots,
        list(aliases) if aliases else [],
        bool(confident),
        adjustments,
        answers,
    )
