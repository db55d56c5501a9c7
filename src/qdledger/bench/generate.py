"""Generate a realistic ledger through the real application, in large all-or-nothing batches.

Every party is registered first; then each part of ``PARTS`` plans each party's history (grants,
and whatever capabilities add) and the commands run party after party, as a bulk import would:
a party split across two batches is read back from storage by the second. Seeded: the same
scale and seed give the same ledger.

    python -m qdledger.bench.generate --ledger big.db --events 1000000 --enterprises 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from random import Random

from qdledger.bench.parties import FIRST_TAIL, Party, event_budgets, make_party
from qdledger.bench.parts import PARTS
from qdledger.bench.plan import Planned
from qdledger.enterprises import register
from qdledger.ledger.application import BatchRefused, Command, Context, Ledger

REGISTRATION_EVENTS = 3  # the party, its id handle, its credit-code handle
SAMPLES = 64
Check = Callable[[Party, Command], None]
ACTORS = tuple(Context(actor=f"officer{n:02d}", reference="BENCH") for n in range(1, 6))


@dataclass(frozen=True)
class Scale:
    events: int = 1_000_000
    enterprises: int = 10_000
    seed: int = 20250101
    batch: int = 5_000
    """Commands per batch (one transaction each)."""

    @property
    def long_tail(self) -> int:
        """Parties with 1,000+ events: one per 2,000 parties, at least one."""
        return max(1, self.enterprises // 2000) if self.events >= self.enterprises * REGISTRATION_EVENTS + FIRST_TAIL else 0


@dataclass
class Stats:
    events: int = 0
    commands: int = 0
    batches: int = 0
    refusals: int = 0
    """Commands the application refused: always 0 for a valid history (a refusal stops the run)."""
    seconds_in_batches: float = 0.0
    """Wall time in the batches; with several writer processes, from the first one starting to
    append to the last batch saved (their planning between batches included)."""
    cpu_in_batches: float = 0.0
    """CPU time in the batches, summed over the writer processes."""
    seconds_total: float = 0.0
    cpu_total: float = 0.0
    """CPU of the whole run, planning included, summed over every process that took part."""
    workers: int = 1
    """Writer processes that appended."""
    retries: int = 0
    """Batches decided again because a save met a conflict or a lock it could not wait out: ~0."""
    long_tail: list[str] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)
    """Ids created of each kind ("grant", "position" …), the first of each party's, for benchmarks to use."""

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds_in_batches if self.seconds_in_batches else 0.0


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line every tenth otherwise."""

    def __init__(self, total: int, stream=sys.stderr, enabled: bool = True) -> None:
        self.total, self.stream, self.enabled = max(1, total), stream, enabled
        self.started = time.perf_counter()
        self.tty = stream.isatty()
        self.last_tenth = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        share = min(1.0, done / self.total)
        rate = done / max(1e-9, time.perf_counter() - self.started)
        bar = "#" * int(share * 30)
        line = f"[{bar:<30}] {share:6.1%} {done:>10,} / ~{self.total:,} events  {rate:,.0f} events/s"
        if self.tty:
            self.stream.write("\r" + line)
        elif int(share * 10) > self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")


def plan_party(party: Party, seed: int) -> list[Planned]:
    """Every part's commands for one party, in business-date order (stable: ties keep plan order).
    Each part gets its share of the budget the parts before it left, so what one part does not
    spend goes to the parts after it."""
    rng = Random(seed * 1_000_003 + int(party.key[1:]))
    planned: list[Planned] = []
    for i, part in enumerate(PARTS):
        left = max(0, party.budget - sum(item.events for item in planned))
        shares = sum(p.share for p in PARTS[i:])
        planned += part.plan(party, rng, left * part.share // shares if shares else 0, list(planned))
    planned.sort(key=lambda item: item.day)
    return planned


def parties_for(scale: Scale) -> list[Party]:
    rng = Random(scale.seed)
    budgets = event_budgets(rng, scale.enterprises, scale.events, REGISTRATION_EVENTS, scale.long_tail)
    return [make_party(i + 1, rng, budget, long_tail=i < scale.long_tail) for i, budget in enumerate(budgets)]


Step = tuple[Command, int, Context]
"""One command to run, the events it records, and who records it."""


def actor(ordinal: int, batch: int) -> Context:
    """Who records the command at ``ordinal`` in its stream: the officers take turns within a batch
    (as one process cuts the stream into batches, so that several processes name the same ones)."""
    return ACTORS[ordinal % batch % len(ACTORS)]


def registrations(parties: list[Party], scale: Scale, check: Check | None = None,
                  ordinals: list[int] | None = None) -> Iterator[Step]:
    """Each party's registration; ``ordinals``: each party's place in the whole stream, if not 0, 1, 2 …"""
    for n, party in enumerate(parties):
        command = register(key=party.key, name=party.name, credit_code=party.credit_code, district=party.district,
                           day=party.registered_on)
        if check:
            check(party, command)
        yield command, REGISTRATION_EVENTS, actor(ordinals[n] if ordinals else n, scale.batch)


def histories(parties: list[Party], scale: Scale, stats: Stats, check: Check | None = None,
              ordinals: list[int] | None = None) -> Iterator[Step]:
    """Each party's planned commands in date order, party after party (planned as they are due);
    ``ordinals``: where each party's first command stands in the whole stream, if parties are left out."""
    ordinal = 0
    for n, party in enumerate(parties):
        sampled: set[str] = set()
        ordinal = ordinals[n] if ordinals else ordinal
        for item in plan_party(party, scale.seed):
            if item.creates and item.creates[0] not in sampled:
                sampled.add(item.creates[0])
                kept = stats.samples.setdefault(item.creates[0], [])
                if len(kept) < SAMPLES:
                    kept.append(item.creates[1])
            command = item.command()
            if check:
                check(party, command)
            yield command, item.events, actor(ordinal, scale.batch)
            ordinal += 1


