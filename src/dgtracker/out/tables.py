"""Tables for people: the status dashboard, candidate lists and histories.

Every piece of user text goes through `safe()`, which makes control, bidi and zero-width
characters visible and wraps it in a rich Text, so that it is never read as markup.
Colour is rich's to decide: none when stdout is not a terminal or NO_COLOR is set
(out/console.py makes the console).

Each table imports what only it draws (charts, the import plan, an undo's words), so a
command loads only its own (start-up budget).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dgtracker.dates import format_day
from dgtracker.out.lines import print_folded
from dgtracker.process.queries import days_in_stage, stage_title
from dgtracker.record.model import Action, Candidate, Record, moves_that_stand
from dgtracker.text import one_line, visible

if TYPE_CHECKING:
    from dgtracker.exchange.sheet_import import ImportPlan
    from dgtracker.out.status_view import TableView
    from dgtracker.process.diversity import StageCounts
    from dgtracker.record.summary import Summary


def safe(value: str | None, style: str = "") -> Text:
    return Text(visible(value or ""), style=style)


def _table(title: str | None = None) -> Table:
    return Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, expand=False
    )


def _marks(console: Console) -> tuple[str, str]:
    """The next milestone's and a done one's marks: ▶ and ✓, or ASCII where the output
    cannot encode them (a legacy code page, PYTHONIOENCODING=ascii)."""
    from dgtracker.out.status_view import ASCII_MARKS, MARKS

    return MARKS if console.encoding.lower().replace("-", "").startswith("utf") else ASCII_MARKS


def render_status(
    console: Console, record: Record, today: date, summaries: Sequence[Summary] | None = None
) -> None:
    """The dashboard as rich draws it (out/status.py prints it without rich on a pipe).
    `summaries`: the candidates' (record/summary.py), for a record read without them."""
    from dgtracker.out.status_view import status_heading

    for cell in status_heading(record, today):
        console.print(Text(cell.text, style=cell.style))
    console.print()
    render_milestones(console, record, today, title="Milestones")
    plain = plain_glyphs(console)
    render_timeline(console, record, today, plain)
    console.print()
    render_pipeline(console, record, plain, summaries)


def plain_glyphs(console: Console) -> bool:
    """ASCII charts when piped, under NO_COLOR, or where the console cannot show more."""
    return (
        not console.is_terminal
        or console.no_color
        or not console.encoding.lower().startswith("utf")
    )


def render_timeline(console: Console, record: Record, today: date, plain: bool) -> None:
    """The dated milestones across the weeks (terminal_charts draws it)."""
    from dgtracker.out.status_view import timeline_lines

    lines = timeline_lines(record, today, console.width, plain)
    if not lines:
        return
    console.print()
    console.print(Text("Timeline", style="italic"))
    text = Text("\n".join(line.text for line in lines))
    if console.is_terminal and not console.no_color:
        offset = 0
        for line in lines:
            for start, end, style in line.styles:
                text.stylize(style, offset + start, offset + end)
            offset += len(line.text) + 1
    console.print(text, no_wrap=True, overflow="crop")


def render_milestones(
    console: Console, record: Record, today: date, title: str | None, show_ids: bool = False
) -> None:
    from dgtracker.out.status_view import milestone_table

    console.print(_rich_table(milestone_table(record, today, _marks(console), title, show_ids)))


def render_pipeline(
    console: Console, record: Record, plain: bool = True, summaries: Sequence[Summary] | None = None
) -> None:
    """How many are at each stage now and how many reached it, with the funnel's bars
    (counted from `summaries`, or from the record's candidates)."""
    from dgtracker.out.status_view import pipeline_table

    console.print(_rich_table(pipeline_table(record, console.width, plain, summaries)))


def _rich_table(view: TableView) -> Table:
    """A table computed by out/status_view.py, as rich's Table."""
    table = _table(view.title)
    for column in view.columns:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            overflow=column.overflow,  # type: ignore[arg-type]
            width=column.width,
            no_wrap=column.no_wrap,
            ratio=column.ratio,
            style=column.style or None,
        )
    for index, row in enumerate(view.rows):
        table.add_row(*(Text(cell.text, style=cell.style) for cell in row))
        if index in view.section_ends:
            table.add_section()
    return table


