"""Rule kinds of subsidies and awards: how an entitlement is computed, and what bounds it.

A claimable program has exactly one calculation rule (fixed amount, capped amount, rate × base,
tiers, interest, fee band, premium share) and any number of bounds (caps, loan-year caps, claim
limits, quotas, non-stacking, eligibility). Every number is a field here and a value in a file.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from qdledger.i18n import Text
from qdledger.policy.base import Fen, Ratio, RuleBase, Strict
from qdledger.policy.words import code, codes, each, glue, group, items, money, scope, share, years


def _each_category(table: dict[str, int], lead: Text) -> Text:
    def one(item: tuple[str, int]) -> Text:
        name = code("award_category", item[0])
        return Text(f"{name.zh} {money(item[1]).zh}", f"{name.en} {money(item[1]).en}")

    amounts = each(table.items(), one, "，", ", ")
    return Text(lead.zh + amounts.zh, lead.en + amounts.en)


def _at_least(base: str | None, amount: int | None) -> Text | None:
    if amount is None:
        return None
    return Text(f"{base or '基数'}不低于 {money(amount).zh}", f"{base or 'the base'} at least {money(amount).en}")


def _min_share(base: str | None, ratio: Fraction | None) -> Text | None:
    if ratio is None:
        return None
    return Text(f"{base or '基数'}占营业收入比例不低于 {share(ratio)}", f"{base or 'the base'} ÷ revenue at least {share(ratio)}")


def _principal_part(low: int | None, high: int | None) -> Text:
    if low is None and high is None:
        return Text("全部本金", "the whole principal")
    if low is None:
        return Text(f"不超过 {money(high).zh}的部分", f"up to {money(high).en}")
    if high is None:
        return Text(f"超过 {money(low).zh}的部分", f"above {money(low).en}")
    return Text(f"{money(low).zh}至 {money(high).zh}的部分", f"{money(low).en} to {money(high).en}")


def _awards(count: int) -> str:
    return f"{count} award" + ("" if count == 1 else "s")


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

    def describe(self) -> Text:
        pays = _each_category(self.categories, Text("按类别：", "by category: ")) if self.categories else \
            Text(f"每项 {money(self.amount).zh}", f"{money(self.amount).en} per award")
        return glue(pays, _at_least(self.base, self.min_base), _min_share(self.base, self.min_share))

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

    def describe(self) -> Text:
        if self.cap is not None:
            pays = Text(f"核定金额最高 {money(self.cap).zh}", f"approved amount at most {money(self.cap).en}")
        else:
            pays = _each_category(self.categories, Text("核定金额不超过所属类别上限：", "approved amount at most the cap of its category: "))
        repeat = None if self.repeat_cap is None else Text(f"此后同一主体每次最高 {money(self.repeat_cap).zh}",
                                                           f"every later award to the same party at most {money(self.repeat_cap).en}")
        return glue(pays, repeat, _at_least(self.base, self.min_base))

class RateOfBase(RuleBase):
    """rate × a recorded, dated base, at most the cap per award (D23)."""

    kind: Literal["rate_of_base"]
    rate: Ratio
    cap: Fen | None = None
    min_base: Fen | None = None
    base: str = Field(description="what the base is, e.g. 相关投资额")

    def describe(self) -> Text:
        cap = Text("，不设上限", ", no cap") if self.cap is None else Text(f"，最高 {money(self.cap).zh}", f", at most {money(self.cap).en}")
        pays = Text(f"{self.base}的 {share(self.rate)}{cap.zh}", f"{share(self.rate)} of {self.base}{cap.en}")
        return glue(pays, _at_least(self.base, self.min_base))

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

    def describe(self) -> Text:
        conditions = glue(self._band(), self._growth(), self._rank(), self._grades(), zh="，", en=", ")
        once = Text("（每个主体限一次）", " (once per party)") if self.once_per_party else Text("", "")
        pays = self._pays_what()
        if not conditions.zh:
            return Text(f"{self.name}：{pays.zh}{once.zh}", f"{self.name}: {pays.en}{once.en}")
        return Text(f"{self.name}：{conditions.zh} → {pays.zh}{once.zh}", f"{self.name}: {conditions.en} → {pays.en}{once.en}")

    def _band(self) -> Text | None:
        low, high = self.band_from, self.band_to
        if low is not None and high is not None:
            return Text(f"基数不低于 {money(low).zh}、低于 {money(high).zh}", f"base from {money(low).en} to below {money(high).en}")
        if low is not None:
            return Text(f"基数不低于 {money(low).zh}", f"base at least {money(low).en}")
        if high is not None:
            return Text(f"基数低于 {money(high).zh}", f"base below {money(high).en}")
        return None

    def _growth(self) -> Text | None:
        if self.min_growth is None:
            return None
        return Text(f"增长不低于 {share(self.min_growth)}", f"growth at least {share(self.min_growth)}")

    def _rank(self) -> Text | None:
        return None if self.max_rank is None else Text(f"排名前 {self.max_rank}", f"ranked in the top {self.max_rank}")

    def _grades(self) -> Text | None:
        return None if self.grades is None else Text(f"评价为{'、'.join(self.grades)}", f"graded {' or '.join(self.grades)}")

    def _pays_what(self) -> Text:
        if self.amount is not None:
            return money(self.amount)
        of = Text("增量", "increase") if self.of == "increase" else Text("基数", "base")
        cap = Text("", "") if self.cap is None else Text(f"，最高 {money(self.cap).zh}", f", at most {money(self.cap).en}")
        return Text(f"{of.zh}的 {share(self.rate)}{cap.zh}", f"{share(self.rate)} of the {of.en}{cap.en}")

class Tiered(RuleBase):
    """Tiers by base band, growth, rank or grade; the first tier whose conditions all hold pays."""

    kind: Literal["tiered"]
    tiers: tuple[Tier, ...] = Field(min_length=1)
    basic_research_weight: Ratio | None = Field(None, description="basic research counts this many times")
    base: str

    def describe(self) -> Text:
        weight = None if self.basic_research_weight is None else \
            Text(f"基础研究按 {self.basic_research_weight} 倍计", f"basic research counts {self.basic_research_weight} times")
        return glue(Text(f"基数为{self.base}", f"base = {self.base}"), weight, *(t.describe() for t in self.tiers))

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

    def describe(self) -> Text:
        above = Text("贷款超过最高档的不予贴息", "a larger loan is not eligible") if self.above_last_band == "not_eligible" \
            else Text("超出部分不贴息", "the part above is not subsidised")
        modes = None if self.modes is None else Text(f"限{codes('loan_mode', self.modes).zh}", f"modes: {codes('loan_mode', self.modes).en}")
        repaid = None if self.repaid_after is None else Text(f"须在 {self.repaid_after} 之后还清", f"repaid after {self.repaid_after}")
        return glue(self._bands(), above, self._rate(), modes, repaid)

    def _bands(self) -> Text:
        parts, low = [], None
        for band in self.bands:
            part = _principal_part(low, band.up_to)
            parts.append(Text(f"{part.zh}按利率的 {share(band.lpr_share)}贴息", f"{part.en} at {share(band.lpr_share)} of the rate"))
            low = band.up_to
        return glue(*parts)

    def _rate(self) -> Text:
        at = Text("签订合同时", "signing") if self.lpr_at == "signing" else Text("放款时", "drawdown")
        lower = Text("，合同利率更低时按合同利率", " (the contract rate if lower)") if self.actual_rate_if_lower else Text("", "")
        years = self.long_tenor_above_years
        return Text(f"利率取{at.zh}的 LPR{lower.zh}，期限超过 {years} 年的取 5 年期以上 LPR；按实际天数 ÷ {self.day_count} 计，不超过实付利息",
                    f"rate = the LPR at {at.en}{lower.en}, the over-five-year LPR for terms over {years} years; "
                    f"× days ÷ {self.day_count}, at most the interest paid")

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

    def describe(self) -> Text:
        steps = [Text(f"费率不低于 {share(s.from_rate)} 的，按贷款额的 {share(s.subsidy_rate)} 补贴",
                      f"fee rate at least {share(s.from_rate)} → {share(s.subsidy_rate)} of the loan") for s in self.steps]
        days = None if not self.day_count else Text(f"按贷款天数 ÷ {self.day_count} 折算", f"× loan days ÷ {self.day_count}")
        return glue(*steps, days, Text("不超过实付费用", "at most the fee paid"))

class PremiumShare(RuleBase):
    """Premium subsidy: a share of the premium, one for the party's first purchase, one for later ones."""

    kind: Literal["premium_share"]
    first: Ratio
    repeat: Ratio

    def describe(self) -> Text:
        return Text(f"首次投保补贴保费的 {share(self.first)}，续保补贴 {share(self.repeat)}",
                    f"first purchase {share(self.first)} of the premium, later purchases {share(self.repeat)}")

