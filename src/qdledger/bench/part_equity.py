"""Generated 拨改投 equity positions through the equity service the CLI uses: investments within the
amount, stake, largest-holder and term rules, awards won, dividends, dilutions, extensions and
exits whose 收益让渡 the concession policy computes."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from random import Random

from qdledger.bench.parties import Party
from qdledger.bench.plan import Part, Planned, within
from qdledger.dates import add_years
from qdledger.equity import exits, service
from qdledger.equity.lookup import PROGRAM
from qdledger.policy.kinds_equity import AWARD_LEVELS, ExitMethods, InvestmentCap, StakeCeiling, TermLimit
from qdledger.policy.loader import policy_book

WAN = 1_000_000  # fen in one 万元
INVESTED = 0.08
"""Share of parties the fund invests in (long-tail parties always)."""
EXITED = 0.35
"""Share of positions exited within the generated horizon."""
LAST_FACT = date(2030, 6, 30)
"""Nothing on a position is generated after this day."""
QUOTE_DAY = date(2030, 12, 31)
"""The day the benchmark quotes an exit on: sample positions are still open then, and past the
early-exit window whose LPR benchmark would need a fixing not yet published."""
INVEST_UNTIL = date(2026, 12, 31)


def plan_equity(party: Party, rng: Random, budget: int, earlier: list[Planned]) -> list[Planned]:
    """A position or two in the party (more for the long tail), each with its whole life in date order."""
    if not party.long_tail and rng.random() >= INVESTED:
        return []
    planned: list[Planned] = []
    for _ in range(rng.randint(1, 3) if party.long_tail else 1):
        position = fit(one_position(party, rng, yearly=6 if party.long_tail else 1),
                       budget - sum(item.events for item in planned))
        if not position:
            break
        planned += position
    return planned


def fit(timeline: list[Planned], budget: int) -> list[Planned]:
    """The position within budget: its latest holding facts dropped first, so the investment, the
    extension and the exit stay (any subset of those facts is valid); failing that, a prefix."""
    kept = list(timeline)
    while sum(item.events for item in kept) > budget:
        facts = [item for item in kept if item.make in (service.dividend, service.award, service.change_stake)]
        if not facts:
            return within(kept, budget)
        kept.remove(facts[-1])
    return kept


def one_position(party: Party, rng: Random, yearly: int) -> list[Planned]:
    """Invest; hold (awards, dividends, dilutions) to the horizon or the exit; sometimes extend; maybe exit."""
    program = policy_book().latest(PROGRAM).program
    invest = investment(party, rng, program)
    position_id, day, term, amount = invest["position_id"], invest["day"], invest["term_years"], invest["amount"]
    exiting = rng.random() < EXITED
    sample = not exiting and add_years(day, term) < add_years(QUOTE_DAY, 1)
    timeline = [Planned(day, service.invest, invest, 3, creates=("position", position_id) if sample else None)]
    end = min(LAST_FACT, add_years(day, term) - timedelta(days=1)) if exiting else LAST_FACT
    timeline += holding_facts(position_id, rng, day, end, amount, invest["stake"], invest["largest_other"], yearly)
    if not sample and rng.random() < 0.2:
        timeline += extension(position_id, rng, timeline[-1].day, term, program)
        term = timeline[-1].args["term_years"] if timeline[-1].make is service.extend_term else term
    if exiting:
        timeline += exit_of(position_id, rng, timeline, add_years(day, term), amount, program)
    return timeline


def investment(party: Party, rng: Random, program) -> dict:
    """股权投资 within the amount cap and stake ceiling, below the largest other holder, within the
    normal term, at a negotiated discount (required while a municipal project is open, harmless after)."""
    first = max(program.valid_from, party.registered_on) + timedelta(days=30)
    cap = program.rule_of_kind(InvestmentCap)[1].cap
    ceiling = program.rule_of_kind(StakeCeiling)[1].ceiling
    stake = Fraction(rng.randrange(30, int(ceiling * 1000) - 10), 1000)
    return dict(position_id=party.next_id("Q"), enterprise=party.key, amount=rng.randrange(100, cap // WAN + 1) * WAN,
                stake=stake, largest_other=stake + Fraction(rng.randrange(50, 400), 1000),
                term_years=rng.randint(3, program.rule_of_kind(TermLimit)[1].years),
                day=first + timedelta(days=rng.randrange((INVEST_UNTIL - first).days)),
                discount=Fraction(rng.randrange(5, 21), 100))


def holding_facts(position_id: str, rng: Random, start: date, end: date, principal: int, stake: Fraction,
                  largest: Fraction, yearly: int) -> list[Planned]:
    """Awards, dividends and dilutions while the fund holds the position, in date order."""
    items, day = [], start
    while True:
        day += timedelta(days=rng.randrange(120, 420) // yearly + 1)
        if day > end:
            return items
        roll = rng.random()
        if roll < 0.55:
            items.append(Planned(day, service.dividend, dict(position_id=position_id, day=day,
                                                             amount=principal * rng.randrange(5, 60) // 1000), 2))
        elif roll < 0.8:
            items.append(Planned(day, service.award, dict(position_id=position_id, level=rng.choice(AWARD_LEVELS),
                                                          rank=rng.randint(1, 3), lead=rng.random() < 0.7, day=day), 1))
        elif stake > Fraction(2, 100):
            stake = max(Fraction(1, 100), stake * Fraction(rng.randrange(70, 96), 100))
            items.append(Planned(day, service.change_stake, dict(position_id=position_id, stake=stake,
                                                                 largest_other=largest, day=day), 1))


def extension(position_id: str, rng: Random, after: date, term: int, program) -> list[Planned]:
    """延期 by one to three years; beyond the normal term with its special approval."""
    limit = program.rule_of_kind(TermLimit)[1]
    years = min(limit.extended_max_years, term + rng.randint(1, 3))
    if years <= term:
        return []
    day = after + timedelta(days=rng.randrange(1, 60))
    approval = f"青科股特批〔{day.year}〕{rng.randrange(1, 99)}号" if years > limit.years else ""
    return [Planned(day, service.extend_term, dict(position_id=position_id, term_years=years, day=day,
                                                   approval=approval), 1)]


def exit_of(position_id: str, rng: Random, timeline: list[Planned], maturity: date, principal: int,
            program) -> list[Planned]:
    """An exit after the last fact: early by two years or more, or in the last year of the term, so
    the concession never needs an LPR fixing not yet known; proceeds anywhere from a loss to a gain."""
    last = timeline[-1].day
    early_until = add_years(maturity, -2)
    late_from = add_years(maturity, -1) + timedelta(days=1)
    if last < early_until and rng.random() < 0.4:
        day = last + timedelta(days=rng.randrange(1, (early_until - last).days + 1))
    else:
        day = max(last, late_from) + timedelta(days=rng.randrange(1, 200))
    proceeds = principal * rng.randrange(60, 260) // 100 // 100 * 100
    methods = program.rule_of_kind(ExitMethods)[1].methods
    return [Planned(day, exits.exit_, dict(position_id=position_id, day=day, proceeds=proceeds,
                                           method=rng.choice(methods)), 2)]


EQUITY = Part("equity", share=3, plan=plan_equity)
