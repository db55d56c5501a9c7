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
    cpu_in_batches: float = 0.0
    seconds_total: float = 0.0
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


def registrations(parties: list[Party]) -> Iterator[tuple[Command, int]]:
    for party in parties:
        yield register(key=party.key, name=party.name, credit_code=party.credit_code, district=party.district,
                       day=party.registered_on), REGISTRATION_EVENTS


def histories(parties: list[Party], scale: Scale, stats: Stats) -> Iterator[tuple[Command, int]]:
    """Each party's planned commands in date order, party after party (planned as they are due)."""
    for party in parties:
        sampled: set[str] = set()
        for item in plan_party(party, scale.seed):
            if item.creates and item.creates[0] not in sampled:
                sampled.add(item.creates[0])
                kept = stats.samples.setdefault(item.creates[0], [])
                if len(kept) < SAMPLES:
                    kept.append(item.creates[1])
            yield item.command(), item.events


def generate(ledger: Ledger, scale: Scale, *, progress: bool = True,
             on_batch: Callable[[Stats], None] | None = None) -> Stats:
    """Build the ledger; return how many events were recorded and how long the batches took."""
    started = time.perf_counter()
    parties = parties_for(scale)
    stats = Stats(long_tail=[p.key for p in parties if p.long_tail])
    expected = sum(p.budget for p in parties) + REGISTRATION_EVENTS * len(parties)
    bar = Progress(expected, enabled=progress)
    first = ledger.recorder.max_notification_id() or 0
    for stream in (registrations(parties), histories(parties, scale, stats)):
        for batch in batches(stream, scale.batch):
            run_batch(ledger, batch, stats)
            stats.events = (ledger.recorder.max_notification_id() or 0) - first
            bar.update(stats.events)
            if on_batch:
                on_batch(stats)
    bar.close()
    stats.seconds_total = time.perf_counter() - started
    return stats


class GeneratorRefused(RuntimeError):
    """The application refused a generated command: the generator planned an invalid history."""

    def __init__(self, batch: int, commands: list[Command], refused: BatchRefused) -> None:
        index, error = refused.problems[0]
        command = commands[index]
        super().__init__(f"batch {batch}: {len(refused.problems)} generated command(s) refused; the first, "
                         f"{command.name} {command.args}: {error.as_dict()}")
        self.refused = refused


def batches(stream: Iterator[tuple[Command, int]], size: int) -> Iterator[list[Command]]:
    batch: list[Command] = []
    for command, _events in stream:
        batch.append(command)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_batch(ledger: Ledger, commands: list[Command], stats: Stats) -> None:
    items = [(ACTORS[i % len(ACTORS)], command) for i, command in enumerate(commands)]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        ledger.execute_batch(items, results=False)
    except BatchRefused as refused:
        stats.refusals += len(refused.problems)
        raise GeneratorRefused(stats.batches + 1, commands, refused) from refused
    stats.seconds_in_batches += time.perf_counter() - wall
    stats.cpu_in_batches += time.process_time() - cpu
    stats.commands += len(commands)
    stats.batches += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", required=True, help="a new SQLite file or a postgresql:// URL")
    parser.add_argument("--events", type=int, default=Scale.events, help="about how many events in all")
    parser.add_argument("--enterprises", type=int, default=None, help="parties (default: events / 100, at most 10,000)")
    parser.add_argument("--seed", type=int, default=Scale.seed)
    parser.add_argument("--batch", type=int, default=Scale.batch, help="commands per batch")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    from qdledger.ledger.storage import open_ledger

    scale = Scale(events=args.events, enterprises=args.enterprises or default_enterprises(args.events),
                  seed=args.seed, batch=args.batch)
    ledger = open_ledger(args.ledger)
    try:
        stats = generate(ledger, scale, progress=not args.quiet)
    finally:
        ledger.close()
    print(f"{stats.events:,} events, {stats.commands:,} commands in {stats.batches} batches; "
          f"{stats.events_per_second:,.0f} events/s in batches ({stats.events / max(stats.cpu_in_batches, 1e-9):,.0f} per CPU second); "
          f"{stats.seconds_total:.1f} s in all; "
          f"long tail: {', '.join(stats.long_tail) or '-'}")
    return 0


def default_enterprises(events: int) -> int:
    return max(10, min(10_000, events // 100))


if __name__ == "__main__":
    raise SystemExit(main())
