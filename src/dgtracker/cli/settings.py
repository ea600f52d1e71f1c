"""The global options, resolved once, and the record they name, read or changed, with what
a command's values go through on the way (a field's rules, a typed date): typer-free, so
the light path (cli/light.py) and the typer app (through cli/context.py) share them."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dgtracker.compared import Compared

if TYPE_CHECKING:
    from dgtracker.app.session import Change
    from dgtracker.process.blind import BlindView
    from dgtracker.progress import Walk
    from dgtracker.record.model import Record
    from dgtracker.record.summary import Listing, Summary, Watch

DEFAULT_RECORD = Path("data") / "campaign.toml"


@dataclass(slots=True, eq=False, repr=False)
class Settings(Compared):
    """The global options, resolved once and shared by every command."""

    file: Path | None
    as_of: str | None
    folder: Path | None = None  # --dir: a folder of records

    @property
    def path(self) -> Path:
        return self.file if self.file is not None else DEFAULT_RECORD

    def today(self, timezone: str) -> date:
        from dgtracker.app.session import today_in

        return today_in(timezone, self.as_of)


def read_record(settings: Settings, progress: bool = False) -> "tuple[Record, date]":
    """The record in use (checked, never locked) and today for it; with --as-of before
    the latest recorded change, the record as it stood at the end of that day.
    `progress`: show a bar while a large record is read, on a terminal (progress.py)."""
    from dgtracker.app import session

    if settings.file is None and not os.path.lexists(settings.path):
        return _bundled_example(settings)
    return session.open_record(settings.path, as_of=settings.as_of, each=walk(progress))


def read_status(settings: Settings) -> "tuple[Record, list[Summary], date]":
    """What `status` reads (session.open_status): the record, without its candidates when
    it comes from the cache, their summaries, and today for it."""
    from dgtracker.app import session

    if settings.file is None and not os.path.lexists(settings.path):
        from dgtracker.record.summary import summaries_of

        record, today = _bundled_example(settings)
        return record, summaries_of(record), today
    return session.open_status(settings.path, as_of=settings.as_of)


def read_watched(settings: Settings) -> "tuple[Record, list[Watch], date]":
    """What `remind` reads (session.open_watched): the record, without its candidates when
    it comes from the cache and keeps no panel, what `remind` reads of each candidate
    (record/summary.py `Watch`), and today for it."""
    from dgtracker.app import session

    if settings.file is None and not os.path.lexists(settings.path):
        from dgtracker.record.summary import watches_of

        record, today = _bundled_example(settings)
        return record, watches_of(record), today
    return session.open_watched(settings.path, as_of=settings.as_of)


def read_panel_view(
    settings: Settings, reveal: bool, progress: bool = False
) -> "tuple[BlindView, date]":
    """The record as the panel may read it (read_record's, then process/blind.py's view:
    each candidate the name-blind sift holds blind by id only), and today for it.
    `reveal`: the record as it is, and a line on standard error naming how many were shown."""
    record, today = read_record(settings, progress)
    return _panel_view(record, reveal), today


def _panel_view(record: "Record", reveal: bool) -> "BlindView":
    """The record as the panel may read it, and a line on standard error saying what the
    name-blind sift hid or `reveal` showed."""
    from dgtracker.out.terminal import echo
    from dgtracker.process.blind import blind_said, blind_view

    view = blind_view(record, reveal=reveal)
    said = blind_said(view)
    if said:
        echo(said, err=True)
    return view


def read_list_view(settings: Settings, reveal: bool) -> "tuple[BlindView, list[Listing], date]":
    """What `candidates` lists: the record as the panel may read it (read_panel_view's),
    each candidate's listing (record/summary.py), and today for it. While the sift is not
    name-blind, from the record's cache when it matches (session.open_listing: no
    candidate built); while it is, the listings are made from the candidates as the panel's
    view of the whole record shows them."""
    from dgtracker.app import session
    from dgtracker.process.blind import BlindView
    from dgtracker.record.summary import listings_of

    if settings.file is None and not os.path.lexists(settings.path):
        record, today = _bundled_example(settings)
        listings = None
    else:
        record, listings, today = session.open_listing(settings.path, as_of=settings.as_of)
    if listings is not None:  # the sift is not blind: nobody hidden, nobody to reveal
        return BlindView(record, None), listings, today
    view = _panel_view(record, reveal)
    return view, listings_of(view.record), today


def _bundled_example(settings: Settings) -> "tuple[Record, date]":
    """The DHSC campaign as bundled, read-only, when no record exists at the default path:
    the source tree holds no record, so nobody's data can be committed with the code."""
    from dgtracker.out.terminal import echo
    from dgtracker.process.new_records import dhsc_campaign

    echo(
        f"(The bundled DHSC example: there is no record at {DEFAULT_RECORD} yet. Start your "
        "own with 'dgtracker init', or choose one with --file.)",
        err=True,
    )
    record = dhsc_campaign()
    return record, settings.today(record.campaign.timezone)


def walk(progress: bool) -> "Walk":
    from dgtracker.progress import quietly, tracked

    return tracked if progress else quietly


def now_utc() -> datetime:
    """The CLI's clock (tests fix it here: every command's change reads it)."""
    return datetime.now(UTC).replace(microsecond=0)


@contextmanager
def change_record(
    settings: Settings,
    by: str | None,
    command: str,
    given: Mapping[str, Any],
    progress: bool = False,
) -> "Iterator[Change]":
    """The session's change (app/session.py) of the record in use: `command` (its words)
    and `given` (its arguments, by name) make the commit message of a shared record; what
    git said is printed. `progress`: show a bar while a large record is read and saved, on
    a terminal."""
    from dgtracker.app import session
    from dgtracker.out.terminal import echo

    with session.changing(
        settings.path,
        by=by,
        as_of=settings.as_of,
        now=now_utc,  # the CLI's clock, read once the lock is held
        each=walk(progress),
        command=command,
        given=given,
    ) as change:
        yield change
    if change.said:
        echo(change.said, err=True)


def optional_text(field: str, value: str | None) -> str | None:
    """A typed value checked by the field's rules (text.clean_field), or None if not given."""
    if value is None:
        return None
    from dgtracker.text import clean_field

    return clean_field(field, value)


def typed_date(value: str | None, today: date, option: str) -> date | None:
    """A date typed for `option` (date_input.py's forms), or None if not given."""
    if value is None:
        return None
    from dgtracker.date_input import parse_date
    from dgtracker.errors import Refused

    try:
        return parse_date(value, today)
    except Refused as error:
        error.message = f"{option}: {error.message}"
        raise