def render_candidate(console: Console, record: Record, candidate: Candidate, today: date) -> None:
    console.print(Text.assemble((candidate.id, "bold"), "  ", safe(candidate.name, "bold")))
    facts = _table()
    facts.add_column("Field", style="dim", no_wrap=True)
    facts.add_column("Value", overflow="fold")
    days = days_in_stage(candidate, today)
    stage = stage_title(record, candidate.stage)
    in_stage = "" if days is None else f" ({days} days)"
    facts.add_row("Stage", Text(visible(stage) + in_stage))
    if candidate.rank is not None:
        facts.add_row("Reserve rank", Text(str(candidate.rank)))
    for label, value in (
        ("Email", candidate.email),
        ("Phone", candidate.phone),
        ("Source", candidate.source),
        ("Applied", format_day(candidate.applied) if candidate.applied else None),
        ("Disability Confident", "yes" if candidate.disability_confident else "no"),
    ):
        facts.add_row(label, safe(value or "—"))
    facts.add_row("Adjustments", Text(visible(candidate.adjustments or "—", keep_newlines=True)))
    console.print(facts)
    history = _table("History")
    history.add_column("On", no_wrap=True)
    history.add_column("What", ratio=2, overflow="fold")
    history.add_column("By", overflow="fold")
    history.add_column("Note / reason", ratio=3, overflow="fold")
    standing = {id(event) for event in moves_that_stand(candidate.history)}
    for event in candidate.history:
        if event.action == Action.MOVED:
            before = stage_title(record, event.from_stage or "")
            what = f"{before} → {stage_title(record, event.stage or '')}"
            if id(event) not in standing:  # kept in the history; no stage reached
                what += " (undone)"
        elif event.action == Action.ADDED:
            what = f"added at {stage_title(record, event.stage or '')}"
        elif event.action == Action.UNDONE and event.undoes is not None:
            from dgtracker.process.corrections import describe_event

            what = f"undid {describe_event(record, candidate.history[event.undoes])}"
        elif event.was:
            what = f"edited {', '.join(event.was)}"
        elif event.action == Action.LETTER:
            what = f"letter '{event.letter}' {'sent' if event.sent else 'drafted'}"
        else:
            what = event.action
        detail = " — ".join(part for part in (event.reason, event.note, event.subject) if part)
        history.add_row(
            event.on.isoformat(),
            safe(what),
            safe(event.by),
            Text(visible(detail, keep_newlines=True)),
        )
    console.print(history)


DRY_RUN_ROWS = 20  # rows an import's dry run shows in its table (--all: every row)


def render_import_plan(
    console: Console, plan: ImportPlan, record: Record, today: date, limit: int = DRY_RUN_ROWS
) -> None:
    """What `import --dry-run` would do: how many rows of each kind, and the first `limit`
    rows with every field they store (a table of 100,000 rows would cost more than the
    import itself)."""
    from dgtracker.exchange.sheet_import import ADD, SKIP, UPDATE

    mark = "↵" if console.encoding.lower().replace("-", "").startswith("utf") else " / "

    def shown(value: str) -> str:  # a note of several lines stays one entry of the list
        return one_line(value, mark)

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Dry run", title_justify="left")
    table.add_column("Row", no_wrap=True, justify="right")
    table.add_column("Action", no_wrap=True)
    table.add_column("Name, email, phone, source", min_width=18, overflow="fold")
    table.add_column("Stage", ratio=1, overflow="fold")
    table.add_column("Applied", no_wrap=True)
    table.add_column("Note / detail", ratio=2, overflow="fold")
    for outcome in plan.outcomes[:limit]:
        row, existing = outcome.row, outcome.existing
        stage = existing.stage if existing else (row.stage or record.stages[0].id)
        if outcome.move_to:
            stage = f"{stage} → {outcome.move_to}"
        who = Text(shown(row.name or (existing.name if existing else "")))
        for extra in (row.email, row.phone, row.source):
            if extra:
                who.append("\n" + shown(extra), style="dim")
        applied = Text(row.applied.isoformat() if row.applied else "")
        if outcome.dated_today:
            applied = Text(f"{today.isoformat()}\n(today)")
        detail = [outcome.detail] if outcome.detail else []
        if outcome.reason:
            detail.append(f"reason: {outcome.reason}")
        if row.note and outcome.action == ADD:
            detail.append(f"note: {row.note}")
        table.add_row(
            Text(str(row.row)),
            Text(f"{outcome.action} {existing.id}" if existing else outcome.action),
            who,
            safe(stage),
            applied,
            Text("\n".join(shown(part) for part in detail)),
        )
    if plan.outcomes:
        console.print(table)
    more = len(plan.outcomes) - limit
    if more > 0:
        console.print(
            Text(
                f"… and {more:,} more row(s): --all lists every row, --json gives them to scripts."
            )
        )
    if plan.columns:
        read = ", ".join(f"{heading} → {name}" for name, heading in plan.columns.items())
        console.print(safe(f"Columns read ({plan.read_as}): {read}."))
    for note in plan.notes:
        console.print(safe(f"Note: {note}"))
    console.print(
        Text(
            f"Would add {plan.count(ADD):,}, update {plan.count(UPDATE):,} and skip "
            f"{plan.count(SKIP):,}. Nothing was written."
        )
    )
    if plan.ignored_columns:
        console.print(safe(f"Columns not imported: {', '.join(plan.ignored_columns)}."))


def render_diversity(console: Console, tables: list[StageCounts]) -> None:
    """Counts by stage (columns) and answer (rows), where declared; "*" where suppressed."""
    print_folded(
        console, "Diversity by stage, where declared (counts under 5 suppressed: *)", "bold"
    )
    table = _table()
    table.add_column("Question / answer", overflow="fold")
    for stage in tables:
        table.add_column(stage.stage.replace("_", " "), justify="right")

    def shown(count: int | None) -> str:
        return "*" if count is None else str(count)

    table.add_row("Total", *(shown(stage.total) for stage in tables))
    for question, by_value in tables[0].counts.items() if tables else ():
        table.add_row(Text(question.replace("_", " "), style="bold"), *("" for _ in tables))
        for value in by_value:
            table.add_row(f"  {value}", *(shown(stage.counts[question][value]) for stage in tables))
    console.print(table)
