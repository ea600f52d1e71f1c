"""Candidates' personal data (UK GDPR): when it is due for anonymising, and how.

Pure decisions on records and a day: who is due, and a purge's plan for the record and
each of its backups. api.purge does the reading and writing; the CLI the showing.

The retention policy lives in the record (`[retention]`): the personal data of those
who were not appointed is anonymised `anonymise_after_months` after the campaign's
outcome; people on the reserve list keep theirs while their place lasts
(`reserve_months`, if that is longer). Anonymising keeps what the statistics need (the
stage history, dates, the outcome, the rank, the panel's marks and slots) and removes what
identifies the person (the panel's evidence among it).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from dgtracker.dates import add_months, format_day
from dgtracker.model import (
    RESERVE_STAGE,
    Action,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    Record,
    StageKind,
)
from dgtracker.progress import Walk, quietly
from dgtracker.text import visible
from dgtracker.views import outcome_date

_BACKUP_STAMP_RE = re.compile(r"\.bak-(\d{8})T\d{6}Z")


def anonymised_name(candidate_id: str) -> str:
    return f"Anonymised ({candidate_id})"


def backup_date(file_name: str) -> date | None:
    """The day a dgtracker backup was made, from its name (campaign.toml.bak-20260302T…)."""
    match = _BACKUP_STAMP_RE.search(file_name)
    if match is None:
        return None
    try:
        return datetime.strptime(match[1], "%Y%m%d").date()
    except ValueError:
        return None


def is_appointed(record: Record, candidate: Candidate) -> bool:
    stage = record.stage(candidate.stage)
    return stage is not None and stage.kind == StageKind.APPOINTED


def retention_months(record: Record, candidate: Candidate) -> int:
    """How long after the outcome a candidate who was not appointed keeps their data."""
    months = record.retention.anonymise_after_months
    if candidate.stage == RESERVE_STAGE:
        months = max(months, record.retention.reserve_months)
    return months


def anonymise_on(record: Record, candidate: Candidate, outcome: date | None) -> date | None:
    """The day the candidate's data is due to go; None when appointed or no outcome yet."""
    if outcome is None or is_appointed(record, candidate):
        return None
    return add_months(outcome, retention_months(record, candidate))


def personal_data_held(candidate: Candidate) -> list[str]:
    """What identifies the person, as field names and counts (never the values)."""
    held = []
    if candidate.name != anonymised_name(candidate.id):
        held.append("name")
    held += [
        label
        for label, value in (
            ("email", candidate.email),
            ("phone", candidate.phone),
            ("source", candidate.source),
        )
        if value
    ]
    earlier = sum(
        1
        for event in candidate.history
        for field, value in (event.was or {}).items()
        if field != "applied" and value and value != anonymised_name(candidate.id)
    )
    notes = sum(1 for event in candidate.history if event.note)
    reasons = sum(
        1 for event in candidate.history if event.reason and event.action != Action.PURGED
    )
    held += [_count(notes, "note"), _count(reasons, "reason"), _count(earlier, "earlier value")]
    evidence = sum(1 for sheet in candidate.marks if sheet.evidence)
    held += [f"{evidence} evidence"] if evidence else []
    return [item for item in held if item]


def _count(number: int, noun: str) -> str:
    if not number:
        return ""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True, slots=True)
class Due:
    """A candidate whose personal data is to go, and why."""

    candidate: Candidate
    held: list[str]
    why: str


def due_for_retention(record: Record, today: date, outcome: date | None) -> list[Due]:
    """Candidates not appointed whose retention period after `outcome` has ended by today."""
    due = []
    for candidate in record.candidates:
        on = anonymise_on(record, candidate, outcome)
        if on is None or on > today:
            continue  # not due: what they hold need not be counted (remind asks daily)
        held = personal_data_held(candidate)
        if held:
            months = retention_months(record, candidate)
            why = f"Personal data removed: {months} months after the outcome on {outcome}"
            due.append(Due(candidate, held, why))
    return due


def due_on_request(candidate: Candidate) -> list[Due]:
    """An erasure request: the person's data goes whatever the dates."""
    held = personal_data_held(candidate)
    return [Due(candidate, held, "Personal data erased on request")] if held else []


def identifiers(candidate: Candidate) -> set[str]:
    """What names the person in text: their name and email, case-folded."""
    found = {candidate.email.casefold()} if candidate.email else set()
    if candidate.name != anonymised_name(candidate.id):
        found.add(candidate.name.casefold())
    return found


