"""``enterprise headroom``: every cap, loan-year cap, claim limit and quota that binds a party, as of a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.dates import today
from qdledger.i18n import current_language
from qdledger.ledger.application import Ledger
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.subsidies import bounds, resolver
from qdledger.subsidies.state import SubsidyBook, book_of


def headroom(ledger: Ledger, enterprise: str, as_of: date | None = None) -> dict[str, Any]:
    uow = ledger.read()
    party = uow.enterprise(enterprise)
    book = book_of(party)
    day = as_of or max([today(), *(c.day for c in book.claims.values())])
    rows: dict[tuple, dict[str, Any]] = {}
    for program in _in_force(day):
        if resolver.calculation(program) is None or not _may_receive(program, party):
            continue
        for rule_id, rule in bounds.rules_of(program, k.BOUNDS):
            for key, row in _rows(uow, party, book, program, rule_id, rule, day):
                rows.setdefault(key, {"program": program.id, "name": program.name_en if current_language() == "en" else program.name_zh, **row})
    ordered = sorted(rows.values(), key=lambda r: (r["remaining"] not in (0, "0.00"), r["program"], r["rule"], r["scope_key"] or ""))
    return {"enterprise": party.key, "district": party.district, "as_of": day.isoformat(), "caps": ordered}


def _in_force(day: date) -> list[Any]:
    book = policy_book()
    found = []
    for versions in book.versions.values():
        found += [v.program for v in versions if v.program.in_force(day)]
    return sorted(found, key=lambda p: p.id)


def _may_receive(program: Any, party: Any) -> bool:
    return all(rule.party_kinds is None or party.party_kind in rule.party_kinds
               for _, rule in bounds.rules_of(program, k.Eligibility))


def _rows(uow: Any, party: Any, book: SubsidyBook, program: Any, rule_id: str, rule: Any, day: date) -> list[tuple[tuple, dict]]:
    if isinstance(rule, k.Cap) and rule.active:
        return _cap_rows(party, book, program, rule_id, rule, day)
    if isinstance(rule, k.LoanYearsCap):
        used = next(u for rid, _, u in bounds.loan_years_room(book, program, day) if rid == rule_id)
        return [(("loan_years", rule.group or rule_id), bounds.row(rule_id, "per_enterprise", "*", "loan_years", rule.years, used,
                                                                    rule.citation.short(), rule.group))]
    if isinstance(rule, k.ClaimLimit):
        return _limit_rows(book, program, rule_id, rule, day)
    if isinstance(rule, k.Quota) and rule.scope != "per_object":
        key = bounds.quota_key(rule_id, rule, party.district, day)
        found = uow.get("quota", key)
        used = found.used(day) if found else 0
        return [(("quota", key), bounds.row(rule_id, rule.scope, key.split("|", 1)[1], "count", rule.count, used,
                                            rule.citation.short(), rule.group))]
    return []


def _cap_rows(party: Any, book: SubsidyBook, program: Any, rule_id: str, cap: k.Cap, day: date) -> list[tuple[tuple, dict]]:
    if cap.scope == "per_enterprise":
        keys = ["*"]
    elif cap.scope == "per_enterprise_year":
        keys = [str(day.year)]
    else:
        group = bounds.members(k.Cap, cap.group, program.id)
        attr = "object_ref" if cap.scope == "per_object" else "project"
        keys = sorted({getattr(c, attr) for c in book.claims_of(group) if getattr(c, attr) and c.day <= day})
    return [(("cap", cap.group or rule_id, cap.scope, key),
             bounds.row(rule_id, cap.scope, key, "CNY", cap.limit, bounds.cap_used(book, party, program.id, cap, key, day),
                        cap.citation.short(), cap.group)) for key in keys]


def _limit_rows(book: SubsidyBook, program: Any, rule_id: str, limit: k.ClaimLimit, day: date) -> list[tuple[tuple, dict]]:
    claims = [c for c in book.claims_of({program.id}) if c.day <= day]
    if limit.scope == "per_enterprise":
        groups = {"*": claims}
    elif limit.scope == "per_enterprise_year":
        groups = {str(day.year): [c for c in claims if c.day.year == day.year]}
    elif limit.scope == "per_object":
        groups = {ref: [c for c in claims if c.object_ref == ref] for ref in {c.object_ref for c in claims}}
    else:
        groups = {f"{ref}|{day.year}": [c for c in claims if c.object_ref == ref and c.day.year == day.year]
                  for ref in {c.object_ref for c in claims}}
    return [(("limit", rule_id, key), bounds.row(rule_id, limit.scope, key, "count", limit.count, len(found), limit.citation.short()))
            for key, found in sorted(groups.items())]
