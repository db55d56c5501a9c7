"""Equity commands while a position is open: invest, award won, dividend, stake change, term
extension — each decided against the investee's aggregate (and the fund's, when money moves)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.equity import rules
from qdledger.equity.events import DividendReceived, EquityAwardRecorded, EquityInvested, StakeChanged, TermExtended
from qdledger.equity.distribution import award_name
from qdledger.equity.fund import load_fund
from qdledger.equity.lookup import PROGRAM, concession_terms, investment_rules, open_position
from qdledger.equity.state import Position, positions
from qdledger.equity.views import position_view
from qdledger.errors import BadInput
from qdledger.grants.service import check_award_eligibility
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.handles import check_key
from qdledger.policy.kinds_equity import AWARD_LEVELS
from qdledger.policy.loader import policy_book

SOURCES = ("budget", "pool")


def invest_in(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, invest(**fields))


def invest(*, position_id: str, enterprise: str, amount: int, stake: Fraction, largest_other: Fraction,
           term_years: int, day: date, special_approval: str = "", discount: Fraction | None = None,
           project: str | None = None, project_budget: int | None = None, source: str = "budget") -> Command:
    """股权投资: refuse what breaks D10/D11/D2; pay from the budget or the revolving pool."""
    _check_shape(position_id, stake, largest_other, term_years, source, project, project_budget)
    args = dict(position_id=position_id, enterprise=enterprise, amount=amount, stake=str(stake),
                largest_other=str(largest_other), term_years=term_years, day=day, special_approval=special_approval,
                discount=str(discount) if discount is not None else None, project=project,
                project_budget=project_budget, source=source)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.enterprise(enterprise)
        version = policy_book().in_force(PROGRAM, day)
        check_award_eligibility(uow, party, version.program, day)
        applied, exceptions = _position_rules(version.program, party, amount, stake, largest_other, term_years,
                                              special_approval, discount, day)
        budget = None
        if project:
            budget, cap_rule = rules.project_legs(party, project, project_budget, amount)
            applied += [cap_rule] if cap_rule else []
        fund = load_fund(uow)
        if source == "pool":
            applied.append(rules.check_pool(version.program, fund.pool_available_from(day), amount, day))
        uow.claim("position", position_id, enterprise)
        party.record(EquityInvested, position_id=position_id, principal=amount, stake=str(stake),
                     largest_other=str(largest_other), term_years=term_years, special_approval=special_approval,
                     exceptions=exceptions, discount=str(discount) if discount is not None else None, project=project,
                     project_budget=budget, source=source, policy_version=version.version, rules=applied,
                     **ctx.envelope(day))
        fund.move("invest", position_id, enterprise, -amount if source == "pool" else 0, amount, **ctx.envelope(day))
        return position_view(positions(party)[position_id])

    return Command("equity.invest", args, decide)


def _position_rules(program: Any, party: Any, amount: int, stake: Fraction, largest_other: Fraction, term_years: int,
                    approval: str, discount: Fraction | None, day: date) -> tuple[list[str], list[str]]:
    """D10 and D11: the rules applied, and those the special approval was needed for."""
    applied = [rules.check_amount(program, amount), rules.check_not_largest(program, stake, largest_other)]
    stake_rule, stake_exception = rules.check_stake(program, stake, approval)
    term_rule, term_exception = rules.check_term(program, term_years, approval)
    applied += [stake_rule, term_rule, rules.check_discount(program, party, day, discount)]
    return applied, [r for r, used in ((stake_rule, stake_exception), (term_rule, term_exception)) if used]


def _check_shape(position_id: str, stake: Fraction, largest_other: Fraction, term_years: int, source: str,
                 project: str | None, project_budget: int | None) -> None:
    check_key(position_id, field="position")
    if stake <= 0 or stake + largest_other > 1:
        raise BadInput(Text("持股比例须大于零，且与最大其他股东合计不超过 100%",
                            "the stake must be above zero and, with the largest other holder's, at most 100%"), field="stake")
    if term_years < 1:
        raise BadInput(Text("投资期限至少 1 年", "the term is at least 1 year"), field="term_years")
    if source not in SOURCES:
        raise BadInput(Text("资金来源应为 budget 或 pool", "source must be budget or pool"), field="source")
    if project_budget is not None and not project:
        raise BadInput(Text("--project-budget 须与 --project 同用", "--project-budget needs --project"), field="project_budget")


def record_award(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, award(**fields))


def award(*, position_id: str, level: str, rank: int, day: date, lead: bool = True) -> Command:
    """获奖: an award won while the fund holds the position; a lead-unit award is a concession ground."""
    if level not in AWARD_LEVELS:
        raise BadInput(Text(f"奖励级别应为 {'/'.join(AWARD_LEVELS)} 之一", f"level must be one of {'/'.join(AWARD_LEVELS)}"), field="level")
    if rank < 0:
        raise BadInput(Text("奖励等级应为 0（特等奖）或正整数", "rank must be 0 (special prize) or a positive number"), field="rank")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, position = open_position(uow, position_id, day)
        party.record(EquityAwardRecorded, position_id=position_id, level=level, rank=rank, lead=lead, **ctx.envelope(day))
        view = position_view(position)
        view["award_ground"] = ground = _award_ground(position, level, rank, lead)
        view["award_ground_name"] = award_name(level, rank).render() if ground else None
        return view

    return Command("equity.award", dict(position_id=position_id, level=level, rank=rank, day=day, lead=lead), decide)


def _award_ground(position: Position, level: str, rank: int, lead: bool) -> str | None:
    """The concession share this award could ground at exit, or None (not lead unit, rank not listed)."""
    terms = concession_terms(position, position.invested_on)
    for stem, _, rule in terms.awards:
        share = rule.share_for(rank)
        if rule.level == level and share is not None and (lead or not rule.lead_unit_required):
            return f"{stem}_{rank}"
    return None


def record_dividend(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, dividend(**fields))


def dividend(*, position_id: str, amount: int, day: date) -> Command:
    """分红: a dividend paid to the fund; it goes to the revolving pool."""

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, position = open_position(uow, position_id, day)
        party.record(DividendReceived, position_id=position_id, amount=amount, **ctx.envelope(day))
        load_fund(uow).move("dividend", position_id, party.key, amount, 0, **ctx.envelope(day))
        return position_view(position)

    return Command("equity.dividend", dict(position_id=position_id, amount=amount, day=day), decide)


def record_stake_change(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, change_stake(**fields))


def change_stake(*, position_id: str, stake: Fraction, largest_other: Fraction, day: date, approval: str = "") -> Command:
    """股权变动 (dilution, transfers among others): re-checked against the 25% and largest-holder rules."""
    if stake <= 0 or stake + largest_other > 1:
        raise BadInput(Text("持股比例须大于零，且与最大其他股东合计不超过 100%",
                            "the stake must be above zero and, with the largest other holder's, at most 100%"), field="stake")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, position = open_position(uow, position_id, day)
        _in_order(day, [d for d, *_ in position.stake_changes])
        prog = investment_rules(position)
        rules.check_not_largest(prog, stake, largest_other)
        _, approval_used = rules.check_stake(prog, stake, approval, approved_up_to=position.approved_stake)
        party.record(StakeChanged, position_id=position_id, stake=str(stake), largest_other=str(largest_other),
                     approval=approval, approved_stake=str(stake) if approval_used else None, **ctx.envelope(day))
        return position_view(position)

    return Command("equity.stake", dict(position_id=position_id, stake=str(stake), largest_other=str(largest_other),
                                        day=day, approval=approval), decide)


def record_extension(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, extend_term(**fields))


def extend_term(*, position_id: str, term_years: int, day: date, approval: str = "") -> Command:
    """延期: a longer total term, within the maximum, with its special approval beyond the normal term."""

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, position = open_position(uow, position_id, day)
        _in_order(day, [d for d, *_ in position.extensions])
        if term_years <= position.term_years:
            raise BadInput(Text(f"新期限 {term_years} 年须长于现期限 {position.term_years} 年",
                                f"the new term ({term_years} years) must be longer than the current {position.term_years}"), field="term_years")
        prog = investment_rules(position)
        rule_id, _ = rules.check_term(prog, term_years, approval)
        party.record(TermExtended, position_id=position_id, term_years=term_years, approval=approval, **ctx.envelope(day))
        return {**position_view(position), "rules": [rule_id]}

    return Command("equity.extend", dict(position_id=position_id, term_years=term_years, day=day, approval=approval), decide)


def _in_order(day: date, earlier: list[date]) -> None:
    """Cap-table changes and extensions replace the previous one, so they are recorded in date order."""
    if earlier and day < max(earlier):
        raise BadInput(Text(f"日期 {day} 早于上一次变更 {max(earlier)}", f"date {day} is before the previous change on {max(earlier)}"),
                       field="date")
