"""What reaches a terminal: the installed dgtracker run on a real pseudo-terminal (pty)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

from tests.conftest import installed_dgtracker


def on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run the installed dgtracker with stdout and stderr on a pty; what the terminal got."""
    controller, terminal = pty.openpty()
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", **(env or {})}
    full_env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [installed_dgtracker(), *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=full_env,
        close_fds=True,
    )
    os.close(terminal)
    received = bytearray()
    deadline = time.monotonic() + 60  # a command that never lets go of the terminal fails
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([controller], [], [], left)[0]:
                process.kill()
                raise AssertionError(f"still holding the terminal after 60 s: {received!r}")
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the last process holding the terminal has ended
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(controller)
    return process.wait(timeout=60), bytes(received)
