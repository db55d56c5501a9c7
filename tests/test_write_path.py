"""The write path's shortcuts build exactly what the library's generic steps build: the same
events (fields and order), the same aggregates, the same stored rows and recordings."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import uuid4

import pytest
from eventsourcing.persistence import EventStore, Mapper
from eventsourcing.popo import POPOApplicationRecorder

from qdledger.grants.events import MilestoneRecorded, TrancheReleased
from qdledger.ledger.application import Ledger
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.handles import Handle
from qdledger.ledger.mapper import FastEventStore, FastMapper
from qdledger.ledger.recording import new_event

WHEN = datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
ENVELOPE = dict(business_date=date(2025, 3, 1), actor="officer01", reference="V-1", timestamp=WHEN)


def state(aggregate):
    """An aggregate's state with its pending events as plain field dicts."""
    return {k: [vars(e) for e in v] if k == "_pending_events" else v for k, v in vars(aggregate).items()}


def test_new_event_equals_the_dataclass_init_field_for_field():
    fields = dict(originator_id=uuid4(), originator_version=3, grant_id="G1", amount=100, stage="award",
                  rules=["r"], **ENVELOPE)
    fast, standard = new_event(TrancheReleased, dict(fields)), TrancheReleased(**fields)
    assert fast == standard and list(vars(fast).items()) == list(vars(standard).items())


def test_new_event_refuses_what_the_dataclass_refuses():
    with pytest.raises(TypeError):  # a missing field
        new_event(TrancheReleased, dict(originator_id=uuid4(), originator_version=1, **ENVELOPE))
    with pytest.raises(TypeError):  # an originator id that is not a UUID
        new_event(MilestoneRecorded, dict(originator_id="E1", originator_version=1, grant_id="G1", milestone="midterm",
                                          result="passed", **ENVELOPE))


def test_created_aggregates_equal_the_library_ones():
    fast = Enterprise.register(key="E1", name="n", credit_code="c", district="d", party_kind="enterprise", **ENVELOPE)
    standard = Enterprise._create(Enterprise.Registered, id=fast.id, key="E1", name="n", credit_code="c", district="d",
                                  party_kind="enterprise", **ENVELOPE)
    assert state(fast) == state(standard) and list(vars(fast)) == list(vars(standard))
    handle = Handle.claim("grant", "G1", "E1", {"x": 1})
    library = Handle._create(Handle.Claimed, id=handle.id, kind="grant", key="G1", owner="E1", data={"x": 1},
                             timestamp=handle.created_on)
    assert state(handle) == state(library)


def test_recorded_event_is_applied_and_pending_as_trigger_event_does():
    fast = Enterprise.register(key="E1", name="n", credit_code="c", district="d", party_kind="enterprise", **ENVELOPE)
    standard = Enterprise.register(key="E1", name="n", credit_code="c", district="d", party_kind="enterprise", **ENVELOPE)
    fields = dict(grant_id="G9", milestone="midterm", result="passed", **ENVELOPE)
    fast.record(_Noted, **fields)
    standard.trigger_event(_Noted, **fields)
    assert state(fast) == state(standard) and fast.sections == {"log": ["G9"]}
    assert fast.version == 2 and fast.modified_on == WHEN


class _Noted(MilestoneRecorded):
    """A milestone fact whose apply touches no grant (the test party has none)."""

    def apply(self, party) -> None:
        party.sections.setdefault("log", []).append(self.grant_id)


def test_mapper_and_event_store_give_the_library_rows_and_recordings():
    ledger = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    party = Enterprise.register(key="E1", name="青岛", credit_code="c", district="d", party_kind="enterprise", **ENVELOPE)
    party.record(_Noted, grant_id="G1", milestone="midterm", result="passed", **ENVELOPE)
    events = party.collect_events()
    transcoder = ledger.mapper.transcoder
    standard_mapper, fast_mapper = Mapper(transcoder=transcoder), FastMapper(transcoder=transcoder)
    assert [fast_mapper.to_stored_event(e) for e in events] == [standard_mapper.to_stored_event(e) for e in events]
    standard = EventStore(standard_mapper, POPOApplicationRecorder()).put(events)
    fast = FastEventStore(fast_mapper, POPOApplicationRecorder()).put(events)
    assert fast == standard
    ledger.close()
