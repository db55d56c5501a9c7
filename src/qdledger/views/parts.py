"""A rebuild split between processes, one per core: each projects a share of the aggregates.

Every projector writes only rows of the aggregate whose event it projects (a party's grants,
tranches, cases and figures come from the party's own events), except the trial balance, which
every party posts to. So process k of n reads only the events of the k-th of n even ranges of
aggregate ids (``qdledger.audit.shards``, the split verify uses), decodes and projects them into a file of its own, and the parent
adds the other parts' rows to the biggest with ``INSERT … SELECT`` (SQLite's own speed): the
trial balance summed per account, postings under rowids that keep them in the log's order.
Should a row ever be written from two parts, its key appears twice and the parts are refused,
and the rebuild runs in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queues
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qdledger.audit.shards import Range, Split, cores
from qdledger.errors import LedgerError
from qdledger.i18n import Text
from qdledger.views.tables import TABLES

MAX_WORKERS = 8  # SQLite attaches at most ten files to one connection
SHARE = 20_000  # events: below this many per process, starting one costs more than it saves
PART_PAGE = 20_000  # events per transaction in a part, and per step of the progress bar
SUMMED = {"trial_balance"}  # tables every part adds to: one row per account, its sums added up
FAST = ("journal_mode = OFF", "synchronous = OFF")  # a file nobody reads until it is swapped in


class RebuildFailed(LedgerError):
    """A process building part of the read models stopped; the old file stays as it was."""

    code = "rebuild_failed"


class SharedRow(Exception):
    """The same row was written by two parts: the parts cannot simply be put together."""


def workers_for(events: int, requested: int | None = None) -> int:
    """``requested`` if given (within 1 and MAX_WORKERS), else one per core when each gets a fair share."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = requested if requested is not None else min(cores(), events // SHARE)
    return max(1, min(wanted, MAX_WORKERS))


def part_paths(fresh: Path, workers: int) -> list[Path]:
    return [fresh.with_name(f"{fresh.name}.part{k}") for k in range(workers)]


def build_in_parts(ledger: Any, fresh: Path, workers: int, progress: Callable[[int], None] | None) -> int:
    """Fill ``fresh`` with the projection of the log up to its last position now; how many events."""
    from qdledger.audit.rows import event_store

    store = event_store(ledger)
    try:
        upto = store.last_position()
        parts = part_paths(fresh, workers)
        context = multiprocessing.get_context("fork")
        messages = context.Queue()
        split = Split.among(workers, chain_share=0.0)
        processes = [context.Process(target=_build_part, args=(ledger, store, part, split.range(k), upto, messages),
                                     daemon=True) for k, part in enumerate(parts)]
        try:
            for process in processes:
                process.start()
            applied = _follow(processes, messages, progress)
            merge(fresh, parts, upto)
            return applied
        finally:
            _stop(processes)
            remove(parts)
    finally:
        store.close()


def _build_part(ledger: Any, store: Any, part: Path, shard: Range, upto: int, messages: Any) -> None:
    """In a forked process: project one shard of the log into ``part``, reporting each page."""
    try:
        from qdledger.audit.decode import Decoder, collector_paused
        from qdledger.views.store import apply_page, open_views, single_keys

        own = store.reopened()
        db = open_views(part)
        for pragma in FAST:
            db.conn.execute(f"PRAGMA {pragma}")
        decode, keys, parties = Decoder(ledger), single_keys(), {}
        with collector_paused():
            for rows in own.pages(0, upto, PART_PAGE, shard):
                db.conn.execute("BEGIN")
                apply_page(db.conn, rows, decode, keys, parties)
                db.conn.execute("COMMIT")
                messages.put(("progress", len(rows)))
        own.close()
        db.close()
        messages.put(("done", part.name))
    except BaseException as error:  # noqa: BLE001 - whatever stopped it is told to the parent, who raises it
        messages.put(("error", f"{type(error).__name__}: {error}"))


def _follow(processes: list, messages: Any, progress: Callable[[int], None] | None) -> int:
    """Pass each part's progress on until every part is done; a part that fails or dies is raised."""
    done = applied = 0
    while done < len(processes):
        try:
            kind, value = messages.get(timeout=1)
        except queues.Empty:
            dead = [k for k, p in enumerate(processes) if p.exitcode not in (None, 0)]
            if dead:
                code = processes[dead[0]].exitcode
                raise RebuildFailed(Text(f"重建查询库的第 {dead[0] + 1} 个进程意外退出（代码 {code}），原查询库未改动",
                                         f"process {dead[0] + 1} rebuilding the read models exited (code {code}); "
                                         "the old read models are unchanged")) from None
            continue
        if kind == "error":
            raise RebuildFailed(Text(f"重建查询库失败，原查询库未改动：{value}",
                                     f"the read-model rebuild failed; the old read models are unchanged: {value}"))
        if kind == "done":
            done += 1
        else:
            applied += value
            if progress:
                progress(value)
    return applied


def merge(fresh: Path, parts: list[Path], upto: int) -> None:
    """Make the biggest part ``fresh`` and add the others' rows to it, tracked at ``upto``;
    ``SharedRow`` if two parts wrote one row."""
    import sqlite3

    from qdledger.views.store import open_views, track

    base = max(parts, key=lambda part: part.stat().st_size)
    os.replace(base, fresh)
    others = [part for part in parts if part != base]
    db = open_views(fresh)
    conn = db.conn
    try:
        for pragma in FAST:
            conn.execute(f"PRAGMA {pragma}")
        for k, part in enumerate(others):
            conn.execute(f"ATTACH DATABASE ? AS part{k}", (str(part),))
        conn.execute("BEGIN")
        for table in TABLES:
            for statement in _merging(table, len(others)):
                conn.execute(statement)
        if upto:
            track(conn, upto)
        conn.execute("COMMIT")
    except sqlite3.IntegrityError as error:
        raise SharedRow(str(error)) from None
    finally:
        db.close()


def _merging(table: Any, count: int) -> list[str]:
    """The statements adding the attached parts' rows of one table to the main file's."""
    names = ", ".join(f"[{c}]" for c in table.columns)
    if table.name in SUMMED:
        union = " UNION ALL ".join(f"SELECT {names} FROM part{k}.[{table.name}]" for k in range(count))
        picked = ", ".join(f"[{c}]" if c == table.pk else f"sum([{c}])" if c.endswith("_fen") else f"max([{c}])"
                           for c in table.columns)
        added = ", ".join(f"[{c}] = [{c}] + excluded.[{c}]" if c.endswith("_fen") else f"[{c}] = excluded.[{c}]"
                          for c in table.columns if c != table.pk)
        return [f"INSERT INTO main.[{table.name}] ({names}) SELECT {picked} FROM ({union}) GROUP BY [{table.pk}] "
                f"ON CONFLICT([{table.pk}]) DO UPDATE SET {added}"] if count else []
    if isinstance(table.pk, tuple):  # the rowid keeps such a table in the log's order (postings: LINE_BITS)
        return [f"INSERT INTO main.[{table.name}] (rowid, {names}) SELECT rowid, {names} FROM part{k}.[{table.name}]"
                for k in range(count)]
    return [f"INSERT INTO main.[{table.name}] SELECT * FROM part{k}.[{table.name}]" for k in range(count)]


def _stop(processes: list) -> None:
    """Parts still running after a failure are ended; every process is waited for."""
    for process in processes:
        if process.pid is None:  # never started
            continue
        if process.is_alive():
            process.terminate()
        process.join()


def remove(paths: list[Path]) -> None:
    for path in paths:
        for leftover in (path, Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)
