"""qdledger recovery …: recovery orders (追回) as receivables — order, repay, reverse, show."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, show_table, writes

app = typer.Typer(help="Recoveries: orders, repayments, reversals (追回款). Example: qdledger recovery show G1", no_args_is_help=True)
GrantId = Annotated[str, typer.Argument(metavar="GRANT", help="The grant's id, e.g. G2025-001")]


@app.command("order")
@writes
def order(
    grants: Annotated[str, typer.Argument(metavar="GRANT[,GRANT...]", help="The grants the order names (one party)")],
    basis: Annotated[str, typer.Option("--basis", help="all (everything disbursed), amount (named, with --reason), proportional (matched funding, --planned/--actual), covenant (broken commitment, due in 6 months)", show_default=False)],
    date: opt.Date,
    amount: Annotated[str | None, typer.Option("--amount", help="Amount for basis amount (金额)")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (追回理由), required with basis amount")] = "",
    planned: Annotated[str | None, typer.Option("--planned", help="Planned own investment (计划投入), basis proportional")] = None,
    actual: Annotated[str | None, typer.Option("--actual", help="Actual own investment (实际到位), basis proportional")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Integrity case the order belongs to, if any")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Order a recovery: a receivable within disbursed − already claimed (追回决定). Example: qdledger recovery order P1 --basis proportional --planned 2200万 --actual 1650万 --date 2025-03-01"""
    from qdledger.dates import parse_date
    from qdledger.integrity.recoveries import order_recovery
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: order_recovery(
        ledger, context(reference, idempotency_key, dry_run), grants=[g.strip() for g in grants.split(",") if g.strip()],
        basis=basis, day=parse_date(date), amount=parse_amount(amount) if amount else None, reason=reason,
        planned=parse_amount(planned) if planned else None, actual=parse_amount(actual, allow_zero=True) if actual else None,
        case_id=case), render_recovery)


@app.command("repay")
@writes
def repay(
    grant: GrantId, amount: opt.Amount, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Record a repayment; more than the outstanding receivable is refused (追回款到账). Example: qdledger recovery repay G1 --amount 300万 --date 2027-01-10"""
    from qdledger.dates import parse_date
    from qdledger.integrity.recoveries import repay_recovery
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: repay_recovery(ledger, context(reference, idempotency_key, dry_run), grant_id=grant,
                                               amount=parse_amount(amount), day=parse_date(date)), render_recovery)


@app.command("reverse")
@writes
def reverse(
    grant: GrantId,
    date: opt.Date,
    order_id: Annotated[str | None, typer.Option("--order", help="Order id, e.g. G1#1 (needed when the grant has several)")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="Part to reverse; default all that is left of the order")] = None,
    reason: Annotated[str, typer.Option("--reason", help="The authority's reason (撤销理由)")] = "",
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Reverse an order by a compensating event: unpaid part cancelled, paid part refunded (撤销追回). Example: qdledger recovery reverse G1 --date 2027-02-01 --reference 复查决定2027-1"""
    from qdledger.dates import parse_date
    from qdledger.integrity.recoveries import reverse_recovery
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: reverse_recovery(
        ledger, context(reference, idempotency_key, dry_run), grant_id=grant, day=parse_date(date), order_id=order_id,
        amount=parse_amount(amount) if amount else None, reason=reason), render_recovery)


@app.command("show")
def show(grant: GrantId, as_json: opt.Json = False) -> None:
    """Show a grant's recoveries: disbursed, recovered, receivable, every order (追回情况). Example: qdledger recovery show G1 --json"""
    from qdledger.integrity.recoveries import show_recovery

    run(as_json, lambda ledger: show_recovery(ledger, grant), render_recovery)


ORDER_AMOUNTS = (("ordered", "amount"), ("repaid", "repaid"), ("outstanding", "outstanding"))
"""An order's amounts: (the field that says how to show it, its key in the order)."""


def render_recovery(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import cell, rows

    show_fields(tr("追回", "Recovery") + f" {', '.join(view['grants'])} ({view['enterprise']})", rows(view, [
        ("disbursed", "已拨付", "disbursed"), ("recovered", "已追回", "recovered"),
        ("cancelled", "已撤销追回", "recovery orders cancelled"),
        ("receivable", "应收追回款", "receivable"), ("net_disbursed", "净拨付", "net disbursed")]))
    if view["orders"]:
        show_table(tr("追回决定", "Orders"), [tr("编号", "order"), tr("依据", "basis"), tr("日期", "date"), tr("金额", "amount"),
                                            tr("已还", "repaid"), tr("余额", "outstanding"), tr("到期日", "due")],
                   [[o["id"], cell("recovery_basis", o["basis"]), o["ordered_on"],
                     *[cell(field, o[key], stacked=True) for field, key in ORDER_AMOUNTS],
                     o["due_on"]] for o in view["orders"]])
