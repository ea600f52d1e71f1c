"""A progress bar for long work: items done, the rate and the time left, on a terminal only.

Shown on standard error when it is a terminal, for work of at least PROGRESS_MIN items
(DGTRACKER_PROGRESS_MIN overrides it) that is still running after PROGRESS_AFTER seconds
and not about to end (DGTRACKER_PROGRESS_AFTER overrides it). Short work never loads rich
for it, and on a pipe, in a file or under cron nothing is shown or loaded. The bar is
redrawn five times a second and counted in batches, so long work is no more than a
few percent slower for it.

rich is imported only when a bar is shown, at a terminal (start-up budget).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

PROGRESS_MIN = 2_000  # items
PROGRESS_AFTER = 0.5  # seconds
_BATCH = 256  # items between updates of the count

T = TypeVar("T")


class Walk(Protocol):
    """How long work goes through its items: quietly, or with a bar (`tracked`)."""

    def __call__(self, items: Sequence[T], what: str) -> Iterable[T]: ...


def quietly(items: Sequence[T], what: str) -> Iterable[T]:
    """The items as they are: no bar."""
    return items


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def threshold() -> int:
    return int(_number("DGTRACKER_PROGRESS_MIN", PROGRESS_MIN))


def shown(total: int) -> bool:
    """Whether work of `total` items may show a bar here."""
    return total >= threshold() and sys.stderr.isatty()


def tracked(items: Sequence[T], what: str) -> Iterable[T]:
    """The items, one by one, with a bar on the terminal while long work goes through them."""
    return _tracked(items, what) if shown(len(items)) else items


def _tracked(items: Sequence[T], what: str) -> Iterator[T]:
    total, delay = len(items), _number("DGTRACKER_PROGRESS_AFTER", PROGRESS_AFTER)
    started = time.perf_counter()
    rest = iter(items)
    done = 0
    for item in rest:  # quietly at first: work that ends soon pays nothing for a bar
        yield item
        done += 1
        if done % _BATCH == 0:
            elapsed = time.perf_counter() - started
            if elapsed >= delay and elapsed / done * (total - done) >= delay:
                break
    else:
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
    with Progress(*columns, console=console, transient=True, refresh_per_second=5) as bar:
        task = bar.add_task(what, total=total, completed=done, rate="")
        for item in rest:
            yield item
            done += 1
            if done % _BATCH == 0:
                rate = done / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=done, rate=f"{rate:,.0f}/s")
        bar.update(task, completed=done)
