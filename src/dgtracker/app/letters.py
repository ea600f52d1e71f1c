"""Letters to candidates, written as drafts (.eml) or sent, each one logged on the person.

Who gets what is decided once (`choose`); the letters are then written or sent under the
record's change (app/session.py), and each one written or accepted by the server becomes
an entry in that person's history: the template, the subject, drafted or sent, by whom
and when, never the body or the address. Each .eml is written whole or not at all; a run
cut short leaves letters the record does not log yet, and the next run logs those without
writing them again, and writes only the missing ones.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dgtracker.app import session
from dgtracker.errors import Refused, SendFailed
from dgtracker.exchange import letters
from dgtracker.exchange.letters import MailResult
from dgtracker.exchange.mail_send import Server, send_each, server_from_env
from dgtracker.process.candidate_actions import find_candidate, log_letter, resolve_stage
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Action, Candidate, Record, effective_history
from dgtracker.report.page import render_report

PathLike = str | os.PathLike[str]


def had_letter(candidate: Candidate, template: str, *, sent_only: bool) -> bool:
    return any(
        event.action == Action.LETTER and event.letter == template and (event.sent or not sent_only)
        for event in effective_history(candidate.history)
    )


def choose(
    record: Record, ids: list[str], stage: str | None, since: date | None
) -> list[Candidate]:
    """The people named (by id or name), or everyone at a stage (since a day)."""
    if stage is not None:
        stage_id = resolve_stage(record, stage)
        return [
            c
            for c in record.candidates
            if c.stage == stage_id and (since is None or (c.stage_since() or since) >= since)
        ]
    chosen: dict[str, Candidate] = {}
    for typed in ids:
        candidate = find_candidate(record, typed)
        chosen.setdefault(candidate.id, candidate)
    return list(chosen.values())


@dataclass(frozen=True, slots=True)
class Run:
    """A run of `mail`, checked before the record is opened: the template (a field that
    does not exist refused), and for sending the server and the sender."""

    template: letters.Template
    folder: Path | None  # where drafts go (None: sent)
    server: Server | None
    sender: str | None
    again: bool

    @property
    def mode(self) -> str:
        return "send" if self.server is not None else "draft"


def prepare(
    path: PathLike,
    template_name: str,
    *,
    folder: Path | None = None,
    send: bool = False,
    sender: str | None = None,
    again: bool = False,
    dry_run: bool = False,
) -> Run:
    record_path = Path(path)
    template = letters.load_template(record_path, template_name)  # refused before any write
    server = None
    if send and not dry_run:
        server = server_from_env()
    target = None if send else (folder or letters.default_folder(record_path))
    return Run(template, target, server, sender, again)


def dry_run(run: Run, record: Record, today: date, people: list[Candidate]) -> MailResult:
    """Who would get the letter, and who not and why; nothing written."""
    result = MailResult(run.template.name, "dry-run", run.folder)
    _plan(result, record, run.template, people, today, run.again)
    return result


def write_or_send(
    run: Run, change: session.Change, people: list[Candidate], each: Walk = quietly
) -> MailResult:
    """Under the record's change: each letter written (or sent) and logged on the person.
    A server that refuses stops the run; what it accepted before is logged, and the
    failure is in the result (`failed`) for the caller to raise once the change is saved."""
    template = run.template
    sender = run.sender or change.record.mail_from  # --from, $DGTRACKER_MAIL_FROM, [mail] from
    if run.server is not None and not sender:
        raise Refused(
            "Sending needs a sender.",
            hint="Give --from ADDRESS, set DGTRACKER_MAIL_FROM, or add [mail] from = "
            '"Team <team@example.gov.uk>" to the record; nothing was sent.',
        )
    result = MailResult(template.name, run.mode, run.folder)
    chosen = _plan(result, change.record, template, people, change.today, run.again)
    if run.folder is not None:
        letters.prepare_folder(run.folder)
    ready = [
        letters.compose(
            change.record,
            template,
            candidate,
            letters.letter_fields(change.record, candidate, change.today),
            sender=sender,
            today=change.today,
            now=change.now,
            draft=run.server is None,
        )
        for candidate in chosen
    ]

    def log(letter: letters.Letter, sent: bool) -> None:
        log_letter(
            change.record,
            letter.who,
            template.name,
            letter.subject,
            sent=sent,
            by=change.by,
            today=change.today,
            now=change.now,
        )

    _deliver(run, result, ready, sender, log, each)
    logged = [key for key, _ in result.letters] + result.found
    named = " ".join(logged) if len(logged) <= 3 else f"{len(logged)} candidates"
    change.summary = f"mail {template.name} {named}".strip()  # ids only, for a commit
    return result


def panel_pack(
    run: Run,
    record: Record,
    day: date,
    now: datetime,
    each: Walk = quietly,
    *,
    dry_run: bool = False,
) -> MailResult:
    """The day's pack to each panel member with an email: the agenda, and the panel's
    report for that day attached. Nothing in the record changes (members have no history
    to log it in): a pack already written is skipped unless `again`."""
    sender = run.sender or record.mail_from
    if run.server is not None and not sender:
        raise Refused(
            "Sending needs a sender.",
            hint="Give --from ADDRESS, set DGTRACKER_MAIL_FROM, or add [mail] from to the "
            "record; nothing was sent.",
        )
    html = render_report(record, day, "panel")
    packs, no_email = letters.panel_packs(
        record, run.template, day, html, sender=sender, now=now, draft=run.server is None
    )
    result = MailResult(run.template.name, "dry-run" if dry_run else run.mode, run.folder)
    result.no_address = no_email
    if dry_run:
        result.letters = [(pack.who, None) for pack in packs]
        return result
    if run.folder is not None:
        letters.prepare_folder(run.folder)
    _deliver(run, result, packs, sender, lambda letter, sent: None, each)
    result.already, result.found = result.found, []  # not logged: found means had it
    return result


def _deliver(
    run: Run,
    result: MailResult,
    ready: list[letters.Letter],
    sender: str | None,
    done: Callable[[letters.Letter, bool], None],
    each: Walk,
) -> None:
    """Each letter sent (`done` once the server accepted it) or written as a draft (`done`
    for each, written now or found whole from a run cut short)."""
    if run.server is not None:

        def accepted(letter: letters.Letter) -> None:
            done(letter, True)
            result.letters.append((letter.who, None))

        from_address = letters.sender_address(sender or "")
        try:
            send_each(
                run.server,
                (
                    (letter, letter.message, from_address, letter.address)
                    for letter in each(ready, "Sending letters")
                ),
                accepted,
            )
        except SendFailed as error:
            result.failed = error  # the change is saved: what the server accepted is logged
    elif run.folder is not None:
        written = []
        for letter in each(ready, "Writing letters"):
            where = letters.letter_path(run.folder, letter)
            if not run.again and letters.is_whole_letter(where, letter.address):
                result.found.append(letter.who)  # a run cut short wrote it
            else:
                letters.write_letter(where, letter.message)
                result.letters.append((letter.who, where))
                written.append(where)
            done(letter, False)
        letters.settle_letters(written, run.folder)  # on the disk before the log is saved


def _plan(
    result: MailResult,
    record: Record,
    template: letters.Template,
    people: list[Candidate],
    today: date,
    again: bool,
) -> list[Candidate]:
    """Who gets the letter; the others noted in `result` with why not. A dry run notes
    those who would get it as letters without a file."""
    chosen = []
    for candidate in people:
        if not candidate.email:
            result.no_address.append(candidate.id)
            continue
        missing = letters.missing_fields(template, letters.letter_fields(record, candidate, today))
        if missing:
            result.not_applicable.append((candidate.id, missing))
        elif not again and had_letter(candidate, template.name, sent_only=result.mode == "send"):
            result.already.append(candidate.id)
        else:
            chosen.append(candidate)
    if result.mode == "dry-run":
        result.letters = [(candidate.id, None) for candidate in chosen]
    return chosen
