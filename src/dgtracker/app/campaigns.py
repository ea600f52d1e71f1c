"""Several campaigns at once: a folder of records (`--dir`), each read on its own, for the
`campaigns` overview and one cron digest across them (`remind --all`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dgtracker.errors import RecordError, Refused
from dgtracker.out.json_contract import milestone_json
from dgtracker.process.queries import active_stage_ids, milestone_views, pipeline
from dgtracker.record import storage
from dgtracker.record.model import Record
from dgtracker.text import visible


def record_files(folder: Path) -> list[Path]:
    """The records in a folder: its *.toml files, and campaign.toml in each sub-folder (a
    record shared through its own repository lives in a folder of its own)."""
    if not folder.is_dir():
        raise Refused(
            f"{folder} is not a folder.", hint="Give the folder of records with --dir PATH."
        )
    found = [p for p in folder.glob("*.toml") if not p.name.startswith(".")]
    found += [p for p in folder.glob("*/campaign.toml") if not p.parent.name.startswith(".")]
    return sorted(found)


@dataclass(slots=True)
class CampaignFile:
    """One record of the folder: read, with its day; or the reason it could not be."""

    path: Path
    record: Record | None
    today: date | None
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.record.campaign.id if self.record is not None else self.path.stem


def each_campaign(folder: Path, today_in: Callable[[str], date]) -> Iterator[CampaignFile]:
    """Every record in `folder`, read (never locked), with today in its time zone."""
    for path in record_files(folder):
        try:
            record = storage.load(path)
        except RecordError as error:
            yield CampaignFile(path, None, None, error.message.splitlines()[0])
            continue
        yield CampaignFile(path, record, today_in(record.campaign.timezone))


def campaign_file_json(campaign: CampaignFile) -> dict[str, Any]:
    """One campaign of `dgtracker campaigns --json`: every field always present."""
    record, today = campaign.record, campaign.today
    if record is None or today is None:
        return {
            "file": str(campaign.path),
            "id": campaign.name,
            "title": None,
            "problem": campaign.problem,
            "next_milestone": None,
            "pipeline": {},
            "candidates_total": 0,
            "active_total": 0,
            "conflicts": 0,
        }
    views = milestone_views(record, today)
    following = next((view for view in views if view.is_next), None)
    counts = pipeline(record)
    active = active_stage_ids(record)
    return {
        "file": str(campaign.path),
        "id": record.campaign.id,
        "title": record.campaign.title,
        "problem": None,
        "next_milestone": milestone_json(following) if following else None,
        "pipeline": counts,
        "candidates_total": len(record.candidates),
        "active_total": sum(n for stage, n in counts.items() if stage in active),
        "conflicts": len(record.conflicts),
    }


def campaign_line(summary: dict[str, Any]) -> str:
    """One campaign as a plain line: what it is, what comes next, where its people are."""
    if summary["problem"]:
        return f"{visible(summary['id'])}: cannot be read: {visible(summary['problem'])}"
    following = summary["next_milestone"]
    coming = (
        f"next: {visible(following['title'])}, {following['when']} ({following['countdown']})"
        if following
        else "no milestone ahead"
    )
    at = ", ".join(f"{stage} {n}" for stage, n in summary["pipeline"].items() if n)
    people = f"{summary['active_total']} active of {summary['candidates_total']}"
    waiting = f"; {summary['conflicts']} conflict(s) to resolve" if summary["conflicts"] else ""
    return (
        f"{visible(summary['id'])} — {visible(summary['title'])}: {coming}; {people}"
        f"{' (' + at + ')' if at else ''}{waiting}"
    )
