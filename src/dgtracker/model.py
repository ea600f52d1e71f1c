"""The campaign record as Python objects, and its exact mapping to and from TOML data.

`record_from_data` checks a parsed TOML document in one pass and lists every problem
with where it is; `record_to_data` gives the document back in a fixed order of keys and
records, so that the same record always becomes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeGuard

from dgtracker.dates import When
from dgtracker.text import problems_in_text

SCHEMA_VERSION = 1
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_REMINDER_DAYS = (14, 7, 3, 1, 0)
STAGE_KINDS = ("active", "appointed", "outcome")
_NO_OFFSET = timedelta(0)


@dataclass(slots=True)
class Campaign:
    id: str
    title: str
    organisation: str = ""
    grade: str = ""
    salary: str = ""
    timezone: str = DEFAULT_TIMEZONE
    description: str = ""


@dataclass(slots=True)
class Stage:
    id: str
    title: str
    kind: str = "active"  # active | appointed | outcome
    needs_reason: bool = False
    limit_days: int | None = None  # longest time a candidate should sit here


@dataclass(slots=True)
class MilestoneChange:
    at: datetime
    by: str
    change: str  # added | rescheduled | done | reopened
    before: str | None = None  # the schedule before, as a `when_spec`
    after: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Milestone:
    id: str
    title: str
    when: When = field(default_factory=When)
    done: date | None = None
    remind_days: tuple[int, ...] | None = None  # None: the default days
    history: list[MilestoneChange] = field(default_factory=list)


@dataclass(slots=True)
class Event:
    at: datetime  # when it was recorded (UTC)
    on: date  # the day it took effect
    by: str
    action: str  # added | moved | note | edited | purged
    stage: str | None = None  # the stage after the event
    from_stage: str | None = None
    note: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Candidate:
    id: str
    name: str
    stage: str
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    applied: date | None = None
    rank: int | None = None  # merit order on the reserve list
    history: list[Event] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [event.note for event in self.history if event.note]

    def stage_since(self) -> date | None:
        """The day the candidate entered the current stage."""
        for event in reversed(self.history):
            if event.action in {"moved", "added"}:
                return event.on
        return self.applied


@dataclass(slots=True)
class Retention:
    anonymise_after_months: int = 6
    reserve_months: int = 12


@dataclass(slots=True)
class Record:
    campaign: Campaign
    stages: list[Stage]
    milestones: list[Milestone] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    retention: Retention = field(default_factory=Retention)
    next_candidate_number: int = 1
    schema: int = SCHEMA_VERSION

    def stage(self, stage_id: str) -> Stage | None:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        return None


def default_stages() -> list[Stage]:
    return [
        Stage("applied", "Applied", limit_days=21),
        Stage("longlist", "Longlist (sift)", limit_days=14),
        Stage("shortlist", "Shortlist", limit_days=14),
        Stage("assessment", "Assessment", limit_days=21),
        Stage("interview", "Final interview", limit_days=14),
        Stage("preferred", "Preferred candidate", limit_days=14),
        Stage("offer", "Offer and checks", limit_days=42),
        Stage("appointed", "Appointed", kind="appointed"),
        Stage("reserve", "Reserve list", kind="outcome"),
        Stage("rejected", "Not progressed", kind="outcome", needs_reason=True),
        Stage("withdrawn", "Withdrawn", kind="outcome", needs_reason=True),
    ]


def candidate_id(number: int) -> str:
    return f"c{number:03d}"


# --- schedule <-> text -------------------------------------------------------------


def when_spec(when: When) -> str:
    """A schedule as text that `date_input.parse_when` reads back to the same schedule."""
    if when.start is None or when.end is None:
        return "tbc"
    if when.time is not None:
        return f"{when.start.isoformat()} {when.time:%H:%M}"
    if when.start == when.end:
        return when.start.isoformat()
    if when.label:
        return when.label
    return f"{when.start.isoformat()}..{when.end.isoformat()}"


# --- TOML data -> objects ----------------------------------------------------------


class _Checker:
    """Collects every problem found in one pass over the document."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def table(self, value: Any, where: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problems.append(f"{where}: expected a table")
        return None

    def keys(self, table: dict[str, Any], where: str, allowed: frozenset[str]) -> None:
        if allowed.issuperset(table):
            return
        for key in sorted(table.keys() - allowed):
            self.problems.append(f"{where}: unknown field '{key}'")

    def value(
        self,
        table: dict[str, Any],
        key: str,
        kind: type,
        where: str,
        required: bool = False,
    ) -> Any:
        value = table.get(key)
        if value is None:
            if required:
                self.problems.append(f"{where}: missing field '{key}'")
            return None
        # datetime is a subclass of date and bool of int: compare exact types.
        if type(value) is not kind:
            self.problems.append(
                f"{where}.{key}: expected {_KIND_NAMES[kind]}, found {_describe(value)}"
            )
            return None
        return value

    def text(
        self, table: dict[str, Any], key: str, where: str, required: bool = False, rule: str = ""
    ) -> str | None:
        value = self.value(table, key, str, where, required)
        if value is not None and rule:
            problem = problems_in_text(rule, value)
            if problem:
                self.problems.append(f"{where}.{key}: {problem}")
        return value  # type: ignore[no-any-return]


