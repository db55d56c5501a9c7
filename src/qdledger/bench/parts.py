"""The generator's parts, one per capability; a new capability adds its part here with one line."""

from __future__ import annotations

from qdledger.bench.part_equity import EQUITY
from qdledger.bench.part_grants import GRANTS
from qdledger.bench.part_integrity import INTEGRITY
from qdledger.bench.part_subsidies import SUBSIDIES
from qdledger.bench.plan import Part

PARTS: list[Part] = [
    EQUITY,
    SUBSIDIES,
    GRANTS,
    INTEGRITY,
]
"""Planned in this order for each party (a later part sees what the earlier ones planned): grants
take what equity and subsidies leave of the budget, and integrity comes last so its cases fit
around everything else."""
