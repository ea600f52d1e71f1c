"""Any record the model accepts survives save -> load unchanged (property-based)."""

from __future__ import annotations

import itertools
import string
import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dgtracker.dates import When
from dgtracker.process.fairness import DIVERSITY_STAGES
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.record.model import (
    ENTERS_STAGE,
    MONITORING_QUESTIONS,
    Answer,
    BlindSetting,
    Campaign,
    Candidate,
    Event,
    KeptAnswer,
    Milestone,
    MilestoneChange,
    Monitoring,
    Record,
    default_stages,
)
from dgtracker.text import BLANK_LOOKING

STAGES = [stage.id for stage in default_stages()]
NEEDS_REASON = {stage.id for stage in default_stages() if stage.needs_reason}
# Printable text without the characters the record refuses (controls, bidi, zero-width).
# Unassigned characters (Cn) too: a newer Unicode's format characters are unassigned in an
# older Python's, and the record refuses them on any Python.
HIDDEN = ("Cc", "Cf", "Cs", "Zl", "Zp", "Cn")
safe_text = (
    st.text(alphabet=st.characters(blacklist_categories=HIDDEN), min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda text: text.strip(BLANK_LOOKING))  # a name of blanks counts as empty
)
note_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=HIDDEN) | st.just("\n"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
# Offsets down to the second: TOML cannot write those, so the store must normalise them.
offsets = st.integers(min_value=-86399, max_value=86399).map(
    lambda seconds: timezone(timedelta(seconds=seconds))
)
moments = st.builds(
    lambda day, seconds, micro, zone: (
        datetime.combine(day, time(0), tzinfo=zone) + timedelta(seconds=seconds, microseconds=micro)
    ),
    days,
    st.integers(0, 86399),
    st.integers(0, 999_999),
    offsets | st.just(UTC),
)


@st.composite
def whens(draw: st.DrawFn) -> When:
    kind = draw(st.sampled_from(["tbc", "date", "time", "window"]))
    if kind == "tbc":
        return When()
    start = draw(days)
    if kind == "date":
        return When(start, start)
    if kind == "time":
        return When(start, start, time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
    end = start + timedelta(days=draw(st.integers(1, 30)))
    return When(start, end, None, draw(st.none() | safe_text))


events = st.builds(
    Event,
    at=moments,
    on=days,
    by=safe_text,
    action=st.sampled_from(["added", "moved", "note", "edited", "purged"]),
    stage=st.none() | st.sampled_from(STAGES),
    from_stage=st.none() | st.sampled_from(STAGES),
    note=st.none() | note_text,
    reason=st.none() | note_text,
)


def _fields(event: Event) -> dict:
    return {name: getattr(event, name) for name in Event.__slots__}


emails = st.builds(
    lambda local, domain: f"{local}@{domain}.org",
    st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=10),
    st.text(string.ascii_lowercase, min_size=1, max_size=10),
)


answers = st.sampled_from([(q, v) for q, values in MONITORING_QUESTIONS.items() for v in values])


routes = st.lists(st.sampled_from(DIVERSITY_STAGES))
# The name-blind sift's settings: until a stage, or ended (no until).
blind_settings = st.builds(
    BlindSetting, at=moments, on=days, by=st.sampled_from(["ada", "bob"]),
    until=st.none() | st.sampled_from(STAGES),
)  # fmt: skip


@st.composite
def records(draw: st.DrawFn) -> Record:
    count = draw(st.integers(0, 5))
    candidates = []
    for index in range(count):
        # A history that can be true: in time order, no move dated before the one before
        # it, the stage the last one entered, a reason where that stage needs one, a place
        # in merit order only on the list.
        history = draw(st.lists(events, max_size=4))
        history.append(Event(**{**_fields(draw(events)), "action": "moved", "stage": "applied"}))
        history.sort(key=lambda event: event.at)
        entering = [e for e in history if e.action in ENTERS_STAGE and e.stage]
        for before, event in itertools.pairwise(entering):
            event.on = max(event.on, before.on)
        last = entering[-1]
        if last.stage in NEEDS_REASON and not last.reason:
            last.reason = "why"
        candidates.append(
            Candidate(
                id=f"c{index + 1:03d}",
                name=draw(safe_text),
                stage=last.stage or "applied",
                email=draw(st.none() | emails),
                phone=draw(
                    st.none()
                    | st.text("0123456789 +", min_size=1, max_size=15).map(str.strip).filter(bool)
                ),
                source=draw(st.none() | safe_text),
                applied=draw(st.none() | days),
                rank=draw(st.none() | st.integers(1, 50)) if last.stage == "reserve" else None,
                history=history,
                disability_confident=draw(st.booleans()),
                adjustments=draw(st.none() | note_text),
                monitoring=[
                    Answer(moment.astimezone(UTC).replace(microsecond=0), moment.date(), q, v)
                    for moment, (q, v) in draw(st.lists(st.tuples(moments, answers), max_size=3))
                ],
            )
        )
    milestone_count = draw(st.integers(0, 4))
    milestones = [
        Milestone(
            id=f"m{index}",
            title=draw(safe_text),
            when=draw(whens()),
            done=draw(st.none() | days),
            removed=draw(st.none() | days),
            remind_days=draw(st.none() | st.lists(st.integers(0, 60), max_size=4).map(tuple)),
            history=[
                MilestoneChange(
                    at=draw(moments),
                    by=draw(safe_text),
                    change="rescheduled",
                    before="tbc",
                    after=draw(st.none() | safe_text),
                    reason=draw(st.none() | note_text),
                )
            ],
        )
        for index in range(milestone_count)
    ]
    drawn = draw(st.lists(st.tuples(answers, routes), max_size=3))
    kept = [KeptAnswer(q, v, tuple(r), f"t{n}") for n, ((q, v), r) in enumerate(drawn)]
    return Record(
        campaign=Campaign(id="x", title=draw(safe_text), organisation=draw(safe_text)),
        stages=default_stages(),
        milestones=milestones,
        candidates=candidates,
        next_candidate_number=count + 1,
        # a record made before the policy has none; one made since holds it, with answers
        # kept from purges, listed sorted
        monitoring=draw(
            st.none() | st.just(Monitoring(dict(MONITORING_QUESTIONS), sorted(kept, key=_order)))
        ),
        blind=draw(st.lists(blind_settings, max_size=3)),
    )


def _order(kept: KeptAnswer) -> tuple:
    return (kept.question, kept.value, kept.reached, kept.token)


@given(records())
def test_serialised_record_loads_back_unchanged(record: Record) -> None:
    text, _ = storage.text_and_data(record)
    loaded, problems = record_from_data(tomllib.loads(text))
    assert problems == []
    # Moments are stored in UTC to the second: compare them the same way.
    for candidate in record.candidates:
        for event in candidate.history:
            event.at = event.at.astimezone(UTC).replace(microsecond=0)
    for milestone in record.milestones:
        for change in milestone.history:
            change.at = change.at.astimezone(UTC).replace(microsecond=0)
    for setting in record.blind:
        setting.at = setting.at.astimezone(UTC).replace(microsecond=0)
    assert loaded == record
    assert loaded is not None and storage.text_and_data(loaded)[0] == text  # same data, same bytes


@given(records())
def test_saved_file_loads_back_unchanged(tmp_path_factory, record: Record) -> None:
    path: Path = tmp_path_factory.mktemp("rt") / "campaign.toml"
    storage.save(path, record)
    assert storage.load(path) == storage.load(path)
    assert storage.text_and_data(storage.load(path))[0] == path.read_text(encoding="utf-8")
