"""Letters to candidates: templates, their fields, and each letter as an RFC 5322 message.

A template is a text file, `Subject: …` on its first line and the body after it, written
in Jinja2 and rendered in a sandbox with autoescaping off (the letter is plain text),
nothing but the fields below in reach, and an unknown field refused before anything is
written. The templates bundled with dgtracker are package data (letter_templates/); a
team's own `templates/NAME.md` beside the record overrides the bundled one of that name.

Headers are built so that nothing typed can add one: a CR or LF in a subject or name is
refused, and any header text that is not plain ASCII words is written as an RFC 2047
encoded word, so text that looks like one (`=?utf-8?…?=`) or like markup stays text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from importlib import resources
from pathlib import Path

import jinja2
from icalendar import Calendar, vCalAddress
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from dgtracker.dates import add_months, format_day
from dgtracker.errors import Refused, SendFailed
from dgtracker.exchange.calendar_export import PRODUCT_ID, uid_domain
from dgtracker.exchange.slot_calendar import slot_event
from dgtracker.panel.slots import agenda, sitting
from dgtracker.record.model import RESERVE_STAGE, Candidate, Record, Slot, moves_that_stand
from dgtracker.record.storage import NEW_FILE_MODE, settle_files, write_text_atomically
from dgtracker.text import clean_field

TEAM_FOLDER = "templates"  # the team's own templates, beside the record
MAIL_FOLDER = "mail"  # drafted letters, beside the record (share ignores it; purge reaches it)
SUFFIX = ".md"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PLAIN_HEADER = re.compile(r"^[A-Za-z0-9 .,'()&:-]*$")  # written as it is; else encoded
_LONG_LINE = 998  # RFC 5322's limit: an encoded name or subject stays one word, unfolded

# Every field a template may name, and what it holds. A field with no value for someone
# (no slot, not on the reserve list) leaves them out of a template that names it.
FIELDS = {
    "name": "the candidate's name",
    "campaign": "the campaign's title",
    "organisation": "the organisation recruiting",
    "grade": "the post's grade",
    "stage": "the title of the stage they are at",
    "reason": "why they are at their stage, where the stage shares it (share_reason); else empty",
    "assessment": "the title of the stage of their next slot (Final interview)",
    "slot": "their next slot, in one line: day, time, length and place",
    "day": "the day of their next slot (Mon 9 Mar 2026), or of a panel pack",
    "time": "the time of their next slot (10:00)",
    "length": "the length of their next slot (60 minutes)",
    "place": "where their next slot is (or 'to be confirmed')",
    "rank": "their place on the reserve list",
    "expires": "the day the reserve list expires for them",
    "agenda": "a panel pack's agenda: the day's slots, a line each",
}


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    origin: str  # "bundled", "team", or "team (overrides bundled)"
    subject: jinja2.Template
    body: jinja2.Template
    fields: frozenset[str]  # the fields it names

    @property
    def invites(self) -> bool:
        """Whether the letter carries the slot as a calendar request."""
        return self.name == "invite"


def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    environment.globals.clear()  # no range, lipsum, cycler…: the fields alone
    return environment


def _bundled() -> dict[str, str]:
    folder = resources.files("dgtracker.exchange") / "letter_templates"
    return {
        item.name.removesuffix(SUFFIX): item.read_text(encoding="utf-8")
        for item in folder.iterdir()
        if item.name.endswith(SUFFIX)
    }


def _team(record_path: Path) -> dict[str, Path]:
    folder = Path(os.path.abspath(record_path)).parent / TEAM_FOLDER
    if not folder.is_dir():
        return {}
    return {
        path.name.removesuffix(SUFFIX): path
        for path in sorted(folder.glob(f"*{SUFFIX}"))
        if _NAME.match(path.name.removesuffix(SUFFIX)) and path.is_file()
    }


def template_list(record_path: Path) -> list[tuple[str, str]]:
    """Every template there is, by name, with where it comes from."""
    bundled, team = _bundled(), _team(record_path)
    names = sorted(bundled.keys() | team.keys())
    return [(name, _origin(name in bundled, name in team)) for name in names]


def _origin(bundled: bool, team: bool) -> str:
    if team:
        return "team (overrides bundled)" if bundled else "team"
    return "bundled"


def load_template(record_path: Path, name: str) -> Template:
    """The template of this name (the team's before the bundled one), parsed and checked:
    a syntax error or a field that does not exist is refused, before anything is written."""
    bundled, team = _bundled(), _team(record_path)
    if name in team:
        where = str(team[name])
        try:
            source = team[name].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise Refused(f"Cannot read the template {where}: {error}.") from None
    elif name in bundled:
        where, source = f"the bundled template '{name}'", bundled[name]
    else:
        known = ", ".join(sorted(bundled.keys() | team.keys()))
        raise Refused(
            f"There is no letter template '{name}'.",
            hint=f"Templates: {known} (dgtracker mail templates lists them; a team's own "
            f"go in {TEAM_FOLDER}/NAME{SUFFIX} beside the record).",
        )
    first, _, body = source.replace("\r\n", "\n").partition("\n")
    if not first.startswith("Subject:"):
        raise Refused(
            f"{where} does not start with a 'Subject: …' line.",
            hint="Its first line is the subject (Subject: …), the body follows.",
        )
    environment = _environment()
    subject_source = first.removeprefix("Subject:").strip()
    try:
        parsed = [environment.parse(subject_source), environment.parse(body)]
    except jinja2.TemplateSyntaxError as error:
        raise Refused(f"{where}, line {error.lineno}: {error.message}.") from None
    named = frozenset().union(*(meta.find_undeclared_variables(tree) for tree in parsed))
    unknown = sorted(named - FIELDS.keys())
    if unknown:
        raise Refused(
            f"{where} names {', '.join(unknown)}, which no letter has; nothing was written.",
            hint=f"Fields: {', '.join(FIELDS)}.",
        )
    return Template(
        name,
        _origin(name in bundled, name in team),
        environment.from_string(subject_source),
        environment.from_string(body),
        named,
    )


# --- the fields ---------------------------------------------------------------------------


def next_slot(candidate: Candidate, today: date) -> Slot | None:
    """Their first slot that stands and is not past (else their last that stands)."""
    standing = sorted((s for s in candidate.slots if s.cancelled is None), key=lambda s: s.at)
    coming = [slot for slot in standing if slot.at.date() >= today]
    if coming:
        return coming[0]
    return standing[-1] if standing else None


def letter_fields(record: Record, candidate: Candidate, today: date) -> dict[str, str | None]:
    """What a template may name, for one candidate (None: they have no such value)."""
    stage = record.stage(candidate.stage)
    fields: dict[str, str | None] = dict.fromkeys(FIELDS)
    fields |= {
        "name": candidate.name,
        "campaign": record.campaign.title,
        "organisation": record.campaign.organisation,
        "grade": record.campaign.grade,
        "stage": stage.title if stage else candidate.stage,
        "reason": (_reason(candidate) if stage is not None and stage.share_reason else "") or "",
    }
    slot = next_slot(candidate, today)
    if slot is not None:
        place = slot.where or "to be confirmed"
        length = f"{slot.minutes} minutes"
        assessment = record.stage(slot.assessment)
        fields |= {
            "assessment": assessment.title if assessment else slot.assessment,
            "day": format_day(slot.at.date()),
            "time": f"{slot.at:%H:%M}",
            "length": length,
            "place": place,
            "slot": f"{format_day(slot.at.date())} at {slot.at:%H:%M} ({length}), {place}",
        }
    since = candidate.stage_since()
    if candidate.stage == RESERVE_STAGE and candidate.rank is not None and since is not None:
        fields["rank"] = str(candidate.rank)
        fields["expires"] = format_day(add_months(since, record.retention.reserve_months))
    return fields


def _reason(candidate: Candidate) -> str | None:
    """The reason given by the move that put them at their stage (as the report gives it)."""
    stood = moves_that_stand(candidate.history)
    return stood[-1].reason if stood else None


def missing_fields(template: Template, fields: Mapping[str, str | None]) -> list[str]:
    """The fields the template names that this person has no value for."""
    return sorted(name for name in template.fields if fields.get(name) is None)


# --- the message --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Letter:
    key: str  # its file's name without .eml: c001-invite, or panel-pack-2026-03-09-1
    address: str
    subject: str
    message: Message
    candidate: Candidate | None = None  # None: to a panel member (not logged on anyone)

    @property
    def who(self) -> str:
        """How output names the person: the candidate's id, or the pack's name."""
        return self.candidate.id if self.candidate is not None else self.key


def _has_line_break(text: str) -> bool:
    return any(char in text for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _header_text(text: str) -> str:
    """Header text as written: plain ASCII words as they are, anything else one encoded
    word (so `=?…?=` or `<script>` in a name is read back as the text it is)."""
    if _PLAIN_HEADER.match(text):
        return text
    return Header(text, "utf-8").encode(maxlinelen=_LONG_LINE)


def _checked_header(what: str, text: str) -> str:
    if _has_line_break(text):
        raise Refused(
            f"The {what} would hold a line break, which would start a new header; "
            "nothing was written.",
            hint="Keep the subject on one line, and names and addresses without line breaks.",
        )
    return text


def compose(
    record: Record,
    template: Template,
    candidate: Candidate,
    fields: Mapping[str, str | None],
    *,
    sender: str | None,
    today: date,
    now: datetime,
    draft: bool,
) -> Letter:
    """One person's letter: their address alone in To, the rendered subject and body, and
    for an invitation their slot as a calendar request (the UID `export ics --slots` gives)."""
    parts = []
    slot = next_slot(candidate, today)
    if template.invites and slot is not None:
        parts.append(_calendar_part(record, candidate, slot, sender))
    key = f"{candidate.id}-{template.name}"
    letter = _letter(record, template, key, candidate.name, candidate.email or "", fields,
                     parts, sender=sender, now=now, draft=draft)  # fmt: skip
    return Letter(letter.key, letter.address, letter.subject, letter.message, candidate)


def _letter(
    record: Record,
    template: Template,
    key: str,
    to_name: str,
    to_address: str,
    fields: Mapping[str, str | None],
    parts: list[Message],
    *,
    sender: str | None,
    now: datetime,
    draft: bool,
) -> Letter:
    given = {name: value for name, value in fields.items() if value is not None}
    try:
        subject = " ".join(template.subject.render(given).split(" ")).strip()
        body = template.body.render(given)
    except jinja2.TemplateError as error:
        raise Refused(f"The template '{template.name}' could not be filled: {error}.") from None
    subject = clean_field("subject", _checked_header("subject", subject))  # the log's rule
    address = _checked_header("address", to_address)
    name = _checked_header("name", to_name)
    text = MIMEText(body, "plain", _body_charset())  # type: ignore[arg-type]  # a Charset works
    message: Message = text
    if parts:
        message = MIMEMultipart("mixed")
        message.attach(text)
        for part in parts:
            message.attach(part)
    message["To"] = formataddr((_header_text(name), address))
    if sender:
        message["From"] = _checked_header("sender", sender)
    message["Subject"] = _header_text(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=uid_domain(record))
    if draft:
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
    return Letter(key, address, subject, message)


# --- the panel's pack ---------------------------------------------------------------------

PANEL_PACK = "panel-pack"  # to each panel member with an email, not to candidates


def agenda_text(record: Record, day: date) -> str | None:
    """The day's slots, a line each (None: no slot that day)."""
    items = agenda(record, day)
    if not items:
        return None
    lines = []
    for item in items:
        stage = record.stage(item.slot.assessment)
        what = stage.title if stage else item.slot.assessment
        where = f", {item.slot.where}" if item.slot.where else ""
        lines.append(
            f"{item.slot.at:%H:%M}–{item.slot.end:%H:%M}  {item.candidate.id} "
            f"{item.candidate.name}: {what}{where}; panel: {sitting(record, item.candidate)}"
        )
    return "\n".join(lines)


def panel_packs(
    record: Record,
    template: Template,
    day: date,
    report_html: str,
    *,
    sender: str | None,
    now: datetime,
    draft: bool,
) -> tuple[list[Letter], list[str]]:
    """A pack for each panel member with an email: the day's agenda in the body and the
    panel's report attached; and the names of the members with no email."""
    lines = agenda_text(record, day)
    if lines is None:
        raise Refused(
            f"No slots on {format_day(day)}: there is no agenda to send.",
            hint="Choose the day with --day (dgtracker agenda DAY shows one).",
        )
    packs, no_email = [], []
    for number, member in enumerate(record.panel, start=1):
        if not member.email:
            no_email.append(member.name)
            continue
        fields: dict[str, str | None] = dict.fromkeys(FIELDS)
        fields |= {
            "name": member.name,
            "campaign": record.campaign.title,
            "organisation": record.campaign.organisation,
            "grade": record.campaign.grade,
            "day": format_day(day),
            "agenda": lines,
        }
        missing = missing_fields(template, fields)
        if missing:
            raise Refused(
                f"The template '{template.name}' names {', '.join(missing)}, which a panel "
                "pack has not; nothing was written.",
                hint="A panel pack has name, campaign, organisation, grade, day and agenda.",
            )
        report = MIMEText(report_html, "html", "utf-8")
        report.add_header("Content-Disposition", "attachment", filename=f"panel-report-{day}.html")
        key = f"{PANEL_PACK}-{day.isoformat()}-{number}"
        packs.append(_letter(record, template, key, member.name, member.email, fields, [report],
                             sender=sender, now=now, draft=draft))  # fmt: skip
    return packs, no_email


def _body_charset() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP  # readable in the file, safe in any mail system
    return charset


def _calendar_part(record: Record, candidate: Candidate, slot: Slot, sender: str | None) -> Message:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = slot_event(record, candidate, slot)
    if sender:
        event.add("organizer", vCalAddress(f"mailto:{sender_address(sender)}"))
    attendee = vCalAddress(f"mailto:{candidate.email}")
    attendee.params["rsvp"] = "TRUE"
    event.add("attendee", attendee)
    calendar.add_component(event)
    part = MIMEText(calendar.to_ical().decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def sender_address(sender: str) -> str:
    """The address in a sender given as `Name <addr>` or `addr`."""
    return parseaddr(sender)[1] or sender


def as_bytes(message: Message) -> bytes:
    # Unfolded: a folded encoded name or subject reads back with a space added (< 998 chars)
    return message.as_bytes(policy=compat32.clone(linesep="\r\n", max_line_length=None))


@dataclass(slots=True)
class MailResult:
    """What a run did (or, dry, would do), by candidate id: no names, no addresses."""

    template: str
    mode: str  # "draft", "send" or "dry-run"
    folder: Path | None
    letters: list[tuple[str, Path | None]] = field(default_factory=list)  # written or sent
    found: list[str] = field(default_factory=list)  # drafted by a run cut short: now logged
    no_address: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # had this letter (no --again)
    not_applicable: list[tuple[str, list[str]]] = field(default_factory=list)  # fields missing
    failed: SendFailed | None = None  # the server refused: what it accepted is logged


# --- the files ----------------------------------------------------------------------------


def default_folder(record_path: Path) -> Path:
    return Path(os.path.abspath(record_path)).parent / MAIL_FOLDER


def letter_path(folder: Path, letter: Letter) -> Path:
    return folder / f"{letter.key}.eml"


def write_letter(path: Path, message: Message) -> None:
    """One letter, written whole or not at all (mode 0600: it holds personal data); made
    durable with the others of its run by `settle_files`, before any is logged."""
    write_text_atomically(path, as_bytes(message), mode=NEW_FILE_MODE, follow=False, synced=False)


def settle_letters(paths: list[Path], folder: Path) -> None:
    """The letters of a run, on the disk together (before any of them is logged)."""
    settle_files(paths, folder)


def is_whole_letter(path: Path, address: str) -> bool:
    """Whether a letter found from a run cut short is whole: a crash of the system before
    it reached the disk can leave an empty file, or one of NUL bytes, in its place."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if not data or b"\x00" in data:
        return False
    message = message_from_bytes(data)
    return address in (message.get("To") or "") and bool(message.get_payload())


def prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise Refused(f"Cannot make the folder {folder}: {error.strerror or error}.") from None


def letters_of(folder: Path, candidate_ids: set[str]) -> list[Path]:
    """The letters drafted to these people in a folder, and every panel pack (its agenda
    and report name everyone), for a purge."""
    if not folder.is_dir() or not candidate_ids:
        return []
    return sorted(
        path
        for path in folder.glob("*.eml")
        if (path.name.split("-", 1)[0] in candidate_ids or path.name.startswith(PANEL_PACK))
        and not path.is_symlink()
    )
