"""What an open case, a termination or a ban forbids elsewhere: releases (Art. 20) and new awards (D6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.errors import RuleViolation
from qdledger.grants.state import GrantState
from qdledger.i18n import Text
from qdledger.integrity.rules import said
from qdledger.integrity.state import ban_in_force, holding_case
from qdledger.integrity.terms import regime, rule_of
from qdledger.money import show_yuan
from qdledger.policy.kinds_integrity import AwardBan, InterimSuspension, Termination


def check_not_terminated(grant: GrantState, amount: int, day: date) -> None:
    """A terminated project is released nothing more."""
    if not grant.terminated_on:
        return
    rule_id, rule = rule_of(regime().program, Termination)
    raise RuleViolation(
        rule_id, rule.citation.short(),
        said(rule.citation, f"项目 {grant.grant_id} 已于 {grant.terminated_on} 终止，不再拨付；已拨付 {show_yuan(grant.disbursed)}，"
             f"本次申请 {show_yuan(amount)}",
             f"grant {grant.grant_id} was terminated on {grant.terminated_on}; nothing more is released "
             f"(disbursed {show_yuan(grant.disbursed)}, requested {show_yuan(amount)})"),
        limit=grant.disbursed, used=grant.disbursed, requested=amount,
        hint=Text(f"项目自 {grant.terminated_on} 起已终止，不能恢复拨付（可拨付 ¥0.00）",
                  f"the grant is terminated from {grant.terminated_on} and cannot be released again (¥0.00 releasable)"))


def check_not_suspended(grant: GrantState, amount: int, day: date) -> None:
    """While a case suspends a grant (暂停拨付, Art. 20), and on any date inside a past suspension, nothing is released."""
    windows = [(case, start, end) for case, start, end in grant.suspensions_closed if start <= day < end]
    if not grant.suspended_by and not windows:
        return
    rule_id, rule = rule_of(regime().program, InterimSuspension)
    if grant.suspended_by:
        cases = "、".join(sorted(grant.suspended_by))
        why = Text(f"诚信案件 {cases} 已暂停项目 {grant.grant_id} 的拨付", f"integrity case {cases} suspended releases of grant {grant.grant_id}")
        hint = Text(f"诚信案件 {cases} 作出处理决定（integrity decide）后，未终止的项目方可恢复拨付；暂停期间可拨付 ¥0.00",
                    f"releases resume once case {cases} is decided (integrity decide) and the grant is not terminated; "
                    f"¥0.00 is releasable meanwhile")
    else:
        case, start, end = windows[0]
        why = Text(f"{day} 处于诚信案件 {case} 的暂停拨付期（{start} 至 {end}，截止日不含）",
                   f"{day} lies inside the suspension by integrity case {case} ({start} to {end}, end excluded)")
        hint = Text(f"拨付日期应不早于 {end}", f"date the release on or after {end}")
    raise RuleViolation(
        rule_id, rule.citation.short(),
        said(rule.citation, f"{why.zh}；已拨付 {show_yuan(grant.disbursed)}，本次申请 {show_yuan(amount)}",
             f"{why.en}; disbursed {show_yuan(grant.disbursed)}, requested {show_yuan(amount)}"),
        limit=grant.disbursed, used=grant.disbursed, requested=amount, hint=hint)


def check_applications_not_held(uow: Any, party: Any, program: Any, day: date) -> None:
    """While a case holds new applications (暂停受理申报, Art. 20), no award requiring good research credit."""
    case = holding_case(party, day) if program.requires_good_credit else None
    if case is None:
        return
    rule_id, rule = rule_of(regime().program, InterimSuspension)
    raise RuleViolation(
        rule_id, rule.citation.short(),
        said(rule.citation, f"诚信案件 {case.case_id} 自 {case.opened_on} 起暂停受理 {party.key} 的新项目申报；"
             f"{program.name_zh}要求科研信用良好，立项日期 {day}",
             f"integrity case {case.case_id} holds new applications of {party.key} from {case.opened_on}; "
             f"{program.name_en} requires good research credit (award date {day})"),
        case=case.case_id, held_from=case.opened_on.isoformat(),
        hint=Text(f"诚信案件 {case.case_id} 自 {case.opened_on} 起暂停受理；作出处理决定（integrity decide）后再立项",
                  f"case {case.case_id} holds applications from {case.opened_on}; award once it is decided (integrity decide)"))


def check_not_banned(uow: Any, party: Any, program: Any, day: date) -> None:
    """During a ban, no award of a program whose eligibility requires good research credit (D6)."""
    if not program.requires_good_credit:
        return
    case = ban_in_force(party, day)
    if case is None:
        return
    _, rule = rule_of(regime().program, AwardBan)
    raise RuleViolation(
        case.ban_rule, case.ban_citation,
        said(rule.citation, f"{party.key} 因诚信案件 {case.case_id}（情节{case.severity}）处于禁止期：{case.decided_on} 至 {case.ban_until}"
             f"（截止日不含）；{program.name_zh}要求科研信用良好，立项日期 {day} 在禁止期内",
             f"{party.key} is banned by integrity case {case.case_id} ({case.severity}) from {case.decided_on} until "
             f"{case.ban_until} (end excluded); {program.name_en} requires good research credit and the award date {day} "
             f"falls inside the ban"),
        case=case.case_id, ban_from=case.decided_on.isoformat(), ban_until=case.ban_until.isoformat(),
        award_possible_from=case.ban_until.isoformat(),
        hint=Text(f"{case.ban_until} 起方可立项，或经信用修复（integrity repair）提前结束禁止期",
                  f"an award is possible from {case.ban_until}, or earlier after a credit repair (integrity repair)"))
