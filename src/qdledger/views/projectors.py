"""How each fact changes the read models: one generic projector for every event (events,
postings, trial balance, party figures) and projectors keyed by event class for the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qdledger.audit.figures import FIGURES, measure_of
from qdledger.grants.events import GrantAwarded, MilestoneRecorded, TrancheReleased
from qdledger.ledger.accounts import CHART
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.events import LedgerEvent
from qdledger.views.batch import Batch


class Projection:
    """What a projector sees: the event's position and party, and the batch to write to."""

    def __init__(self, batch: Batch, parties: dict[str, str]) -> None:
        self.batch = batch
        self.parties = parties  # aggregate id hex → party id
        self.position = 0
        self.party: str | None = None


Projector = Callable[[Any, Projection], None]
PROJECTORS: dict[type, list[Projector]] = {}
"""Per event class (subclasses included): projectors run after the generic one."""


def projects(*classes: type) -> Callable[[Projector], Projector]:
    def register(function: Projector) -> Projector:
        for cls in classes:
            PROJECTORS.setdefault(cls, []).append(function)
        return function
    return register


_resolved: dict[type, list[Projector]] = {}


def projectors_for(cls: type) -> list[Projector]:
    found = _resolved.get(cls)
    if found is None:
        found = _resolved[cls] = [p for klass in reversed(cls.__mro__) for p in PROJECTORS.get(klass, [])]
    return found


def project(event: Any, view: Projection, raw_state: bytes, topic: str) -> None:
    """The generic part every event gets, then the projectors of its class."""
    oid = event.originator_id.hex
    if isinstance(event, Enterprise.Registered):
        view.parties[oid] = event.key
    view.party = view.parties.get(oid)
    batch = view.batch
    if isinstance(event, LedgerEvent):
        entities = event.entity_keys()
        batch.insert("events", {
            "position": view.position, "aggregate_id": oid, "version": event.originator_version,
            "type": type(event).__name__, "topic": topic, "party": view.party, "entities": ",".join(entities),
            "business_date": event.business_date.isoformat(), "recorded_at": event.timestamp.isoformat(),
            "actor": event.actor, "reference": event.reference, "state": raw_state.decode("utf-8", "replace")})
        _post(event, view, entities[0] if entities else None)
    else:
        batch.insert("events", {
            "position": view.position, "aggregate_id": oid, "version": event.originator_version,
            "type": type(event).__qualname__, "topic": topic, "party": view.party, "entities": "",
            "business_date": None, "recorded_at": event.timestamp.isoformat(), "actor": None, "reference": None,
            "state": raw_state.decode("utf-8", "replace")})
    for projector in projectors_for(type(event)):
        projector(event, view)


def _post(event: LedgerEvent, view: Projection, entity: str | None) -> None:
    batch = view.batch
    day = event.business_date.isoformat()
    for line, (account, fen) in enumerate(event.postings()):
        batch.insert("postings", {"position": view.position, "line": line, "account": account, "fen": fen,
                                  "business_date": day, "party": view.party, "entity": entity})
        debit, credit = (fen, 0) if fen >= 0 else (0, -fen)
        batch.add("trial_balance", account, debit_fen=debit, credit_fen=credit, balance_fen=fen)
        if account in CHART:
            batch.set("trial_balance", account, label_zh=CHART[account].zh, label_en=CHART[account].en)
        if view.party is not None:
            for figure in FIGURES:
                for fed, measure in figure.lines:
                    if fed == account:
                        batch.add("enterprises", view.party, **{f"{figure.name}_fen": measure_of(measure, debit, credit)})


@projects(Enterprise.Registered)
def party_registered(event: Enterprise.Registered, view: Projection) -> None:
    view.batch.insert("enterprises", {"id": event.key, "aggregate_id": event.originator_id.hex, "name": event.name,
                                      "credit_code": event.credit_code, "district": event.district,
                                      "kind": event.party_kind, "registered_on": event.business_date.isoformat()})


@projects(GrantAwarded)
def grant_awarded(event: GrantAwarded, view: Projection) -> None:
    view.batch.insert("grants", {"id": event.grant_id, "enterprise": view.party, "program": event.program,
                                 "policy_version": event.policy_version, "project": event.project,
                                 "project_budget_fen": event.project_budget, "awarded_fen": event.amount,
                                 "disbursed_fen": 0, "releases": 0, "award_date": event.business_date.isoformat()})


@projects(TrancheReleased)
def tranche_released(event: TrancheReleased, view: Projection) -> None:
    view.batch.insert("tranches", {"position": view.position, "grant_id": event.grant_id, "enterprise": view.party,
                                   "business_date": event.business_date.isoformat(), "amount_fen": event.amount,
                                   "stage": event.stage, "recorded_at": event.timestamp.isoformat(),
                                   "actor": event.actor, "reference": event.reference})
    view.batch.add("grants", event.grant_id, disbursed_fen=event.amount, releases=1)


@projects(MilestoneRecorded)
def milestone_recorded(event: MilestoneRecorded, view: Projection) -> None:
    view.batch.set("grants", event.grant_id, **{event.milestone: f"{event.result} {event.business_date.isoformat()}"})
