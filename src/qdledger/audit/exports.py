"""Exports an auditor opens without qdledger: an enterprise statement and the whole ledger,
as CSV (one file per table, UTF-8 with BOM so spreadsheet programs read the Chinese), JSON,
or XLSX (one sheet per table, money as numbers with two decimals). Totals are the ledger's own
views (the same functions ``enterprise show`` and ``grant show`` use) and the postings."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from qdledger.audit.figures import FIGURES, Running, figures_json
from qdledger.audit.history import history, rules_of
from qdledger.audit.replay import parties, replay_all
from qdledger.enterprises import enterprise_view, show_enterprise
from qdledger.errors import BadInput
from qdledger.grants.service import grant_view
from qdledger.i18n import Text
from qdledger.ledger.accounts import label
from qdledger.ledger.application import _plain
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.events import LedgerEvent
from qdledger.money import yuan

FORMATS = ("csv", "json", "xlsx")
MONEY_COLUMNS = {"amount", "debit", "credit", "balance", "awarded", "disbursed", "recovered", "receivable",
                 "undisbursed_commitment", "project_budget", "ceiling_now", "available_now",
                 *(f.name for f in FIGURES)}

Tables = dict[str, list[dict[str, Any]]]


def statement(ledger: Any, enterprise: str) -> dict[str, Any]:
    """One party: its view as ``enterprise show`` gives it, every fact with running totals, and totals."""
    view = show_enterprise(ledger, enterprise)
    past = history(ledger, enterprise)
    lines = [{"business_date": e["business_date"], "recorded_at": e["recorded_at"], "type": e["type"],
              "entities": " ".join(e["entities"]), "reference": e["reference"], "actor": e["actor"],
              "rules": " ".join(e["rules"]), **e["totals"]} for e in past["events"]]
    return {"enterprise": view, "lines": lines, "totals": past["totals"], "accounts": past["accounts"]}


def statement_tables(data: dict[str, Any]) -> Tables:
    view = {k: (" ".join(v) if isinstance(v, list) else v) for k, v in data["enterprise"].items()}
    return {"enterprise": [view], "lines": data["lines"],
            "totals": [{"figure": k, "amount": v} for k, v in data["totals"].items()],
            "accounts": data["accounts"]}


def ledger_tables(ledger: Any, progress: Callable[[int], None] | None = None) -> Tables:
    """The whole ledger: parties, grants, every event and posting, the trial balance."""
    events, postings = [], []
    running = Running()
    party_of: dict[Any, str] = {}

    def each(position: int, event: Any) -> None:
        if not isinstance(event, LedgerEvent):
            return
        if isinstance(event, Enterprise.Registered):
            party_of[event.originator_id] = event.key
        party = party_of.get(event.originator_id)
        payload = event.payload()
        events.append({"position": position, "type": type(event).__name__, "business_date": event.business_date.isoformat(),
                       "recorded_at": event.timestamp.isoformat(), "actor": event.actor, "reference": event.reference,
                       "party": party, "entities": " ".join(event.entity_keys()), "rules": " ".join(rules_of(payload)),
                       "facts": json.dumps({k: _plain(v) for k, v in payload.items()}, ensure_ascii=False)})
        lines = event.postings()
        running.post(lines)
        for line, (account, fen) in enumerate(lines):
            postings.append({"position": position, "line": line, "business_date": event.business_date.isoformat(),
                             "party": party, "entities": " ".join(event.entity_keys()), "account": account,
                             "label": label(account), "amount": yuan(fen)})

    aggregates = replay_all(ledger, progress, each)
    enterprises, grants = [], []
    for party in sorted(parties(aggregates), key=lambda p: p.key):
        enterprises.append({k: (" ".join(v) if isinstance(v, list) else v) for k, v in enterprise_view(party).items()})
        for grant_id in sorted(party.grants):
            view = grant_view(party.grants[grant_id], party)
            grants.append({k: v for k, v in view.items() if not isinstance(v, list)})
    balances = running.balances()
    trial = [{"account": a, "label": label(a), "debit": yuan(max(b, 0)), "credit": yuan(max(-b, 0)), "balance": yuan(b)}
             for a, b in balances.items()]
    trial.append({"account": "total", "label": "", "debit": yuan(sum(max(b, 0) for b in balances.values())),
                  "credit": yuan(sum(max(-b, 0) for b in balances.values())), "balance": yuan(sum(balances.values()))})
    return {"enterprises": enterprises, "grants": grants, "events": events, "postings": postings,
            "trial_balance": trial, "totals": [{"figure": k, "amount": v} for k, v in figures_json(running.figures()).items()]}


def write(tables: Tables, fmt: str, out: Path, progress: Callable[[int], None] | None = None) -> list[str]:
    """Write tables in a format; CSV makes a folder of files. Returns the files written.

    ``progress(n)`` is told of rows as they are written (``rows_to_write`` gives the total)."""
    check_format(fmt)
    out = Path(out)
    advance = progress or (lambda n: None)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(tables, ensure_ascii=False, indent=2), encoding="utf-8")
        advance(rows_to_write(tables))
        return [str(out)]
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, rows in tables.items():
            path = out / f"{name}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=_columns(rows))
                writer.writeheader()
                writer.writerows(rows)
            advance(len(rows))
            written.append(str(path))
        return written
    return [_xlsx(tables, out, advance)]


def rows_to_write(tables: Tables) -> int:
    return sum(len(rows) for rows in tables.values())


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput(Text(f"格式应为 {'/'.join(FORMATS)}", f"format must be one of {'/'.join(FORMATS)}"), field="format")


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


XLSX_PROGRESS_EVERY = 1_000  # rows between progress reports while a sheet is written


def _xlsx(tables: Tables, out: Path, advance: Callable[[int], None]) -> str:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = book.create_sheet(title=name[:31])
        columns = _columns(rows)
        sheet.append(columns)
        money = [c in MONEY_COLUMNS for c in columns]
        for done, row in enumerate(rows, 1):
            if done % XLSX_PROGRESS_EVERY == 0:
                advance(XLSX_PROGRESS_EVERY)
            cells = []
            for column, is_money in zip(columns, money):
                value = _cell(row.get(column), is_money)
                if isinstance(value, Decimal):
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = "#,##0.00"
                cells.append(value)
            sheet.append(cells)
        advance(len(rows) % XLSX_PROGRESS_EVERY)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return str(out)


def _cell(value: Any, is_money: bool) -> Any:
    if is_money and isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
