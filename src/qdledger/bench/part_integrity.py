"""Generated integrity cases on a few per cent of parties: 立案 with 暂停拨付, a decision (some with
bans, terminations and recovery orders), repayments, now and then a review or a credit repair; and
proportional clawbacks (同比例收回) on grants of a program with matched funding.

Planned last, after every other part, so a case never stops what those parts planned: it
suspends only grants released nothing while it is open, holds applications or bans only when no
award, investment or claim falls inside, and terminates only grants with nothing planned after."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from random import Random

from qdledger.bench.parties import Party
from qdledger.bench.plan import Part, Planned
from qdledger.dates import add_years
from qdledger.equity import service as equity
from qdledger.grants import service as grants
from qdledger.integrity import cases, recoveries
from qdledger.integrity.terms import REGIME
from qdledger.money import round_half_up, yuan
from qdledger.policy.kinds_integrity import ProportionalClawback, SeverityBand
from qdledger.policy.loader import policy_book
from qdledger.subsidies import service as subsidies

CASES = 0.03
"""Share of parties with an integrity case (long-tail parties: one in two)."""
CLAWBACKS = 0.03
"""Share of grants of a matched-funding program whose own investment fell short (同比例收回)."""
SEVERITIES = (("较轻", 0.4), ("较重", 0.35), ("严重", 0.2), ("特别严重", 0.05))
AWARDS = (grants.award, equity.invest, subsidies.claim)
"""Commands an award ban or a hold on applications would stop."""


def plan_integrity(party: Party, rng: Random, budget: int, earlier: list[Planned]) -> list[Planned]:
    """Rare and small, planned on top of the parts' budgets (under 1% of the events at full size): a
    case, or else clawbacks (never both on one party, so neither takes what the other ordered)."""
    if rng.random() < (0.5 if party.long_tail else CASES):
        return one_case(party, rng, earlier)
    return clawbacks(party, rng, earlier)


class Grants:
    """What the earlier parts planned for each grant: award day, program, releases and last event."""

    def __init__(self, earlier: list[Planned]) -> None:
        self.awarded: dict[str, tuple[date, str]] = {}
        self.releases: dict[str, list[tuple[date, int]]] = {}
        self.last: dict[str, date] = {}
        self.awards = sorted(item.day for item in earlier if item.make in AWARDS)
        for item in earlier:
            grant_id = item.args.get("grant_id")
            if item.make is grants.award:
                self.awarded[grant_id] = (item.day, item.args["program"])
            elif item.make is grants.release:
                self.releases.setdefault(grant_id, []).append((item.day, item.args["amount"]))
            if grant_id:
                self.last[grant_id] = max(self.last.get(grant_id, item.day), item.day)

    def released_in(self, grant_id: str, start: date, end: date) -> bool:
        """Released from ``start`` to ``end`` inclusive (a release on the decision day runs before it)."""
        return any(start <= day <= end for day, _ in self.releases.get(grant_id, []))

    def disbursed(self, grant_id: str, by: date) -> int:
        return sum(amount for day, amount in self.releases.get(grant_id, []) if day <= by)

    def awards_between(self, start: date, end: date) -> bool:
        return any(start <= day <= end for day in self.awards)


def clawbacks(party: Party, rng: Random, earlier: list[Planned]) -> list[Planned]:
    """同比例收回 on grants of a matched-funding program, after their last release, then repaid."""
    known = Grants(earlier)
    planned = []
    for grant_id, (_, program) in known.awarded.items():
        version = policy_book().latest(program)
        if not version.program.rule_of_kind(ProportionalClawback) or rng.random() >= CLAWBACKS:
            continue
        day = known.last[grant_id] + timedelta(days=rng.randrange(30, 200))
        disbursed = known.disbursed(grant_id, day)
        if disbursed <= 0:
            continue
        plan = rng.randrange(200, 5000) * 1_000_000
        actual = plan * rng.randrange(30, 95) // 100
        planned.append(Planned(day, recoveries.order, dict(grants=[grant_id], basis="proportional", day=day,
                                                           planned=plan, actual=actual), 1))
        owed = round_half_up(Fraction(disbursed * (plan - actual), plan))
        planned += repayments(grant_id, owed, day, rng)
    return planned


def one_case(party: Party, rng: Random, earlier: list[Planned]) -> list[Planned]:
    """One case: opened, decided a few months later, its orders repaid, sometimes reviewed or repaired."""
    known = Grants(earlier)
    program = policy_book().latest(REGIME).program
    if not known.awarded:
        return []
    first_award = min(day for day, _ in known.awarded.values())
    latest = program.valid_to - timedelta(days=200)
    if first_award + timedelta(days=60) >= latest:
        return []
    opened = first_award + timedelta(days=rng.randrange(60, (latest - first_award).days))
    decided = opened + timedelta(days=rng.randrange(30, 150))
    active = sorted(g for g, (day, _) in known.awarded.items() if day <= opened)
    quiet = [g for g in active if not known.released_in(g, opened, decided)]
    case_id = party.next_id("C")
    timeline = [Planned(opened, cases.open_, dict(case_id=case_id, party=party.key, day=opened,
                                                  suspend=",".join(quiet) or "none", grounds=grounds(rng),
                                                  hold_applications=not known.awards_between(opened, decided)
                                                  and rng.random() < 0.5), 3, creates=("case", case_id))]
    timeline += decision(case_id, rng, known, quiet, active, decided, program)
    return timeline


def grounds(rng: Random) -> str:
    codes = ("一", "二", "三", "四", "六", "八", "九", "十")
    return ",".join(rng.sample(codes, rng.randint(1, 2)))


def decision(case_id: str, rng: Random, known: Grants, suspended: list[str], active: list[str], day: date,
             program) -> list[Planned]:
    """处理决定 with what the severity allows and the other parts' plans leave room for."""
    severity = rng.choices([s for s, _ in SEVERITIES], [w for _, w in SEVERITIES])[0]
    band = next(r for r in program.rules.values() if isinstance(r, SeverityBand) and r.severity == severity)
    args = dict(case_id=case_id, severity=severity, day=day)
    if not band.bans:
        return [Planned(day, cases.decide, args, 1)]
    years = rng.randint(band.ban_years_min or 1, band.ban_years_max or (band.ban_years_min or 1) + 2)
    banned = not known.awards_between(day, add_years(day, years)) and rng.random() < 0.6
    done = [g for g in active if known.last.get(g, day) < day]
    ending = sorted(rng.sample(done, min(len(done), rng.randint(1, 2)))) if rng.random() < 0.5 else []
    targets = ending or suspended or [g for g, (awarded, _) in known.awarded.items() if awarded <= day]
    recoverable = sum(known.disbursed(g, day) for g in targets)
    recover = recoverable * rng.randrange(10, 101) // 100 // 100 * 100 if rng.random() < 0.7 else 0
    args.update(ban_years=years if banned else None, terminate=",".join(ending) or None,
                recover=yuan(recover) if recover > 0 else None, reason="处理决定追回 / recovery by decision")
    orders = split_orders(sorted(targets), recover, known, day) if recover > 0 else {}
    return [Planned(day, cases.decide, args, 1 + len(ending) + len(orders))] + aftermath(case_id, rng, day, orders, banned)


