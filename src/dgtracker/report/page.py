"""The campaign report as one self-contained HTML page, for a panel or for the Commission.

Jinja2 renders templates/report.html.j2 with autoescaping on; the charts come from
report/charts_svg.py, already escaped. Only `dgtracker report` imports this module (and Jinja2).

The commission version is built from data that holds no candidate's name, email or
phone (report_data.competition_record), and its typed text (reasons, milestone titles, the
description, who made changes) is scrubbed of every name a candidate had: the template
never sees them, so no slip in the template can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup, escape

from dgtracker.dates import format_day, format_when
from dgtracker.panel.merit import assessed_at, default_assessment, merit
from dgtracker.process.diversity import diversity
from dgtracker.process.queries import (
    days_in_stage,
    merit_order,
    outcome_decided,
    stage_title,
    told_of_outcome,
)
from dgtracker.record.model import Candidate, Record
from dgtracker.report.charts_svg import funnel_svg, timeline_svg
from dgtracker.report.data import (
    Scrubber,
    change_trail,
    competition_record,
    funnel,
    leaving_reason,
    timeline,
)
from dgtracker.text import visible

PANEL, COMMISSION = "panel", "commission"
AUDIENCES = (PANEL, COMMISSION)


@dataclass(frozen=True, slots=True)
class PanelRow:
    id: str
    name: str
    stage: str
    days: int | None
    rank: int | None
    reason: str
    told: str  # at an outcome: the day a letter was first logged to them since, or "not yet"


def panel_rows(record: Record, today: date) -> list[PanelRow]:
    """The candidates for the panel: the reserve list in merit order after the rest."""
    ordered = [c for c in record.candidates if c.rank is None] + merit_order(
        [c for c in record.candidates if c.rank is not None]
    )
    return [
        PanelRow(
            c.id,
            c.name,
            stage_title(record, c.stage),
            days_in_stage(c, today),
            c.rank,
            leaving_reason(c) or "",
            _told(record, c),
        )
        for c in ordered
    ]


def _told(record: Record, candidate: Candidate) -> str:
    """Whether they have been told their outcome, by the log of letters (`mail`)."""
    if outcome_decided(record, candidate) is None:
        return ""
    told = told_of_outcome(record, candidate)
    return format_day(told) if told is not None else "not yet"


def page_context(record: Record, today: date, audience: str) -> dict[str, Any]:
    items = timeline(record, today)
    stages = funnel(record)
    campaign = record.campaign
    scrub = Scrubber(record) if audience == COMMISSION else None
    if scrub is not None:  # milestone titles and the description are typed text too
        items = [replace(item, title=scrub(item.title)) for item in items]
        campaign = replace(campaign, description=scrub(campaign.description))
    context: dict[str, Any] = {
        "audience": audience,
        "campaign": campaign,
        "as_of": format_day(today),
        "as_of_iso": today.isoformat(),
        "timeline": items,
        "dated": [item for item in items if item.current is not None],
        "tbc": [item for item in items if item.current is None],
        "timeline_svg": timeline_svg(items, today),
        "funnel": stages,
        "funnel_svg": funnel_svg(stages),
        "total": len(record.candidates),
    }
    context["members"] = [(member.name, member.role) for member in record.panel]
    context.update(merit_context(record))
    if scrub is None:
        context["candidates"] = panel_rows(record, today)
    else:
        context["competition"] = competition_record(record, scrub)
        context["trail"] = change_trail(record, scrub)
        context["diversity"] = diversity(record)  # in aggregate, small numbers suppressed
    return context


def merit_context(record: Record) -> dict[str, Any]:
    """The merit order at the latest assessment with marks (panel/merit.py), for the page:
    the panel sees names, the Commission ids only (the template decides)."""
    stage_id = default_assessment(record)
    rows = merit(record, stage_id) if stage_id is not None else []
    if stage_id is None or not any(v is not None for row in rows for v in row.marks.values()):
        return {"merit": [], "merit_stage": None, "merit_criteria": []}  # nothing agreed yet
    return {
        "merit": rows,
        "merit_stage": stage_title(record, stage_id),
        "merit_criteria": [criterion.id for criterion in assessed_at(record, stage_id)],
    }


LONG_TOKEN = re.compile(r"\S{19,}")  # longer than any word of prose: an email, a path


def breakable(text: str) -> Markup:
    """`text` escaped, each long unbroken token in a span the page lets break anywhere, so
    that an email widens no column; words of prose keep whole (the page breaks them never)."""
    parts, start = [], 0
    for token in LONG_TOKEN.finditer(text):
        parts += [
            escape(text[start : token.start()]),
            Markup('<span class="w">%s</span>') % token[0],
        ]
        start = token.end()
    parts.append(escape(text[start:]))
    return Markup("").join(parts)


def render_report(record: Record, today: date, audience: str, blind: str | None = None) -> str:
    """The page; `blind`: what the name-blind sift did to it, said under the heading."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("dgtracker.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["plain"] = lambda value: visible(str(value)) if value is not None else ""
    environment.filters["v"] = lambda value: (
        breakable(visible(str(value))) if value is not None else ""
    )
    environment.filters["when"] = format_when
    environment.filters["day"] = lambda value: format_day(value) if value else "—"
    environment.globals["svg"] = Markup  # charts_svg escapes every piece of text itself
    context = page_context(record, today, audience)
    context["blind"] = blind
    return environment.get_template("report.html.j2").render(**context)
