"""qdledger demo: a realistic fund history on a fresh ledger, told step by step."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli.runtime import actor, fail, internal, session


def demo(
    ledger: Annotated[str | None, typer.Option("--ledger", help="Write the demo ledger here (a new file); default a temporary file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the steps as one JSON object")] = False,
) -> None:
    """Walk a realistic fund history: registrations, a staged grant, refusals explained, trial balance (演示). Example: qdledger demo"""
    import json

    from qdledger.errors import LedgerError

    location = ledger or (session.ledger if session.ledger_given else None)  # never $QDLEDGER_DB: a demo is fresh
    workdir = None if location else tempfile.TemporaryDirectory(prefix="qdledger-demo-")
    try:
        steps = _walk(location or str(Path(workdir.name) / "demo.db"), as_json)
    except LedgerError as error:
        fail(error, as_json)
    except Exception as error:  # noqa: BLE001 — a defect: reported without a traceback
        internal(error, as_json)
    finally:
        if workdir:
            workdir.cleanup()
    if as_json:
        typer.echo(json.dumps({"ledger": location, "steps": steps}, ensure_ascii=False, indent=2))


def _walk(location: str, as_json: bool) -> list[dict]:
    """Run the story on a new ledger, telling each step unless the output is JSON."""
    from qdledger.demo import run_demo
    from qdledger.errors import BadInput
    from qdledger.i18n import Text
    from qdledger.ledger.storage import open_ledger

    needs_new = BadInput(Text(f"演示需要新的账本；{location} 已有内容", f"the demo needs a new ledger; {location} is not empty"),
                         field="ledger")
    if Path(location).exists():
        raise needs_new
    app = open_ledger(location)
    try:
        if app.recorder.max_notification_id():
            raise needs_new
        steps = []
        for number, (step, result, refusal) in enumerate(run_demo(app, actor()), start=1):
            steps.append({"step": number, "title": step.title.render(), "result": result,
                          "refused": refusal.as_dict() if refusal else None})
            if not as_json:
                _tell(number, step, result, refusal)
        return steps
    finally:
        app.close()


def _told(step, result: dict) -> str | None:
    """The step's own sentence about its result, if it has one."""
    return step.tell(result).render() if step.tell else None


def _tell(number: int, step, result: dict | None, refusal) -> None:
    from qdledger.i18n import tr

    typer.secho(f"\n{number}. {step.title.render()}", bold=True)
    if refusal is not None:
        typer.secho("   " + tr("已拒绝，未写入任何内容", "Refused, nothing written") + f" [{refusal.rule}]: {refusal.message}",
                    fg="yellow")
        typer.echo("   " + tr("依据", "Citation") + f": {refusal.citation}")
        from qdledger_cli.explain import refusal_numbers

        if numbers := refusal_numbers(refusal.as_dict()):
            typer.echo("   " + numbers)
        if refusal.hint:
            typer.echo("   " + tr("如何通过", "To pass") + f": {refusal.hint.render()}")
        return
    lines = [step_text] if (step_text := _told(step, result)) else _lines(result)
    for line in lines:
        typer.echo("   " + line)


def _lines(result: dict) -> list[str]:
    """A step's result in a finance officer's words."""
    from qdledger.demo import money
    from qdledger.i18n import tr

    if "accounts" in result:
        width = max(_width(a["label"]) for a in result["accounts"])
        rows = [f"{_pad(a['label'], width)}  {tr('借', 'Dr')} {money(a, 'debit'):>18}  {tr('贷', 'Cr')} {money(a, 'credit'):>18}"
                for a in result["accounts"]]
        return rows + [tr(f"借贷差额合计 {money(result, 'total')}（恒为零）", f"debit minus credit: {money(result, 'total')} (always zero)")]
    if "program" in result:
        from qdledger.labels import label

        status = label("grant_status", result["status"])
        return [tr(f"批准 {money(result, 'awarded')}，已拨付 {money(result, 'disbursed')}，当前累计拨付上限 {money(result, 'ceiling_now')}"
                   f"（还可拨 {money(result, 'available_now')}），状态：{status}",
                   f"awarded {money(result, 'awarded')}, disbursed {money(result, 'disbursed')}, cumulative ceiling now "
                   f"{money(result, 'ceiling_now')} ({money(result, 'available_now')} more can be released), status: {status}")]
    if "credit_code" in result:
        return [tr(f"{result['id']} {result['name']}，统一社会信用代码 {result['credit_code']}，{result['district']}",
                   f"{result['id']} {result['name']}, credit code {result['credit_code']}, {result['district']}"),
                tr(f"立项资助 {money(result, 'awarded')}，已拨付 {money(result, 'disbursed')}，未拨付承诺 {money(result, 'undisbursed_commitment')}",
                   f"awarded {money(result, 'awarded')}, disbursed {money(result, 'disbursed')}, "
                   f"undisbursed commitment {money(result, 'undisbursed_commitment')}")]
    return [", ".join(f"{k}={v}" for k, v in result.items() if not isinstance(v, (list, dict)))]


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
