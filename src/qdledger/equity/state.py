"""What the ledger knows about one equity position (股权投资), rebuilt from its events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.dates import add_years


@dataclass(frozen=True)
class AwardWon:
    """A science-and-technology award the investee won (获奖): level, rank (1 = 一等奖), lead unit."""

    level: str
    rank: int
    day: date
    lead: bool


@dataclass
class Position:
    position_id: str
    enterprise: str
    principal: int
    invested_on: date
    stake: Fraction
    largest_other: Fraction
    term_years: int
    special_approval: str
    exceptions: tuple[str, ...]  # rule ids the special approval was used for
    discount: Fraction | None
    project: str | None
    source: str  # budget | pool
    policy_version: str
    approved_stake: Fraction | None = None  # the highest stake a special approval covers
    awards: list[AwardWon] = field(default_factory=list)
    dividends: list[tuple[date, int]] = field(default_factory=list)
    stake_changes: list[tuple[date, Fraction, Fraction, str]] = field(default_factory=list)
    extensions: list[tuple[date, int, str]] = field(default_factory=list)
    exited_on: date | None = None
    exit: dict[str, Any] | None = None

    @property
    def maturity(self) -> date:
        """Investment date + term, including any approved extension (D15)."""
        return add_years(self.invested_on, self.term_years)

    @property
    def is_open(self) -> bool:
        return self.exited_on is None

    @property
    def dividends_total(self) -> int:
        return sum(amount for _, amount in self.dividends)

    def last_fact_date(self) -> date:
        """The latest business date of anything recorded on the position."""
        days = [self.invested_on, *(a.day for a in self.awards), *(d for d, _ in self.dividends),
                *(d for d, *_ in self.stake_changes), *(d for d, *_ in self.extensions)]
        return max(days)


def positions(party: Any) -> dict[str, Position]:
    """The equity positions held in one party (the investee), by position id."""
    return party.section("equity").setdefault("positions", {})
