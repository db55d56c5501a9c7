"""What the ledger knows about a party's financed objects and subsidy claims, rebuilt from events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.dates import add_years
from qdledger.money import round_half_up

LOAN_MODES = ("plain", "tou-dai", "tou-bao-dai", "gen-dai", "bao-dai")
"""普通贷款, 投贷, 投保贷, 跟贷, 保贷 (投（保）贷实施细则 第二条)."""
REGISTERED_KINDS = ("loan", "guarantee", "insurance")
"""Object kinds with their own register command and a ledger-wide id."""
KIND_ALIASES = {"policy": "insurance", "fee": "guarantee"}


@dataclass
class LoanState:
    """A bank loan (贷款): contract terms, the LPR in force at signing, and its repayment."""

    loan_id: str
    principal: int
    rate: Fraction
    signed: date
    drawn: date
    maturity: date
    mode: str
    lpr: Fraction | None
    lpr_source: str
    repaid_on: date | None = None
    interest_paid: int | None = None

    @property
    def on_schedule(self) -> bool:
        """按期还本付息: repaid, and no later than the maturity date."""
        return self.repaid_on is not None and self.repaid_on <= self.maturity

    @property
    def days(self) -> int:
        """Days interest ran: drawdown to repayment (or to maturity while outstanding)."""
        end = self.repaid_on or self.maturity
        return (end - self.drawn).days

    def term_years(self, day_count: int) -> Fraction:
        """Contract term in years: whole calendar years, then remaining days ÷ the day count."""
        return years_between(self.signed, self.maturity, day_count)


@dataclass
class GuaranteeState:
    """A credit-enhancement agreement on a loan (担保 or 保险增信) and its fee."""

    guarantee_id: str
    loan_id: str
    fee_rate: Fraction
    fee: int | None
    enhancer: str


@dataclass
class InsuranceState:
    """A 青科保 policy the party bought: premium, term, and whether it was its first purchase."""

    policy_id: str
    premium: int
    start: date
    end: date | None
    product: str
    purchase: str | None  # "first" | "repeat" | None = decided from the party's other policies


@dataclass
class ClaimState:
    """One approved subsidy or award claim and what has been paid on it."""

    claim_id: str
    program: str
    policy_version: str
    object_ref: str
    pays_on: str
    group: str
    day: date
    entitlement: int
    payable: int
    project: str | None
    category: str | None
    loan_years: Fraction
    trimmed: bool
    rules: list[str]
    basis: dict[str, Any]
    paid: int = 0
    payments: list[tuple[date, int]] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return self.payable - self.paid

    @property
    def scope_object(self) -> str:
        """What 就高不重复 per object compares: the object and what is paid on it (interest, fee …)."""
        return f"{self.object_ref}#{self.pays_on}"


@dataclass
class SubsidyBook:
    """The subsidies section of a party: its financed objects, recorded bases, and claims."""

    loans: dict[str, LoanState] = field(default_factory=dict)
    guarantees: dict[str, GuaranteeState] = field(default_factory=dict)
    policies: dict[str, InsuranceState] = field(default_factory=dict)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # generic object ref → recorded facts
    claims: dict[str, ClaimState] = field(default_factory=dict)

    def claims_of(self, programs: set[str] | frozenset[str]) -> list[ClaimState]:
        return [c for c in self.claims.values() if c.program in programs]

    def first_purchase(self, policy: InsuranceState) -> bool:
        """首次购买: as stated at registration, else no other policy of the party started earlier."""
        if policy.purchase:
            return policy.purchase == "first"
        keys = list(self.policies)
        mine = keys.index(policy.policy_id) if policy.policy_id in self.policies else len(keys)
        return not any((other.start, i) < (policy.start, mine)
                       for i, (key, other) in enumerate(self.policies.items()) if key != policy.policy_id)


def book_of(party: Any) -> SubsidyBook:
    """The party's subsidies section (created empty on first use)."""
    section = party.section("subsidies")
    if "book" not in section:
        section["book"] = SubsidyBook()
    return section["book"]


def years_between(start: date, end: date, day_count: int) -> Fraction:
    """Whole calendar years from ``start``, then the remaining days ÷ the day count."""
    whole = 0
    while add_years(start, whole + 1) <= end:
        whole += 1
    rest = (end - add_years(start, whole)).days
    return whole + Fraction(rest, day_count)


def show_years(value: Fraction) -> str:
    """Loan-years with two decimals, e.g. ``1.00``."""
    hundredths = round_half_up(value * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}"
