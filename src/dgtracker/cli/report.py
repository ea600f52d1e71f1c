"""The `report` command: the campaign as one HTML page (or PDF) for a panel or the Commission.

The PDF printer and the file writer are imported only when asked for (--pdf, -o).
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dgtracker.cli.context import (
    Command,
    ForceOption,
    OutputOption,
    RevealOption,
    example,
    load_panel_view,
    load_record,
    record_path,
)
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo, write
from dgtracker.process.blind import blind_said
from dgtracker.report.page import render_report

commands = typer.Typer()


class Audience(StrEnum):
    PANEL = "panel"
    COMMISSION = "commission"


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker report -o dg-tdd-report.html",
        "dgtracker report --for commission -o competition-record.html --pdf competition.pdf",
    ),
)
def report(
    ctx: typer.Context,
    output: OutputOption = None,
    audience: Annotated[
        Audience,
        typer.Option(
            "--for",
            help="panel: with the candidates' names; commission: the competition record, "
            "by candidate id only, with the change trail.",
        ),
    ] = Audience.PANEL,
    force: ForceOption = False,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            metavar="FILE",
            help="Also print the page to this PDF file, through a headless Chromium, Chrome "
            "or Edge.",
        ),
    ] = None,
    browser: Annotated[
        str | None,
        typer.Option(
            "--browser",
            metavar="PATH",
            help="The Chrome, Edge or Chromium that prints --pdf (else $DGTRACKER_BROWSER, "
            "PATH, then where each system installs them).",
        ),
    ] = None,
    reveal: RevealOption = False,
) -> None:
    """The campaign report: timeline, funnel and candidates, as a self-contained HTML page."""
    if browser is not None and pdf is None:
        raise Refused("--browser is the program that prints --pdf.", hint="Add --pdf FILE.")
    said = None
    if audience == Audience.PANEL:  # by name, except where the sift is name-blind
        view, today = load_panel_view(ctx, reveal)
        record = view.record
        said = blind_said(view)
    else:  # the Commission's page names no one already
        record, today = load_record(ctx)
    html = render_report(record, today, audience.value, said)
    if pdf is not None:
        from dgtracker.report.browser import print_to_pdf

        print_to_pdf(html, pdf, force=force, record_path=record_path(ctx), browser=browser)
        echo(f"Wrote {pdf}: the {audience.value} report as of {today.isoformat()}.")
        if output is None:
            return
    if output is None or str(output) == "-":
        write(html)
        return
    from dgtracker.exchange.safe_files import write_export

    write_export(output, html, force=force, record_path=record_path(ctx))
    echo(f"Wrote {output}: the {audience.value} report as of {today.isoformat()}.")
