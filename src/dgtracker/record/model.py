"""The campaign record as Python objects: what a record holds, and nothing about files.

record/decode.py maps these to and from TOML data and states the rules every record keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from dgtracker.compared import Compared
from dgtracker.dates import When

SCHEMA_VERSION = 1
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_REMINDER_DAYS = (14, 7, 3, 1, 0)
RESERVE_STAGE = "reserve"  # the stage id of the reserve list, ordered by rank
# The longest a record's spans may be: a slot a day at most (as `schedule --minutes`), a
# stage's limit and the retention's months 100 years. A day after them is one Python's
# calendar has (a record's days end in 2999), where larger ones ran past its end.
MOST_SLOT_MINUTES = 24 * 60
MOST_LIMIT_DAYS = 36_525
MOST_RETENTION_MONTHS = 1_200


class StageKind(StrEnum):
    """What being at a stage means: still in the process, or an outcome."""

    ACTIVE = "active"
    APPOINTED = "appointed"
    OUTCOME = "outcome"


class Action(StrEnum):
    """What a candidate's history event records."""

    ADDED = "added"
    MOVED = "moved"
    NOTE = "note"
    EDITED = "edited"
    PURGED = "purged"
    SCORED = "scored"  # a panel member's marks, or the panel's agreed marks
    SCHEDULED = "scheduled"  # an assessment slot booked or moved
    UNDONE = "undone"  # a compensating event: cancels the event at `undoes`
    REDACTED = "redacted"  # a mention of a person erased (by id) from this one's text
    LETTER = "letter"  # a letter drafted or sent to them (the template and subject, no body)


class MilestoneChangeKind(StrEnum):
    """What a milestone's history entry records."""

    ADDED = "added"
    RESCHEDULED = "rescheduled"
    DONE = "done"
    REOPENED = "reopened"
    REMOVED = "removed"
    RENAMED = "renamed"
    REDACTED = "redacted"  # a mention of a person erased (by id) from its text


class CriterionKind(StrEnum):
    """The Success Profiles element a criterion belongs to."""

    BEHAVIOUR = "behaviour"
    EXPERIENCE = "experience"
    TECHNICAL = "technical"
    STRENGTH = "strength"
    ABILITY = "ability"


class PanelRole(StrEnum):
    """A panel member's part: the chair (a Civil Service Commissioner) and members mark;
    an adviser advises and does not mark."""

    CHAIR = "chair"
    MEMBER = "member"
    INDEPENDENT = "independent"
    ADVISER = "adviser"


# The events that put a candidate at a stage.
ENTERS_STAGE = frozenset({Action.ADDED, Action.MOVED})
# Looked up once: Action.UNDONE is a slow class attribute lookup (Python 3.11), and
# effective_history checks it for each event of every candidate loaded.
_UNDONE = Action.UNDONE


@dataclass(slots=True, eq=False, repr=False)
class Campaign(Compared):
    """The campaign: the post it fills and who runs it."""

    id: str
    title: str
    organisation: str = ""
    grade: str = ""
    salary: str = ""
    timezone: str = DEFAULT_TIMEZONE
    description: str = ""
    calendar: str | None = None  # a token made at `init`: calendar UIDs unique to this record
    band: str = ""  # the Senior Civil Service pay band competed for (SCS3 …), "" not said
    external: bool = False  # open outside the Civil Service (the Commission's rules then apply)


@dataclass(slots=True, eq=False, repr=False)
class Stage(Compared):
    """A stage of the process, or an outcome a candidate leaves to."""

    id: str
    title: str
    kind: StageKind = StageKind.ACTIVE
    needs_reason: bool = False
    limit_days: int | None = None  # longest time a candidate should sit here
    share_reason: bool = False  # the reason someone is here may go in their letter (`mail`)


@dataclass(slots=True, eq=False, repr=False)
class MilestoneChange(Compared):
    """One change to a milestone, in its history."""

    at: datetime
    by: str
    change: MilestoneChangeKind
    before: str | None = None  # the schedule before, as a `when_spec`
    after: str | None = None
    reason: str | None = None
    on: date | None = None  # the record's day it was made (None: the day of `at`)

    @property
    def day(self) -> date:
        return self.on if self.on is not None else self.at.date()


