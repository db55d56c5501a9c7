"""``verify``: recompute the chain, replay every aggregate, re-check every invariant, match a digest.

What it can and cannot see (docs/decisions/0002-tamper-evident-chain.md says more): an edit of any
byte of a sealed event, a deleted, inserted or reordered event all break the recomputed chain at
the first position concerned, which verify names. Someone who rewrites the chain table as well
can make the ledger consistent with itself again; only a digest kept outside the system exposes
that, which is why ``qdledger digest`` exists and ``verify --digest`` checks one.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from qdledger.audit import checks as registry
from qdledger.audit.chain import GENESIS, links, seal
from qdledger.audit.checks import Part, Problem, Replayed, ledger_problems, part_of
from qdledger.audit.decode import Decoder, collector_paused
from qdledger.audit.rows import EventStore, Link, Row, event_store
from qdledger.audit.shards import Range, Split, Workers, worker_count
from qdledger.i18n import Text
from qdledger.ledger.events import LedgerEvent

MAX_LISTED = 100
Progress = Callable[[int], None]


@dataclass
class Report:
    """The outcome of one verification; ``ok`` only when no check found anything."""

    position: int = 0
    head: bytes = GENESIS
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    digest_matched: bool | None = None
    sealed: int = 0
    aggregates: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.counts[problem.check] = self.counts.get(problem.check, 0) + 1

    def first_bad_position(self) -> int | None:
        positions = [p.position for p in self.problems if p.position is not None]
        return min(positions) if positions else None

    def as_dict(self) -> dict[str, Any]:
        names = ["chain", "replay", "postings_balance", *(c.__name__ for cs in registry.EVENT_CHECKS.values() for c in cs),
                 *(c.name for c in registry.LEDGER_CHECKS)]
        if self.digest_matched is not None:
            names.append("digest")
        names += [p.check for p in self.problems]
        return {
            "ok": self.ok, "first_bad_position": self.first_bad_position(),
            "position": self.position, "digest": self.head.hex(), "events": self.events,
            "aggregates": self.aggregates, "digest_matched": self.digest_matched, "sealed": self.sealed,
            "checks": [{"name": n, "problems": self.counts.get(n, 0)} for n in dict.fromkeys(names)],
            "problems": [p.as_dict() for p in sorted(self.problems, key=_order)[:MAX_LISTED]],
            "problem_count": len(self.problems),
        }


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.position if problem.position is not None else 1 << 62, problem.check)


def verify_ledger(ledger: Any, digest: tuple[int | None, str] | None = None, progress: Progress | None = None,
                  replay: bool = True, workers: int | None = None) -> Report:
    """Verify the ledger as stored now; on a clean result, extend the kept chain over unsealed events.

    The replay is split by aggregate over ``workers`` processes (by default two on a large ledger
    where two cores are free): each further process reads and replays only its shard's rows while
    this one recomputes the chain over all rows and replays shard 0. The report is the same."""
    store = event_store(ledger)
    try:
        sealed = store.last_link()
        end = max(store.last_position(), sealed[0] if sealed else 0)  # later saves are not this run's
        decoder = Decoder(ledger) if replay else None
        split = Split.among(worker_count(end, workers) if replay else 1, store.chain_share)
        shards = _started(split, lambda shard: replay_shard(store, decoder, end, split.range(shard)))
        with shards or nullcontext():
            report = verify_rows(store.pages(0, end), _kept_upto(store, end), decoder, digest, progress, shards)
        if report.ok:
            report.sealed = seal(ledger, store)
        return report
    finally:
        store.close()


def _kept_upto(store: EventStore, end: int) -> Iterator[Link]:
    """The kept links in order, up to ``end`` (links sealed by a save during this run are not its)."""
    for page in store.links():
        if page[-1][0] <= end:
            yield from page
        else:
            yield from (link for link in page if link[0] <= end)
            return


def _started(split: Split, work: Callable[[int], Any]) -> Workers | None:
    """The other shards' processes, started; None to replay everything here, as when one process
    is wanted or none can be forked now (too many processes, too little memory)."""
    if split.count == 1:
        return None
    try:
        return Workers(split, work)
    except OSError:
        return None


def replay_shard(store: EventStore, decoder: Decoder | None, end: int, keys: Range) -> tuple[list[Problem], Part]:
    """Replay and re-check one shard's aggregates (in a process of its own): the problems found on
    the way, in position order, and what the ledger checks need from the shard."""
    assert decoder is not None
    own = store.reopened()
    report, replayed = Report(), Replayed()
    replay = Replayer(decoder, replayed, report)
    try:
        with collector_paused():
            for page in own.pages(0, end, shard=keys):
                for row in page:
                    replay(row)
            return report.problems, part_of(replayed)
    finally:
        own.close()


def verify_rows(pages: Iterable[list[Row]], kept: Iterable[Link], decoder: Decoder | None,
                digest: tuple[int | None, str] | None = None, progress: Progress | None = None,
                shards: Workers | None = None) -> Report:
    """The whole check over rows in position order and the links kept for them; with ``shards``
    this process replays only shard 0 and takes the other shards' results from them."""
    report = Report()
    replayed = Replayed()
    chain = ChainComparison(iter(kept), report)
    wanted = DigestMatch(digest) if digest else None
    replay: Callable[[Row], None] | None = Replayer(decoder, replayed, report) if decoder is not None else None
    if replay is not None and shards is not None:
        replay = ShardFilter(replay, shards.split)
    previous = GENESIS
    with collector_paused():
        for page in pages:
            compare = chain.compare
            for (position, computed), row in zip(links(page, previous), page):
                compare(position, computed)
                if wanted:
                    wanted.see(position, computed)
                if replay:
                    replay(row)
                previous = computed
            report.events += len(page)
            report.position = page[-1][0]
            if progress:
                progress(len(page))
    chain.finish()
    report.head = previous
    if decoder is not None:
        parts = [part_of(replayed)]
        if shards is not None:
            _merge(report, shards.results(), parts)
        report.aggregates = sum(part.aggregates for part in parts)
        for problem in ledger_problems(parts):
            report.add(problem)
    if wanted:
        report.digest_matched = wanted.matched()
        if not report.digest_matched:
            report.add(wanted.problem(report.position))
    return report


