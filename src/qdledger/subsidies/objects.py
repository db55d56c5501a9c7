"""Financed objects a subsidy pays on: loans, credit-enhancement fees, 青科保 policies, recorded bases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.money import percent, yuan
from qdledger.reference.lpr import previous_month, rate_for_month, shipped_table
from qdledger.subsidies.events import GuaranteeRegistered, InsuranceRegistered, LoanRegistered, LoanRepaid
from qdledger.subsidies.state import KIND_ALIASES, LOAN_MODES, REGISTERED_KINDS, LoanState, book_of

ENHANCERS = ("guarantor", "insurer")
FACT_FIELDS = ("base", "prior_base", "basic_research", "prior_basic_research", "revenue", "rank", "grade", "category")
"""Facts about a recorded-base object (an R&D year, a project, an investee …) kept with it."""


def lpr_on(ledger: Ledger, day: date, tenor: str) -> tuple[Fraction, str]:
    """The latest LPR fixing published on or before ``day`` (最新同期限 LPR), and where it came from."""
    published = shipped_table().published_day
    month = f"{day.year:04d}-{day.month:02d}"
    if published and day.day < published:
        month = previous_month(day)
    rate, fixing = rate_for_month(ledger, month, tenor)
    return rate, f"LPR {tenor.replace('_', '-')} {fixing.month} ({fixing.source})"


# --- loans -------------------------------------------------------------------------------------

def register_loan(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, loan_registered(**fields))


def loan_registered(*, loan_id: str, enterprise: str, principal: int, rate: Fraction, signed: date, maturity: date,
                    mode: str = "plain", lpr: Fraction | None = None, drawn: date | None = None) -> Command:
    """贷款登记: a loan of the party, so interest and fee subsidies can point to it."""
    drawn = drawn or signed
    if mode not in LOAN_MODES:
        raise BadInput(Text(f"融资模式应为 {'|'.join(LOAN_MODES)} 之一", f"mode must be one of {'|'.join(LOAN_MODES)}"), field="mode")
    if not signed < maturity or not signed <= drawn < maturity:
        raise BadInput(Text("日期应满足：签订日 ≤ 放款日 < 到期日", "dates must satisfy signed ≤ drawn < maturity"), field="maturity")
    args = dict(loan_id=loan_id, enterprise=enterprise, principal=principal, rate=str(rate), signed=signed, maturity=maturity,
                mode=mode, lpr=str(lpr) if lpr is not None else None, drawn=drawn)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.enterprise(enterprise)
        uow.claim("loan", loan_id, enterprise)
        party.record(LoanRegistered, loan_id=loan_id, principal=principal, rate=str(rate), signed=signed, drawn=drawn,
                     maturity=maturity, mode=mode, lpr=str(lpr) if lpr is not None else None,
                     lpr_source="given" if lpr is not None else "reference", **ctx.envelope(signed))
        return loan_view(uow.ledger, party.key, book_of(party).loans[loan_id])

    return Command("loan.register", args, decide)


def repay_loan(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, loan_repaid(**fields))


def loan_repaid(*, loan_id: str, day: date, interest_paid: int | None = None) -> Command:
    """还本付息: the loan was repaid in full on ``day``; a subsidy can be claimed on it afterwards."""

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("loan", loan_id)
        loan = book_of(party).loans[loan_id]
        if loan.repaid_on is not None:
            raise BadInput(Text(f"贷款 {loan_id} 已于 {loan.repaid_on} 记录还清", f"loan {loan_id} was already recorded repaid on {loan.repaid_on}"),
                           field="loan")
        if day < loan.drawn:
            raise BadInput(Text(f"还款日 {day} 早于放款日 {loan.drawn}", f"repayment date {day} is before the drawdown {loan.drawn}"), field="date")
        party.record(LoanRepaid, loan_id=loan_id, interest_paid=interest_paid, **ctx.envelope(day))
        return loan_view(uow.ledger, party.key, loan)

    return Command("loan.repaid", dict(loan_id=loan_id, day=day, interest_paid=interest_paid), decide)


def show_loan(ledger: Ledger, loan_id: str) -> dict[str, Any]:
    party = ledger.read().owner_of("loan", loan_id)
    return loan_view(ledger, party.key, book_of(party).loans[loan_id])


def loan_view(ledger: Ledger, owner: str, loan: LoanState) -> dict[str, Any]:
    """A loan as the officer sees it, with the 1-year LPR at signing from the reference table."""
    try:
        reference = lpr_on(ledger, loan.signed, "one_year")
        reference_lpr, reference_source = percent(reference[0]), reference[1]
    except (RuleViolation, BadInput):
        reference_lpr, reference_source = None, None
    return {"id": loan.loan_id, "enterprise": owner, "principal": yuan(loan.principal), "rate": percent(loan.rate),
            "signed": loan.signed.isoformat(), "drawn": loan.drawn.isoformat(), "maturity": loan.maturity.isoformat(),
            "mode": loan.mode, "lpr": percent(loan.lpr) if loan.lpr is not None else reference_lpr,
            "lpr_source": "given" if loan.lpr is not None else reference_source,
            "repaid_on": loan.repaid_on.isoformat() if loan.repaid_on else None, "on_schedule": loan.on_schedule,
            "interest_paid": yuan(loan.interest_paid), "days": loan.days if loan.repaid_on else None}


# --- credit-enhancement fees and insurance policies --------------------------------------------

def register_guarantee(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, guarantee_registered(**fields))


def guarantee_registered(*, guarantee_id: str, loan_id: str, fee_rate: Fraction, fee: int | None = None,
                         enhancer: str = "guarantor", day: date | None = None) -> Command:
    """担保/保险增信登记: who enhanced which loan, at what fee rate (and fee paid, if known)."""
    if enhancer not in ENHANCERS:
        raise BadInput(Text("增信方应为 guarantor（担保机构）或 insurer（保险机构）", "enhancer must be guarantor or insurer"), field="enhancer")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("loan", loan_id)
        loan = book_of(party).loans[loan_id]
        uow.claim("guarantee", guarantee_id, party.key)
        party.record(GuaranteeRegistered, guarantee_id=guarantee_id, loan_id=loan_id, fee_rate=str(fee_rate), fee=fee,
                     enhancer=enhancer, **ctx.envelope(day or loan.signed))
        return guarantee_view(party.key, book_of(party).guarantees[guarantee_id])

    return Command("guarantee.register", dict(guarantee_id=guarantee_id, loan_id=loan_id, fee_rate=str(fee_rate), fee=fee,
                                              enhancer=enhancer, day=day), decide)


def guarantee_view(owner: str, g: Any) -> dict[str, Any]:
    return {"id": g.guarantee_id, "enterprise": owner, "loan": g.loan_id, "fee_rate": percent(g.fee_rate),
            "fee": yuan(g.fee), "enhancer": g.enhancer}


def register_insurance(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, insurance_registered(**fields))


def insurance_registered(*, policy_id: str, enterprise: str, premium: int, start: date, end: date | None = None,
                         product: str = "", purchase: str | None = None) -> Command:
    """青科保保单登记: a policy the party bought; its premium is what the premium subsidy pays on."""
    if purchase not in (None, "first", "repeat"):
        raise BadInput(Text("购买次序应为 first（首次）或 repeat（再次）", "purchase must be first or repeat"), field="purchase")
    if end is not None and end <= start:
        raise BadInput(Text("保险止期应晚于起期", "the policy must end after it starts"), field="end")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.enterprise(enterprise)
        uow.claim("insurance", policy_id, enterprise)
        party.record(InsuranceRegistered, policy_id=policy_id, premium=premium, start=start, end=end, product=product,
                     purchase=purchase, **ctx.envelope(start))
        return insurance_view(party.key, book_of(party), book_of(party).policies[policy_id])

    return Command("insurance.register", dict(policy_id=policy_id, enterprise=enterprise, premium=premium, start=start,
                                              end=end, product=product, purchase=purchase), decide)


def insurance_view(owner: str, book: Any, p: Any) -> dict[str, Any]:
    return {"id": p.policy_id, "enterprise": owner, "premium": yuan(p.premium), "start": p.start.isoformat(),
            "end": p.end.isoformat() if p.end else None, "product": p.product,
            "purchase": "first" if book.first_purchase(p) else "repeat"}


# --- what a claim points to --------------------------------------------------------------------

@dataclass
class Resolved:
    """The object of a claim: its reference, the facts the calculation reads, and facts to record."""

    object_ref: str
    facts: dict[str, Any]
    new_facts: dict[str, Any] = field(default_factory=dict)
    implicit_policy: dict[str, Any] | None = None


def parse_object(text: str) -> tuple[str, str]:
    kind, sep, key = text.strip().partition(":")
    kind = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if not sep or not kind or not key.strip() or any(ch.isspace() for ch in key.strip()):
        raise BadInput(Text(f"对象应写作 类别:编号，如 loan:L1、insurance:P1、rd-year:2025，实为 {text!r}",
                            f"object must be KIND:ID, e.g. loan:L1, insurance:P1, rd-year:2025, not {text!r}"), field="object")
    return kind, key.strip()


def _owned(uow: UnitOfWork, party: Any, kind: str, key: str) -> None:
    owner = uow.owner_of(kind, key)
    if owner.key != party.key:
        raise BadInput(Text(f"{kind}:{key} 属于 {owner.key}，不属于 {party.key}", f"{kind}:{key} belongs to {owner.key}, not {party.key}"),
                       field="object")


def resolve(uow: UnitOfWork, party: Any, pays_on: str, text: str, given: dict[str, Any], day: date) -> Resolved:
    """Find the object a claim pays on and check it is the right kind for the program."""
    kind, key = parse_object(text)
    book = book_of(party)
    wanted = {"interest": ("loan",), "fee": ("loan", "guarantee"), "premium": ("insurance",)}.get(pays_on)
    if wanted and kind not in wanted:
        raise BadInput(Text(f"此项目按{'/'.join(wanted)}申报，--object 应为 {wanted[0]}:编号",
                            f"this program pays on a {'/'.join(wanted)}: --object must be {wanted[0]}:ID"), field="object")
    if not wanted and kind in REGISTERED_KINDS:
        raise BadInput(Text(f"此项目按记录的基数计算，对象不能是 {kind}（如 rd-year:2025、project:P1）",
                            f"this program pays on a recorded base; the object cannot be a {kind} (e.g. rd-year:2025, project:P1)"),
                       field="object")
    if kind == "loan":
        _owned(uow, party, "loan", key)
        loan = book.loans[key]
        return Resolved(f"loan:{key}", {"loan": loan, "fee_rate": given.get("fee_rate"), "guarantee": _only_guarantee(book, key, given)})
    if kind == "guarantee":
        _owned(uow, party, "guarantee", key)
        guarantee = book.guarantees[key]
        return Resolved(f"loan:{guarantee.loan_id}", {"loan": book.loans[guarantee.loan_id], "guarantee": guarantee})
    if kind == "insurance":
        return _policy(uow, party, book, key, given, day)
    return _recorded_base(book, f"{kind}:{key}", given)


def _only_guarantee(book: Any, loan_id: str, given: dict[str, Any]) -> Any:
    """The loan's one registered guarantee, when the claim gives no fee rate of its own."""
    if given.get("fee_rate") is not None:
        return None
    found = [g for g in book.guarantees.values() if g.loan_id == loan_id]
    return found[0] if len(found) == 1 else None