def aftermath(case_id: str, rng: Random, day: date, orders: dict[str, int], banned: bool) -> list[Planned]:
    """Now and then a review (a revocation reverses every order); else the orders repaid, and a
    credit repair taking some banned parties off the list."""
    timeline, after = [], day
    revoked = rng.random() < 0.1
    if revoked or rng.random() < 0.15:
        after = day + timedelta(days=rng.randrange(30, 120))
        timeline.append(Planned(after, cases.review, dict(case_id=case_id, day=after, result="revoked" if revoked else "upheld"),
                                1 + len(orders) * revoked))
    if revoked:
        return timeline
    for grant_id, owed in orders.items():
        timeline += repayments(grant_id, owed, after, rng)
    if banned and rng.random() < 0.2:
        repaired = day + timedelta(days=rng.randrange(180, 360))
        timeline.append(Planned(repaired, cases.repair, dict(case_id=case_id, day=repaired, remove=True), 1))
    return timeline


def split_orders(targets: list[str], amount: int, known: Grants, day: date) -> dict[str, int]:
    """How the decision's recovery is spread over its grants: in id order, each up to what it disbursed."""
    orders, left = {}, amount
    for grant_id in targets:
        share = min(left, known.disbursed(grant_id, day))
        if share > 0:
            orders[grant_id] = share
            left -= share
    return orders


def repayments(grant_id: str, owed: int, after: date, rng: Random) -> list[Planned]:
    """还款 in one to three instalments; a few leave part of the receivable outstanding."""
    items, paid, day = [], 0, after
    for n in range(rng.randint(1, 3)):
        day += timedelta(days=rng.randrange(20, 120))
        amount = (owed - paid) if n == 2 or rng.random() < 0.4 else (owed - paid) * rng.randrange(20, 70) // 100
        if rng.random() < 0.1 or amount <= 0:
            break
        items.append(Planned(day, recoveries.repay, dict(grant_id=grant_id, amount=amount, day=day), 1))
        paid += amount
    return items


INTEGRITY = Part("integrity", share=0, plan=plan_integrity)
