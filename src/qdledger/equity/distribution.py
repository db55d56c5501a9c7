"""The exit distribution (股权退出收益分配与收益让渡): one pure function, called by both the quote
and the recorded exit, so what a manager is quoted is to the fen what the ledger records.

return (D12) → every applicable ground with its ceiling (D13, D15, D16) → the single highest
ground, capped at the whole return (就高, D14) → the approved concession → fund and buyer shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.dates import add_years
from qdledger.equity.state import AwardWon
from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.money import percent, round_half_up, show_yuan, yuan
from qdledger.policy.words import years
from qdledger.policy.kinds_equity import (AwardGround, EarlyExitAboveBenchmark, EarlyExitShare, GroundsCombine,
                                          InvestmentReturn)
from qdledger.reference.lpr import previous_month

LprLookup = Callable[[str, str], tuple[Fraction, str]]
"""(month, tenor) → (rate, where it came from); raises RuleViolation when the month is unknown."""

LEVELS = {"national": Text("国家科学技术奖", "national S&T award"),
          "provincial": Text("山东省科学技术奖", "Shandong provincial S&T award"),
          "municipal": Text("青岛市科学技术奖", "Qingdao municipal S&T award")}
RANKS = {0: Text("特等奖", "special prize"), 1: Text("一等奖", "1st prize"), 2: Text("二等奖", "2nd prize"),
         3: Text("三等奖", "3rd prize")}


@dataclass(frozen=True)
class Terms:
    """The concession rules of one policy version, sorted by kind."""

    version: str
    basis: tuple[str, InvestmentReturn]
    combine: tuple[str, GroundsCombine]
    awards: tuple[tuple[str, str, AwardGround], ...]  # (ground name stem, rule id, rule)
    shares: tuple[tuple[str, str, EarlyExitShare], ...]
    benchmarks: tuple[tuple[str, str, EarlyExitAboveBenchmark], ...]

    @classmethod
    def of(cls, program: Any, version: str) -> Terms:
        def kind(k: type) -> tuple:
            return tuple((key, f"{program.id}.{key}", rule) for key, rule in program.rules.items() if isinstance(rule, k))

        basis, combine = kind(InvestmentReturn), kind(GroundsCombine)
        if len(basis) != 1 or len(combine) != 1:
            raise BadInput(Text(f"{program.id} 须恰有一条 investment_return 与一条 concession_grounds_combine 规则",
                                f"{program.id} needs exactly one investment_return and one concession_grounds_combine rule"),
                           field="policy")
        return cls(version, basis[0][1:], combine[0][1:], kind(AwardGround), kind(EarlyExitShare), kind(EarlyExitAboveBenchmark))

    def ground_names(self) -> dict[str, Text]:
        """Every ground these rules can give, by its id (``award_provincial_1``, ``early_one_year``), named
        as the policy words it: 山东省科学技术奖一等奖, 提前退出 1 年（含）以上，高于 LPR 基准的收益."""
        names = {f"{stem}_{r.rank}": award_name(rule.level, r.rank) for stem, _, rule in self.awards for r in rule.ranks}
        names.update({stem: share_name(rule) for stem, _, rule in self.shares})
        names.update({stem: benchmark_name(rule) for stem, _, rule in self.benchmarks})
        return names


def award_name(level: str, rank: int) -> Text:
    level_name, rank_name = LEVELS[level], RANKS.get(rank, Text(f"{rank}等奖", f"rank {rank}"))
    return Text(f"{level_name.zh}{rank_name.zh}", f"{level_name.en}, {rank_name.en}")


def share_name(rule: EarlyExitShare) -> Text:
    return Text(f"提前退出 {rule.years} 年（含）以上", f"exit {years(rule.years)} or more early")


def benchmark_name(rule: EarlyExitAboveBenchmark) -> Text:
    return Text(f"提前退出 {rule.years} 年（含）以上，高于 LPR 基准的收益",
                f"exit {years(rule.years)} or more early, the return above the LPR benchmark")


@dataclass(frozen=True)
class Holding:
    """What the exit depends on from the position: principal, dates, dividends, awards."""

    principal: int
    invested_on: date
    maturity: date
    dividends: tuple[tuple[date, int], ...] = ()
    awards: tuple[AwardWon, ...] = ()


@dataclass(frozen=True)
class Ground:
    """One ground for a concession and its ceiling in fen (a share of the return, or the return above
    the LPR benchmark)."""

    name: str
    rule: str
    ceiling: int
    share: Fraction | None
    citation: str
    label: Text
    detail: dict[str, Any] = field(default_factory=dict)
    lpr: Fraction | None = None
    benchmark: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"ground": self.name, "ceiling": yuan(self.ceiling), "citation": self.citation, "rule": self.rule,
                "share": percent(self.share), "label": self.label.render(), **self.detail}


@dataclass(frozen=True)
class Distribution:
    principal: int
    proceeds: int
    distributions: int  # dividends counted in the return under the basis
    ret: int
    holding_days: int
    early_by_days: int
    maturity: date
    basis: str
    grounds: tuple[Ground, ...]
    chosen: Ground | None
    ceiling: int
    concession: int
    lpr: Fraction | None = None
    lpr_month: str | None = None
    lpr_source: str | None = None
    benchmark: int | None = None
    policy_version: str = ""
    rules: tuple[str, ...] = ()

    @property
    def fund_receives(self) -> int:
        return self.proceeds - self.concession

    @property
    def buyer_receives(self) -> int:
        return self.concession

    def as_json(self) -> dict[str, Any]:
        """The contract's quote-exit / exit fields, plus the readings that produced them."""
        return {
            "principal": yuan(self.principal), "net_proceeds": yuan(self.proceeds), "return": yuan(self.ret),
            "holding_days": self.holding_days, "early_by_days": self.early_by_days,
            "lpr": percent(self.lpr), "benchmark": yuan(self.benchmark),
            "grounds": [g.as_json() for g in self.grounds],
            "chosen_ground": self.chosen.name if self.chosen else None,
            "concession": yuan(self.concession), "fund_receives": yuan(self.fund_receives),
            "buyer_receives": yuan(self.buyer_receives),
            "max_concession": yuan(self.ceiling), "maturity": self.maturity.isoformat(),
            "return_basis": self.basis, "distributions_counted": yuan(self.distributions),
            "lpr_month": self.lpr_month, "lpr_source": self.lpr_source,
            "policy_version": self.policy_version, "rules": list(self.rules),
        }


