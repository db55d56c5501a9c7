"""Batch import: every row checked first, every problem reported with its row, then all rows saved at once.

A row becomes the same command its CLI counterpart runs, under an idempotency key (the row's own,
or one derived from the file name and the row's content), so importing a file again records
nothing new, and a file cut short by a crash can simply be imported again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qdledger.errors import BadInput, LedgerError, NotPermitted, RuleViolation
from qdledger.i18n import Text
from qdledger.imports.kinds import ROW_KINDS
from qdledger.imports.reader import read_table
from qdledger.imports.rows import COMMON, RowKind
from qdledger.ledger.application import BatchRefused, Command, Context, Ledger

KEY_PREFIX = "import:"
REFUSALS = (RuleViolation.code, NotPermitted.code)
"""Problems that are refusals (exit 1) rather than bad input (exit 2)."""


@dataclass(frozen=True)
class PlannedRow:
    """A row that passed every check that needs no ledger: its number, kind, key and command."""

    row: int
    kind: str
    key: str
    command: Command
    reference: str


class ImportRefused(LedgerError):
    """Some rows of a file have problems; nothing of the file was written."""

    code = "batch_refused"

    def __init__(self, file: str, problems: list[dict[str, Any]]) -> None:
        self.problems = problems
        self.exit_code = 1 if problems and all(p["code"] in REFUSALS for p in problems) else 2
        rows = len({p["row"] for p in problems})
        super().__init__(Text(f"{file}：{rows} 行共 {len(problems)} 处问题", f"{file}: {len(problems)} problem(s) in {rows} row(s)"),
                         file=file, problems=problems)


def import_file(ledger: Ledger, ctx: Context, path: str | Path, *, encoding: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Check every row of a CSV/XLSX file, then record them all in one transaction (or nothing)."""
    path = Path(path)
    planned, problems = plan(path, encoding)
    items = [(Context(ctx.actor, row.reference or ctx.reference, row.key, ctx.dry_run or bool(problems)), row.command)
             for row in planned]
    total = len(items)
    try:
        results = ledger.execute_batch(items, (lambda done: progress(done, total)) if progress else None) if items else []
    except BatchRefused as refused:
        problems += [_problem(planned[i].row, planned[i].kind, e) for i, e in refused.problems]
    if problems:
        raise ImportRefused(path.name, sorted(problems, key=lambda p: p["row"]))
    replayed = [bool(r.get("replayed")) for r in results]
    rows = [{"row": p.row, "kind": p.kind, "idempotency_key": p.key, "replayed": again}
            for p, again in zip(planned, replayed)]
    explained = next((r for r in results if "would_record" in r), {})  # a dry run: the whole batch's events
    return {"file": path.name, "rows": total, "applied": replayed.count(False), "replayed": replayed.count(True),
            "by_kind": dict(Counter(p.kind for p in planned)), "dry_run": ctx.dry_run, "results": rows,
            **{k: explained[k] for k in ("would_record", "rules_applied") if k in explained}}


def plan(path: Path, encoding: str | None = None) -> tuple[list[PlannedRow], list[dict[str, Any]]]:
    """Parse and check every row without the ledger: the rows that passed, and every problem found."""
    header, body = read_table(path, encoding)
    problems = _header_problems(header)
    if not body:
        problems.append(_plain(2, None, None, Text("表头之后没有数据行", "there are no rows after the header")))
    if "kind" not in header:
        raise ImportRefused(path.name, problems)
    known = [name for name in header if name in _known_columns()]
    planned: list[PlannedRow] = []
    seen: Counter[str] = Counter()
    for number, cells in body:
        values = {name: cell for name, cell in zip(header, cells) if name in known}
        unnamed = [cell for name, cell in zip(header, cells) if not name] + cells[len(header):]
        if any(unnamed):
            problems.append(_plain(number, None, None, Text("本行在没有列名的列中有内容", "this row has a value in a column without a name")))
            continue
        row, found = _plan_row(path.name, number, values, seen)
        problems += found
        if row is not None:
            planned.append(row)
    return planned, problems


def _known_columns() -> set[str]:
    return {c.name for c in COMMON} | {c.name for kind in ROW_KINDS.values() for c in kind.columns}


def _header_problems(header: list[str]) -> list[dict[str, Any]]:
    known = _known_columns()
    problems = [_plain(1, name or "?", None, Text(f"未知的列 {name!r}（可用列见 import-template）",
                                                  f"unknown column {name!r} (see import-template for the columns)"))
                for name in header if name and name not in known]
    problems += [_plain(1, name, None, Text(f"列 {name} 出现了 {count} 次", f"column {name} appears {count} times"))
                 for name, count in Counter(header).items() if count > 1 and name]
    if "kind" not in header:
        problems.append(_plain(1, "kind", None, Text("缺少 kind 列（每行的类型）", "the kind column (each row's kind) is missing")))
    return problems


def _plan_row(file: str, number: int, values: dict[str, str], seen: Counter[str]) -> tuple[PlannedRow | None, list[dict[str, Any]]]:
    kind_name = values.get("kind", "")
    kind = ROW_KINDS.get(kind_name)
    if kind is None:
        return None, [_plain(number, "kind", kind_name or None, Text(
            f"未知的行类型 {kind_name!r}（可用：{', '.join(ROW_KINDS)}）", f"unknown row kind {kind_name!r} (known: {', '.join(ROW_KINDS)})"))]
    args, problems = _parse_cells(kind, number, values)
    if problems:
        return None, problems
    try:
        command = kind.build(**args)
    except LedgerError as error:
        return None, [_problem(number, kind.name, error)]
    key = values.get("idempotency_key") or _derived_key(file, kind, args, seen)
    return PlannedRow(number, kind.name, key, command, values.get("reference", "")), []


def _parse_cells(kind: RowKind, number: int, values: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    args: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    for name, cell in values.items():
        if cell and kind.column(name) is None and name not in {c.name for c in COMMON}:
            problems.append(_plain(number, name, kind.name, Text(f"{kind.name} 行不使用列 {name}，请留空", f"{kind.name} rows do not use column {name}; leave it empty")))
        elif cell and not _printable(cell):
            problems.append(_plain(number, name, kind.name, Text("含有无法识别的字符（编码错误或控制字符）", "holds undecodable or control characters")))
    for column in kind.columns:
        cell = values.get(column.name, "")
        if not cell:
            if column.required:
                problems.append(_plain(number, column.name, kind.name, Text(f"缺少必填列 {column.name}（{column.help.zh}）",
                                                                              f"required column {column.name} is empty ({column.help.en})")))
            continue
        try:
            args[column.argument or column.name] = column.parse(cell)
        except LedgerError as error:
            problems.append({**_problem(number, kind.name, error), "column": column.name})
    return args, problems


def _derived_key(file: str, kind: RowKind, args: dict[str, Any], seen: Counter[str]) -> str:
    """File name + kind + the row's parsed values (+ how many identical rows came before it)."""
    content = json.dumps({"file": file, "kind": kind.name, "args": args}, sort_keys=True, default=str, ensure_ascii=False)
    occurrence = seen[content]
    seen[content] += 1
    return KEY_PREFIX + hashlib.sha256(f"{content}#{occurrence}".encode()).hexdigest()[:32]


def _printable(text: str) -> bool:
    return not any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _problem(row: int, kind: str, error: LedgerError) -> dict[str, Any]:
    return {"row": row, "kind": kind, "column": error.details.get("field"), **error.as_dict()}


def _plain(row: int, column: str | None, kind: str | None, message: Text) -> dict[str, Any]:
    return _problem(row, kind or "", BadInput(message, field=column))
