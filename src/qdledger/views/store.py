"""The read-model file: opened with sqlite-utils, kept current from the notification log.

Every page of new events is applied in one transaction together with the tracking position,
so the file is always exactly the projection of the log up to that position; a crash leaves it
at the last committed page, and the next catch-up continues from there. ``rebuild`` builds a
fresh file beside the old one and swaps it in, so readers never see a half-built file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from qdledger.audit.decode import Decoder, collector_paused
from qdledger.audit.rows import PAGE, EventStore, event_store
from qdledger.views.batch import Batch
from qdledger.views.projectors import Projection, project
from qdledger.views.tables import TABLES

TRACKING = "tracking"
NAME = "qdledger"


def open_views(path: str | Path) -> sqlite_utils.Database:
    """The file with every table in place (new figure columns added as capabilities feed them)."""
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA busy_timeout = 30000")
    for table in TABLES:
        t = db[table.name]
        if not t.exists():
            t.create(table.columns, pk=table.pk, not_null=_not_null(table), defaults=_zeros(table))
        else:
            missing = {c: k for c, k in table.columns.items() if c not in t.columns_dict}
            for column, kind in missing.items():
                t.add_column(column, kind, not_null_default=_zeros(table).get(column))
    if not db[TRACKING].exists():
        db[TRACKING].create({"name": str, "position": int}, pk="name")
    return db


def _zeros(table) -> dict[str, int]:
    """Money and counts start at zero, so an entity with no such facts reads 0, not NULL."""
    return {c: 0 for c, k in table.columns.items() if k is int and (c.endswith("_fen") or c == "releases")}


def _not_null(table) -> set[str]:
    return {table.pk} if isinstance(table.pk, str) else set(table.pk)


def position(db: sqlite_utils.Database) -> int:
    return _tracked(db.conn)


def _tracked(conn: sqlite3.Connection) -> int:
    row = conn.execute(f"SELECT position FROM {TRACKING} WHERE name = ?", (NAME,)).fetchone()
    return row[0] if row else 0


def behind(ledger: Any, path: str | Path) -> int:
    """About how many events the file has yet to apply (positions recorded after its own)."""
    db = open_views(path)
    try:
        return max(0, (ledger.recorder.max_notification_id() or 0) - position(db))
    finally:
        db.close()


def catch_up(ledger: Any, path: str | Path, progress: Callable[[int], None] | None = None,
             pragmas: tuple[str, ...] = (), page: int = PAGE) -> dict[str, Any]:
    """Apply every event after the tracked position, a page per transaction; return where it stands."""
    db = open_views(path)
    for pragma in pragmas:
        db.conn.execute(f"PRAGMA {pragma}")
    store = event_store(ledger)
    try:
        with collector_paused():
            applied = _apply_pages(db.conn, store, Decoder(ledger), page, progress)
        return {"views": str(path), "position": position(db), "applied": applied}
    finally:
        store.close()
        db.close()


def _apply_pages(conn: sqlite3.Connection, store: EventStore, decode: Decoder, page: int,
                 progress: Callable[[int], None] | None) -> int:
    """Each page of events after the tracked position in its own transaction; how many were applied."""
    keys, parties = single_keys(), _parties(conn)
    applied = 0
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = next(store.pages(_tracked(conn), page=page), [])
            if rows:
                apply_page(conn, rows, decode, keys, parties)
                track(conn, rows[-1][0])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if not rows:
            return applied
        applied += len(rows)
        if progress:
            progress(len(rows))


def single_keys() -> dict[str, str]:
    """Table → its primary key column, for the tables keyed by one column (the ones updated in place)."""
    return {t.name: t.pk for t in TABLES if isinstance(t.pk, str)}


def _parties(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT aggregate_id, id FROM enterprises").fetchall())


def apply_page(conn: sqlite3.Connection, rows: list, decode: Decoder, keys: dict[str, str],
               parties: dict[str, str]) -> None:
    """Project one page of stored rows and write what changed, inside the caller's transaction."""
    view = Projection(Batch(keys), parties)
    for row in rows:
        view.position = row[0]
        project(decode(row), view, row[4], row[3], row[1])
    view.finish()
    view.batch.flush(conn)


def track(conn: sqlite3.Connection, at: int) -> None:
    conn.execute(f"INSERT INTO {TRACKING} (name, position) VALUES (?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET position = excluded.position", (NAME, at))


def rebuild(ledger: Any, path: str | Path, progress: Callable[[int], None] | None = None,
            workers: int | None = None) -> dict[str, Any]:
    """Build the whole file anew from the log, then put it in place of the old one.

    The new file is invisible until it is swapped in, so it is written without a journal or
    syncs; a crash or a failure leaves the old file as it was and only stray files that the next
    rebuild removes. ``workers`` processes share the log (default: one per core, for a log big
    enough to gain from it; ``workers`` in the result says how many did); events recorded
    meanwhile are applied at the end, as a catch-up."""
    from qdledger.views import parts

    target = Path(path)
    fresh = target.with_name(target.name + ".rebuilding")
    count = parts.workers_for(ledger.recorder.max_notification_id() or 0, workers)
    strays = [fresh, *parts.part_paths(fresh, parts.MAX_WORKERS)]
    parts.remove(strays)
    try:
        applied = 0
        if count > 1:
            try:
                applied = parts.build_in_parts(ledger, fresh, count, progress)
            except parts.SharedRow:
                parts.remove(strays)
                applied, count = 0, 1  # the parts' progress was shown; the single pass shows its own anew
        result = catch_up(ledger, fresh, progress, pragmas=parts.FAST, page=50_000)
        db = sqlite_utils.Database(fresh)
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.close()
    except BaseException:
        parts.remove(strays)
        raise
    os.replace(fresh, target)
    return {**result, "applied": applied + result["applied"], "views": str(target), "rebuilt": True, "workers": count}