def exit_distribution(terms: Terms, holding: Holding, day: date, proceeds: int, lpr_lookup: LprLookup,
                      concession: str | int = "max") -> Distribution:
    """Quote or record an exit on ``day`` for net ``proceeds``; ``concession`` is ``"max"`` or fen."""
    if day < holding.invested_on:
        raise BadInput(Text(f"退出日期 {day} 早于投资日期 {holding.invested_on}",
                            f"exit date {day} is before the investment date {holding.invested_on}"), field="date")
    basis_id, basis = terms.basis
    counted = sum(a for d, a in holding.dividends if d <= day) if basis.basis == "exit_plus_distributions" else 0
    ret = proceeds + counted - holding.principal
    grounds = [*_award_grounds(terms, holding, day, ret), *_share_grounds(terms, holding, day, ret)]
    full = any(g.share is not None and g.share >= terms.combine[1].cap_share for g in grounds)
    bench = _benchmark_ground(terms, holding, day, ret, lpr_lookup, needed=ret > 0 and not full)
    if bench:
        grounds.append(bench)
    ceiling, chosen = _ceiling(terms, grounds, ret, proceeds)
    amount = _approved(terms, chosen, ceiling, ret, concession)
    return Distribution(
        principal=holding.principal, proceeds=proceeds, distributions=counted, ret=ret,
        holding_days=(day - holding.invested_on).days, early_by_days=max(0, (holding.maturity - day).days),
        maturity=holding.maturity, basis=basis.basis, grounds=tuple(grounds), chosen=chosen, ceiling=ceiling,
        concession=amount, lpr=bench.lpr if bench else None, lpr_month=bench.detail["lpr_month"] if bench else None,
        lpr_source=bench.detail["lpr_source"] if bench else None, benchmark=bench.benchmark if bench else None,
        policy_version=terms.version,
        rules=(basis_id, terms.combine[0], *(g.rule for g in grounds)))


def _share_of(share: Fraction, ret: int, cap: Fraction) -> int:
    return round_half_up(min(share, cap) * max(ret, 0))


