"""就高不重复 (D22): of the municipal programs that would pay on one object, only the highest pays.

The resolver lists every program of the claim's non-stacking group that would pay on the same
object (or, with scope ``per_enterprise``, to the same party), its amount and citation, which is
highest and why the others are excluded. A later, higher entitlement tops up to the higher amount;
a lower or equal one is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text, current_language
from qdledger.money import show_yuan, yuan
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.subsidies.bounds import members, rules_of
from qdledger.subsidies.calc import Entitlement, Facts, compute, pays_on
from qdledger.subsidies.state import ClaimState, SubsidyBook


@dataclass(frozen=True)
class Stacking:
    """The claim's non-stacking group: its rule, citation, scope and member programs."""

    rule_id: str
    citation: str
    group: str
    scope: str
    members: frozenset[str]


def calculation(program: Any) -> tuple[str, Any] | None:
    """The program's one calculation rule, or None for a program declared without a formula."""
    found = [(rid, r) for rid, r in ((f"{program.id}.{key}", r) for key, r in program.rules.items())
             if isinstance(r, k.CALCULATIONS)]
    return found[0] if found else None


def stacking_of(program: Any) -> Stacking:
    """The program's 就高不重复 group; a program without one still pays an object only once."""
    found = rules_of(program, k.NonStacking)
    if found:
        rule_id, rule = found[0]
        return Stacking(rule_id, rule.citation.short(), rule.group, rule.scope, members(k.NonStacking, rule.group, program.id))
    return Stacking(f"{program.id}.once_per_object", program.citation.short(), program.id, "per_object", frozenset({program.id}))


def in_scope(stacking: Stacking, book: SubsidyBook, object_ref: str, paid_on: str) -> list[ClaimState]:
    """Claims already granted in the claim's non-stacking scope."""
    claims = book.claims_of(stacking.members)
    if stacking.scope == "per_object":
        claims = [c for c in claims if c.object_ref == object_ref and c.pays_on == paid_on]
    return claims


def _name(program: Any) -> str:
    return program.name_en if current_language() == "en" else program.name_zh


@dataclass
class Option:
    program: Any
    amount: int | None
    citation: str
    status: str
    reason: Text | None = None


def options(stacking: Stacking, claimed: Any, entitlement: Entitlement, paid_on: str, day: date,
            facts_for: Callable[[str], Facts]) -> list[Option]:
    """Every member program that would pay on the object, with its amount or why it would not."""
    book = policy_book()
    found = []
    for pid in sorted(stacking.members):
        if pid == claimed.id:
            found.append(Option(claimed, entitlement.amount, _citation(claimed), "claimed"))
            continue
        latest = calculation(book.latest(pid).program)
        if latest is None or pays_on(latest[1]) != paid_on:
            continue
        try:
            program = book.in_force(pid, day).program
        except RuleViolation as refusal:
            found.append(Option(book.latest(pid).program, None, latest[1].citation.short(), "not_in_force", refusal.text))
            continue
        calc = calculation(program)
        try:
            amount = compute(calc[0], calc[1], facts_for(pid)).amount
            found.append(Option(program, amount, calc[1].citation.short(), "eligible"))
        except (RuleViolation, BadInput) as refusal:
            found.append(Option(program, None, calc[1].citation.short(), "not_eligible", refusal.text))
    return found


def _citation(program: Any) -> str:
    calc = calculation(program)
    return calc[1].citation.short() if calc else program.citation.short()


def considered(found: list[Option], granted: list[ClaimState]) -> list[dict[str, Any]]:
    """The resolver's table: each program, its amount and citation, the highest, why others are out."""
    payable = [o for o in found if o.amount is not None]
    best = max(payable, key=lambda o: (o.amount, o.status == "claimed"), default=None)
    rows = []
    for option in found:
        highest = option is best
        reason = option.reason
        if reason is None and not highest and best is not None:
            word = Text("等于", "equal to") if option.amount == best.amount else Text("低于", "lower than")
            reason = Text(f"{word.zh}{best.program.name_zh} {show_yuan(best.amount)}：就高不重复，只支付最高者",
                          f"{word.en} {best.program.name_en} {show_yuan(best.amount)}: 就高不重复, only the highest pays")
        elif reason is None and highest:
            reason = Text("最高，支付此项", "highest: this one pays")
        rows.append({"program": option.program.id, "name": _name(option.program), "amount": yuan(option.amount),
                     "citation": option.citation, "status": option.status, "highest": highest,
                     "reason": reason.render() if reason else None})
    for claim in granted:
        rows.append({"program": claim.program, "name": _name(policy_book().latest(claim.program).program), "amount": yuan(claim.payable), "citation": None,
                     "status": "granted", "highest": False, "claim": claim.claim_id, "date": claim.day.isoformat(),
                     "reason": Text(f"已核定（{claim.claim_id}，{claim.day}）", f"already granted ({claim.claim_id}, {claim.day})").render()})
    return rows


