"""Recovery orders (追回) as receivables: ordered on a basis, repaid, reversed only by a compensating event."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.dates import add_months, iso
from qdledger.errors import BadInput
from qdledger.grants.state import GrantState
from qdledger.i18n import Text
from qdledger.integrity import rules
from qdledger.integrity.events import RecoveryOrdered, RecoveryRepaid, RecoveryReversed
from qdledger.integrity.state import OrderState, orders_of
from qdledger.integrity.terms import regime, rule_of
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.enterprise import Enterprise
from qdledger.money import round_half_up, yuan
from qdledger.policy.kinds_integrity import CovenantRefund, ProportionalClawback, RecoveryBound, RepaymentBound, Review
from qdledger.policy.loader import policy_book

BASES = ("all_disbursed", "amount", "proportional", "covenant")
ALIASES = {"all": "all_disbursed", "named": "amount"}


def parse_basis(text: str) -> str:
    basis = ALIASES.get(text.strip(), text.strip())
    if basis not in BASES:
        raise BadInput(Text(f"追回依据应为 all、amount、proportional、covenant 之一，实为 {text!r}",
                            f"basis must be all, amount, proportional or covenant, not {text!r}"), field="basis")
    return basis


def disbursed_as_of(grant: GrantState, day: date) -> int:
    return sum(amount for when, amount in grant.releases if when <= day)


def claimed(grant: GrantState) -> int:
    """Already claimed back under a grant: recovered in cash plus still receivable."""
    return grant.recovered + grant.receivable


def recoverable(grant: GrantState, day: date) -> int:
    return max(0, disbursed_as_of(grant, day) - claimed(grant))


def record_orders(party: Enterprise, ctx: Context, grants: list[GrantState], amount: int | None, basis: str,
                  day: date, *, case_id: str | None = None, reason: str = "", due_on: date | None = None,
                  figures: dict[str, Any] | None = None) -> list[str]:
    """Order ``amount`` (all that is recoverable if None) across ``grants`` in id order, within the D7 bound."""
    bound_id, bound = rule_of(regime().program, RecoveryBound)
    room = {g.grant_id: recoverable(g, day) for g in grants}
    wanted = sum(room.values()) if amount is None else amount
    rules.check_recovery_bound(bound_id, bound.citation, sorted(room), wanted,
                               sum(disbursed_as_of(g, day) for g in grants), sum(claimed(g) for g in grants))
    made, left = [], wanted
    for grant in sorted(grants, key=lambda g: g.grant_id):
        share = min(left, room[grant.grant_id])
        if share <= 0:
            continue
        order_id = f"{grant.grant_id}#{len(orders_of(party, grant.grant_id)) + 1}"
        party.record(RecoveryOrdered, order_id=order_id, grant_id=grant.grant_id, case_id=case_id, basis=basis,
                     amount=share, due_on=due_on, reason=reason, rule=bound_id, citation=bound.citation.short(),
                     figures=figures or {}, **ctx.envelope(day))
        made.append(order_id)
        left -= share
    return made


def proportional_amount(grant: GrantState, day: date, planned: int, actual: int) -> tuple[int, str, str]:
    """D8: disbursed × (planned − actual) / planned, with the matched-funding rule of the grant's program."""
    program = policy_book().in_force(grant.program, grant.award_date).program
    found = program.rule_of_kind(ProportionalClawback)
    if found is None:
        raise BadInput(Text(f"{program.name_zh}没有配套资金同比例收回规则，不能按 proportional 追回",
                            f"{program.name_en} has no matched-funding clawback rule; basis proportional does not apply"),
                       field="basis")
    if planned <= 0 or actual < 0:
        raise BadInput(Text("计划投入须大于零，实际投入不能为负", "planned investment must be positive, actual not negative"), field="planned")
    shortfall = max(0, planned - actual)
    if shortfall == 0:
        raise BadInput(Text(f"实际投入 {yuan(actual)} 元已达计划 {yuan(planned)} 元，无需同比例收回",
                            f"actual own investment {yuan(actual)} meets the plan {yuan(planned)}: nothing to claw back"),
                       field="actual")
    return round_half_up(Fraction(disbursed_as_of(grant, day) * shortfall, planned)), found[0], found[1].citation.short()


