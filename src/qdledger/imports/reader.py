"""Reading a batch file (CSV or XLSX) into a header and numbered rows of trimmed text cells."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from qdledger.errors import BadInput
from qdledger.i18n import Text

ENCODINGS = ("utf-8-sig", "gb18030")
"""CSV encodings tried in order when none is given: UTF-8 (with or without BOM), then GB18030 (Excel on Chinese Windows)."""
MAX_BYTES = 64 * 1024 * 1024

Table = tuple[list[str], list[tuple[int, list[str]]]]
"""(header, [(row number as a spreadsheet shows it, cells)]); the header is row 1."""


def read_table(path: Path, encoding: str | None = None) -> Table:
    """The header and data rows of a CSV or XLSX file; blank rows are skipped, numbering is kept."""
    data = _read_bytes(path)
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, data)
    else:
        rows = _csv_rows(path, data, encoding)
    numbered = [(n, [_cell(v) for v in row]) for n, row in enumerate(rows, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise _bad(path, "文件为空", "the file is empty")
    (_, header), body = numbered[0], numbered[1:]
    return [h.lower() for h in header], body


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _bad(path, f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分", f"the file is larger than {MAX_BYTES // 1024 // 1024} MB; split it")
        return path.read_bytes()
    except FileNotFoundError:
        raise _bad(path, "文件不存在", "file not found") from None
    except OSError as exc:
        raise _bad(path, f"无法读取：{exc.strerror}", f"cannot be read: {exc.strerror}") from None


def _csv_rows(path: Path, data: bytes, encoding: str | None) -> list[list[str]]:
    text = _decode(path, data, encoding)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _bad(path, f"不是有效的 CSV：{exc}", f"not a valid CSV file: {exc}") from None


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    for name in (encoding,) if encoding else ENCODINGS:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    tried = encoding or " / ".join(ENCODINGS)
    raise _bad(path, f"无法按 {tried} 编码读取（请另存为 UTF-8 CSV）", f"cannot be decoded as {tried} (save it as UTF-8 CSV)")


def _xlsx_rows(path: Path, data: bytes) -> list[list[Any]]:
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged workbook
        raise _bad(path, f"不是可读取的 XLSX 文件（{type(exc).__name__}）", f"not a readable XLSX workbook ({type(exc).__name__})") from None


def _cell(value: Any) -> str:
    """A cell as the text a person would type: dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if value == value and abs(value) != float("inf") else repr(value)
    return str(value).strip()


def _bad(path: Path, zh: str, en: str) -> BadInput:
    return BadInput(Text(f"导入文件 {path.name}：{zh}", f"import file {path.name}: {en}"), field="file")