def _added_at(candidate: Candidate) -> datetime | None:
    """The moment the person was added: with the id, the same person in every copy."""
    return candidate.history[0].at if candidate.history else None


def find_in_backups(person: Candidate, backups: list[tuple[Path, Record]]) -> list[list[Candidate]]:
    """The person in each backup: the same id, and the same moment of being added, or a
    name or email they had in any copy already found (a name corrected by hand in the
    record is still found under the earlier name in an older backup)."""
    known, moments = identifiers(person), {_added_at(person)} - {None}
    found: list[list[Candidate]] = [[] for _ in backups]
    changed = True
    while changed:  # each copy found can name the person in an older one
        changed = False
        for index, (_, b_record) in enumerate(backups):
            for other in b_record.candidates:
                if other.id != person.id or any(other is c for c in found[index]):
                    continue
                if identifiers(other) & known or _added_at(other) in moments:
                    found[index].append(other)
                    known |= identifiers(other)
                    moments |= {_added_at(other)} - {None}
                    changed = True
    return found


def people_of(plans: list[FilePlan]) -> dict[str, Identifiers]:
    """What names each person due, by id, in any of the files (before a purge): a name
    corrected by hand in the record is still found under the one a backup holds."""
    people: dict[str, Identifiers] = {}
    for plan in plans:
        shared = name_words(plan.record) if plan.due else Counter()
        for due in plan.due:
            found = person_identifiers(due.candidate, plan.record, shared)
            people[due.candidate.id] = people.get(due.candidate.id, Identifiers()) | found
    return people


def forget(
    record: Record,
    due: list[Due],
    people: dict[str, Identifiers],
    *,
    by: str,
    today: date,
    now: datetime,
    each: Walk = quietly,
) -> Erased:
    """Anonymise each person due in `record`, then erase what names them anywhere else
    in it (`people`, as `people_of` gives them): mentions in other candidates' and the
    milestones' text, the panel's notes, and the conflicts waiting about them. What was
    erased where, by id."""
    for one in each(due, "Anonymising"):
        anonymise(one.candidate, why=one.why, by=by, today=today, now=now)
        anonymise_conflicts(record, one.candidate.id)
    erased = Erased(conflicts=drop_conflicts_about(record, {one.candidate.id for one in due}))
    whys = {one.candidate.id: one.why for one in due}
    found = {cid: who for cid, who in people.items() if cid in whys and who}
    erased.mentions = erase_mentions(record, found, whys, by=by, now=now, on=today)
    return erased


def anonymise(candidate: Candidate, *, why: str, by: str, today: date, now: datetime) -> None:
    """Remove what identifies the person; keep stages, dates and rank; say that it happened."""
    candidate.name = anonymised_name(candidate.id)
    candidate.email = candidate.phone = candidate.source = None
    for event in candidate.history:
        event.note = None
        if event.action != Action.PURGED:
            event.reason = None
        if event.was:  # the values an edit replaced: as anonymous as the current ones
            event.was = {
                field: _anonymous_value(candidate.id, field, value)
                for field, value in event.was.items()
            }
    for sheet in candidate.marks:  # the marks stay, for the statistics
        sheet.evidence = None
    candidate.history.append(Event(at=now, on=today, by=by, action=Action.PURGED, reason=why))


def anonymise_conflicts(record: Record, candidate_id: str) -> None:
    """A declared conflict stays (the panel's record), without its note about the person."""
    for member in record.panel:
        conflict = member.conflicted(candidate_id)
        if conflict is not None:
            conflict.note = None


def _anonymous_value(candidate_id: str, field: str, value: str) -> str:
    if field == "applied":
        return value  # a date, kept for the statistics like the others
    return anonymised_name(candidate_id) if field == "name" else ""


# --- what names a person in text, and erasing it -----------------------------------

ERASED = "[erased]"  # what a mention of an erased person reads as afterwards
# Surnames that are also everyday words: not erased on their own (the whole name still is).
_COMMON = (
    "able bell best bird black bond brown bush chance clay cook cross dean fair "
    "field fish ford frank free french gold good grace grant gray green grey hall "
    "hand hardy hart hill hope house hunt king knight lake lamb lane little long "
    "love mark marsh mason miles mill moon more morning north page park pearl power "
    "price read rich rivers rose sharp short smart snow spring stone strong summer "
    "swift wall ward waters west white wild will wise wood young"
)
COMMON_WORDS = frozenset(_COMMON.split())
_SURNAME_LENGTH = 4  # a surname shorter than this is too often a word or initials
_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_PHONE_TAIL = 9  # digits that name a number whatever its prefix (+44 20 … and 020 …)


