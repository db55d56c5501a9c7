"""Facts of integrity cases and recoveries: opened, decided, terminated, ordered, repaid, reversed, repaired, reviewed."""

from __future__ import annotations

from datetime import date

from qdledger.integrity.state import CaseState, OrderState, cases_of, integrity_of
from qdledger.ledger import accounts as acct
from qdledger.ledger.events import LedgerEvent, Posting, balanced, transfer


class CaseEvent(LedgerEvent):
    case_id: str

    def entity_keys(self) -> tuple[str, ...]:
        return (f"case:{self.case_id}",)


class IntegrityCaseOpened(CaseEvent):
    """立案: a case is opened; with 暂停拨付 (Art. 20) every release to ``suspended`` stops at once, and with
    暂停受理申报 no new award that requires good research credit until the decision."""

    grounds: list
    suspended: list
    hold_applications: bool
    rule: str
    policy_version: str

    def apply(self, party) -> None:
        cases_of(party)[self.case_id] = CaseState(case_id=self.case_id, opened_on=self.business_date,
                                                 grounds=list(self.grounds), suspended=list(self.suspended),
                                                 hold_applications=self.hold_applications,
                                                 policy_version=self.policy_version)
        for grant_id in self.suspended:
            party.grants[grant_id].suspended_by.add(self.case_id)

    def entity_keys(self) -> tuple[str, ...]:
        return (f"case:{self.case_id}", *(f"grant:{g}" for g in self.suspended))


class IntegrityDecisionRecorded(CaseEvent):
    """处理决定: severity, measures and ban; it closes the case's suspension of the grants it names."""

    severity: str
    measures: list
    ban_years: int | None
    ban_until: date | None
    ban_rule: str | None
    ban_citation: str | None
    suspended_days: int
    terminated: list
    rules: list
    policy_version: str

    def apply(self, party) -> None:
        case = cases_of(party)[self.case_id]
        case.status, case.severity, case.decided_on = "decided", self.severity, self.business_date
        case.measures, case.ban_years, case.suspended_days = list(self.measures), self.ban_years, self.suspended_days
        case.ban_until_decided = case.ban_until = self.ban_until
        case.ban_rule, case.ban_citation = self.ban_rule, self.ban_citation
        case.terminated, case.decision_reference = list(self.terminated), self.reference
        for grant_id in case.suspended:
            grant = party.grants[grant_id]
            grant.suspended_by.discard(self.case_id)
            grant.suspensions_closed.append((self.case_id, case.opened_on, self.business_date))


class GrantTerminated(LedgerEvent):
    """项目终止: nothing more is released; the undisbursed commitment goes back to the budget."""

    grant_id: str
    case_id: str | None
    released: int

    def apply(self, party) -> None:
        grant = party.grants[self.grant_id]
        grant.terminated_on = self.business_date
        grant.released_commitment += self.released
        if self.case_id:
            cases_of(party)[self.case_id].released_commitment += self.released

    def postings(self) -> list[Posting]:
        return balanced(*transfer(acct.GRANTS_PAYABLE, acct.OBLIGATED, self.released))

    def entity_keys(self) -> tuple[str, ...]:
        return (f"grant:{self.grant_id}",) + ((f"case:{self.case_id}",) if self.case_id else ())


class RecoveryOrdered(LedgerEvent):
    """追回决定: a receivable on one grant, with its basis and the figures that produced the amount."""

    order_id: str
    grant_id: str
    case_id: str | None
    basis: str
    amount: int
    due_on: date | None
    reason: str
    rule: str
    citation: str
    figures: dict

    def apply(self, party) -> None:
        party.grants[self.grant_id].receivable += self.amount
        integrity_of(party)["orders"][self.order_id] = OrderState(
            order_id=self.order_id, grant_id=self.grant_id, case_id=self.case_id, basis=self.basis,
            amount=self.amount, ordered_on=self.business_date, due_on=self.due_on, reason=self.reason,
            rule=self.rule, citation=self.citation, figures=dict(self.figures))

    def postings(self) -> list[Posting]:
        return balanced(*transfer(acct.RECOVERIES_RECEIVABLE, acct.GRANTS_DISBURSED, self.amount))

    def entity_keys(self) -> tuple[str, ...]:
        return (f"grant:{self.grant_id}",) + ((f"case:{self.case_id}",) if self.case_id else ())


class RecoveryRepaid(LedgerEvent):
    """还款: money back into the fund; it reduces the grant's receivable, oldest order first."""

    grant_id: str
    amount: int
    allocations: list  # [[order_id, fen], ...]

    def apply(self, party) -> None:
        grant = party.grants[self.grant_id]
        grant.receivable -= self.amount
        grant.recovered += self.amount
        orders = integrity_of(party)["orders"]
        for order_id, fen in self.allocations:
            orders[order_id].movements.append((self.business_date, "repaid", fen))

    def postings(self) -> list[Posting]:
        return balanced(*transfer(acct.CASH, acct.RECOVERIES_RECEIVABLE, self.amount))

    def entity_keys(self) -> tuple[str, ...]:
        return (f"grant:{self.grant_id}",)


class RecoveryReversed(LedgerEvent):
    """撤销追回: the authority takes back (part of) an order; unpaid parts are cancelled, paid parts refunded."""

    grant_id: str
    order_id: str
    case_id: str | None
    cancelled: int
    refunded: int
    reason: str

    def apply(self, party) -> None:
        grant = party.grants[self.grant_id]
        grant.receivable -= self.cancelled
        grant.cancelled += self.cancelled
        grant.recovered -= self.refunded
        order = integrity_of(party)["orders"][self.order_id]
        order.movements += [(self.business_date, "cancelled", self.cancelled), (self.business_date, "refunded", self.refunded)]

    def postings(self) -> list[Posting]:
        """Each part on an account of its own, so that no total mistakes a cancelled order for money
        paid back, or a reversal for a new disbursement."""
        return balanced(*transfer(acct.RECOVERIES_CANCELLED, acct.RECOVERIES_RECEIVABLE, self.cancelled),
                        *transfer(acct.RECOVERIES_REFUNDED, acct.CASH, self.refunded))

    def entity_keys(self) -> tuple[str, ...]:
        return (f"grant:{self.grant_id}",) + ((f"case:{self.case_id}",) if self.case_id else ())


class CreditRepaired(CaseEvent):
    """信用修复 (Art. 18): the ban ends earlier, or the party is taken off the 异常名录."""

    ban_until_before: date | None
    ban_until: date | None
    removed: bool
    rule: str

    def apply(self, party) -> None:
        case = cases_of(party)[self.case_id]
        case.ban_until = self.ban_until
        if self.removed:
            case.removed_on = self.business_date
        case.repairs.append({"date": self.business_date, "ban_until_before": self.ban_until_before,
                             "ban_until": self.ban_until, "removed": self.removed, "reference": self.reference})


class IntegrityReviewRecorded(CaseEvent):
    """复查 (Art. 23): requested, upheld or revoked; only a revocation changes anything, from its own date."""

    result: str
    rule: str

    def apply(self, party) -> None:
        case = cases_of(party)[self.case_id]
        case.reviews.append({"date": self.business_date, "result": self.result, "reference": self.reference})
        if self.result == "revoked":
            case.revoked_on = self.business_date
            if case.ban_until and case.ban_until > self.business_date:
                case.ban_until = max(self.business_date, case.decided_on)
