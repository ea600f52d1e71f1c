"""The candidate list (`candidates`): one row a candidate, laid out by out/columns.py.

Apart from out/tables.py, which loads rich's tables: a list is printed on out/terminal.py's
plain console where rich's would print it unchanged (a pipe, a file), and then loads no
rich at all (start-up budget).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dgtracker.out.columns import Column, lay_out
from dgtracker.out.lines import list_width, print_folded, print_list, print_said
from dgtracker.process.queries import stage_title
from dgtracker.record.model import Record
from dgtracker.record.summary import Listing
from dgtracker.text import visible

if TYPE_CHECKING:
    from rich.console import Console

    from dgtracker.out.terminal import PlainConsole


def render_candidates(
    console: Console | PlainConsole, record: Record, candidates: list[Listing], today: date
) -> None:
    """One row a candidate, from their listing (record/summary.py): laid out by
    out/columns.py, as a list can run to thousands."""
    if not candidates:
        print_said(console, "No candidates match.")
        return
    columns = [
        Column("Id"),
        Column("Name", flexible=True),
        Column("Stage", flexible=True),
        Column("Days", right=True),
        Column("Applied", optional=2),
        Column("Email", optional=1),
    ]
    # views.stage_title, looked up once per stage rather than once per row
    titles = {stage.id: visible(stage_title(record, stage.id)) for stage in record.stages}
    # Thousands of candidates share a few hundred days (ordinals): each day's text is made
    # once (the days since they entered their stage, and the day they applied).
    now = today.toordinal()
    in_stage: dict[int | None, str] = {None: ""}
    applied_on: dict[int | None, str] = {None: ""}
    rows = []
    for candidate in candidates:
        since = candidate.since
        if since not in in_stage and since is not None:
            in_stage[since] = str(now - since)
        applied = candidate.applied
        if applied not in applied_on and applied is not None:
            applied_on[applied] = date.fromordinal(applied).isoformat()
        rows.append(
            [
                candidate.id,
                visible(candidate.name),
                titles.get(candidate.stage) or visible(candidate.stage),
                in_stage[since],
                applied_on[applied],
                visible(candidate.email or ""),
            ]
        )
    layout = lay_out(columns, rows, list_width(console))
    print_list(console, layout)
    footer = f"{len(candidates)} candidate(s)"
    if layout.left_out:
        footer += f"; {layout.left_out_said()} (--json has every field)"
    print_folded(console, footer, "dim")
