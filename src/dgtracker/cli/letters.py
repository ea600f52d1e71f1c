"""`mail`: letters to candidates, as drafts to open in a mail program or sent by SMTP;
`mail templates` lists the templates there are."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import (
    ByOption,
    Command,
    JsonFlag,
    changing,
    example,
    load_record,
    now_utc,
    record_path,
    typed_date,
)
from dgtracker.out.terminal import echo

if TYPE_CHECKING:
    from datetime import date

    from dgtracker.exchange.letters import MailResult
    from dgtracker.record.model import Candidate, Record

commands = typer.Typer()

FROM_VAR = "DGTRACKER_MAIL_FROM"
LISTING = "templates"  # `mail templates`: the list, not a template's name
PANEL_PACK = "panel-pack"  # to the panel members, not to candidates


@commands.command(
    "mail",
    cls=Command,
    epilog=example(
        "dgtracker mail invite c001 c002",
        "dgtracker mail regret --stage rejected --since 2026-03-02",
        "dgtracker mail templates",
    ),
)
def mail(
    ctx: typer.Context,
    template: Annotated[
        str, typer.Argument(help="The letter: invite, regret, reserve, withdrawn, or a team's.")
    ],
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="ID...", help="The candidates to write to.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option(help="Write to everyone now at this stage (instead of ids).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="With --stage: only those who entered it on or after.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The folder for the .eml files (default: mail/ beside the record).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say who would get the letter; write nothing.")
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Write to people who already had this letter.")
    ] = False,
    send: Annotated[
        bool, typer.Option("--send", help="Send through $DGTRACKER_SMTP instead of drafting.")
    ] = False,
    sender: Annotated[
        str | None,
        typer.Option("--from", metavar="ADDRESS", help=f"The sender (default: ${FROM_VAR})."),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(help="With panel-pack: the day whose agenda it sends (default: today)."),
    ] = None,
    json_output: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """Write a letter to each candidate (one .eml per person, or sent), logged on each."""
    # Imported here: the command table loads this module for `mail` alone (start-up budget).
    from dgtracker.app import letters as app_letters
    from dgtracker.errors import Refused
    from dgtracker.progress import tracked

    if template == LISTING and not ids and stage is None:
        _list_templates(record_path(ctx), json_output)
        return
    if template == PANEL_PACK:
        if ids or stage is not None:
            raise typer.BadParameter(
                "a panel pack goes to the panel members with an email: name no candidates.",
                param_hint="'ID...'",
            )
        _panel_pack(ctx, output, dry_run, again, send, sender, day, json_output)
        return
    if day is not None:
        raise typer.BadParameter("--day goes with panel-pack.", param_hint="'--day'")
    if (stage is None) == (not ids):
        raise typer.BadParameter(
            "name the candidates (IDs), or choose them with --stage, not both.",
            param_hint="'ID...'",
        )
    if since is not None and stage is None:
        raise typer.BadParameter("--since goes with --stage.", param_hint="'--since'")
    if send and output is not None:
        raise Refused("--send sends the letters; -o is where drafts go. Choose one.")
    run = app_letters.prepare(
        record_path(ctx),
        template,
        folder=output,
        send=send,
        sender=sender or os.environ.get(FROM_VAR) or None,
        again=again,
        dry_run=dry_run,
    )

    def people(record: "Record", today: "date") -> "list[Candidate]":
        return app_letters.choose(
            record, list(ids or []), stage, typed_date(since, today, "--since")
        )

    if dry_run:
        record, today = load_record(ctx)
        result = app_letters.dry_run(run, record, today, people(record, today))
    else:
        with changing(ctx, by, progress=True) as change:
            chosen = people(change.record, change.today)
            result = app_letters.write_or_send(run, change, chosen, each=tracked)
        if result.failed is not None:
            raise result.failed  # after the save: the letters the server accepted are logged
    _show(result, json_output)


def _panel_pack(
    ctx: typer.Context,
    output: Path | None,
    dry_run: bool,
    again: bool,
    send: bool,
    sender: str | None,
    day: str | None,
    json_output: bool,
) -> None:
    """The day's agenda and the panel's report to each panel member with an email."""
    from dgtracker.app import letters as app_letters
    from dgtracker.progress import tracked

    run = app_letters.prepare(
        record_path(ctx),
        PANEL_PACK,
        folder=output,
        send=send,
        sender=sender or os.environ.get(FROM_VAR) or None,
        again=again,
        dry_run=dry_run,
    )
    record, today = load_record(ctx)
    pack_day = typed_date(day, today, "--day") or today
    result = app_letters.panel_pack(run, record, pack_day, now_utc(), tracked, dry_run=dry_run)
    if result.failed is not None:
        raise result.failed
    _show(result, json_output)


def _list_templates(path: Path, json_output: bool) -> None:
    from dgtracker.exchange.letters import template_list

    found = template_list(path)
    if json_output:
        from dgtracker.out.plain import print_json

        print_json({"templates": [{"name": name, "origin": origin} for name, origin in found]})
        return
    for name, origin in found:
        echo(f"{name:<16} {origin}")


def _show(result: "MailResult", json_output: bool) -> None:
    from dgtracker.out.json_contract import mail_json
    from dgtracker.text import visible

    if json_output:
        from dgtracker.out.plain import print_json

        print_json(mail_json(result))
        return
    ids = [cid for cid, _ in result.letters]
    count = f"{len(ids)} letter(s) '{result.template}'"
    if result.mode == "dry-run":
        echo(f"Would write {count}: {', '.join(ids) or 'none'}. Nothing was written.")
    elif result.mode == "send":
        echo(f"Sent {count}: {', '.join(ids) or 'none'}.")
    else:
        where = visible(str(result.folder))
        echo(f"Wrote {count} to {where}: {', '.join(ids) or 'none'}.")
    if result.found:
        echo(f"Already written by an earlier run, now logged: {', '.join(result.found)}.")
    if result.no_address:
        echo(f"No email address, skipped: {', '.join(result.no_address)}.")
    if result.already:
        echo(
            f"Already had '{result.template}', skipped (--again writes again): "
            f"{', '.join(result.already)}."
        )
    for cid, missing in result.not_applicable:
        echo(f"{cid} skipped: the letter needs their {', '.join(missing)}, which they lack.")
