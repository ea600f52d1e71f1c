"""A record as TOML data, in a fixed order of keys and records, so that the same record
always becomes the same bytes (record/storage.py writes them; record/decode.py reads them back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from dgtracker.record.model import (
    FRAME_GRADES,
    BlindSetting,
    Candidate,
    Criterion,
    Event,
    Marks,
    MergeConflict,
    Milestone,
    Monitoring,
    PanelMember,
    Record,
    Slot,
    Stage,
)

_NO_OFFSET = timedelta(0)


def _utc(moment: datetime) -> datetime:
    """Store moments in UTC, to the second: TOML cannot write offsets with seconds."""
    # Already so, as read from the record: kept as it is, so that a save finds unchanged
    # data identical. Only for a fixed offset (dst() is None): a zone with summer time can
    # also be at +00:00, yet its times in a clock change never compare equal to UTC ones.
    # (UTC itself, as the record reads back, is asked first: most moments are in it.)
    if not moment.microsecond and (
        moment.tzinfo is UTC or (moment.dst() is None and moment.utcoffset() == _NO_OFFSET)
    ):
        return moment
    return moment.astimezone(UTC).replace(microsecond=0)


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        table[key] = value


class CandidatesData(Sequence[dict[str, Any]]):
    """The candidates' data, each made when it is asked for: a save goes through them one
    at a time, so that the record is never held whole as data beside its objects."""

    def __init__(self, candidates: list[Candidate], frame: set[str]) -> None:
        self._candidates, self._frame = candidates, frame

    def __len__(self) -> int:
        return len(self._candidates)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [_candidate_data(c, self._frame) for c in self._candidates[index]]
        return _candidate_data(self._candidates[index], self._frame)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        frame = self._frame
        return (_candidate_data(c, frame) for c in self._candidates)


def record_to_data(record: Record, *, one_at_a_time: bool = False) -> dict[str, Any]:
    """The record as TOML data; `one_at_a_time`: its candidates as CandidatesData."""
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
    }
    if record.mail_from:  # only once set: a record without it keeps its bytes
        data["mail"] = {"from": record.mail_from}
    _put(data["campaign"], "calendar", campaign.calendar)
    if campaign.band:  # written once said: a record without them keeps its bytes
        data["campaign"]["band"] = campaign.band
    if campaign.external:
        data["campaign"]["external"] = True
    if record.blind:  # only once set: a record without it keeps the bytes it always had
        data["blind"] = [_blind_data(setting) for setting in record.blind]
    # The panel's tables only once there is something in them: a record without them
    # keeps the bytes it always had.
    if record.criteria:
        data["criteria"] = [_criterion_data(c) for c in record.criteria]
    if record.panel:
        data["panel"] = {"members": [_member_data(m) for m in record.panel]}
    if record.conflicts:  # merge conflicts waiting for `resolve`
        data["conflicts"] = [_conflict_data(conflict) for conflict in record.conflicts]
    if record.monitoring is not None:  # written at `init`; older records use the default
        data["monitoring"] = _monitoring_data(record.monitoring)
    data["milestones"] = [_milestone_data(m) for m in record.milestones]
    frame = {c.id for c in record.criteria if c.frame}
    if one_at_a_time:
        data["candidates"] = CandidatesData(record.candidates, frame)
    else:
        data["candidates"] = [_candidate_data(c, frame) for c in record.candidates]
    return data


def _blind_data(setting: BlindSetting) -> dict[str, Any]:
    table: dict[str, Any] = {"at": _utc(setting.at), "on": setting.on, "by": setting.by}
    _put(table, "until", setting.until)
    return table


def _criterion_data(criterion: Criterion) -> dict[str, Any]:
    table: dict[str, Any] = {
        "id": criterion.id,
        "title": criterion.title,
        "kind": criterion.kind,
        "scale": "frame" if criterion.frame else [criterion.low, criterion.high],
        "bar": criterion.bar,
        "assess": list(criterion.assess),
        "weight": criterion.weight,
    }
    if criterion.frame:
        del table["bar"]  # always C on the frame
    if criterion.lead:
        table["lead"] = True
    _put(table, "changed", criterion.changed)
    return table


def _member_data(member: PanelMember) -> dict[str, Any]:
    table: dict[str, Any] = {"name": member.name, "role": member.role}
    if member.commissioner:
        table["commissioner"] = True
    _put(table, "email", member.email)
    if member.conflicts:
        table["conflicts"] = [
            _drop_none({"candidate": c.candidate, "note": c.note}) for c in member.conflicts
        ]
    return table


def _conflict_data(conflict: MergeConflict) -> dict[str, Any]:
    table: dict[str, Any] = {"id": conflict.id, "path": list(conflict.path)}
    _put(table, "ours", conflict.ours)
    _put(table, "theirs", conflict.theirs)
    _put(table, "base", conflict.base)
    _put(table, "ours_by", conflict.ours_by)
    _put(table, "ours_at", None if conflict.ours_at is None else _utc(conflict.ours_at))
    _put(table, "theirs_by", conflict.theirs_by)
    _put(table, "theirs_at", None if conflict.theirs_at is None else _utc(conflict.theirs_at))
    return table


def _stage_data(stage: Stage) -> dict[str, Any]:
    table: dict[str, Any] = {"id": stage.id, "title": stage.title, "kind": stage.kind}
    if stage.needs_reason:
        table["needs_reason"] = True
    _put(table, "limit_days", stage.limit_days)
    if stage.share_reason:
        table["share_reason"] = True
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
    _put(table, "removed", milestone.removed)
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
                    "on": change.on,
                }
            )
            for change in milestone.history
        ]
    return table


def _monitoring_data(monitoring: Monitoring) -> dict[str, Any]:
    table: dict[str, Any] = {
        "questions": {question: list(values) for question, values in monitoring.questions.items()}
    }
    if monitoring.kept:  # sorted: the file's order says nothing about who gave which
        kept = sorted(monitoring.kept, key=lambda k: (k.question, k.value, k.reached, k.token))
        table["kept"] = [
            {"question": k.question, "value": k.value, "reached": list(k.reached), "token": k.token}
            for k in kept
        ]
    return table


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None}


def _candidate_data(candidate: Candidate, frame: set[str]) -> dict[str, Any]:
    table: dict[str, Any] = {"id": candidate.id, "name": candidate.name}
    _put(table, "email", candidate.email)
    _put(table, "phone", candidate.phone)
    _put(table, "source", candidate.source)
    _put(table, "applied", candidate.applied)
    table["stage"] = candidate.stage
    _put(table, "rank", candidate.rank)
    if candidate.aliases:
        table["aliases"] = list(candidate.aliases)
    if candidate.history:
        table["history"] = [event_data(event) for event in candidate.history]
    if candidate.marks:
        table["marks"] = [_marks_data(sheet, frame) for sheet in candidate.marks]
    if candidate.slots:
        table["slots"] = [_slot_data(slot) for slot in candidate.slots]
    if candidate.disability_confident:
        table["disability_confident"] = True
    _put(table, "adjustments", candidate.adjustments)
    if candidate.monitoring:
        table["monitoring"] = [
            {"at": _utc(a.at), "on": a.on, "question": a.question, "value": a.value}
            for a in candidate.monitoring
        ]
    return table


def _marks_data(sheet: Marks, frame: set[str]) -> dict[str, Any]:
    table: dict[str, Any] = {"assessment": sheet.assessment}
    if sheet.member is None:
        table["agreed"] = True
    else:
        table["member"] = sheet.member
    table["scores"] = (
        {
            cid: FRAME_GRADES[len(FRAME_GRADES) - m] if cid in frame else m
            for cid, m in sheet.scores.items()
        }
        if frame
        else dict(sheet.scores)
    )
    _put(table, "evidence", sheet.evidence)
    return table


def _slot_data(slot: Slot) -> dict[str, Any]:
    table: dict[str, Any] = {"assessment": slot.assessment, "at": slot.at, "minutes": slot.minutes}
    _put(table, "where", slot.where)
    if slot.booked is not None:
        table["booked"] = _utc(slot.booked)
    if slot.rescheduled:
        table["rescheduled"] = slot.rescheduled
    if slot.cancelled is not None:
        table["cancelled"] = _utc(slot.cancelled)
    return table


def event_data(event: Event) -> dict[str, Any]:
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
    if event.rank is not None:
        table["rank"] = event.rank
    if event.undoes is not None:
        table["undoes"] = event.undoes
    if event.was is not None:
        table["was"] = dict(event.was)
    if event.recorded is not None:
        table["recorded"] = event.recorded
    if event.letter is not None:
        table["letter"] = event.letter
    if event.subject is not None:
        table["subject"] = event.subject
    if event.sent is not None:
        table["sent"] = event.sent
    return table
