"""Rule kinds of research integrity (科研诚信) and recoveries (追回): what each needs, never its numbers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qdledger.policy.base import RuleBase, Strict

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


class Measure(Strict):
    code: str = Field(description="item of the article, e.g. 五")
    name_zh: str
    name_en: str
    effects: tuple[MeasureEffect, ...] = ()


class MeasureCatalogue(RuleBase):
    """The measures a decision may take (处理措施, Art. 12) and what each does to the money."""

    kind: Literal["measure_catalogue"]
    measures: tuple[Measure, ...] = Field(min_length=1)


class MeasureRequires(RuleBase):
    """Giving any of ``when`` obliges the decision to give ``requires`` as well."""

    kind: Literal["measure_requires"]
    when: tuple[str, ...] = Field(min_length=1)
    requires: str


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


class InterimSuspension(RuleBase):
    """暂停拨付 before a decision (Art. 20): which grants a case suspends unless it names them (D4)."""

    kind: Literal["interim_suspension"]
    default_scope: Literal["all", "none"] = "all"


class Termination(RuleBase):
    """A terminated project is released nothing more; its undisbursed commitment goes back (D3)."""

    kind: Literal["termination"]


class BanClock(RuleBase):
    """A ban runs from the decision date, shortened by the days suspended before it (Art. 25, D6)."""

    kind: Literal["ban_clock"]
    offset_suspended_days: bool = True


class AwardBan(RuleBase):
    """During a ban set by these measures, no award of a program requiring good research credit (D6)."""

    kind: Literal["award_ban"]
    ban_measures: tuple[str, ...] = Field(min_length=1)


class CreditRepair(RuleBase):
    """信用修复 (Art. 18): inside the ban, an earlier end or removal from the list, never a longer ban."""

    kind: Literal["credit_repair"]
    may_remove: bool = True


class Review(RuleBase):
    """复查 (Art. 23): recorded beside the decision; the decision keeps running meanwhile."""

    kind: Literal["review"]


class RecoveryBound(RuleBase):
    """A recovery order ≤ disbursed − already claimed back under the grants it names (D7)."""

    kind: Literal["recovery_bound"]
    bases: tuple[RecoveryBasis, ...] = Field(min_length=1)


class RepaymentBound(RuleBase):
    """A repayment ≤ the outstanding receivable: it can never go negative (D7)."""

    kind: Literal["repayment_bound"]


class CovenantRefund(RuleBase):
    """A broken commitment (承诺) makes all funds under the award refundable within a window (D9)."""

    kind: Literal["covenant_refund"]
    due_months: int = Field(gt=0)


class ProportionalClawback(RuleBase):
    """同比例收回 (D8): disbursed × (planned − actual own investment) / planned, half-up to the fen."""

    kind: Literal["proportional_clawback"]


INTEGRITY_KINDS = [GroundCatalogue, MeasureCatalogue, MeasureRequires, SeverityBand, InterimSuspension,
                   Termination, BanClock, AwardBan, CreditRepair, Review, RecoveryBound, RepaymentBound, CovenantRefund,
                   ProportionalClawback]