def fold(text: str) -> str:
    """Text as mentions are compared: case-folded, accents off ("Brontë" is "bronte")."""
    return _fold_mapped(text)[0]


def _fold_mapped(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the place in `text` it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char.casefold())
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded.append(kept)
        where += [index] * len(kept)
    return "".join(folded), where


@dataclass(frozen=True)
class Identifiers:
    """What names people in text, folded (`fold`): whole names and emails (`phrases`,
    found with any punctuation or spacing between their words), single words found on
    their own (`words`: a surname), and phone numbers by their digits (`phones`)."""

    phrases: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()

    def __or__(self, other: Identifiers) -> Identifiers:
        return Identifiers(
            self.phrases | other.phrases, self.words | other.words, self.phones | other.phones
        )

    def __bool__(self) -> bool:
        return bool(self.phrases or self.words or self.phones)

    @staticmethod
    def joined(many: Iterable[Identifiers]) -> Identifiers:
        """Everyone's at once (one set each, not a copy per person)."""
        many = list(many)
        return Identifiers(
            frozenset().union(*(who.phrases for who in many)),
            frozenset().union(*(who.words for who in many)),
            frozenset().union(*(who.phones for who in many)),
        )

    @cached_property
    def by_first_word(self) -> dict[str, list[str]]:
        """The phrases by their first word: a text is searched only for the phrases whose
        first word it holds (fast for a page naming hundreds). A phrase with no word at
        all is looked for in every text (key "")."""
        found: dict[str, list[str]] = {}
        for phrase in self.phrases:
            words = _WORD.findall(phrase)
            found.setdefault(words[0] if words else "", []).append(phrase)
        return found


