"""qdledger grant …: award, release in stages, record mid-term and acceptance results, show."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, writes

app = typer.Typer(help="Grants paid in stages (项目资助：立项、分期拨付、中期评估、验收). Example: qdledger grant show G1", no_args_is_help=True)
GrantId = Annotated[str, typer.Argument(metavar="GRANT", help="The grant's id, e.g. G2025-001")]
Result = Annotated[str, typer.Option("--result", help="passed|failed (通过/未通过)", show_default=False)]


@app.command("award")
@writes
def award(
    grant: GrantId,
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the party receiving the grant", show_default=False)],
    program: Annotated[str, typer.Option("--program", help="Program id, e.g. sci_demo_project (see policy list)", show_default=False)],
    project_budget: Annotated[str, typer.Option("--project-budget", help="Total project budget (项目资金总额)", show_default=False)],
    amount: opt.Amount,
    date: opt.Date,
    project: Annotated[str | None, typer.Option("--project", help="Project id shared by grant and equity legs; default the grant id")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Award a grant within the program's project cap (立项). Example: qdledger grant award G1 --enterprise E001 --program sci_demo_project --project-budget 4500万 --amount 1000万 --date 2024-12-20"""
    from qdledger.dates import parse_date
    from qdledger.grants.service import award_grant
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: award_grant(
        ledger, context(reference, idempotency_key, dry_run), grant_id=grant, enterprise=enterprise, program=program,
        project_budget=parse_amount(project_budget, field="project_budget"), amount=parse_amount(amount), day=parse_date(date), project=project),
        render_grant)


@app.command("release")
@writes
def release(
    grant: GrantId, amount: opt.Amount, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Release a tranche within the ceiling of the stage reached (拨付). Example: qdledger grant release G1 --amount 400万 --date 2025-01-10"""
    from qdledger.dates import parse_date
    from qdledger.grants.service import release_tranche
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: release_tranche(
        ledger, context(reference, idempotency_key, dry_run), grant_id=grant, amount=parse_amount(amount), day=parse_date(date)),
        render_grant)


def _milestone(kind: str, grant: str, result: str, date: str, reference: str, key: str | None, dry_run: bool,
               as_json: bool) -> None:
    from qdledger.dates import parse_date
    from qdledger.grants.service import record_milestone

    run(as_json, lambda ledger: record_milestone(
        ledger, context(reference, key, dry_run), grant_id=grant, milestone=kind, result=result, day=parse_date(date)),
        render_grant)


@app.command("midterm")
@writes
def midterm(
    grant: GrantId, result: Result, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Record the mid-term evaluation (中期评估). Example: qdledger grant midterm G1 --result passed --date 2026-01-15"""
    _milestone("midterm", grant, result, date, reference, idempotency_key, dry_run, as_json)


@app.command("acceptance")
@writes
def acceptance(
    grant: GrantId, result: Result, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Record acceptance or overall performance evaluation (验收/综合绩效评价). Example: qdledger grant acceptance G1 --result passed --date 2027-06-30"""
    _milestone("acceptance", grant, result, date, reference, idempotency_key, dry_run, as_json)


@app.command("show")
def show(
    grant: GrantId,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Ceiling and what could still be released on this business date, counting every release recorded (default: with every milestone recorded)")] = None,
    as_json: opt.Json = False,
) -> None:
    """Show a grant: awarded, disbursed, ceiling now, status (项目资助详情). Example: qdledger grant show G1 --json"""
    from qdledger.dates import parse_date
    from qdledger.grants.service import show_grant

    run(as_json, lambda ledger: show_grant(ledger, grant, parse_date(as_of) if as_of is not None else None), render_grant)


def render_grant(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    shown = rows(view, [
        ("program", "项目类别", "program"), ("enterprise", "承担单位", "party"), ("project", "项目", "project"),
        ("awarded", "批准金额", "awarded"), ("disbursed", "已拨付", "disbursed"), ("ceiling_now", "当前累计拨付上限", "ceiling now"),
        ("available_now", "当前可拨付", "available now"), ("stage", "阶段", "stage"), ("status", "状态", "status"),
        ("recovered", "已追回", "recovered"),
        ("cancelled", "已撤销追回", "recovery orders cancelled"), ("receivable", "应收追回款", "receivable")], {"status": "grant_status"})
    show_fields(tr("项目资助", "Grant") + f" {view['id']}", shown)
