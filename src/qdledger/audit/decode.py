"""Stored rows back to domain events, as the application's mapper does, only faster in bulk.

``verify``, ``rebuild`` and exports decode every event of the ledger; this decoder parses the
JSON once (orjson when installed), applies the transcodings the ledger registered, and caches
topics and aggregate ids. A ledger stored with a cipher or compressor falls back to the mapper.
A test proves both give equal events.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, StoredEvent
from eventsourcing.utils import resolve_topic

from qdledger.audit.rows import Row
from qdledger.ledger.application import DateAsISO

try:
    from orjson import loads
except ImportError:  # the standard library parses the same JSON, only slower
    from json import loads


MARK = b'"_type_"'
"""How a registered value (date, timestamp, Decimal, UUID) is spelled in stored state."""


PLAIN: dict[type, Callable[[str], Any]] = {DatetimeAsISO: datetime.fromisoformat, DateAsISO: date.fromisoformat}
"""Transcodings whose decoding of a string is exactly one standard-library call, made directly."""


class Decoder:
    """Turns stored rows into the same event objects ``mapper.to_domain_event`` would."""

    def __init__(self, ledger: Any) -> None:
        self.mapper = ledger.mapper
        transcoder = self.mapper.transcoder
        self.fast = isinstance(transcoder, JSONTranscoder) and not self.mapper.cipher and not self.mapper.compressor
        self.names = transcoder.names if self.fast else {}
        self.revive = {name: PLAIN.get(type(transcoding), transcoding.decode)
                       for name, transcoding in self.names.items()}
        self.kinds: dict[str, tuple[type, int]] = {}
        self.ids: dict[str, UUID] = {}
        self.marked: dict[str, tuple[str, ...]] = {}
        """Per topic, the top-level fields that held registered values in its last event decoded
        in full: an event's fields are nearly always those of the last one of its class."""

    def __call__(self, row: Row) -> Any:
        _, oid, version, topic, state = row
        uid = self.ids.get(oid)
        if uid is None:
            uid = self.ids[oid] = UUID(oid)
        if not self.fast:
            return self.mapper.to_domain_event(StoredEvent(uid, version, topic, state))
        kind = self.kinds.get(topic)
        if kind is None:
            cls = resolve_topic(topic)
            kind = self.kinds[topic] = (cls, getattr(cls, "class_version", 1))
        cls, class_version = kind
        data = loads(state)
        marks = state.count(MARK)
        if marks:
            self._revive(data, marks, topic)
        data["originator_id"] = uid
        data["originator_version"] = version
        from_version = data.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(data)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", data)
        return event

    def _revive(self, data: dict[str, Any], marks: int, topic: str) -> None:
        """Registered values stored directly under the top level (the timestamp, dates: nearly
        always all of them) first, looked for where earlier events of its topic had them; only when
        some are left, under every field, then anything deeper."""
        revive = self.revive
        known = self.marked.get(topic, ())
        for key in known:
            value = data.get(key)
            if type(value) is dict and len(value) == 2 and "_type_" in value and type(value.get("_data_")) is str:
                data[key] = revive[value["_type_"]](value["_data_"])
                marks -= 1
        if not marks:
            return
        found = []
        for key, value in data.items():
            if type(value) is dict and len(value) == 2 and "_type_" in value and type(value.get("_data_")) is str:
                data[key] = revive[value["_type_"]](value["_data_"])
                found.append(key)
                marks -= 1
        self.marked[topic] = tuple(dict.fromkeys((*known, *found)))
        if marks:
            for key, value in data.items():
                if type(value) in (dict, list):
                    data[key] = self._value(value)

    def _value(self, value: Any) -> Any:
        """Innermost first, as the transcoder's object hook sees them."""
        if type(value) is list:
            return [self._value(v) if type(v) in (dict, list) else v for v in value]
        for key, item in value.items():
            if type(item) in (dict, list):
                value[key] = self._value(item)
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return self.names[value["_type_"]].decode(value["_data_"])
        return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole ledger is read.

    Reading builds hundreds of thousands of long-lived dicts (events, replayed aggregates), and
    every collection walks the young ones again: parsing a 100,000-event ledger's states takes
    more than twice as long with it running. Nothing read forms reference cycles that outlive the
    read, so plain reference counting frees it. When it resumes, what was built meanwhile is moved
    to the oldest generation unwalked (freeze, then unfreeze): the first collection would
    otherwise walk all of it, 0.09 s per 100,000 events, to find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
