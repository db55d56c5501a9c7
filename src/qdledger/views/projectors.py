"""How each fact changes the read models: one generic projector for every event (events,
postings, trial balance, party figures) and projectors keyed by event class for the rest."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from qdledger.audit.figures import FIGURES, measure_of
from qdledger.equity.events import DividendReceived, EquityAwardRecorded, EquityExited, EquityInvested
from qdledger.grants.events import GrantAwarded, MilestoneRecorded, TrancheReleased
from qdledger.integrity.events import (CreditRepaired, IntegrityCaseOpened, IntegrityDecisionRecorded,
                                       IntegrityReviewRecorded, RecoveryOrdered, RecoveryRepaid, RecoveryReversed)
from qdledger.subsidies.events import SubsidyClaimed, SubsidyPaid
from qdledger.ledger.accounts import CHART
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.events import LedgerEvent
from qdledger.money import percent
from qdledger.views.batch import Batch


EVENT_COLUMNS = ("position", "aggregate_id", "version", "type", "topic", "party", "entities", "business_date",
                 "recorded_at", "actor", "reference", "state")
POSTING_COLUMNS = ("rowid", "position", "line", "account", "fen", "business_date", "party", "entity")
LINE_BITS = 20
"""A posting's rowid is its position shifted by these bits plus its line, so the table reads in the
log's order whichever order its rows are written in (a rebuild in parts writes them part by part)."""


class Projection:
    """What a projector sees: the event's position and party, and the batch to write to.

    Postings are summed per page (trial balance and party figures) and written as a few
    additions when the page ends, since a page holds many postings to the same accounts."""

    def __init__(self, batch: Batch, parties: dict[str, str]) -> None:
        self.batch = batch
        self.parties = parties  # aggregate id hex → party id
        self.position = 0
        self.party: str | None = None
        self.recorded_at = ""  # the event's recording time, ISO, formatted once
        self.events = batch.rows("events", EVENT_COLUMNS)
        self.postings = batch.rows("postings", POSTING_COLUMNS)
        self.accounts: dict[str, list[int]] = {}  # account → [debits, credits]
        self.figures: dict[tuple[str, str], int] = {}  # (party, column) → fen
        self.feeds = {account: [(f"{figure.name}_fen", measure) for figure in FIGURES for fed, measure in figure.lines
                                if fed == account] for figure in FIGURES for account, _ in figure.lines}

    def finish(self) -> None:
        """Turn the page's sums into additions on the batch."""
        for account, (debit, credit) in self.accounts.items():
            self.batch.add("trial_balance", account, debit_fen=debit, credit_fen=credit, balance_fen=debit - credit)
            text = CHART.get(account)
            if text is not None:
                self.batch.set("trial_balance", account, label_zh=text.zh, label_en=text.en)
        for (party, column), fen in self.figures.items():
            self.batch.add("enterprises", party, **{column: fen})


Projector = Callable[[Any, Projection], None]
PROJECTORS: dict[type, list[Projector]] = {}
"""Per event class (subclasses included): projectors run after the generic one."""


def projects(*classes: type) -> Callable[[Projector], Projector]:
    def register(function: Projector) -> Projector:
        for cls in classes:
            PROJECTORS.setdefault(cls, []).append(function)
        return function
    return register


Kind = tuple[bool, bool, str, list[Projector]]
"""What the generic projector needs of an event class: registers a party, is a ledger fact, its
name in the events table, and its own projectors."""
_kinds: dict[type, Kind] = {}


def kind_of(cls: type) -> Kind:
    found = _kinds.get(cls)
    if found is None:
        ledger_fact = issubclass(cls, LedgerEvent)
        found = _kinds[cls] = (issubclass(cls, Enterprise.Registered), ledger_fact,
                               cls.__name__ if ledger_fact else cls.__qualname__,
                               [p for klass in reversed(cls.__mro__) for p in PROJECTORS.get(klass, [])])
    return found


def project(event: Any, view: Projection, raw_state: bytes, topic: str, oid: str | None = None) -> None:
    """The generic part every event gets, then the projectors of its class (``oid``: the
    aggregate id as 32 hex digits, when the caller has it already)."""
    registers, ledger_fact, name, projectors = kind_of(type(event))
    if oid is None:
        oid = event.originator_id.hex
    if registers:
        view.parties[oid] = event.key
    party = view.party = view.parties.get(oid)
    state = raw_state.decode("utf-8", "replace")
    recorded = view.recorded_at = event.timestamp.isoformat()
    if ledger_fact:
        entities = event.entity_keys()
        day = event.business_date.isoformat()
        view.events.append((view.position, oid, event.originator_version, name, topic, party,
                            ",".join(entities), day, recorded, event.actor, event.reference, state))
        _post(event, view, entities[0] if entities else None, day)
    else:
        view.events.append((view.position, oid, event.originator_version, name, topic, party, "",
                            None, recorded, None, None, state))
    for projector in projectors:
        projector(event, view)