_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    date: "a date (2026-02-09)",
    datetime: "a date and time",
    list: "a list",
    dict: "a table",
}


def _describe(value: Any) -> str:
    return _KIND_NAMES.get(type(value), type(value).__name__)


_TOP_KEYS = frozenset(
    {
        "schema",
        "next_candidate_number",
        "campaign",
        "retention",
        "stages",
        "milestones",
        "candidates",
    }
)
_CAMPAIGN_KEYS = frozenset(
    {"id", "title", "organisation", "grade", "salary", "timezone", "description"}
)
_RETENTION_KEYS = frozenset({"anonymise_after_months", "reserve_months"})
_STAGE_KEYS = frozenset({"id", "title", "kind", "needs_reason", "limit_days"})
_MILESTONE_KEYS = frozenset(
    {"id", "title", "date", "at", "start", "end", "label", "tbc", "done", "remind_days", "history"}
)
_MILESTONE_CHANGE_KEYS = frozenset({"at", "by", "change", "before", "after", "reason"})
_CANDIDATE_KEYS = frozenset(
    {"id", "name", "email", "phone", "source", "applied", "stage", "rank", "history"}
)
_EVENT_KEYS = frozenset({"at", "on", "by", "action", "stage", "from_stage", "note", "reason"})
_EVENT_ACTIONS = frozenset({"added", "moved", "note", "edited", "purged"})


def record_from_data(data: dict[str, Any]) -> tuple[Record | None, list[str]]:
    """Build a Record from parsed TOML; return it with every problem found (none: valid)."""
    check = _Checker()
    check.keys(data, "record", _TOP_KEYS)
    schema = check.value(data, "schema", int, "record", required=True)
    if schema is not None and schema != SCHEMA_VERSION:
        check.problems.append(
            f"record.schema: version {schema} is not supported (this dgtracker reads "
            f"version {SCHEMA_VERSION})"
        )
    campaign = _campaign(check, data.get("campaign"))
    retention = _retention(check, data.get("retention", {}))
    stages = _stages(check, data.get("stages"))
    stage_ids = {stage.id for stage in stages}
    milestones = _milestones(check, data.get("milestones", []))
    candidates, highest = _candidates(check, data.get("candidates", []), stage_ids)
    next_number = check.value(data, "next_candidate_number", int, "record") or 1
    if check.problems or campaign is None:
        return None, check.problems
    record = Record(
        campaign=campaign,
        stages=stages,
        milestones=milestones,
        candidates=candidates,
        retention=retention,
        next_candidate_number=max(next_number, highest + 1),
    )
    return record, []


