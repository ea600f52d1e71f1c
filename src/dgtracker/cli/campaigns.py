"""The command over a folder of records: `campaigns`."""

import typer

from dgtracker.app.campaigns import campaign_file_json, campaign_line, each_campaign
from dgtracker.cli.context import Command, JsonFlag, campaigns_folder, example, settings_of
from dgtracker.out.plain import print_json
from dgtracker.out.terminal import write

commands = typer.Typer()


@commands.command(cls=Command, epilog=example("dgtracker --dir ~/campaigns campaigns"))
def campaigns(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List every campaign in the folder (--dir): next milestone, countdown and pipeline."""
    summaries = [
        campaign_file_json(c) for c in each_campaign(campaigns_folder(ctx), settings_of(ctx).today)
    ]
    if json:
        print_json({"campaigns": summaries})
    else:
        write("".join(f"{campaign_line(summary)}\n" for summary in summaries))
    if any(summary["problem"] for summary in summaries):
        raise typer.Exit(3)
