"""`docs`: the reference pages, carried by the installed tool, for whoever has no
checkout of the repository (and no address to browse it at).

rich (and the console) is imported only to show a page at a terminal; a pipe gets the
bytes (start-up budget).
"""

from difflib import get_close_matches
from typing import Annotated

import typer

from dgtracker.cli.context import Command, example
from dgtracker.doc_pages import command_for, page_files, page_text, title_of
from dgtracker.errors import Refused
from dgtracker.out.terminal import rich_console, write_bytes

commands = typer.Typer()

_FILES = page_files()


def _known(topic: str | None) -> str | None:
    if topic is not None and topic not in _FILES:
        close = get_close_matches(topic, _FILES, n=1)
        guess = f" Did you mean {close[0]!r}?" if close else ""
        raise typer.BadParameter(
            f"there is no page {topic!r}.{guess} The pages: {', '.join(_FILES)}."
        )
    return topic


@commands.command(
    cls=Command,
    epilog=example(
        "dgtracker docs                     # the pages there are",
        "dgtracker docs team                # one of them",
        "dgtracker docs commands | less     # as Markdown, to page through",
    ),
)
def docs(
    topic: Annotated[
        str | None,
        typer.Argument(
            help="The page to print: commands, team, json, … (none: list them).",
            callback=_known,
            autocompletion=lambda incomplete: [t for t in _FILES if t.startswith(incomplete)],
            metavar="TOPIC",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print one of dgtracker's reference pages, or list them."""
    if not _FILES:
        raise Refused(
            "This copy of dgtracker was installed without its reference pages.",
            hint="Reinstall it with pip from the package or a checkout of the repository.",
        )

    console = rich_console()
    if topic is None:
        width = max(map(len, _FILES)) + 2
        for name, path in _FILES.items():
            title = title_of(name, path.read_text(encoding="utf-8"))
            console.print(f"{name:<{width}}{title}", markup=False, soft_wrap=True)
        console.print(f"Read one with: {command_for('TOPIC')}", markup=False, soft_wrap=True)
        return
    text = page_text(topic, _FILES)
    if not console.is_terminal:
        # A pipe or a file gets the Markdown itself, as written (less, grep, a converter),
        # in UTF-8 whatever the system's code page (Windows' would escape → and £).

        write_bytes(text.encode("utf-8"))
        return
    from rich.markdown import Markdown

    console.print(Markdown(text, hyperlinks=False, code_theme="ansi_dark"))
