"""Decisions on equity positions, checked before any event exists: amount, stake, largest holder,
term (D10), discount when a municipal project is open (D11), the shared project cap (D2), the
revolving pool and the trustee's cost allowance (D17)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from qdledger.errors import BadInput, RuleViolation
from qdledger.grants.rules import check_project_cap
from qdledger.i18n import Text
from qdledger.money import percent, show_yuan
from qdledger.policy.kinds_equity import (DiscountWhenOpenProject, ExitMethods, InvestmentCap, NotLargestShareholder,
                                          RevolvingPool, StakeCeiling, TermLimit)
from qdledger.policy.loader import policy_book
from qdledger.policy.model import Program, ProjectCap


def rule(program: Program, kind: type) -> tuple[str, object]:
    """The program's rule of a kind; a policy file without it cannot decide equity."""
    found = program.rule_of_kind(kind)
    if found is None:
        raise BadInput(Text(f"{program.id} 缺少 {kind.__name__} 规则", f"{program.id} has no {kind.__name__} rule"),
                       field="policy")
    return found


def check_amount(program: Program, amount: int) -> str:
    rule_id, cap = rule(program, InvestmentCap)
    if amount > cap.cap:
        raise RuleViolation(
            rule_id, cap.citation.short(),
            Text(f"单笔股权投资最高 {show_yuan(cap.cap)}，本次 {show_yuan(amount)}，超出 {show_yuan(amount - cap.cap)}",
                 f"one investment is capped at {show_yuan(cap.cap)}; requested {show_yuan(amount)}, excess {show_yuan(amount - cap.cap)}"),
            limit=cap.cap, used=0, requested=amount,
            hint=Text(f"投资额不超过 {show_yuan(cap.cap)}", f"invest at most {show_yuan(cap.cap)}"))
    return rule_id


def check_stake(program: Program, stake: Fraction, approval: str, approved_up_to: Fraction | None = None) -> tuple[str, bool]:
    """Stake ≤ ceiling, or above it with a special approval; returns (rule id, approval used)."""
    rule_id, ceiling = rule(program, StakeCeiling)
    if stake <= ceiling.ceiling or (approved_up_to is not None and stake <= approved_up_to):
        return rule_id, False
    if approval and ceiling.exception == "special_approval":
        return rule_id, True
    raise RuleViolation(
        rule_id, ceiling.citation.short(),
        Text(f"财政资金持股 {percent(stake)}% 超过总股本的 {percent(ceiling.ceiling)}%",
             f"the fund's stake {percent(stake)}% is above {percent(ceiling.ceiling)}% of total share capital"),
        hint=Text(f"持股不超过 {percent(ceiling.ceiling)}%，或以 --special-approval 记录特批文件",
                  f"keep the stake at or below {percent(ceiling.ceiling)}%, or record the special approval with --special-approval"),
        limit_percent=percent(ceiling.ceiling), requested_percent=percent(stake))


def check_not_largest(program: Program, stake: Fraction, largest_other: Fraction) -> str:
    rule_id, largest = rule(program, NotLargestShareholder)
    if stake < largest_other or (stake == largest_other and not largest.ties_refused):
        return rule_id
    tie = stake == largest_other
    raise RuleViolation(
        rule_id, largest.citation.short(),
        Text(f"财政资金持股 {percent(stake)}% {'与' if tie else '不低于'}最大其他股东 {percent(largest_other)}% {'并列' if tie else ''}，将成为第一大股东",
             f"the fund's stake {percent(stake)}% {'ties with' if tie else 'is not below'} the largest other holder's {percent(largest_other)}%: "
             f"the fund would be the largest shareholder"),
        hint=Text(f"持股须低于 {percent(largest_other)}%", f"the stake must stay below {percent(largest_other)}%"),
        limit_percent=percent(largest_other), requested_percent=percent(stake))


def check_term(program: Program, years: int, approval: str) -> tuple[str, bool]:
    """Term ≤ the normal years, or up to the extended maximum with a special approval."""
    rule_id, term = rule(program, TermLimit)
    if years <= term.years:
        return rule_id, False
    if years <= term.extended_max_years and approval:
        return rule_id, True
    beyond = years > term.extended_max_years
    raise RuleViolation(
        rule_id, term.citation.short(),
        Text(f"投资期限 {years} 年超过{'最长' if beyond else ''} {term.extended_max_years if beyond else term.years} 年",
             f"a term of {years} years is above the {'maximum of ' + str(term.extended_max_years) if beyond else str(term.years)} years"
             + ("" if beyond else " allowed without a special approval")),
        hint=Text(f"期限不超过 {term.years} 年，或以特批文件延至最长 {term.extended_max_years} 年",
                  f"keep the term within {term.years} years, or up to {term.extended_max_years} with a special approval"),
        limit_years=term.extended_max_years if beyond else term.years, requested_years=years)


