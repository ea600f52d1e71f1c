"""`--as-of D` shows the record as it stood at the end of D (property-based).

A random campaign is run day by day through the CLI: adds, moves, reinstatements, new
ranks, edits (reasonable adjustments and the Disability Confident opt-in among them),
undos, notes, diversity answers, and milestone reschedules, renames, done and reopen. At the
end of each day every read command's output is kept; once the whole history is written,
each read command run again with `--as-of` that day must print exactly the same.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.conftest import Cli

START = date(2026, 1, 5)
STAGES = ["longlist", "shortlist", "interview", "preferred", "appointed", "reserve", "rejected"]
MILESTONES = ["closing", "sift", "interviews", "appointment"]
SCHEDULES = ["2026-02-16", "2026-03-02..2026-03-06", "early March 2026", "tbc", "2026-04-01 10:00"]

people = st.integers(1, 4).map(lambda n: f"c{n:03d}")
operations = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["Ada Lovelace", "Grace Hopper", "Zoë Brontë"])),
    st.tuples(st.just("move"), people, st.sampled_from(STAGES), st.integers(1, 3)),
    st.tuples(st.just("undo"), people),
    st.tuples(st.just("edit"), people, st.sampled_from(["a@example.org", "", "b@example.org"])),
    st.tuples(st.just("applied"), people, st.integers(0, 5)),
    st.tuples(st.just("note"), people),
    st.tuples(st.just("fair"), people, st.sampled_from(["Quiet room", "", "Hearing loop"])),
    st.tuples(st.just("monitoring"), people, st.sampled_from(["female", "male"])),
    st.tuples(st.just("reschedule"), st.sampled_from(MILESTONES), st.sampled_from(SCHEDULES)),
    st.tuples(st.just("reopen-reschedule"), st.sampled_from(MILESTONES), st.just("2026-05-01")),
    st.tuples(st.just("done"), st.sampled_from(MILESTONES)),
    st.tuples(st.just("reopen"), st.sampled_from(MILESTONES)),
    st.tuples(st.just("rename"), st.sampled_from(MILESTONES), st.sampled_from(["A", "B"])),
    st.tuples(st.just("blind"), st.sampled_from(["shortlist", "interview", None])),
)
days = st.lists(
    st.tuples(st.integers(0, 25), st.lists(operations, min_size=1, max_size=4)),
    min_size=1,
    max_size=5,
)


def _arguments(operation: tuple) -> list[str]:
    kind, *rest = operation
    if kind == "add":
        return ["add-candidate", rest[0], "--applied", START.isoformat()]
    if kind == "move":
        cid, stage, rank = rest
        extra = ["--rank", str(rank)] if stage == "reserve" else []
        return ["move", cid, stage, "--reinstate", "--reason", "why", *extra]
    if kind == "undo":
        return ["undo", rest[0], "--reason", "mistake"]
    if kind == "edit":
        return ["edit", rest[0], "--email", rest[1], "--name", f"Name {rest[1][:1] or 'x'}"]
    if kind == "applied":
        return ["edit", rest[0], "--applied", (START + timedelta(days=rest[1])).isoformat()]
    if kind == "note":
        return ["note", rest[0], "A note"]
    if kind == "fair":
        flag = "--disability-confident" if rest[1] else "--no-disability-confident"
        return ["edit", rest[0], "--adjustments", rest[1], flag]
    if kind == "monitoring":
        return ["monitoring", rest[0], f"sex={rest[1]}", "disability=yes"]
    if kind == "reschedule":
        return ["milestone", "reschedule", rest[0], rest[1]]
    if kind == "reopen-reschedule":
        return ["milestone", "reschedule", rest[0], rest[1], "--reopen"]
    if kind == "done":
        return ["milestone", "done", rest[0], "--early"]
    if kind == "reopen":
        return ["milestone", "reopen", rest[0]]
    if kind == "blind":  # the name-blind sift: reads hide names as it stood that day
        return ["blind", "--until", rest[0]] if rest[0] else ["blind", "--off"]
    return ["milestone", "rename", rest[0], rest[1]]


READS = [
    ("status", "--json"),
    ("status",),
    ("candidates", "--json"),
    ("candidates", "--stage", "reserve", "--json"),
    ("milestone", "list", "--json"),
    ("remind", "--json", "--within", "60"),
    ("export", "json"),
    ("export", "csv"),
    ("diversity", "--json"),
    ("blind", "--json"),
]


def _reads(cli: Cli, day: str) -> dict[tuple[str, ...], str]:
    seen = {command: cli.ok(*command, as_of=day) for command in READS}
    for number in range(1, 5):
        for command in (
            ("show", f"c{number:03d}", "--json"),
            ("monitoring", f"c{number:03d}", "--json"),
        ):
            result = cli(*command, as_of=day)
            seen[command] = result.stdout if result.exit_code == 0 else f"exit {result.exit_code}"
    return seen


# Each example runs ~100 commands: a few examples, and no shrinking (the failing plan is
# printed as it was found).
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(days)
def test_every_read_as_of_a_past_day_agrees_with_what_it_said_that_day(
    tmp_path_factory, plan
) -> None:
    cli = Cli(Path(tmp_path_factory.mktemp("replay")) / "campaign.toml")
    cli.ok("init", as_of=START.isoformat())
    day, seen = START, {}
    for gap, operations_of_day in plan:
        day += timedelta(days=gap)
        for operation in operations_of_day:
            result = cli(*_arguments(operation), as_of=day.isoformat())
            assert result.exit_code in (0, 1), (operation, result.output)
        seen[day.isoformat()] = _reads(cli, day.isoformat())
    for then, outputs in seen.items():
        again = _reads(cli, then)
        for command, output in outputs.items():
            assert again[command] == output, (then, command)
