"""Decisions on integrity cases and recoveries, checked before any event exists; each refusal cites its article."""

from __future__ import annotations

from datetime import date

from qdledger.errors import RuleViolation
from qdledger.i18n import Text
from qdledger.integrity.terms import bracketed, numbered
from qdledger.money import show_yuan
from qdledger.policy.base import Citation
from qdledger.policy.kinds_integrity import CreditRepair, MeasureRequires, SeverityBand


def said(citation: Citation, zh: str, en: str) -> Text:
    """A refusal's message, opening with the article it rests on."""
    return Text(f"{citation.article}：{zh}", f"{citation.article}: {en}")


def check_measures_allowed(band_id: str, band: SeverityBand, measures: list[str]) -> None:
    """Each severity allows only the measures its rung of Art. 13 names (D5)."""
    outside = [m for m in measures if m not in band.measures]
    if not outside:
        return
    raise RuleViolation(
        band_id, band.citation.short(),
        said(band.citation, f"情节{band.severity}的，只能给予第十二条{bracketed(list(band.measures))}项处理；本次含{bracketed(outside)}项",
             f"a {band.name_en} ({band.severity}) finding allows only measures {bracketed(list(band.measures))} of Art. 12; "
             f"this decision includes {bracketed(outside)}"),
        measures=measures, allowed=list(band.measures),
        hint=Text(f"从 --measures 中去掉 {numbered(outside)}（第{bracketed(outside)}项），或按更重的情节认定",
                  f"drop {numbered(outside, ', ')} ({bracketed(outside)}) from --measures, or find a heavier severity"))


def check_requires(rule_id: str, rule: MeasureRequires, measures: list[str]) -> None:
    """(五)(七)(八) bring (九) with them (Art. 12, second paragraph)."""
    given = [m for m in rule.when if m in measures]
    if not given or rule.requires in measures:
        return
    raise RuleViolation(
        rule_id, rule.citation.short(),
        said(rule.citation, f"给予第十二条{bracketed(list(rule.when))}项处理的，应同时给予第（{rule.requires}）项处理；"
             f"本次给予{bracketed(given)}项，缺（{rule.requires}）项",
             f"measures {bracketed(list(rule.when))} of Art. 12 require measure （{rule.requires}） as well; "
             f"this decision gives {bracketed(given)} without （{rule.requires}）"),
        measures=measures,
        hint=Text(f"在 --measures 中加上 {numbered([rule.requires])}（第（{rule.requires}）项）",
                  f"add {numbered([rule.requires])} (（{rule.requires}）) to --measures"))


def check_ban_years(band_id: str, band: SeverityBand, years: int) -> None:
    """A ban's length lies inside the bounds of its severity, inclusive (D5)."""
    too_short = band.ban_years_min is not None and years < band.ban_years_min
    too_long = band.ban_years_max is not None and years > band.ban_years_max
    if band.bans and not too_short and not too_long:
        return
    term = band.ban_term()
    raise RuleViolation(
        band_id, band.citation.short(),
        said(band.citation, f"情节{band.severity}的，{term.zh}；本次 {years} 年",
             f"{'an' if band.name_en[:1] in 'aeiou' else 'a'} {band.name_en} ({band.severity}) finding carries {term.en}; "
             f"this decision sets {years} years"),
        ban_years=years, ban_years_min=band.ban_years_min, ban_years_max=band.ban_years_max,
        hint=Text(f"--ban-years 须符合：{term.zh}；或改变情节认定", f"set --ban-years within {term.en}, or change the severity"))


def check_recovery_bound(rule_id: str, citation: Citation, grants: list[str], requested: int, disbursed: int,
                         claimed: int) -> None:
    """A recovery ≤ disbursed − already claimed back under the grants it names (D7)."""
    if 0 < requested <= disbursed - claimed:
        return
    room = max(0, disbursed - claimed)
    names = ", ".join(grants)
    raise RuleViolation(
        rule_id, citation.short(),
        said(citation, f"追回金额不得超过所列项目（{names}）已拨付资金减去已追回及应收部分：已拨付 {show_yuan(disbursed)}，"
             f"已追回及应收 {show_yuan(claimed)}，可追回 {show_yuan(room)}；本次 {show_yuan(requested)}",
             f"a recovery cannot exceed what was disbursed under the grants named ({names}) less what was already claimed back: "
             f"disbursed {show_yuan(disbursed)}, claimed {show_yuan(claimed)}, recoverable {show_yuan(room)}; "
             f"requested {show_yuan(requested)}"),
        limit=disbursed, used=claimed, requested=requested, excess=max(0, claimed + requested - disbursed),
        hint=Text(f"最多还可追回 {show_yuan(room)}", f"at most {show_yuan(room)} can still be recovered"))


