"""Rule kinds of 拨改投 equity (股权投资专项) and its exit concessions (收益让渡).

Each kind is a calculation the code knows; every number (caps, shares, years, rates) and every
reading of an open point (D10–D17) is a parameter written in ``policies/programs/*.toml``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qdledger.policy.base import Fen, Ratio, RuleBase, Strict

AWARD_LEVELS = ("national", "provincial", "municipal")
EXIT_METHODS = ("buyback", "transfer", "exchange", "liquidation")


class InvestmentCap(RuleBase):
    """One investment (单个项目的投资强度) ≤ cap (D10)."""

    kind: Literal["investment_cap"]
    cap: Fen


class StakeCeiling(RuleBase):
    """The fund's stake after the investment ≤ ceiling of total share capital, unless an exception
    record names its special approval (D10)."""

    kind: Literal["stake_ceiling"]
    ceiling: Ratio
    exception: Literal["special_approval", "none"] = "special_approval"


class NotLargestShareholder(RuleBase):
    """The fund is never the largest shareholder: its stake stays below the largest other holder's
    (``ties_refused``: an equal stake counts as largest, D10)."""

    kind: Literal["not_largest_shareholder"]
    ties_refused: bool = True


class TermLimit(RuleBase):
    """Term ≤ ``years``; up to ``extended_max_years`` only with a recorded special approval (D10)."""

    kind: Literal["term_limit"]
    years: int = Field(gt=0)
    extended_max_years: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> TermLimit:
        if self.extended_max_years < self.years:
            raise ValueError("extended_max_years must be at least years")
        return self


class DiscountWhenOpenProject(RuleBase):
    """A negotiated price discount > 0 is required when the investee holds an open (not yet
    accepted) grant of one of ``programs`` on the investment date (D11)."""

    kind: Literal["discount_when_open_project"]
    programs: tuple[str, ...] = Field(min_length=1)


class ExitMethods(RuleBase):
    """The ways a position may be exited (股权转让、股东回购、产权交易、清算解散)."""

    kind: Literal["exit_methods"]
    methods: tuple[Literal["buyback", "transfer", "exchange", "liquidation"], ...] = Field(min_length=1)


class RevolvingPool(RuleBase):
    """Dividends and exit receipts return to a revolving pool (循环滚动投资) that later investments
    may draw on, never below zero."""

    kind: Literal["revolving_pool"]
    receives: tuple[Literal["dividends", "exit_receipts"], ...] = ("dividends", "exit_receipts")


class TrusteeCostAllowance(RuleBase):
    """Trustee cost for a year ≤ rate × the previous year's fiscal money under investment (D17);
    ``measure`` reads "上年实际管理在投财政资金数" as the year-end balance or the daily average."""

    kind: Literal["trustee_cost_allowance"]
    rate: Ratio
    measure: Literal["year_end", "daily_average"] = "year_end"


class InvestmentReturn(RuleBase):
    """财政资金投资收益 = net exit proceeds (+ distributions under ``exit_plus_distributions``) −
    principal (D12); a return ≤ 0 has no concession (loss tolerance)."""

    kind: Literal["investment_return"]
    basis: Literal["exit_only", "exit_plus_distributions"] = "exit_only"


class RankShare(Strict):
    rank: int = Field(ge=0, description="1 = 一等奖, 2 = 二等奖 …; 0 = 特等奖")
    share: Ratio


class AwardGround(RuleBase):
    """An award won during holding (as lead unit when ``lead_unit_required``) caps the concession at
    the share set for its level and rank (D13)."""

    kind: Literal["award_ground"]
    level: Literal["national", "provincial", "municipal"]
    ranks: tuple[RankShare, ...] = Field(min_length=1)
    lead_unit_required: bool = True

    def share_for(self, rank: int):
        return next((r.share for r in self.ranks if r.rank == rank), None)


class EarlyExitShare(RuleBase):
    """Exit at least ``years`` before maturity (D15) caps the concession at ``share`` of the return."""

    kind: Literal["early_exit_share"]
    years: int = Field(gt=0)
    share: Ratio


class EarlyExitAboveBenchmark(RuleBase):
    """Exit at least ``years`` before maturity concedes the return above a benchmark = principal ×
    LPR of the month before exit × holding days / ``days_per_year``, simple interest (D16)."""

    kind: Literal["early_exit_above_benchmark"]
    years: int = Field(gt=0)
    lpr_tenor: Literal["one_year", "five_year"] = "one_year"
    lpr_month: Literal["month_before_exit"] = "month_before_exit"
    days_per_year: int = Field(365, gt=0)
    interest: Literal["simple"] = "simple"


class GroundsCombine(RuleBase):
    """Several grounds never add up: the ceiling is the single highest ground, capped at
    ``cap_share`` of the return (就高, D14)."""

    kind: Literal["concession_grounds_combine"]
    mode: Literal["highest"] = "highest"
    cap_share: Ratio


EQUITY_KINDS = [InvestmentCap, StakeCeiling, NotLargestShareholder, TermLimit, DiscountWhenOpenProject,
                ExitMethods, RevolvingPool, TrusteeCostAllowance, InvestmentReturn, AwardGround, EarlyExitShare,
                EarlyExitAboveBenchmark, GroundsCombine]
