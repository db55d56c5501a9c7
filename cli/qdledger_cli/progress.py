"""Progress bars for long operations, on stderr, only for a person at a terminal and never with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from qdledger_cli.runtime import session

LABELS = {"export": ("导出", "export"), "bundle": ("审计包", "bundle"), "verify": ("核验", "verify"),
          "rebuild": ("重建查询库", "rebuild"), "update": ("更新查询库", "update"), "import": ("检查各行", "checking rows"),
          "write": ("写入文件", "writing")}
CATCH_UP_SHOWN_FROM = 10_000  # events: a write's own few are applied too fast to need a bar


@contextmanager
def progress(label: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """Yield ``advance(n)``, or None when nobody would see a bar (quiet, piped, or nothing to do)."""
    with _bar(label, total) if total else _nothing() as shown:
        yield None if shown is None else (lambda n: shown[0].advance(shown[1], n))


@contextmanager
def progress_of(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yield ``update(done, total)`` for work whose size is learnt as it goes, or None as ``progress`` does."""
    with _bar(label, None) as shown:
        yield None if shown is None else (lambda done, total: shown[0].update(shown[1], completed=done, total=total))


def events_recorded(ledger: Any) -> int:
    """The size of a whole-log operation, for its bar."""
    from qdledger.audit.rows import event_store

    store = event_store(ledger)
    try:
        return store.count()
    finally:
        store.close()


def catch_up_progress() -> Callable[[int], Any] | None:
    """For the read models' catch-up after a write: a bar when the file is far behind and someone would see it."""
    if not _visible():
        return None
    return lambda behind: progress("update", behind if behind >= CATCH_UP_SHOWN_FROM else 0)


def _visible() -> bool:
    return not session.quiet and sys.stderr.isatty()


@contextmanager
def _bar(label: str, total: int | None) -> Iterator[tuple[Any, Any] | None]:
    if not _visible():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from qdledger.i18n import tr

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        yield bar, bar.add_task(tr(*LABELS[label]), total=total)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None
