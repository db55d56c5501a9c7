"""Creating events and applying them to their aggregate, as the library's ``trigger_event`` and
``_create`` do, without their generic per-event steps.

An event class is a frozen dataclass: its ``__init__`` sets each field through
``object.__setattr__`` and then checks the originator id is a UUID. Here the event's fields are
laid down at once, in the same order (so it is stored byte for byte as before), after the same
check; anything unusual (a missing or unexpected field, another ``__post_init__``, an aggregate
with its own ``__init__``) goes the library's way.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate, DomainEvent
from eventsourcing.utils import get_topic

from qdledger.ledger.mapper import frozen


@cache
def _fields(event_class: type) -> tuple[str, ...] | None:
    """The field names of an event class in ``__init__`` order, or None when its ``__init__``
    does more than set them and check the originator id."""
    fields = dataclasses.fields(event_class)
    if getattr(event_class, "__post_init__", None) is not DomainEvent.__post_init__ or not all(f.init for f in fields):
        return None
    return tuple(f.name for f in fields)


def new_event(event_class: type, fields: dict[str, Any]) -> Any:
    """``event_class(**fields)``."""
    names = _fields(event_class)
    if names is None or len(fields) != len(names) or not isinstance(fields.get("originator_id"), UUID):
        return event_class(**fields)
    try:
        state = {name: fields[name] for name in names}
    except KeyError:
        return event_class(**fields)
    return frozen(event_class, state)


def trigger(aggregate: Any, event_class: type, fields: dict[str, Any]) -> None:
    """``aggregate.trigger_event(event_class, **fields)``: the next event, applied and pending."""
    if getattr(type(aggregate), "TOPIC", None):
        aggregate.trigger_event(event_class, **fields)
        return
    fields["originator_id"] = aggregate.id
    fields["originator_version"] = aggregate.version + 1
    if fields.get("timestamp") is None:
        fields["timestamp"] = event_class.create_timestamp()
    event = new_event(event_class, fields)
    event.mutate(aggregate)
    aggregate.pending_events.append(event)


def create(aggregate_class: type[BaseAggregate], event_class: type, id: UUID, fields: dict[str, Any]) -> Any:  # noqa: A002
    """``aggregate_class._create(event_class, id=id, **fields)``: a new aggregate with its created event pending."""
    if getattr(aggregate_class, "TOPIC", None) or not isinstance(id, UUID):
        return aggregate_class._create(event_class, id=id, **fields)
    fields["originator_topic"] = get_topic(aggregate_class)
    fields["originator_id"] = id
    fields["originator_version"] = aggregate_class.INITIAL_VERSION
    if fields.get("timestamp") is None:
        fields["timestamp"] = event_class.create_timestamp()
    event = new_event(event_class, fields)
    if aggregate_class.__init__ is object.__init__ and type(event).mutate is CanInitAggregate.mutate:
        aggregate = object.__new__(aggregate_class)
        aggregate.__base_init__(originator_id=id, originator_version=event.originator_version, timestamp=event.timestamp)
        event.apply(aggregate)
    else:
        aggregate = event.mutate(None)
    aggregate.pending_events.append(event)
    return aggregate