def _campaign(check: _Checker, raw: Any) -> Campaign | None:
    if raw is None:
        check.problems.append("record: missing table [campaign]")
        return None
    table = check.table(raw, "campaign")
    if table is None:
        return None
    check.keys(table, "campaign", _CAMPAIGN_KEYS)
    get = check.text
    zone = get(table, "timezone", "campaign") or DEFAULT_TIMEZONE
    if not _known_timezone(zone):
        check.problems.append(f"campaign.timezone: unknown time zone '{zone}'")
    return Campaign(
        id=get(table, "id", "campaign", required=True, rule="title") or "",
        title=get(table, "title", "campaign", required=True, rule="title") or "",
        organisation=get(table, "organisation", "campaign") or "",
        grade=get(table, "grade", "campaign") or "",
        salary=get(table, "salary", "campaign") or "",
        timezone=zone,
        description=get(table, "description", "campaign") or "",
    )


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def _retention(check: _Checker, raw: Any) -> Retention:
    table = check.table(raw, "retention")
    if table is None:
        return Retention()
    check.keys(table, "retention", _RETENTION_KEYS)
    months = check.value(table, "anonymise_after_months", int, "retention")
    reserve = check.value(table, "reserve_months", int, "retention")
    for key, value in (("anonymise_after_months", months), ("reserve_months", reserve)):
        if value is not None and value < 0:
            check.problems.append(f"retention.{key}: must not be negative")
    return Retention(
        anonymise_after_months=6 if months is None else months,
        reserve_months=12 if reserve is None else reserve,
    )


def _stages(check: _Checker, raw: Any) -> list[Stage]:
    if raw is None:
        check.problems.append("record: missing the stage list ([[stages]])")
        return []
    if not isinstance(raw, list) or not raw:
        check.problems.append("stages: expected a non-empty list of [[stages]] tables")
        return []
    stages: list[Stage] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"stages[{index}]"
        table = check.table(item, where)
        if table is None:
            continue
        stage_id = check.text(table, "id", where, required=True) or ""
        where = f"stages[{index}] ({stage_id})" if stage_id else where
        check.keys(table, where, _STAGE_KEYS)
        if stage_id in seen:
            check.problems.append(f"{where}: duplicate stage id '{stage_id}'")
        seen.add(stage_id)
        kind = check.text(table, "kind", where) or "active"
        if kind not in STAGE_KINDS:
            check.problems.append(f"{where}.kind: '{kind}' is not one of {', '.join(STAGE_KINDS)}")
        limit = check.value(table, "limit_days", int, where)
        if limit is not None and limit < 1:
            check.problems.append(f"{where}.limit_days: must be at least 1")
        stages.append(
            Stage(
                id=stage_id,
                title=check.text(table, "title", where, rule="title") or stage_id,
                kind=kind,
                needs_reason=bool(check.value(table, "needs_reason", bool, where)),
                limit_days=limit,
            )
        )
    return stages


def _when(check: _Checker, table: dict[str, Any], where: str) -> When:
    day = check.value(table, "date", date, where)
    at = check.value(table, "at", datetime, where)
    start = check.value(table, "start", date, where)
    end = check.value(table, "end", date, where)
    label = check.text(table, "label", where)
    tbc = check.value(table, "tbc", bool, where)
    given = [name for name in ("date", "at", "start", "tbc") if name in table]
    if len(given) != 1:
        check.problems.append(
            f"{where}: give exactly one of 'date', 'at', 'start' and 'end', or 'tbc = true'"
            + (f" (found {', '.join(given)})" if given else "")
        )
        return When()
    if given == ["tbc"] and tbc is False:
        check.problems.append(f"{where}.tbc: give a date instead of 'tbc = false'")
    if at is not None:
        if at.tzinfo is not None:
            check.problems.append(
                f"{where}.at: write a local time without an offset (the campaign's time zone "
                "applies)"
            )
        return When(at.date(), at.date(), time(at.hour, at.minute))
    if day is not None:
        return When(day, day)
    if start is not None:
        if end is None:
            check.problems.append(f"{where}: a window needs an 'end' date as well as 'start'")
            return When()
        if end < start:
            check.problems.append(f"{where}: the window ends before it starts")
        return When(start, end, None, label)
    return When()


