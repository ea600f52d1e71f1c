"""The command line: cli/app.py gathers the commands (the typer app, `app`) and runs them
(`main`); cli/light.py runs the hottest reads without building it.

This package's own module imports nothing, so the light path loads no typer: import the
app from `dgtracker.cli.app`. cli/app.py loads only the topic module of the command run (its
lazy table); each topic module parses its arguments, calls the layers below (app/, out/ and
the rest) and prints. What commands share is in cli/context.py (cli/settings.py and
cli/ending.py for what the light path shares too). Nothing outside cli/ imports typer or
click.
"""

COMPLETE_VAR = "_DGTRACKER_COMPLETE"  # set by the shell when it asks for completions
