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
from qdledger.ledger.handles import Handle, aggregate_id_bytes
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
    first_position: dict[str, int] = field(default_factory=dict)
    """Where each aggregate entered ``aggregates``: the order the whole ledger replayed in one piece
    would list it in, known even when its part was replayed apart."""

    def position_of(self, aggregate: Any) -> int | None:
        """Where the aggregate's last event sits in the ledger."""
        return self.last_position.get(aggregate.id.hex)
    events: int = 0

    def parties(self) -> Iterator[Enterprise]:
        return (a for a in self.aggregates.values() if isinstance(a, Enterprise))


@dataclass(frozen=True)
class Check:
    """A check over the final state. Without ``gather`` it looks at one aggregate at a time, so
    ``run(replayed)`` gives the same problems over any part of the ledger replayed apart (a shard
    of its aggregates) as over the whole. A check that relates aggregates to each other instead
    ``gather``s compact facts from each part (never the aggregates), ``combine`` merges the parts'
    facts, and ``run`` reads the merged facts."""

    name: str
    description: Text
    run: Callable[[Any], Iterable[Problem]]
    gather: Callable[[Replayed], Any] | None = None
    combine: Callable[[list[Any]], Any] | None = None


@dataclass
class Part:
    """What the ledger checks took from one replayed part of the ledger: small enough to send
    from the process that replayed it."""

    aggregates: int
    found: dict[str, list[Problem]]
    """Problems of the checks that look at one aggregate at a time, by check name."""
    gathered: dict[str, Any]
    """Facts for the checks that relate aggregates, by check name."""


def part_of(replayed: Replayed) -> Part:
    """Run or gather every ledger check over one replayed part."""
    found, gathered = {}, {}
    for check in LEDGER_CHECKS:
        if check.gather is None:
            found[check.name] = list(check.run(replayed))
        else:
            gathered[check.name] = check.gather(replayed)
    return Part(len(replayed.aggregates), found, gathered)


def ledger_problems(parts: list[Part]) -> Iterator[Problem]:
    """Every ledger check's problems over all parts, check by check. One part's come in the order
    its checks yield them; several parts' are put in position order."""
    for check in LEDGER_CHECKS:
        if check.gather is None:
            found = [problem for part in parts for problem in part.found[check.name]]
            yield from found if len(parts) == 1 else sorted(found, key=_position)
        else:
            assert check.combine is not None
            yield from check.run(check.combine([part.gathered[check.name] for part in parts]))


def _position(problem: Problem) -> int:
    return problem.position if problem.position is not None else 1 << 62


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


def postings_total(replayed: Replayed) -> int:
    return sum(replayed.balances.values())


def check_trial_balance(total: int) -> Iterator[Problem]:
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


RECOVERY_ACCOUNTS = ((acct.RECOVERIES_RECEIVABLE, Text("应收追回款", "receivable"), "receivable"),
                     (acct.RECOVERIES_CANCELLED, Text("已撤销追回", "cancelled"), "cancelled"))


def recovery_totals(replayed: Replayed) -> list[tuple[int, int]]:
    """(posted to the account, held by the grants) for each recovery account, over what was replayed."""
    grants = [grant for party in replayed.parties() for grant in party.grants.values()]
    return [(replayed.balances.get(account, 0), sum(getattr(g, field) for g in grants))
            for account, _, field in RECOVERY_ACCOUNTS]


