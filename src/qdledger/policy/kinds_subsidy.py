"""Rule kinds of subsidies and awards: how an entitlement is computed, and what bounds it.

A claimable program has exactly one calculation rule (fixed amount, capped amount, rate × base,
tiers, interest, fee band, premium share) and any number of bounds (caps, loan-year caps, claim
limits, quotas, non-stacking, eligibility). Every number is a field here and a value in a file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from qdledger.money import yuan
from qdledger.policy.base import Fen, Ratio, RuleBase, Strict


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(fen: int | None) -> str:
    """An amount as the policies write it: ``30万``, ``1.2亿`` when exact, else yuan."""
    if fen is None:
        return "—"
    if fen >= 10**10 and fen % 10**9 == 0:
        return _plain(Decimal(fen) / 10**10) + "亿"
    if fen % 10**6 == 0:
        return _plain(Decimal(fen) / 10**6) + "万"
    return yuan(fen)


def pc(ratio: Fraction) -> str:
    """A ratio as a percentage, e.g. ``50%`` or ``0.5%``; as a fraction when not a short decimal."""
    hundred = ratio * 100
    if (hundred * 10_000).denominator != 1:
        return str(ratio)
    return _plain(Decimal(hundred.numerator) / Decimal(hundred.denominator)) + "%"


def _categories(table: dict[str, int]) -> str:
    return ", ".join(f"{name} {wan(v)}" for name, v in table.items())


def _one_of(rule: Strict, *names: str) -> None:
    given = [n for n in names if getattr(rule, n) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(names)}")


class FixedAmount(RuleBase):
    """A set amount per award (一次性给予 X 万元), by category when the text sets several."""

    kind: Literal["fixed_amount"]
    amount: Fen | None = None
    categories: dict[str, Fen] | None = None
    min_base: Fen | None = Field(None, description="the recorded base must reach this")
    min_share: Ratio | None = Field(None, description="base ÷ revenue must reach this")
    base: str | None = Field(None, description="what the base is, e.g. 研发经费投入")

    @model_validator(mode="after")
    def _amounts(self) -> FixedAmount:
        _one_of(self, "amount", "categories")
        return self

    def describe(self) -> str:
        text = f"amount {wan(self.amount)}" if self.amount is not None else f"by category: {_categories(self.categories)}"
        if self.min_base is not None:
            text += f"; {self.base or 'base'} ≥ {wan(self.min_base)}"
        if self.min_share is not None:
            text += f"; {self.base or 'base'} ÷ revenue ≥ {pc(self.min_share)}"
        return text


class CappedAmount(RuleBase):
    """An amount set by the approving decision, at most the cap (最高 X 万元)."""

    kind: Literal["capped_amount"]
    cap: Fen | None = None
    categories: dict[str, Fen] | None = Field(None, description="cap per category, chosen with --category")
    repeat_cap: Fen | None = Field(None, description="cap for every later award of the program to the same party")
    min_base: Fen | None = Field(None, description="the recorded base must reach this")
    base: str | None = None

    @model_validator(mode="after")
    def _caps(self) -> CappedAmount:
        _one_of(self, "cap", "categories")
        return self

    def describe(self) -> str:
        text = f"approved amount ≤ {wan(self.cap)}" if self.cap is not None else f"approved amount ≤ cap of its category: {_categories(self.categories)}"
        if self.repeat_cap is not None:
            text += f"; every later award to the same party ≤ {wan(self.repeat_cap)}"
        if self.min_base is not None:
            text += f"; {self.base or 'base'} ≥ {wan(self.min_base)}"
        return text


class RateOfBase(RuleBase):
    """rate × a recorded, dated base, at most the cap per award (D23)."""

    kind: Literal["rate_of_base"]
    rate: Ratio
    cap: Fen | None = None
    min_base: Fen | None = None
    base: str = Field(description="what the base is, e.g. 相关投资额")

    def describe(self) -> str:
        text = f"{pc(self.rate)} × {self.base}" + (f", ≤ {wan(self.cap)}" if self.cap is not None else ", no cap")
        return text + (f"; {self.base} ≥ {wan(self.min_base)}" if self.min_base is not None else "")


class Tier(Strict):
    """One band of a tiered subsidy: conditions that place a claim in it, and what it pays."""

    name: str
    band_from: Fen | None = Field(None, description="base ≥ this (inclusive)")
    band_to: Fen | None = Field(None, description="base < this (exclusive)")
    min_growth: Ratio | None = Field(None, description="(base − prior base) ÷ prior base ≥ this")
    max_rank: int | None = Field(None, ge=1, description="rank (1 = first) ≤ this")
    grades: tuple[str, ...] | None = Field(None, description="evaluation grades that qualify")
    rate: Ratio | None = None
    of: Literal["base", "increase"] = "base"
    cap: Fen | None = None
    amount: Fen | None = Field(None, description="a flat amount instead of a rate")
    once_per_party: bool = Field(False, description="this tier pays a party once in the program's window")

    @model_validator(mode="after")
    def _pays(self) -> Tier:
        _one_of(self, "rate", "amount")
        return self

    def describe(self) -> str:
        conditions = []
        if self.band_from is not None or self.band_to is not None:
            conditions.append(f"base in [{wan(self.band_from) if self.band_from is not None else '0'}, "
                              f"{wan(self.band_to) if self.band_to is not None else '∞'})")
        if self.min_growth is not None:
            conditions.append(f"growth ≥ {pc(self.min_growth)}")
        if self.max_rank is not None:
            conditions.append(f"rank ≤ {self.max_rank}")
        if self.grades is not None:
            conditions.append("grade " + "/".join(self.grades))
        pays = (f"{wan(self.amount)}" if self.amount is not None else
                f"{pc(self.rate)} of the {'increase' if self.of == 'increase' else 'base'}" + (f", ≤ {wan(self.cap)}" if self.cap is not None else ""))
        return f"{self.name}: {', '.join(conditions)} → {pays}" + (" (once per party)" if self.once_per_party else "")


class Tiered(RuleBase):
    """Tiers by base band, growth, rank or grade; the first tier whose conditions all hold pays."""

    kind: Literal["tiered"]
    tiers: tuple[Tier, ...] = Field(min_length=1)
    basic_research_weight: Ratio | None = Field(None, description="basic research counts this many times")
    base: str

    def describe(self) -> str:
        weight = f"; basic research counts × {self.basic_research_weight}" if self.basic_research_weight is not None else ""
        return f"base = {self.base}{weight}; " + "; ".join(t.describe() for t in self.tiers)


class InterestBand(Strict):
    up_to: Fen | None = Field(None, description="the part of the principal up to this amount (inclusive); none = the rest")
    lpr_share: Ratio = Field(description="subsidised at this share of the reference rate")


class InterestSubsidy(RuleBase):
    """Σ over principal bands: part × share × reference rate × days ÷ day count, ≤ interest paid (D18)."""

    kind: Literal["interest_subsidy"]
    bands: tuple[InterestBand, ...] = Field(min_length=1)
    above_last_band: Literal["not_eligible", "unsubsidised"]
    actual_rate_if_lower: bool = Field(description="the contract rate replaces the LPR when lower")
    modes: tuple[str, ...] | None = Field(None, description="loan modes that qualify; none = every mode")
    repaid_after: date | None = Field(None, description="repayment must be completed after this date")
    lpr_at: Literal["signing", "drawdown"]
    long_tenor_above_years: int = Field(ge=1, description="terms longer than this use the over-5-year LPR")
    day_count: int = Field(ge=360, le=366, description="days ÷ this (actual/365, D18)")

    @model_validator(mode="after")
    def _rising(self) -> InterestSubsidy:
        limits = [b.up_to for b in self.bands]
        bounded = [x for x in limits if x is not None]
        if bounded != sorted(set(bounded)) or None in limits[:-1]:
            raise ValueError("interest bands must rise; only the last may be open-ended")
        if limits[-1] is None and self.above_last_band == "not_eligible":
            raise ValueError("an open-ended last band leaves nothing above it")
        return self

    def describe(self) -> str:
        parts, low = [], None
        for band in self.bands:
            span = f"≤{wan(band.up_to)}" if low is None else (f"{wan(low)}–{wan(band.up_to)}" if band.up_to is not None else f">{wan(low)}")
            if band.up_to is None and low is None:
                span = "the whole principal"
            parts.append(f"{span} at {pc(band.lpr_share)} of the rate")
            low = band.up_to
        above = "a larger loan is not eligible" if self.above_last_band == "not_eligible" else "the part above is not subsidised"
        rate = f"the LPR at {self.lpr_at}" + (" (the contract rate if lower)" if self.actual_rate_if_lower else "")
        text = f"{'; '.join(parts)}; {above}; rate = {rate}; × days ÷ {self.day_count}, ≤ interest paid"
        if self.modes is not None:
            text += f"; modes {', '.join(self.modes)}"
        if self.repaid_after is not None:
            text += f"; repaid after {self.repaid_after}"
        return text


class FeeStep(Strict):
    from_rate: Ratio = Field(description="fee rate ≥ this (inclusive)")
    subsidy_rate: Ratio = Field(description="subsidy as a share of the loan")


class FeeBand(RuleBase):
    """Credit-enhancement fee subsidy: the highest step the fee rate reaches, × the loan, ≤ fee paid."""

    kind: Literal["fee_band"]
    steps: tuple[FeeStep, ...] = Field(min_length=1)
    day_count: int | None = Field(None, description="set to annualise by loan days ÷ this; none = share of the loan (D21)")

    @model_validator(mode="after")
    def _falling(self) -> FeeBand:
        froms = [s.from_rate for s in self.steps]
        if froms != sorted(set(froms), reverse=True):
            raise ValueError("fee steps must be listed from the highest fee rate down")
        return self

    def describe(self) -> str:
        steps = "; ".join(f"fee ≥ {pc(s.from_rate)} → {pc(s.subsidy_rate)} of the loan" for s in self.steps)
        return steps + ("; × days ÷ " + str(self.day_count) if self.day_count else "") + "; ≤ fee paid"


class PremiumShare(RuleBase):
    """Premium subsidy: a share of the premium, one for the party's first purchase, one for later ones."""

    kind: Literal["premium_share"]
    first: Ratio
    repeat: Ratio

    def describe(self) -> str:
        return f"first purchase {pc(self.first)}, later purchases {pc(self.repeat)} of the premium"


