"""Bitemporal history of one entity: what happened by a business date, as known at a moment.

``as_of`` cuts by business date (业务日期): what had taken effect by then. ``known_at`` cuts by
recording time: what the ledger held at that moment, so a backdated correction recorded later
appears only once ``known_at`` reaches its recording. Events are listed by business date (then
by the order they were recorded), each with the rules that produced its amounts, its postings,
and the running totals after it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from qdledger.audit.decode import Decoder, collector_paused
from qdledger.audit.figures import Running, accounts_json, figures_json
from qdledger.audit.rows import event_store
from qdledger.errors import BadInput, UnknownId
from qdledger.i18n import Text
from qdledger.ledger.application import NOUNS, Ledger, _plain
from qdledger.ledger.events import LedgerEvent
from qdledger.ledger.handles import aggregate_id
from qdledger.money import yuan

ENTITY_KINDS = ("enterprise", "grant", "case", "position", "loan")
"""Kinds a bare id is looked up under, in this order, when it is not a party's id."""


def history(ledger: Ledger, entity: str, as_of: date | None = None, known_at: datetime | None = None) -> dict[str, Any]:
    with collector_paused():  # a long history builds thousands of small dicts and lists
        return _history(ledger, entity, as_of, known_at)


def _history(ledger: Ledger, entity: str, as_of: date | None, known_at: datetime | None) -> dict[str, Any]:
    kind, key = resolve_entity(ledger, entity)
    party = key if kind == "enterprise" else ledger.read().get(kind, key).owner
    events = entity_events(ledger, party, None if kind == "enterprise" else f"{kind}:{key}")
    late = recorded_late(events)
    shown = [(p, e) for p, e in events if (as_of is None or e.business_date <= as_of)
             and (known_at is None or e.timestamp <= known_at)]
    shown.sort(key=lambda pe: (pe[1].business_date, pe[0]))
    running = Running()
    totals = figures_json(running.figures())
    rows = []
    for position, event in shown:
        postings = event.postings()
        changed = running.post(postings)
        if changed:
            totals = {**totals, **{name: yuan(running.values[name]) for name in changed}}
        rows.append({**event_row(position, event, postings, totals), "recorded_late": position in late})
    return {"entity": f"{kind}:{key}", "party": party, "as_of": as_of.isoformat() if as_of else None,
            "known_at": known_at.isoformat() if known_at else None, "events": rows,
            "totals": figures_json(running.figures()), "accounts": accounts_json(running.balances())}


def recorded_late(events: list[tuple[int, LedgerEvent]]) -> set[int]:
    """Positions of facts dated before a fact recorded earlier: backdated entries an auditor should see."""
    late, latest = set(), None
    for position, event in sorted(events, key=lambda pe: pe[0]):
        if latest is not None and event.business_date < latest:
            late.add(position)
        latest = event.business_date if latest is None else max(latest, event.business_date)
    return late


def resolve_entity(ledger: Ledger, entity: str) -> tuple[str, str]:
    """``grant:G1`` as given; a bare id is a party's if one has it, else the one thing so named."""
    kind, sep, key = entity.strip().partition(":")
    if sep:
        if kind not in NOUNS or not key:
            raise BadInput(Text(f"无法识别的对象：{entity!r}（如 E001、grant:G1、case:C1、position:P1、loan:L1）",
                                f"unrecognised entity {entity!r} (e.g. E001, grant:G1, case:C1, position:P1, loan:L1)"), field="entity")
        if _exists(ledger, kind, key):
            return kind, key
        raise UnknownId(Text(f"未找到{NOUNS[kind].zh}：{key}", f"unknown {NOUNS[kind].en}: {key}"), id=key)
    key = kind
    if _exists(ledger, "enterprise", key):  # a party's id wins: no other kind need be looked up
        return "enterprise", key
    found = [k for k in ENTITY_KINDS if k != "enterprise" and _exists(ledger, k, key)]
    if not found:
        raise UnknownId(Text(f"未找到：{key}", f"nothing in the ledger is called {key}"), id=key)
    if len(found) > 1:
        raise BadInput(Text(f"{key} 有多种含义：{', '.join(f'{k}:{key}' for k in found)}，请写明",
                            f"{key} is ambiguous: {', '.join(f'{k}:{key}' for k in found)}; say which"), field="entity")
    return found[0], key


def _exists(ledger: Ledger, kind: str, key: str) -> bool:
    """Whether an id is taken, reading one stored event rather than the whole aggregate."""
    return bool(ledger.recorder.select_events(aggregate_id(kind, key), limit=1))


def entity_events(ledger: Ledger, party: str, entity: str | None) -> list[tuple[int, LedgerEvent]]:
    """The party's recorded facts with their ledger positions; only those of ``entity`` when given."""
    store = event_store(ledger)
    try:
        rows = store.rows_of(aggregate_id("enterprise", party))
    finally:
        store.close()
    decode = Decoder(ledger)
    events = [(row[0], decode(row)) for row in rows]
    return [(p, e) for p, e in events if isinstance(e, LedgerEvent) and (entity is None or entity in e.entity_keys())]


SCALARS = (str, int, bool, float, type(None))


def event_row(position: int, event: LedgerEvent, postings: list[tuple[str, int]], totals: dict[str, str | None]) -> dict[str, Any]:
    payload = event.payload()
    return {
        "position": position, "version": event.originator_version, "type": type(event).__name__,
        "business_date": event.business_date.isoformat(), "recorded_at": event.timestamp.isoformat(),
        "actor": event.actor, "reference": event.reference, "entities": list(event.entity_keys()),
        "rules": rules_of(payload), "policy_version": payload.get("policy_version"),
        "facts": {k: v if type(v) in SCALARS else _plain(v) for k, v in payload.items()},
        "postings": [{"account": account, "amount": yuan(fen)} for account, fen in postings],
        "totals": totals,
    }


def rules_of(payload: dict[str, Any]) -> list[str]:
    """The rule ids a fact names: ``rules``, ``rule`` and any ``…_rule`` field."""
    found: list[str] = []
    for key, value in payload.items():
        if "rule" in key and (key in ("rules", "rule", "rule_ids") or key.endswith("_rule")):
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, str) and item and item not in found:
                    found.append(item)
    return found