def _award_grounds(terms: Terms, holding: Holding, day: date, ret: int) -> list[Ground]:
    """Awards won during holding (as lead unit where required): the share set for level and rank."""
    cap = terms.combine[1].cap_share
    found = []
    for award in holding.awards:
        if not holding.invested_on <= award.day <= day:
            continue
        for stem, rule_id, rule in terms.awards:
            share = rule.share_for(award.rank)
            if rule.level != award.level or share is None or (rule.lead_unit_required and not award.lead):
                continue
            name = award_name(award.level, award.rank)
            label = Text(f"{name.zh}（牵头，{award.day}）", f"{name.en} (lead unit, {award.day})")
            found.append(Ground(f"{stem}_{award.rank}", rule_id, _share_of(share, ret, cap), share,
                                rule.citation.short(), label, {"award_date": award.day.isoformat()}))
    return found


def _share_grounds(terms: Terms, holding: Holding, day: date, ret: int) -> list[Ground]:
    """Early exit by at least N years (D15): exit on or before maturity minus N calendar years."""
    cap = terms.combine[1].cap_share
    found = []
    for stem, rule_id, rule in terms.shares:
        latest = add_years(holding.maturity, -rule.years)
        if day <= latest:
            found.append(Ground(stem, rule_id, _share_of(rule.share, ret, cap), rule.share, rule.citation.short(),
                                share_name(rule), {"exit_on_or_before": latest.isoformat()}))
    return found


def _benchmark_ground(terms: Terms, holding: Holding, day: date, ret: int, lpr_lookup: LprLookup,
                      needed: bool) -> Ground | None:
    """Early exit by at least N years: the return above principal × LPR × days / 365 (D16).

    The LPR is looked up only here; an unknown month is refused, unless the ground cannot matter
    (a loss, or another ground already concedes the whole return)."""
    for stem, rule_id, rule in terms.benchmarks:
        latest = add_years(holding.maturity, -rule.years)
        if day > latest:
            continue
        month = previous_month(day)
        try:
            rate, source = lpr_lookup(month, rule.lpr_tenor)
        except RuleViolation:
            if needed:
                raise
            continue
        days = (day - holding.invested_on).days
        benchmark = round_half_up(holding.principal * rate * days / rule.days_per_year)
        detail = {"exit_on_or_before": latest.isoformat(), "benchmark": yuan(benchmark), "lpr": percent(rate),
                  "lpr_month": month, "lpr_source": source}
        return Ground(stem, rule_id, max(0, ret - benchmark), None, rule.citation.short(), benchmark_name(rule), detail,
                      lpr=rate, benchmark=benchmark)
    return None


def _ceiling(terms: Terms, grounds: list[Ground], ret: int, proceeds: int) -> tuple[int, Ground | None]:
    """The single highest ground (never a sum), at most the whole return and the exit price."""
    if ret <= 0 or not grounds:
        return 0, None
    best = max(grounds, key=lambda g: g.ceiling)  # first listed wins a tie
    limit = min(best.ceiling, round_half_up(terms.combine[1].cap_share * ret), proceeds)
    return (limit, best) if limit > 0 else (0, None)


def _approved(terms: Terms, chosen: Ground | None, ceiling: int, ret: int, concession: str | int) -> int:
    """``max`` takes the ceiling; an amount above it is refused, naming the ground and the numbers."""
    if concession == "max":
        return ceiling
    if not isinstance(concession, int) or concession < 0:
        raise BadInput(Text("让渡金额应为 max 或不小于零的金额", "concession must be max or an amount ≥ 0"), field="concession")
    if concession <= ceiling:
        return concession
    if ret <= 0:
        rule_id, rule = terms.basis
        why = Text(f"投资收益为 {show_yuan(ret)}（未盈利），无收益可让渡", f"the return is {show_yuan(ret)} (no gain): nothing to concede")
    elif chosen is None:
        rule_id, rule = terms.combine
        why = Text("本次退出不符合任何收益让渡情形", "no concession ground applies to this exit")
    else:
        rule_id, rule = chosen.rule, None
        why = Text(f"最高可让渡 {show_yuan(ceiling)}（{chosen.label.zh}）", f"the ceiling is {show_yuan(ceiling)} ({chosen.label.en})")
    citation = chosen.citation if chosen and rule is None else rule.citation.short()
    raise RuleViolation(
        rule_id, citation,
        Text(f"批准让渡 {show_yuan(concession)} 超过上限：{why.zh}", f"approved concession {show_yuan(concession)} is above the ceiling: {why.en}"),
        limit=ceiling, requested=concession, excess=concession - ceiling,
        hint=Text(f"让渡不超过 {show_yuan(ceiling)}，或用 --concession max", f"concede at most {show_yuan(ceiling)}, or use --concession max"))
