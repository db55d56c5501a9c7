"""Splitting a ledger's aggregates into shards replayed by separate processes.

A shard is fixed by the last two characters of the aggregate id as stored, by one formula that
Python (``shard_of``) and both databases (``SHARD_SQL``) compute alike, so that a process reads
only its own shard's rows, and every row, even one whose id was altered, falls in exactly one
shard. Ids are uuid hex, whose last characters are uniformly spread.

Worker processes are forked: they start in milliseconds with the parent's decoder and registries
already loaded, and open their own connections (a forked process must not use its parent's).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from qdledger.errors import LedgerError
from qdledger.i18n import Text

HEX = "0123456789abcdef"

SHARD_FROM = 20_000
"""Below this many events one process is quicker than starting others."""


def shard_of(oid: str, count: int) -> int:
    return ((HEX.find(oid[30:31]) + 1) * 17 + HEX.find(oid[31:32]) + 1) % count


def shard_sql(oid: str, count: int, find: str = "instr", modulo: str = "%") -> str:
    """``shard_of`` as an SQL expression over the column (or expression) ``oid``: SQLite's ``instr``
    and PostgreSQL's ``strpos`` are 1-based and 0 when absent, as ``HEX.find() + 1`` is, and all
    three find an empty string (an id too short) at 1."""
    digit = f"{find}('{HEX}', substr({oid}, {{}}, 1))"
    return f"(({digit.format(31)} * 17 + {digit.format(32)}) {modulo} {int(count)})"


def default_workers() -> int:
    """Two processes when two cores are free to run them: the parent's chain and shard, and one more."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, 2)


def worker_count(events: int, wanted: int | None = None) -> int:
    """How many processes to replay ``events`` with: ``wanted`` when given, else the default for a
    ledger that large; always one where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if wanted is not None:
        return max(1, wanted)
    return default_workers() if events >= SHARD_FROM else 1


class WorkerFailed(LedgerError):
    """A process replaying one shard stopped without its result."""

    code = "verify_worker_failed"


class Workers:
    """Shards 1 … count-1, each run as ``work(shard)`` in a forked process (shard 0 is the caller's).

    Results come back through a pipe; a process that fails sends its error, one that dies closes
    the pipe, so waiting for a result never hangs on a lost process."""

    def __init__(self, count: int, work: Callable[[int], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self.count = count
        self.running: list[tuple[int, Any, Any]] = []
        try:
            for shard in range(1, count):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_serve, args=(work, shard, send), daemon=True)
                process.start()
                send.close()
                self.running.append((shard, process, receive))
        except BaseException:
            self.close()
            raise

    def results(self) -> list[Any]:
        """Every shard's result, in shard order; raises ``WorkerFailed`` for the first that failed."""
        results = []
        for shard, process, receive in self.running:
            try:
                status, value = receive.recv()
            except EOFError:
                process.join()
                status, value = "error", f"exit code {process.exitcode}"
            if status != "ok":
                raise WorkerFailed(Text(f"核验分片 {shard} 的进程失败：{value}", f"the process verifying shard {shard} failed: {value}"))
            results.append(value)
        return results

    def close(self) -> None:
        for _, process, receive in self.running:
            if process.is_alive():
                process.terminate()
            process.join()
            receive.close()
        self.running = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(work: Callable[[int], Any], shard: int, send: Any) -> None:
    try:
        reply = ("ok", work(shard))
    except BaseException as error:  # reported by the parent, which names the shard
        reply = ("error", f"{type(error).__name__}: {error}")
    try:
        send.send(reply)
    except BaseException as error:  # the result itself could not be sent
        send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()
