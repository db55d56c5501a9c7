"""Caps, loan-year caps, claim limits and quotas: what a claim may still take, and refusals that say so.

Every function here reads the party's own claims (inside its aggregate) or a quota counter loaded
in the same unit of work, so a decision and the state it rests on are saved together (D24).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.money import show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.subsidies.state import ClaimState, SubsidyBook, show_years

SCOPE_NAMES = {
    "per_enterprise": Text("每家单位累计", "per party, cumulative"),
    "per_enterprise_year": Text("每家单位每年", "per party per year"),
    "per_object": Text("每个对象", "per object"),
    "per_project": Text("每个项目", "per project"),
    "per_object_year": Text("每个对象每年", "per object per year"),
    "per_district": Text("每个区（市）", "per district"),
    "per_year": Text("每年（全市）", "per year (city-wide)"),
    "per_district_year": Text("每个区（市）每年", "per district per year"),
    "per_program": Text("政策有效期内（全市）", "over the program's life (city-wide)"),
}

UNIT_NAMES = {"CNY": Text("元", "CNY"), "count": Text("项（次）", "awards"), "loan_years": Text("贴息年", "loan-years")}


@dataclass(frozen=True)
class Subject:
    """The claim being decided, as the bounds see it."""

    program: str
    enterprise: str
    district: str
    object_ref: str
    day: date
    project: str | None = None
    category: str | None = None


def members(kind: type, group: str | None, program: str) -> frozenset[str]:
    """Programs sharing a group of ``kind`` (a cap, a quota, 就高不重复); alone when no group is named."""
    if group is None:
        return frozenset({program})
    book = policy_book()
    return frozenset(pid for pid, versions in book.versions.items() for v in versions
                     for rule in v.program.rules.values()
                     if isinstance(rule, kind) and getattr(rule, "group", None) == group) | {program}


def rule_id_of(program: Any, rule: Any) -> str:
    return next(f"{program.id}.{key}" for key, r in program.rules.items() if r is rule)


def rules_of(program: Any, kind: type) -> list[tuple[str, Any]]:
    return [(f"{program.id}.{key}", r) for key, r in program.rules.items() if isinstance(r, kind)]


# --- amount caps -------------------------------------------------------------------------------

def cap_key(cap: k.Cap, subject: Subject) -> str:
    if cap.scope == "per_enterprise_year":
        return str(subject.day.year)
    if cap.scope == "per_object":
        return subject.object_ref
    if cap.scope == "per_project":
        if not subject.project:
            raise BadInput(Text("此项目按项目设上限，需用 --project 指明项目", "this program is capped per project: name it with --project"),
                           field="project")
        return subject.project
    return "*"


def _in_cap_scope(cap: k.Cap, key: str, claim: ClaimState) -> bool:
    return {"per_enterprise": True, "per_enterprise_year": str(claim.day.year) == key,
            "per_object": claim.object_ref == key, "per_project": claim.project == key}[cap.scope]


def cap_used(book: SubsidyBook, party: Any, program: str, cap: k.Cap, key: str, as_of: date | None = None) -> int:
    """Money granted within the cap's scope by every program sharing it (and, per project, other legs)."""
    group = members(k.Cap, cap.group, program)
    used = sum(c.payable for c in book.claims_of(group) if _in_cap_scope(cap, key, c) and (as_of is None or c.day <= as_of))
    if cap.scope == "per_project":
        used += (getattr(party, "projects", {}) or {}).get(key, {}).get("approved", 0)
    return used


def apply_caps(book: SubsidyBook, party: Any, program: Any, subject: Subject, payable: int, trim: bool) -> tuple[int, list[dict], bool]:
    """Payable after every active cap: refused on a breach, or cut to the headroom when asked (D24)."""
    rows, trimmed = [], False
    for rule_id, cap in rules_of(program, k.Cap):
        if not cap.active:
            continue
        key = cap_key(cap, subject)
        used = cap_used(book, party, program.id, cap, key)
        remaining = max(0, cap.limit - used)
        if payable > remaining:
            if not trim or remaining == 0:
                raise _cap_refusal(rule_id, cap, key, used, payable, trim)
            payable, trimmed = remaining, True
        rows.append(row(rule_id, cap.scope, key, "CNY", cap.limit, used + payable, cap.citation.short(), cap.group))
    return payable, rows, trimmed


