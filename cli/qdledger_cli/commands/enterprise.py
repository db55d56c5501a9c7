"""qdledger enterprise …: register parties and show what the ledger holds about them."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, writes

app = typer.Typer(help="Parties: enterprises, institutes, universities, platforms (主体登记与查询). Example: qdledger enterprise show E001", no_args_is_help=True)


@app.command("register")
@writes
def register(
    enterprise_id: Annotated[str, typer.Argument(metavar="ID", help="Your id for the party, e.g. E001")],
    name: Annotated[str, typer.Option("--name", help="Registered name (名称)", show_default=False)],
    credit_code: Annotated[str, typer.Option("--credit-code", help="统一社会信用代码, 18 characters (GB 32100-2015)", show_default=False)],
    district: Annotated[str, typer.Option("--district", help="District (区、市), e.g. 崂山区", show_default=False)],
    kind: Annotated[str, typer.Option("--kind", help="enterprise|institute|university|nri|platform")] = "enterprise",
    date: Annotated[str | None, typer.Option("--date", help="Registration date YYYY-MM-DD; default today")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Register a party (登记主体). Example: qdledger enterprise register E001 --name 青岛海研科技有限公司 --credit-code 91370212MA3C5Y2K1H --district 崂山区"""
    from qdledger.dates import parse_date, today
    from qdledger.enterprises import register_enterprise

    run(as_json, lambda ledger: register_enterprise(
        ledger, context(reference, idempotency_key, dry_run), key=enterprise_id, name=name, credit_code=credit_code,
        district=district, kind=kind, day=parse_date(date) if date is not None else today()), render_enterprise)


@app.command("show")
def show(
    enterprise_id: Annotated[str, typer.Argument(metavar="ID", help="The party's id")],
    as_json: opt.Json = False,
) -> None:
    """Show a party's totals (主体汇总). Example: qdledger enterprise show E001 --json"""
    from qdledger.enterprises import show_enterprise

    run(as_json, lambda ledger: show_enterprise(ledger, enterprise_id), render_enterprise)


@app.command("headroom")
def headroom(
    enterprise_id: Annotated[str, typer.Argument(metavar="ID", help="The party's id")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this business date; default today or the party's latest claim")] = None,
    as_json: opt.Json = False,
) -> None:
    """Every cap, quota and claim limit that binds a party: limit, used, remaining (额度余量). Example: qdledger enterprise headroom E001 --as-of 2026-03-01"""
    from qdledger.dates import parse_date
    from qdledger.subsidies.headroom import headroom as build

    run(as_json, lambda ledger: build(ledger, enterprise_id, parse_date(as_of, "as_of") if as_of else None), _render_headroom)


def _render_headroom(result: dict) -> None:
    from qdledger.i18n import tr
    from qdledger.labels import program_name, rule_label
    from qdledger_cli.display import cap_cells, cap_headers, scope
    from qdledger_cli.runtime import show_table

    show_table(tr("额度余量", "Headroom") + f" {result['enterprise']} ({result['district']}) " + tr("截至 ", "as of ") + result["as_of"],
               [tr("项目", "program"), tr("规则", "rule"), tr("范围", "scope"), *cap_headers()],
               [[program_name(c["program"]) or c["name"], rule_label(c["rule"]), scope(c), *cap_cells(c)] for c in result["caps"]])


def render_enterprise(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    shown = rows(view, [
        ("id", "编号", "id"), ("name", "名称", "name"), ("credit_code", "统一社会信用代码", "credit code"),
        ("district", "所在区（市）", "district"), ("kind", "主体类型", "kind"), ("awarded", "立项资助", "awarded"),
        ("disbursed", "已拨付", "disbursed"), ("undisbursed_commitment", "未拨付承诺", "undisbursed commitment"),
        ("recovered", "已追回", "recovered"),
        ("cancelled", "已撤销追回", "recovery orders cancelled"), ("receivable", "应收追回款", "receivable"),
        ("banned_until", "禁入期至", "banned until")])
    shown.append((tr("项目", "grants"), ", ".join(view.get("grants", [])) or None))
    show_fields(tr("主体", "Party") + f" {view['id']}", shown)
