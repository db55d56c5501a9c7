"""Templates and the column reference for batch files, made from the row-kind registry so they cannot drift."""

from __future__ import annotations

import csv
import io
from typing import Any

from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.imports.kinds import ROW_KINDS
from qdledger.imports.rows import COMMON, RowKind


def chosen_kinds(name: str) -> list[RowKind]:
    """One kind by name, or for ``all`` every kind whose example the rows before it make importable."""
    if name == "all":
        return [kind for kind in ROW_KINDS.values() if kind.example_needs is None]
    if name not in ROW_KINDS:
        raise BadInput(Text(f"未知的行类型 {name!r}（可用：all, {', '.join(ROW_KINDS)}）",
                            f"unknown row kind {name!r} (known: all, {', '.join(ROW_KINDS)})"), field="kind")
    return [ROW_KINDS[name]]


def header(kinds: list[RowKind]) -> list[str]:
    """``kind``, then each kind's columns in order (shared columns once), then reference and idempotency_key."""
    names = ["kind"]
    for kind in kinds:
        names += [c.name for c in kind.columns if c.name not in names]
    return names + [c.name for c in COMMON if c.name not in names]


def example_rows(kinds: list[RowKind]) -> list[list[str]]:
    names = header(kinds)
    return [[kind.name if n == "kind" else kind.example.get(n, "") for n in names] for kind in kinds]


def template_csv(kinds: list[RowKind]) -> str:
    """A UTF-8 CSV: the header and one example row per kind (a file ``import`` accepts as it is)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(kinds))
    writer.writerows(example_rows(kinds))
    return out.getvalue()


def template_xlsx(kinds: list[RowKind]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "import"
    sheet.append(header(kinds))
    for row in example_rows(kinds):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def describe_kinds(kinds: list[RowKind]) -> list[dict[str, Any]]:
    """Each kind with its columns, whether required, and their help, for --json and the docs."""
    return [{"kind": k.name, "help": k.help.render(),
             "columns": [{"name": c.name, "required": c.required, "help": c.help.render()} for c in k.columns]}
            for k in kinds]


def column_reference() -> str:
    """The column format as Markdown (English), for docs/operations.md."""
    lines = ["Every file: " + "; ".join(f"`{c.name}` ({'required' if c.required else 'optional'}): {_cell(c.help.en)}"
                                       for c in COMMON) + "."]
    for kind in ROW_KINDS.values():
        needs = f" The example needs, first: {kind.example_needs.en}." if kind.example_needs else ""
        lines += ["", f"`{kind.name}`: {kind.help.en}.{needs}", "", "| column | required | meaning | example |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {'yes' if c.required else 'no'} | {_cell(c.help.en)} | {kind.example.get(c.name, '')} |"
                  for c in kind.columns]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
