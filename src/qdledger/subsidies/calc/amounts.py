"""Fixed amounts, amounts capped by 最高 X, and rate × recorded base with a cap (D23)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.money import percent, round_half_up, show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.subsidies.calc import Entitlement, Facts, need, pct

BASE = Text("记录的基数", "the recorded base")


def _category_amount(rule: Any, table: dict[str, int], facts: Facts) -> tuple[str, int]:
    category = need(facts.category, "--category", Text(f"类别（{'/'.join(table)}）", f"a category ({'/'.join(table)})"))
    if category not in table:
        raise BadInput(Text(f"类别应为 {'/'.join(table)} 之一，实为 {category!r}",
                            f"category must be one of {'/'.join(table)}, not {category!r}"), field="category")
    return category, table[category]


def check_min_base(rule_id: str, rule: Any, facts: Facts) -> None:
    """A threshold on the recorded base (e.g. 年研发投入达1000万元及以上)."""
    if rule.min_base is None:
        return
    base = need(facts.base, "--base", BASE)
    if base < rule.min_base:
        raise RuleViolation(rule_id, rule.citation.short(),
                            Text(f"基数 {show_yuan(base)} 未达到门槛 {show_yuan(rule.min_base)}",
                                 f"the base {show_yuan(base)} is below the threshold {show_yuan(rule.min_base)}"),
                            limit=rule.min_base, requested=base,
                            hint=Text(f"基数达到 {show_yuan(rule.min_base)}（还差 {show_yuan(rule.min_base - base)}）后方可申请",
                                      f"a claim qualifies once the base reaches {show_yuan(rule.min_base)} "
                                      f"({show_yuan(rule.min_base - base)} short)"))


def check_min_share(rule_id: str, rule: Any, facts: Facts) -> None:
    """A threshold on base ÷ revenue (e.g. 研发经费投入占主营业务收入比重超过5%（含）)."""
    if rule.min_share is None:
        return
    base = need(facts.base, "--base", BASE)
    revenue = need(facts.revenue, "--revenue", Text("主营业务收入", "the main-business revenue"))
    if revenue <= 0 or base * 1 < rule.min_share * revenue:
        share = f"{show_yuan(base)} / {show_yuan(revenue)}"
        needed = math.ceil(rule.min_share * max(revenue, 0))
        raise RuleViolation(rule_id, rule.citation.short(),
                            Text(f"比重 {share} 低于 {pct(rule.min_share)}", f"the share {share} is below {pct(rule.min_share)}"),
                            limit_percent=percent(rule.min_share),
                            requested_percent=percent(Fraction(base, revenue)) if revenue > 0 else None,
                            hint=Text(f"比重达到 {pct(rule.min_share)} 后方可申请（按本次收入，基数至少 {show_yuan(needed)}）",
                                      f"a claim qualifies once the share reaches {pct(rule.min_share)} "
                                      f"(with this revenue, a base of at least {show_yuan(needed)})"))


def fixed_amount(rule_id: str, rule: k.FixedAmount, facts: Facts) -> Entitlement:
    check_min_base(rule_id, rule, facts)
    check_min_share(rule_id, rule, facts)
    category = None
    amount = rule.amount
    if rule.categories is not None:
        category, amount = _category_amount(rule, rule.categories, facts)
    return Entitlement(amount, {"formula": "fixed", "amount": yuan(amount), "category": category},
                       Text(f"定额 {show_yuan(amount)}", f"fixed amount {show_yuan(amount)}"), category=category)


def capped_amount(rule_id: str, rule: k.CappedAmount, facts: Facts) -> Entitlement:
    check_min_base(rule_id, rule, facts)
    category = None
    cap = rule.cap
    if rule.categories is not None:
        category, cap = _category_amount(rule, rule.categories, facts)
    elif rule.repeat_cap is not None and not facts.first_award:
        cap = rule.repeat_cap
    approved = need(facts.amount, "--amount", Text("核定金额", "the approved amount"))
    basis = {"formula": "approved ≤ cap", "approved": yuan(approved), "cap": yuan(cap), "category": category,
             "first_award": facts.first_award}
    if approved > cap and not facts.trim:
        raise RuleViolation(rule_id, rule.citation.short(),
                            Text(f"核定金额 {show_yuan(approved)} 超过上限 {show_yuan(cap)}",
                                 f"the approved amount {show_yuan(approved)} exceeds the cap {show_yuan(cap)}"),
                            limit=cap, used=0, requested=approved,
                            hint=Text(f"最多 {show_yuan(cap)}；或加 --cap-to-headroom 按上限核定",
                                      f"at most {show_yuan(cap)}; or add --cap-to-headroom to approve the cap"))
    amount = min(approved, cap)
    return Entitlement(amount, basis, Text(f"核定 {show_yuan(approved)}，上限 {show_yuan(cap)}",
                                           f"approved {show_yuan(approved)}, cap {show_yuan(cap)}"), category=category)


def rate_of_base(rule_id: str, rule: k.RateOfBase, facts: Facts) -> Entitlement:
    check_min_base(rule_id, rule, facts)
    base = need(facts.base, "--base", Text(rule.base, rule.base))
    raw = round_half_up(rule.rate * base)
    amount = raw if rule.cap is None else min(raw, rule.cap)
    cap_text = f"，上限 {show_yuan(rule.cap)}" if rule.cap is not None else ""
    cap_text_en = f", capped at {show_yuan(rule.cap)}" if rule.cap is not None else ""
    return Entitlement(amount, {"formula": "rate × base, ≤ cap", "base": yuan(base), "rate": pct(rule.rate),
                                "by_rate": yuan(raw), "cap": yuan(rule.cap)},
                       Text(f"{rule.base} {show_yuan(base)} × {pct(rule.rate)} = {show_yuan(raw)}{cap_text}",
                            f"{rule.base} {show_yuan(base)} × {pct(rule.rate)} = {show_yuan(raw)}{cap_text_en}"))
