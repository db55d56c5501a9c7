"""Subsidy and award claims: entitlement, every bound, 就高不重复, then payment as its own step."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.errors import BadInput, RuleViolation, UnknownId
from qdledger.grants.service import check_award_eligibility
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.money import show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.subsidies import bounds, objects, resolver
from qdledger.subsidies.calc import ClaimInput, Facts, compute, pays_on
from qdledger.subsidies.events import InsuranceRegistered, SubsidyClaimed, SubsidyPaid
from qdledger.subsidies.quota import QuotaCounter, counter
from qdledger.subsidies.state import ClaimState, LoanState, SubsidyBook, book_of


def claim_subsidy(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, claim(**fields))


def claim(*, program: str, enterprise: str, object_ref: str, day: date, inputs: ClaimInput = ClaimInput(),
          project: str | None = None, claim_id: str | None = None, cap_to_headroom: bool = False) -> Command:
    """核定: compute the entitlement and approve what every cap, quota, limit and 就高不重复 allows."""
    args = dict(program=program, enterprise=enterprise, object_ref=object_ref, day=day, inputs=inputs.given(),
                project=project, claim_id=claim_id, cap_to_headroom=cap_to_headroom)
    if claim_id is not None and (AUTO_ID.match(claim_id) or not claim_id.strip() or any(ch.isspace() for ch in claim_id)):
        raise BadInput(Text(f"申报编号 {claim_id!r} 无效：不能含空格，也不能是自动编号的形式（单位-S序号）",
                            f"claim id {claim_id!r} is invalid: no spaces, and not of the automatic form PARTY-S<n>"), field="claim_id")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        return Decision(uow, ctx, program, enterprise, object_ref, day, inputs, project, claim_id, cap_to_headroom).run()

    return Command("subsidy.claim", args, decide)


class Decision:
    """One claim decided against the party's aggregate and the quota counters it touches."""

    def __init__(self, uow: UnitOfWork, ctx: Context, program: str, enterprise: str, object_text: str, day: date,
                 inputs: ClaimInput, project: str | None, claim_id: str | None, trim: bool) -> None:
        self.uow, self.ctx, self.day, self.inputs, self.project, self.claim_id, self.trim = uow, ctx, day, inputs, project, claim_id, trim
        self.party = uow.enterprise(enterprise)
        self.book = book_of(self.party)
        self.version = policy_book().in_force(program, day)
        self.program = self.version.program
        self.object_text = object_text

    def run(self) -> dict[str, Any]:
        calc_id, calc = self._calculation()
        self._eligible()
        found = objects.resolve(self.uow, self.party, pays_on(calc), self.object_text, self.inputs.given(), self.day)
        subject = bounds.Subject(self.program.id, self.party.key, self.party.district, found.object_ref, self.day,
                                 self.project, found.facts.get("category") or self.inputs.category)
        limit_rows = bounds.check_claim_limits(self.book, self.program, subject)
        stacking = resolver.stacking_of(self.program)
        where = found.object_ref if stacking.scope == "per_object" else self.party.key
        entitlement, granted, rows, trimmed = self._highest(calc_id, calc, self._facts(found), stacking, where)
        granted_total = sum(c.payable for c in granted)
        payable, cap_rows, cut = bounds.apply_caps(self.book, self.party, self.program, subject,
                                                   entitlement.amount - granted_total, self.trim)
        places = bounds.check_quotas(self.uow, self.program, subject)
        claim_id = self._record(found, calc_id, entitlement, payable, trimmed or cut, stacking, subject, places)
        quota_rows = [bounds.row(rid, q.scope, key.split("|", 1)[1], "count", q.count, used + 1, q.citation.short(), q.group)
                      for rid, q, key, used in places]
        year_rows = [bounds.row(rid, "per_enterprise", "*", "loan_years", cap.years, used, cap.citation.short(), cap.group)
                     for rid, cap, used in bounds.loan_years_room(self.book, self.program)]
        why = resolver.reason(self.program, entitlement.amount, granted_total, resolver.names_of(granted), payable, rows, where)
        return {**claim_view(self.book.claims[claim_id], self.party.key), "entitlement": yuan(entitlement.amount),
                "already_granted": yuan(granted_total), "considered": rows, "reason": why,
                "explain": entitlement.explain.render(), "caps": limit_rows + year_rows + cap_rows + quota_rows, "attested": self._attested()}

    def _highest(self, calc_id: str, calc: Any, facts: Facts, stacking: resolver.Stacking,
                 where: str) -> tuple[Any, list[ClaimState], list[dict], bool]:
        """The entitlement, what its 就高不重复 scope already received, and the resolver's table (D22)."""
        entitlement = compute(calc_id, calc, facts)
        granted = resolver.in_scope(stacking, self.book, facts.object_ref, pays_on(calc))
        rows = resolver.considered(resolver.options(stacking, self.program, entitlement, pays_on(calc), self.day,
                                                    lambda pid: self._facts_for(facts, pid)), granted)
        if entitlement.amount <= sum(c.payable for c in granted):
            raise resolver.refuse_lower(stacking, self.program, entitlement.amount, granted, rows, where)
        entitlement, trimmed = self._loan_years(calc_id, calc, facts, entitlement, granted, stacking, rows, where)
        return entitlement, granted, rows, trimmed

    # -- steps ---------------------------------------------------------------------------------

    def _calculation(self) -> tuple[str, Any]:
        found = resolver.calculation(self.program)
        if found is None and self.program.kind != "declared":
            raise BadInput(Text(f"{self.program.name_zh}不是补贴或奖补项目，请用 grant award 记录",
                                f"{self.program.name_en} is not a subsidy or award; record it with grant award"), field="program")
        if found is None:
            raise RuleViolation(f"{self.program.id}.declared", self.program.citation.short(),
                                Text(f"{self.program.name_zh}只有政策表述，没有可计算的金额或比例，不能核定",
                                     f"{self.program.name_en} is declared by policy without a computable amount; nothing can be approved"),
                                hint=Text("待出台实施细则后登记新版政策", "add a policy version once an implementing rule sets the amount"))
        return found

    def _eligible(self) -> None:
        for rule_id, rule in bounds.rules_of(self.program, k.Eligibility):
            if rule.party_kinds is not None and self.party.party_kind not in rule.party_kinds:
                kind, kinds = _kind(self.party.party_kind), [_kind(k) for k in rule.party_kinds]
                raise RuleViolation(rule_id, rule.citation.short(),
                                    Text(f"{self.party.key} 的主体类型为{kind.zh}，本项目只支持{'、'.join(k.zh for k in kinds)}",
                                         f"{self.party.key} is registered as {kind.en}; this program supports {', '.join(k.en for k in kinds)}"),
                                    party_kind=self.party.party_kind, party_kinds=list(rule.party_kinds),
                                    hint=Text(f"由{'或'.join(k.zh for k in kinds)}申请",
                                              f"the claimant must be registered as {' or '.join(k.en for k in kinds)}"))
        check_award_eligibility(self.uow, self.party, self.program, self.day)

    def _attested(self) -> list[str]:
        return [text for _, rule in bounds.rules_of(self.program, k.Eligibility) for text in rule.attested]

    def _facts(self, found: objects.Resolved) -> Facts:
        f = found.facts
        policy = f.get("insurance")
        base = {name: f.get(name) for name in objects.FACT_FIELDS}
        if "base" not in f:
            base = {name: getattr(self.inputs, name) for name in objects.FACT_FIELDS}
        facts = Facts(day=self.day, object_ref=found.object_ref, amount=self.inputs.amount, loan=f.get("loan"),
                      guarantee=f.get("guarantee"), fee_rate=f.get("fee_rate"), insurance=policy,
                      first_purchase=self.book.first_purchase(policy) if policy else True,
                      lpr=self._lpr, trim=self.trim, **base)
        return self._facts_for(facts, self.program.id)

    def _facts_for(self, facts: Facts, program_id: str) -> Facts:
        """The same facts as another program of the group sees them (its own earlier awards)."""
        earlier = self.book.claims_of({program_id})
        return replace(facts, first_award=not earlier, tier_used=frozenset(c.basis.get("tier") for c in earlier if c.basis.get("tier")))

    def _lpr(self, loan: LoanState, at: str, tenor: str) -> tuple[Fraction, str]:
        """The LPR the rule reads: given at registration, else the reference table on the date."""
        if at == "signing" and loan.lpr is not None:
            return loan.lpr, "given at loan registration"
        return objects.lpr_on(self.uow.ledger, loan.signed if at == "signing" else loan.drawn, tenor)

    def _loan_years(self, calc_id: str, calc: Any, facts: Facts, entitlement: Any, granted: list[ClaimState],
                    stacking: Any, rows: list[dict], where: str) -> tuple[Any, bool]:
        cut = bounds.check_loan_years(self.book, self.program, entitlement.loan_years, self.trim)
        if cut is None:
            return entitlement, False
        entitlement = compute(calc_id, calc, replace(facts, max_loan_years=cut))
        if entitlement.amount <= sum(c.payable for c in granted):
            raise resolver.refuse_lower(stacking, self.program, entitlement.amount, granted, rows, where)
        return entitlement, True

    def _record(self, found: objects.Resolved, calc_id: str, entitlement: Any, payable: int, trimmed: bool,
                stacking: resolver.Stacking, subject: bounds.Subject, places: list) -> str:
        claim_id = self.claim_id or auto_id(self.party.key, len(self.book.claims) + 1)
        if self.claim_id:
            self.uow.claim("claim", claim_id, self.party.key)
        envelope = self.ctx.envelope(self.day)
        if found.implicit_policy:
            self.uow.claim("insurance", found.implicit_policy["policy_id"], self.party.key)
            self.party.record(InsuranceRegistered, start=self.day, end=None, product="", purchase=None,
                              **found.implicit_policy, **envelope)
        applied = [calc_id] + [rid for rid, _ in self._bound_rules()]
        basis = {**entitlement.basis, **({"tier": entitlement.extra["tier"]} if "tier" in entitlement.extra else {}),
                 "attested": self._attested()}
        self.party.record(SubsidyClaimed, claim_id=claim_id, program=self.program.id, policy_version=self.version.version,
                          object_ref=found.object_ref, pays_on=pays_on(resolver.calculation(self.program)[1]),
                          group=stacking.group, entitlement=entitlement.amount, payable=payable, project=self.project,
                          category=subject.category, loan_years=str(entitlement.loan_years), trimmed=trimmed,
                          facts=found.new_facts, rules=applied, basis=basis, **envelope)
        for _, _, key, _ in places:
            counter(self.uow, key).trigger_event(QuotaCounter.PlaceTaken, quota_key=key, claim_id=claim_id,
                                                 enterprise=self.party.key, program=self.program.id, **envelope)
        return claim_id

    def _bound_rules(self) -> list[tuple[str, Any]]:
        return [(rid, r) for rid, r in ((f"{self.program.id}.{key}", r) for key, r in self.program.rules.items())
                if isinstance(r, k.BOUNDS) and not isinstance(r, k.Eligibility) and getattr(r, "active", True)]


