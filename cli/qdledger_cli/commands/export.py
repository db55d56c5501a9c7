"""qdledger export …: statements, the whole ledger, and the auditor bundle, for use without qdledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.progress import events_recorded, progress
from qdledger_cli.runtime import run, say

app = typer.Typer(help="Exports for auditors: CSV, JSON, XLSX and the auditor bundle (导出). Example: qdledger export bundle audit-2025", no_args_is_help=True)
Format = Annotated[str, typer.Option("--format", help="csv (a folder of files), json or xlsx")]
Out = Annotated[Path, typer.Option("--out", help="File to write (a folder for csv)", show_default=False)]


@app.command("statement")
def statement(
    enterprise: Annotated[str, typer.Argument(metavar="ID", help="The party's id")],
    out: Out, fmt: Format = "xlsx", as_json: opt.Json = False,
) -> None:
    """A party's statement: its figures as `enterprise show` gives them and every fact with running totals (对账单). Example: qdledger export statement E001 --format xlsx --out E001.xlsx"""
    from qdledger.audit.exports import check_format, statement as build, statement_tables

    def action(ledger):
        check_format(fmt)
        data = build(ledger, enterprise)
        return {"enterprise": enterprise, "format": fmt, "files": _write(statement_tables(data), fmt, out),
                "lines": len(data["lines"]), "totals": data["totals"]}

    run(as_json, action, _render)


@app.command("ledger")
def ledger_(out: Out, fmt: Format = "xlsx", as_json: opt.Json = False) -> None:
    """The whole ledger: parties, grants, events, postings, trial balance (全账导出). Example: qdledger export ledger --format csv --out ledger-csv"""
    from qdledger.audit.exports import check_format, ledger_tables

    def action(ledger):
        check_format(fmt)
        with progress("export", events_recorded(ledger)) as advance:
            tables = ledger_tables(ledger, advance)
        return {"format": fmt, "files": _write(tables, fmt, out), "events": len(tables["events"]),
                "totals": {row["figure"]: row["amount"] for row in tables["totals"]}}

    run(as_json, action, _render)


@app.command("bundle")
def bundle(
    out: Annotated[Path, typer.Argument(metavar="PATH", help="A new folder, or a file ending in .zip")],
    as_json: opt.Json = False,
) -> None:
    """The auditor bundle: events, chain, digest, policies in force, a README on verifying it (审计包). Example: qdledger export bundle audit-2025"""
    from qdledger.audit.bundle import export_bundle

    def action(ledger):
        with progress("bundle", events_recorded(ledger)) as advance:
            return export_bundle(ledger, out, advance)

    run(as_json, action, _render)


def _write(tables: dict, fmt: str, out: Path) -> list[str]:
    from qdledger.audit.exports import rows_to_write, write

    with progress("write", rows_to_write(tables)) as advance:
        return write(tables, fmt, out, advance)


def _render(result: dict) -> None:
    from qdledger.i18n import tr

    if "bundle" in result:
        say(tr(f"审计包 {result['bundle']}：{result['events']} 个事件，至位置 {result['position']}（摘要见 digest.json）",
               f"bundle {result['bundle']}: {result['events']} events through position {result['position']} (digest in digest.json)"))
        return
    for path in result["files"]:
        say(tr("已写入 ", "wrote ") + path)
