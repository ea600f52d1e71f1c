"""Mentions of a person in the record's free text, and their erasure (UK GDPR).

A person is known by their identifiers (every name they had, in any case and with or
without accents, their emails and phones, and their surname alone where it is rare enough);
`redact` replaces each mention in a text with `[erased]`. Pure logic over the record's
objects and texts, used by a purge (process/privacy.py), by the merge when one copy erased
someone the other wrote about (team/merge_erasure.py), by the Commission's page and by the
rewriting of git history; so it lives with the record, below all of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

from dgtracker.compared import Compared, FrozenCompared
from dgtracker.record.model import (
    Action,
    Candidate,
    Event,
    Milestone,
    MilestoneChange,
    MilestoneChangeKind,
    Record,
    anonymised_name,
)
from dgtracker.record.personal_data import counted

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


@dataclass(frozen=True, eq=False, repr=False)
class Identifiers(FrozenCompared):
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
    def word_starts(self) -> frozenset[str]:
        """The first four letters of each word of four or more (`may_name`): made once, as
        the blind view asks about every milestone for thousands of people at once."""
        words = {word for phrase in self.phrases for word in _WORD.findall(phrase)} | self.words
        return frozenset(word[:4] for word in words if len(word) >= 4)

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


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Mention(FrozenCompared):
    """Where a purge erased mentions of a person: by ids and field names only."""

    of: str  # the candidate id of the person erased
    kind: str  # "candidate", "milestone", "panel"
    item: str  # the candidate's or milestone's id; the panel: "conflict notes"
    fields: tuple[str, ...]

    def describe(self) -> str:
        where = self.item if self.kind == "candidate" else f"{self.kind} {self.item}"
        return f"{where} ({', '.join(self.fields)})"


@dataclass(slots=True, eq=False, repr=False)
class Erased(Compared):
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
            shown = f"#{place}" if may_name(milestone.id, people[cid]) else milestone.id
            found.append(Mention(cid, "milestone", shown, fields))
    notes: Counter[str] = Counter()
    for member in record.panel:
        for declared in member.conflicts:
            declared.note = erase(declared.note, "conflict note")
            notes.update(erase.item().keys())
    found += [
        Mention(cid, "panel", "conflict notes", (counted(notes[cid], "note"),))
        for cid in people
        if notes[cid]
    ]
    for conflict in record.conflicts:
        for side in ("ours", "theirs", "base"):
            setattr(conflict, side, redact_value(getattr(conflict, side), erase.everyone))
    return sorted(found, key=lambda mention: list(people).index(mention.of))


def may_name(item_id: str, who: Identifiers) -> bool:
    """Whether an id may hold the person's name: `milestone add` makes ids from titles
    ("call-charlotte-bront"), and ids never change, so purge shows such a milestone by its
    place instead. Any word of theirs of four letters or more whose start is in it."""
    folded = fold(item_id)
    return any(start in folded for start in who.word_starts)


def _erase_in_candidate(candidate: Candidate, erase: Eraser) -> None:
    candidate.source = erase(candidate.source, "source")
    candidate.adjustments = erase(candidate.adjustments, "adjustments")
    for event in candidate.history:
        event.note = erase(event.note, "note")
        event.reason = erase(event.reason, "reason")
        event.subject = erase(event.subject, "subject")
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


# --- a purge's plan: the record and each backup dgtracker made of it -----------------
