"""The merge of two copies of a shared record (team/merge.py), checked in-process on random
changes made with every command that writes, through the functions those commands call
(add, move with outcomes, reinstatement and places on the reserve list, notes, edits,
undo, milestones, criteria, the panel, marks, the reserve list from merit, slots, imports,
an erasure on request and the retention purge). The two copies' clocks may disagree by
hours, as colleagues' clocks do.

After merging the two copies in both orders:
- the result is the same either way, but for which side a conflict calls ours;
- every event of either copy is there exactly once, unless it names someone erased;
- of an erased person, nothing is left anywhere (name, email or phone, in any case or
  accent), and no other text mentions them;
- no id changes and nobody is doubled; the merged record keeps every rule;
- a change made on one copy is kept (a change beats a removal); a conflict is reported
  exactly where both copies changed one value differently.

The commands drawn are checked against the CLI itself, so a new writing command cannot be
left out. The deep profile (`--hypothesis-profile=deep`) tries 2,000 cases, forty times the
50 asked for here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import Any

import tomli_w
import typer.main
from hypothesis import example, given
from hypothesis import strategies as st
from tests.conftest import at_least
from tests.test_team_random import (
    MACHINERY,
    _holders,
    _leaves,
    _writes,
    collisions,
    decisions,
    reported,
)

from dgtracker.cli.app import app
from dgtracker.dates import When
from dgtracker.errors import DgError
from dgtracker.exchange.sheet_files import read_table_file
from dgtracker.exchange.sheet_import import apply_import, plan_import
from dgtracker.panel import changes as panel
from dgtracker.panel import slots
from dgtracker.process import (
    blind,
    candidate_actions,
    corrections,
    milestone_actions,
    monitoring,
    new_records,
    privacy,
)
from dgtracker.record import storage
from dgtracker.record.decode import record_from_data
from dgtracker.record.model import PanelRole, Record, anonymised_name
from dgtracker.team.merge import merge

TODAY = date(2026, 2, 2)
START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
FIRST = ["Zoë", "Renée", "José", "Åsa"]
DIGIT = {"base": 0, "ada": 1, "bob": 2}  # in phone numbers: no two people share one
STAGES = ["longlist", "shortlist", "assessment", "interview", "rejected", "withdrawn"]
WHENS = [
    When(date(2026, 3, 4), date(2026, 3, 4)),
    When(date(2026, 3, 2), date(2026, 3, 6)),
    When(),
]

# What each command that writes is drawn as (several ways for some commands).
COMMANDS: dict[str, list[str]] = {
    "add-candidate": ["add", "add at stage", "add with note"],
    "move": ["move", "move to outcome", "reinstate", "rank"],
    "note": ["note"],
    "edit": ["edit"],
    "undo": ["undo"],
    "milestone add": ["milestone add"],
    "milestone done": ["milestone done"],
    "milestone reschedule": ["reschedule"],
    "milestone reopen": ["reopen"],
    "milestone rename": ["rename"],
    "milestone remove": ["milestone remove"],
    "criteria add": ["criteria add"],
    "criteria change": ["criteria change"],
    "criteria remove": ["criteria remove"],
    "panel add": ["panel add"],
    "panel conflict": ["panel conflict"],
    "score": ["score"],
    "reserve": ["reserve"],
    "schedule": ["book", "cancel"],
    "purge": ["erase", "retention purge"],
    "import": ["import"],
    "mail": ["letter"],
    "monitoring": ["monitoring"],
    "blind": ["blind on", "blind off"],
}
# The fields `edit` corrects, as drawn (the date applied is left alone: moves are dated by it).
EDITED = ("name", "email", "phone", "source", "disability_confident", "adjustments")
KINDS = [kind for kinds in COMMANDS.values() for kind in kinds]

Op = tuple[str, int, int]  # what, which one (by position), which choice
ops = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5), st.integers(0, 5)), max_size=8)
# A copy's clock, in minutes from the base's: colleagues' clocks disagree by hours.
clocks = st.integers(-240, 240)


def as_data(record: Record) -> dict[str, Any]:
    return storage.loads(storage.text_and_data(record)[0])


def as_record(data: dict[str, Any]) -> Record:
    """A copy of a shared record (new ids drawn at random, as on a team's clones)."""
    record, problems = record_from_data(data)
    assert record is not None, problems
    record.shared = True
    return record


def fold(text: str) -> str:
    """Text as a mention is found: case-folded, accents off."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


class Copy:
    """One copy of the record, changed step by step by one person, whose clock is theirs."""

    def __init__(self, data: dict[str, Any], who: str, clock: int) -> None:
        self.record, self.who, self.clock = as_record(data), who, clock
        self.told: dict[str, set[str]] = {}  # every name, email and phone each id was given

    def run(self, changes: list[Op]) -> dict[str, Any]:
        for step, (what, which, choice) in enumerate(changes):
            self.now = START + timedelta(minutes=self.clock + 3 * step)
            self.step = step
            with suppress(DgError):  # a change the rules refuse (not at that stage): skipped
                self.one(what, which, choice)
            for c in self.record.candidates:
                if c.name != anonymised_name(c.id):
                    held = {c.name, c.email, c.phone, c.name.split()[-1]}
                    self.told.setdefault(c.id, set()).update(v for v in held if v)
        return as_data(self.record)

    # --- helpers ---------------------------------------------------------------------

    def stamp(self) -> dict[str, Any]:
        return {"by": self.who, "today": TODAY, "now": self.now}

    def someone(self, which: int, *stages: str) -> str | None:
        people = [
            c.id
            for c in self.record.candidates
            if c.name != anonymised_name(c.id) and (not stages or c.stage in stages)
        ]
        return people[which % len(people)] if people else None

    def name_of(self, which: int) -> str:
        """Someone's name as a colleague might type it in a note (any case, any accents)."""
        cid = self.someone(which)
        if cid is None:
            return "nobody"
        name = next(c.name for c in self.record.candidates if c.id == cid)
        return [name, name.upper(), fold(name)][which % 3]

    def new_name(self, extra: str = "") -> str:
        # the surname's digits end with the copy's name: no name is inside another
        return f"{FIRST[self.step % 4]} Brontë{self.step}{extra}{self.who}"

    def milestone(self, which: int) -> str:
        live = [m.id for m in self.record.milestones if m.removed is None]
        return live[which % len(live)]

    # --- one change, as the command makes it -------------------------------------------

    def one(self, what: str, which: int, choice: int) -> None:
        rec, at = self.record, self.stamp()
        if what.startswith("add") or (not rec.candidates and what != "import"):
            n = self.step
            extra: dict[str, Any] = {"email": f"{self.who}.{n}x@example.org"}
            if choice % 2:
                extra["phone"] = f"07700 9{n:02}{choice}{DIGIT[self.who]}"
            if what == "add at stage":
                stage = STAGES[choice]
                extra |= {"stage": stage, "reason": f"Started at {stage}"}
            if what == "add with note":
                extra["note"] = f"Referred by {self.name_of(which)}"
            candidate_actions.add_candidate(rec, name=self.new_name(), **extra, **at)
        elif what == "move":
            cid = self.someone(which)
            if cid:
                candidate_actions.move(rec, cid, STAGES[choice % 4], **at, note="Moved on")
        elif what == "move to outcome":
            cid = self.someone(which)
            if cid:
                reason = f"Not this time, unlike {self.name_of(which + 1)}"
                candidate_actions.move(rec, cid, STAGES[4 + choice % 2], **at, reason=reason)
        elif what == "reinstate":
            cid = self.someone(which, "rejected", "withdrawn", "reserve")
            if cid:
                candidate_actions.move(rec, cid, STAGES[choice % 4], **at, reinstate=True)
        elif what == "rank":
            cid = self.someone(which, "interview", "reserve")
            if cid:
                rank = 1 + choice % 3
                candidate_actions.move(rec, cid, "reserve", **at, rank=rank, reason="Appointable")
        elif what == "note":
            cid = self.someone(which)
            if cid:
                text = f"{self.who} says {self.step}: compare {self.name_of(choice)}"
                candidate_actions.add_note(rec, cid, text, **at)
        elif what == "edit":
            cid = self.someone(which)
            if cid:
                field = EDITED[choice % len(EDITED)]
                value: str | bool = {
                    "name": self.new_name("e"),
                    "email": f"{self.who}.{self.step}e@example.org",
                    "phone": f"07700 8{self.step:02}{DIGIT[self.who]}",
                    "source": f"Search firm {self.who}",
                    "disability_confident": choice % 2 == 0,
                    "adjustments": f"A quiet room, as {self.name_of(which)} said",
                }[field]
                corrections.edit_candidate(rec, cid, {field: value}, **at, reason="Corrected")
        elif what == "undo":
            cid = self.someone(which)
            if cid:
                corrections.undo(rec, cid, reason="In error", **at)
        elif what == "milestone add":
            title = f"Review {self.who} {self.step}"
            milestone_actions.add_milestone(rec, title, WHENS[choice % 3], **at)
        elif what == "milestone done":
            mid = self.milestone(which)
            milestone_actions.mark_done(rec, mid, on=TODAY, early=True, **at)
        elif what == "reschedule":
            reason = f"For {self.name_of(choice)}'s notice period"
            mid = self.milestone(which)
            milestone_actions.reschedule(rec, mid, WHENS[choice % 3], reason=reason, **at)
        elif what == "reopen":
            done = [m.id for m in rec.milestones if m.done and m.removed is None]
            if done:
                milestone_actions.reopen_milestone(rec, done[which % len(done)], **at)
        elif what == "rename":
            mid = self.milestone(which)
            corrections.rename_milestone(rec, mid, f"{mid} ({self.who} {choice})", **at)
        elif what == "milestone remove":
            mid = self.milestone(which)
            corrections.remove_milestone(rec, mid, reason="Not needed", **at)
        elif what == "criteria add":
            cid = f"{self.who}-{self.step}"
            made = panel.new_criterion(
                cid, f"Criterion {cid}", "ability", scale=(1, 7), bar=4,
                assess=("interview",), weight=1, lead=False,
            )  # fmt: skip
            panel.add_criterion(rec, made, at["today"])
        elif what == "criteria change":
            if rec.criteria:  # every one may have been removed
                old = rec.criteria[which % len(rec.criteria)]
                changed = panel.new_criterion(
                    old.id, f"{old.title} ({self.who} {choice})", old.kind,
                    scale=(old.low, old.high), bar=1 + choice, assess=old.assess,
                    weight=old.weight, lead=old.lead,
                )  # fmt: skip
                panel.change_criterion(rec, old.id, changed, at["today"])
        elif what == "criteria remove":
            if rec.criteria:
                panel.remove_criterion(rec, rec.criteria[which % len(rec.criteria)].id)
        elif what == "panel add":
            panel.add_member(rec, f"Panellist {self.who} {choice % 2}", PanelRole.MEMBER)
        elif what == "panel conflict":
            cid = self.someone(which)
            if rec.panel and cid:
                member = rec.panel[choice % len(rec.panel)].name
                panel.declare_conflict(rec, member, cid, f"Worked with {self.name_of(which)}")
        elif what == "score":
            cid = self.someone(which, "interview")
            if cid:
                marks = {
                    c.id: min(c.high, 2 + (choice + i) % 5)
                    for i, c in enumerate(rec.criteria)
                    if "interview" in c.assess
                }
                panel.score(rec, cid, "interview", marks, member=None, evidence=None, **at)
        elif what == "reserve":
            plan = panel.reserve_plan(rec, "interview")
            panel.apply_reserve(rec, plan, "interview", **at)
        elif what == "book":
            cid = self.someone(which, "assessment", "interview")
            if cid:
                moment = datetime(2026, 3, 2 + choice % 4, 10 + which, 0)  # local time
                slots.book(
                    rec, cid, "interview", moment, minutes=60, where=None, allow_overlap=True, **at
                )
        elif what == "cancel":
            cid = self.someone(which, "assessment", "interview")
            if cid:
                slots.cancel(rec, cid, "interview", **at)
        elif what == "erase":
            cid = self.someone(which)
            if cid:
                self.purge(privacy.erasure_plans, cid)
        elif what == "retention purge":
            self.purge(privacy.retention_plans, None)
        elif what == "letter":  # the log `mail` writes; its subject may name the person
            cid = self.someone(which)
            if cid:
                template = ["regret", "invite", "withdrawn"][choice % 3]
                subject = f"For {self.name_of(which)}: {template}"
                candidate_actions.log_letter(
                    rec, cid, template, subject, sent=choice % 2 == 0, **at
                )
        elif what == "monitoring":
            cid = self.someone(which)
            if cid:
                answers = {"sex": ["female", "male", "prefer-not-to-say"][choice % 3]}
                monitoring.record_answers(rec, cid, answers, today=TODAY, now=at["now"])
        elif what == "blind on":
            blind.set_blind(rec, ["shortlist", "interview"][choice % 2], **at)
        elif what == "blind off":
            blind.set_blind(rec, None, **at)
        elif what == "import":
            rows = [
                f"{self.new_name(f'i{row}')},{self.who}.{self.step}i{row}@example.org"
                for row in range(1 + choice % 2)
            ]
            sheet = ("Name,Email\n" + "\n".join(rows) + "\n").encode()
            table = read_table_file(sheet, "import.csv")
            plan = plan_import(table, "import.csv", rec, TODAY, False)
            apply_import(rec, plan, **at)
        else:
            raise AssertionError(what)

    def purge(self, plans: Any, cid: str | None) -> None:
        """As `purge` does to a record with no backups (app/session.py)."""
        from pathlib import Path

        path, rec = Path("campaign.toml"), self.record
        if cid is None:  # the retention policy, judged two years on
            found = plans(path, rec, [], TODAY + timedelta(days=730))
        else:
            found = plans(path, candidate_actions.find_candidate(rec, cid), rec, [])
        people = privacy.people_of(found)
        for plan in found:
            privacy.forget(plan.record, plan.due, people, **self.stamp())
            if cid is not None:
                for due in plan.due:
                    corrections.withdraw_erased(rec, due.candidate, **self.stamp())


# --- what must hold -----------------------------------------------------------------------


def _birth(candidate: dict[str, Any]) -> tuple[Any, ...]:
    first = candidate["history"][0]
    return (candidate["id"], first["at"], first["by"])


def histories(data: dict[str, Any]) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Each candidate's history (by who they are) and each milestone's (by id)."""
    found = {("c", *_birth(c)): c["history"] for c in data["candidates"]}
    return found | {("m", m["id"]): m.get("history", []) for m in data["milestones"]}


def told_apart(history: list[dict[str, Any]]) -> list[str]:
    """Each event as it is known wherever it lands: an undo by the event it undoes."""
    known: list[str] = []
    for event in history:
        undoes = event.get("undoes")
        known.append(repr({**event, "undoes": known[undoes]} if undoes is not None else event))
    return known


def moves(candidate: dict[str, Any] | None) -> int:
    history = (candidate or {}).get("history", [])
    return sum(e["action"] in ("moved", "undone") for e in history)


def _of(data: dict[str, Any], cid: str) -> dict[str, Any] | None:
    return next((c for c in data["candidates"] if c["id"] == cid), None)


def erased_people(data: dict[str, Any]) -> set[str]:
    return {c["id"] for c in data["candidates"] if c["name"] == anonymised_name(c["id"])}


def without_conflicts(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "conflicts"}


def swapped(conflicts: list[dict[str, Any]]) -> list[str]:
    out = []
    for conflict in conflicts:
        turned = {}
        for key, value in conflict.items():
            if key.startswith("ours"):
                key = "theirs" + key[4:]
            elif key.startswith("theirs"):
                key = "ours" + key[6:]
            turned[key] = value
        out.append(repr(sorted(turned.items())))
    return sorted(out)


def _names_someone(value: Any, words: set[str]) -> bool:
    text = fold(repr(value))
    return any(word in text for word in words)


def check_merge(base: dict, a: dict, b: dict, told: dict[str, set[str]]) -> None:
    ab, ba = merge(base, a, b), merge(base, b, a)
    assert not ab.clashes and not ba.clashes
    assert without_conflicts(ab.data) == without_conflicts(ba.data)
    assert sorted(repr(sorted(c.items())) for c in ab.conflicts) == swapped(ba.conflicts)
    merged = ab.data
    as_record(merged)  # the merged record keeps every rule

    gone = erased_people(merged)
    words = {fold(v) for cid in gone for v in told.get(cid, ())}
    text = fold(tomli_w.dumps(merged))
    for word in words:  # nothing of an erased person, in any case or accent
        assert word not in text, word

    people = [_birth(c) for c in merged["candidates"]]  # nobody doubled, no id changed
    assert len({p[0] for p in people}) == len(people)
    assert set(people) == {_birth(c) for side in (a, b) for c in side["candidates"]}

    kept = histories(merged)
    for side in (a, b):  # each event once, unless it was about someone erased
        for who, events in histories(side).items():
            if who[0] == "c" and who[1] in gone:
                continue
            counted = Counter(told_apart(kept[who]))
            for event, known in zip(events, told_apart(events), strict=True):
                if not _names_someone(known, words):
                    assert counted[known] == 1, (who, event)

    expected = {  # a conflict exactly where two changes collide (not on someone erased
        where  # on both copies: one erasure, said once)
        for where in collisions(base, a, b)
        if where[0] != "candidates" or where[1][2] not in erased_people(a) & erased_people(b)
    }
    listed = {_birth(c)[0] for c in merged["candidates"] if c["stage"] == "reserve"}
    expected = {  # nor on a place for someone the merge leaves off the list
        where for where in expected if where[-1] != "rank" or where[1][2] in listed
    }
    assert reported(merged, a, b) == expected
    before, mine, yours, now = (decisions(d) for d in (base, a, b, merged))
    moved = [
        {c["id"] for c in side["candidates"] if moves(c) > moves(_of(base, c["id"]))}
        for side in (a, b)
    ]
    moved_on_both = moved[0] & moved[1]
    holders = _holders(a), _holders(b)
    changed = [{w[:2] for w in side.keys() | before.keys() if side.get(w) != before.get(w)}
               for side in (mine, yours)]  # fmt: skip
    marked = {("criteria", k) for w, sheet in now.items() if w[2:3] == ("marks",)
              for k in sheet["scores"]}  # fmt: skip
    changed = [items | marked for items in changed]  # marks keep a criterion too
    for where in mine.keys() | yours.keys():  # a change on one copy is kept
        o, t, was = mine.get(where), yours.get(where), before.get(where)
        about = where[1][2] if where[0] == "candidates" else where[-1]
        stage = (*where[:-1], "stage")  # a place on the list goes with the stage chosen
        off = where[-1] == "rank" and (stage in expected or where[1][2] not in listed)
        if where[-1] == "stage" and where[1][2] in moved_on_both:
            continue  # moved on both copies: the latest move stands (history_problem holds it)
        if where in expected or off:
            continue  # a conflict waits for resolve; off the list, no place
        if about in gone or _names_someone((o, t, was), words):
            continue  # an erased person: the erasure wins
        if where[:2] not in holders[0]:  # removed on ours: gone, unless changed on theirs
            assert now.get(where) == (t if where[:2] in changed[1] else None), where
        elif where[:2] not in holders[1]:
            assert now.get(where) == (o if where[:2] in changed[0] else None), where
        elif o == was:
            assert now.get(where) == t, where  # changed on theirs alone
        elif t == was:
            assert now.get(where) == o, where  # changed on ours alone


# --- the properties -----------------------------------------------------------------------


def base_with(changes: list[Op]) -> tuple[dict[str, Any], dict[str, set[str]]]:
    copy = Copy(as_data(new_records.dhsc_campaign()), "base", 0)
    made = [("add", 0, 0), ("add at stage", 1, 3), ("panel add", 0, 0), *changes]
    return copy.run(made), copy.told


@at_least(50)  # the examples that kill the merge's mutants in the default run
@given(ops, ops, ops, clocks, clocks)
@example(  # one copy moves someone and takes it back; the other writes to them
    [("move", 0, 1)], [("move", 0, 2), ("undo", 0, 0)], [("note", 0, 0)], 60, -60
)
@example(  # a criterion removed on one copy, changed on the other
    [], [("criteria remove", 2, 0)], [("criteria change", 2, 1)], 30, 30
)
@example(  # every criterion removed, then one copy changes one
    [("criteria remove", 0, 0)] * 4,
    [],
    [("criteria remove", 0, 0)] * 2 + [("criteria change", 0, 0)],
    0,
    0,
)
@example(  # a copy whose clock is behind the base's writes after it
    [("note", 0, 0), ("note", 0, 1)], [("note", 0, 2)], [("erase", 1, 0)], -200, 20
)
def test_two_copies_changed_with_every_command_merge_by_the_rules(
    before: list[Op], left: list[Op], right: list[Op], clock_a: int, clock_b: int
) -> None:
    base, told = base_with(before)
    copies = [Copy(base, "ada", 30 + clock_a), Copy(base, "bob", 31 + clock_b)]
    a, b = (copy.run(changes) for copy, changes in zip(copies, (left, right), strict=True))
    for copy in copies:
        for cid, said in copy.told.items():
            told.setdefault(cid, set()).update(said)
    for side in (a, b):
        assert merge(base, side, base).data == side  # one copy changed: that copy
        assert merge(base, base, side).data == side
    check_merge(base, a, b, told)


def test_every_command_that_writes_is_drawn() -> None:
    group = typer.main.get_command(app)
    with typer.Context(group) as ctx:
        commands = _leaves(group, ctx)
    writing = {path for path, command in commands.items() if _writes(command)}
    assert {"add-candidate", "move", "purge", "import", "schedule"} <= writing
    assert writing - MACHINERY == set(COMMANDS), (
        f"not drawn: {sorted(writing - MACHINERY - set(COMMANDS))}; "
        f"drawn but not writing: {sorted(set(COMMANDS) - writing)}"
    )


# --- what the property found (each failed before its fix) ---------------------------------


def _two(before: list[Op], left: list[Op], right: list[Op], clocks: tuple[int, int] = (30, 31)):
    base, _ = base_with(before)
    a = Copy(base, "ada", clocks[0]).run(left)
    b = Copy(base, "bob", clocks[1]).run(right)
    return base, a, b


def test_an_undo_still_undoes_its_move_when_the_other_copys_entry_lands_before_it() -> None:
    base, a, b = _two(
        [("move", 0, 1)], [("move", 0, 2), ("undo", 0, 0)], [("note", 0, 0)], (90, -29)
    )
    merged = merge(base, a, b).data["candidates"][0]
    undo = merged["history"][-1]
    assert merged["history"][undo["undoes"]]["stage"] == "assessment"  # the move, not the note
    assert merged["stage"] == "shortlist"  # the undone move is not revived


def test_a_criterion_removed_on_one_copy_and_marked_on_the_other_stays() -> None:
    base, a, b = _two([("move", 0, 3)], [("criteria remove", 0, 0)], [("score", 0, 0)])
    for merged in (merge(base, a, b), merge(base, b, a)):
        assert "transformation" in [c["id"] for c in merged.data["criteria"]]
        as_record(merged.data)  # not refused for marks on an unknown criterion


def test_the_same_slot_booked_on_two_copies_is_one_booking_not_a_conflict() -> None:
    base, a, b = _two([], [("book", 0, 0)], [("book", 0, 0)])
    merged = merge(base, a, b)
    assert not merged.conflicts
    assert merged.data["candidates"][1]["slots"] == a["candidates"][1]["slots"]  # booked first


def test_two_new_places_on_the_list_conflict_the_same_either_way_round() -> None:
    base, a, b = _two([], [("rank", 0, 0)], [("rank", 0, 1)])
    ab, ba = merge(base, a, b), merge(base, b, a)
    assert [c["id"] for c in ab.conflicts] == [f"{a['candidates'][1]['id']}.rank"]
    assert without_conflicts(ab.data) == without_conflicts(ba.data)


def test_a_first_entry_redacted_on_one_copy_stays_first_beside_a_clock_behind() -> None:
    """The third person's first note names the first, erased on one copy; the other copy,
    its clock an hour behind, moved the third: their first entry is still their first."""
    base, a, b = _two([("add with note", 0, 0)], [("move", 2, 0)], [("erase", 0, 0)], (-30, 31))
    for merged in (merge(base, a, b), merge(base, b, a)):
        third = merged.data["candidates"][2]
        assert third["history"][0]["action"] == "added"
        assert _birth(third) == _birth(a["candidates"][2])


def test_a_new_place_on_one_copy_and_off_the_list_on_the_other_is_off_the_list() -> None:
    base, a, b = _two([("rank", 0, 0)], [("rank", 0, 1)], [("reinstate", 0, 0)])
    for merged in (merge(base, a, b), merge(base, b, a)):
        assert not merged.conflicts
        assert "rank" not in merged.data["candidates"][1]
        as_record(merged.data)  # was refused: a place on the list for someone at longlist


def test_every_criterion_removed_on_one_copy_and_one_added_on_the_other_is_no_conflict() -> None:
    base, a, b = _two(
        [("criteria remove", 0, 0)] * 3, [("criteria add", 0, 0)], [("criteria remove", 0, 0)] * 3
    )
    assert "criteria" not in b  # a list emptied is left out of the file
    for merged in (merge(base, a, b), merge(base, b, a)):
        assert not merged.conflicts
        assert [c["id"] for c in merged.data["criteria"]] == ["ada-0"]
