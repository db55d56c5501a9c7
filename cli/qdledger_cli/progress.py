"""Progress bars for long operations, on stderr, only for a person at a terminal and never with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from qdledger_cli.runtime import session


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """Yield ``advance(n)``, or None when nobody would see a bar (quiet, piped, or a small job)."""
    if session.quiet or not sys.stderr.isatty() or not total:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)