CALCULATIONS = (FixedAmount, CappedAmount, RateOfBase, Tiered, InterestSubsidy, FeeBand, PremiumShare)

CapScope = Literal["per_enterprise", "per_enterprise_year", "per_object", "per_project"]


class Cap(RuleBase):
    """Money granted within a scope ≤ limit; ``group`` lets several programs share one cap (D24)."""

    kind: Literal["cap"]
    scope: CapScope
    limit: Fen
    group: str | None = None
    active: bool = Field(True, description="a reading kept as an optional cap is written here, off")

    def describe(self) -> Text:
        where = scope(self.scope)
        shared = Text("", "") if not self.group else Text(f"，由{group(self.group).zh}共用", f", shared by {group(self.group).en}")
        off = Text("", "") if self.active else Text("（可选口径，未启用）", " (an optional reading, off)")
        return Text(f"{where.zh}最高 {money(self.limit).zh}{shared.zh}{off.zh}",
                    f"at most {money(self.limit).en} {where.en}{shared.en}{off.en}")

class LoanYearsCap(RuleBase):
    """Subsidised loan-years of a party ≤ years, across every loan (D20)."""

    kind: Literal["loan_years_cap"]
    years: int = Field(ge=1)
    group: str | None = None

    def describe(self) -> Text:
        return Text(f"每个主体各笔贷款合计贴息不超过 {self.years} 年", f"at most {years(self.years)} of subsidised loans per party, across its loans")

