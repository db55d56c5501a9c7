"""Facts about financed objects and subsidies: loans, guarantees, policies, claims approved and paid."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from qdledger.ledger import accounts as acct
from qdledger.ledger.events import LedgerEvent, Posting, balanced, transfer
from qdledger.subsidies.state import ClaimState, GuaranteeState, InsuranceState, LoanState, book_of


def _ratio(text: str | None) -> Fraction | None:
    return Fraction(text) if text is not None else None


class LoanRegistered(LedgerEvent):
    """A bank loan of the party (贷款合同), with the LPR in force when it was signed."""

    loan_id: str
    principal: int
    rate: str
    signed: date
    drawn: date
    maturity: date
    mode: str
    lpr: str | None
    lpr_source: str

    def apply(self, party) -> None:
        book_of(party).loans[self.loan_id] = LoanState(
            loan_id=self.loan_id, principal=self.principal, rate=Fraction(self.rate), signed=self.signed,
            drawn=self.drawn, maturity=self.maturity, mode=self.mode, lpr=_ratio(self.lpr), lpr_source=self.lpr_source)

    def entity_keys(self) -> tuple[str, ...]:
        return (f"loan:{self.loan_id}",)


class LoanRepaid(LedgerEvent):
    """The loan was repaid in full (还本付息), on the business date; interest paid if stated."""

    loan_id: str
    interest_paid: int | None

    def apply(self, party) -> None:
        loan = book_of(party).loans[self.loan_id]
        loan.repaid_on, loan.interest_paid = self.business_date, self.interest_paid

    def entity_keys(self) -> tuple[str, ...]:
        return (f"loan:{self.loan_id}",)


class GuaranteeRegistered(LedgerEvent):
    """A guarantor's or insurer's credit enhancement of a loan (担保/保险增信), with its fee rate."""

    guarantee_id: str
    loan_id: str
    fee_rate: str
    fee: int | None
    enhancer: str

    def apply(self, party) -> None:
        book_of(party).guarantees[self.guarantee_id] = GuaranteeState(
            guarantee_id=self.guarantee_id, loan_id=self.loan_id, fee_rate=Fraction(self.fee_rate), fee=self.fee,
            enhancer=self.enhancer)

    def entity_keys(self) -> tuple[str, ...]:
        return (f"guarantee:{self.guarantee_id}", f"loan:{self.loan_id}")


class InsuranceRegistered(LedgerEvent):
    """A 青科保 insurance policy bought by the party, with its premium."""

    policy_id: str
    premium: int
    start: date
    end: date | None
    product: str
    purchase: str | None

    def apply(self, party) -> None:
        book_of(party).policies[self.policy_id] = InsuranceState(
            policy_id=self.policy_id, premium=self.premium, start=self.start, end=self.end, product=self.product,
            purchase=self.purchase)

    def entity_keys(self) -> tuple[str, ...]:
        return (f"insurance:{self.policy_id}",)


class SubsidyClaimed(LedgerEvent):
    """A subsidy or award approved (核定): its entitlement, what is payable now, and every rule applied."""

    claim_id: str
    program: str
    policy_version: str
    object_ref: str
    pays_on: str
    group: str
    entitlement: int
    payable: int
    project: str | None
    category: str | None
    loan_years: str
    trimmed: bool
    facts: dict
    rules: list
    basis: dict

    def apply(self, party) -> None:
        book = book_of(party)
        if self.facts:
            book.facts.setdefault(self.object_ref, {}).update(self.facts)
        book.claims[self.claim_id] = ClaimState(
            claim_id=self.claim_id, program=self.program, policy_version=self.policy_version,
            object_ref=self.object_ref, pays_on=self.pays_on, group=self.group, day=self.business_date,
            entitlement=self.entitlement, payable=self.payable, project=self.project, category=self.category,
            loan_years=Fraction(self.loan_years), trimmed=self.trimmed, rules=list(self.rules), basis=dict(self.basis))

    def postings(self) -> list[Posting]:
        return transfer(acct.SUBSIDIES_APPROVED, acct.SUBSIDIES_PAYABLE, self.payable)

    def entity_keys(self) -> tuple[str, ...]:
        keys = [f"claim:{self.claim_id}"]
        if self.object_ref.split(":", 1)[0] in ("loan", "guarantee", "insurance"):
            keys.append(self.object_ref)
        return tuple(keys)


class SubsidyPaid(LedgerEvent):
    """Money paid to the party on an approved claim (拨付)."""

    claim_id: str
    amount: int

    def apply(self, party) -> None:
        claim = book_of(party).claims[self.claim_id]
        claim.paid += self.amount
        claim.payments.append((self.business_date, self.amount))

    def postings(self) -> list[Posting]:
        return balanced(*transfer(acct.SUBSIDIES_PAID, acct.CASH, self.amount),
                        *transfer(acct.SUBSIDIES_PAYABLE, acct.SUBSIDIES_APPROVED, self.amount))

    def entity_keys(self) -> tuple[str, ...]:
        return (f"claim:{self.claim_id}",)