AUTO_ID = re.compile(r"^(?P<party>.+)-S(?P<n>\d+)$")


def auto_id(party: str, n: int) -> str:
    """A claim's automatic id: the party's id and its claim count. It needs no index of its own, so two
    officers claiming at once collide on the party's aggregate and the later one is decided again."""
    return f"{party}-S{n}"


def find_claim(uow: UnitOfWork, claim_id: str) -> tuple[Any, ClaimState]:
    """The party owning a claim and the claim, by a chosen id's index or the party named in an automatic id."""
    match = AUTO_ID.match(claim_id)
    party = uow.enterprise(match["party"]) if match and uow.get("claim", claim_id) is None else uow.owner_of("claim", claim_id)
    claim_ = book_of(party).claims.get(claim_id)
    if claim_ is None:
        raise UnknownId(Text(f"未找到补贴核定：{claim_id}", f"unknown claim: {claim_id}"), id=claim_id)
    return party, claim_


# --- payment ----------------------------------------------------------------------------------

def pay_subsidy(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, pay(**fields))


def pay(*, claim_id: str, day: date, amount: int | None = None) -> Command:
    """拨付: pay an approved claim (in full by default), never more than is outstanding."""

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, claim_ = find_claim(uow, claim_id)
        if day < claim_.day:
            raise BadInput(Text(f"拨付日期 {day} 早于核定日期 {claim_.day}", f"payment date {day} is before the approval {claim_.day}"), field="date")
        paying = claim_.outstanding if amount is None else amount
        if paying <= 0 or paying > claim_.outstanding:
            raise RuleViolation(f"{claim_.program}.payment", claim_.policy_version,
                                Text(f"{claim_id} 尚未拨付 {show_yuan(claim_.outstanding)}，本次 {show_yuan(paying)}",
                                     f"{claim_id} has {show_yuan(claim_.outstanding)} outstanding; requested {show_yuan(paying)}"),
                                limit=claim_.payable, used=claim_.paid, requested=paying,
                                hint=Text(f"拨付额应大于零且不超过核定未拨付额 {show_yuan(claim_.outstanding)}",
                                          f"pay more than zero and at most the {show_yuan(claim_.outstanding)} still unpaid"))
        party.record(SubsidyPaid, claim_id=claim_id, amount=paying, **ctx.envelope(day))
        return claim_view(claim_, party.key)

    return Command("subsidy.pay", dict(claim_id=claim_id, day=day, amount=amount), decide)


