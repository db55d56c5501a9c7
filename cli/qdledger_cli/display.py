"""How a value of a command's result reads in a table: chosen by its field, the same in every command.

Amounts (JSON strings in yuan) show as ``¥10,000,000.00``; amounts the policies state in 万元
(caps, budgets, headroom, awards, investments) add ``（1,000.00万元）``. Code words show their
label from :mod:`qdledger.labels`; a program shows its Chinese name with its id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qdledger.i18n import tr
from qdledger.labels import label, program_label, severity_label
from qdledger.money import show_wan, show_yuan

WAN = frozenset({"awarded", "disbursed", "ceiling_now", "available_now", "undisbursed_commitment", "released_commitment",
                 "net_disbursed", "recovered", "cancelled", "receivable", "ordered", "repaid", "outstanding", "project_budget",
                 "principal", "limit", "used", "remaining", "at_cost", "allowance"})
"""Amounts the policies speak of in 万元 (grants, their recovery, caps, investments): shown in yuan and in 万元."""

YUAN = frozenset({"entitlement", "already_granted", "payable", "paid", "amount", "premium", "fee", "dividends", "net_proceeds", "return", "benchmark",
                  "max_concession", "concession", "fund_receives", "buyer_receives", "ceiling", "balance",
                  "debit", "credit", "total"})
"""Amounts shown in yuan only."""

LABELLED = {"stage": "stage", "kind": "party_kind", "mode": "loan_mode", "recovery_basis": "recovery_basis",
            "return_basis": "return_basis", "program_kind": "program_kind", "rule_kind": "rule_kind",
            "movement": "pool_movement", "event": "event", "enhancer": "enhancer", "purchase": "purchase"}
"""Fields holding a code word, and the catalogue group that names it."""


def fen_of(value: str) -> int:
    """A JSON amount (``"4000000.00"``) in fen."""
    return int(Decimal(value) * 100)


def money(value: str | None, *, wan: bool = False, stacked: bool = False) -> str | None:
    """A JSON amount for people: ``¥4,000,000.00``, with ``（400.00万元）`` when ``wan`` (on a line of its own if ``stacked``)."""
    return None if value is None else money_of_fen(fen_of(value), wan=wan, stacked=stacked)


def money_of_fen(fen: int, *, wan: bool = False, stacked: bool = False) -> str:
    """An amount in fen for people, as :func:`money` shows it."""
    if not wan:
        return show_yuan(fen)
    return show_yuan(fen) + ("\n" if stacked else "") + f"（{show_wan(fen)}）"


def cell(field: str, value: Any, group: str | None = None, *, stacked: bool = False) -> Any:
    """A result's field as a table shows it; ``group`` names the catalogue of a code word (e.g. a status).

    ``stacked`` puts an amount's 万元 on a second line: for tables with many columns.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return yes_no(value)
    if group is not None:
        return label(group, value)
    if field in WAN:
        return money(value, wan=True, stacked=stacked)
    if field in YUAN:
        return money(value)
    if field == "program":
        return program_label(value)
    if field == "severity":
        return severity_label(value)
    if field == "object":
        return object_label(value)
    if field in LABELLED:
        return label(LABELLED[field], value)
    return value


def object_label(text: str) -> str:
    """A claim's object, ``loan:B``, with its kind named: ``贷款（loan:B）``."""
    kind = text.partition(":")[0]
    shown = label("object_kind", kind)
    return text if shown == kind else f"{shown}（{text}）"


def rows(view: dict[str, Any], spec: list[tuple], groups: dict[str, str] | None = None) -> list[tuple[str, Any]]:
    """``(field, 中文, English)`` triples → (label, shown value) rows of the fields present in ``view``."""
    groups = groups or {}
    return [(tr(zh, en), cell(key, view.get(key), groups.get(key))) for key, zh, en in spec if key in view]


CAP_HEADERS = (("上限", "limit"), ("已用", "used"), ("剩余", "remaining"), ("剩余（万元）", "remaining 万元"))


def cap_cells(cap: dict[str, Any]) -> list[Any]:
    """A cap's limit, used and remaining, then the remaining in 万元: money for a cap in yuan, counts with their unit."""
    if cap.get("unit") == "CNY":
        return [money(cap[k]) for k in ("limit", "used", "remaining")] + [show_wan(fen_of(cap["remaining"]))]
    return [f"{cap[k]} {cap['unit_label']}" for k in ("limit", "used", "remaining")] + [None]


def cap_headers() -> list[str]:
    return [tr(zh, en) for zh, en in CAP_HEADERS]


def scope(cap: dict[str, Any]) -> str:
    """A cap's scope as people read it: ``每家单位每年 2026``."""
    return cap["scope_label"] + (f" {cap['scope_key']}" if cap.get("scope_key") else "")


def yes_no(flag: bool) -> str:
    return label("yes_no", "yes" if flag else "no")