CALCULATIONS = (FixedAmount, CappedAmount, RateOfBase, Tiered, InterestSubsidy, FeeBand, PremiumShare)

CapScope = Literal["per_enterprise", "per_enterprise_year", "per_object", "per_project"]


class Cap(RuleBase):
    """Money granted within a scope ≤ limit; ``group`` lets several programs share one cap (D24)."""

    kind: Literal["cap"]
    scope: CapScope
    limit: Fen
    group: str | None = None
    active: bool = Field(True, description="a reading kept as an optional cap is written here, off")

    def describe(self) -> str:
        text = f"≤ {wan(self.limit)} {self.scope}" + (f", shared by group {self.group}" if self.group else "")
        return text + ("" if self.active else " — inactive (an optional reading, off)")


class LoanYearsCap(RuleBase):
    """Subsidised loan-years of a party ≤ years, across every loan (D20)."""

    kind: Literal["loan_years_cap"]
    years: int = Field(ge=1)
    group: str | None = None

    def describe(self) -> str:
        return f"≤ {self.years} subsidised loan-years per party, across its loans"


class ClaimLimit(RuleBase):
    """At most ``count`` awards of the program within a scope (仅限一次, 一次性, 连续 N 年)."""

    kind: Literal["claim_limit"]
    scope: Literal["per_enterprise", "per_object", "per_enterprise_year", "per_object_year"]
    count: int = Field(1, ge=1)

    def describe(self) -> str:
        return f"at most {self.count} award(s) {self.scope}"


