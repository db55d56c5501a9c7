"""qdledger subsidy …: claim a subsidy or award (核定), pay it (拨付), and see what was approved."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, show_table, writes

app = typer.Typer(help="Subsidies and awards: claim, pay, show (补贴与奖补：核定、拨付). Example: qdledger subsidy list --enterprise E001", no_args_is_help=True)
ClaimId = Annotated[str, typer.Argument(metavar="CLAIM", help="The claim's id, as printed by subsidy claim")]


def _amount(text: str | None) -> int | None:
    from qdledger.money import parse_amount

    return parse_amount(text, allow_zero=True) if text else None


@app.command("claim")
@writes
def claim(
    program: Annotated[str, typer.Argument(metavar="PROGRAM", help="Program id, e.g. tbd_interest_subsidy (see policy list)")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the party claiming", show_default=False)],
    object_ref: Annotated[str, typer.Option("--object", help="What it pays on (KIND:ID), e.g. loan:L1, guarantee:G1, insurance:P1, rd-year:2025", show_default=False)],
    date: opt.Date,
    base: Annotated[str | None, typer.Option("--base", help="The recorded base (基数): R&D spend, investment, revenue, premium …")] = None,
    fee_rate: Annotated[str | None, typer.Option("--fee-rate", help="Guarantee/insurance fee rate in percent, for a fee subsidy on a loan")] = None,
    cap_to_headroom: Annotated[bool, typer.Option("--cap-to-headroom", help="Approve what the caps still allow instead of refusing (按剩余额度核定)")] = False,
    prior_base: Annotated[str | None, typer.Option("--prior-base", help="Prior-year base, for growth tiers (上年度基数)")] = None,
    basic_research: Annotated[str | None, typer.Option("--basic-research", help="Basic-research part of the base (基础研究投入)")] = None,
    prior_basic_research: Annotated[str | None, typer.Option("--prior-basic-research", help="Basic-research part of the prior-year base")] = None,
    revenue: Annotated[str | None, typer.Option("--revenue", help="Main-business revenue, for share thresholds (主营业务收入)")] = None,
    rank: Annotated[int | None, typer.Option("--rank", help="Rank in the program's ranking, 1 = first (排名)")] = None,
    grade: Annotated[str | None, typer.Option("--grade", help="Evaluation grade, e.g. 优秀 or 良好 (评价等次)")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Award category where the program has several (类别)")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="Amount approved by the decision, for 最高 X programs (核定金额)")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project id, for per-project caps (项目)")] = None,
    claim_id: Annotated[str | None, typer.Option("--claim-id", help="Your id for the claim; default ENTERPRISE-S<n>")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Claim a subsidy or award: entitlement, caps, quotas, 就高不重复 (补贴核定). Example: qdledger subsidy claim tbd_interest_subsidy --enterprise E001 --object loan:A --date 2026-03-01"""
    from qdledger.dates import parse_date
    from qdledger.money import parse_rate
    from qdledger.subsidies.service import ClaimInput, claim_subsidy

    def action(ledger):
        inputs = ClaimInput(base=_amount(base), prior_base=_amount(prior_base), basic_research=_amount(basic_research),
                            prior_basic_research=_amount(prior_basic_research), revenue=_amount(revenue), rank=rank, grade=grade,
                            category=category, amount=_amount(amount), fee_rate=parse_rate(fee_rate) if fee_rate else None)
        return claim_subsidy(ledger, context(reference, idempotency_key, dry_run), program=program, enterprise=enterprise,
                             object_ref=object_ref, day=parse_date(date), inputs=inputs, project=project, claim_id=claim_id,
                             cap_to_headroom=cap_to_headroom)

    run(as_json, action, render_claim)


@app.command("pay")
@writes
def pay(
    claim_id: ClaimId,
    date: opt.Date,
    amount: Annotated[str | None, typer.Option("--amount", help="Amount paid now; default everything outstanding")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Pay an approved claim (拨付). Example: qdledger subsidy pay E001-S1 --date 2026-04-01"""
    from qdledger.dates import parse_date
    from qdledger.subsidies.service import pay_subsidy

    run(as_json, lambda ledger: pay_subsidy(ledger, context(reference, idempotency_key, dry_run), claim_id=claim_id,
                                            day=parse_date(date), amount=_amount(amount)), render_claim)


@app.command("show")
def show(claim_id: ClaimId, as_json: opt.Json = False) -> None:
    """Show one claim with how it was computed (核定详情). Example: qdledger subsidy show E001-S1 --json"""
    from qdledger.subsidies.service import show_claim

    run(as_json, lambda ledger: show_claim(ledger, claim_id), render_claim)


@app.command("list")
def list_(
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the party", show_default=False)],
    as_json: opt.Json = False,
) -> None:
    """List a party's claims, approved and paid (补贴台账). Example: qdledger subsidy list --enterprise E001"""
    from qdledger.subsidies.service import list_claims

    run(as_json, lambda ledger: list_claims(ledger, enterprise), _render_list)


def render_claim(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger.labels import program_name, rule_label
    from qdledger_cli.display import cap_cells, cap_headers, cell, rows, scope

    shown = rows(view, [
        ("program", "项目", "program"), ("enterprise", "单位", "party"), ("object", "对象", "object"), ("date", "核定日期", "date"),
        ("entitlement", "应得额", "entitlement"), ("already_granted", "此前已核定", "granted before"), ("payable", "本次核定", "payable"),
        ("paid", "已拨付", "paid"), ("status", "状态", "status"), ("explain", "计算", "computed"), ("reason", "理由", "reason")],
        {"status": "claim_status"})
    show_fields(tr("补贴核定", "Claim") + f" {view['claim']}", shown)
    if len(view.get("considered") or []) > 1:
        show_table(tr("就高不重复：同一对象可适用的项目", "就高不重复: programs that would pay on this object"),
                   [tr("项目", "program"), tr("金额", "amount"), tr("最高", "highest"), tr("说明", "why"), tr("依据", "citation")],
                   [[program_name(r["program"]) or r["name"], cell("amount", r["amount"]), "✓" if r["highest"] else "", r["reason"],
                     r["citation"]] for r in view["considered"]])
    if view.get("caps"):
        show_table(tr("上限与名额", "Caps and quotas"), [tr("项目", "program"), tr("规则", "rule"), tr("范围", "scope"), *cap_headers()],
                   [[program_name(c["rule"].split(".")[0]) or c["rule"], rule_label(c["rule"]), scope(c), *cap_cells(c)] for c in view["caps"]])


def _render_list(result: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import cell

    show_table(tr("补贴台账", "Claims") + f" {result['enterprise']}",
               [tr("编号", "claim"), tr("项目", "program"), tr("对象", "object"), tr("日期", "date"), tr("核定", "approved"), tr("已拨付", "paid")],
               [[c["claim"], cell("program", c["program"]), cell("object", c["object"]), c["date"], cell("payable", c["payable"]),
                 cell("paid", c["paid"])] for c in result["claims"]])
