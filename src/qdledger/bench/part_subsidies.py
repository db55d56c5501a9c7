"""Generated loans, guarantees and 青科保 policies, and the subsidy claims on them (青科贷 interest,
credit-enhancement fee, premium) with their payments. Every claim is one the application approves:
within the per-enterprise caps and claim limits of the policy files, and under 就高不重复 a second
claim on a loan only when it is worth more than the first (it is paid the difference)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from random import Random

from qdledger.bench.parties import Party
from qdledger.bench.plan import Part, Planned, within
from qdledger.dates import add_years
from qdledger.money import round_half_up
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.reference.lpr import previous_month, shipped_fixings, shipped_table
from qdledger.subsidies import objects, service
from qdledger.subsidies.service import ClaimInput

WAN = 1_000_000  # fen in one 万元
INTEREST, FEE, PREMIUM = "qingkedai_interest_subsidy", "guarantee_insurance_fee_subsidy", "qingkebao_premium_subsidy"
BORROWS = 0.25
"""Share of parties with loans registered (long-tail parties always)."""
INSURES = 0.15
"""Share of parties buying 青科保 policies (long-tail parties always)."""
GUARANTEED = 0.4
"""Share of loans with a guarantee (担保/保险增信)."""
FEE_RATES = ("0.8", "1.2", "1.5", "2", "2.5", "3")
FIRST_LOAN, LAST_LOAN = date(2024, 9, 1), date(2027, 6, 30)


def lpr_reference() -> tuple[list, str, int | None]:
    """The shipped LPR fixings, the month they run to and the publication day."""
    fixings, known_through = shipped_fixings()
    return fixings, known_through, shipped_table().published_day


class Caps:
    """Per-enterprise caps and claim limits still open to the party, by program (upper estimates)."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}
        self.claims: dict[str, int] = {}

    def room(self, program_id: str, amount: int) -> bool:
        program = policy_book().latest(program_id).program
        for _, rule in program.rules.items():
            if isinstance(rule, k.Cap) and rule.active and rule.scope == "per_enterprise":
                if self.used.get(program_id, 0) + amount > rule.limit:
                    return False
            if isinstance(rule, k.ClaimLimit) and rule.scope == "per_enterprise":
                if self.claims.get(program_id, 0) >= rule.count:
                    return False
        return True

    def take(self, program_id: str, amount: int) -> None:
        self.used[program_id] = self.used.get(program_id, 0) + amount
        self.claims[program_id] = self.claims.get(program_id, 0) + 1


def plan_subsidies(party: Party, rng: Random, budget: int, earlier: list[Planned]) -> list[Planned]:
    """Loans (with claims once repaid) and insurance policies (with premium claims), within budget."""
    caps, planned = Caps(), []
    loans = rng.randint(3, 8) if party.long_tail else (rng.randint(1, 2) if rng.random() < BORROWS else 0)
    policies = rng.randint(3, 8) if party.long_tail else (rng.randint(1, 3) if rng.random() < INSURES else 0)
    for _ in range(loans):
        planned += within(one_loan(party, rng, caps), budget - sum(item.events for item in planned))
    for _ in range(policies):
        planned += within(one_policy(party, rng, caps), budget - sum(item.events for item in planned))
    return planned


def one_loan(party: Party, rng: Random, caps: Caps) -> list[Planned]:
    loan_id = party.next_id("L")
    start = max(FIRST_LOAN, party.registered_on)
    signed = start + timedelta(days=rng.randrange((LAST_LOAN - start).days))
    principal = rng.randrange(100, 1000 if rng.random() < 0.85 else 3000) * WAN
    rate = Fraction(rng.randrange(300, 460), 10000)
    maturity = add_years(signed, 1 if rng.random() < 0.8 else 2)
    days = (maturity - signed).days
    timeline = [Planned(signed, objects.loan_registered, dict(loan_id=loan_id, enterprise=party.key, principal=principal,
                                                              rate=rate, signed=signed, maturity=maturity), 2,
                        creates=("loan", loan_id))]
    fee_rate = None
    if rng.random() < GUARANTEED:
        fee_rate = Fraction(rng.choice(FEE_RATES)) / 100
        timeline.append(Planned(signed, objects.guarantee_registered,
                                dict(guarantee_id=party.next_id("GU"), loan_id=loan_id, fee_rate=fee_rate,
                                     fee=round_half_up(principal * fee_rate * Fraction(days, 365)), day=signed), 2))
    repaid = maturity - timedelta(days=rng.randrange(0, 20))
    paid = round_half_up(principal * rate * Fraction((repaid - signed).days, 365))
    timeline.append(Planned(repaid, objects.loan_repaid, dict(loan_id=loan_id, day=repaid, interest_paid=paid), 1))
    day = repaid
    fee = fee_subsidy(principal, fee_rate)
    if fee and caps.room(FEE, fee):
        day += timedelta(days=rng.randrange(10, 60))
        timeline += claim_and_pay(party, rng, FEE, f"loan:{loan_id}", day, caps, fee)
    interest = interest_subsidy(principal, signed, (repaid - signed).days, paid)
    if interest is not None and interest > fee and caps.room(INTEREST, interest):
        day += timedelta(days=rng.randrange(10, 60))
        timeline += claim_and_pay(party, rng, INTEREST, f"loan:{loan_id}", day, caps, interest)
    return timeline