def _merge(report: Report, results: list[tuple[list[Problem], Part]], parts: list[Part]) -> None:
    """The other shards' problems into position order among this one's; their parts after it."""
    for problems, part in results:
        for problem in problems:
            report.counts[problem.check] = report.counts.get(problem.check, 0) + 1
        parts.append(part)
    report.problems = list(heapq.merge(report.problems, *(problems for problems, _ in results), key=_order))


class ShardFilter:
    """Passes on the rows of shard 0's aggregates only (the other shards are other processes')."""

    def __init__(self, replay: Callable[[Row], None], split: Split) -> None:
        self.replay, self.split = replay, split
        self.mine: dict[str, bool] = {}

    def __call__(self, row: Row) -> None:
        oid = row[1]
        mine = self.mine.get(oid)
        if mine is None:
            mine = self.mine[oid] = self.split.of(oid) == 0
        if mine:
            self.replay(row)


class ChainComparison:
    """Walks the kept links beside the recomputed ones; records the first position they part."""

    def __init__(self, kept: Iterator[Link], report: Report) -> None:
        self.kept, self.report = kept, report
        self.next: Link | None = next(self.kept, None)
        self.broken = False

    def compare(self, position: int, computed: bytes) -> None:
        kept = self.next
        if kept is not None and kept[0] == position and kept[1] == computed and not self.broken:
            self.next = next(self.kept, None)  # the common case: as sealed
            return
        if self.broken:
            return
        if self.next is not None and self.next[0] < position:
            return self._break(self.next[0], Text(f"位置 {self.next[0]} 的事件已不存在（已封存）",
                                                  f"the sealed event at position {self.next[0]} is missing"))
        if self.next is None:
            return  # past the sealed part: this event is checked by replay and sealed after a clean run
        if self.next[0] > position:
            return self._break(position, Text(f"位置 {position} 出现了未封存的事件", f"an event appeared at position {position}, inside the sealed part"))
        if self.next[1] != computed:
            return self._break(position, Text(f"位置 {position} 的事件与封存时不符（内容、顺序或之前的事件被改动）",
                                              f"the event at position {position} differs from what was sealed (its content, order or an earlier event was changed)"))
        self.next = next(self.kept, None)

    def finish(self) -> None:
        if not self.broken and self.next is not None:
            self._break(self.next[0], Text(f"位置 {self.next[0]} 起的已封存事件已不存在", f"sealed events from position {self.next[0]} on are missing"))

    def _break(self, position: int, message: Text) -> None:
        self.broken = True
        self.report.add(Problem("chain", message, position))