@dataclass(slots=True, eq=False, repr=False)
class Milestone(Compared):
    """A dated step of the campaign (the advert closes, the panel sits)."""

    id: str
    title: str
    when: When = field(default_factory=When)
    done: date | None = None
    removed: date | None = None  # a tombstone: kept so calendars can be told it is cancelled
    remind_days: tuple[int, ...] | None = None  # None: the default days
    history: list[MilestoneChange] = field(default_factory=list)

    @property
    def reminder_days(self) -> tuple[int, ...]:
        """The days before it to remind on: its own list, else the default."""
        return DEFAULT_REMINDER_DAYS if self.remind_days is None else self.remind_days


@dataclass(slots=True, eq=False, repr=False)
class Event(Compared):
    """One entry of a candidate's history."""

    at: datetime  # when it was recorded (UTC)
    on: date  # the day it took effect
    by: str
    action: Action
    stage: str | None = None  # the stage after the event
    from_stage: str | None = None
    note: str | None = None
    reason: str | None = None
    rank: int | None = None  # the place on the reserve list after it (moves and re-ranks)
    undoes: int | None = None  # UNDONE: the position in the history of the event cancelled
    was: dict[str, str] | None = None  # EDITED/UNDONE: personal fields' values before ("": empty)
    recorded: date | None = None  # the record's day it was written, when not `on` (backdated)
    letter: str | None = None  # LETTER: the template's name
    subject: str | None = None  # LETTER: the subject as written (never the body or address)
    sent: bool | None = None  # LETTER: True sent by SMTP, False drafted as a .eml file

    @property
    def day(self) -> date:
        """The record's day the event was written: what `--as-of` replays by."""
        return self.recorded if self.recorded is not None else self.on


# Fields `edit` corrects, and an event's `was` may hold (a flag as "yes" or "").
PERSONAL_FIELDS = (
    "name",
    "email",
    "phone",
    "source",
    "applied",
    "disability_confident",
    "adjustments",
)
# A reason that named a person whose data was purged, as it reads afterwards.
REMOVED_REASON = "(removed: it named a person whose data was purged)"


def effective_history(history: list[Event]) -> list[Event]:
    """The events still in force: without those an undo cancelled, nor the undos (an
    undo that was itself undone cancels nothing)."""
    for event in history:  # a loop, not any(): this runs for every candidate loaded
        if event.action == _UNDONE:
            break
    else:
        return history
    cancelled: set[int] = set()
    for index in range(len(history) - 1, -1, -1):
        event = history[index]
        if index not in cancelled and event.action == _UNDONE and event.undoes is not None:
            cancelled.add(event.undoes)
    return [
        event
        for index, event in enumerate(history)
        if index not in cancelled and event.action != _UNDONE
    ]


def moves_that_stand(history: list[Event]) -> list[Event]:
    """The events in force that put the candidate at a stage, in order: the stages they
    reached. A move an undo cancelled reached nothing; every route, funnel and "furthest
    stage" counts from these alone."""
    return [e for e in effective_history(history) if e.action in ENTERS_STAGE and e.stage]


def stage_and_rank(history: list[Event]) -> tuple[str | None, int | None]:
    """Where the events in force put the candidate, and their place on the reserve list."""
    stage = rank = None
    for event in effective_history(history):
        if event.action in ENTERS_STAGE:
            stage, rank = event.stage, event.rank
        elif event.action == Action.EDITED and event.rank is not None:
            rank = event.rank
    return stage, rank


@dataclass(slots=True, eq=False, repr=False)
class Marks(Compared):
    """One panel member's marks for a candidate at one assessment, or (member None) the
    panel's agreed, moderated marks: criterion id -> mark."""

    assessment: str  # a stage id
    member: str | None
    scores: dict[str, int] = field(default_factory=dict)
    evidence: str | None = None


@dataclass(slots=True, eq=False, repr=False)
class Slot(Compared):
    """A candidate's booked time at one assessment (local time in the campaign's zone)."""

    assessment: str  # a stage id
    at: datetime  # naive: the campaign's time zone applies
    minutes: int = 60
    where: str | None = None
    booked: datetime | None = None  # when this booking was last made (UTC)
    rescheduled: int = 0  # how many times it changed (the calendar's SEQUENCE)
    cancelled: datetime | None = None  # when it was cancelled (UTC); None: it stands

    @property
    def end(self) -> datetime:
        return self.at + timedelta(minutes=self.minutes)