@lru_cache(maxsize=4096)
def _phrase_patterns(phrase: str) -> tuple[re.Pattern[str], ...]:
    """A phrase as typed, marks and all ("<b>Hopper</b>"), and its words with any spaces
    or marks between them ("Charlotte  Brontë", "O'Brien")."""
    patterns = [rf"(?<!\w){re.escape(phrase)}(?!\w)"]
    words = _WORD.findall(phrase)
    if words:
        patterns.append(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
    return tuple(map(re.compile, patterns))


def identifiers_from(
    names: Iterable[str], emails: Iterable[str], phones: Iterable[str], words: Iterable[str]
) -> Identifiers:
    """Identifiers from values as typed (folded here); empty values are left out."""
    digits = {re.sub(r"\D", "", phone) for phone in phones}
    return Identifiers(
        frozenset(fold(v).strip() for v in (*names, *emails) if v and v.strip()),
        frozenset(fold(word) for word in words if word),
        frozenset(d for d in digits if len(d) >= 5),
    )


def redact(text: str, who: Identifiers, mark: str = ERASED) -> str:
    """`text` with every mention of `who` replaced by `mark`: a whole name or email in
    any case, with or without accents ("Bronte" for "Brontë"), a word of `who.words` on
    its own, and a phone number with the same digits (or the same last nine, so "020 …"
    is "+44 20 …"). Pure: the merge and the Commission's page use it as purge does."""
    if not text or not who:
        return text
    folded, where = _fold_mapped(text)
    spans: list[tuple[int, int]] = []
    first_words = set()
    for match in _WORD.finditer(folded):
        word = match.group()
        if word in who.words:
            spans.append(match.span())
        first_words.add(word)
    for word in (first_words | {""}) & who.by_first_word.keys():
        for phrase in who.by_first_word[word]:
            for pattern in _phrase_patterns(phrase):
                spans += [found.span() for found in pattern.finditer(folded)]
    if who.phones:
        for match in _PHONE.finditer(folded):
            if _same_phone(re.sub(r"\D", "", match.group()), who.phones):
                spans.append(match.span())
    return _replace(text, where, spans, mark) if spans else text


def _same_phone(digits: str, phones: frozenset[str]) -> bool:
    if digits in phones:
        return True
    return len(digits) >= _PHONE_TAIL and any(
        len(phone) >= _PHONE_TAIL and phone[-_PHONE_TAIL:] == digits[-_PHONE_TAIL:]
        for phone in phones
    )


def _replace(text: str, where: list[int], spans: list[tuple[int, int]], mark: str) -> str:
    """Replace the folded text's `spans` in the original `text` (overlaps joined)."""
    pieces, last = [], 0
    for start, end in _joined(spans):
        begin, stop = where[start], where[end - 1] + 1
        while stop < len(text) and not fold(text[stop]) and text[stop].strip():
            stop += 1  # a combining accent typed apart belongs to the letter erased
        if begin < last:
            begin = last
        pieces += [text[last:begin], mark]
        last = stop
    pieces.append(text[last:])
    return "".join(pieces)


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _values(candidate: Candidate, record: Record, field: str) -> list[str]:
    """Every value the person had for `field`: now, before an edit (kept in the history
    until a purge), and in a conflict waiting about it."""
    current = getattr(candidate, field)
    found = [current] if isinstance(current, str) else []
    found += [e.was[field] for e in candidate.history if e.was and e.was.get(field)]
    for conflict in record.conflicts:
        if conflict.path[:3] == ["candidates", candidate.id, field]:
            sides = (conflict.ours, conflict.theirs, conflict.base)
            found += [value for value in sides if isinstance(value, str)]
    return [value for value in found if value != anonymised_name(candidate.id)]


def _name_words(candidate: Candidate, record: Record) -> set[str]:
    return words_of(_values(candidate, record, "name"))


def name_words(record: Record) -> Counter[str]:
    """How many candidates' names (any they had) hold each word."""
    return Counter(word for c in record.candidates for word in _name_words(c, record))


def person_identifiers(
    candidate: Candidate, record: Record, shared: Counter[str] | None = None
) -> Identifiers:
    """What names one person in `record`'s text: each name they had (now, before an edit,
    in a waiting conflict), each email and phone; and the surname of each name on its own
    when it is at least four letters, not an everyday word (`COMMON_WORDS`), and no other
    candidate's name holds it (then only the whole name is theirs). `shared`: the
    record's `name_words`, when already counted."""
    shared = name_words(record) if shared is None else shared
    names = _values(candidate, record, "name")
    emails, phones = _values(candidate, record, "email"), _values(candidate, record, "phone")
    return identifiers_of(names, emails, phones, shared)


def words_of(names: Iterable[str]) -> set[str]:
    """The words of names, folded: what `shared` counts once per person."""
    return {word for name in names for word in _WORD.findall(fold(name))}


def identifiers_of(
    names: Iterable[str], emails: Iterable[str], phones: Iterable[str], shared: Counter[str]
) -> Identifiers:
    """What names one person, from every value they had (the merge reads them from a
    record's data): those values, and the surname of each name on its own when it is at
    least four letters, not an everyday word, and no other person's (`shared`: how many
    people's names hold each word)."""
    names = list(names)
    surnames = {words[-1] for name in names if (words := _WORD.findall(fold(name)))}
    surnames = {
        word
        for word in surnames
        if len(word) >= _SURNAME_LENGTH and word not in COMMON_WORDS and shared[word] <= 1
    }
    return identifiers_from(names, emails, phones, surnames)


def everyone_identifiers(record: Record) -> Identifiers:
    """What names any candidate, for a page that names no one (the Commission's): every
    name each had, email and phone, and every word of them on its own."""
    values = [
        value
        for candidate in record.candidates
        for what in ("name", "email", "phone")
        for value in _values(candidate, record, what)
    ]
    words = {word for value in values for word in _WORD.findall(fold(value)) if len(word) > 1}
    return identifiers_from(values, values, values, words)


def remove_any_email_or_phone(text: str, mark: str) -> str:
    """Every email address and phone number in `text`, whoever's."""
    return _PHONE.sub(mark, _EMAIL.sub(mark, text))


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a purge erased mentions of a person: by ids and field names only."""

    of: str  # the candidate id of the person erased
    kind: str  # "candidate", "milestone", "panel"
    item: str  # the candidate's or milestone's id; the panel: "conflict notes"
    fields: tuple[str, ...]

    def describe(self) -> str:
        where = self.item if self.kind == "candidate" else f"{self.kind} {self.item}"
        return f"{where} ({', '.join(self.fields)})"


@dataclass(slots=True)
class Erased:
    """What a purge erased in one file beside the people themselves."""

    mentions: list[Mention] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # ids of conflicts dropped


class Eraser:
    """Erases mentions of several people in one pass over a text (their identifiers
    joined), then, only for a text that changed, learns whose mention it held."""

    def __init__(self, people: dict[str, Identifiers]) -> None:
        self.people = people
        self.everyone = Identifiers.joined(people.values())
        self.found: dict[str, list[str]] = {}  # person's id -> fields changed in one item

    def __call__(self, value: str | None, what: str) -> str | None:
        if not value:
            return value
        new = redact(value, self.everyone)
        if new != value:
            for cid, who in self.people.items():
                fields = self.found.setdefault(cid, [])
                if what not in fields and redact(value, who) != value:
                    fields.append(what)
        return new

    def item(self) -> dict[str, tuple[str, ...]]:
        """Whose mentions the item just erased held, and in which fields; starts anew."""
        found = {cid: tuple(fields) for cid, fields in self.found.items() if fields}
        self.found = {}
        return found


def erase_mentions(
    record: Record,
    people: dict[str, Identifiers],
    whys: dict[str, str],
    *,
    by: str,
    now: datetime,
    on: date,
) -> list[Mention]:
    """Erase every mention of these people (by id) in the rest of `record`: candidates'
    notes, reasons, sources, earlier values and the panel's evidence, milestone titles and
    history, the panel's conflict notes, and the values of waiting conflicts. Each
    candidate and milestone changed gets a `redacted` history entry for each person whose
    mention it held, saying by id what was erased and why (`whys`)."""
    if not people:
        return []
    erase, found = Eraser(people), []
    for candidate in record.candidates:
        _erase_in_candidate(candidate, erase)
        for cid, fields in erase.item().items():
            reason = f"Mention of {cid} erased ({', '.join(fields)}). {whys[cid]}."
            candidate.history.append(
                Event(at=now, on=on, by=by, action=Action.REDACTED, reason=reason)
            )
            found.append(Mention(cid, "candidate", candidate.id, fields))
    for place, milestone in enumerate(record.milestones, start=1):
        _erase_in_milestone(milestone, erase)
        for cid, fields in erase.item().items():
            reason = f"Mention of {cid} erased ({', '.join(fields)}). {whys[cid]}."
            change = MilestoneChangeKind.REDACTED
            milestone.history.append(
                MilestoneChange(at=now, by=by, change=change, reason=reason, on=on)
            )
            shown = f"#{place}" if _may_name(milestone.id, people[cid]) else milestone.id
            found.append(Mention(cid, "milestone", shown, fields))
    notes: Counter[str] = Counter()
    for member in record.panel:
        for declared in member.conflicts:
            declared.note = erase(declared.note, "conflict note")
            notes.update(erase.item().keys())
    found += [
        Mention(cid, "panel", "conflict notes", (_count(notes[cid], "note"),))
        for cid in people
        if notes[cid]
    ]
    for conflict in record.conflicts:
        for side in ("ours", "theirs", "base"):
            setattr(conflict, side, redact_value(getattr(conflict, side), erase.everyone))
    return sorted(found, key=lambda mention: list(people).index(mention.of))


def _may_name(item_id: str, who: Identifiers) -> bool:
    """Whether an id may hold the person's name: `milestone add` makes ids from titles
    ("call-charlotte-bront"), and ids never change, so purge shows such a milestone by its
    place instead. Any word of theirs of four letters or more whose start is in it."""
    folded = fold(item_id)
    words = {word for phrase in who.phrases for word in _WORD.findall(phrase)} | who.words
    return any(word[:4] in folded for word in words if len(word) >= 4)


def _erase_in_candidate(candidate: Candidate, erase: Eraser) -> None:
    candidate.source = erase(candidate.source, "source")
    for event in candidate.history:
        event.note = erase(event.note, "note")
        event.reason = erase(event.reason, "reason")
        if event.was:
            event.was = {
                key: value if key == "applied" else erase(value, "earlier value") or ""
                for key, value in event.was.items()
            }
    for sheet in candidate.marks:
        sheet.evidence = erase(sheet.evidence, "evidence")


def _erase_in_milestone(milestone: Milestone, erase: Eraser) -> None:
    milestone.title = erase(milestone.title, "title") or milestone.title
    for change in milestone.history:
        change.reason = erase(change.reason, "reason")
        if change.change == MilestoneChangeKind.RENAMED:  # before and after are titles
            change.before = erase(change.before, "earlier title")
            change.after = erase(change.after, "earlier title")


def redact_value(value: Any, who: Identifiers) -> Any:
    """A conflict's value (text, a table, a list) with every mention erased."""
    if isinstance(value, str):
        return redact(value, who)
    if isinstance(value, dict):
        return {key: redact_value(item, who) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, who) for item in value]
    return value


