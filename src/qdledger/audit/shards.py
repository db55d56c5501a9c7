"""Splitting a ledger's aggregates into shards replayed by separate processes.

A shard is a range of keys made of the last two characters of the aggregate id as stored, by one
formula that Python (``shard_key``) and both databases (``shard_key_sql``) compute alike: a
process reads only its own shard's rows, and every row, even one whose id was altered, falls in
exactly one shard. Ids are uuid hex, whose last characters are evenly spread.

Worker processes are forked: they start in milliseconds with the parent's decoder and registries
already loaded, and open their own connections (a forked process must not use its parent's).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qdledger.errors import LedgerError
from qdledger.i18n import Text

HEX = "0123456789abcdef"

CHAIN_SHARE = 0.2
"""What recomputing the chain over every row costs the first process, as a share of replaying
every row (per 100,000 events about 0.27 s beside 1.1 s on SQLite; a worker also reads its own
rows, the first process reads them once for both): the first process replays that much less.
A store whose rows cost more to read says so with its own ``chain_share``."""

SHARD_FROM = 20_000
"""Below this many events one process is quicker than starting others."""

Range = tuple[int | None, int | None]
"""Keys ``low <= key < high`` (None: unbounded) of one shard's aggregates."""


def shard_key(oid: str) -> int:
    """The aggregate id's last byte (0–255) when its last two characters are hex digits."""
    return 16 * HEX.find(oid[30:31]) + HEX.find(oid[31:32])


def shard_key_sql(oid: str, find: str = "instr") -> str:
    """``shard_key`` as an SQL expression over the column (or expression) ``oid``: SQLite's ``instr``
    and PostgreSQL's ``strpos`` are 1-based and 0 when absent, one more than ``HEX.find``, and all
    three find an empty string (an id too short) first."""
    digit = f"({find}('{HEX}', substr({oid}, {{}}, 1)) - 1)"
    return f"(16 * {digit.format(31)} + {digit.format(32)})"


@dataclass(frozen=True)
class Split:
    """The aggregates divided among ``count`` processes by ranges of their ``shard_key``: the first
    (this process, which also recomputes the chain) takes ``chain_share`` less than an even share,
    the others share the rest evenly. Every key, however odd the id, falls in exactly one range."""

    bounds: tuple[int, ...]

    @classmethod
    def among(cls, count: int, chain_share: float = CHAIN_SHARE) -> Split:
        first = max(0.0, (1 + chain_share) / count - chain_share)
        rest = (1 - first) / (count - 1) if count > 1 else 0.0
        return cls(tuple(round(256 * (first + rest * k)) for k in range(count - 1)))

    @property
    def count(self) -> int:
        return len(self.bounds) + 1

    def of(self, oid: str) -> int:
        return bisect_right(self.bounds, shard_key(oid))

    def range(self, shard: int) -> Range:
        edges = (None, *self.bounds, None)
        return edges[shard], edges[shard + 1]


def range_sql(oid: str, keys: Range, find: str = "instr") -> tuple[str, tuple[int, ...]]:
    """An SQL condition (with ``?`` placeholders) and its parameters: ``oid`` has a key in ``keys``."""
    low, high = keys
    key = shard_key_sql(oid, find)
    conditions = [f"{key} >= ?"] * (low is not None) + [f"{key} < ?"] * (high is not None)
    return " AND ".join(conditions) or "1 = 1", tuple(k for k in keys if k is not None)


def cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_workers() -> int:
    """Two processes when two cores are free to run them: the parent's chain and shard, and one more."""
    return min(cores(), 2)


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
    """Shards 1 … count-1 of a split, each run as ``work(shard)`` in a forked process (shard 0 is the caller's).

    Results come back through a pipe; a process that fails sends its error, one that dies closes
    the pipe, so waiting for a result never hangs on a lost process."""

    def __init__(self, split: Split, work: Callable[[int], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self.split = split
        self.running: list[tuple[int, Any, Any]] = []
        sys.stdout.flush()  # a forked process flushes its copy of the buffers when it ends
        sys.stderr.flush()
        try:
            for shard in range(1, split.count):
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
