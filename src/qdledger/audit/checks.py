"""Invariants re-checked over the whole replayed ledger, as a named list of plain functions.

Two kinds, each a registry a capability appends to:
- ``EVENT_CHECKS[EventClass]``: ``check(aggregate_before, event)`` yields messages when the fact
  could not have been decided on the state it was recorded against (re-runs the decision);
- ``LEDGER_CHECKS``: ``Check(name, description, run)`` where ``run(replayed)`` yields Problems
  over the final state (trial balance zero, disbursed ≤ awarded, recovered ≤ disbursed …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qdledger.errors import LedgerError
from qdledger.grants.events import TrancheReleased
from qdledger.grants.service import RELEASE_CHECKS
from qdledger.i18n import Text
from qdledger.ledger import accounts as acct
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.handles import Handle, aggregate_id
from qdledger.money import yuan


@dataclass(frozen=True)
class Problem:
    """One thing wrong: which check found it, where (position, entity), and what."""

    check: str
    message: Text
    position: int | None = None
    entity: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "position": self.position, "entity": self.entity, "message": self.message.render()}


@dataclass
class Replayed:
    """Every aggregate rebuilt from the stored events, with the balance of every account."""

    aggregates: dict[str, Any] = field(default_factory=dict)  # by aggregate id as 32 hex digits
    balances: dict[str, int] = field(default_factory=dict)
    last_position: dict[str, int] = field(default_factory=dict)

    def position_of(self, aggregate: Any) -> int | None:
        """Where the aggregate's last event sits in the ledger."""
        return self.last_position.get(aggregate.id.hex)
    events: int = 0

    def parties(self) -> Iterator[Enterprise]:
        return (a for a in self.aggregates.values() if isinstance(a, Enterprise))


@dataclass(frozen=True)
class Check:
    name: str
    description: Text
    run: Callable[[Replayed], Iterable[Problem]]


EventCheck = Callable[[Any, Any], Iterable[Text]]
EVENT_CHECKS: dict[type, list[EventCheck]] = {}
"""Per event class: checks of a recorded fact against the aggregate as it was just before it."""


def recheck_release(party: Enterprise, event: TrancheReleased) -> Iterator[Text]:
    """A release re-decided against the grant as recorded before it: date, blocks, ceiling as of its date."""
    grant = party.grants.get(event.grant_id)
    if grant is None:
        yield Text(f"拨付的项目 {event.grant_id} 未立项", f"release for grant {event.grant_id}, which was never awarded")
        return
    for check in RELEASE_CHECKS:
        try:
            check(grant, event.amount, event.business_date)
        except LedgerError as refusal:
            yield refusal.text


EVENT_CHECKS.setdefault(TrancheReleased, []).append(recheck_release)


def check_trial_balance(replayed: Replayed) -> Iterator[Problem]:
    total = sum(replayed.balances.values())
    if total:
        yield Problem("trial_balance", Text(f"全部分录合计 {yuan(total)}，应为 0.00", f"all postings sum to {yuan(total)}, not 0.00"))


def check_grants_within_awarded(replayed: Replayed) -> Iterator[Problem]:
    for party in replayed.parties():
        for grant in party.grants.values():
            if grant.disbursed > grant.awarded:
                yield _grant_problem("disbursed_within_awarded", replayed, party, grant.grant_id,
                                     Text(f"已拨付 {yuan(grant.disbursed)} 超过批准额 {yuan(grant.awarded)}",
                                          f"disbursed {yuan(grant.disbursed)} exceeds awarded {yuan(grant.awarded)}"))


def check_recoveries(replayed: Replayed) -> Iterator[Problem]:
    for party in replayed.parties():
        for grant in party.grants.values():
            if grant.recovered > grant.disbursed:
                yield _grant_problem("recovered_within_disbursed", replayed, party, grant.grant_id,
                                     Text(f"已追回 {yuan(grant.recovered)} 超过已拨付 {yuan(grant.disbursed)}",
                                          f"recovered {yuan(grant.recovered)} exceeds disbursed {yuan(grant.disbursed)}"))
            if grant.receivable < 0:
                yield _grant_problem("recovered_within_disbursed", replayed, party, grant.grant_id,
                                     Text(f"应收追回款为负：{yuan(grant.receivable)}", f"receivable is negative: {yuan(grant.receivable)}"))