def _milestones(check: _Checker, raw: Any) -> list[Milestone]:
    if not isinstance(raw, list):
        check.problems.append("milestones: expected a list of [[milestones]] tables")
        return []
    milestones: list[Milestone] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"milestones[{index}]"
        table = check.table(item, where)
        if table is None:
            continue
        milestone_id = check.text(table, "id", where, required=True) or ""
        where = f"milestones[{index}] ({milestone_id})" if milestone_id else where
        check.keys(table, where, _MILESTONE_KEYS)
        if milestone_id in seen:
            check.problems.append(f"{where}: duplicate milestone id '{milestone_id}'")
        seen.add(milestone_id)
        remind = check.value(table, "remind_days", list, where)
        if remind is not None and not all(type(d) is int and d >= 0 for d in remind):
            check.problems.append(f"{where}.remind_days: expected a list of whole days >= 0")
            remind = None
        history = []
        for h_index, h_item in enumerate(check.value(table, "history", list, where) or []):
            h_where = f"{where}.history[{h_index}]"
            h_table = check.table(h_item, h_where)
            if h_table is None:
                continue
            check.keys(h_table, h_where, _MILESTONE_CHANGE_KEYS)
            history.append(
                MilestoneChange(
                    at=_moment(check, h_table, h_where),
                    by=check.text(h_table, "by", h_where, required=True) or "",
                    change=check.text(h_table, "change", h_where, required=True) or "",
                    before=check.text(h_table, "before", h_where),
                    after=check.text(h_table, "after", h_where),
                    reason=check.text(h_table, "reason", h_where, rule="reason"),
                )
            )
        milestones.append(
            Milestone(
                id=milestone_id,
                title=check.text(table, "title", where, required=True, rule="title") or "",
                when=_when(check, table, where),
                done=check.value(table, "done", date, where),
                remind_days=tuple(remind) if remind is not None else None,
                history=history,
            )
        )
    return milestones


def _moment(check: _Checker, table: dict[str, Any], where: str) -> datetime:
    at = check.value(table, "at", datetime, where, required=True)
    if at is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    if at.tzinfo is None:
        check.problems.append(f"{where}.at: needs a UTC offset (for example 2026-02-02T09:30:00Z)")
    return at  # type: ignore[no-any-return]


def _candidates(check: _Checker, raw: Any, stage_ids: set[str]) -> tuple[list[Candidate], int]:
    if not isinstance(raw, list):
        check.problems.append("candidates: expected a list of [[candidates]] tables")
        return [], 0
    candidates: list[Candidate] = []
    seen: set[str] = set()
    highest = 0
    for index, item in enumerate(raw):
        plain = _plain_candidate(item, stage_ids)
        if plain is not None and plain.id not in seen:
            seen.add(plain.id)
            highest = max(highest, _id_number(plain.id))
            candidates.append(plain)
            continue
        where = f"candidates[{index}]"
        table = check.table(item, where)
        if table is None:
            continue
        cid = check.text(table, "id", where, required=True) or ""
        where = f"candidates[{index}] ({cid})" if cid else where
        check.keys(table, where, _CANDIDATE_KEYS)
        if cid in seen:
            check.problems.append(f"{where}: duplicate candidate id '{cid}'")
        seen.add(cid)
        highest = max(highest, _id_number(cid))
        stage = check.text(table, "stage", where, required=True) or ""
        if stage and stage not in stage_ids:
            check.problems.append(f"{where}.stage: unknown stage '{stage}'")
        history = _events(check, table, where, stage_ids)
        candidates.append(
            Candidate(
                id=cid,
                name=check.text(table, "name", where, required=True, rule="name") or "",
                stage=stage,
                email=check.text(table, "email", where, rule="email"),
                phone=check.text(table, "phone", where, rule="phone"),
                source=check.text(table, "source", where, rule="source"),
                applied=check.value(table, "applied", date, where),
                rank=check.value(table, "rank", int, where),
                history=history,
            )
        )
    return candidates, highest