def drop_conflicts_about(record: Record, ids: set[str]) -> list[str]:
    """Drop the conflicts waiting about these people: their values may be the very data
    erased, and `resolve --theirs` would put it back. The ids of those dropped."""
    about = [c for c in record.conflicts if c.path[:1] == ["candidates"] and c.path[1:2]]
    dropped = [c for c in about if c.path[1] in ids]
    record.conflicts = [c for c in record.conflicts if c not in dropped]
    return [c.id for c in dropped]


def subject_access_json(record: Record, candidate: Candidate, today: date) -> dict[str, Any]:
    """Everything the record holds about one person (a subject access request)."""
    from dgtracker.contract import campaign_json, candidate_detail_json

    due = anonymise_on(record, candidate, outcome_date(record))
    campaign = campaign_json(record.campaign)
    return {
        "as_of": today.isoformat(),
        "campaign": {key: campaign[key] for key in ("id", "title", "organisation")},
        "candidate": candidate_detail_json(candidate, record, today),
        "retention": {
            "anonymise_after_months": retention_months(record, candidate),
            "appointed": is_appointed(record, candidate),
            "anonymise_on": due.isoformat() if due and personal_data_held(candidate) else None,
        },
    }


# --- a purge's plan: the record and each backup dgtracker made of it -----------------


