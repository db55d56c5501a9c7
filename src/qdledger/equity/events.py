"""Facts about equity positions, recorded on the investee's aggregate: invested, award won,
dividend received, stake changed, term extended, exited."""

from __future__ import annotations

from fractions import Fraction

from qdledger.equity.state import AwardWon, Position, positions
from qdledger.ledger import accounts as acct
from qdledger.ledger.events import LedgerEvent, Posting, balanced, transfer


class EquityEvent(LedgerEvent):
    position_id: str

    def entity_keys(self) -> tuple[str, ...]:
        return (f"position:{self.position_id}",)


class EquityInvested(EquityEvent):
    """股权投资完成: the fund paid ``principal`` for ``stake`` of the investee's share capital."""

    principal: int
    stake: str
    largest_other: str
    term_years: int
    special_approval: str
    exceptions: list
    discount: str | None
    project: str | None
    project_budget: int | None
    source: str
    policy_version: str
    rules: list

    def apply(self, party) -> None:
        positions(party)[self.position_id] = Position(
            position_id=self.position_id, enterprise=party.key, principal=self.principal,
            invested_on=self.business_date, stake=Fraction(self.stake), largest_other=Fraction(self.largest_other),
            term_years=self.term_years, special_approval=self.special_approval, exceptions=tuple(self.exceptions),
            discount=Fraction(self.discount) if self.discount is not None else None, project=self.project,
            source=self.source, policy_version=self.policy_version,
            approved_stake=Fraction(self.stake) if any(r.endswith(".stake_ceiling") for r in self.exceptions) else None)
        if self.project:
            project = party.projects.setdefault(self.project, {"budget": self.project_budget, "approved": 0,
                                                               "program": None})
            project["approved"] += self.principal

    def postings(self) -> list[Posting]:
        paid_from = acct.EQUITY_POOL if self.source == "pool" else acct.CASH
        return transfer(acct.EQUITY_AT_COST, paid_from, self.principal)


class EquityAwardRecorded(EquityEvent):
    """The investee won an award (科学技术奖励) while the fund held the position."""

    level: str
    rank: int
    lead: bool

    def apply(self, party) -> None:
        positions(party)[self.position_id].awards.append(AwardWon(self.level, self.rank, self.business_date, self.lead))


class DividendReceived(EquityEvent):
    """年度分红、股息、股利 paid to the fund; it goes to the revolving pool (循环滚动投资)."""

    amount: int

    def apply(self, party) -> None:
        positions(party)[self.position_id].dividends.append((self.business_date, self.amount))

    def postings(self) -> list[Posting]:
        return transfer(acct.EQUITY_POOL, acct.EQUITY_DIVIDENDS, self.amount)


class StakeChanged(EquityEvent):
    """A cap-table change (dilution, transfer, buyback by others) re-checked against the stake rules."""

    stake: str
    largest_other: str
    approval: str
    approved_stake: str | None  # the stake the approval now covers, when it was needed

    def apply(self, party) -> None:
        position = positions(party)[self.position_id]
        position.stake, position.largest_other = Fraction(self.stake), Fraction(self.largest_other)
        if self.approved_stake is not None:
            position.approved_stake = Fraction(self.approved_stake)
        position.stake_changes.append((self.business_date, position.stake, position.largest_other, self.approval))


class TermExtended(EquityEvent):
    """The term extended to ``term_years`` in total, with its approval (特殊情况延期)."""

    term_years: int
    approval: str

    def apply(self, party) -> None:
        position = positions(party)[self.position_id]
        position.term_years = self.term_years
        position.extensions.append((self.business_date, self.term_years, self.approval))


class EquityExited(EquityEvent):
    """股权退出: the exit distribution exactly as quoted; the fund's receipts go to the revolving pool."""

    method: str
    approval: str
    principal: int
    proceeds: int
    concession: int
    fund_receives: int
    distribution: dict
    policy_version: str
    rules: list

    def apply(self, party) -> None:
        position = positions(party)[self.position_id]
        position.exited_on = self.business_date
        position.exit = {**self.distribution, "method": self.method, "approval": self.approval}

    def postings(self) -> list[Posting]:
        result = self.proceeds - self.principal
        return balanced((acct.EQUITY_POOL, self.fund_receives), (acct.EQUITY_CONCESSION, self.concession),
                        (acct.EQUITY_AT_COST, -self.principal),
                        (acct.EQUITY_GAIN, -max(result, 0)), (acct.EQUITY_LOSS, max(-result, 0)))
