"""The enterprise aggregate: the consistency boundary for everything paid to one party.

Every award, release, recovery, position and subsidy of a party is decided against this one
aggregate and saved with it, so per-enterprise caps, staging ceilings and non-stacking rules
cannot be passed twice by two officers acting at once (optimistic concurrency on its version).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from qdledger.ledger.events import LedgerEvent
from qdledger.ledger.handles import aggregate_id
from qdledger.ledger.recording import create, trigger

PARTY_KINDS = ("enterprise", "institute", "university", "nri", "platform")


class Enterprise(Aggregate):
    """A registered party (企业、科研院所、高校、新型研发机构、平台) and all money facts about it."""

    class Registered(LedgerEvent, Aggregate.Created):
        """A party entered in the ledger (登记) under its own id and 统一社会信用代码."""

        key: str
        name: str
        credit_code: str
        district: str
        party_kind: str

        def apply(self, party: Enterprise) -> None:
            party.key, party.name, party.credit_code = self.key, self.name, self.credit_code
            party.district, party.party_kind = self.district, self.party_kind
            party.registered_on = self.business_date
            party.grants = {}
            party.projects = {}
            party.sections = {}

        def entity_keys(self) -> tuple[str, ...]:
            return (f"enterprise:{self.key}",)

    @classmethod
    def register(cls, *, key: str, name: str, credit_code: str, district: str, party_kind: str,
                 **envelope: Any) -> Enterprise:
        return create(cls, cls.Registered, aggregate_id("enterprise", key), dict(
            key=key, name=name, credit_code=credit_code, district=district, party_kind=party_kind, **envelope))

    def record(self, event_class: type[LedgerEvent], **fields: Any) -> None:
        """Append a fact; its ``apply`` changes state and checks nothing (decisions come first)."""
        trigger(self, event_class, fields)

    def section(self, name: str) -> dict[str, Any]:
        """A named part of the state kept by one capability (integrity, equity, subsidies …)."""
        return self.sections.setdefault(name, {})
