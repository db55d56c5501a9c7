"""Rule kinds of 拨改投 equity (股权投资专项) and its exit concessions (收益让渡).

Each kind is a calculation the code knows; every number (caps, shares, years, rates) and every
reading of an open point (D10–D17) is a parameter written in ``policies/programs/*.toml``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qdledger.i18n import Text
from qdledger.policy.base import Fen, Ratio, RuleBase, Strict
from qdledger.policy.words import codes, each, items, money, share, years

AWARD_LEVELS = ("national", "provincial", "municipal")
EXIT_METHODS = ("buyback", "transfer", "exchange", "liquidation")
LEVELS = {"national": Text("国家级", "national"), "provincial": Text("省级", "provincial"),
          "municipal": Text("市级", "municipal")}
RECEIPTS = {"dividends": Text("分红", "dividends"), "exit_receipts": Text("退出收回资金", "exit receipts")}
LPR_TENORS = {"one_year": Text("1年期", "one-year"), "five_year": Text("5年期以上", "over-five-year")}
ZH_NUMBERS = "特一二三四五六七八九十"


class InvestmentCap(RuleBase):
    """One investment (单个项目的投资强度) ≤ cap (D10)."""

    kind: Literal["investment_cap"]
    cap: Fen

    def describe(self) -> Text:
        cap = money(self.cap)
        return Text(f"单个项目投资最高 {cap.zh}", f"at most {cap.en} per investment")


class StakeCeiling(RuleBase):
    """The fund's stake after the investment ≤ ceiling of total share capital, unless an exception
    record names its special approval (D10)."""

    kind: Literal["stake_ceiling"]
    ceiling: Ratio
    exception: Literal["special_approval", "none"] = "special_approval"

    def describe(self) -> Text:
        unless = Text("，经特别批准的除外", ", unless specially approved") if self.exception == "special_approval" \
            else Text("，无例外", ", without exception")
        return Text(f"投资后持股不超过总股本的 {share(self.ceiling)}{unless.zh}",
                    f"stake after the investment at most {share(self.ceiling)} of total share capital{unless.en}")


class NotLargestShareholder(RuleBase):
    """The fund is never the largest shareholder: its stake stays below the largest other holder's
    (``ties_refused``: an equal stake counts as largest, D10)."""

    kind: Literal["not_largest_shareholder"]
    ties_refused: bool = True

    def describe(self) -> Text:
        ties = Text("持股相同视为第一大股东", "an equal stake counts as largest") if self.ties_refused \
            else Text("持股相同不视为第一大股东", "an equal stake is allowed")
        return Text(f"持股须低于最大的其他股东（{ties.zh}）",
                    f"the stake stays below the largest other holder's ({ties.en})")


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

    def describe(self) -> Text:
        return Text(f"投资期限不超过 {self.years} 年，经特别批准最长 {self.extended_max_years} 年",
                    f"at most {self.years} years; up to {self.extended_max_years} years with a special approval")


class DiscountWhenOpenProject(RuleBase):
    """A negotiated price discount > 0 is required when the investee holds an open (not yet
    accepted) grant of one of ``programs`` on the investment date (D11)."""

    kind: Literal["discount_when_open_project"]
    programs: tuple[str, ...] = Field(min_length=1)

    def describe(self) -> Text:
        from qdledger.labels import program_name

        names = items([program_name(p) or p for p in self.programs])
        return Text(f"投资日被投企业承担的{names.zh}尚未验收的，须协商价格折让",
                    f"a negotiated price discount is required while the investee holds a grant of {names.en} "
                    "not yet accepted on the investment date")


class ExitMethods(RuleBase):
    """The ways a position may be exited (股权转让、股东回购、产权交易、清算解散)."""

    kind: Literal["exit_methods"]
    methods: tuple[Literal["buyback", "transfer", "exchange", "liquidation"], ...] = Field(min_length=1)

    def describe(self) -> Text:
        return codes("exit_method", self.methods)


class RevolvingPool(RuleBase):
    """Dividends and exit receipts return to a revolving pool (循环滚动投资) that later investments
    may draw on, never below zero."""

    kind: Literal["revolving_pool"]
    receives: tuple[Literal["dividends", "exit_receipts"], ...] = ("dividends", "exit_receipts")

    def describe(self) -> Text:
        receipts = each(self.receives, RECEIPTS.__getitem__, "和", " and ")
        return Text(f"{receipts.zh}进入循环资金池，用于后续投资，余额不得为负",
                    f"{receipts.en} return to a revolving pool that later investments draw on, never below zero")


class TrusteeCostAllowance(RuleBase):
    """Trustee cost for a year ≤ rate × the previous year's fiscal money under investment (D17);
    ``measure`` reads "上年实际管理在投财政资金数" as the year-end balance or the daily average."""

    kind: Literal["trustee_cost_allowance"]
    rate: Ratio
    measure: Literal["year_end", "daily_average"] = "year_end"

    def describe(self) -> Text:
        measure = codes("trustee_measure", [self.measure])
        return Text(f"年度受托管理工作成本不超过上年实际管理在投财政资金（{measure.zh}）的 {share(self.rate)}",
                    f"trustee cost for a year at most {share(self.rate)} of the previous year's fiscal money "
                    f"under investment ({measure.en})")


class InvestmentReturn(RuleBase):
    """财政资金投资收益 = net exit proceeds (+ distributions under ``exit_plus_distributions``) −
    principal (D12); a return ≤ 0 has no concession (loss tolerance)."""

    kind: Literal["investment_return"]
    basis: Literal["exit_only", "exit_plus_distributions"] = "exit_only"

    def describe(self) -> Text:
        plus = Text(" + 持有期分红", " + distributions") if self.basis == "exit_plus_distributions" else Text("", "")
        return Text(f"收益 = 退出净所得{plus.zh} − 投资本金；收益不为正时不让渡",
                    f"return = net exit proceeds{plus.en} − principal; no concession when the return is not positive")


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

    def describe(self) -> Text:
        level = LEVELS[self.level]
        lead = Text("以牵头单位", " as lead unit") if self.lead_unit_required else Text("", "")
        ranks = each(self.ranks, lambda r: Text(f"{_prize(r.rank).zh}让渡不超过收益的 {share(r.share)}",
                                                f"{_prize(r.rank).en} at most {share(r.share)} of the return"), "，", ", ")
        return Text(f"持有期内{lead.zh}获{level.zh}科学技术奖励：{ranks.zh}",
                    f"a {level.en} science and technology award won during holding{lead.en}: {ranks.en}")


def _prize(rank: int) -> Text:
    """特等奖 for rank 0, 一等奖 for 1 …; 1st prize … in English."""
    zh = f"{ZH_NUMBERS[rank]}等奖" if rank < len(ZH_NUMBERS) else f"第{rank}等奖"
    en = "special prize" if rank == 0 else f"{rank}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(rank, 'th') } prize"
    return Text(zh, en)


class EarlyExitShare(RuleBase):
    """Exit at least ``years`` before maturity (D15) caps the concession at ``share`` of the return."""

    kind: Literal["early_exit_share"]
    years: int = Field(gt=0)
    share: Ratio

    def describe(self) -> Text:
        return Text(f"比约定期限提前 {self.years} 年及以上退出：让渡不超过收益的 {share(self.share)}",
                    f"exit at least {years(self.years)} before maturity: at most {share(self.share)} of the return")


class EarlyExitAboveBenchmark(RuleBase):
    """Exit at least ``years`` before maturity concedes the return above a benchmark = principal ×
    LPR of the month before exit × holding days / ``days_per_year``, simple interest (D16)."""

    kind: Literal["early_exit_above_benchmark"]
    years: int = Field(gt=0)
    lpr_tenor: Literal["one_year", "five_year"] = "one_year"
    lpr_month: Literal["month_before_exit"] = "month_before_exit"
    days_per_year: int = Field(365, gt=0)
    interest: Literal["simple"] = "simple"

    def describe(self) -> Text:
        tenor = LPR_TENORS[self.lpr_tenor]
        return Text(f"比约定期限提前 {self.years} 年及以上退出：让渡超过基准的收益；基准 = 本金 × 退出前一个月的{tenor.zh} LPR "
                    f"× 持有天数 ÷ {self.days_per_year}（单利）",
                    f"exit at least {years(self.years)} before maturity: the return above a benchmark; benchmark = "
                    f"principal × the {tenor.en} LPR of the month before exit × holding days ÷ {self.days_per_year} "
                    "(simple interest)")


class GroundsCombine(RuleBase):
    """Several grounds never add up: the ceiling is the single highest ground, capped at
    ``cap_share`` of the return (就高, D14)."""

    kind: Literal["concession_grounds_combine"]
    mode: Literal["highest"] = "highest"
    cap_share: Ratio

    def describe(self) -> Text:
        return Text(f"多种情形不叠加，按最高一项，且不超过收益的 {share(self.cap_share)}",
                    f"grounds never add up: the highest one applies, at most {share(self.cap_share)} of the return")


EQUITY_KINDS = [InvestmentCap, StakeCeiling, NotLargestShareholder, TermLimit, DiscountWhenOpenProject,
                ExitMethods, RevolvingPool, TrusteeCostAllowance, InvestmentReturn, AwardGround, EarlyExitShare,
                EarlyExitAboveBenchmark, GroundsCombine]
