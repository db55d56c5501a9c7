"""The trustee's cost allowance (受托管理机构工作成本): at most a rate × the previous year's fiscal
money under investment (D17); a recorded fee above it is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.equity.fund import FUND_KEY, Fund, load_fund
from qdledger.equity.lookup import PROGRAM
from qdledger.equity.rules import rule
from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.money import percent, round_half_up, show_yuan, yuan
from qdledger.policy.kinds_equity import TrusteeCostAllowance
from qdledger.policy.loader import policy_book


def allowance(fund: Fund | None, year: int, day: date) -> dict[str, Any]:
    """The allowance for ``year`` under the rule in force on ``day``, with its basis and what is used."""
    rule_id, terms = rule(policy_book().in_force(PROGRAM, day).program, TrusteeCostAllowance)
    if fund is None:
        basis = 0
    elif terms.measure == "year_end":
        basis = fund.at_cost(date(year - 1, 12, 31))
    else:
        basis = round_half_up(fund.daily_average_at_cost(year - 1))
    limit = round_half_up(terms.rate * basis)
    used = fund.fees_for(year) if fund else 0
    return {"year": year, "rule": rule_id, "citation": terms.citation.short(), "rate": percent(terms.rate),
            "measure": terms.measure, "basis": basis, "allowance": limit, "used": used}


def allowance_view(ledger: Ledger, year: int) -> dict[str, Any]:
    """The allowance for ``year`` under the rule in force at its end (or, failing that, its start)."""
    return allowance_view_of(ledger.read().get("fund", FUND_KEY), year, _rule_day(year))


def _rule_day(year: int) -> date:
    versions = policy_book().versions.get(PROGRAM, [])
    for day in (date(year, 12, 31), date(year, 1, 1)):
        if any(v.program.in_force(day) for v in versions):
            return day
    return date(year, 12, 31)  # refused by the validity check, which names the window


def record_trustee_fee(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, trustee_fee(**fields))


def trustee_fee(*, year: int, amount: int, day: date) -> Command:
    """列支工作成本: the trustee's cost for a year, refused above the allowance."""
    if not 2000 <= year <= 2200:
        raise BadInput(Text(f"年度无效：{year}", f"invalid year {year}"), field="year")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        fund = load_fund(uow)
        info = allowance(fund, year, day)
        if info["used"] + amount > info["allowance"]:
            raise RuleViolation(
                info["rule"], info["citation"],
                Text(f"{year} 年受托管理工作成本上限为上年在投财政资金 {show_yuan(info['basis'])} × {info['rate']}% = "
                     f"{show_yuan(info['allowance'])}；已列支 {show_yuan(info['used'])}，本次 {show_yuan(amount)}",
                     f"the trustee's {year} cost allowance is {info['rate']}% of the previous year's money under investment "
                     f"{show_yuan(info['basis'])} = {show_yuan(info['allowance'])}; used {show_yuan(info['used'])}, requested {show_yuan(amount)}"),
                limit=info["allowance"], used=info["used"], requested=amount,
                hint=Text(f"本年度最多还可列支 {show_yuan(max(0, info['allowance'] - info['used']))}",
                          f"at most {show_yuan(max(0, info['allowance'] - info['used']))} more can be charged for {year}"))
        fund.trigger_event(Fund.TrusteeFeeRecorded, year=year, amount=amount, allowance=info["allowance"],
                           rules=[info["rule"]], **ctx.envelope(day))
        return allowance_view_of(fund, year, day)

    return Command("equity.trustee_fee", dict(year=year, amount=amount, day=day), decide)


def allowance_view_of(fund: Fund | None, year: int, day: date) -> dict[str, Any]:
    info = allowance(fund, year, day)
    return {**info, "basis": yuan(info["basis"]), "allowance": yuan(info["allowance"]), "used": yuan(info["used"]),
            "remaining": yuan(max(0, info["allowance"] - info["used"]))}
