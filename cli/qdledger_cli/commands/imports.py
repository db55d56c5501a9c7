"""qdledger import FILE and import-template KIND: batch files of releases, awards, milestones, registrations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.progress import progress_of
from qdledger_cli.runtime import context, run, say, writes

File = Annotated[Path, typer.Argument(metavar="FILE", help="CSV (UTF-8 or GB18030) or XLSX file; row 1 is the header", show_default=False)]
Encoding = Annotated[str | None, typer.Option("--encoding", help="CSV encoding, e.g. utf-8 or gb18030; default: try UTF-8, then GB18030")]
Kind = Annotated[str, typer.Argument(metavar="KIND", help="Row kind (enterprise, award, release, milestone …) or all", show_default=False)]


@writes
def import_file(
    file: File,
    encoding: Encoding = None,
    reference: Annotated[str, typer.Option("--reference", help="Voucher for rows whose reference column is empty (凭证/文件号)")] = "",
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Import a batch file: check every row, report every problem by row, then record all rows at once or none (批量导入). Re-importing a file records nothing new. Example: qdledger import releases.csv"""
    from qdledger.imports.service import import_file as apply

    def action(ledger):
        with progress_of("import") as tick:
            return apply(ledger, context(reference, None, dry_run), file, encoding=encoding, progress=tick)

    run(as_json, action, _render)


def import_template(
    kind: Kind,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write the template to this file (default: CSV on stdout)")] = None,
    as_json: opt.Json = False,
) -> None:
    """Write a template for batch files: the header and one example row per kind, and list the columns (导入模板). Example: qdledger import-template release --out releases.csv"""
    from qdledger.errors import BadInput
    from qdledger.i18n import Text
    from qdledger.imports.template import chosen_kinds, describe_kinds, template_csv, template_xlsx

    def action(_ledger):
        kinds = chosen_kinds(kind)
        if fmt not in ("csv", "xlsx"):
            raise BadInput(Text("--format 应为 csv 或 xlsx", "--format must be csv or xlsx"), field="format")
        if fmt == "xlsx" and out is None:
            raise BadInput(Text("xlsx 模板需要 --out 文件", "an xlsx template needs --out FILE"), field="out")
        text = template_csv(kinds)
        if out is not None:
            _write(out, template_xlsx(kinds) if fmt == "xlsx" else text.encode("utf-8"))
        return {"kinds": describe_kinds(kinds), "format": fmt, "out": str(out) if out else None, "csv": text}

    run(as_json, action, lambda result: _render_template(result), needs_ledger=False)


def _write(path: Path, data: bytes) -> None:
    from qdledger.errors import BadInput
    from qdledger.i18n import Text

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(Text(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}"), field="out") from None


def _render(result: dict) -> None:
    from qdledger.i18n import tr

    kinds = ", ".join(f"{k} {n}" for k, n in result["by_kind"].items()) or "-"
    if result["dry_run"]:
        say(tr(f"已检查 {result['file']} 共 {result['rows']} 行（{kinds}）：可写入 {result['applied']} 行，已记录过 {result['replayed']} 行；试算，未写入",
               f"Checked {result['rows']} rows of {result['file']} ({kinds}): {result['applied']} would be recorded, "
               f"{result['replayed']} were recorded before; dry run, nothing written"))
        return
    say(tr(f"已导入 {result['file']} 共 {result['rows']} 行（{kinds}）：新记录 {result['applied']} 行，此前已记录 {result['replayed']} 行",
           f"Imported {result['rows']} rows of {result['file']} ({kinds}): {result['applied']} recorded, "
           f"{result['replayed']} were recorded before"))


def _render_template(result: dict) -> None:
    from qdledger.i18n import tr

    if result["out"] is None:
        typer.echo(result["csv"], nl=False)
        return
    say(tr(f"模板已写入 {result['out']}", f"Template written to {result['out']}"))
