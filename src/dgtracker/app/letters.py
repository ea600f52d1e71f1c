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
from datetime import date, datetime
from pathlib import Path

from dgtracker.app import session
from dgtracker.errors import Refused, SendFailed
from dgtracker.exchange import letters
from dgtracker.exchange.letters import MailResult
from dgtracker.progress import Walk, quietly
from dgtracker.record.model import Action, Candidate, Event, Record, effective_history

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
    from dgtracker.process.candidate_actions import find_candidate, resolve_stage

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


def mail(
    path: PathLike,
    template_name: str,
    *,
    ids: list[str],
    stage: str | None = None,
    since: Callable[[date], date | None] = lambda today: None,
    folder: Path | None = None,
    again: bool = False,
    dry_run: bool = False,
    send: bool = False,
    sender: str | None = None,
    by: str | None = None,
    as_of: str | None = None,
    now: datetime | Callable[[], datetime] | None = None,
    each: Walk = quietly,
) -> MailResult:
    """Write (or, `send`, send) one template's letter to each person chosen. `since`: the
    earliest day they entered `stage`, from today (a typed date needs today to read)."""
    record_path = Path(path)
    template = letters.load_template(record_path, template_name)  # refused before any write
    mode = "dry-run" if dry_run else "send" if send else "draft"
    target = None if send else (folder or letters.default_folder(record_path))
    result = MailResult(template.name, mode, target)
    server = None
    if send and not dry_run:
        from dgtracker.exchange.mail_send import server_from_env

        server = server_from_env()
        if not sender:
            raise Refused(
                "Sending needs a sender.",
                hint="Give --from ADDRESS, or set DGTRACKER_MAIL_FROM; nothing was sent.",
            )
    if dry_run:
        record, today = session.open_record(record_path, as_of=as_of)
        _plan(result, record, template, choose(record, ids, stage, since(today)), today, again)
        return result
    if target is not None:
        letters.prepare_folder(target)
    with session.changing(record_path, by=by, as_of=as_of, now=now) as change:
        people = choose(change.record, ids, stage, since(change.today))
        chosen = _plan(result, change.record, template, people, change.today, again)
        ready = [
            letters.compose(
                change.record,
                template,
                candidate,
                letters.letter_fields(change.record, candidate, change.today),
                sender=sender,
                today=change.today,
                now=change.now,
                draft=not send,
            )
            for candidate in chosen
        ]

        def log(letter: letters.Letter, sent: bool) -> None:
            letter.candidate.history.append(
                Event(
                    at=change.now,
                    on=change.today,
                    by=change.by,
                    action=Action.LETTER,
                    letter=template.name,
                    subject=letter.subject,
                    sent=sent,
                )
            )

        if server is not None and sender:
            from dgtracker.exchange.mail_send import send_each

            def accepted(letter: letters.Letter) -> None:
                log(letter, sent=True)
                result.letters.append((letter.candidate.id, None))

            from_address = letters.sender_address(sender)
            try:
                send_each(
                    server,
                    (
                        (letter, letter.message, from_address, letter.candidate.email or "")
                        for letter in each(ready, "letters")
                    ),
                    accepted,
                )
            except SendFailed as error:
                result.failed = error  # saved below: what the server accepted is logged
        elif target is not None:
            for letter in each(ready, "letters"):
                where = letters.letter_path(target, letter.candidate.id, template.name)
                if not again and os.path.lexists(where):
                    result.found.append(letter.candidate.id)  # a run cut short wrote it
                else:
                    letters.write_letter(where, letter.message)
                    result.letters.append((letter.candidate.id, where))
                log(letter, sent=False)
        ids_logged = [cid for cid, _ in result.letters] + result.found
        named = " ".join(ids_logged) if len(ids_logged) <= 3 else f"{len(ids_logged)} candidates"
        change.summary = f"mail {template.name} {named}".strip()
    if result.failed is not None:
        raise result.failed
    return result


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