class ClaimLimit(RuleBase):
    """At most ``count`` awards of the program within a scope (仅限一次, 一次性, 连续 N 年)."""

    kind: Literal["claim_limit"]
    scope: Literal["per_enterprise", "per_object", "per_enterprise_year", "per_object_year"]
    count: int = Field(1, ge=1)

    def describe(self) -> Text:
        where = scope(self.scope)
        return Text(f"{where.zh}限 {self.count} 次", f"at most {_awards(self.count)} {where.en}")

class Quota(RuleBase):
    """At most ``count`` awards across all parties within a district, a year, the program's life, or on one
    object whoever claims it (e.g. one award per new product, 同一新技术新产品不重复奖补)."""

    kind: Literal["quota"]
    scope: Literal["per_district", "per_year", "per_district_year", "per_program", "per_object"]
    count: int = Field(ge=1)
    categories: tuple[str, ...] | None = Field(None, description="only awards in these categories count")
    group: str | None = None

    def describe(self) -> Text:
        where = scope(self.scope)
        kinds = codes("award_category", self.categories or ())
        which = Text("", "") if not self.categories else Text(kinds.zh, f" ({kinds.en})")
        return Text(f"{where.zh}{which.zh}共 {self.count} 个名额（所有主体合计）",
                    f"at most {_awards(self.count)}{which.en} {where.en}, across all parties")

class NonStacking(RuleBase):
    """就高不重复: of the programs in ``group`` that pay on the same object, only the highest pays (D22)."""

    kind: Literal["non_stacking"]
    group: str
    scope: Literal["per_object", "per_enterprise"] = "per_object"

    def describe(self) -> Text:
        where = scope(self.scope)
        members = group(self.group)
        return Text(f"{members.zh}之间{where.zh}只取最高一项", f"only the highest award of {members.en} pays, {where.en}")

class Eligibility(RuleBase):
    """Who may receive it: party kinds the ledger checks, and conditions the officer attests."""

    kind: Literal["eligibility"]
    party_kinds: tuple[str, ...] | None = None
    attested: tuple[str, ...] = ()

    def describe(self) -> Text:
        kinds = None if not self.party_kinds else Text(f"限{codes('party_kind', self.party_kinds).zh}",
                                                       f"party kinds: {codes('party_kind', self.party_kinds).en}")
        attested = None if not self.attested else Text(f"经办确认：{items(self.attested, '；', '; ').zh}",
                                                       f"attested by the officer: {items(self.attested, '；', '; ').en}")
        return glue(kinds, attested) if kinds or attested else Text("无其他条件", "no further conditions")

BOUNDS = (Cap, LoanYearsCap, ClaimLimit, Quota, NonStacking, Eligibility)

SUBSIDY_KINDS = [*CALCULATIONS, *BOUNDS]