def generate(ledger: Ledger, scale: Scale, *, progress: bool = True,
             on_batch: Callable[[Stats], None] | None = None, workers: int = 1) -> Stats:
    """Build the ledger; return how many events were recorded and how long the batches took.

    ``workers`` > 1 splits the parties into that many groups, each appended by a process of its own
    (see ``qdledger.bench.workers``); 1 appends everything here, in one fixed order."""
    if workers > 1 and shareable(ledger):
        from qdledger.bench.workers import generate_in_processes

        return generate_in_processes(ledger, scale, workers, progress=progress, on_batch=on_batch)
    started, cpu = time.perf_counter(), time.process_time()
    parties = parties_for(scale)
    stats = Stats(long_tail=[p.key for p in parties if p.long_tail])
    bar = Progress(expected_events(parties), enabled=progress)
    first, retries = ledger.recorder.max_notification_id() or 0, ledger.retries

    def after_batch(stats: Stats) -> None:
        stats.events = (ledger.recorder.max_notification_id() or 0) - first
        bar.update(stats.events)
        if on_batch:
            on_batch(stats)

    append(ledger, parties, scale, stats, after_batch)
    bar.close()
    stats.retries = ledger.retries - retries
    stats.seconds_total, stats.cpu_total = time.perf_counter() - started, time.process_time() - cpu
    return stats


def append(ledger: Ledger, parties: list[Party], scale: Scale, stats: Stats, after_batch: Callable[[Stats], None],
           check: Check | None = None, ordinals: tuple[list[int], list[int]] | None = None) -> None:
    """Register the parties, then run their histories, in batches of ``scale.batch`` commands;
    ``check(party, command)`` sees each command first; ``ordinals``: where each party's
    registration and first history command stand among all parties' (when some are left out)."""
    registered, planned = ordinals or (None, None)
    for stream in (registrations(parties, scale, check, registered), histories(parties, scale, stats, check, planned)):
        for batch in batches(stream, scale.batch):
            run_batch(ledger, batch, stats)
            after_batch(stats)


def expected_events(parties: list[Party]) -> int:
    return sum(p.budget for p in parties) + REGISTRATION_EVENTS * len(parties)


def shareable(ledger: Ledger) -> bool:
    """Whether other processes can open the same ledger: a file or a server, not memory."""
    module = ledger.env.get("PERSISTENCE_MODULE", "")
    return module == "eventsourcing.postgres" or (
        module == "eventsourcing.sqlite" and ":memory:" not in ledger.env.get("SQLITE_DBNAME", ":memory:")
        and "mode=memory" not in ledger.env.get("SQLITE_DBNAME", ""))


class GeneratorRefused(RuntimeError):
    """The application refused a generated command: the generator planned an invalid history."""

    @classmethod
    def of(cls, batch: int, commands: list[Command], refused: BatchRefused) -> GeneratorRefused:
        index, error = refused.problems[0]
        command = commands[index]
        return cls(f"batch {batch}: {len(refused.problems)} generated command(s) refused; the first, "
                   f"{command.name} {command.args}: {error.as_dict()}")


def batches(stream: Iterator[Step], size: int) -> Iterator[list[tuple[Context, Command]]]:
    batch: list[tuple[Context, Command]] = []
    for command, _events, ctx in stream:
        batch.append((ctx, command))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_batch(ledger: Ledger, items: list[tuple[Context, Command]], stats: Stats) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        ledger.execute_batch(items, results=False)
    except BatchRefused as refused:
        stats.refusals += len(refused.problems)
        raise GeneratorRefused.of(stats.batches + 1, [command for _, command in items], refused) from refused
    stats.seconds_in_batches += time.perf_counter() - wall
    stats.cpu_in_batches += time.process_time() - cpu
    stats.commands += len(items)
    stats.batches += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", required=True, help="a new SQLite file or a postgresql:// URL")
    parser.add_argument("--events", type=int, default=Scale.events, help="about how many events in all")
    parser.add_argument("--enterprises", type=int, default=None, help="parties (default: events / 100, at most 10,000)")
    parser.add_argument("--seed", type=int, default=Scale.seed)
    parser.add_argument("--batch", type=int, default=Scale.batch, help="commands per batch")
    parser.add_argument("--workers", type=int, default=None,
                        help="writer processes, each with its own parties (default: the CPUs, at most 4; "
                             "1 appends in this process, in one fixed order)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    from qdledger.bench.workers import default_workers
    from qdledger.ledger.storage import open_ledger

    scale = Scale(events=args.events, enterprises=args.enterprises or default_enterprises(args.events),
                  seed=args.seed, batch=args.batch)
    ledger = open_ledger(args.ledger)
    try:
        stats = generate(ledger, scale, progress=not args.quiet, workers=max(1, args.workers or default_workers()))
    finally:
        ledger.close()
    print(f"{stats.events:,} events, {stats.commands:,} commands in {stats.batches} batches by "
          f"{stats.workers} process{'es' if stats.workers > 1 else ''}; "
          f"{stats.events_per_second:,.0f} events/s in batches ({stats.events / max(stats.cpu_in_batches, 1e-9):,.0f} per CPU second); "
          f"{stats.seconds_total:.1f} s, {stats.cpu_total:.1f} CPU-s in all; {stats.retries} retried; "
          f"long tail: {', '.join(stats.long_tail) or '-'}")
    return 0


def default_enterprises(events: int) -> int:
    return max(10, min(10_000, events // 100))


if __name__ == "__main__":
    raise SystemExit(main())
