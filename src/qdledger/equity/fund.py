"""The fund-wide aggregate: the revolving pool (循环滚动投资), money under investment, trustee fees.

Invariants that span every investee (the pool never goes negative, the trustee's yearly cost stays
within its allowance) are decided against this one aggregate, saved in the same transaction as the
position it moves, so two officers acting at once cannot both spend the same pool money.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from eventsourcing.domain import Aggregate

from qdledger.ledger import accounts as acct
from qdledger.ledger.events import LedgerEvent, Posting, transfer
from qdledger.ledger.handles import aggregate_id

FUND_KEY = "equity"


class Fund(Aggregate):
    """The 市级财政科技股权投资专项 as managed by its trustee (受托管理机构)."""

    class Opened(Aggregate.Created):
        def apply(self, fund: Fund) -> None:
            fund.movements = []
            fund.positions = {}
            fund.fees = []

    class Moved(LedgerEvent):
        """Mirror of a position fact that moves the pool or the money at cost (postings stay on the
        position's own event)."""

        kind: str
        position_id: str
        enterprise: str
        pool_delta: int
        cost_delta: int

        def apply(self, fund: Fund) -> None:
            fund.movements.append((self.business_date, self.kind, self.position_id, self.enterprise,
                                   self.pool_delta, self.cost_delta))
            fund.positions.setdefault(self.position_id, self.enterprise)

        def entity_keys(self) -> tuple[str, ...]:
            return (f"fund:{FUND_KEY}",)

    class TrusteeFeeRecorded(LedgerEvent):
        """The trustee's working cost for ``year`` (工作成本费用), within its allowance."""

        year: int
        amount: int
        allowance: int
        rules: list

        def apply(self, fund: Fund) -> None:
            fund.fees.append((self.business_date, self.year, self.amount))

        def postings(self) -> list[Posting]:
            return transfer(acct.EQUITY_TRUSTEE_COST, acct.CASH, self.amount)

        def entity_keys(self) -> tuple[str, ...]:
            return (f"fund:{FUND_KEY}",)

    @classmethod
    def open(cls) -> Fund:
        return cls._create(cls.Opened, id=aggregate_id("fund", FUND_KEY))

    def move(self, kind: str, position_id: str, enterprise: str, pool_delta: int, cost_delta: int,
             **envelope) -> None:
        self.trigger_event(Fund.Moved, kind=kind, position_id=position_id, enterprise=enterprise,
                           pool_delta=pool_delta, cost_delta=cost_delta, **envelope)

    def _ordered(self) -> list[tuple]:
        return sorted(self.movements, key=lambda m: m[0])  # stable: same-day moves keep recording order

    def pool_timeline(self) -> list[tuple[tuple, int]]:
        """Each pool movement in business-date order with the balance after it."""
        balance, rows = 0, []
        for move in self._ordered():
            if move[4]:
                balance += move[4]
                rows.append((move, balance))
        return rows

    def pool_balance(self, as_of: date = date.max) -> int:
        return sum(m[4] for m in self.movements if m[0] <= as_of)

    def pool_available_from(self, day: date) -> int:
        """What can be drawn on ``day`` without the balance going negative then or on any later date."""
        lowest = self.pool_balance(day)
        for move, balance in self.pool_timeline():
            if move[0] > day:
                lowest = min(lowest, balance)
        return max(lowest, 0)

    def at_cost(self, as_of: date = date.max) -> int:
        """Fiscal money under investment (principal of positions not yet exited) at the end of a day."""
        return sum(m[5] for m in self.movements if m[0] <= as_of)

    def daily_average_at_cost(self, year: int) -> Fraction:
        """The average over the days of ``year`` of the money under investment at each day's end."""
        start, end = date(year, 1, 1), date(year, 12, 31)
        days = (end - start).days + 1
        changes = sorted((m[0], m[5]) for m in self.movements if start < m[0] <= end and m[5])
        total, level, cursor = 0, self.at_cost(start), start
        for day, delta in changes:
            total += level * (day - cursor).days
            level, cursor = level + delta, day
        total += level * ((end - cursor).days + 1)
        return Fraction(total, days)

    def fees_for(self, year: int) -> int:
        return sum(amount for _, y, amount in self.fees if y == year)


def load_fund(uow) -> Fund:
    """The fund aggregate in this unit of work, opened on first use."""
    return uow.get("fund", FUND_KEY) or uow.add(Fund.open())