def check_repayment(rule_id: str, citation: Citation, grant_id: str, outstanding: int, amount: int, day: date) -> None:
    """A repayment ≤ the receivable outstanding on its date: the receivable never goes negative (D7)."""
    if amount <= outstanding:
        return
    raise RuleViolation(
        rule_id, citation.short(),
        said(citation, f"项目 {grant_id} 截至 {day} 的应收追回款余额为 {show_yuan(outstanding)}；本次还款 {show_yuan(amount)}，"
             f"超出 {show_yuan(amount - outstanding)}",
             f"grant {grant_id}: the recovery receivable outstanding on {day} is {show_yuan(outstanding)}; "
             f"repayment {show_yuan(amount)} exceeds it by {show_yuan(amount - outstanding)}"),
        limit=outstanding, used=None, requested=amount, excess=amount - outstanding,
        hint=Text(f"最多还可还款 {show_yuan(outstanding)}", f"at most {show_yuan(outstanding)} can be repaid")
        if outstanding else Text("该项目没有未结的追回款，无需还款", "nothing is outstanding on this grant; no repayment is due"))


def check_reversal(rule_id: str, citation: Citation, order_id: str, ordered: int, reversible: int, amount: int) -> None:
    """A reversal takes back at most what is left of the order: outstanding plus repaid, less earlier reversals."""
    if 0 < amount <= reversible:
        return
    raise RuleViolation(
        rule_id, citation.short(),
        said(citation, f"追回决定 {order_id} 金额 {show_yuan(ordered)}，尚可撤销 {show_yuan(reversible)}；本次撤销 {show_yuan(amount)}",
             f"recovery order {order_id} of {show_yuan(ordered)} has {show_yuan(reversible)} left to reverse; "
             f"asked to reverse {show_yuan(amount)}"),
        limit=reversible, used=None, requested=amount, excess=max(0, amount - reversible),
        hint=Text(f"最多撤销 {show_yuan(reversible)}", f"at most {show_yuan(reversible)} can be reversed"))


def check_repair(rule_id: str, rule: CreditRepair, case, day: date, new_until: date | None, remove: bool) -> None:
    """信用修复 happens inside the punishment, and only shortens it or removes the listing (Art. 18)."""
    cite = rule.citation.short()
    until = case.ban_until
    if remove:
        if not rule.may_remove or not case.listed_on(day):
            raise RuleViolation(rule_id, cite, said(
                rule.citation, f"案件 {case.case_id} 在 {day} 不在科研诚信异常名录中，无从移出", f"case {case.case_id} is not on the list on {day}; nothing to remove"),
                decided_on=case.decided_on.isoformat() if case.decided_on else None, repair_on=day.isoformat(),
                hint=Text(f"信用修复须在处理决定（{case.decided_on or '尚未作出'}）之后、移出名录之前",
                          f"a repair comes after the decision ({case.decided_on or 'not yet made'}) and before any removal"))
        return
    if not (until and case.decided_on and case.decided_on <= day < until):
        period = f"{case.decided_on} — {until}" if until else "—"
        raise RuleViolation(rule_id, cite, said(
            rule.citation, f"信用修复须在惩戒期内：案件 {case.case_id} 的禁止期为 {period}（截止日不含），修复日期 {day}",
            f"a credit repair happens inside the punishment: case {case.case_id} bans {period} (end excluded); repair dated {day}"),
            ban_until=until.isoformat() if until else None,
            hint=Text(f"在禁止期 {period} 内的日期记录修复，或用 --remove 移出名录",
                      f"date the repair inside the ban ({period}), or use --remove"))
    if new_until is None or not (day <= new_until < until):
        raise RuleViolation(rule_id, cite, said(
            rule.citation, f"信用修复只能减少惩戒期限：案件 {case.case_id} 现禁止期至 {until}，新的截止日应在 {day} 至 {until} 之前；申请 {new_until}",
            f"a credit repair can only shorten the ban: case {case.case_id} bans until {until}; the new end must be on or after "
            f"{day} and before {until}; asked {new_until}"),
            ban_until=until.isoformat(), requested_until=new_until.isoformat() if new_until else None,
            hint=Text(f"--ban-until 取 {day} 至 {until} 之前的日期", f"give --ban-until from {day} up to before {until}"))
