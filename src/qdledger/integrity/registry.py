"""The index of every integrity case and its party, so the 异常名录 can be listed without scanning the log."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from qdledger.ledger.handles import aggregate_id

KIND, KEY = "registry", "integrity"


class CaseRegistry(Aggregate):
    """One aggregate for the whole ledger: case id → party id, in the order cases were opened."""

    class Started(Aggregate.Created):
        def apply(self, registry: CaseRegistry) -> None:
            registry.cases = {}

    class CaseListed(Aggregate.Event):
        case_id: str
        party: str

        def apply(self, registry: CaseRegistry) -> None:
            registry.cases[self.case_id] = self.party

    @classmethod
    def start(cls) -> CaseRegistry:
        return cls._create(cls.Started, id=aggregate_id(KIND, KEY))


def register_case(uow: Any, case_id: str, party: str) -> None:
    registry = uow.get(KIND, KEY) or uow.add(CaseRegistry.start())
    registry.trigger_event(CaseRegistry.CaseListed, case_id=case_id, party=party)


def all_cases(uow: Any) -> dict[str, str]:
    registry = uow.get(KIND, KEY)
    return dict(registry.cases) if registry else {}
