"""A seeded generated ledger is stored byte for byte as pinned: what the write path records
(event order, versions, topics, encoded state) does not change when it is made faster."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import eventsourcing.domain

from qdledger.audit.verify import verify_ledger
from qdledger.bench import generate as gen
from qdledger.bench.part_grants import GRANTS
from qdledger.ledger.application import Ledger

SCALE = gen.Scale(events=6000, enterprises=60, seed=20250101, batch=400)
PINNED = {"sql": "5beb25e920080cb972e2a6534e15a41e0be186768ebd31dfa705824590a2b07a",
          "memory": "6948cd9572a10d8cb9c19a77466d96afa6698d1e0faaa521623f764220ea4f00"}
"""sha256 over every stored event of SCALE in notification order (grants only, clock frozen).
It changes only when grant events, the grant policies or the generator change on purpose. In
memory, aggregates are read one by one, so a batch saves them in another (equally valid) order."""


class Clock:
    """Recording times one microsecond apart from a fixed start: the stored bytes repeat run to run."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now


def stored_digest(ledger: Ledger) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for page in _pages(ledger):
        for n in page:
            digest.update(f"{n.originator_id.hex}|{n.originator_version}|{n.topic}|{len(n.state)}|".encode())
            digest.update(n.state)
            count += 1
    return count, digest.hexdigest()


def _pages(ledger: Ledger):
    position = 1
    while True:
        page = ledger.recorder.select_notifications(start=position, limit=1000)
        yield page
        if len(page) < 1000:
            return
        position = page[-1].id + 1


def test_generated_ledger_is_stored_as_pinned(ledger, monkeypatch):
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", Clock())
    monkeypatch.setattr(gen, "PARTS", [GRANTS])
    stats = gen.generate(ledger, SCALE, progress=False)
    count, digest = stored_digest(ledger)
    assert count == stats.events
    report = verify_ledger(ledger)
    assert report.ok and report.events == count and report.sealed == 0  # every save sealed its own events
    kind = "memory" if type(ledger.recorder).__module__.endswith("popo") else "sql"
    assert digest == PINNED[kind]