class DigestMatch:
    """Looks for the auditor's digest among the recomputed links (at its position, when given)."""

    def __init__(self, digest: tuple[int | None, str]) -> None:
        self.position, self.value = digest
        self.target = bytes.fromhex(self.value)
        self.found = False

    def see(self, position: int, computed: bytes) -> None:
        if computed == self.target and (self.position is None or self.position == position):
            self.found = True

    def matched(self) -> bool:
        return self.found

    def problem(self, last: int) -> Problem:
        where = f"{self.position}:" if self.position is not None else ""
        if self.position is not None and self.position > last:
            message = Text(f"摘要 {where}{self.value[:12]}… 所在位置超出账本末尾 {last}：之后的事件已被删除或这是另一账本",
                           f"digest {where}{self.value[:12]}… lies beyond the ledger's end at {last}: later events were removed, or it is another ledger's")
        else:
            message = Text(f"摘要 {where}{self.value[:12]}… 与本账本的历史不符：历史被改写，或摘要来自另一账本",
                           f"digest {where}{self.value[:12]}… does not match this ledger's history: it was rewritten, or the digest is another ledger's")
        return Problem("digest", message, None)


class Replayer:
    """Replays every stored event onto its aggregate, re-checking each fact on the way.

    What each event class needs (its re-checks, whether it posts) is looked up once per class,
    not once per event."""

    def __init__(self, decoder: Decoder, replayed: Replayed, report: Report) -> None:
        self.decode, self.replayed, self.report = decoder, replayed, report
        self.kinds: dict[type, tuple[list[Any], bool]] = {}

    def __call__(self, row: Row) -> None:
        position = row[0]
        report = self.report
        try:
            event = self.decode(row)
        except Exception as error:
            report.add(Problem("replay", Text(f"位置 {position} 的事件无法解码：{error}", f"the event at position {position} cannot be decoded: {error}"), position))
            return
        cls = type(event)
        kind = self.kinds.get(cls)
        if kind is None:
            kind = self.kinds[cls] = (registry.EVENT_CHECKS.get(cls, []), issubclass(cls, LedgerEvent))
        event_checks, posts = kind
        aggregates = self.replayed.aggregates
        oid = row[1]  # the id as stored: a string hashes faster than a UUID
        before = aggregates.get(oid)
        if event_checks and before is not None:
            for check in event_checks:
                for message in check(before, event):
                    report.add(Problem(check.__name__, message, position, _entity(event)))
        try:
            aggregates[oid] = event.mutate(before)
        except Exception as error:
            report.add(Problem("replay", Text(f"位置 {position} 的事件无法重放：{type(error).__name__}: {error}",
                                              f"the event at position {position} does not replay: {type(error).__name__}: {error}"), position))
            return
        if before is None:
            self.replayed.first_position.setdefault(oid, position)
        self.replayed.last_position[oid] = position
        if posts:
            balances = self.replayed.balances
            total = 0
            for account, fen in event.postings():
                balances[account] = balances.get(account, 0) + fen
                total += fen
            if total:
                report.add(Problem("postings_balance", Text(f"位置 {position} 的分录不平衡（差 {total} 分）",
                                                            f"the postings of the event at position {position} do not balance (off by {total} fen)"), position))


def _entity(event: Any) -> str | None:
    keys = event.entity_keys() if isinstance(event, LedgerEvent) else ()
    return keys[0] if keys else None
