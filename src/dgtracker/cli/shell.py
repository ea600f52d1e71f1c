"""`completion`: the script that lets bash, zsh, fish or PowerShell complete dgtracker's
commands and options. Nothing is loaded for it at start-up; the shell's later requests
are answered by cli/app.main."""

from enum import StrEnum
from typing import Annotated

import typer
from typer.completion import get_completion_script  # type: ignore[attr-defined]

from dgtracker.cli.context import COMPLETE_VAR, Command, example
from dgtracker.out.terminal import echo

commands = typer.Typer()


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"
    pwsh = "pwsh"


@commands.command(
    cls=Command,
    epilog=example(
        'eval "$(dgtracker completion bash)"          # in ~/.bashrc',
        'eval "$(dgtracker completion zsh)"           # in ~/.zshrc',
        "dgtracker completion fish > ~/.config/fish/completions/dgtracker.fish",
        "dgtracker completion powershell >> $PROFILE",
    ),
)
def completion(
    shell: Annotated[Shell, typer.Argument(help="The shell: bash, zsh, fish or powershell.")],
) -> None:
    """Print the shell completion script for dgtracker (add it to your shell's start-up)."""
    echo(get_completion_script(prog_name="dgtracker", complete_var=COMPLETE_VAR, shell=shell.value))
