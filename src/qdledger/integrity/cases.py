"""Integrity cases (科研诚信案件): open with 暂停拨付, decide, repair, review; show one, list the 异常名录."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from qdledger.dates import add_years, iso
from qdledger.errors import BadInput, RuleViolation
from qdledger.grants.state import GrantState
from qdledger.i18n import Text
from qdledger.integrity import rules
from qdledger.integrity.events import (CreditRepaired, GrantTerminated, IntegrityCaseOpened, IntegrityDecisionRecorded,
                                       IntegrityReviewRecorded)
from qdledger.integrity.recoveries import order_view, record_orders, record_reversal
from qdledger.integrity.registry import all_cases, register_case
from qdledger.integrity.state import CaseState, cases_of, orders_of_case
from qdledger.integrity.terms import bracketed, codes_with, numbered, effects_of, parse_codes, regime, rule_of, severity_band
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.enterprise import Enterprise
from qdledger.money import parse_amount, yuan
from qdledger.policy.kinds_integrity import (AwardBan, BanClock, CreditRepair, GroundCatalogue, InterimSuspension,
                                             MeasureCatalogue, MeasureRequires, Review, SeverityBand)

REVIEW_RESULTS = ("requested", "upheld", "revoked")


def open_case(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, open_(**fields))


def open_(*, case_id: str, party: str, day: date, suspend: str | None = None, grounds: str | None = None,
          hold_applications: bool = False) -> Command:
    """立案: open a case on a party; 暂停拨付 (Art. 20) stops releases of the named or all active grants at once."""
    _check_id(case_id)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        subject = uow.enterprise(party)
        version = regime(day)
        program = version.program
        _, catalogue = rule_of(program, GroundCatalogue)
        codes = parse_codes(grounds, [g.code for g in catalogue.grounds], Text("失信行为（第十一条）", "grounds (Art. 11)"))
        rule_id, interim = rule_of(program, InterimSuspension)
        suspended = _grants_to_suspend(subject, suspend or interim.default_scope)
        uow.claim("case", case_id, party)
        register_case(uow, case_id, party)
        subject.record(IntegrityCaseOpened, case_id=case_id, grounds=codes, suspended=[g.grant_id for g in suspended],
                       hold_applications=hold_applications, rule=rule_id, policy_version=version.version,
                       **ctx.envelope(day))
        return case_view(subject, cases_of(subject)[case_id])

    return Command("integrity.open", dict(case_id=case_id, party=party, day=day, suspend=suspend, grounds=grounds,
                                          hold_applications=hold_applications), decide)


def decide_case(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, decide(**fields))


def decide(*, case_id: str, severity: str, day: date, ban_years: int | None = None, measures: str | None = None,
           terminate: str | None = None, recover: str | None = None, reason: str = "") -> Command:
    """处理决定: severity, measures, ban, terminations and a recovery order, each checked against Art. 12–13 and 25."""
    if ban_years is not None and ban_years < 1:
        raise BadInput(Text(f"禁止期限须为正整数年，实为 {ban_years}", f"ban years must be a positive number, not {ban_years}"),
                       field="ban_years")
    recover_all = recover is not None and recover.strip().lower() == "all"
    recover_amount = parse_amount(recover) if recover is not None and not recover_all else None
    args = dict(case_id=case_id, severity=severity, day=day, ban_years=ban_years, measures=measures, terminate=terminate,
                recover=recover, reason=reason)

    def decide_(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("case", case_id)
        case = _open_case(party, case_id, day)
        version = regime(day)
        program = version.program
        band_id, band = severity_band(program, severity)
        catalogue_id, catalogue = rule_of(program, MeasureCatalogue)
        requires_id, requires = rule_of(program, MeasureRequires)
        ending = _grants_named(party, terminate)
        chosen = (parse_codes(measures, [m.code for m in catalogue.measures], Text("处理措施（第十二条）", "measures (Art. 12)"))
                  or implied_measures(band, catalogue, requires, bool(ending), recover is not None, ban_years))
        rules.check_measures_allowed(band_id, band, chosen)
        rules.check_requires(requires_id, requires, chosen)
        _check_effects(catalogue_id, catalogue, chosen, bool(ending), recover is not None)
        ban = _ban(program, band_id, band, catalogue, case, chosen, ban_years, day)
        party.record(IntegrityDecisionRecorded, case_id=case_id, severity=band.severity, measures=chosen,
                     ban_years=ban_years, ban_until=ban["until"], ban_rule=ban["rule"], ban_citation=ban["citation"],
                     suspended_days=ban["suspended_days"], terminated=[g.grant_id for g in ending],
                     rules=[band_id, requires_id, *ban["rules"]], policy_version=version.version, **ctx.envelope(day))
        for grant in ending:
            party.record(GrantTerminated, grant_id=grant.grant_id, case_id=case_id, released=grant.undisbursed,
                         **ctx.envelope(day))
        if recover is not None:
            targets = ending or [party.grants[g] for g in case.suspended] or list(party.grants.values())
            record_orders(party, ctx, targets, None if recover_all else recover_amount,
                          "all_disbursed" if recover_all else "amount", day, case_id=case_id,
                          reason=reason or ctx.reference)
        return case_view(party, case)

    return Command("integrity.decide", args, decide_)


def implied_measures(band: SeverityBand, catalogue: MeasureCatalogue, requires: MeasureRequires, terminate: bool,
                     recover: bool, ban_years: int | None) -> list[str]:
    """Without --measures: what the options imply — (四) to terminate or recover, (五) for a ban — plus
    what Art. 12 makes those bring along ((九)); with none of them, the first measure the severity allows."""
    wanted = [effect for effect, on in (("terminate", terminate), ("recover", recover), ("ban", ban_years)) if on]
    codes: list[str] = []
    for effect in wanted:
        having = codes_with(catalogue, effect)
        codes.append(next((c for c in having if c in band.measures), having[0]))
    if any(c in requires.when for c in codes):
        codes.append(requires.requires)
    known = [m.code for m in catalogue.measures]
    return sorted(set(codes), key=known.index) or [band.measures[0]]


def _check_effects(catalogue_id: str, catalogue: MeasureCatalogue, chosen: list[str], terminate: bool, recover: bool) -> None:
    """Terminating needs a measure that terminates, recovering one that recovers (Art. 12 (四), (六))."""
    effects = effects_of(catalogue, chosen)
    for effect, on, zh, en in (("terminate", terminate, "终止项目", "terminating a project"),
                               ("recover", recover, "追回资金", "recovering money")):
        if on and effect not in effects:
            codes = codes_with(catalogue, effect)
            zh_needed, en_needed = "或".join(bracketed([c]) for c in codes), " or ".join(bracketed([c]) for c in codes)
            raise RuleViolation(catalogue_id, catalogue.citation.short(), rules.said(
                catalogue.citation, f"{zh}须给予第十二条{zh_needed}项处理；本次措施为{bracketed(chosen)}",
                f"{en} needs measure {en_needed} of Art. 12; this decision gives {bracketed(chosen)}"),
                measures=chosen, hint=Text(f"在 --measures 中加上 {' 或 '.join(numbered([c]) for c in codes)}（第{zh_needed}项）",
                                           f"add {' or '.join(numbered([c]) for c in codes)} ({en_needed}) to --measures"))


def _ban(program: Any, band_id: str, band: SeverityBand, catalogue: MeasureCatalogue, case: CaseState,
         chosen: list[str], ban_years: int | None, day: date) -> dict[str, Any]:
    """The ban's end: decision date + years, less the days suspended before the decision (Art. 25, D6)."""
    ban_codes = [c for c in chosen if c in codes_with(catalogue, "ban")]
    none = {"until": None, "rule": None, "citation": None, "suspended_days": 0, "rules": []}
    if ban_years is None:
        if ban_codes:
            raise BadInput(Text(f"第十二条{bracketed(ban_codes)}项须设定期限：--ban-years N",
                                f"measures {bracketed(ban_codes)} of Art. 12 need a term: --ban-years N"), field="ban_years")
        return none
    rules.check_ban_years(band_id, band, ban_years)
    if not ban_codes:
        raise BadInput(Text(f"设定期限须给予第十二条{bracketed(codes_with(catalogue, 'ban'))}项之一",
                            f"a ban term needs one of measures {bracketed(codes_with(catalogue, 'ban'))} of Art. 12"),
                       field="measures")
    clock_id, clock = rule_of(program, BanClock)
    suspended_days = (day - case.opened_on).days if case.suspended else 0
    offset = suspended_days if clock.offset_suspended_days else 0
    until = max(day, add_years(day, ban_years) - timedelta(days=offset))
    award_id, award_ban = rule_of(program, AwardBan)
    bars = any(c in award_ban.ban_measures for c in ban_codes)
    return {"until": until, "rule": award_id if bars else None, "citation": award_ban.citation.short() if bars else None,
            "suspended_days": suspended_days, "rules": [clock_id] + ([award_id] if bars else [])}


