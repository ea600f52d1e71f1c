"""The `dgtracker` command and `python -m dgtracker`.

`dgtracker --version` is answered here, before the command line (typer and every
command) is loaded: it is what scripts and installers run to check the tool. The hottest
commands (status, candidates, show, remind, add-candidate, a one-candidate move) run on
the light path (cli/light.py), which builds no typer app; every other command line goes
to the typer app (cli/app.py).

Its imports are inside `main` so that `--version` loads nothing else (start-up budget).
"""

import gc
import os
import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from dgtracker import __version__

        sys.stdout.write(f"dgtracker {__version__}\n")
        return
    # One command per process, and what it builds (the record above all) holds no
    # reference cycles: the cycle collector would only scan the same objects again and
    # again, up to a tenth of a command's time. The memory is the system's at exit.
    gc.disable()
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdecimal() and int(columns) == 0:  # "width unknown", as some shells set it
        del os.environ["COLUMNS"]  # rich, click and dgtracker would lay out 0 columns
    from dgtracker.cli import COMPLETE_VAR

    if COMPLETE_VAR in os.environ:  # a Tab press
        from dgtracker.cli.quick_completion import complete_quickly

        complete_quickly()  # returns only when the typer app must answer
    from dgtracker.cli.light import run_light

    run_light(sys.argv[1:])  # returns only when the command line is not one it runs
    from dgtracker.cli.app import main as run

    run()


if __name__ == "__main__":
    main()
