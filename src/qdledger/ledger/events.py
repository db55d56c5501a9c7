"""The base of every stored fact: business date, recording time, actor, reference, postings."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate

Posting = tuple[str, int]
"""(account, fen): debit positive, credit negative; an event's postings sum to zero."""


class LedgerEvent(Aggregate.Event):
    """A fact in the past tense. ``timestamp`` is when it was recorded; ``business_date`` when it
    took effect (业务日期); ``actor`` who recorded it; ``reference`` the voucher or decision."""

    business_date: date
    actor: str
    reference: str

    money_fields = ()  # names of fields holding fen, shown as yuan strings ("4000000.00") in JSON

    def postings(self) -> list[Posting]:
        """Double-entry lines this fact yields; empty for facts that move no money."""
        return []

    def entity_keys(self) -> tuple[str, ...]:
        """Keys (``grant:G1``, ``case:C1`` …) of the entities this fact belongs to, for history."""
        return ()

    def payload(self) -> dict[str, Any]:
        """The fact's own fields, without the envelope every event shares."""
        return {k: v for k, v in self.__dict__.items() if k not in ENVELOPE}


ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "business_date", "actor", "reference",
                      "originator_topic"})
"""Fields every stored fact carries besides its own."""


def balanced(*lines: Posting) -> list[Posting]:
    """Postings with zero-amount lines dropped; the caller's lines must already balance."""
    kept = [line for line in lines if line[1] != 0]
    assert sum(amount for _, amount in kept) == 0, f"unbalanced postings {kept}"
    return kept


def transfer(debit: str, credit: str, fen: int) -> list[Posting]:
    """One amount moved from ``credit`` to ``debit``."""
    return [(debit, fen), (credit, -fen)]