def open_projects(party, programs: tuple[str, ...], day: date) -> list[str]:
    """Grants of the listed programs awarded by ``day`` and not yet accepted or terminated (未结题验收)."""
    found = []
    for grant in party.grants.values():
        if grant.program not in programs or grant.award_date > day:
            continue
        accepted = grant.latest_results(day).get("acceptance") == "passed"
        ended = grant.terminated_on is not None and grant.terminated_on <= day
        if not accepted and not ended:
            found.append(grant.grant_id)
    return sorted(found)


def check_discount(program: Program, party, day: date, discount: Fraction | None) -> str:
    rule_id, need = rule(program, DiscountWhenOpenProject)
    grants = open_projects(party, need.programs, day)
    if not grants or (discount is not None and discount > 0):
        return rule_id
    raise RuleViolation(
        rule_id, need.citation.short(),
        Text(f"{party.key} 有未结题验收的市级项目 {', '.join(grants)}，股权投资须记录大于零的股价折扣",
             f"{party.key} has open municipal project(s) {', '.join(grants)}: the investment needs a negotiated price discount above zero"),
        hint=Text("以 --discount 记录谈判确定的、大于 0% 的折扣（百分比），或待上述项目结题验收后再投资",
                  "record the negotiated discount above 0% with --discount PCT, or invest once those projects are accepted"),
        open_grants=grants)


def check_method(program: Program, method: str) -> str:
    rule_id, methods = rule(program, ExitMethods)
    if method not in methods.methods:
        raise BadInput(Text(f"退出方式应为 {'/'.join(methods.methods)} 之一", f"method must be one of {'/'.join(methods.methods)}"),
                       field="method")
    return rule_id


def project_legs(party, project: str, budget: int | None, amount: int) -> tuple[int, str | None]:
    """The project's budget and the cap rule applied, counting the equity leg toward the cap shared
    with its grants (D2). A project not yet in the ledger needs its budget."""
    existing = party.projects.get(project)
    if existing is None:
        if budget is None:
            raise BadInput(Text(f"项目 {project} 尚未登记，请用 --project-budget 给出项目资金总额",
                                f"project {project} is new: give its total budget with --project-budget"), field="project_budget")
        return budget, None
    if budget is not None and existing["budget"] is not None and budget != existing["budget"]:
        raise BadInput(Text(f"项目 {project} 已登记的项目总额为 {show_yuan(existing['budget'])}，与本次 {show_yuan(budget)} 不一致",
                            f"project {project} was recorded with budget {show_yuan(existing['budget'])}, not {show_yuan(budget)}"),
                       field="project_budget")
    grants = sorted((g for g in party.grants.values() if g.project == project), key=lambda g: g.award_date)
    if not grants:
        return existing["budget"], None
    version = policy_book().in_force(grants[0].program, grants[0].award_date)
    cap = version.program.rule_of_kind(ProjectCap)
    if cap is None:
        return existing["budget"], None
    check_project_cap(version.program, cap[0], cap[1], existing["budget"], existing["approved"], amount)
    return existing["budget"], cap[0]


def check_pool(program: Program, available: int, amount: int, day: date) -> str:
    """An investment from the revolving pool never takes it below zero, on its date or later."""
    rule_id, pool = rule(program, RevolvingPool)
    if amount <= available:
        return rule_id
    raise RuleViolation(
        rule_id, pool.citation.short(),
        Text(f"{day} 循环滚动资金可用 {show_yuan(available)}，本次投资 {show_yuan(amount)}",
             f"the revolving pool has {show_yuan(available)} available on {day}; the investment needs {show_yuan(amount)}"),
        limit=available, used=0, requested=amount,
        hint=Text(f"从循环滚动资金最多投资 {show_yuan(available)}，或改用 --source budget（年度预算资金）",
                  f"invest at most {show_yuan(available)} from the pool, or use --source budget (the annual budget)"))
