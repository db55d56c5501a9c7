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
    from qdledger.audit.decode import Decoder
    from qdledger.audit.rows import event_store

    totals: dict[str, int] = defaultdict(int)
    decode, store = Decoder(ledger), event_store(ledger)
    try:
        for page in store.pages():
            for row in page:
                event = decode(row)
                if isinstance(event, LedgerEvent):
                    for account, amount in event.postings():
                        totals[account] += amount
    finally:
        store.close()
    return dict(totals)


def trial_balance(ledger: Ledger) -> dict[str, Any]:
    totals = balances(ledger)
    accounts = [{"account": name, "label": label(name), "balance": yuan(totals[name]),
                 "debit": yuan(max(totals[name], 0)), "credit": yuan(max(-totals[name], 0))}
                for name in sorted(totals)]
    return {"accounts": accounts, "total": yuan(sum(totals.values()))}
