"""Option types shared by commands, each with its help text."""

from __future__ import annotations

from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="Print exactly one JSON object on stdout / 输出 JSON")]
Date = Annotated[str, typer.Option("--date", help="Business date YYYY-MM-DD (业务日期)", show_default=False)]
Amount = Annotated[str, typer.Option("--amount", help="Amount: 4000000, 4,000,000.00 or 400万 (金额)", show_default=False)]
Reference = Annotated[str, typer.Option("--reference", help="Voucher, contract or decision number (凭证/文件号)")]
IdempotencyKey = Annotated[str | None, typer.Option("--idempotency-key", help="Repeat-safe key: a second run with the same key changes nothing (幂等键)")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Decide and show what would be recorded; write nothing (试算)")]
