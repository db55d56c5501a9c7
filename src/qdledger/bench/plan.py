"""What a generator part returns: commands to run for one party, each on its business date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from random import Random
from typing import Any, NamedTuple

from qdledger.bench.parties import Party
from qdledger.ledger.application import Command


class Planned(NamedTuple):
    """One command to run later: built from ``make(**args)`` when its batch is due (keeps memory small)."""

    day: date
    make: Callable[..., Command]
    args: dict[str, Any]
    events: int
    """Events it records (aggregates' events, id handles included): the budget and the progress bar count these."""
    creates: tuple[str, str] | None = None
    """(kind, id) of what it creates, e.g. ("grant", "G-E00001-001"): benchmarks pick samples from these."""

    def command(self) -> Command:
        return self.make(**self.args)


@dataclass(frozen=True)
class Part:
    """One capability's share of the generated ledger (grants, integrity cases, equity, loans …)."""

    name: str
    share: int
    """Relative weight: each part gets this share of the budget the parts before it left (so what one
    part does not spend goes to those after it); 0 for a rare part planned on top of the budget."""
    plan: Callable[[Party, Random, int, list[Planned]], list[Planned]]
    """``plan(party, rng, budget, earlier)``: commands worth about ``budget`` events for one party, valid
    when run in date order after ``earlier`` (what the parts before this one planned for the party)."""


def within(planned: list[Planned], budget: int) -> list[Planned]:
    """The longest prefix of a timeline that stays within an event budget (a prefix is always valid)."""
    kept, used = [], 0
    for item in planned:
        if used + item.events > budget:
            break
        kept.append(item)
        used += item.events
    return kept
