"""Giving freed memory back to the system after a large record is read.

glibc keeps what Python frees outside its own small-object arenas (strings and bytes over
512 bytes: a record's text, its pieces, the cache's bytes) in its heap, resident, and does
not return it while the heap's top is in use: after a read of a 25 MB record, about 27 MB
of it. `give_back` asks glibc to return every free page (`malloc_trim`); elsewhere (macOS,
Windows, musl) it does nothing. Called only after a large read: ctypes is not loaded for
the rest (start-up budget).
"""

from __future__ import annotations

import sys

LARGE = 2_000_000  # characters or bytes read: below this there is little to give back

_trim = None
_looked = False


def give_back() -> None:
    """Return the heap's free pages to the system, where the C library can."""
    global _trim, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _trim = ctypes.CDLL(None).malloc_trim
            except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
                _trim = None
    if _trim is not None:
        _trim(0)
