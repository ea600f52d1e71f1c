"""A progress bar for long work: rows done, the rate and the time left, on a terminal only.

Shown on standard error when it is a terminal and the work has at least PROGRESS_MIN items
(DGTRACKER_PROGRESS_MIN overrides it); never on a pipe, in a file or under cron, where
nothing is imported for it. The bar is redrawn at most ten times a second and counted in
batches, so long work is no more than a few percent slower for it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

PROGRESS_MIN = 2_000
_BATCH = 256  # items between updates of the count

T = TypeVar("T")


class Walk(Protocol):
    """How long work goes through its items: quietly, or with a bar (`tracked`)."""

    def __call__(self, items: Sequence[T], what: str) -> Iterable[T]: ...


def quietly(items: Sequence[T], what: str) -> Iterable[T]:
    """The items as they are: no bar."""
    return items


def threshold() -> int:
    try:
        return int(os.environ.get("DGTRACKER_PROGRESS_MIN", PROGRESS_MIN))
    except ValueError:
        return PROGRESS_MIN


def shown(total: int) -> bool:
    """Whether work of `total` items shows a bar here."""
    return total >= threshold() and sys.stderr.isatty()


def tracked(items: Sequence[T], what: str) -> Iterator[T]:
    """The items, one by one, with a bar on the terminal while they are worked through."""
    total = len(items)
    if not shown(total):
        yield from items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True, highlight=False, emoji=False)
    started = time.perf_counter()
    with Progress(*columns, console=console, transient=True, refresh_per_second=10) as bar:
        task = bar.add_task(what, total=total, rate="")
        done = 0
        for done, item in enumerate(items, 1):
            yield item
            if done % _BATCH == 0:
                rate = done / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=done, rate=f"{rate:,.0f}/s")
        bar.update(task, completed=done)