@dataclass(slots=True, eq=False, repr=False)
class Answer(Compared):
    """One answer to a diversity monitoring question, as given on a day (the latest answer
    to a question stands; the earlier ones stay so that `--as-of` shows the past)."""

    at: datetime  # when it was recorded (UTC)
    on: date  # the record's day it was written
    question: str  # a question of the record's monitoring policy (sex, age_band, …)
    value: str  # one of that question's allowed values


def current_answers(answers: list[Answer]) -> dict[str, str]:
    """Question -> the answer that stands (the latest given)."""
    return {answer.question: answer.value for answer in answers}


@dataclass(slots=True, eq=False, repr=False)
class Candidate(Compared):
    """Someone who applied, with where they are and how they got there."""

    id: str
    name: str
    stage: str
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    applied: date | None = None
    rank: int | None = None  # merit order on the reserve list
    history: list[Event] = field(default_factory=list)
    marks: list[Marks] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # ids an older merge renumbered it from
    disability_confident: bool = False  # opted in to the Disability Confident scheme
    adjustments: str | None = None  # reasonable adjustments asked for: the team's, not the panel's
    monitoring: list[Answer] = field(default_factory=list)  # diversity answers, as given

    @property
    def notes(self) -> list[str]:
        return [event.note for event in self.history if event.note]

    def stage_since(self) -> date | None:
        """The day the candidate entered the current stage: that of the last of
        moves_that_stand (found from the end, without listing them)."""
        for event in reversed(effective_history(self.history)):
            if event.action in ENTERS_STAGE and event.stage:
                return event.on
        return self.applied


@dataclass(slots=True, eq=False, repr=False)
class MergeConflict(Compared):
    """Two copies of the record merged with different decisions on one value: the record
    keeps the value from before until someone chooses (`dgtracker resolve`)."""

    id: str  # short and typable: c014.stage, closing.date, campaign.title
    path: list[str]  # table keys and item ids down to the value
    ours: Any = None  # None: the value was absent on that side
    theirs: Any = None
    base: Any = None
    ours_by: str | None = None  # who made the latest change on each side, and when
    ours_at: datetime | None = None
    theirs_by: str | None = None
    theirs_at: datetime | None = None


@dataclass(slots=True, eq=False, repr=False)
class Retention(Compared):
    """How long personal data is kept after the campaign."""

    anonymise_after_months: int = 6
    reserve_months: int = 12


# The Civil Service Commission's marking frame, best first: C or better is appointable.
FRAME_GRADES = ("A", "B", "B/C", "C", "D", "E")
# Each grade as a number for the merit order (A highest); the frame's bar is C.
FRAME_POINTS = {grade: len(FRAME_GRADES) - place for place, grade in enumerate(FRAME_GRADES)}
FRAME_BAR = FRAME_POINTS["C"]
SCS_BANDS = ("SCS1", "SCS1A", "SCS2", "SCS3")


@dataclass(slots=True, eq=False, repr=False)
class Criterion(Compared):
    """What the panel marks: a Success Profiles element, its scale and the bar to meet.

    On the Commission's marking frame (`frame`), marks are the grades A to E, held as
    FRAME_POINTS (1–6) so merit works on numbers, and written and shown as the grades."""

    id: str
    title: str
    kind: CriterionKind
    low: int = 1
    high: int = 7
    bar: int = 4
    assess: tuple[str, ...] = ()  # the stage ids at which it is marked
    weight: int = 1
    lead: bool = False  # breaks ties in merit order (lead criteria in record order)
    frame: bool = False  # marked on the Commission's frame (A … E), not numbers
    changed: date | None = None  # the record's day it was added or last changed (None: before
    # this was recorded)

    def shown(self, mark: int) -> str:
        """A mark as people write it: the grade on the frame, else the number."""
        if self.frame:
            return FRAME_GRADES[len(FRAME_GRADES) - mark] if 1 <= mark <= 6 else str(mark)
        return str(mark)

    def as_written(self, mark: int) -> int | str:
        """A mark as the record and JSON hold it: the grade on the frame, else the number."""
        return self.shown(mark) if self.frame else mark


@dataclass(slots=True, eq=False, repr=False)
class Conflict(Compared):
    """A panel member's declared conflict of interest with a candidate."""

    candidate: str  # a candidate id
    note: str | None = None


@dataclass(slots=True, eq=False, repr=False)
class PanelMember(Compared):
    """Someone on the panel, with their part and their conflicts."""

    name: str
    role: PanelRole = PanelRole.MEMBER
    conflicts: list[Conflict] = field(default_factory=list)
    commissioner: bool = False  # a Civil Service Commissioner
    email: str | None = None  # where `mail panel-pack` sends their pack (personal data)

    def conflicted(self, candidate_id: str) -> Conflict | None:
        for conflict in self.conflicts:
            if conflict.candidate == candidate_id:
                return conflict
        return None