def fee_subsidy(principal: int, fee_rate: Fraction | None) -> int:
    """Upper estimate of the fee subsidy on a loan: the step of the fee band its rate reaches."""
    if fee_rate is None:
        return 0
    band = policy_book().latest(FEE).program.rule_of_kind(k.FeeBand)[1]
    step = next((s for s in band.steps if fee_rate >= s.from_rate), None)
    return round_half_up(principal * step.subsidy_rate) + 1 if step else 0


def interest_subsidy(principal: int, signed: date, days: int, paid: int) -> int | None:
    """The 青科贷 interest subsidy as the policy computes it, from the shipped LPR fixing latest at
    signing; None when the loan is above the band or the fixing is not in the shipped table."""
    rule = policy_book().latest(INTEREST).program.rule_of_kind(k.InterestSubsidy)[1]
    band = rule.bands[-1]
    lpr = shipped_lpr(signed)
    if lpr is None or (band.up_to is not None and principal > band.up_to):
        return None
    return min(round_half_up(principal * band.lpr_share * lpr * Fraction(days, rule.day_count)), paid)


def shipped_lpr(day: date) -> Fraction | None:
    """The 1-year LPR latest on ``day`` in the shipped table (before the publication day, the previous month's)."""
    fixings, known_through, published = lpr_reference()
    month = previous_month(day) if published and day.day < published else f"{day.year:04d}-{day.month:02d}"
    in_force = [f for f in fixings if f.month <= month]
    return in_force[-1].one_year if month <= known_through and in_force else None


def one_policy(party: Party, rng: Random, caps: Caps) -> list[Planned]:
    policy_id = party.next_id("P")
    start = max(FIRST_LOAN, party.registered_on) + timedelta(days=rng.randrange(900))
    premium = rng.randrange(10, 150) * 1_000 * 100
    timeline = [Planned(start, objects.insurance_registered, dict(policy_id=policy_id, enterprise=party.key,
                                                                  premium=premium, start=start,
                                                                  end=add_years(start, 1)), 2)]
    share = policy_book().latest(PREMIUM).program.rule_of_kind(k.PremiumShare)[1].first
    subsidy = round_half_up(premium * share)
    if caps.room(PREMIUM, subsidy):
        day = start + timedelta(days=rng.randrange(30, 200))
        timeline += claim_and_pay(party, rng, PREMIUM, f"insurance:{policy_id}", day, caps, subsidy)
    return timeline


def claim_and_pay(party: Party, rng: Random, program: str, object_ref: str, day: date, caps: Caps,
                  estimate: int) -> list[Planned]:
    """核定 then 拨付 in full a few weeks later; nothing after the program's end of validity."""
    valid_to = policy_book().latest(program).program.valid_to
    paid_on = day + timedelta(days=rng.randrange(15, 90))
    if valid_to and day > valid_to:
        return []
    caps.take(program, estimate)
    claim_id = party.next_id("SC")
    return [Planned(day, service.claim, dict(program=program, enterprise=party.key, object_ref=object_ref, day=day,
                                             inputs=ClaimInput(), claim_id=claim_id), 2, creates=("claim", claim_id)),
            Planned(paid_on, service.pay, dict(claim_id=claim_id, day=paid_on), 1)]


SUBSIDIES = Part("subsidies", share=2, plan=plan_subsidies)
