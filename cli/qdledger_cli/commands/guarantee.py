"""qdledger guarantee …: credit enhancement of a loan by a guarantor or insurer, and its fee."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, writes

app = typer.Typer(help="Credit-enhancement fees a subsidy can pay on (担保/保险增信登记). Example: qdledger guarantee register G1 --loan L1 --fee-rate 1.5", no_args_is_help=True)


@app.command("register")
@writes
def register(
    guarantee: Annotated[str, typer.Argument(metavar="GUARANTEE", help="Your id for the agreement, e.g. G2025-001")],
    loan: Annotated[str, typer.Option("--loan", help="The loan it enhances", show_default=False)],
    fee_rate: Annotated[str, typer.Option("--fee-rate", help="Fee rate in percent of the loan, e.g. 1.5 (协议费率)", show_default=False)],
    fee: Annotated[str | None, typer.Option("--fee", help="Fee actually paid (实付费用); default loan × fee rate")] = None,
    enhancer: Annotated[str, typer.Option("--enhancer", help="guarantor|insurer (担保机构/保险机构)")] = "guarantor",
    date: Annotated[str | None, typer.Option("--date", help="Agreement date YYYY-MM-DD; default the loan's signing date")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Register a guarantee or insurance credit enhancement (增信登记). Example: qdledger guarantee register G1 --loan L1 --fee-rate 1.5"""
    from qdledger.dates import parse_date
    from qdledger.money import parse_amount, parse_rate
    from qdledger.subsidies.objects import register_guarantee

    run(as_json, lambda ledger: register_guarantee(
        ledger, context(reference, idempotency_key, dry_run), guarantee_id=guarantee, loan_id=loan, fee_rate=parse_rate(fee_rate),
        fee=parse_amount(fee) if fee else None, enhancer=enhancer, day=parse_date(date) if date else None), _render)


def _render(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    show_fields(tr("增信", "Credit enhancement") + f" {view['id']}",
                rows(view, [("loan", "贷款", "loan"), ("fee_rate", "费率 %", "fee rate %"), ("fee", "实付费用", "fee paid"),
                            ("enhancer", "增信方", "enhancer")]))