@dataclass(slots=True, eq=False, repr=False)
class KeptAnswer(Compared):
    """A purged person's answer to one question, kept for the diversity counts apart from
    who gave it: no id, no date, and not grouped with their other answers (a random token
    tells two identical answers apart; the file lists them sorted)."""

    question: str
    value: str
    reached: tuple[str, ...]  # the diversity stages they had reached (panel/diversity.py)
    token: str


@dataclass(slots=True, eq=False, repr=False)
class Monitoring(Compared):
    """The record's diversity monitoring policy: each question and its allowed values, and
    the purged people's answers kept for the counts."""

    questions: dict[str, tuple[str, ...]]
    kept: list[KeptAnswer] = field(default_factory=list)


PREFER_NOT = "prefer-not-to-say"
# The Civil Service diversity questions (as asked by Civil Service Jobs; ONS harmonised
# categories), each with "prefer not to say".
MONITORING_QUESTIONS: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", PREFER_NOT),
    "gender_identity": ("same-as-sex-at-birth", "different-from-sex-at-birth", PREFER_NOT),
    "age_band": (
        "16-24",
        "25-29",
        "30-34",
        "35-39",
        "40-44",
        "45-49",
        "50-54",
        "55-59",
        "60-64",
        "65-plus",
        PREFER_NOT,
    ),
    "ethnicity": ("asian", "black", "mixed", "white", "other", PREFER_NOT),
    "disability": ("yes", "no", PREFER_NOT),
    "sexual_orientation": ("heterosexual", "gay-or-lesbian", "bisexual", "other", PREFER_NOT),
    "religion": (
        "none",
        "buddhist",
        "christian",
        "hindu",
        "jewish",
        "muslim",
        "sikh",
        "other",
        PREFER_NOT,
    ),
    "socio_economic_background": (
        "professional",
        "intermediate",
        "working-class",
        "other",
        PREFER_NOT,
    ),
}


def default_monitoring() -> Monitoring:
    return Monitoring(questions=dict(MONITORING_QUESTIONS))


@dataclass(slots=True, eq=False, repr=False)
class BlindSetting(Compared):
    """One change to the name-blind sift: from `on` (the record's day), candidates not yet
    at stage `until` are shown to the panel by id only; `until` None: the sift is open."""

    at: datetime  # when it was recorded (UTC)
    on: date  # the record's day it was set (what `--as-of` replays by)
    by: str
    until: str | None = None


@dataclass(slots=True, eq=False, repr=False)
class Record(Compared):
    """The whole campaign record."""

    campaign: Campaign
    stages: list[Stage]
    milestones: list[Milestone] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    retention: Retention = field(default_factory=Retention)
    next_candidate_number: int = 1
    schema: int = SCHEMA_VERSION
    criteria: list[Criterion] = field(default_factory=list)
    panel: list[PanelMember] = field(default_factory=list)
    conflicts: list[MergeConflict] = field(default_factory=list)  # waiting for `resolve`
    mail_from: str | None = None  # [mail] from: the sender of letters (`mail`)
    # The diversity monitoring policy; None: a record made before it, which uses the
    # default questions and is written without the table.
    monitoring: Monitoring | None = None
    blind: list[BlindSetting] = field(default_factory=list)  # the sift's settings, in order
    # Whether copies of the record are changed apart (`dgtracker share`), as its folder
    # says when it is read; not written in it. New candidate ids are then drawn at random.
    shared: bool = field(default=False, compare=False)

    @property
    def monitoring_policy(self) -> Monitoring:
        return self.monitoring if self.monitoring is not None else default_monitoring()

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
        Stage("appointed", "Appointed", kind=StageKind.APPOINTED),
        Stage(RESERVE_STAGE, "Reserve list", kind=StageKind.OUTCOME),
        Stage("rejected", "Not progressed", kind=StageKind.OUTCOME, needs_reason=True),
        Stage("withdrawn", "Withdrawn", kind=StageKind.OUTCOME, needs_reason=True),
    ]


def candidate_id(number: int) -> str:
    """A counter id (c001), as a record kept alone hands them out."""
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


def anonymised_name(candidate_id: str) -> str:
    return f"Anonymised ({candidate_id})"