# --- views ------------------------------------------------------------------------------------

def show_claim(ledger: Ledger, claim_id: str) -> dict[str, Any]:
    party, claim_ = find_claim(ledger.read(), claim_id)
    return claim_view(claim_, party.key)


def list_claims(ledger: Ledger, enterprise: str) -> dict[str, Any]:
    party = ledger.read().enterprise(enterprise)
    claims = book_of(party).claims.values()
    return {"enterprise": enterprise, "claims": [claim_view(c, enterprise) for c in claims],
            "approved": yuan(sum(c.payable for c in claims)), "paid": yuan(sum(c.paid for c in claims)),
            "outstanding": yuan(sum(c.outstanding for c in claims))}


def claim_view(c: ClaimState, enterprise: str) -> dict[str, Any]:
    return {"claim": c.claim_id, "program": c.program, "enterprise": enterprise, "object": c.object_ref, "date": c.day.isoformat(),
            "entitlement": yuan(c.entitlement), "payable": yuan(c.payable), "paid": yuan(c.paid),
            "outstanding": yuan(c.outstanding), "status": "paid" if c.outstanding == 0 else "approved",
            "trimmed_to_headroom": c.trimmed, "project": c.project, "category": c.category,
            "loan_years": bounds.show_years(c.loan_years) if c.loan_years else None, "rules": c.rules,
            "policy_version": c.policy_version, "basis": c.basis,
            "payments": [{"date": d.isoformat(), "amount": yuan(a)} for d, a in c.payments]}


def subsidy_totals(party: Any, view: dict[str, Any]) -> None:
    """``enterprise show``: what the party was approved and paid in subsidies and awards."""
    book: SubsidyBook = book_of(party)
    claims = book.claims.values()
    view.update(subsidies_approved=yuan(sum(c.payable for c in claims)), subsidies_paid=yuan(sum(c.paid for c in claims)),
                subsidies_outstanding=yuan(sum(c.outstanding for c in claims)), loans=sorted(book.loans))


def _kind(word: str) -> Text:
    """A party kind as people say it, with its code word (the one --kind takes): 新型研发机构（nri）."""
    from qdledger.labels import CATALOGUE

    name = CATALOGUE["party_kind"].get(word)
    return Text(f"{name.zh}（{word}）", f"{name.en} ({word})") if name else Text(word, word)