def _post(event: LedgerEvent, view: Projection, entity: str | None, day: str) -> None:
    accounts, feeds, party = view.accounts, view.feeds, view.party
    for line, (account, fen) in enumerate(event.postings()):
        view.postings.append(((view.position << LINE_BITS) + line, view.position, line, account, fen, day, party, entity))
        sums = accounts.get(account)
        if sums is None:
            sums = accounts[account] = [0, 0]
        debit, credit = (fen, 0) if fen >= 0 else (0, -fen)
        sums[0] += debit
        sums[1] += credit
        if party is not None and account in feeds:
            for column, measure in feeds[account]:
                key = (party, column)
                view.figures[key] = view.figures.get(key, 0) + measure_of(measure, debit, credit)


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


TRANCHE_COLUMNS = ("position", "grant_id", "enterprise", "business_date", "amount_fen", "stage", "recorded_at",
                   "actor", "reference")


@projects(TrancheReleased)
def tranche_released(event: TrancheReleased, view: Projection) -> None:
    view.batch.rows("tranches", TRANCHE_COLUMNS).append((
        view.position, event.grant_id, view.party, event.business_date.isoformat(), event.amount, event.stage,
        view.recorded_at, event.actor, event.reference))
    view.batch.add("grants", event.grant_id, disbursed_fen=event.amount, releases=1)


@projects(MilestoneRecorded)
def milestone_recorded(event: MilestoneRecorded, view: Projection) -> None:
    view.batch.set("grants", event.grant_id, **{event.milestone: f"{event.result} {event.business_date.isoformat()}"})


@projects(EquityInvested)
def equity_invested(event: EquityInvested, view: Projection) -> None:
    view.batch.insert("positions", {"id": event.position_id, "enterprise": view.party, "principal_fen": event.principal,
                                    "stake": percent(Fraction(event.stake)), "term_years": event.term_years,
                                    "invested_on": event.business_date.isoformat(), "source": event.source,
                                    "project": event.project, "awards": 0, "dividends_fen": 0})


@projects(EquityAwardRecorded)
def equity_award(event: EquityAwardRecorded, view: Projection) -> None:
    view.batch.add("positions", event.position_id, awards=1)


@projects(DividendReceived)
def dividend(event: DividendReceived, view: Projection) -> None:
    view.batch.add("positions", event.position_id, dividends_fen=event.amount)


@projects(EquityExited)
def equity_exited(event: EquityExited, view: Projection) -> None:
    view.batch.set("positions", event.position_id, exited_on=event.business_date.isoformat(), method=event.method,
                   proceeds_fen=event.proceeds, concession_fen=event.concession, fund_receives_fen=event.fund_receives)


@projects(IntegrityCaseOpened)
def case_opened(event: IntegrityCaseOpened, view: Projection) -> None:
    view.batch.insert("integrity_cases", {"id": event.case_id, "party": view.party,
                                          "opened_on": event.business_date.isoformat(), "suspended": ",".join(event.suspended)})


@projects(IntegrityDecisionRecorded)
def case_decided(event: IntegrityDecisionRecorded, view: Projection) -> None:
    view.batch.set("integrity_cases", event.case_id, severity=event.severity, decided_on=event.business_date.isoformat(),
                   ban_until=event.ban_until.isoformat() if event.ban_until else None,
                   suspended_days=event.suspended_days, terminated=",".join(event.terminated))


@projects(CreditRepaired)
def credit_repaired(event: CreditRepaired, view: Projection) -> None:
    view.batch.set("integrity_cases", event.case_id, repaired_on=event.business_date.isoformat(),
                   ban_until=None if event.removed or not event.ban_until else event.ban_until.isoformat())


@projects(IntegrityReviewRecorded)
def case_reviewed(event: IntegrityReviewRecorded, view: Projection) -> None:
    view.batch.set("integrity_cases", event.case_id, review=f"{event.result} {event.business_date.isoformat()}")


@projects(RecoveryOrdered)
def recovery_ordered(event: RecoveryOrdered, view: Projection) -> None:
    view.batch.insert("recoveries", {"id": event.order_id, "grant_id": event.grant_id, "enterprise": view.party,
                                     "case_id": event.case_id, "basis": event.basis,
                                     "ordered_on": event.business_date.isoformat(),
                                     "due_on": event.due_on.isoformat() if event.due_on else None,
                                     "ordered_fen": event.amount, "repaid_fen": 0, "cancelled_fen": 0, "refunded_fen": 0})


@projects(RecoveryRepaid)
def recovery_repaid(event: RecoveryRepaid, view: Projection) -> None:
    for order_id, fen in event.allocations:
        view.batch.add("recoveries", order_id, repaid_fen=fen)


@projects(RecoveryReversed)
def recovery_reversed(event: RecoveryReversed, view: Projection) -> None:
    view.batch.add("recoveries", event.order_id, cancelled_fen=event.cancelled, refunded_fen=event.refunded)


@projects(SubsidyClaimed)
def subsidy_claimed(event: SubsidyClaimed, view: Projection) -> None:
    view.batch.insert("subsidies", {"id": event.claim_id, "enterprise": view.party, "program": event.program,
                                    "object": event.object_ref, "claimed_on": event.business_date.isoformat(),
                                    "entitlement_fen": event.entitlement, "payable_fen": event.payable, "paid_fen": 0,
                                    "trimmed": int(event.trimmed), "policy_version": event.policy_version})


@projects(SubsidyPaid)
def subsidy_paid(event: SubsidyPaid, view: Projection) -> None:
    view.batch.add("subsidies", event.claim_id, paid_fen=event.amount)
