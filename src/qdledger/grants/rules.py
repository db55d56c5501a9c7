"""Decisions on grants, checked before any event exists: project caps (D2), staging (D1, D3)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qdledger.errors import BadInput, RuleViolation
from qdledger.grants.state import GrantState
from qdledger.i18n import Text
from qdledger.money import show_ratio, show_yuan

if TYPE_CHECKING:  # policy models load only for the commands that read policies (start-up time)
    from qdledger.policy.model import Program, ProjectCap

STAGE_NAMES = {"award": Text("立项后首期", "after award (first tranche)"),
               "midterm": Text("中期评估通过后", "after the mid-term evaluation passed"),
               "acceptance": Text("验收通过后", "after acceptance passed")}
NEXT_STEP = {"award": Text("记录中期评估通过（grant midterm --result passed）后上限提高",
                           "record a passed mid-term evaluation (grant midterm --result passed) to raise the ceiling"),
             "midterm": Text("记录验收通过（grant acceptance --result passed）后可拨付剩余资金",
                             "record a passed acceptance (grant acceptance --result passed) to release the remainder")}


def project_limit(rule: ProjectCap, budget: int) -> int:
    """min(ratio × project budget, cap), in whole fen, never above either bound."""
    return min(rule.ratio.numerator * budget // rule.ratio.denominator, rule.cap)  # floor, in integers


def check_project_cap(program: Program, rule_id: str, rule: ProjectCap, budget: int,
                      already: int, requested: int) -> None:
    """All municipal money approved for one project stays within the project cap (D2)."""
    limit = project_limit(rule, budget)
    if already + requested <= limit:
        return
    excess = already + requested - limit
    share = show_ratio(rule.ratio)
    raise RuleViolation(
        rule_id, rule.citation.short(),
        Text(f"{program.name_zh}市级财政支持上限为 min(项目总额 {show_yuan(budget)} × {share}, {show_yuan(rule.cap)}) = "
             f"{show_yuan(limit)}；已批 {show_yuan(already)}，本次申请 {show_yuan(requested)}，超出 {show_yuan(excess)}",
             f"{program.name_en}: municipal support is capped at min({share} of project budget {show_yuan(budget)}, "
             f"{show_yuan(rule.cap)}) = {show_yuan(limit)}; already approved {show_yuan(already)}, requested "
             f"{show_yuan(requested)}, excess {show_yuan(excess)}"),
        limit=limit, used=already, requested=requested, excess=excess,
        hint=Text(f"本项目最多还可批 {show_yuan(max(0, limit - already))}",
                  f"at most {show_yuan(max(0, limit - already))} more can be approved for this project"))


def check_release_date(grant: GrantState, day: date) -> None:
    if day < grant.award_date:
        raise BadInput(Text(f"拨付日期 {day} 早于立项日期 {grant.award_date}",
                            f"release date {day} is before the award date {grant.award_date}"), field="date")


def check_not_blocked(grant: GrantState, amount: int, day: date) -> None:
    """A failed mid-term evaluation or acceptance stops releases until a later pass (D3)."""
    milestone = grant.blocked_by(day)
    if milestone is None:
        return
    name = Text("中期评估", "mid-term evaluation") if milestone == "midterm" else Text("验收", "acceptance")
    raise RuleViolation(
        grant.staging_rule, grant.staging_citation,
        Text(f"项目 {grant.grant_id} 的{name.zh}未通过，暂停拨付", f"grant {grant.grant_id}: the {name.en} failed; releases are stopped"),
        used=grant.disbursed, limit=grant.disbursed, requested=amount,
        hint=Text(f"{name.zh}未通过（截至 {day}）；记录其后通过的{name.zh}后方可继续拨付，届时可拨付至当阶段上限",
                  f"the {name.en} failed (as of {day}); record a later passed {name.en} to resume releases up to the stage's ceiling"))


def check_within_ceiling(grant: GrantState, amount: int, day: date) -> None:
    """Cumulative releases ≤ the ceiling of the stage reached on the release date (D1)."""
    stage, ratio = grant.stage_as_of(day)
    limit = grant.awarded * ratio.numerator // ratio.denominator  # floor: releases are whole fen
    if grant.disbursed + amount <= limit:
        return
    name = STAGE_NAMES[stage]
    pct = show_ratio(ratio)
    raise RuleViolation(
        grant.staging_rule, grant.staging_citation,
        Text(f"项目 {grant.grant_id}：{name.zh}累计拨付上限为批准额 {show_yuan(grant.awarded)} 的 {pct} = {show_yuan(limit)}；"
             f"已拨 {show_yuan(grant.disbursed)}，本次 {show_yuan(amount)}，超出 {show_yuan(grant.disbursed + amount - limit)}",
             f"grant {grant.grant_id}: {name.en} cumulative releases are capped at {pct} of {show_yuan(grant.awarded)} = "
             f"{show_yuan(limit)}; disbursed {show_yuan(grant.disbursed)}, requested {show_yuan(amount)}, "
             f"excess {show_yuan(grant.disbursed + amount - limit)}"),
        limit=limit, used=grant.disbursed, requested=amount, stage=stage,
        hint=_headroom_hint(stage, max(0, limit - grant.disbursed)))


def _headroom_hint(stage: str, room: int) -> Text:
    """What is left under the stage's ceiling, and the milestone that raises it, if any."""
    left = Text(f"本阶段最多还可拨付 {show_yuan(room)}", f"at most {show_yuan(room)} more can be released at this stage") \
        if room else Text(f"本阶段额度已用完（可拨付 {show_yuan(room)}）", f"this stage's ceiling is reached ({show_yuan(room)} left)")
    step = NEXT_STEP.get(stage)
    return Text(f"{left.zh}；{step.zh}", f"{left.en}; {step.en}") if step else left