def order_recovery(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, order(**fields))


def order(*, grants: list[str], basis: str, day: date, amount: int | None = None, reason: str = "",
          planned: int | None = None, actual: int | None = None, case_id: str | None = None) -> Command:
    """追回: a receivable on the named grants, on one basis (all disbursed, named amount, proportional, covenant)."""
    basis = parse_basis(basis)
    grants = list(dict.fromkeys(grants))
    if not grants:
        raise BadInput(Text("至少指定一个项目", "name at least one grant"), field="grant")
    if basis == "amount" and (amount is None or not reason.strip()):
        raise BadInput(Text("按指定金额追回须给出 --amount 和 --reason", "a named amount needs --amount and --reason"), field="amount")
    if basis == "proportional" and (planned is None or actual is None or len(grants) != 1):
        raise BadInput(Text("同比例收回须针对一个项目并给出 --planned 和 --actual", "proportional needs one grant, --planned and --actual"),
                       field="planned")
    args = dict(grants=grants, basis=basis, day=day, amount=amount, reason=reason, planned=planned, actual=actual,
                case_id=case_id)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = _one_party(uow, grants)
        targets = [party.grants[g] for g in grants]
        for grant in targets:
            if day < grant.award_date:
                raise BadInput(Text(f"日期 {day} 早于项目 {grant.grant_id} 的立项日期 {grant.award_date}",
                                    f"date {day} is before grant {grant.grant_id} was awarded ({grant.award_date})"), field="date")
        if case_id is not None:
            _check_case(uow, party, case_id)
        wanted, due_on, figures = amount if basis == "amount" else None, None, {}
        if basis == "proportional":
            wanted, rule_id, citation = proportional_amount(targets[0], day, planned, actual)
            figures = {"planned": yuan(planned), "actual": yuan(actual), "disbursed": yuan(disbursed_as_of(targets[0], day)),
                       "rule": rule_id, "citation": citation}
        if basis == "covenant":
            refund_id, refund = rule_of(regime().program, CovenantRefund)
            due_on = add_months(day, refund.due_months)
            figures = {"due_months": refund.due_months, "rule": refund_id, "citation": refund.citation.short()}
        made = record_orders(party, ctx, targets, wanted, basis, day, case_id=case_id, reason=reason, due_on=due_on,
                             figures=figures)
        return {**recovery_view(party, grants), "orders_made": made}

    return Command("recovery.order", args, decide)


def repay_recovery(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, repay(**fields))


def repay(*, grant_id: str, amount: int, day: date) -> Command:
    """还款: reduce the grant's receivable, oldest order first; never below zero (D7)."""
    if amount <= 0:
        raise BadInput(Text("还款金额必须大于零", "a repayment must be positive"), field="amount")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("grant", grant_id)
        open_orders = [o for o in orders_of(party, grant_id) if o.ordered_on <= day and o.outstanding() > 0]
        outstanding = sum(o.outstanding() for o in open_orders)
        rule_id, rule = rule_of(regime().program, RepaymentBound)
        rules.check_repayment(rule_id, rule.citation, grant_id, outstanding, amount, day)
        allocations, left = [], amount
        for o in sorted(open_orders, key=lambda o: o.ordered_on):  # stable: same day, in the order made
            share = min(left, o.outstanding())
            if share:
                allocations.append([o.order_id, share])
                left -= share
        party.record(RecoveryRepaid, grant_id=grant_id, amount=amount, allocations=allocations, **ctx.envelope(day))
        return recovery_view(party, [grant_id])

    return Command("recovery.repay", dict(grant_id=grant_id, amount=amount, day=day), decide)


def reverse_recovery(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, reverse(**fields))


