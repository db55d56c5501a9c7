"""Quotas that span parties (per district, per year, per program): one aggregate per counter.

A claim that takes a place is saved in the same transaction as the quota aggregate, so two
officers in two districts' offices can never both take the last place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate

from qdledger.ledger.events import LedgerEvent
from qdledger.ledger.handles import aggregate_id


class QuotaCounter(Aggregate):
    """The places taken under one quota rule in one scope (e.g. 应用场景示范 in 崂山区)."""

    class Opened(Aggregate.Created):
        key: str

        def apply(self, counter: QuotaCounter) -> None:
            counter.key = self.key
            counter.taken = []

    class PlaceTaken(LedgerEvent):
        quota_key: str
        claim_id: str
        enterprise: str
        program: str

        def apply(self, counter: QuotaCounter) -> None:
            counter.taken.append((self.business_date, self.claim_id, self.enterprise, self.program))

        def entity_keys(self) -> tuple[str, ...]:
            return (f"quota:{self.quota_key}", f"claim:{self.claim_id}")

    @classmethod
    def open(cls, key: str) -> QuotaCounter:
        return cls._create(cls.Opened, id=aggregate_id("quota", key), key=key)

    def used(self, as_of: date | None = None) -> int:
        return sum(1 for day, *_ in self.taken if as_of is None or day <= as_of)


def counter(uow: Any, key: str) -> QuotaCounter:
    """The counter for ``key`` in this unit of work, opened on first use."""
    return uow.get("quota", key) or uow.add(QuotaCounter.open(key))
