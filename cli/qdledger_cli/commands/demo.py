"""qdledger demo: a realistic fund history on a fresh ledger, told step by step."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli.runtime import actor, session


def demo(
    ledger: Annotated[str | None, typer.Option("--ledger", help="Write the demo ledger here (a new file); default a temporary file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the steps as one JSON object")] = False,
) -> None:
    """Walk a realistic fund history: registrations, a staged grant, refusals explained, trial balance (演示)."""
    import json

    from qdledger.demo import run_demo
    from qdledger.errors import LedgerError
    from qdledger.ledger.storage import open_ledger

    location = ledger or session.ledger
    if location and Path(location).exists():
        typer.echo(f"demo needs a new ledger; {location} already exists", err=True)
        raise typer.Exit(2)
    workdir = None
    if not location:
        workdir = tempfile.TemporaryDirectory(prefix="qdledger-demo-")
        location = str(Path(workdir.name) / "demo.db")
    app = open_ledger(location)
    steps = []
    try:
        for number, (step, result, refusal) in enumerate(run_demo(app, actor()), start=1):
            steps.append({"step": number, "title": step.title.render(), "result": result,
                          "refused": refusal.as_dict() if refusal else None})
            if not as_json:
                _tell(number, step.title.render(), result, refusal)
    except LedgerError as error:
        typer.echo(f"demo stopped: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        app.close()
        if workdir:
            workdir.cleanup()
    if as_json:
        typer.echo(json.dumps({"ledger": location if not workdir else None, "steps": steps}, ensure_ascii=False, indent=2))


def _tell(number: int, title: str, result: dict | None, refusal) -> None:
    from qdledger.i18n import tr

    typer.secho(f"\n{number}. {title}", bold=True)
    if refusal is not None:
        typer.secho("   " + tr("已拒绝", "Refused") + f" [{refusal.rule}]: {refusal.message}", fg="yellow")
        typer.echo("   " + tr("依据", "Citation") + f": {refusal.citation}")
        if refusal.hint:
            typer.echo("   " + tr("如何通过", "To pass") + f": {refusal.hint.render()}")
        return
    if "accounts" in result:
        for account in result["accounts"]:
            typer.echo(f"   {account['account']:<22} {account['label']:<28} {account['balance']:>16}")
        typer.echo("   " + tr("合计", "total") + f" {result['total']}")
    elif "awarded" in result and "program" in result:
        typer.echo("   " + tr(f"批准 {result['awarded']}，已拨 {result['disbursed']}，当前上限 {result['ceiling_now']}，状态 {result['status']}",
                              f"awarded {result['awarded']}, disbursed {result['disbursed']}, ceiling now {result['ceiling_now']}, status {result['status']}"))
    else:
        typer.echo("   " + ", ".join(f"{k}={v}" for k, v in result.items() if not isinstance(v, (list, dict))))
