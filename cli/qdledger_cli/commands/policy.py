"""qdledger policy …: the programs in force, with their rules and citations."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import run, show_fields, show_table

app = typer.Typer(help="Policies as data, with citations (政策规则). Example: qdledger policy list", no_args_is_help=True)


@app.command("list")
def list_(as_json: opt.Json = False) -> None:
    """List every program with its citation and validity window. Example: qdledger policy list --json"""
    from qdledger.policy.catalogue import list_programs

    run(as_json, lambda _: list_programs(), _render_list, needs_ledger=False)


@app.command("show")
def show(
    program: Annotated[str, typer.Argument(metavar="PROGRAM", help="Program id, e.g. sci_demo_project")],
    as_json: opt.Json = False,
) -> None:
    """Show one program: its rules, parameters and citations. Example: qdledger policy show sci_demo_project"""
    from qdledger.policy.catalogue import show_program

    run(as_json, lambda _: show_program(program), _render_one, needs_ledger=False)


def _render_list(result: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import cell

    show_table(tr("政策项目", "Programs"), [tr("编号", "id"), tr("名称", "name"), tr("类别", "kind"), tr("有效期", "valid"), tr("依据", "citation")],
               [[p["id"], p["name_zh"], cell("kind", p["kind"], "program_kind"), f"{p['valid_from']}—{p['valid_to'] or '…'}", p["citation"]]
                for p in result["policies"]])


def _render_one(p: dict) -> None:
    from qdledger.i18n import tr
    from qdledger.policy.catalogue import rule_words
    from qdledger_cli.display import cell

    show_fields(f"{p['id']} {p['name_zh']}", [(tr("类别", "kind"), cell("kind", p["kind"], "program_kind")), (tr("有效期", "valid"), f"{p['valid_from']}—{p['valid_to'] or '…'}"),
                                           (tr("依据", "citation"), p["citation"]), (tr("版本", "version"), p["version"])]
                + [(r["id"], f"{rule_words(r['id'])}\n{r['citation']}") for r in p["rules"]])
