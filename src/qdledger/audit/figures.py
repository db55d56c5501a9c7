"""The running totals an auditor reads (awarded, disbursed, recovered …), defined by accounts.

A figure is a sum over postings: the debits, credits or balance of named accounts. Totals come
from postings alone, so a capability that brings new accounts is covered by adding one line
here (``feed``), and every history, statement and export shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qdledger.i18n import Text
from qdledger.ledger import accounts as acct
from qdledger.ledger.accounts import label
from qdledger.money import yuan

MEASURES = ("debits", "credits", "balance", "credit_balance")


@dataclass
class Figure:
    name: str
    label: Text
    lines: list[tuple[str, str]] = field(default_factory=list)  # (account, measure)


FIGURES: list[Figure] = [
    Figure("awarded", Text("立项资助", "awarded"), [(acct.GRANTS_PAYABLE, "credits")]),
    Figure("disbursed", Text("已拨付", "disbursed"), [(acct.GRANTS_DISBURSED, "debits")]),
    Figure("recovered", Text("已追回", "recovered"), [(acct.RECOVERIES_RECEIVABLE, "credits"),
                                                     (acct.RECOVERIES_CANCELLED, "credit_balance"),
                                                     (acct.RECOVERIES_REFUNDED, "credit_balance")]),
    Figure("cancelled", Text("已撤销追回", "recovery orders cancelled"), [(acct.RECOVERIES_CANCELLED, "debits")]),
    Figure("refunded", Text("已退还追回款", "recoveries refunded"), [(acct.RECOVERIES_REFUNDED, "debits")]),
    Figure("receivable", Text("应收追回款", "receivable"), [(acct.RECOVERIES_RECEIVABLE, "balance")]),
    Figure("equity_at_cost", Text("股权投资（成本）", "equity at cost"), [(acct.EQUITY_AT_COST, "balance")]),
    Figure("subsidies", Text("已付补贴", "subsidies paid"), [(acct.SUBSIDIES_PAID, "balance")]),
]
"""In the order shown; figures without accounts yet stay at zero until a capability feeds them.

Recovered is money actually back: every credit to the receivable, less the part a review cancelled
(which also credits it, though nothing was received) and less what was refunded. So receivable =
ordered − recovered − cancelled − refunded, and an auditor sees cancelled orders apart."""


def feed(figure: str, account: str, measure: str) -> None:
    """Let an account count toward a figure, e.g. ``feed("receivable", RECEIVABLE, "balance")``."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}")
    for known in FIGURES:
        if known.name == figure:
            known.lines.append((account, measure))
            return
    FIGURES.append(Figure(figure, Text(figure, figure), [(account, measure)]))


class Running:
    """Debits and credits per account so far, and the figures they make, kept as postings arrive."""

    def __init__(self) -> None:
        self.debits: dict[str, int] = {}
        self.credits: dict[str, int] = {}
        self.values: dict[str, int] = {f.name: 0 for f in FIGURES}
        self.feeds: dict[str, list[tuple[str, str]]] = {}
        for figure in FIGURES:
            for account, measure in figure.lines:
                self.feeds.setdefault(account, []).append((figure.name, measure))

    def post(self, postings: Iterable[tuple[str, int]]) -> set[str]:
        """Add postings; return the names of the figures they changed."""
        changed: set[str] = set()
        for account, fen in postings:
            debit, credit = (fen, 0) if fen >= 0 else (0, -fen)
            self.debits[account] = self.debits.get(account, 0) + debit
            self.credits[account] = self.credits.get(account, 0) + credit
            for name, measure in self.feeds.get(account, ()):
                delta = measure_of(measure, debit, credit)
                if delta:
                    self.values[name] += delta
                    changed.add(name)
        return changed

    def figures(self) -> dict[str, int]:
        return dict(self.values)

    def balances(self) -> dict[str, int]:
        names = sorted(set(self.debits) | set(self.credits))
        return {name: self.debits.get(name, 0) - self.credits.get(name, 0) for name in names}


def measure_of(measure: str, debit: int, credit: int) -> int:
    """How much one posting's debit and credit add to a measure of its account."""
    if measure == "debits":
        return debit
    if measure == "credits":
        return credit
    if measure == "balance":
        return debit - credit
    return credit - debit


def figures_json(figures: dict[str, int]) -> dict[str, str | None]:
    return {name: yuan(fen) for name, fen in figures.items()}


def accounts_json(balances: dict[str, int]) -> list[dict[str, str | None]]:
    return [{"account": name, "label": label(name), "balance": yuan(fen)} for name, fen in balances.items()]
