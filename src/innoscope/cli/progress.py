"""Progress bars on standard error for the commands that run long (rich; transient: gone when done)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar of ``total`` steps (replications, model runs); yields ``tick(k)`` that advances it by ``k``."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=total)
        yield lambda k: prog.advance(task, k)


@contextmanager
def bytes_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A bar of bytes read (MB done of MB, speed); ``total`` None (standard input) shows a pulsing bar. Yields
    ``tick(k)`` that advances it by ``k`` bytes and redraws it. No refresh thread: ``innoscope extract --jobs``
    forks its workers while the bar is shown, and a fork must not copy a lock another thread holds."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as prog:
        task = prog.add_task(label, total=total)

        def tick(k: int) -> None:
            prog.advance(task, k)
            prog.refresh()

        yield tick
