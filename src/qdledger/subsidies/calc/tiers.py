"""Tiered rate × base: bands of the base, growth and rank gates, grades (研发投入, 转化绩效, 概念验证)."""

from __future__ import annotations

from fractions import Fraction

from qdledger.errors import RuleViolation
from qdledger.i18n import Text
from qdledger.money import round_half_up, show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.subsidies.calc import Entitlement, Facts, need, pct


def weighted(amount: int, basic: int | None, weight: Fraction | None) -> int:
    """基础研究投入可按 N 倍计入: the base with basic research counted ``weight`` times."""
    if not basic or weight is None:
        return amount
    return round_half_up(amount + (weight - 1) * basic)


def _band(tier: k.Tier) -> Text:
    low = show_yuan(tier.band_from) if tier.band_from is not None else "0"
    high = show_yuan(tier.band_to) if tier.band_to is not None else "…"
    return Text(f"[{low}, {high})", f"[{low}, {high})")


def _classified(tier: k.Tier, base: int, grade: str | None) -> bool:
    """The tier's band and grades hold: the claim belongs to this tier, whatever its gates say."""
    if tier.band_from is not None and base < tier.band_from:
        return False
    if tier.band_to is not None and base >= tier.band_to:
        return False
    return tier.grades is None or grade in tier.grades


def _gate_failures(tier: k.Tier, base: int, prior: int | None, facts: Facts) -> list[Text]:
    """Growth, rank and once-only gates of a tier the claim belongs to; empty when all hold."""
    failures = []
    if tier.min_growth is not None:
        prior = need(prior, "--prior-base", Text("上年度基数", "the prior-year base"))
        growth = Fraction(base - prior, prior) if prior > 0 else None
        if growth is None or growth < tier.min_growth:
            shown = pct(Fraction(round_half_up(growth * 1000), 1000)) if growth is not None else "—"
            failures.append(Text(f"增长 {shown} 低于 {pct(tier.min_growth)}", f"growth {shown} is below {pct(tier.min_growth)}"))
    if tier.max_rank is not None:
        rank = need(facts.rank, "--rank", Text("排名", "the rank"))
        if rank > tier.max_rank:
            failures.append(Text(f"排名第 {rank} 位，须在前 {tier.max_rank} 位", f"rank {rank} is outside the top {tier.max_rank}"))
    if tier.once_per_party and tier.name in facts.tier_used:
        failures.append(Text(f"档次 {tier.name} 每个单位只支持一次，已支持过", f"tier {tier.name} pays a party once, and already has"))
    return failures


def tiered(rule_id: str, rule: k.Tiered, facts: Facts) -> Entitlement:
    base = weighted(need(facts.base, "--base", Text(rule.base, rule.base)), facts.basic_research, rule.basic_research_weight)
    prior = facts.prior_base
    if prior is not None:
        prior = weighted(prior, facts.prior_basic_research, rule.basic_research_weight)
    reasons: list[Text] = []
    for tier in rule.tiers:
        if not _classified(tier, base, facts.grade):
            continue
        failures = _gate_failures(tier, base, prior, facts)
        if not failures:
            return _pay(rule, tier, base, prior)
        reasons.append(Text(f"档次 {tier.name} {_band(tier).zh}：" + "；".join(f.zh for f in failures),
                            f"tier {tier.name} {_band(tier).en}: " + "; ".join(f.en for f in failures)))
    if not reasons:
        reasons.append(Text(f"{rule.base} {show_yuan(base)}（等次 {facts.grade or '—'}）不属于任何档次",
                            f"{rule.base} {show_yuan(base)} (grade {facts.grade or '—'}) falls in no tier"))
    raise RuleViolation(rule_id, rule.citation.short(),
                        Text("不符合任何档次的条件：" + "；".join(r.zh for r in reasons),
                             "no tier's conditions hold: " + "; ".join(r.en for r in reasons)),
                        requested=base,
                        hint=Text("须满足某一档次的全部条件（" + "；".join(r.zh for r in reasons) + "）；档次表见 qdledger policy show",
                                  "meet every condition of one tier (" + "; ".join(r.en for r in reasons)
                                  + "); see the tiers with qdledger policy show"))


def _pay(rule: k.Tiered, tier: k.Tier, base: int, prior: int | None) -> Entitlement:
    basis = {"formula": "tier", "tier": tier.name, "base": yuan(base), "prior_base": yuan(prior), "cap": yuan(tier.cap)}
    if tier.amount is not None:
        basis["amount"] = yuan(tier.amount)
        return Entitlement(tier.amount, basis, Text(f"档次 {tier.name}：定额 {show_yuan(tier.amount)}",
                                                    f"tier {tier.name}: fixed {show_yuan(tier.amount)}"), extra={"tier": tier.name})
    measure = base if tier.of == "base" else base - (prior or 0)
    raw = round_half_up(tier.rate * measure)
    amount = raw if tier.cap is None else min(raw, tier.cap)
    what = Text(rule.base, rule.base) if tier.of == "base" else Text("增量", "the increase")
    capped = Text(f"，上限 {show_yuan(tier.cap)}", f", capped at {show_yuan(tier.cap)}") if tier.cap is not None else Text("", "")
    basis.update(rate=pct(tier.rate), of=tier.of, measure=yuan(measure), by_rate=yuan(raw))
    return Entitlement(amount, basis,
                       Text(f"档次 {tier.name}：{what.zh} {show_yuan(measure)} × {pct(tier.rate)} = {show_yuan(raw)}{capped.zh}",
                            f"tier {tier.name}: {what.en} {show_yuan(measure)} × {pct(tier.rate)} = {show_yuan(raw)}{capped.en}"),
                       extra={"tier": tier.name})
