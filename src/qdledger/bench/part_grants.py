"""Generated grants on every grant program: awards within the project cap, tranches within the
stage ceilings, mid-term and acceptance reviews (a few failing first), read from the policy files."""

from __future__ import annotations

import math
from datetime import date, timedelta
from random import Random

from qdledger.bench.parties import Party
from qdledger.bench.plan import Part, Planned, within
from qdledger.grants import service
from qdledger.grants.rules import project_limit
from qdledger.policy.loader import ProgramVersion, policy_book
from qdledger.policy.model import ProjectCap, StagedCeilings

WAN = 1_000_000  # fen in one 万元: budgets and awards are drawn in whole 万元
FIRST_FAILS = 0.06
"""Share of reviews that fail first and pass on a second review."""
HORIZON = date(2027, 12, 31)
"""Last award day generated for a program that names no end of validity."""


def grant_programs() -> list[ProgramVersion]:
    return [v for v in policy_book().all_latest() if v.program.kind in service.GRANT_KINDS]


def plan_grants(party: Party, rng: Random, budget: int, earlier: list[Planned]) -> list[Planned]:
    """Grants for one party until its budget is spent; long-tail parties pay in more tranches."""
    programs = grant_programs()
    planned: list[Planned] = []
    used = 0
    while used < budget:
        version = programs[rng.randrange(len(programs))]
        grant = one_grant(party, rng, version, tranches=rng.randint(2, 5) if party.long_tail else 1)
        grant = within(grant, budget - used)
        if not grant:
            break
        planned += grant
        used += sum(item.events for item in grant)
    return planned


def one_grant(party: Party, rng: Random, version: ProgramVersion, tranches: int) -> list[Planned]:
    """One grant's whole life in date order: award, tranches per stage, reviews between stages."""
    program = version.program
    grant_id = party.next_id("G")
    first = max(program.valid_from, party.registered_on)
    last = (program.valid_to or HORIZON) - timedelta(days=30)
    day = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
    budget = rng.randrange(200, 8000) * WAN
    cap = program.rule_of_kind(ProjectCap)
    limit = project_limit(cap[1], budget) if cap else budget
    amount = max(WAN, int(limit * rng.uniform(0.3, 1.0)) // WAN * WAN)
    timeline = [Planned(day, service.award, dict(grant_id=grant_id, enterprise=party.key, program=program.id,
                                                 project_budget=budget, amount=amount, day=day), 2,
                        creates=("grant", grant_id))]
    staging = program.rule_of_kind(StagedCeilings)
    stages = [(s.after, s.cumulative) for s in staging[1].stages] if staging else [("award", 1)]
    paid = 0
    for after, ceiling in stages:
        if after != "award":
            day += timedelta(days=rng.randrange(300, 500))
            timeline += review(grant_id, after, day, rng)
            day = timeline[-1].day
        target = math.floor(amount * ceiling)
        for share in split(target - paid, tranches, rng):
            day += timedelta(days=rng.randrange(7, 60))
            timeline.append(Planned(day, service.release, dict(grant_id=grant_id, amount=share, day=day), 1))
            paid += share
    if not staging and rng.random() < 0.5:
        day += timedelta(days=rng.randrange(200, 400))
        timeline += review(grant_id, "acceptance", day, rng)
    return timeline


def review(grant_id: str, milestone: str, day: date, rng: Random) -> list[Planned]:
    """A passed review, sometimes after a failed one a few months earlier."""
    items = []
    if rng.random() < FIRST_FAILS:
        items.append(Planned(day, service.milestone_result, dict(grant_id=grant_id, milestone=milestone,
                                                                 result="failed", day=day), 1))
        day += timedelta(days=rng.randrange(60, 150))
    items.append(Planned(day, service.milestone_result, dict(grant_id=grant_id, milestone=milestone,
                                                             result="passed", day=day), 1))
    return items


def split(total: int, parts: int, rng: Random) -> list[int]:
    """``total`` fen in ``parts`` positive payments of whole yuan (the last takes the remainder)."""
    if total <= 0:
        return []
    parts = max(1, min(parts, total // 100))
    cuts = sorted(rng.randrange(1, parts * 10) for _ in range(parts - 1))
    shares, previous = [], 0
    for cut in cuts:
        point = total * cut // (parts * 10) // 100 * 100
        if point > previous:
            shares.append(point - previous)
            previous = point
    shares.append(total - previous)
    return shares


GRANTS = Part("grants", share=10, plan=plan_grants)
