"""How a command ends: a failure's message, the exit without tear-down, a closed pipe, a
full disk behind the output. Shared by the typer app (cli/app.py) and the light path
(cli/light.py), so both end a command the same way, byte for byte; typer-free, so the
light path loads none of it."""

import os
import sys
from contextlib import suppress

from dgtracker.errors import INTERNAL, RECORD_UNUSABLE, DgError

CLOSED_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE (128 + 13)


def show_error(error: DgError) -> None:
    """The one place a failure reaches the user: its message and what to do, escaped."""
    from dgtracker.text import visible

    sys.stderr.write(f"dgtracker: {visible(error.message, keep_newlines=True)}\n")
    if error.hint:
        sys.stderr.write(f"  {visible(error.hint, keep_newlines=True)}\n")


def internal_error(error: Exception) -> None:
    """Anything unforeseen: never a traceback (DGTRACKER_DEBUG=1 shows it instead)."""
    sys.stderr.write(
        f"dgtracker: unexpected internal error ({type(error).__name__}).\n"
        "  The record is as it was before this command, or fully saved by it.\n"
        "  Please report this; set DGTRACKER_DEBUG=1 to see the details.\n"
    )
    sys.exit(INTERNAL)


def silence_stdout() -> None:
    """Point stdout at nothing, so that flushing at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass


def tolerate_legacy_encodings() -> None:
    """Where the output is not UTF-8 (a legacy code page, PYTHONIOENCODING=ascii), show a
    character it cannot hold as an escape (\\xeb) rather than fail part-way."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding and not encoding.startswith("utf") and reconfigure is not None:
            reconfigure(errors="backslashreplace")


def output_failed(error: OSError) -> None:
    """A system error dgtracker's own checks did not turn into a message: almost always
    the output (a full disk behind > FILE, a closed pipe). Exit 3 with the reason."""
    where = f" ({error.filename})" if error.filename else " (writing the output)"
    with suppress(OSError, ValueError):
        sys.stderr.write(
            f"dgtracker: {error.strerror or error}{where}.\n"
            "  The record is as it was before this command, or fully saved by it.\n"
        )
        sys.stderr.flush()
    os._exit(RECORD_UNUSABLE)  # exiting normally would try again to flush the output


def leave(code: object) -> None:
    """Exit as soon as the output is flushed, without tearing the interpreter down.

    Tear-down frees every object one at a time (a large record is hundreds of thousands)
    and can take longer than the command; the system reclaims the memory at once. Files
    and the record's lock are closed by the time a command returns.
    """
    if code is None:
        code = 0
    if not isinstance(code, int):
        raise SystemExit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BrokenPipeError:  # the reader left before the last of the output
        os._exit(CLOSED_PIPE)
    except OSError as error:  # a full disk behind > FILE: say so, exit 3
        output_failed(error)
    except Exception:  # any other failure to flush: the usual exit reports it
        raise SystemExit(code) from None
    os._exit(code)
