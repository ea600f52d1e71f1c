"""The command line: `app` gathers the commands (cli/app.py), `main` runs them.

Layers run one way: cli.app → the topic modules (records, reading, candidates,
milestones, reminders, exchange, privacy) → cli.context → the library (api, actions,
views, contract, storage, …). Nothing below the CLI imports typer.
"""

from dgtracker.cli.app import app, main

__all__ = ["app", "main"]