def _id_number(cid: str) -> int:
    """The number in an id such as c042 (0 for any other id)."""
    return int(cid[1:]) if cid[:1] == "c" and cid[1:].isdigit() else 0


def _events(check: _Checker, table: dict[str, Any], where: str, stage_ids: set[str]) -> list[Event]:
    events = []
    for index, item in enumerate(check.value(table, "history", list, where) or []):
        plain = _plain_event(item, stage_ids)
        if plain is not None:
            events.append(plain)
            continue
        e_where = f"{where}.history[{index}]"
        e_table = check.table(item, e_where)
        if e_table is None:
            continue
        check.keys(e_table, e_where, _EVENT_KEYS)
        action = check.text(e_table, "action", e_where, required=True) or ""
        if action and action not in _EVENT_ACTIONS:
            check.problems.append(f"{e_where}.action: unknown action '{action}'")
        stage = check.text(e_table, "stage", e_where)
        from_stage = check.text(e_table, "from_stage", e_where)
        for key, value in (("stage", stage), ("from_stage", from_stage)):
            if value is not None and value not in stage_ids:
                check.problems.append(f"{e_where}.{key}: unknown stage '{value}'")
        events.append(
            Event(
                at=_moment(check, e_table, e_where),
                on=check.value(e_table, "on", date, e_where, required=True) or date(1970, 1, 1),
                by=check.text(e_table, "by", e_where, required=True) or "",
                action=action,
                stage=stage,
                from_stage=from_stage,
                note=check.text(e_table, "note", e_where, rule="note"),
                reason=check.text(e_table, "reason", e_where, rule="reason"),
            )
        )
    return events


# --- the fast path for what breaks no rule ------------------------------------------
# Most records break no rule, and a large one has tens of thousands of events. These
# build a candidate or an event straight from a table that plainly breaks none, in one
# pass with exact type checks; anything else returns None and goes through the checks
# above, which say what is wrong and where. Each condition mirrors a check there.


def _text_ok(value: Any, rule: str) -> TypeGuard[str]:
    return type(value) is str and problems_in_text(rule, value) is None


def _plain_event(table: Any, stage_ids: set[str]) -> Event | None:
    if type(table) is not dict or not _EVENT_KEYS.issuperset(table):
        return None
    get = table.get
    at, on, by, action = get("at"), get("on"), get("by"), get("action")
    stage, from_stage, note, reason = get("stage"), get("from_stage"), get("note"), get("reason")
    if not (
        type(at) is datetime
        and at.tzinfo is not None
        and type(on) is date
        and type(by) is str
        and type(action) is str
        and action in _EVENT_ACTIONS
        and (stage is None or (type(stage) is str and stage in stage_ids))
        and (from_stage is None or (type(from_stage) is str and from_stage in stage_ids))
        and (note is None or _text_ok(note, "note"))
        and (reason is None or _text_ok(reason, "reason"))
    ):
        return None
    return Event(at, on, by, action, stage, from_stage, note, reason)


def _plain_candidate(table: Any, stage_ids: set[str]) -> Candidate | None:
    if type(table) is not dict or not _CANDIDATE_KEYS.issuperset(table):
        return None
    get = table.get
    cid, name, stage, applied, rank = (
        get("id"),
        get("name"),
        get("stage"),
        get("applied"),
        get("rank"),
    )
    email, phone, source, raw_history = get("email"), get("phone"), get("source"), get("history")
    if not (
        type(cid) is str
        and _text_ok(name, "name")
        and type(stage) is str
        and stage in stage_ids
        and (email is None or _text_ok(email, "email"))
        and (phone is None or _text_ok(phone, "phone"))
        and (source is None or _text_ok(source, "source"))
        and (applied is None or type(applied) is date)
        and (rank is None or type(rank) is int)
        and (raw_history is None or type(raw_history) is list)
    ):
        return None
    history = []
    for item in raw_history or ():
        event = _plain_event(item, stage_ids)
        if event is None:
            return None
        history.append(event)
    return Candidate(cid, name, stage, email, phone, source, applied, rank, history)


