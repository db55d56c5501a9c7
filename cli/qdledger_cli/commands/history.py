"""qdledger history ENTITY: every fact about a party, grant, case, position or loan, bitemporally."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import run, say, show_table


def history(
    entity: Annotated[str, typer.Argument(metavar="ENTITY", help="E001 (a party), grant:G1, case:C1, position:P1 or loan:L1")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD: facts in effect by then (default: all)")] = None,
    known_at: Annotated[str | None, typer.Option("--known-at", help="Recording time (ISO, e.g. 2025-03-01T09:30:00+08:00; a date means its end, UTC): what the ledger held then")] = None,
    as_json: opt.Json = False,
) -> None:
    """Show an entity's history with the rules behind each amount and running totals (历史). Example: qdledger history grant:G1 --as-of 2025-12-31"""
    from qdledger.audit.history import history as build
    from qdledger.dates import parse_date, parse_timestamp

    day = parse_date(as_of, "as_of") if as_of else None
    moment = parse_timestamp(known_at) if known_at else None
    run(as_json, lambda ledger: build(ledger, entity, day, moment), _render)


def _render(result: dict) -> None:
    from qdledger.audit.figures import FIGURES
    from qdledger.i18n import tr
    from qdledger_cli.display import cell, money

    labels = {f.name: f.label.render() for f in FIGURES}
    title = tr("历史", "History") + f" {result['entity']}" \
        + (tr(f"，业务日期截至 {result['as_of']}", f" as of {result['as_of']}") if result["as_of"] else "") \
        + (tr(f"，记录时点 {result['known_at']}", f" known at {result['known_at']}") if result["known_at"] else "")
    rows, before = [], {}
    for e in result["events"]:
        rows.append([e["business_date"] + (" *" if e["recorded_late"] else ""), cell("event", e["type"]), e["reference"] or "—",
                     _changes(before, e["totals"], labels) or "—", "\n".join(e["rules"]) or "—"])
        before = e["totals"]
    show_table(title, [tr("业务日期", "date"), tr("事件", "event"), tr("凭证", "reference"), tr("变动", "change"),
                       tr("规则", "rules")], rows)
    if any(e["recorded_late"] for e in result["events"]):
        say(tr("* 补记：记录时间晚于业务日期更晚的事实", "* recorded late: after a fact with a later business date"))
    show_table(tr("合计", "Totals"), [tr("项目", "figure"), tr("金额", "amount")],
               [[labels.get(k, k), money(v)] for k, v in result["totals"].items()])


def _changes(before: dict, after: dict, labels: dict[str, str]) -> str:
    """What an event moved: ``立项资助 +¥10,000,000.00``, one figure a line."""
    from qdledger_cli.display import fen_of, money_of_fen

    moved = []
    for name, value in after.items():
        delta = fen_of(value) - fen_of(before.get(name, "0"))
        if delta:
            moved.append(f"{labels.get(name, name)} {'+' if delta > 0 else ''}{money_of_fen(delta)}")
    return "\n".join(moved)
