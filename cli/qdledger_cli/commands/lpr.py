"""qdledger lpr …: the Loan Prime Rate reference table."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_table, writes

app = typer.Typer(help="Loan Prime Rate fixings (贷款市场报价利率). Example: qdledger lpr list", no_args_is_help=True)


@app.command("set")
@writes
def set_(
    month: Annotated[str, typer.Argument(metavar="YYYY-MM", help="Month of the fixing")],
    one_year: Annotated[str, typer.Option("--one-year", help="1-year LPR in percent, e.g. 3.00", show_default=False)],
    five_year: Annotated[str | None, typer.Option("--five-year", help="Over-5-year LPR in percent, e.g. 3.50")] = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record a published fixing (录入报价). Example: qdledger lpr set 2025-06 --one-year 3.00 --five-year 3.50"""
    from qdledger.reference.lpr import set_fixing

    run(as_json, lambda ledger: set_fixing(ledger, context(reference, idempotency_key, dry_run), month=month, one_year=one_year,
                                           five_year=five_year), _render_set)


@app.command("list")
def list_(as_json: opt.Json = False) -> None:
    """List the fixings in force by month (报价表). Example: qdledger lpr list --json"""
    from qdledger.reference.lpr import list_fixings

    run(as_json, list_fixings, _render_list)


def _render_set(result: dict) -> None:
    typer.echo(f"LPR {result['month']}: 1Y {result['one_year']}%" + (f", 5Y+ {result['five_year']}%" if result["five_year"] else ""))


def _render_list(result: dict) -> None:
    from qdledger.i18n import tr

    show_table(tr("LPR 报价（已知至 ", "LPR fixings (known through ") + result["known_through"] + ")",
               [tr("月份", "month"), tr("1年期 %", "1-year %"), tr("5年期以上 %", "over 5-year %"), tr("来源", "source")],
               [[f["month"], f["one_year"], f["five_year"], f["source"]] for f in result["fixings"]])
