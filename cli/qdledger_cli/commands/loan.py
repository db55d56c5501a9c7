"""qdledger loan …: bank loans that interest and fee subsidies pay on."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, writes

app = typer.Typer(help="Loans a subsidy can pay on (贷款登记与还款). Example: qdledger loan show A", no_args_is_help=True)
LoanId = Annotated[str, typer.Argument(metavar="LOAN", help="Your id for the loan, e.g. L2025-001")]


@app.command("register")
@writes
def register(
    loan: LoanId,
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the borrowing party", show_default=False)],
    principal: Annotated[str, typer.Option("--principal", help="Principal (贷款本金): 1000万, 10,000,000.00", show_default=False)],
    rate: Annotated[str, typer.Option("--rate", help="Contract annual rate in percent, e.g. 3.45 (合同利率)", show_default=False)],
    signed: Annotated[str, typer.Option("--signed", help="Contract signing date YYYY-MM-DD (合同签订日)", show_default=False)],
    maturity: Annotated[str, typer.Option("--maturity", help="Maturity date YYYY-MM-DD (到期日)", show_default=False)],
    mode: Annotated[str, typer.Option("--mode", help="plain|tou-dai|tou-bao-dai|gen-dai|bao-dai (普通/投贷/投保贷/跟贷/保贷)")] = "plain",
    lpr: Annotated[str | None, typer.Option("--lpr", help="LPR in percent at signing; default: the latest fixing in the reference table")] = None,
    drawn: Annotated[str | None, typer.Option("--drawn", help="Drawdown date (放款日); default the signing date")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Register a loan (贷款登记). Example: qdledger loan register A --enterprise E001 --principal 1000万 --rate 3.45 --signed 2025-02-10 --maturity 2026-02-10 --mode tou-dai"""
    from qdledger.dates import parse_date
    from qdledger.money import parse_amount, parse_rate
    from qdledger.subsidies.objects import register_loan

    run(as_json, lambda ledger: register_loan(
        ledger, context(reference, idempotency_key, dry_run), loan_id=loan, enterprise=enterprise,
        principal=parse_amount(principal), rate=parse_rate(rate), signed=parse_date(signed, "signed"),
        maturity=parse_date(maturity, "maturity"), mode=mode, lpr=parse_rate(lpr) if lpr else None,
        drawn=parse_date(drawn, "drawn") if drawn else None), render_loan)


@app.command("repaid")
@writes
def repaid(
    loan: LoanId,
    date: opt.Date,
    interest_paid: Annotated[str | None, typer.Option("--interest-paid", help="Interest actually paid (实付利息); default principal × rate × days ÷ 365")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record that a loan was repaid in full (还本付息). Example: qdledger loan repaid A --date 2026-02-10"""
    from qdledger.dates import parse_date
    from qdledger.money import parse_amount
    from qdledger.subsidies.objects import repay_loan

    run(as_json, lambda ledger: repay_loan(
        ledger, context(reference, idempotency_key, dry_run), loan_id=loan, day=parse_date(date),
        interest_paid=parse_amount(interest_paid, allow_zero=True) if interest_paid else None), render_loan)


@app.command("show")
def show(loan: LoanId, as_json: opt.Json = False) -> None:
    """Show a loan (贷款详情). Example: qdledger loan show A --json"""
    from qdledger.subsidies.objects import show_loan

    run(as_json, lambda ledger: show_loan(ledger, loan), render_loan)


def render_loan(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    shown = rows(view, [
        ("enterprise", "借款单位", "borrower"), ("principal", "本金", "principal"), ("rate", "合同利率 %", "contract rate %"),
        ("signed", "签订日", "signed"), ("maturity", "到期日", "maturity"), ("mode", "融资模式", "mode"),
        ("lpr", "签订时 LPR %", "LPR at signing %"), ("lpr_source", "LPR 来源", "LPR source"),
        ("repaid_on", "还清日", "repaid on"), ("on_schedule", "按期还本付息", "repaid on schedule")],
        {"lpr_source": "lpr_source"})
    show_fields(tr("贷款", "Loan") + f" {view['id']}", shown)
