"""Integrity's figures in ``enterprise show``: the ban and the cases (wired in by qdledger.capabilities)."""

from __future__ import annotations

from typing import Any

from qdledger.dates import iso
from qdledger.integrity.state import banned_until, cases_of


def extend_view(party: Any, view: dict[str, Any]) -> None:
    """``banned_until``: the end of the party's latest ban; ``integrity_cases``: its case ids."""
    view["banned_until"] = iso(banned_until(party))
    view["integrity_cases"] = sorted(cases_of(party))

