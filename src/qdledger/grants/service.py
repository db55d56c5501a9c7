"""Grant commands (award, release, milestones) and the grant view."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.errors import BadInput, RuleViolation
from qdledger.grants import rules
from qdledger.grants.events import GrantAwarded, MilestoneRecorded, TrancheReleased
from qdledger.grants.state import MILESTONES, GrantState
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.handles import check_key
from qdledger.money import require_fen, yuan
from qdledger.policy.loader import policy_book
from qdledger.policy.model import ProjectCap, ReleaseFreely, StagedCeilings

GRANT_KINDS = ("staged_grant", "grant")
RESULTS = ("passed", "failed")
RESULT_WORDS = {"通过": "passed", "未通过": "failed", "不通过": "failed"}


def award_grant(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, award(**fields))


def award(*, grant_id: str, enterprise: str, program: str, project_budget: int, amount: int, day: date,
          project: str | None = None) -> Command:
    """立项: approve a municipal grant within the project cap of the program in force on ``day``."""
    check_key(grant_id)
    if project is not None:
        check_key(project, field="project")
    require_fen(project_budget, "project_budget")
    require_fen(amount)
    args = dict(grant_id=grant_id, enterprise=enterprise, program=program, project_budget=project_budget,
                amount=amount, day=day, project=project)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:

        party = uow.enterprise(enterprise)
        uow.claim("grant", grant_id, enterprise)
        book = policy_book()
        latest = book.latest(program).program  # input is checked before any rule is applied
        if latest.kind not in GRANT_KINDS:
            raise BadInput(Text(f"{latest.name_zh}不是资助类项目，不能用 grant award 记录",
                                f"{latest.name_en} is not a grant program; grant award cannot record it"), field="program")
        project_id = project or grant_id
        used = _project_approved(party, project_id, project_budget, latest)
        version = book.in_force(program, day)
        prog = version.program
        check_award_eligibility(uow, party, prog, day)
        applied = []
        cap = prog.rule_of_kind(ProjectCap)
        if cap:
            rules.check_project_cap(prog, cap[0], cap[1], project_budget, used, amount)
            applied.append(cap[0])
        staging_rule, staging = prog.rule_of_kind(StagedCeilings) or prog.rule_of_kind(ReleaseFreely) or (f"{program}.release", None)
        stages = [[s.after, str(s.cumulative)] for s in staging.stages] if isinstance(staging, StagedCeilings) else []
        party.record(GrantAwarded, grant_id=grant_id, program=program, policy_version=version.version,
                     project=project_id, project_budget=project_budget, amount=amount, stages=stages,
                     staging_rule=staging_rule, staging_citation=staging.citation.short() if staging else prog.citation.short(),
                     rules=applied, **ctx.envelope(day))
        return lambda: grant_view(party.grants[grant_id], party)

    return Command("grant.award", args, decide, reads=(("enterprise", enterprise), ("grant", grant_id)))


def check_award_eligibility(uow: UnitOfWork, party: Enterprise, program: Any, day: date) -> None:
    """Party-level conditions on any new award (integrity bans and the like)."""
    for check in AWARD_CHECKS:
        check(uow, party, program, day)


AWARD_CHECKS: list = []
"""Checks every new award passes: ``check(uow, party, program, day)`` raising a refusal."""

RELEASE_CHECKS: list = [
    lambda grant, amount, day: rules.check_release_date(grant, day),
    lambda grant, amount, day: rules.check_not_blocked(grant, amount, day),
    lambda grant, amount, day: rules.check_within_ceiling(grant, amount, day),
]
"""Checks every release passes, in order: ``check(grant, amount, day)`` raising a refusal."""


def _project_approved(party: Enterprise, project_id: str, budget: int, program: Any) -> int:
    """What is already approved for the project; its budget and program are those it was first awarded with."""
    project = party.projects.get(project_id)
    if project is None:
        return 0
    if project["program"] not in (None, program.id):  # an equity-first project takes the first grant's program
        first = policy_book().latest(project["program"]).program
        raise BadInput(Text(f"项目 {project_id} 已按{first.name_zh}立项，不能再按{program.name_zh}资助",
                            f"project {project_id} was awarded under {first.name_en}; a {program.name_en} grant cannot join it"),
                       field="program")
    if project["budget"] != budget:
        raise BadInput(Text(f"项目 {project_id} 已登记的项目总额为 {yuan(project['budget'])} 元，与本次 {yuan(budget)} 元不一致",
                            f"project {project_id} was recorded with budget {yuan(project['budget'])}, not {yuan(budget)}"),
                       field="project_budget")
    return project["approved"]


def release_tranche(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, release(**fields))


def release(*, grant_id: str, amount: int, day: date) -> Command:
    """拨付: pay part of a grant, within the ceiling of the stage reached on ``day``."""
    require_fen(amount)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("grant", grant_id)
        grant = party.grants[grant_id]
        for check in RELEASE_CHECKS:
            check(grant, amount, day)
        stage, _ = grant.stage_as_of(day)
        party.record(TrancheReleased, grant_id=grant_id, amount=amount, stage=stage,
                     rules=[grant.staging_rule], **ctx.envelope(day))
        return lambda: grant_view(grant, party)

    return Command("grant.release", dict(grant_id=grant_id, amount=amount, day=day), decide,
                   reads=(("grant", grant_id),))


def record_milestone(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, milestone_result(**fields))


def milestone_result(*, grant_id: str, milestone: str, result: str, day: date) -> Command:
    """中期评估 / 验收: record a review result; a pass raises the ceiling, a failure stops releases."""
    if milestone not in MILESTONES:
        raise BadInput(Text(f"评估节点应为 {'/'.join(MILESTONES)}，实为 {milestone!r}",
                            f"milestone must be one of {'/'.join(MILESTONES)}, not {milestone!r}"), field="milestone")
    result = RESULT_WORDS.get(str(result).strip(), str(result).strip().lower())
    if result not in RESULTS:
        raise BadInput(Text(f"结果应为 passed 或 failed，实为 {result!r}", f"result must be passed or failed, not {result!r}"),
                       field="result")

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party = uow.owner_of("grant", grant_id)
        grant = party.grants[grant_id]
        if day < grant.award_date:
            raise BadInput(Text(f"日期 {day} 早于立项日期 {grant.award_date}", f"date {day} is before the award date {grant.award_date}"),
                           field="date")
        if grant.terminated_on:
            raise RuleViolation(grant.staging_rule, grant.staging_citation,
                                Text(f"项目 {grant_id} 已于 {grant.terminated_on} 终止", f"grant {grant_id} was terminated on {grant.terminated_on}"),
                                terminated_on=grant.terminated_on.isoformat(),
                                hint=Text(f"项目自 {grant.terminated_on} 起已终止，不再记录评估或验收；终止前的日期也不能补记",
                                          f"the grant is terminated from {grant.terminated_on}: no review result can be recorded for it"))
        party.record(MilestoneRecorded, grant_id=grant_id, milestone=milestone, result=result, **ctx.envelope(day))
        return lambda: grant_view(grant, party)

    return Command(f"grant.{milestone}", dict(grant_id=grant_id, result=result, day=day), decide,
                   reads=(("grant", grant_id),))


def show_grant(ledger: Ledger, grant_id: str, as_of: date | None = None) -> dict[str, Any]:
    uow = ledger.read()
    party = uow.owner_of("grant", grant_id)
    return grant_view(party.grants[grant_id], party, as_of)


def grant_view(grant: GrantState, party: Enterprise, as_of: date | None = None) -> dict[str, Any]:
    """The contract's grant JSON: id, program, enterprise, awarded, disbursed, ceiling_now, status …"""
    day = as_of or date.max
    stage, _ = grant.stage_as_of(day)
    disbursed = grant.disbursed
    blocked = grant.blocked_by(day) or grant.terminated_on or grant.suspended_by
    ceiling = disbursed if blocked else grant.ceiling_fen(day)
    return {
        "id": grant.grant_id, "program": grant.program, "enterprise": party.key,
        "project": grant.project, "project_budget": yuan(grant.project_budget),
        "awarded": yuan(grant.awarded), "disbursed": yuan(disbursed),
        "ceiling_now": yuan(ceiling), "available_now": yuan(max(0, ceiling - disbursed)),
        "stage": stage, "status": grant.status(),
        "undisbursed_commitment": yuan(grant.undisbursed),
        "recovered": yuan(grant.recovered), "cancelled": yuan(grant.cancelled), "receivable": yuan(grant.receivable),
        "award_date": grant.award_date.isoformat(), "policy_version": grant.policy_version,
        "milestones": [{"milestone": m, "result": r, "date": d.isoformat()} for d, m, r in grant.milestones],
        "releases": [{"date": d.isoformat(), "amount": yuan(a)} for d, a in grant.releases],
    }

