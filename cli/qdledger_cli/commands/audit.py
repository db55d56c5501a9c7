"""qdledger digest / verify: the tamper-evident chain, checked by anyone who kept a digest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.progress import events_recorded, progress
from qdledger_cli.runtime import run, say


def digest(
    out: Annotated[Path | None, typer.Option("--out", help="Also write POSITION:HEX to this file (to keep outside the system)")] = None,
    as_json: opt.Json = False,
) -> None:
    """Print the chain's position and digest, to keep outside the system (摘要). Example: qdledger digest --out kept-digest.txt"""
    from qdledger.audit.chain import current_digest

    def action(ledger):
        kept = current_digest(ledger).as_dict()
        if out is not None:
            out.write_text(f"{kept['position']}:{kept['digest']}\n", encoding="utf-8")
            return {**kept, "out": str(out)}
        return kept

    run(as_json, action, _render_digest)


def verify(
    digest_: Annotated[str | None, typer.Option("--digest", help="A digest printed earlier by `qdledger digest` (POSITION:HEX or HEX, or @FILE to read it from a file) that this history must contain")] = None,
    bundle: Annotated[Path | None, typer.Option("--bundle", help="Verify an auditor bundle (a folder or .zip made by `qdledger export bundle`) instead of the ledger; no database needed")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Check the chain (and digest) only; skip replay and invariant checks")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=64, show_default=False, help="Processes to replay the ledger with, each taking a share of its aggregates (default: 2 on a ledger of 20,000 events or more when the machine has two cores, else 1); 1 on a busy machine")] = None,
    as_json: opt.Json = False,
) -> None:
    """Recompute the chain, replay every aggregate, re-check every invariant; exit 1 naming the first bad position (核验). Example: qdledger verify --digest 1234:9f2c…"""
    def action(ledger):
        from qdledger.audit.chain import parse_digest

        wanted = parse_digest(_digest_text(digest_)) if digest_ else None
        if bundle is not None:
            from qdledger.audit.bundle import verify_bundle

            return verify_bundle(bundle, digest=wanted, quick=quick, progress_factory=progress)
        from qdledger.audit.verify import verify_ledger

        with progress("verify", events_recorded(ledger)) as advance:
            return verify_ledger(ledger, wanted, advance, replay=not quick, workers=workers).as_dict()

    run(as_json, action, _render_verify, needs_ledger=bundle is None, exit_code_of=lambda r: 0 if r["ok"] else 1)


def _digest_text(given: str) -> str:
    if not given.startswith("@"):
        return given
    from qdledger.errors import BadInput
    from qdledger.i18n import Text

    try:
        return Path(given[1:]).read_text(encoding="utf-8").strip()
    except OSError:
        raise BadInput(Text(f"无法读取摘要文件 {given[1:]}", f"cannot read the digest file {given[1:]}"), field="digest") from None


def _render_digest(result: dict) -> None:
    from qdledger.i18n import tr

    if "out" in result:
        say(tr(f"位置 {result['position']} 的摘要已写入 {result['out']}", f"digest at position {result['position']} written to {result['out']}"))
        return
    say(tr("位置", "position") + f" {result['position']}")
    say(tr("摘要", "digest") + f" {result['position']}:{result['digest']}")


def _show_checks(checks: list[dict]) -> None:
    from qdledger.audit.checks import describe
    from qdledger.i18n import tr
    from qdledger_cli.runtime import session, show_table

    if session.quiet:
        return
    rows = []
    for check in checks:
        text = describe(check["name"])
        rows.append([check["name"], text.render() if text else "—", str(check["problems"])])
    show_table(tr("已执行的检查", "Checks run"), [tr("检查", "check"), tr("内容", "what it looks at"), tr("问题", "problems")], rows)


def _render_verify(result: dict) -> None:
    from qdledger.i18n import tr

    if result["ok"]:
        say(tr(f"核验通过：{result['events']} 个事件，{result['aggregates']} 个聚合，链至位置 {result['position']}",
               f"verified: {result['events']} events, {result['aggregates']} aggregates, chain through position {result['position']}")
            + (tr("（含摘要）", " (digest matched)") if result["digest_matched"] else ""))
        _show_checks(result["checks"])
        return
    lines = [tr(f"核验未通过：首个问题位置 {result['first_bad_position']}", f"verification FAILED: first bad position {result['first_bad_position']}")]
    lines += [f"  [{p['check']}] " + (f"@{p['position']} " if p["position"] is not None else "") + p["message"] for p in result["problems"][:20]]
    if result["problem_count"] > 20:
        lines.append(tr(f"  …共 {result['problem_count']} 个问题", f"  … {result['problem_count']} problems in all"))
    typer.echo("\n".join(lines), err=False)
