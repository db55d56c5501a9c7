"""Every aggregate rebuilt from the stored rows in one pass (for exports of the whole ledger)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from qdledger.audit.decode import Decoder
from qdledger.audit.rows import event_store


def replay_all(ledger: Any, progress: Callable[[int], None] | None = None,
               each: Callable[[int, Any], None] | None = None) -> dict[Any, Any]:
    """Aggregates by id as of now; ``each(position, event)`` sees every event on the way."""
    store = event_store(ledger)
    decode = Decoder(ledger)
    aggregates: dict[Any, Any] = {}
    try:
        for page in store.pages():
            for row in page:
                event = decode(row)
                aggregates[event.originator_id] = event.mutate(aggregates.get(event.originator_id))
                if each:
                    each(row[0], event)
            if progress:
                progress(len(page))
    finally:
        store.close()
    return aggregates


def parties(aggregates: dict[Any, Any]) -> Iterator[Any]:
    from qdledger.ledger.enterprise import Enterprise

    return (a for a in aggregates.values() if isinstance(a, Enterprise))
