"""Properties of the exit distribution and of the equity ledger as a whole, under random histories."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from qdledger.dates import add_years
from qdledger.enterprises import register_enterprise
from qdledger.equity.distribution import Holding, Terms, exit_distribution
from qdledger.equity.exits import exit_position, quote_exit
from qdledger.equity.service import invest_in, record_award, record_dividend
from qdledger.equity.state import AwardWon
from qdledger.equity.views import pool_view
from qdledger.errors import RuleViolation
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from qdledger.money import round_half_up
from qdledger.policy.loader import policy_book
from qdledger.reports import balances

WAN = 10_000_00
START = date(2024, 8, 1)


def terms(basis: str = "exit_only") -> Terms:
    version = policy_book().in_force("equity_return_concession", START)
    base = Terms.of(version.program, version.version)
    rule_id, rule_ = base.basis
    return dataclasses.replace(base, basis=(rule_id, rule_.model_copy(update={"basis": basis})))


TERMS = {b: terms(b) for b in ("exit_only", "exit_plus_distributions")}
days = st.integers(min_value=0, max_value=365 * 12)
awards = st.builds(lambda level, rank, offset, lead: (level, rank, offset, lead),
                   st.sampled_from(["national", "provincial", "municipal"]), st.integers(0, 4),
                   st.integers(-400, 365 * 11), st.booleans())


@st.composite
def exits(draw):
    principal = draw(st.integers(1, 1000 * WAN))
    invested = START + timedelta(days=draw(st.integers(0, 1600)))
    term = draw(st.integers(1, 10))
    exit_day = invested + timedelta(days=draw(st.integers(0, 365 * term + 800)))
    dividends = tuple(sorted((invested + timedelta(days=draw(st.integers(0, 365 * term))), draw(st.integers(1, 200 * WAN)))
                             for _ in range(draw(st.integers(0, 3)))))
    won = tuple(AwardWon(level, rank, invested + timedelta(days=offset), lead) for level, rank, offset, lead in draw(st.lists(awards, max_size=4)))
    holding = Holding(principal, invested, add_years(invested, term), dividends, won)
    proceeds = draw(st.integers(0, 3 * principal + 1000 * WAN))
    lpr = Fraction(draw(st.integers(0, 800)), 10_000)
    return holding, exit_day, proceeds, lpr, draw(st.sampled_from(sorted(TERMS)))


def quote(holding, day, proceeds, lpr, basis, concession="max"):
    return exit_distribution(TERMS[basis], holding, day, proceeds, lambda month, tenor: (lpr, "test"), concession)


@given(exits())
def test_concession_is_the_single_largest_ground_and_never_more_than_the_return(case):
    holding, day, proceeds, lpr, basis = case
    q = quote(holding, day, proceeds, lpr, basis)
    assert 0 <= q.concession <= max(q.ret, 0)
    if q.ret > 0 and q.grounds:
        assert q.ceiling == min(max(g.ceiling for g in q.grounds), proceeds)
        assert (q.chosen is None) == (q.ceiling == 0)
        assert q.chosen is None or q.chosen.ceiling == max(g.ceiling for g in q.grounds)
    else:
        assert q.ceiling == 0 and q.chosen is None
    assert q.fund_receives == proceeds - q.concession and q.buyer_receives == q.concession
    if q.ret >= 0:
        assert q.fund_receives + q.distributions >= holding.principal
    if q.benchmark is not None:
        assert q.benchmark == round_half_up(holding.principal * lpr * q.holding_days / 365)


@given(exits(), st.integers(0, 365 * 3))
def test_exiting_earlier_never_lowers_the_ceiling(case, earlier_by):
    holding, day, proceeds, lpr, basis = case
    earlier = day - timedelta(days=earlier_by)
    assume(earlier >= holding.invested_on)
    settled = dataclasses.replace(holding, awards=tuple(a for a in holding.awards if a.day <= earlier),
                                  dividends=tuple(d for d in holding.dividends if d[0] <= earlier))
    assert quote(settled, earlier, proceeds, lpr, basis).ceiling >= quote(settled, day, proceeds, lpr, basis).ceiling


@given(exits(), st.integers(0, 2000 * WAN))
def test_an_approved_amount_is_recorded_as_given_up_to_the_ceiling_and_refused_above(case, amount):
    holding, day, proceeds, lpr, basis = case
    ceiling = quote(holding, day, proceeds, lpr, basis).ceiling
    if amount <= ceiling:
        assert quote(holding, day, proceeds, lpr, basis, amount).concession == amount
    else:
        try:
            quote(holding, day, proceeds, lpr, basis, amount)
        except RuleViolation as refused:
            assert refused.limit == ceiling and refused.excess == amount - ceiling
        else:
            raise AssertionError("a concession above the ceiling was accepted")


CTX = Context(actor="machine")


class EquityLedger(RuleBasedStateMachine):
    """Random investments, awards, dividends and exits on the real application; a tiny model keeps
    the pool and the money at cost, and every refusal must leave the ledger unchanged."""

    @initialize()
    def open(self):
        self.ledger = open_ledger(":memory:")
        self.today = date(2025, 1, 2)
        for key, code in (("E1", "91370212MA3C5Y2K1H"), ("E2", "91370282MA94XY3N5D")):
            register_enterprise(self.ledger, CTX, key=key, name=key, credit_code=code, district="崂山区", day=START)
        self.open_positions: dict[str, int] = {}
        self.pool = 0
        self.count = 0

    def teardown(self):
        if hasattr(self, "ledger"):
            self.ledger.close()

    def events(self) -> int:
        return sum(1 for _ in self.ledger.all_events())

    @rule(step=st.integers(0, 200))
    def time_passes(self, step):
        self.today = min(self.today + timedelta(days=step), date(2028, 12, 1))

    @rule(amount=st.integers(1, 1100 * WAN), stake=st.integers(1, 27), other=st.integers(5, 60), years=st.integers(1, 7),
          party=st.sampled_from(["E1", "E2"]), from_pool=st.booleans(), approval=st.sampled_from(["", "特批"]))
    def invest(self, amount, stake, other, years, party, from_pool, approval):
        assume(stake + other <= 100)
        self.count += 1
        before = self.events()
        try:
            invest_in(self.ledger, CTX, position_id=f"P{self.count}", enterprise=party, amount=amount,
                      stake=Fraction(stake, 100), largest_other=Fraction(other, 100), term_years=years, day=self.today,
                      special_approval=approval, source="pool" if from_pool else "budget")
        except RuleViolation as refused:
            event(f"invest refused: {refused.rule}")
            assert self.events() == before
            return
        event(f"invested from {'pool' if from_pool else 'budget'}")
        self.open_positions[f"P{self.count}"] = amount
        self.pool -= amount if from_pool else 0

    @precondition(lambda self: self.open_positions)
    @rule(data=st.data(), level=st.sampled_from(["national", "provincial", "municipal"]), rank=st.integers(0, 3),
          lead=st.booleans())
    def award(self, data, level, rank, lead):
        pos = data.draw(st.sampled_from(sorted(self.open_positions)))
        record_award(self.ledger, CTX, position_id=pos, level=level, rank=rank, day=self._day_for(pos), lead=lead)

    @precondition(lambda self: self.open_positions)
    @rule(data=st.data(), amount=st.integers(1, 100 * WAN))
    def dividend(self, data, amount):
        pos = data.draw(st.sampled_from(sorted(self.open_positions)))
        record_dividend(self.ledger, CTX, position_id=pos, amount=amount, day=self._day_for(pos))
        self.pool += amount

    @precondition(lambda self: self.open_positions)
    @rule(data=st.data(), factor=st.integers(0, 300), lpr=st.integers(0, 600), later=st.integers(0, 2000))
    def exit(self, data, factor, lpr, later):
        pos = data.draw(st.sampled_from(sorted(self.open_positions)))
        principal = self.open_positions[pos]
        day = self._day_for(pos) + timedelta(days=later)
        args = dict(position_id=pos, day=day, proceeds=principal * factor // 100, lpr=Fraction(lpr, 10_000))
        quoted = quote_exit(self.ledger, **args)
        before = self.events()
        recorded = exit_position(self.ledger, CTX, method="buyback", **args)
        assert self.events() == before + 2  # the exit on the investee and its mirror on the fund
        assert {k: v for k, v in recorded.items() if k not in ("recorded", "method", "approval")} == \
            {k: v for k, v in quoted.items() if k != "recorded"}
        event(f"exit ground: {recorded['chosen_ground']}")
        self.pool += args["proceeds"] - int(recorded["concession"].replace(".", ""))
        del self.open_positions[pos]

    def _day_for(self, pos: str) -> date:
        """Today, or the position's last fact date if later (positions are dated when invested)."""
        from qdledger.equity.state import positions

        party = self.ledger.read().owner_of("position", pos)
        return max(self.today, positions(party)[pos].last_fact_date())

    @invariant()
    def books_balance_and_match_the_model(self):
        if not hasattr(self, "ledger"):
            return
        totals = balances(self.ledger)
        assert sum(totals.values()) == 0
        assert totals.get("equity:at_cost", 0) == sum(self.open_positions.values())
        assert totals.get("equity:pool", 0) == self.pool
        assert pool_view(self.ledger)["balance"] == f"{self.pool // 100}.{self.pool % 100:02d}"


TestEquityLedger = EquityLedger.TestCase
TestEquityLedger.settings = settings(settings(), max_examples=min(settings().max_examples, 60), stateful_step_count=30)



@given(st.integers(0, 500 * WAN), st.integers(1, 99))
def test_the_overtaking_price_is_the_first_fen_where_the_lpr_ground_wins(benchmark, percent):
    from qdledger.equity.sensitivity import _overtaking_return

    share = Fraction(percent, 100)
    ret = _overtaking_return(benchmark, share)
    assert ret - benchmark > round_half_up(share * ret)
    assert ret == 0 or ret - 1 - benchmark <= round_half_up(share * (ret - 1))