def _cap_refusal(rule_id: str, cap: k.Cap, key: str, used: int, requested: int, trimmed: bool) -> RuleViolation:
    scope = SCOPE_NAMES[cap.scope]
    where = "" if key == "*" else f"（{key}）"
    remaining = max(0, cap.limit - used)
    hint = (Text("额度已用完，本次不能核定", "the cap is used up; nothing can be approved") if remaining == 0 else
            Text(f"剩余额度 {show_yuan(remaining)}；加 --cap-to-headroom 按剩余额度核定",
                 f"headroom {show_yuan(remaining)}; add --cap-to-headroom to approve the headroom"))
    return RuleViolation(
        rule_id, cap.citation.short(),
        Text(f"{scope.zh}{where}上限 {show_yuan(cap.limit)}：已核定 {show_yuan(used)}，本次 {show_yuan(requested)}，"
             f"超出 {show_yuan(used + requested - cap.limit)}，剩余额度 {show_yuan(remaining)}",
             f"cap {scope.en}{'' if key == '*' else f' ({key})'} of {show_yuan(cap.limit)}: granted {show_yuan(used)}, "
             f"requested {show_yuan(requested)}, excess {show_yuan(used + requested - cap.limit)}, headroom {show_yuan(remaining)}"),
        limit=cap.limit, used=used, requested=requested, hint=hint, headroom=yuan(remaining))


def row(rule: str, scope: str, key: str, unit: str, limit: Any, used: Any, citation: str, group: str | None = None) -> dict[str, Any]:
    """One line of headroom: the rule, its scope, limit, used and remaining, shown in its unit."""
    remaining = max(limit - used, 0)
    show = {"CNY": yuan, "count": int, "loan_years": show_years}[unit]
    return {"rule": rule, "scope": scope, "scope_key": None if key == "*" else key, "scope_label": SCOPE_NAMES[scope].render(),
            "unit": unit, "unit_label": UNIT_NAMES[unit].render(),
            "limit": show(limit), "used": show(used), "remaining": show(remaining), "group": group, "citation": citation}


# --- loan-years --------------------------------------------------------------------------------

def loan_years_room(book: SubsidyBook, program: Any, as_of: date | None = None) -> list[tuple[str, k.LoanYearsCap, Fraction]]:
    """Each loan-years cap of the program with the loan-years already subsidised under it."""
    out = []
    for rule_id, cap in rules_of(program, k.LoanYearsCap):
        group = members(k.LoanYearsCap, cap.group, program.id)
        used = sum((c.loan_years for c in book.claims_of(group) if as_of is None or c.day <= as_of), Fraction(0))
        out.append((rule_id, cap, used))
    return out


def check_loan_years(book: SubsidyBook, program: Any, years: Fraction, trim: bool) -> Fraction | None:
    """None when the claim's loan-years fit; the remaining loan-years to cut to; or a refusal (D20)."""
    cut = None
    for rule_id, cap, used in loan_years_room(book, program):
        remaining = max(Fraction(0), cap.years - used)
        if used + years <= cap.years:
            continue
        if not trim or remaining == 0:
            raise RuleViolation(
                rule_id, cap.citation.short(),
                Text(f"单家企业累计贴息不超过 {cap.years} 年：已贴息 {show_years(used)} 年，本次 {show_years(years)} 年，剩余 {show_years(remaining)} 年",
                     f"at most {cap.years} subsidised loan-years per party: {show_years(used)} used, this loan {show_years(years)}, "
                     f"{show_years(remaining)} left"),
                hint=Text(f"加 --cap-to-headroom 只按剩余 {show_years(remaining)} 年贴息",
                          f"add --cap-to-headroom to subsidise the remaining {show_years(remaining)} loan-years only")
                if remaining else Text(f"贴息年限 {cap.years} 年已用完", f"the {cap.years} subsidised loan-years are used up"),
                loan_years_limit=str(cap.years), loan_years_used=show_years(used), loan_years_requested=show_years(years))
        cut = remaining if cut is None else min(cut, remaining)
    return cut


