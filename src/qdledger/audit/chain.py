"""The tamper-evident hash chain over the stored events, in their global (notification) order.

Each link is ``sha256(previous link ‖ encoding of one stored event)`` where the encoding is
canonical and length-prefixed (see ``encode``); the first link's predecessor is 32 zero bytes.
The links are kept in a chain table beside the events, extended right after every save and on
``digest`` / ``verify``. Recomputing them from the events and comparing with the kept ones
names the first position where the stored events no longer match what was sealed.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qdledger.audit.rows import EventStore, Link, Row, event_store

GENESIS = bytes(32)
HEADER = struct.Struct(">QHQII")
"""position (u64), id length (u16), version (u64), topic length (u32), state length (u32), big-endian."""


def encode(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The canonical bytes of one stored event: fixed header, then id, topic and state as stored."""
    oid = originator_id.encode("ascii")
    top = topic.encode("utf-8")
    return HEADER.pack(position, len(oid), version, len(top), len(state)) + oid + top + state


def link(previous: bytes, row: Row) -> bytes:
    """The chain hash after one more event."""
    return hashlib.sha256(previous + encode(*row)).digest()


def links(rows: Iterable[Row], previous: bytes = GENESIS) -> Iterator[Link]:
    """Every link of a run of rows, starting after ``previous``."""
    sha, pack = hashlib.sha256, HEADER.pack
    topics: dict[str, bytes] = {}
    for position, oid, version, topic, state in rows:
        top = topics.get(topic)
        if top is None:
            top = topics[topic] = topic.encode("utf-8")
        ob = oid.encode("ascii")
        previous = sha(b"".join((previous, pack(position, len(ob), version, len(top), len(state)), ob, top, state))).digest()
        yield position, previous


def seal(ledger: Any, store: EventStore | None = None, fresh: Sequence[Row] = ()) -> int:
    """Extend the kept chain over events saved since it was last extended; return how many.

    ``fresh`` are rows just saved, as stored: when they are the very next ones the chain needs,
    they are linked without being read back (anything stored after them still is)."""
    own = store is None
    store = store or event_store(ledger)
    try:
        last = store.last_link()
        after, previous = last if last else (0, GENESIS)
        added = 0
        for page in _unsealed(store, after, fresh):
            new = list(links(page, previous))
            store.add_links(new)
            previous = new[-1][1]
            added += len(new)
        return added
    finally:
        if own:
            store.close()


@dataclass(frozen=True)
class Digest:
    """A position and the chain hash there: what an auditor keeps outside the system."""

    position: int
    digest: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "digest": self.digest}


def parse_digest(text: str) -> tuple[int | None, str]:
    """``HEX`` or ``POSITION:HEX`` (as ``qdledger digest`` prints it) → (position or None, hex)."""
    raw = text.strip().lower()
    position, _, value = raw.rpartition(":")
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value) or (position and not position.isdigit()):
        from qdledger.errors import BadInput
        from qdledger.i18n import Text

        raise BadInput(Text(f"摘要格式无效：{text!r}（应为 64 位十六进制，可加“位置:”前缀）",
                            f"invalid digest {text!r} (64 hex digits, optionally prefixed by 'POSITION:')"), field="digest")
    return (int(position) if position else None), value


def _unsealed(store: EventStore, after: int, fresh: Sequence[Row]) -> Iterator[list[Row]]:
    if fresh and all(row[0] == position for position, row in enumerate(fresh, after + 1)):
        yield list(fresh)
        after = fresh[-1][0]
    yield from store.pages(after)


def seal_after_save(ledger: Any, recordings: Sequence[Any] = ()) -> None:
    """Called after every save. A write that succeeded stays reported as done even when the seal
    cannot be written now (the database busy, say): the next save, digest or verify extends it."""
    import sqlite3

    from eventsourcing.persistence import PersistenceError

    fresh = [(n.id, n.originator_id.hex, n.originator_version, n.topic, n.state)
             for n in (r.notification for r in recordings)]
    try:
        seal(ledger, fresh=fresh)
    except (sqlite3.Error, PersistenceError):
        pass


def current_digest(ledger: Any) -> Digest:
    """Seal what is unsealed, then the position and chain hash of the last event."""
    store = event_store(ledger)
    try:
        seal(ledger, store)
        last = store.last_link()
        position, value = last if last else (0, GENESIS)
        return Digest(position, value.hex())
    finally:
        store.close()
