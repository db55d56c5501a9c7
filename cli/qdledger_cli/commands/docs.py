"""qdledger docs …: regenerate the pages in docs/ that are made from code and policy data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Generate documentation pages from the code and policies (生成文档)", no_args_is_help=True)
Out = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout")]


def _emit(text: str, out: Path | None) -> None:
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text)


@app.command("policies")
def policies(out: Out = None) -> None:
    """The policy catalogue (docs/policy-catalogue.md). Example: qdledger docs policies --out docs/policy-catalogue.md"""
    from qdledger.policy.catalogue import catalogue_markdown

    _emit(catalogue_markdown(), out)


@app.command("cli")
def cli(out: Out = None) -> None:
    """The CLI reference (docs/cli-reference.md), from every command's --help. Example: qdledger docs cli --out docs/cli-reference.md"""
    from qdledger_cli.reference import cli_reference

    _emit(cli_reference(), out)


@app.command("import-columns")
def import_columns(out: Out = None) -> None:
    """The column format of batch files, for docs/operations.md. Example: qdledger docs import-columns"""
    from qdledger.imports.template import column_reference

    _emit(column_reference(), out)