# --- claim limits (仅限一次, 一次性, 连续 N 年) ---------------------------------------------------

def _limit_match(limit: k.ClaimLimit, subject: Subject, claim: ClaimState) -> bool:
    same_object = claim.object_ref == subject.object_ref
    same_year = claim.day.year == subject.day.year
    return {"per_enterprise": True, "per_object": same_object, "per_enterprise_year": same_year,
            "per_object_year": same_object and same_year}[limit.scope]


def check_claim_limits(book: SubsidyBook, program: Any, subject: Subject) -> list[dict]:
    rows = []
    for rule_id, limit in rules_of(program, k.ClaimLimit):
        earlier = [c for c in book.claims_of({program.id}) if _limit_match(limit, subject, c)]
        key = {"per_enterprise": "*", "per_object": subject.object_ref, "per_enterprise_year": str(subject.day.year),
               "per_object_year": f"{subject.object_ref}|{subject.day.year}"}[limit.scope]
        if len(earlier) >= limit.count:
            scope = SCOPE_NAMES[limit.scope]
            listed = ", ".join(f"{c.claim_id} ({c.day})" for c in earlier)
            raise RuleViolation(
                rule_id, limit.citation.short(),
                Text(f"{scope.zh}限 {limit.count} 次，已核定：{listed}", f"limited to {limit.count} award(s) {scope.en}; already: {listed}"),
                hint=Text(f"{scope.zh}限 {limit.count} 次，已用 {len(earlier)} 次，不能再次申报",
                          f"{limit.count} award(s) {scope.en}, {len(earlier)} used: no further claim in this scope"),
                count_limit=limit.count, count_used=len(earlier))
        rows.append(row(rule_id, limit.scope, key, "count", limit.count, len(earlier) + 1, limit.citation.short()))
    return rows


# --- quotas across parties ---------------------------------------------------------------------

def quota_key(rule_id: str, quota: k.Quota, district: str, day: date, object_ref: str = "*") -> str:
    scope = {"per_district": district, "per_year": str(day.year), "per_district_year": f"{district}|{day.year}",
             "per_program": "*", "per_object": object_ref}[quota.scope]
    return f"{quota.group or rule_id}|{scope}"


def quotas_for(program: Any, subject: Subject) -> list[tuple[str, k.Quota, str]]:
    return [(rule_id, q, quota_key(rule_id, q, subject.district, subject.day, subject.object_ref))
            for rule_id, q in rules_of(program, k.Quota)
            if q.categories is None or subject.category in q.categories]


def check_quotas(uow: Any, program: Any, subject: Subject) -> list[tuple[str, k.Quota, str, int]]:
    """Each quota the claim falls under, with places used; refused when one is full."""
    from qdledger.subsidies.quota import counter

    taken = []
    for rule_id, quota, key in quotas_for(program, subject):
        used = counter(uow, key).used()
        if used >= quota.count:
            scope = SCOPE_NAMES[quota.scope]
            where = key.split("|", 1)[1]
            raise RuleViolation(
                rule_id, quota.citation.short(),
                Text(f"名额已满：{scope.zh}（{where}）不超过 {quota.count} 项，已用 {used} 项",
                     f"quota full: at most {quota.count} {scope.en} ({where}), {used} taken"),
                hint=Text(f"{quota.count} 个名额已用完（剩余 0），本范围内不能再核定",
                          f"all {quota.count} places are taken (0 left): none can be approved in this scope"),
                count_limit=quota.count, count_used=used)
        taken.append((rule_id, quota, key, used))
    return taken
