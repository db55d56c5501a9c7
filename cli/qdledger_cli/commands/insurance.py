"""qdledger insurance …: 青科保 policies a premium subsidy can pay on."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, writes

app = typer.Typer(help="青科保 insurance policies (保单登记). Example: qdledger insurance register P1 --enterprise E001 --premium 8万 --start 2025-03-01", no_args_is_help=True)


@app.command("register")
@writes
def register(
    policy: Annotated[str, typer.Argument(metavar="POLICY", help="Your id for the policy, e.g. P2025-001")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the insured party", show_default=False)],
    premium: Annotated[str, typer.Option("--premium", help="Premium paid (保险费用): 8万, 80,000.00", show_default=False)],
    start: Annotated[str, typer.Option("--start", help="Policy start date YYYY-MM-DD (起保日)", show_default=False)],
    end: Annotated[str | None, typer.Option("--end", help="Policy end date YYYY-MM-DD (止期)")] = None,
    product: Annotated[str, typer.Option("--product", help="青科保 product name (产品)")] = "",
    purchase: Annotated[str | None, typer.Option("--purchase", help="first|repeat (首次/再次购买); default from the party's earlier policies")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Register a 青科保 policy (保单登记). Example: qdledger insurance register P1 --enterprise E001 --premium 8万 --start 2025-03-01"""
    from qdledger.dates import parse_date
    from qdledger.money import parse_amount
    from qdledger.subsidies.objects import register_insurance

    run(as_json, lambda ledger: register_insurance(
        ledger, context(reference, idempotency_key, dry_run), policy_id=policy, enterprise=enterprise, premium=parse_amount(premium),
        start=parse_date(start, "start"), end=parse_date(end, "end") if end else None, product=product, purchase=purchase), _render)


def _render(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    show_fields(tr("保单", "Policy") + f" {view['id']}",
                rows(view, [("enterprise", "投保单位", "insured"), ("premium", "保费", "premium"), ("start", "起保日", "start"),
                            ("purchase", "购买次序", "purchase")]))