def check_recovery_accounts(replayed: Replayed) -> Iterator[Problem]:
    """The recovery accounts hold what the grants say: receivable and cancelled orders, summed over every grant.

    Totals are read from the accounts and grant views from the grants, so a fact whose postings
    and state disagree (a cancellation posted as money received) shows up here."""
    grants = [grant for party in replayed.parties() for grant in party.grants.values()]
    for account, name, held in ((acct.RECOVERIES_RECEIVABLE, Text("应收追回款", "receivable"), sum(g.receivable for g in grants)),
                                (acct.RECOVERIES_CANCELLED, Text("已撤销追回", "cancelled"), sum(g.cancelled for g in grants))):
        posted = replayed.balances.get(account, 0)
        if posted != held:
            yield Problem("recovery_accounts", Text(f"科目 {account} 余额 {yuan(posted)}，各项目{name.zh}合计 {yuan(held)}",
                                                    f"account {account} holds {yuan(posted)}, the grants' {name.en} sum to {yuan(held)}"))


def check_ids_indexed(replayed: Replayed) -> Iterator[Problem]:
    """Every id handle sits at the id it names and points at a party that holds the thing."""
    parties = {p.key: p for p in replayed.parties()}
    for aggregate in replayed.aggregates.values():
        if not isinstance(aggregate, Handle):
            continue
        entity = f"{aggregate.kind}:{aggregate.key}"
        if aggregate.id != aggregate_id(aggregate.kind, aggregate.key):
            yield Problem("ids_indexed", Text(f"编号 {entity} 的索引位置不符", f"id handle {entity} is stored under the wrong id"),
                          replayed.position_of(aggregate), entity)
        elif aggregate.kind in ("enterprise", "grant") and aggregate.owner not in parties:
            yield Problem("ids_indexed", Text(f"编号 {entity} 指向不存在的主体 {aggregate.owner}",
                                              f"id {entity} points at a party that does not exist: {aggregate.owner}"),
                          replayed.position_of(aggregate), entity)
        elif aggregate.kind == "grant" and aggregate.key not in parties[aggregate.owner].grants:
            yield Problem("ids_indexed", Text(f"项目 {aggregate.key} 不在其主体 {aggregate.owner} 名下",
                                              f"grant {aggregate.key} is not held by its party {aggregate.owner}"),
                          replayed.position_of(aggregate), entity)


def _grant_problem(check: str, replayed: Replayed, party: Enterprise, grant_id: str, message: Text) -> Problem:
    return Problem(check, message, replayed.position_of(party), f"grant:{grant_id}")


LEDGER_CHECKS: list[Check] = [
    Check("trial_balance", Text("全部分录借贷合计为零", "all postings sum to zero"), check_trial_balance),
    Check("disbursed_within_awarded", Text("每个项目已拨付不超过批准额", "each grant: disbursed ≤ awarded"),
          check_grants_within_awarded),
    Check("recovered_within_disbursed", Text("每个项目已追回不超过已拨付，应收不为负", "each grant: recovered ≤ disbursed, receivable ≥ 0"),
          check_recoveries),
    Check("recovery_accounts", Text("追回科目余额与各项目合计一致", "recovery accounts agree with the grants"), check_recovery_accounts),
    Check("ids_indexed", Text("每个编号索引指向持有它的主体", "every id points at the party that holds it"), check_ids_indexed),
]
"""Checks over the whole replayed ledger, in order; capabilities append theirs."""

DESCRIPTIONS: dict[str, Text] = {
    "chain": Text("逐位重算哈希链", "hash chain recomputed at every position"),
    "recheck_release": Text("每笔拨付按其日期的阶段上限重新判定", "each release re-decided against its stage ceiling as of its date"),
    "replay": Text("由事件重放每个聚合", "every aggregate replayed from its events"),
    "postings_balance": Text("每个事件的分录借贷相等", "each event's postings balance"),
    "digest": Text("与系统外留存的摘要一致", "matches the digest kept outside"),
}
"""What verify's own checks and the per-event checks look at (ledger checks carry their own)."""


def describe(name: str) -> Text | None:
    """What the check called ``name`` looks at, for people; None for a name no check has."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    return next((check.description for check in LEDGER_CHECKS if check.name == name), None)