@dataclass(slots=True)
class FilePlan:
    """What a purge would do to one file."""

    path: Path
    record: Record
    due: list[Due]
    erased: Erased = field(default_factory=lambda: Erased())  # beside the people due


def retention_plans(
    path: Path, record: Record, backups: list[tuple[Path, Record]], today: date
) -> list[FilePlan]:
    """Who is due under the retention policy, in each backup and then the record itself."""
    # A backup is a finished record: with no outcome of its own, it ended when it was made.
    plans = [
        FilePlan(
            b_path,
            b_record,
            due_for_retention(b_record, today, outcome_date(b_record) or backup_date(b_path.name)),
        )
        for b_path, b_record in backups
    ]
    plans.append(FilePlan(path, record, due_for_retention(record, today, outcome_date(record))))
    return plans


def erasure_plans(
    path: Path, person: Candidate, record: Record, backups: list[tuple[Path, Record]]
) -> list[FilePlan]:
    """One person erased on request, in each backup that holds them and in the record."""
    plans = []
    for (b_path, b_record), found in zip(backups, find_in_backups(person, backups), strict=True):
        plans.append(FilePlan(b_path, b_record, [d for c in found for d in due_on_request(c)]))
    plans.append(FilePlan(path, record, due_on_request(person)))
    return plans


def describe_plans(plans: list[FilePlan], verb: str) -> list[str]:
    """Ids and field names only: never the personal data itself."""
    lines = []
    for plan in plans:
        if plan.due:
            lines.append(f"{verb} {len(plan.due)} candidate(s) in {visible(str(plan.path))}:")
            lines += [f"  {d.candidate.id}  {', '.join(d.held)}" for d in plan.due]
            lines += _describe_erased(plan.erased)
    return lines


def _describe_erased(erased: Erased) -> list[str]:
    """Where mentions were erased and which conflicts were dropped: ids only."""
    lines = []
    for cid in dict.fromkeys(mention.of for mention in erased.mentions):
        places = [m.describe() for m in erased.mentions if m.of == cid]
        lines.append(f"  mentions of {cid} erased in {', '.join(map(visible, places))}")
    if erased.conflicts:
        lines.append(f"  conflicts waiting about them dropped: {', '.join(erased.conflicts)}")
    return lines


def nothing_due(record: Record, today: date, erasing: str | None) -> str:
    """Why a purge found nothing to do, and when the next is due."""
    if erasing is not None:
        return f"Nothing to erase: {erasing} holds no personal data."
    outcome = outcome_date(record)
    if outcome is None:
        return (
            "Nothing to purge: the campaign has no outcome yet (no one appointed, and the "
            "'appointment' milestone not marked done)."
        )
    upcoming = [
        on
        for c in record.candidates
        if personal_data_held(c) and (on := anonymise_on(record, c, outcome)) is not None
    ]
    if not upcoming:
        return "Nothing to purge: no one who was not appointed holds personal data."
    return f"Nothing to purge yet: the next is due on {format_day(min(upcoming))}."
