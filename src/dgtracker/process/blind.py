"""The name-blind sift: which candidates the panel sees by id only, and the record as the
panel reads it.

While the sift is blind until a stage, every candidate who has not reached that stage is
shown by id alone: no name, email, phone or source, and every mention of them in the
record's free text (notes, reasons, earlier values, evidence, where slots are, milestone
titles, the panel's conflict notes) hidden. `blind_view` makes that copy of the record
once, before any table, sheet, agenda or report sees it, so no renderer can forget a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from dgtracker.compared import FrozenCompared
from dgtracker.errors import Refused
from dgtracker.record.model import (
    BlindSetting,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    PanelMember,
    Record,
    Slot,
    StageKind,
    moves_that_stand,
)

if TYPE_CHECKING:
    from dgtracker.record.mentions import Identifiers

HIDDEN = "[name hidden]"  # what a mention of a blinded candidate reads as
# A hidden candidate's own details: left out, and so are the values an edit replaced.
_CONTACT_FIELDS = ("name", "email", "phone", "source")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class BlindView(FrozenCompared):
    """The record as a reader sees it, and what was hidden from it or revealed to them."""

    record: Record
    until: str | None  # the stage names show from; None: the sift is not blind
    hidden: frozenset[str] = frozenset()  # ids shown by id only
    revealed: frozenset[str] = frozenset()  # ids the sift holds blind, shown by --reveal

    def blinded(self, candidate_id: str) -> bool:
        return candidate_id in self.hidden

    def was_revealed(self, candidate_id: str) -> bool:
        return candidate_id in self.revealed


def in_force(record: Record) -> BlindSetting | None:
    """The setting in force (the latest made), or None when the sift was never blind."""
    return record.blind[-1] if record.blind else None


def blind_until(record: Record) -> str | None:
    """The stage names show from, or None when the sift is not blind."""
    setting = in_force(record)
    return setting.until if setting is not None else None


def set_blind(
    record: Record, typed: str | None, *, by: str, now: datetime, today: date
) -> BlindSetting | None:
    """Make the sift blind until the stage typed (None: open it). None when it already was so."""
    # Here, not at the top: every read the panel sees makes the blind view, and needs
    # none of the candidate actions (nor the field rules they load).
    from dgtracker.process.candidate_actions import resolve_stage

    until = None if typed is None else resolve_stage(record, typed)
    if until is not None:
        stage = record.stage(until)
        if stage is not None and stage.kind == StageKind.OUTCOME:
            raise Refused(
                f"'{until}' is an outcome, not a stage of the process: names would never show.",
                hint="Choose the stage the panel learns names at, such as shortlist.",
            )
    if blind_until(record) == until:
        return None
    setting = BlindSetting(at=now, on=today, by=by, until=until)
    record.blind.append(setting)
    return setting


def _process_order(record: Record) -> dict[str, int]:
    """Each stage of the process (outcomes left out) by its place in the record."""
    order: dict[str, int] = {}
    for stage in record.stages:
        if stage.kind != StageKind.OUTCOME:
            order[stage.id] = len(order)
    return order


def reached(candidate: Candidate, until: str, order: dict[str, int]) -> bool:
    """Whether the candidate has reached stage `until` (or one after it). An outcome counts
    as the stage it was reached from: rejected at the sift has not reached the shortlist."""
    bar = order.get(until)
    if bar is None:
        return True
    places = [order.get(e.stage or "", -1) for e in moves_that_stand(candidate.history)]
    places.append(order.get(candidate.stage, -1))
    return max(places) >= bar


def hidden_ids(record: Record) -> frozenset[str]:
    """The candidates the sift holds blind now: by id only to the panel."""
    until = blind_until(record)
    if until is None:
        return frozenset()
    order = _process_order(record)
    return frozenset(c.id for c in record.candidates if not reached(c, until, order))


def blind_view(record: Record, *, reveal: bool = False) -> BlindView:
    """The record as the panel may read it: each candidate the sift holds blind by id only,
    and their mentions hidden everywhere. `reveal`: the record as it is (for the
    recruitment team), saying who was revealed."""
    until = blind_until(record)
    hidden = hidden_ids(record)
    if not hidden:
        return BlindView(record, until)
    if reveal:
        return BlindView(record, until, revealed=hidden)
    # Only a record with someone to hide finds their mentions: a read of any other record
    # (`show`, `candidates`) loads no mentions (start-up budget).
    from dgtracker.record.mentions import (
        Identifiers,
        name_words,
        person_identifiers,
        redact,
        redact_value,
    )

    shared = name_words(record)
    who = Identifiers.joined(
        person_identifiers(c, record, shared) for c in record.candidates if c.id in hidden
    )

    said: dict[str, str] = {}  # the same note or reason recurs: each text redacted once

    def hide(text: str | None) -> str | None:
        if not text:
            return text
        shown = said.get(text)
        if shown is None:
            shown = said[text] = redact(text, who, HIDDEN)
        return shown

    view = replace(
        record,
        candidates=[_candidate(c, c.id in hidden, hide) for c in record.candidates],
        milestones=[
            _milestone(m, place, who, hide) for place, m in enumerate(record.milestones, 1)
        ],
        panel=[_member(member, hide) for member in record.panel],
        conflicts=[
            replace(
                conflict,
                ours=redact_value(conflict.ours, who),
                theirs=redact_value(conflict.theirs, who),
                base=redact_value(conflict.base, who),
            )
            for conflict in record.conflicts
        ],
    )
    return BlindView(view, until, hidden=hidden)


def blind_said(view: BlindView) -> str | None:
    """What the name-blind sift did to an output, in a sentence (None: nothing)."""
    stage = view.record.stage(view.until) if view.until else None
    title = stage.title if stage else view.until
    if view.revealed:
        return (
            f"Names revealed: the sift is name-blind until {title}, and "
            f"{len(view.revealed)} candidate(s) not yet there are shown by name for the "
            "recruitment team. Do not send this to the panel."
        )
    if view.hidden:
        return (
            f"Name-blind sift: {len(view.hidden)} candidate(s) not yet at {title} are shown "
            "by id only."
        )
    return None


Hide = Callable[[str | None], str | None]


def _candidate(candidate: Candidate, blinded: bool, hide: Hide) -> Candidate:
    return replace(
        candidate,
        name="" if blinded else candidate.name,
        email=None if blinded else candidate.email,
        phone=None if blinded else candidate.phone,
        source=None if blinded else hide(candidate.source),
        history=[_event(event, blinded, hide) for event in candidate.history],
        marks=[replace(sheet, evidence=hide(sheet.evidence)) for sheet in candidate.marks],
        slots=[_slot(slot, hide) for slot in candidate.slots],
    )


def _slot(slot: Slot, hide: Hide) -> Slot:
    where = hide(slot.where)
    return slot if where == slot.where else replace(slot, where=where)


def _event(event: Event, blinded: bool, hide: Hide) -> Event:
    note, reason, was = hide(event.note), hide(event.reason), event.was
    if was:
        was = {
            key: (
                value
                if key == "applied"
                else ("" if blinded and key in _CONTACT_FIELDS else hide(value) or "")
            )
            for key, value in was.items()
        }
    if note == event.note and reason == event.reason and was == event.was:
        return event  # nothing hidden in it: the same event (most are; replace is slow)
    return replace(event, note=note, reason=reason, was=was)


def _milestone(milestone: Milestone, place: int, who: Identifiers, hide: Hide) -> Milestone:
    # `milestone add` makes ids from titles ("call-charlotte-bront"): such an id is shown
    # by the milestone's place instead, as a purge names it
    from dgtracker.record.mentions import may_name

    shown = f"milestone-{place}" if may_name(milestone.id, who) else milestone.id
    return replace(
        milestone,
        id=shown,
        title=hide(milestone.title) or milestone.title,
        history=[_milestone_change(change, hide) for change in milestone.history],
    )


def _milestone_change(change: MilestoneChange, hide: Hide) -> MilestoneChange:
    if change.change != MilestoneChangeKind.RENAMED:  # before and after are schedules
        return replace(change, reason=hide(change.reason))
    return replace(
        change, reason=hide(change.reason), before=hide(change.before), after=hide(change.after)
    )


def _member(member: PanelMember, hide: Hide) -> PanelMember:
    return replace(member, conflicts=[replace(c, note=hide(c.note)) for c in member.conflicts])
