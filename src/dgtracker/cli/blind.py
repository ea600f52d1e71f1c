"""The `blind` command: the name-blind sift, set, opened, or asked about."""

from typing import TYPE_CHECKING, Annotated

import typer

from dgtracker.cli.context import ByOption, Command, JsonFlag, changing, example, load_record
from dgtracker.errors import Refused
from dgtracker.out.terminal import echo

if TYPE_CHECKING:
    from dgtracker.record.model import Record

commands = typer.Typer()


@commands.command(
    cls=Command,
    epilog=example("dgtracker blind --until shortlist", "dgtracker blind", "dgtracker blind --off"),
)
def blind(
    ctx: typer.Context,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="STAGE",
            help="Show candidates to the panel by id only until they reach this stage.",
        ),
    ] = None,
    off: Annotated[
        bool, typer.Option("--off", help="End the name-blind sift: names show to everyone.")
    ] = False,
    json: JsonFlag = False,
    by: ByOption = None,
) -> None:
    """The name-blind sift: candidates shown to the panel by id only until a stage."""
    if until is not None and off:
        raise Refused("--until and --off say opposite things.", hint="Give one of them.")
    if until is None and not off:
        record, _ = load_record(ctx)
        _say(record, changed=None, json=json)
        return
    from dgtracker.process.blind import set_blind

    with changing(ctx, by) as change:
        setting = set_blind(change.record, until, by=change.by, now=change.now, today=change.today)
    _say(change.record, changed=setting is not None, json=json)


def _say(record: "Record", changed: bool | None, json: bool) -> None:
    """What the sift is now; `changed`: whether this command changed it (None: only asked)."""
    from dgtracker.out.json_contract import blind_json

    shown = blind_json(record)
    if json:
        from dgtracker.out.plain import print_json

        if changed is not None:
            shown["changed"] = changed
        print_json(shown)
        return
    if not shown["on"]:
        said = "The sift is not name-blind: the panel sees candidates' names."
    else:
        said = (
            f"The sift is name-blind until {shown['until_title']} ({shown['until']}), "
            f"since {shown['set_on']}: {shown['hidden']} candidate(s) shown to the panel "
            "by id only."
        )
    if changed is False:
        said += " (Already so: nothing changed.)"
    echo(said)