def combine_recovery_totals(parts: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    return [(sum(p[i][0] for p in parts), sum(p[i][1] for p in parts)) for i in range(len(RECOVERY_ACCOUNTS))]


def check_recovery_accounts(totals: list[tuple[int, int]]) -> Iterator[Problem]:
    """The recovery accounts hold what the grants say: receivable and cancelled orders, summed over every grant.

    Totals are read from the accounts and grant views from the grants, so a fact whose postings
    and state disagree (a cancellation posted as money received) shows up here."""
    for (account, name, _), (posted, held) in zip(RECOVERY_ACCOUNTS, totals):
        if posted != held:
            yield Problem("recovery_accounts", Text(f"科目 {account} 余额 {yuan(posted)}，各项目{name.zh}合计 {yuan(held)}",
                                                    f"account {account} holds {yuan(posted)}, the grants' {name.en} sum to {yuan(held)}"))


@dataclass
class Index:
    """What the id check needs from replayed aggregates: each party's grants and each id handle,
    each with the position its aggregate entered the replay, so parts merge in the whole's order."""

    parties: list[tuple[int, str, frozenset[str]]]
    """(first position, party key, its grant ids)."""
    handles: list[tuple[int, str, str, str, bool, int | None]]
    """(first position, kind, key, owner, stored under the id its kind and key name, last position)."""


def gather_index(replayed: Replayed) -> Index:
    first = replayed.first_position
    index = Index([], [])
    for oid, aggregate in replayed.aggregates.items():
        if isinstance(aggregate, Enterprise):
            index.parties.append((first.get(oid, 0), aggregate.key, frozenset(aggregate.grants)))
        elif isinstance(aggregate, Handle):
            placed = aggregate.id.bytes == aggregate_id_bytes(aggregate.kind, aggregate.key)
            index.handles.append((first.get(oid, 0), aggregate.kind, aggregate.key, aggregate.owner, placed,
                                  replayed.last_position.get(oid)))
    return index


def combine_indexes(indexes: list[Index]) -> Index:
    """One index over all parts, in the order of the whole (a later party of the same key wins, as it
    would in one replay)."""
    return Index(sorted((p for index in indexes for p in index.parties), key=lambda p: p[0]),
                 sorted((h for index in indexes for h in index.handles), key=lambda h: h[0]))


def check_ids_indexed(index: Index) -> Iterator[Problem]:
    """Every id handle sits at the id it names and points at a party that holds the thing."""
    parties = {key: grants for _, key, grants in index.parties}
    for _, kind, key, owner, placed, position in index.handles:
        entity = f"{kind}:{key}"
        if not placed:
            yield Problem("ids_indexed", Text(f"编号 {entity} 的索引位置不符", f"id handle {entity} is stored under the wrong id"),
                          position, entity)
        elif kind in ("enterprise", "grant") and owner not in parties:
            yield Problem("ids_indexed", Text(f"编号 {entity} 指向不存在的主体 {owner}",
                                              f"id {entity} points at a party that does not exist: {owner}"),
                          position, entity)
        elif kind == "grant" and key not in parties[owner]:
            yield Problem("ids_indexed", Text(f"项目 {key} 不在其主体 {owner} 名下",
                                              f"grant {key} is not held by its party {owner}"),
                          position, entity)


def _grant_problem(check: str, replayed: Replayed, party: Enterprise, grant_id: str, message: Text) -> Problem:
    return Problem(check, message, replayed.position_of(party), f"grant:{grant_id}")


LEDGER_CHECKS: list[Check] = [
    Check("trial_balance", Text("全部分录借贷合计为零", "all postings sum to zero"), check_trial_balance,
          postings_total, sum),
    Check("disbursed_within_awarded", Text("每个项目已拨付不超过批准额", "each grant: disbursed ≤ awarded"),
          check_grants_within_awarded),
    Check("recovered_within_disbursed", Text("每个项目已追回不超过已拨付，应收不为负", "each grant: recovered ≤ disbursed, receivable ≥ 0"),
          check_recoveries),
    Check("recovery_accounts", Text("追回科目余额与各项目合计一致", "recovery accounts agree with the grants"), check_recovery_accounts,
          recovery_totals, combine_recovery_totals),
    Check("ids_indexed", Text("每个编号索引指向持有它的主体", "every id points at the party that holds it"), check_ids_indexed,
          gather_index, combine_indexes),
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

