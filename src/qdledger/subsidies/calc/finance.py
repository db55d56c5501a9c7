"""Finance subsidies: interest (贴息, D18–D20), credit-enhancement fees (D21), 青科保 premiums (D21)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from math import floor

from qdledger.dates import add_years
from qdledger.errors import RuleViolation
from qdledger.i18n import Text
from qdledger.money import percent, round_half_up, show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.subsidies.calc import Entitlement, Facts, need, pct
from qdledger.subsidies.state import LoanState, show_years, years_between

MODE_NAMES = {"plain": "普通贷款", "tou-dai": "投贷", "tou-bao-dai": "投保贷", "gen-dai": "跟贷", "bao-dai": "保贷"}


def _refuse(rule_id: str, rule, zh: str, en: str, hint: Text | None = None, **numbers) -> RuleViolation:
    return RuleViolation(rule_id, rule.citation.short(), Text(zh, en), hint=hint, **numbers)


def check_repaid(rule_id: str, rule, loan: LoanState, day, repaid_after=None) -> None:
    """正常还本付息: subsidies are due only on a loan repaid in full by its maturity, before the claim (D18)."""
    if loan.repaid_on is None or loan.repaid_on > day:
        raise _refuse(rule_id, rule, f"贷款 {loan.loan_id} 在 {day} 尚未还本付息", f"loan {loan.loan_id} was not repaid by {day}",
                      Text(f"还款后记录：qdledger loan repaid {loan.loan_id} --date 日期",
                           f"record the repayment first: qdledger loan repaid {loan.loan_id} --date D"))
    if not loan.on_schedule:
        raise _refuse(rule_id, rule, f"贷款 {loan.loan_id} 于 {loan.repaid_on} 还清，晚于到期日 {loan.maturity}，不属于按期还本付息",
                      f"loan {loan.loan_id} was repaid on {loan.repaid_on}, after its maturity {loan.maturity}: not repaid on schedule")
    if repaid_after is not None and loan.repaid_on <= repaid_after:
        raise _refuse(rule_id, rule, f"贷款 {loan.loan_id} 于 {loan.repaid_on} 还清，须在 {repaid_after} 之后完成还本付息",
                      f"loan {loan.loan_id} was repaid on {loan.repaid_on}; repayment must be completed after {repaid_after}")


def _days(loan: LoanState, day_count: int, max_years: Fraction | None) -> tuple[int, Fraction]:
    """Interest days and loan-years subsidised, cut to ``max_years`` when a loan-years cap binds."""
    end = loan.repaid_on or loan.maturity
    years = years_between(loan.drawn, end, day_count)
    if max_years is None or years <= max_years:
        return (end - loan.drawn).days, years
    whole = floor(max_years)
    cut = add_years(loan.drawn, whole) + timedelta(days=round_half_up((max_years - whole) * day_count))
    return (min(cut, end) - loan.drawn).days, max_years


def interest(rule_id: str, rule: k.InterestSubsidy, facts: Facts) -> Entitlement:
    loan = facts.loan
    if rule.modes is not None and loan.mode not in rule.modes:
        allowed = "、".join(MODE_NAMES.get(m, m) for m in rule.modes)
        raise _refuse(rule_id, rule, f"贷款 {loan.loan_id} 的融资模式为{MODE_NAMES.get(loan.mode, loan.mode)}，本项目只支持{allowed}",
                      f"loan {loan.loan_id} is a {loan.mode} loan; this program subsidises {', '.join(rule.modes)} loans")
    check_repaid(rule_id, rule, loan, facts.day, rule.repaid_after)
    top = rule.bands[-1].up_to
    if top is not None and loan.principal > top and rule.above_last_band == "not_eligible":
        raise _refuse(rule_id, rule, f"贷款本金 {show_yuan(loan.principal)} 超过 {show_yuan(top)}（含）的上限，不能申报",
                      f"the principal {show_yuan(loan.principal)} is above the {show_yuan(top)} (inclusive) limit for a loan",
                      limit=top, requested=loan.principal, used=0,
                      hint=Text(f"选择一笔 {show_yuan(top)} 以下的贷款申报", f"choose a loan of {show_yuan(top)} or less"))
    tenor = "five_year" if loan.term_years(rule.day_count) > rule.long_tenor_above_years else "one_year"
    lpr, lpr_source = facts.lpr(loan, rule.lpr_at, tenor)
    reference = min(lpr, loan.rate) if rule.actual_rate_if_lower else lpr
    days, years = _days(loan, rule.day_count, facts.max_loan_years)
    time = Fraction(days, rule.day_count)
    parts, exact, floor_ = [], Fraction(0), 0
    for band in rule.bands:
        ceiling = loan.principal if band.up_to is None else min(loan.principal, band.up_to)
        part = max(0, ceiling - floor_)
        floor_ = ceiling
        if part:
            value = part * band.lpr_share * reference * time
            exact += value
            parts.append({"part": yuan(part), "share_of_rate": pct(band.lpr_share), "amount": yuan(round_half_up(value))})
    by_rate = round_half_up(exact)
    paid = loan.interest_paid if loan.interest_paid is not None else round_half_up(loan.principal * loan.rate * Fraction(loan.days, rule.day_count))
    amount = min(by_rate, paid)
    basis = {"formula": "Σ part × share × rate × days / day count, ≤ interest paid", "principal": yuan(loan.principal),
             "mode": loan.mode, "lpr": percent(lpr), "lpr_tenor": tenor, "lpr_source": lpr_source,
             "contract_rate": percent(loan.rate), "reference_rate": percent(reference), "days": days,
             "day_count": rule.day_count, "parts": parts, "by_rate": yuan(by_rate), "interest_paid": yuan(paid),
             "interest_paid_stated": loan.interest_paid is not None, "loan_years": show_years(years)}
    shown = " + ".join(f"{p['part']} × {p['share_of_rate']} × {percent(reference)}%" for p in parts)
    capped = Text(f"，不超过实付利息 {show_yuan(paid)}", f", at most the interest paid {show_yuan(paid)}") if paid < by_rate else Text("", "")
    return Entitlement(amount, basis,
                       Text(f"({shown}) × {days}/{rule.day_count} = {show_yuan(by_rate)}{capped.zh}",
                            f"({shown}) × {days}/{rule.day_count} = {show_yuan(by_rate)}{capped.en}"), loan_years=years)


def fee_band(rule_id: str, rule: k.FeeBand, facts: Facts) -> Entitlement:
    loan = facts.loan
    check_repaid(rule_id, rule, loan, facts.day)
    guarantee = facts.guarantee
    fee_rate = guarantee.fee_rate if guarantee else need(facts.fee_rate, "--fee-rate", Text("担保（保险）协议费率", "the guarantee (insurance) fee rate"))
    step = next((s for s in rule.steps if fee_rate >= s.from_rate), None)
    if step is None:
        lowest = rule.steps[-1].from_rate
        raise _refuse(rule_id, rule, f"协议费率 {pct(fee_rate)} 低于 {pct(lowest)}，不予补贴",
                      f"the fee rate {pct(fee_rate)} is below {pct(lowest)}: no subsidy")
    time = Fraction(loan.days, rule.day_count) if rule.day_count else Fraction(1)
    by_rate = round_half_up(loan.principal * step.subsidy_rate * time)
    fee = guarantee.fee if guarantee and guarantee.fee is not None else round_half_up(loan.principal * fee_rate * time)
    amount = min(by_rate, fee)
    basis = {"formula": "loan × subsidy rate of the fee band, ≤ fee paid", "principal": yuan(loan.principal),
             "fee_rate": pct(fee_rate), "band_from": pct(step.from_rate), "subsidy_rate": pct(step.subsidy_rate),
             "by_rate": yuan(by_rate), "fee_paid": yuan(fee), "annualised": rule.day_count is not None}
    return Entitlement(amount, basis,
                       Text(f"费率 {pct(fee_rate)} ≥ {pct(step.from_rate)}：{show_yuan(loan.principal)} × {pct(step.subsidy_rate)} = {show_yuan(by_rate)}",
                            f"fee rate {pct(fee_rate)} ≥ {pct(step.from_rate)}: {show_yuan(loan.principal)} × {pct(step.subsidy_rate)} = {show_yuan(by_rate)}"))


def premium(rule_id: str, rule: k.PremiumShare, facts: Facts) -> Entitlement:
    policy = facts.insurance
    if policy.start > facts.day:
        raise _refuse(rule_id, rule, f"保单 {policy.policy_id} 于 {policy.start} 起保，晚于申报日 {facts.day}：保费补贴为后补助",
                      f"policy {policy.policy_id} starts on {policy.start}, after the claim date {facts.day}: the premium subsidy is paid after purchase")
    share = rule.first if facts.first_purchase else rule.repeat
    amount = round_half_up(policy.premium * share)
    which = Text("首次购买", "first purchase") if facts.first_purchase else Text("再次购买", "repeat purchase")
    basis = {"formula": "premium × share", "premium": yuan(policy.premium), "purchase": "first" if facts.first_purchase else "repeat",
             "share": pct(share)}
    return Entitlement(amount, basis, Text(f"{which.zh}：保费 {show_yuan(policy.premium)} × {pct(share)} = {show_yuan(amount)}",
                                           f"{which.en}: premium {show_yuan(policy.premium)} × {pct(share)} = {show_yuan(amount)}"))