class Quota(RuleBase):
    """At most ``count`` awards across all parties within a district, a year, the program's life, or on one
    object whoever claims it (e.g. one award per new product, 同一新技术新产品不重复奖补)."""

    kind: Literal["quota"]
    scope: Literal["per_district", "per_year", "per_district_year", "per_program", "per_object"]
    count: int = Field(ge=1)
    categories: tuple[str, ...] | None = Field(None, description="only awards in these categories count")
    group: str | None = None

    def describe(self) -> str:
        which = f" in categories {'/'.join(self.categories)}" if self.categories else ""
        return f"at most {self.count} award(s){which} {self.scope}, across all parties"


class NonStacking(RuleBase):
    """就高不重复: of the programs in ``group`` that pay on the same object, only the highest pays (D22)."""

    kind: Literal["non_stacking"]
    group: str
    scope: Literal["per_object", "per_enterprise"] = "per_object"

    def describe(self) -> str:
        return f"就高不重复 in group {self.group}, {self.scope}"


class Eligibility(RuleBase):
    """Who may receive it: party kinds the ledger checks, and conditions the officer attests."""

    kind: Literal["eligibility"]
    party_kinds: tuple[str, ...] | None = None
    attested: tuple[str, ...] = ()

    def describe(self) -> str:
        kinds = f"party kinds {'/'.join(self.party_kinds)}; " if self.party_kinds else ""
        return kinds + ("attested by the officer: " + "; ".join(self.attested) if self.attested else "")


BOUNDS = (Cap, LoanYearsCap, ClaimLimit, Quota, NonStacking, Eligibility)

SUBSIDY_KINDS = [*CALCULATIONS, *BOUNDS]
