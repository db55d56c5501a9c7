"""The bulk decoder gives the same events as the application's mapper."""

from __future__ import annotations

from eventsourcing.persistence import StoredEvent

from auditkit import generate, small_history
from qdledger.audit.decode import Decoder
from qdledger.audit.rows import event_store


def test_bulk_decoding_equals_the_mapper(ledger):
    small_history(ledger)
    generate(ledger, 60, per_party=20)
    decode = Decoder(ledger)
    store = event_store(ledger)
    try:
        rows = [row for page in store.pages() for row in page]
    finally:
        store.close()
    assert len(rows) > 60
    for row in rows:
        fast = decode(row)
        slow = ledger.mapper.to_domain_event(StoredEvent(fast.originator_id, row[2], row[3], row[4]))
        assert type(fast) is type(slow) and fast.__dict__ == slow.__dict__
