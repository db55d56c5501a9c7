"""What a batch-file row is: a kind, its columns (each with a parser and help), and the command it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qdledger.dates import parse_date
from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.application import Command
from qdledger.money import parse_amount


def text(value: str) -> str:
    return value


def amount(value: str) -> int:
    return parse_amount(value)


def day(value: str) -> Any:
    return parse_date(value)


def choice(*options: str) -> Callable[[str], str]:
    """A parser accepting exactly one of ``options``."""

    def parse(value: str) -> str:
        if value not in options:
            raise BadInput(Text(f"应为 {'/'.join(options)} 之一，实为 {value!r}", f"must be one of {'/'.join(options)}, not {value!r}"))
        return value

    return parse


@dataclass(frozen=True)
class Column:
    """One column of a row kind: its header name, how to parse a cell, and what it means."""

    name: str
    help: Text
    parse: Callable[[str], Any] = text
    required: bool = True
    argument: str | None = None
    """The name of the command's argument it fills; default the column name."""


@dataclass(frozen=True)
class RowKind:
    """A kind of row (``release``, ``award`` …): its columns and the ledger command one row becomes."""

    name: str
    help: Text
    columns: tuple[Column, ...]
    build: Callable[..., Command]
    example: dict[str, str] = field(default_factory=dict)
    example_needs: Text | None = None
    """What must be recorded before the example row can be imported; None when the rows before it suffice."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


COMMON = (
    Column("kind", Text("行类型（见下）", "row kind (see below)")),
    Column("reference", Text("凭证号、合同号或文件号", "voucher, contract or decision number"), required=False),
    Column("idempotency_key", Text("幂等键：同一键重复导入不会重复记账；留空则由文件名与本行内容生成",
                                   "repeat-safe key: a row whose key was recorded before is not recorded again; "
                                   "empty means one derived from the file name and the row's content"), required=False),
)
"""Columns every file may have, whatever its rows' kinds."""
