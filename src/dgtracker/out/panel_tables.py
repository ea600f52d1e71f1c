"""The panel's work for people: criteria, the panel, merit order, the reserve plan and a
day's agenda, laid out by list_layout so that they stay readable in narrow terminals.

User text is shown through text.visible, and printed as plain text (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dgtracker.dates import format_day
from dgtracker.out.columns import Column, lay_out
from dgtracker.out.lines import list_width, print_folded, print_list
from dgtracker.text import visible

if TYPE_CHECKING:
    from rich.console import Console

    from dgtracker.panel.changes import ReservePlace
    from dgtracker.panel.merit import MeritRow
    from dgtracker.panel.slots import AgendaItem
    from dgtracker.record.model import Criterion, Record


def _print_table(
    console: Console, columns: Sequence[Column], rows: list[list[str]], *, say_left_out: bool = True
) -> list[str]:
    """Print the rows, and which columns were left out for want of room (a list never drops
    a column without saying so, unless the caller says it its own way); return those."""
    layout = lay_out(columns, rows, list_width(console))
    print_list(console, layout)
    if layout.left_out and say_left_out:
        print_folded(console, f"{layout.left_out_said()} (--json has every field)", "dim")
    return layout.left_out


def render_criteria(console: Console, record: Record) -> None:
    if not record.criteria:
        print_folded(
            console, "No criteria yet. Add one with: dgtracker criteria add ID TITLE --kind KIND"
        )
        return
    rows = [
        [
            c.id,
            visible(c.title),
            c.kind,
            "frame A–E" if c.frame else f"{c.low}–{c.high}",
            c.shown(c.bar),
            ", ".join(c.assess) or "—",
            str(c.weight) + (" lead" if c.lead else ""),
        ]
        for c in record.criteria
    ]
    columns = [
        Column("Id"),
        Column("Title", flexible=True),
        Column("Kind", optional=2),
        Column("Scale"),
        Column("Bar", right=True),
        Column("Marked at", flexible=True),
        Column("Weight", optional=1),
    ]
    _print_table(console, columns, rows)


def render_panel(console: Console, record: Record) -> None:
    if not record.panel:
        print_folded(
            console, "No panel yet. Add a member with: dgtracker panel add NAME --role ROLE"
        )
        return
    rows = []
    for member in record.panel:
        conflicts = "; ".join(
            c.candidate + (f" ({visible(c.note)})" if c.note else "") for c in member.conflicts
        )
        rows.append([visible(member.name), member.role, conflicts or "—"])
    columns = [Column("Name", flexible=True), Column("Role"), Column("Conflicts", flexible=True)]
    _print_table(console, columns, rows)


def _short(criteria: list[Criterion]) -> str:
    return ", ".join(
        c.id + (f" ×{c.weight}" if c.weight != 1 else "") + (" (lead)" if c.lead else "")
        for c in criteria
    )


def render_merit(
    console: Console, record: Record, stage_id: str, criteria: list[Criterion], rows: list[MeritRow]
) -> None:
    title = record.stage(stage_id)
    print_folded(console, f"Merit order at {visible(title.title if title else stage_id)}", "bold")
    if not criteria:
        print_folded(console, "No criteria are marked at this stage.")
        return
    bars = {c.shown(c.bar) for c in criteria}
    bar = f"bar {bars.pop()}" if len(bars) == 1 else "bars differ"
    print_folded(console, f"Marks, in order: {_short(criteria)} ({bar})", "dim")
    if not rows:
        print_folded(console, "No candidates have reached this stage.")
        return
    table = []
    for row in rows:
        marks = " ".join("·" if m is None else str(m) for m in row.written.values())
        notes = []
        if row.appointable is False:
            notes.append(f"below the bar: {', '.join(row.below_bar)}")
        if row.tie_broken:
            notes.append("level on total, apart on lead")
        if row.missing:
            notes.append(f"not agreed: {', '.join(row.missing)}")
        if row.moderate:
            notes.append(f"moderate: {', '.join(row.moderate)}")
        if row.conflicts:
            notes.append(f"conflict: {visible(', '.join(row.conflicts))}")
        rank = "—" if row.rank is None else f"{row.rank}{'=' if row.tie else ''}"
        total = "" if row.total is None else str(row.total)
        table.append(
            [rank, row.candidate.id, visible(row.candidate.name), total, marks, "; ".join(notes)]
        )
    columns = [
        Column("#", right=True),
        Column("Id"),
        Column("Name", flexible=True),
        Column("Total", right=True),
        Column("Marks"),
        Column("Notes", flexible=True),
    ]
    _print_table(console, columns, table)
    ranked = sum(1 for r in rows if r.rank is not None)
    below = sum(1 for r in rows if r.appointable is False)
    missing = sum(1 for r in rows if r.appointable is None)
    footer = (
        f"{ranked} appointable in merit order; {below} below the bar; {missing} not fully marked."
    )
    if any(r.tie for r in rows):
        footer += " '=' marks a tie" + (
            "." if any(c.lead for c in criteria) else " (no lead criterion to break it)."
        )
    print_folded(console, footer, "dim")


def render_reserve_plan(
    console: Console, plan: list[ReservePlace], stage_id: str, dry_run: bool
) -> None:
    if not plan:
        print_folded(
            console, f"No appointable candidate at {stage_id} is left for the reserve list."
        )
        return
    verb = "Would place" if dry_run else "Placed"
    for place in plan:
        candidate = place.candidate
        tie = ", tied" if place.tied else ""
        print_folded(
            console,
            f"{verb} {candidate.id} {visible(candidate.name)} at place {place.rank} "
            f"(merit rank {place.merit_rank}{tie})",
        )
    if dry_run:
        print_folded(console, "Nothing was changed (--dry-run).", "dim")


def render_agenda(console: Console, record: Record, day: date, items: list[AgendaItem]) -> None:
    print_folded(console, f"Agenda for {format_day(day)}", "bold")
    if record.panel:
        members = ", ".join(f"{visible(m.name)} ({m.role})" for m in record.panel)
        print_folded(console, f"Panel: {members}", "dim")
    if not items:
        print_folded(console, "No slots booked on this day.")
        return
    rows = [
        [
            f"{item.slot.at:%H:%M}–{item.slot.end:%H:%M}",
            item.candidate.id,
            visible(item.candidate.name),
            item.slot.assessment,
            visible(item.slot.where or "—"),
            visible(", ".join(item.absent)),
        ]
        for item in items
    ]
    columns = [
        Column("Time"),
        Column("Id"),
        Column("Name", flexible=True),
        Column("Stage", optional=1),
        Column("Where", flexible=True),
        Column("Not sitting", flexible=True),
    ]
    if any(item.candidate.adjustments for item in items):  # yes or no, never the details
        columns.append(Column("Adjustments"))
        for row, item in zip(rows, items, strict=True):
            row.append("yes" if item.candidate.adjustments else "no")
    left_out = _print_table(console, columns, rows, say_left_out=False)  # says the stages
    stages = sorted({item.slot.assessment for item in items})
    if left_out:
        print_folded(console, f"Stage: {', '.join(stages)} (--json has every field)", "dim")
    if any(item.absent for item in items):
        print_folded(console, "Not sitting: a declared conflict of interest.", "dim")
    if any(item.candidate.adjustments for item in items):
        print_folded(console, "Adjustments: the recruitment team has the details.", "dim")