# --- objects -> TOML data ----------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """Store moments in UTC, to the second: TOML cannot write offsets with seconds."""
    # Already so, as read from the record: kept as it is, so that a save finds unchanged
    # data identical. Only for a fixed offset (dst() is None): a zone with summer time can
    # also be at +00:00, yet its times in a clock change never compare equal to UTC ones.
    if not moment.microsecond and moment.dst() is None and moment.utcoffset() == _NO_OFFSET:
        return moment
    return moment.astimezone(UTC).replace(microsecond=0)


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        table[key] = value


def record_to_data(record: Record) -> dict[str, Any]:
    campaign = record.campaign
    data: dict[str, Any] = {
        "schema": record.schema,
        "next_candidate_number": record.next_candidate_number,
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "organisation": campaign.organisation,
            "grade": campaign.grade,
            "salary": campaign.salary,
            "timezone": campaign.timezone,
            "description": campaign.description,
        },
        "retention": {
            "anonymise_after_months": record.retention.anonymise_after_months,
            "reserve_months": record.retention.reserve_months,
        },
        "stages": [_stage_data(stage) for stage in record.stages],
        "milestones": [_milestone_data(m) for m in record.milestones],
        "candidates": [_candidate_data(c) for c in record.candidates],
    }
    return data


def _stage_data(stage: Stage) -> dict[str, Any]:
    table: dict[str, Any] = {"id": stage.id, "title": stage.title, "kind": stage.kind}
    if stage.needs_reason:
        table["needs_reason"] = True
    _put(table, "limit_days", stage.limit_days)
    return table


def _milestone_data(milestone: Milestone) -> dict[str, Any]:
    table: dict[str, Any] = {"id": milestone.id, "title": milestone.title}
    when = milestone.when
    if when.start is None or when.end is None:
        table["tbc"] = True
    elif when.time is not None:
        table["at"] = datetime.combine(when.start, when.time)
    elif when.start == when.end:
        table["date"] = when.start
    else:
        table["start"] = when.start
        table["end"] = when.end
        _put(table, "label", when.label)
    _put(table, "done", milestone.done)
    if milestone.remind_days is not None:
        table["remind_days"] = list(milestone.remind_days)
    if milestone.history:
        table["history"] = [
            _drop_none(
                {
                    "at": _utc(change.at),
                    "by": change.by,
                    "change": change.change,
                    "before": change.before,
                    "after": change.after,
                    "reason": change.reason,
                }
            )
            for change in milestone.history
        ]
    return table


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None}


def _candidate_data(candidate: Candidate) -> dict[str, Any]:
    table: dict[str, Any] = {"id": candidate.id, "name": candidate.name}
    _put(table, "email", candidate.email)
    _put(table, "phone", candidate.phone)
    _put(table, "source", candidate.source)
    _put(table, "applied", candidate.applied)
    table["stage"] = candidate.stage
    _put(table, "rank", candidate.rank)
    if candidate.history:
        table["history"] = [_event_data(event) for event in candidate.history]
    return table


def _event_data(event: Event) -> dict[str, Any]:
    # Built key by key, not filtered afterwards: a large record has tens of thousands.
    table = {"at": _utc(event.at), "on": event.on, "by": event.by, "action": event.action}
    if event.stage is not None:
        table["stage"] = event.stage
    if event.from_stage is not None:
        table["from_stage"] = event.from_stage
    if event.note is not None:
        table["note"] = event.note
    if event.reason is not None:
        table["reason"] = event.reason
    return table
