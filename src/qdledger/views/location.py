"""Where the read-model file lives, and keeping it current after saves (cheap to import)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def views_location(ledger_location: str) -> str | None:
    """``$QDLEDGER_VIEWS``, else beside a ledger file (``x.db`` → ``x.views.db``), else ``./qdledger.views.db``."""
    explicit = os.environ.get("QDLEDGER_VIEWS")
    if explicit:
        return explicit
    if ledger_location == ":memory:":
        return None
    if ledger_location.startswith(("postgresql://", "postgres://")):
        return "qdledger.views.db"
    path = Path(ledger_location)
    return str(path.with_name(path.stem + ".views.db" if path.suffix == ".db" else path.name + ".views.db"))


def follow(path: str, problems: list[str] | None = None,
           progress: Callable[[int], Any] | None = None) -> Callable[[Any], None]:
    """A ledger follower that keeps the file current after every save.

    The save has already succeeded when it runs, so it never fails the write: a busy file simply
    catches up next time, and any other problem is noted in ``problems`` (``qdledger rebuild``
    rebuilds the file from the log). ``progress(behind)``, if given, is a context yielding
    ``advance(n)`` or None, for a file far behind the log."""
    def after_save(ledger: Any) -> None:
        import sqlite3
        from contextlib import nullcontext

        from qdledger.views.store import behind, catch_up

        try:
            with progress(behind(ledger, path)) if progress else nullcontext() as advance:
                catch_up(ledger, path, advance)
        except sqlite3.OperationalError:
            pass
        except Exception as error:  # noqa: BLE001 - the write stands; say what the read models missed
            if problems is not None:
                problems.append(f"{type(error).__name__}: {error}")

    return after_save
