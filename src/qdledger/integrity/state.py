"""What the ledger knows about a party's integrity cases (诚信案件) and recovery orders (追回), rebuilt from events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

SECTION = "integrity"


@dataclass
class CaseState:
    case_id: str
    opened_on: date
    grounds: list[str]
    suspended: list[str]  # grants whose releases the case suspended when it was opened (Art. 20)
    hold_applications: bool = False  # 暂停受理申报 (Art. 20) until the decision
    status: str = "open"  # open | decided
    severity: str | None = None
    decided_on: date | None = None
    measures: list[str] = field(default_factory=list)
    ban_years: int | None = None
    ban_until_decided: date | None = None
    ban_until: date | None = None  # after repairs or revocation
    ban_rule: str | None = None
    ban_citation: str | None = None
    suspended_days: int = 0
    terminated: list[str] = field(default_factory=list)
    released_commitment: int = 0
    removed_on: date | None = None  # taken off the 异常名录 (repair or revocation)
    revoked_on: date | None = None
    repairs: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    decision_reference: str = ""
    policy_version: str = ""

    def bans_on(self, day: date) -> bool:
        """Whether a ban of this case that bars awards is in force on ``day`` (from the decision, end excluded)."""
        return bool(self.ban_rule and self.decided_on and self.ban_until and self.decided_on <= day < self.ban_until)

    def holds_applications_on(self, day: date) -> bool:
        """Whether the case's 暂停受理申报 stops new awards on ``day``: from opening until the decision."""
        return self.hold_applications and self.opened_on <= day and (self.decided_on is None or day < self.decided_on)

    def listed_on(self, day: date) -> bool:
        """On the 异常名录 on ``day``: decided by then, not yet removed or revoked."""
        if self.status != "decided" or self.decided_on is None or self.decided_on > day:
            return False
        ended = [d for d in (self.removed_on, self.revoked_on) if d is not None]
        return not ended or day < min(ended)


@dataclass
class OrderState:
    """One recovery order on one grant: a receivable with its basis, and what happened to it since."""

    order_id: str
    grant_id: str
    case_id: str | None
    basis: str
    amount: int
    ordered_on: date
    due_on: date | None
    reason: str
    rule: str
    citation: str
    figures: dict[str, Any]
    movements: list[tuple[date, str, int]] = field(default_factory=list)  # (date, repaid|cancelled|refunded, fen)

    def total(self, kind: str, as_of: date | None = None) -> int:
        return sum(fen for when, what, fen in self.movements if what == kind and (as_of is None or when <= as_of))

    def outstanding(self, as_of: date | None = None) -> int:
        """Still to be repaid: ordered, less repaid and cancelled (as of a business date if given)."""
        if as_of is not None and as_of < self.ordered_on:
            return 0
        return self.amount - self.total("repaid", as_of) - self.total("cancelled", as_of)

    def recovered(self, as_of: date | None = None) -> int:
        """Money actually back: repaid, less refunded after a reversal."""
        return self.total("repaid", as_of) - self.total("refunded", as_of)


def integrity_of(party: Any) -> dict[str, Any]:
    """The party's integrity section: ``cases`` by id and recovery ``orders`` by id."""
    section = party.section(SECTION)
    section.setdefault("cases", {})
    section.setdefault("orders", {})
    return section


def cases_of(party: Any) -> dict[str, CaseState]:
    return integrity_of(party)["cases"]


def orders_of(party: Any, grant_id: str | None = None) -> list[OrderState]:
    """The party's recovery orders in the order they were made, optionally for one grant."""
    orders = integrity_of(party)["orders"].values()
    return [o for o in orders if grant_id is None or o.grant_id == grant_id]


def orders_of_case(party: Any, case_id: str) -> list[OrderState]:
    return [o for o in integrity_of(party)["orders"].values() if o.case_id == case_id]


def ban_in_force(party: Any, day: date) -> CaseState | None:
    """The case whose award ban covers ``day`` and ends last, if any."""
    banning = [c for c in cases_of(party).values() if c.bans_on(day)]
    return max(banning, key=lambda c: c.ban_until) if banning else None


def holding_case(party: Any, day: date) -> CaseState | None:
    """An open case whose interim measure stops new awards on ``day``, if any."""
    return next((c for c in cases_of(party).values() if c.holds_applications_on(day)), None)


def banned_until(party: Any) -> date | None:
    """The latest end of any ban the party was given (after repairs), for ``enterprise show``."""
    ends = [c.ban_until for c in cases_of(party).values() if c.ban_rule and c.ban_until]
    return max(ends) if ends else None
