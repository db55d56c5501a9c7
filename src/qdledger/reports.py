"""Reports over the whole ledger: the trial balance (试算平衡表)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qdledger.ledger.accounts import label
from qdledger.ledger.application import Ledger
from qdledger.ledger.events import LedgerEvent
from qdledger.money import yuan


def balances(ledger: Ledger) -> dict[str, int]:
    """Every account's balance in fen (debit positive), summed over all postings."""
    totals: dict[str, int] = defaultdict(int)
    for _, event in ledger.all_events():
        if isinstance(event, LedgerEvent):
            for account, amount in event.postings():
                totals[account] += amount
    return dict(totals)


def trial_balance(ledger: Ledger) -> dict[str, Any]:
    totals = balances(ledger)
    accounts = [{"account": name, "label": label(name), "balance": yuan(totals[name]),
                 "debit": yuan(max(totals[name], 0)), "credit": yuan(max(-totals[name], 0))}
                for name in sorted(totals)]
    return {"accounts": accounts, "total": yuan(sum(totals.values()))}
