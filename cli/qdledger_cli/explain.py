"""Human output around a write's result: the dry-run explanation, an idempotent repeat, a refusal's numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import typer

from qdledger.i18n import tr

SKIPPED_FIELDS = frozenset({"type", "business_date", "actor", "reference", "recorded_at", "postings", "rules",
                            "policy_version", "stages", "basis", "figures", "considered"})
"""Fields of a described event left out of the one-line summary (shown elsewhere, or too long)."""


def before_result(result: dict[str, Any], key: str | None) -> None:
    """What a person reads before the would-be or original state: the dry run, or the repeat, explained."""
    if result.get("replayed") is True:
        typer.echo(tr(f"已按幂等键 {key} 记录过，本次未重复写入；以下为原结果",
                      f"already recorded under idempotency key {key}; nothing written again — the original result:"))
    if not result.get("dry_run"):
        return
    typer.echo(tr("试算：未写入任何内容", "DRY RUN: nothing written"))
    events = [e for e in result.get("would_record") or [] if "business_date" in e]
    if events:
        _show_events(events)
        _show_postings(events)
    if result.get("rules_applied"):
        from qdledger_cli.runtime import show_table

        show_table(tr("适用的规则", "Rules applied"), [tr("规则", "rule"), tr("依据", "citation")],
                   [[r["rule"], r["citation"]] for r in result["rules_applied"]])
    if "would_record" in result and result.get("replayed") is not True:
        typer.echo(tr("试算后的状态（未写入）：", "State if recorded (not written):"))


def _show_events(events: list[dict[str, Any]]) -> None:
    from qdledger_cli.runtime import show_table

    rows = [[str(n), _event_name(e["type"]), e["business_date"], _key_fields(e)] for n, e in enumerate(events, 1)]
    show_table(tr("将记录的事件", "Events that would be recorded"),
               ["#", tr("事件", "event"), tr("业务日期", "date"), tr("要点", "key fields")], rows)


def _event_name(type_name: str) -> str:
    """The fact's name in the run's language, followed by its class name."""
    from qdledger.labels import label

    shown = label("event", type_name)
    return type_name if shown == type_name else f"{shown} ({type_name})"


def _key_fields(event: dict[str, Any]) -> str:
    from qdledger.labels import label
    from qdledger_cli.display import cell

    money = _money_fields(event["type"])
    shown = []
    for name, value in event.items():
        if name in SKIPPED_FIELDS or name.endswith(("rule", "citation")) or value in (None, "", [], {}) \
                or isinstance(value, (list, dict)):
            continue
        shown.append(f"{label('field', name)} {show_money(value) if name in money else cell(name, value)}")
    return "\n".join(shown) or "—"


def _money_fields(type_name: str) -> tuple[str, ...]:
    """The fen fields of an event class, found by its name among the classes loaded."""
    from qdledger.ledger.events import LedgerEvent

    pending = list(LedgerEvent.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__name__ == type_name:
            return tuple(cls.money_fields)
        pending.extend(cls.__subclasses__())
    return ()


def _show_postings(events: list[dict[str, Any]]) -> None:
    from qdledger.ledger.accounts import label
    from qdledger_cli.runtime import show_table

    rows = []
    for n, event in enumerate(events, 1):
        for account, amount in event.get("postings") or []:
            debit = Decimal(amount) > 0
            shown = show_money(amount.lstrip("-"))
            rows.append([str(n), label(account), shown if debit else "", "" if debit else shown])
    if rows:
        show_table(tr("将记录的分录", "Postings that would be recorded"),
                   ["#", tr("科目", "account"), tr("借方", "debit"), tr("贷方", "credit")], rows)


def show_money(amount: str) -> str:
    """A JSON yuan string ("4000000.00") as people read it: ¥4,000,000.00 (the tables' own formatter)."""
    from qdledger_cli.display import money

    return money(amount)


NUMBER_LABELS: dict[str, tuple[str, str, str]] = {
    "limit_percent": ("上限", "limit", "%"), "requested_percent": ("申请", "requested", "%"),
    "limit_years": ("上限", "limit", "years"), "requested_years": ("申请", "requested", "years"),
    "ban_years": ("禁止年限", "ban", "years"), "ban_years_min": ("最短", "minimum", "years"),
    "ban_years_max": ("最长", "maximum", "years"),
    "loan_years_limit": ("贴息年限上限", "loan-years limit", "years"),
    "loan_years_used": ("已贴息", "loan-years used", "years"),
    "loan_years_requested": ("本次", "requested", "years"),
    "count_limit": ("限", "limit", "count"), "count_used": ("已用", "used", "count"),
    "headroom": ("剩余额度", "headroom", "money"),
    "ban_from": ("禁止期自", "ban from", "date"), "ban_until": ("禁止期至（不含）", "ban until (excluded)", "date"),
    "requested_until": ("申请截止日", "requested end", "date"),
    "award_possible_from": ("可立项日期", "award possible from", "date"),
    "held_from": ("暂停受理自", "applications held from", "date"),
    "terminated_on": ("终止日期", "terminated on", "date"),
    "decided_on": ("处理决定日期", "decided on", "date"), "repair_on": ("修复日期", "repair dated", "date"),
    "valid_from": ("有效期自", "valid from", "date"), "valid_to": ("有效期至", "valid to", "date"),
    "measures": ("本次措施", "measures given", "items"), "allowed": ("允许的措施", "measures allowed", "items"),
    "open_grants": ("未结题项目", "open grants", "list"), "party_kind": ("主体类型", "party kind", "text"),
    "party_kinds": ("支持的主体类型", "kinds supported", "list"),
    "month": ("月份", "month", "text"), "known_through": ("已知至", "known through", "text"),
}
"""Numbers a refusal carries besides its money (limit, used, requested, excess), each with its unit."""

UNITS = {"years": ("年", " years"), "count": ("项", ""), "%": ("%", "%")}


def refusal_numbers(body: dict[str, Any]) -> str:
    """The refusal's numbers on one line: money as ¥ amounts, other figures in their own unit."""
    money = [(tr("上限", "limit"), body["limit"]), (tr("已用", "used"), body["used"]),
             (tr("申请", "requested"), body["requested"]), (tr("超出", "excess"), body["excess"])]
    shown = [f"{name} {show_money(value)}" for name, value in money if value is not None]
    for key, (zh, en, unit) in NUMBER_LABELS.items():
        value = body.get(key)
        if value is None:
            continue
        shown.append(f"{tr(zh, en)} {_in_unit(value, unit)}")
    return tr("，", ", ").join(shown)


def _in_unit(value: Any, unit: str) -> str:
    if unit == "money":
        return show_money(value)
    if unit == "list":
        return "、".join(map(str, value)) if value else "—"
    if unit == "items":  # measure items of Art. 12, coded as the article numbers them (五): shown as digits
        from qdledger.integrity.terms import numbered

        return tr(f"第 {numbered(value)} 项", f"items {numbered(value, ', ')}") if value else "—"
    if unit in UNITS:
        zh, en = UNITS[unit]
        return f"{value}{tr(zh, en)}"
    return str(value)