def repair_case(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, repair(**fields))


def repair(*, case_id: str, day: date, ban_until: date | None = None, remove: bool = False) -> Command:
    """信用修复 (Art. 18): an earlier end of the ban, or removal from the 异常名录."""
    if (ban_until is not None) == remove:
        raise BadInput(Text("给出 --ban-until 日期或 --remove 之一", "give either --ban-until DATE or --remove"), field="ban_until")

    def decide_(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("case", case_id)
        case = cases_of(party)[case_id]
        rule_id, rule = rule_of(regime().program, CreditRepair)
        rules.check_repair(rule_id, rule, case, day, ban_until, remove)
        new_until = ban_until if not remove else (min(case.ban_until, day) if case.ban_until else None)
        party.record(CreditRepaired, case_id=case_id, ban_until_before=case.ban_until, ban_until=new_until, removed=remove,
                     rule=rule_id, **ctx.envelope(day))
        return case_view(party, case)

    return Command("integrity.repair", dict(case_id=case_id, day=day, ban_until=ban_until, remove=remove), decide_)


def review_case(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, review(**fields))


def review(*, case_id: str, day: date, result: str = "requested") -> Command:
    """复查 (Art. 23): recorded without stopping the decision; a revocation reverses its recoveries and ends its ban."""
    if result not in REVIEW_RESULTS:
        raise BadInput(Text(f"复查结果应为 {'/'.join(REVIEW_RESULTS)} 之一，实为 {result!r}",
                            f"review result must be one of {'/'.join(REVIEW_RESULTS)}, not {result!r}"), field="result")

    def decide_(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("case", case_id)
        case = cases_of(party)[case_id]
        if case.status != "decided" or day < case.decided_on or case.revoked_on:
            raise BadInput(Text(f"案件 {case_id} 没有可复查的处理决定（或复查日期早于决定日期）",
                                f"case {case_id} has no decision to review on {day}"), field="case")
        rule_id, _ = rule_of(regime().program, Review)
        party.record(IntegrityReviewRecorded, case_id=case_id, result=result, rule=rule_id, **ctx.envelope(day))
        if result == "revoked":
            for order in orders_of_case(party, case_id):
                left = order.outstanding() + order.recovered()
                if left > 0:
                    record_reversal(party, ctx, order, left, day, reason=f"复查撤销处理决定 / decision revoked on review ({case_id})")
        return case_view(party, case)

    return Command("integrity.review", dict(case_id=case_id, day=day, result=result), decide_)


def show_case(ledger: Ledger, case_id: str) -> dict[str, Any]:
    party = ledger.read().owner_of("case", case_id)
    return case_view(party, cases_of(party)[case_id])


def list_cases(ledger: Ledger, as_of: date) -> dict[str, Any]:
    """The 异常名录 on a date: every decided case not yet removed or revoked, with its ban and what is still owed."""
    uow = ledger.read()
    entries, total = [], 0
    for case_id, key in all_cases(uow).items():
        party = uow.enterprise(key)
        case = cases_of(party)[case_id]
        if not case.listed_on(as_of):
            continue
        owed = sum(o.outstanding(as_of) for o in orders_of_case(party, case_id))
        total += owed
        entries.append({"party": key, "name": party.name, "credit_code": party.credit_code, "case": case_id,
                        "severity": case.severity, "decided_on": iso(case.decided_on), "measures": case.measures,
                        "ban_until": iso(case.ban_until), "banned": case.bans_on(as_of), "receivable": yuan(owed)})
    entries.sort(key=lambda e: (e["decided_on"], e["case"]))
    return {"as_of": as_of.isoformat(), "entries": entries, "receivable": yuan(total)}


def case_view(party: Enterprise, case: CaseState) -> dict[str, Any]:
    """The contract's case JSON: party, severity, ban_until, suspended_days, recovery, and the rest of the record."""
    orders = orders_of_case(party, case.case_id)
    status = "revoked" if case.revoked_on else case.status
    return {
        "id": case.case_id, "party": party.key, "party_name": party.name, "status": status,
        "opened_on": case.opened_on.isoformat(), "grounds": case.grounds, "suspended_grants": case.suspended,
        "applications_held": case.hold_applications,
        "severity": case.severity, "decided_on": iso(case.decided_on), "measures": case.measures,
        "ban_years": case.ban_years, "ban_from": iso(case.decided_on) if case.ban_years else None,
        "ban_until": iso(case.ban_until), "ban_until_decided": iso(case.ban_until_decided), "bars_awards": bool(case.ban_rule),
        "ban_rule": case.ban_rule, "ban_citation": case.ban_citation, "suspended_days": case.suspended_days,
        "terminated": case.terminated, "released_commitment": yuan(case.released_commitment),
        "recovery": {"ordered": yuan(sum(o.amount for o in orders)), "repaid": yuan(sum(o.recovered() for o in orders)),
                     "cancelled": yuan(sum(o.total("cancelled") for o in orders)),
                     "outstanding": yuan(sum(o.outstanding() for o in orders)), "orders": [order_view(o) for o in orders]},
        "removed_on": iso(case.removed_on), "revoked_on": iso(case.revoked_on),
        "repairs": [{**r, "date": iso(r["date"]), "ban_until_before": iso(r["ban_until_before"]), "ban_until": iso(r["ban_until"])}
                    for r in case.repairs],
        "reviews": [{**r, "date": iso(r["date"])} for r in case.reviews],
        "decision_reference": case.decision_reference, "policy_version": case.policy_version,
    }


def _check_id(case_id: str) -> None:
    if not case_id.strip() or len(case_id) > 64 or any(ch.isspace() for ch in case_id):
        raise BadInput(Text(f"案件编号无效：{case_id!r}（1–64 个字符，不含空格）", f"invalid case id {case_id!r} (1–64 characters, no spaces)"),
                       field="case")


def _open_case(party: Enterprise, case_id: str, day: date) -> CaseState:
    case = cases_of(party)[case_id]
    if case.status != "open":
        raise BadInput(Text(f"案件 {case_id} 已于 {case.decided_on} 作出处理决定", f"case {case_id} was decided on {case.decided_on}"),
                       field="case")
    if day < case.opened_on:
        raise BadInput(Text(f"决定日期 {day} 早于立案日期 {case.opened_on}", f"decision date {day} is before the case was opened ({case.opened_on})"),
                       field="date")
    return case


def _grants_to_suspend(party: Enterprise, scope: str) -> list[GrantState]:
    """``all``: every grant still open (not terminated, not closed); ``none``; or the named grants."""
    if scope.strip() == "none":
        return []
    if scope.strip() == "all":
        return [g for g in party.grants.values() if g.status() not in ("terminated", "closed")]
    return _grants_named(party, scope)


def _grants_named(party: Enterprise, names: str | None) -> list[GrantState]:
    """``all`` or ``G1,G2``: grants of this party that are not terminated."""
    if names is None or not names.strip():
        return []
    if names.strip() == "all":
        return [g for g in party.grants.values() if not g.terminated_on]
    found = []
    for name in dict.fromkeys(n.strip() for n in names.replace("，", ",").split(",") if n.strip()):
        grant = party.grants.get(name)
        if grant is None:
            raise BadInput(Text(f"{party.key} 没有项目 {name}", f"{party.key} has no grant {name}"), field="grant", id=name)
        if grant.terminated_on:
            raise BadInput(Text(f"项目 {name} 已于 {grant.terminated_on} 终止", f"grant {name} was terminated on {grant.terminated_on}"),
                           field="grant", id=name)
        found.append(grant)
    return found