def refuse_lower(stacking: Stacking, program: Any, amount: int, granted: list[ClaimState], rows: list[dict], where: str) -> RuleViolation:
    """A later claim that is not higher than what the object already received is refused (D22)."""
    total = sum(c.payable for c in granted)
    under = names_of(granted)
    return RuleViolation(
        stacking.rule_id, stacking.citation,
        Text(f"就高不重复：{where} 已按 {under} 核定 {show_yuan(total)}，{program.name_zh}应得 {show_yuan(amount)} 不高于已核定额，不予重复支持",
             f"就高不重复 (non-stacking): {where} already received {show_yuan(total)} under {under}; {program.name_en} would pay "
             f"{show_yuan(amount)}, which is not higher, so it is refused"),
        used=total, requested=amount,
        hint=Text(f"{under} 已核定 {show_yuan(total)}，为已得最高额；只有应得额高于 {show_yuan(total)} 的申报才能补足差额"
                  f"（本项 {show_yuan(amount)}，可补足 {show_yuan(max(0, amount - total))}）",
                  f"{show_yuan(total)} already granted under {under} is the highest so far; only an entitlement above "
                  f"{show_yuan(total)} can top up the difference (this one {show_yuan(amount)}, top-up "
                  f"{show_yuan(max(0, amount - total))})"),
        considered=rows)


def names_of(claims: list[ClaimState]) -> str:
    """The programs claims were granted under, by name, for messages."""
    book = policy_book()
    return "、".join(_name(book.latest(pid).program) for pid in sorted({c.program for c in claims}))


def _fen(amount: str) -> int:
    return int(Decimal(amount) * 100)


def reason(program: Any, amount: int, granted_total: int, granted_under: str, payable: int, rows: list[dict], where: str) -> str:
    """One sentence a finance officer reads: what pays, why, and what the others would have paid."""
    others = [r for r in rows if r["program"] != program.id and r["status"] != "granted"]
    higher = [r for r in others if r["amount"] is not None and r["highest"]]
    if granted_total:
        text = Text(f"{program.name_zh} {show_yuan(amount)} 高于 {where} 已按 {granted_under} 核定的 {show_yuan(granted_total)}：补足差额 {show_yuan(payable)}",
                    f"{program.name_en} {show_yuan(amount)} is higher than the {show_yuan(granted_total)} {where} already received under "
                    f"{granted_under}: tops up by {show_yuan(payable)}")
    elif higher:
        best = higher[0]
        text = Text(f"按{program.name_zh}核定 {show_yuan(amount)}；{best['name']} 可得更高的 {show_yuan(_fen(best['amount']))}，之后按其申报将补足差额",
                    f"{program.name_en} pays {show_yuan(amount)}; {best['name']} would pay more ({show_yuan(_fen(best['amount']))}) — a later claim under it tops up")
    else:
        lower = [f"{r['name']} {show_yuan(_fen(r['amount']))}" for r in others if r["amount"] is not None]
        tail_zh = f"；{'、'.join(lower)} 较低，不重复支持" if lower else ""
        tail_en = f"; {', '.join(lower)} lower, excluded" if lower else ""
        text = Text(f"{program.name_zh} {show_yuan(amount)} 为 {where} 可得的最高额{tail_zh}",
                    f"{program.name_en} {show_yuan(amount)} is the highest {where} can receive{tail_en}")
    if payable < amount - granted_total:
        text = Text(text.zh + f"；受上限约束，本次核定 {show_yuan(payable)}", text.en + f"; cut to the headroom: {show_yuan(payable)} approved")
    return text.render()