def reverse(*, grant_id: str, day: date, order_id: str | None = None, amount: int | None = None, reason: str = "") -> Command:
    """撤销追回: the authority takes back an order (all or part): unpaid parts cancelled, paid parts refunded."""

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("grant", grant_id)
        order = _order_to_reverse(party, grant_id, order_id)
        if day < order.ordered_on:
            raise BadInput(Text(f"日期 {day} 早于追回决定 {order.order_id}（{order.ordered_on}）",
                                f"date {day} is before order {order.order_id} ({order.ordered_on})"), field="date")
        reversible = order.outstanding() + order.recovered()
        wanted = reversible if amount is None else amount
        rule_id, rule = rule_of(regime().program, Review)
        rules.check_reversal(rule_id, rule.citation, order.order_id, order.amount, reversible, wanted)
        record_reversal(party, ctx, order, wanted, day, reason)
        return recovery_view(party, [grant_id])

    return Command("recovery.reverse", dict(grant_id=grant_id, day=day, order_id=order_id, amount=amount, reason=reason),
                   decide)


def record_reversal(party: Enterprise, ctx: Context, order: OrderState, amount: int, day: date, reason: str) -> None:
    cancelled = min(amount, order.outstanding())
    party.record(RecoveryReversed, grant_id=order.grant_id, order_id=order.order_id, case_id=order.case_id,
                 cancelled=cancelled, refunded=amount - cancelled, reason=reason, **ctx.envelope(day))


def _order_to_reverse(party: Enterprise, grant_id: str, order_id: str | None) -> OrderState:
    orders = [o for o in orders_of(party, grant_id) if o.outstanding() + o.recovered() > 0]
    if order_id is not None:
        orders = [o for o in orders if o.order_id == order_id]
    if not orders:
        raise BadInput(Text(f"项目 {grant_id} 没有可撤销的追回决定{(' ' + order_id) if order_id else ''}",
                            f"grant {grant_id} has no recovery order to reverse{(' ' + order_id) if order_id else ''}"), field="order")
    if order_id is None and len(orders) > 1:
        raise BadInput(Text(f"项目 {grant_id} 有多笔追回决定（{', '.join(o.order_id for o in orders)}），请用 --order 指定",
                            f"grant {grant_id} has several orders ({', '.join(o.order_id for o in orders)}); name one with --order"),
                       field="order")
    return orders[-1]


def _one_party(uow: UnitOfWork, grants: list[str]) -> Enterprise:
    owners = {g: uow.owner_of("grant", g) for g in grants}
    keys = {p.key for p in owners.values()}
    if len(keys) > 1:
        raise BadInput(Text(f"一次追回只能针对同一主体的项目，实为 {', '.join(sorted(keys))}",
                            f"one recovery order covers grants of one party only, not {', '.join(sorted(keys))}"), field="grant")
    return next(iter(owners.values()))


def _check_case(uow: UnitOfWork, party: Enterprise, case_id: str) -> None:
    if uow.owner_of("case", case_id).key != party.key:
        raise BadInput(Text(f"案件 {case_id} 不属于 {party.key}", f"case {case_id} is not about {party.key}"), field="case")


def show_recovery(ledger: Ledger, grant_id: str) -> dict[str, Any]:
    party = ledger.read().owner_of("grant", grant_id)
    return recovery_view(party, [grant_id])


def order_view(o: OrderState) -> dict[str, Any]:
    return {"id": o.order_id, "grant": o.grant_id, "case": o.case_id, "basis": o.basis, "amount": yuan(o.amount),
            "ordered_on": o.ordered_on.isoformat(), "due_on": iso(o.due_on), "reason": o.reason,
            "repaid": yuan(o.total("repaid")), "cancelled": yuan(o.total("cancelled")), "refunded": yuan(o.total("refunded")),
            "outstanding": yuan(o.outstanding()), "rule": o.rule, "citation": o.citation, "figures": o.figures}


def recovery_view(party: Enterprise, grants: list[str]) -> dict[str, Any]:
    """Recovery figures for grants of one party: disbursed, recovered, receivable, net, and every order."""
    states = [party.grants[g] for g in grants]
    disbursed = sum(g.disbursed for g in states)
    recovered, receivable = sum(g.recovered for g in states), sum(g.receivable for g in states)
    return {"enterprise": party.key, "grants": list(grants), "disbursed": yuan(disbursed), "recovered": yuan(recovered),
            "cancelled": yuan(sum(g.cancelled for g in states)), "receivable": yuan(receivable), "net_disbursed": yuan(disbursed - recovered - receivable),
            "orders": [order_view(o) for g in grants for o in orders_of(party, g)]}
