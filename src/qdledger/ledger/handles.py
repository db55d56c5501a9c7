"""Name index aggregates: one per user-chosen id, so ids are unique and findable."""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha1
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.recording import create

NAMESPACE = uuid5(NAMESPACE_URL, "https://qdledger/ids")
NAMESPACE_BYTES = NAMESPACE.bytes


MAX_KEY = 64


def check_key(key: str, field: str = "id") -> str:
    """A user-chosen id: 1–64 printable characters, no spaces, so it reads the same everywhere."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY or not key.isprintable() \
            or key.split() != [key]:  # splits only where there is whitespace
        raise BadInput(Text(f"编号无效：{key!r}（1–{MAX_KEY} 个字符，不含空格）",
                            f"invalid id {key!r} (1–{MAX_KEY} characters, no spaces)"), field=field, id=key)
    return key


@lru_cache(maxsize=1 << 16)
def aggregate_id(kind: str, key: str) -> UUID:
    """The stable aggregate id of a named thing, e.g. ``("grant", "G1")``."""
    return UUID(bytes=aggregate_id_bytes(kind, key))


def aggregate_id_bytes(kind: str, key: str) -> bytes:
    """``aggregate_id(kind, key).bytes``: ``uuid5`` of the name, without building the UUID (verify
    checks every id handle's id, once each, where the UUID costs five times the hash)."""
    digest = bytearray(sha1(NAMESPACE_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return bytes(digest)


class Handle(Aggregate):
    """Says who owns an id (``grant:G1`` → enterprise ``E1``); created once, never changed."""

    class Claimed(Aggregate.Created):
        kind: str
        key: str
        owner: str
        data: dict[str, Any]

        def apply(self, handle: Handle) -> None:
            handle.kind, handle.key, handle.owner, handle.data = self.kind, self.key, self.owner, self.data

    @classmethod
    def claim(cls, kind: str, key: str, owner: str, data: dict[str, Any] | None = None) -> Handle:
        return create(cls, cls.Claimed, aggregate_id(kind, key), dict(kind=kind, key=key, owner=owner, data=data or {}))
