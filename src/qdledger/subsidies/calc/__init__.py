"""Entitlements: each calculation kind once, as a pure function of its rule and the claim's facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.policy import kinds_subsidy as k
from qdledger.subsidies.state import GuaranteeState, InsuranceState, LoanState


@dataclass(frozen=True)
class ClaimInput:
    """What an officer states with a claim; facts of the object, not of the program."""

    base: int | None = None
    prior_base: int | None = None
    basic_research: int | None = None
    prior_basic_research: int | None = None
    revenue: int | None = None
    rank: int | None = None
    grade: str | None = None
    category: str | None = None
    amount: int | None = None
    fee_rate: Fraction | None = None

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ClaimInput.__dataclass_fields__}


@dataclass(frozen=True, kw_only=True)
class Facts(ClaimInput):
    """What a claim knows about its object: recorded bases, the loan, the fee, the policy."""

    day: date
    object_ref: str
    loan: LoanState | None = None
    guarantee: GuaranteeState | None = None
    insurance: InsuranceState | None = None
    first_purchase: bool = True
    first_award: bool = True
    lpr: Callable[[LoanState, str, str], tuple[Fraction, str]] | None = None
    max_loan_years: Fraction | None = None
    tier_used: frozenset[str] = frozenset()
    trim: bool = False


@dataclass
class Entitlement:
    """The computed amount (fen), how it was computed, and loan-years it uses if any."""

    amount: int
    basis: dict[str, Any]
    explain: Text
    loan_years: Fraction = Fraction(0)
    category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def pct(ratio: Fraction) -> str:
    """A ratio as the policies write it: ``50%``, ``0.5%``; as a fraction when not a short decimal."""
    hundred = ratio * 100
    if (hundred * 10_000).denominator != 1:
        return str(ratio)
    text = format(Decimal(hundred.numerator) / Decimal(hundred.denominator), "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def need(value: Any, option: str, what: Text) -> Any:
    """A fact the calculation needs; its absence is bad input naming the option that gives it."""
    if value is None:
        raise BadInput(Text(f"此项计算需要{what.zh}（{option}）", f"this calculation needs {what.en} ({option})"), field=option)
    return value


def compute(rule_id: str, rule: Any, facts: Facts) -> Entitlement:
    """The entitlement under one calculation rule; refusals name the rule and its citation."""
    from qdledger.subsidies.calc import amounts, finance, tiers

    table: dict[type, Callable[[str, Any, Facts], Entitlement]] = {
        k.FixedAmount: amounts.fixed_amount, k.CappedAmount: amounts.capped_amount,
        k.RateOfBase: amounts.rate_of_base, k.Tiered: tiers.tiered,
        k.InterestSubsidy: finance.interest, k.FeeBand: finance.fee_band, k.PremiumShare: finance.premium,
    }
    return table[type(rule)](rule_id, rule, facts)


def pays_on(rule: Any) -> str:
    """What the calculation pays on: a loan's interest, a fee, a premium, or a recorded base."""
    return {k.InterestSubsidy: "interest", k.FeeBand: "fee", k.PremiumShare: "premium"}.get(type(rule), "base")
