"""qdledger report …: ledger-wide reports."""

from __future__ import annotations

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import run, show_table

app = typer.Typer(help="Reports (报表). Example: qdledger report trial-balance", no_args_is_help=True)


@app.command("trial-balance")
def trial_balance(as_json: opt.Json = False) -> None:
    """Trial balance of all postings; the total is always 0.00 (试算平衡表). Example: qdledger report trial-balance --json"""
    from qdledger.reports import trial_balance as build

    run(as_json, build, _render)


def _render(result: dict) -> None:
    from qdledger.i18n import tr
    from qdledger.labels import label
    from qdledger_cli.display import cell, fen_of, money_of_fen

    rows = [[a["account"], a["label"], cell("debit", a["debit"]), cell("credit", a["credit"])] for a in result["accounts"]]
    debit, credit = (sum(fen_of(a[side]) for a in result["accounts"]) for side in ("debit", "credit"))
    state = label("balance", "balanced" if debit == credit else "unbalanced")
    rows.append([tr("合计", "total"), state, money_of_fen(debit), money_of_fen(credit)])
    show_table(tr("试算平衡表", "Trial balance"), [tr("科目", "account"), tr("名称", "name"), tr("借方", "debit"), tr("贷方", "credit")], rows)