def _policy(uow: UnitOfWork, party: Any, book: Any, key: str, given: dict[str, Any], day: date) -> Resolved:
    if key in book.policies:
        return Resolved(f"insurance:{key}", {"insurance": book.policies[key]})
    if uow.get("insurance", key) is not None:
        _owned(uow, party, "insurance", key)
    premium = given.get("base")
    if premium is None:
        raise BadInput(Text(f"保单 {key} 未登记：先 qdledger insurance register，或用 --base 给出保费",
                            f"policy {key} is not registered: run qdledger insurance register, or give the premium with --base"),
                       field="object")
    from qdledger.subsidies.state import InsuranceState

    policy = InsuranceState(policy_id=key, premium=premium, start=day, end=None, product="", purchase=None)
    return Resolved(f"insurance:{key}", {"insurance": policy}, implicit_policy={"policy_id": key, "premium": premium})


def _recorded_base(book: Any, ref: str, given: dict[str, Any]) -> Resolved:
    """Facts recorded with the object before, plus new ones; a fact that differs is refused."""
    recorded = book.facts.get(ref, {})
    facts, new = {}, {}
    for name in FACT_FIELDS:
        value, before = given.get(name), recorded.get(name)
        if value is not None and before is not None and value != before:
            raise BadInput(Text(f"{ref} 已记录 {name} = {before}，与本次 {value} 不一致",
                                f"{ref} was recorded with {name} = {before}, not {value}"), field=name)
        facts[name] = before if before is not None else value
        if before is None and value is not None:
            new[name] = value
    return Resolved(ref, facts, new)
