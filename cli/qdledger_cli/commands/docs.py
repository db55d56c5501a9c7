"""qdledger docs …: regenerate the pages in docs/ that are made from code and policy data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import run

app = typer.Typer(help="Generate documentation pages from the code and policies (生成文档). Example: qdledger docs cli --out docs/cli-reference.md", no_args_is_help=True)
Out = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout")]


def _emit(page: str, build: Callable[[], str], out: Path | None, as_json: bool) -> None:
    """Print the page, or write it to ``out``; with --json, say what was made."""

    def make(_: object) -> dict:
        text = build()
        if out:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as error:
                from qdledger.errors import BadInput
                from qdledger.i18n import Text

                raise BadInput(Text(f"无法写入 {out}：{error.strerror}", f"cannot write {out}: {error.strerror}"),
                               field="out") from None
        return {"page": page, "written": str(out) if out else None, "markdown": None if out else text}

    run(as_json, make, lambda result: None if out else typer.echo(result["markdown"]), needs_ledger=False)


@app.command("policies")
def policies(out: Out = None, as_json: opt.Json = False) -> None:
    """The policy catalogue (docs/policy-catalogue.md). Example: qdledger docs policies --out docs/policy-catalogue.md"""
    from qdledger.policy.catalogue import catalogue_markdown

    _emit("docs/policy-catalogue.md", catalogue_markdown, out, as_json)


@app.command("cli")
def cli(out: Out = None, as_json: opt.Json = False) -> None:
    """The CLI reference (docs/cli-reference.md), from every command's --help. Example: qdledger docs cli --out docs/cli-reference.md"""
    from qdledger_cli.reference import cli_reference

    _emit("docs/cli-reference.md", cli_reference, out, as_json)


@app.command("events")
def events(out: Out = None, as_json: opt.Json = False) -> None:
    """The event catalogue (docs/events.md): every fact, its fields and postings. Example: qdledger docs events --out docs/events.md"""
    from qdledger.ledger.catalogue import events_markdown

    _emit("docs/events.md", events_markdown, out, as_json)



@app.command("import-columns")
def import_columns(out: Out = None, as_json: opt.Json = False) -> None:
    """The column format of batch files, for docs/operations.md. Example: qdledger docs import-columns"""
    from qdledger.imports.template import column_reference

    _emit("docs/operations.md (columns)", column_reference, out, as_json)
