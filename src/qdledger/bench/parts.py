"""The generator's parts, one per capability; a new capability adds its part here with one line."""

from __future__ import annotations

from qdledger.bench.part_grants import GRANTS
from qdledger.bench.plan import Part

PARTS: list[Part] = [
    GRANTS,
]
"""Planned in this order for each party (a later part sees what the earlier ones planned)."""
