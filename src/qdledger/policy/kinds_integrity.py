"""Rule kinds of research integrity (科研诚信) and recoveries (追回): what each needs, never its numbers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qdledger.i18n import Text
from qdledger.policy.base import RuleBase, Strict
from qdledger.policy.words import codes, each, measure_codes

MeasureEffect = Literal["talk", "notice", "suspend", "terminate", "recover", "ban", "database", "other"]
RecoveryBasis = Literal["all_disbursed", "amount", "proportional", "covenant"]


class Ground(Strict):
    code: str = Field(description="item of the article, e.g. 八")
    name_zh: str
    name_en: str


class GroundCatalogue(RuleBase):
    """The kinds of misconduct a case can be opened on (科研失信行为, Art. 11)."""

    kind: Literal["ground_catalogue"]
    grounds: tuple[Ground, ...] = Field(min_length=1)

    def describe(self) -> Text:
        return each(self.grounds, lambda g: Text(f"（{g.code}）{g.name_zh}", f"({g.code}) {g.name_en}"))


class Measure(Strict):
    code: str = Field(description="item of the article, e.g. 五")
    name_zh: str
    name_en: str
    effects: tuple[MeasureEffect, ...] = ()


class MeasureCatalogue(RuleBase):
    """The measures a decision may take (处理措施, Art. 12) and what each does to the money."""

    kind: Literal["measure_catalogue"]
    measures: tuple[Measure, ...] = Field(min_length=1)

    def describe(self) -> Text:
        return each(self.measures, lambda m: Text(f"（{m.code}）{m.name_zh}", f"({m.code}) {m.name_en}"))


class MeasureRequires(RuleBase):
    """Giving any of ``when`` obliges the decision to give ``requires`` as well."""

    kind: Literal["measure_requires"]
    when: tuple[str, ...] = Field(min_length=1)
    requires: str

    def describe(self) -> Text:
        when, requires = measure_codes(self.when), measure_codes([self.requires])
        return Text(f"给予{when.zh}处理措施的，须同时给予{requires.zh}",
                    f"a decision giving {when.en} must also give {requires.en}")


class SeverityBand(RuleBase):
    """One rung of the severity ladder: the measures it allows and the bounds of a ban (inclusive, D5)."""

    kind: Literal["severity_band"]
    severity: str = Field(description="the Chinese word, e.g. 严重")
    name_en: str
    aliases: tuple[str, ...] = ()
    measures: tuple[str, ...] = Field(min_length=1, description="measure codes this severity may give")
    bans: bool = Field(description="whether a ban term (禁止/取消期限) may be set")
    ban_years_min: int | None = Field(None, ge=1)
    ban_years_max: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> SeverityBand:
        if not self.bans and (self.ban_years_min or self.ban_years_max):
            raise ValueError("a severity without bans cannot bound a ban")
        if self.ban_years_min and self.ban_years_max and self.ban_years_min > self.ban_years_max:
            raise ValueError("ban_years_min is above ban_years_max")
        return self

    def describe(self) -> Text:
        measures = measure_codes(self.measures)
        ban = self.ban_term()
        return Text(f"{self.severity}：可给予{measures.zh}处理措施；{ban.zh}", f"{self.name_en}: may give {measures.en}; {ban.en}")

    def ban_term(self) -> Text:
        """The ban this severity allows, bounds included; worded once for the catalogue and for refusals."""
        low, high = self.ban_years_min, self.ban_years_max
        if not self.bans:
            return Text("不设禁止期限", "no ban")
        if low and high:
            return Text(f"禁止期限 {low} 至 {high} 年（含）", f"a ban of {low} to {high} years inclusive")
        if high:
            return Text(f"禁止期限不超过 {high} 年", f"a ban of at most {high} years")
        if low:
            return Text(f"禁止期限不少于 {low} 年", f"a ban of at least {low} years")
        return Text("可设禁止期限", "a ban may be set")


class InterimSuspension(RuleBase):
    """暂停拨付 before a decision (Art. 20): which grants a case suspends unless it names them (D4)."""

    kind: Literal["interim_suspension"]
    default_scope: Literal["all", "none"] = "all"

    def describe(self) -> Text:
        if self.default_scope == "all":
            return Text("立案后、作出处理决定前，暂停拨付该主体的全部项目，立案时列明项目的除外",
                        "before a decision, a case suspends releases to every grant of the party unless it names the grants")
        return Text("立案后、作出处理决定前，仅暂停拨付立案时列明的项目",
                    "before a decision, a case suspends releases only to the grants it names")


class Termination(RuleBase):
    """A terminated project is released nothing more; its undisbursed commitment goes back (D3)."""

    kind: Literal["termination"]

    def describe(self) -> Text:
        return Text("项目终止后不再拨付，未拨付的立项金额收回",
                    "a terminated project is released nothing more; its undisbursed commitment goes back")


class BanClock(RuleBase):
    """A ban runs from the decision date, shortened by the days suspended before it (Art. 25, D6)."""

    kind: Literal["ban_clock"]
    offset_suspended_days: bool = True

    def describe(self) -> Text:
        if self.offset_suspended_days:
            return Text("禁止期限自处理决定之日起算，扣减决定前已暂停的天数",
                        "a ban runs from the decision date, shortened by the days suspended before it")
        return Text("禁止期限自处理决定之日起算", "a ban runs from the decision date")


class AwardBan(RuleBase):
    """During a ban set by these measures, no award of a program requiring good research credit (D6)."""

    kind: Literal["award_ban"]
    ban_measures: tuple[str, ...] = Field(min_length=1)

    def describe(self) -> Text:
        measures = measure_codes(self.ban_measures)
        return Text(f"{measures.zh}处理措施的禁止期限内，不得获得要求科研诚信良好的项目支持",
                    f"during a ban set by {measures.en}, no award of a program that requires good research credit")


class CreditRepair(RuleBase):
    """信用修复 (Art. 18): inside the ban, an earlier end or removal from the list, never a longer ban."""

    kind: Literal["credit_repair"]
    may_remove: bool = True

    def describe(self) -> Text:
        if self.may_remove:
            return Text("禁止期限内可提前结束或移出名单，不得延长",
                        "within the ban: an earlier end or removal from the list, never a longer ban")
        return Text("禁止期限内可提前结束，不得延长", "within the ban: an earlier end, never a longer ban")


class Review(RuleBase):
    """复查 (Art. 23): recorded beside the decision; the decision keeps running meanwhile."""

    kind: Literal["review"]

    def describe(self) -> Text:
        return Text("复查与处理决定并列记录，复查期间处理决定继续执行",
                    "recorded beside the decision; the decision keeps running meanwhile")


class RecoveryBound(RuleBase):
    """A recovery order ≤ disbursed − already claimed back under the grants it names (D7)."""

    kind: Literal["recovery_bound"]
    bases: tuple[RecoveryBasis, ...] = Field(min_length=1)

    def describe(self) -> Text:
        bases = codes("recovery_basis", self.bases)
        return Text(f"追回金额不超过所列项目已拨付减已追回的金额；追回方式：{bases.zh}",
                    f"a recovery at most disbursed − already claimed back under the grants it names; on: {bases.en}")


class RepaymentBound(RuleBase):
    """A repayment ≤ the outstanding receivable: it can never go negative (D7)."""

    kind: Literal["repayment_bound"]

    def describe(self) -> Text:
        return Text("还款不超过尚未收回的应收款，余额不得为负",
                    "a repayment at most the outstanding receivable, never below zero")


class CovenantRefund(RuleBase):
    """A broken commitment (承诺) makes all funds under the award refundable within a window (D9)."""

    kind: Literal["covenant_refund"]
    due_months: int = Field(gt=0)

    def describe(self) -> Text:
        return Text(f"违反承诺的，该项目全部资金须在 {self.due_months} 个月内退回",
                    f"a broken commitment makes all funds under the award refundable within {self.due_months} months")


class ProportionalClawback(RuleBase):
    """同比例收回 (D8): disbursed × (planned − actual own investment) / planned, half-up to the fen."""

    kind: Literal["proportional_clawback"]

    def describe(self) -> Text:
        return Text("收回额 = 已拨付 × (计划自筹 − 实际自筹) ÷ 计划自筹，四舍五入到分",
                    "disbursed × (planned − actual own investment) ÷ planned, rounded half-up to the fen")


INTEGRITY_KINDS = [GroundCatalogue, MeasureCatalogue, MeasureRequires, SeverityBand, InterimSuspension,
                   Termination, BanClock, AwardBan, CreditRepair, Review, RecoveryBound, RepaymentBound, CovenantRefund,
                   ProportionalClawback]
