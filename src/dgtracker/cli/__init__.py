"""The command line: `app` gathers the commands (cli/app.py), `main` runs them.

cli/app.py loads only the topic module of the command run (its lazy table); each topic
module parses its arguments, calls the layers below (app/, out/ and the rest) and prints.
What commands share is in cli/context.py. Nothing outside cli/ imports typer or click.
"""

from dgtracker.cli.app import app, main

__all__ = ["app", "main"]
