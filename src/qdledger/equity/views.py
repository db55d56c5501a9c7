"""What people read about equity: one position, the positions list, the revolving pool over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.equity.fund import FUND_KEY, Fund
from qdledger.equity.state import Position, positions
from qdledger.ledger.application import Ledger
from qdledger.money import percent, yuan


def position_view(position: Position) -> dict[str, Any]:
    """One position: terms, cap table, awards, dividends, and its exit once recorded."""
    return {
        "id": position.position_id, "enterprise": position.enterprise, "principal": yuan(position.principal),
        "invested_on": position.invested_on.isoformat(), "stake": percent(position.stake),
        "largest_other": percent(position.largest_other), "term_years": position.term_years,
        "maturity": position.maturity.isoformat(), "special_approval": position.special_approval or None,
        "exceptions": list(position.exceptions), "discount": percent(position.discount),
        "project": position.project, "source": position.source, "policy_version": position.policy_version,
        "status": "open" if position.is_open else "exited",
        "awards": [{"level": a.level, "rank": a.rank, "date": a.day.isoformat(), "lead": a.lead} for a in position.awards],
        "dividends": yuan(position.dividends_total),
        "stake_changes": [{"date": d.isoformat(), "stake": percent(s), "largest_other": percent(o), "approval": a or None}
                          for d, s, o, a in position.stake_changes],
        "extensions": [{"date": d.isoformat(), "term_years": y, "approval": a or None} for d, y, a in position.extensions],
        "exited_on": position.exited_on.isoformat() if position.exited_on else None,
        "exit": position.exit,
    }


def show_position(ledger: Ledger, position_id: str) -> dict[str, Any]:
    party = ledger.read().owner_of("position", position_id)
    return position_view(positions(party)[position_id])


def _fund(ledger: Ledger) -> Fund | None:
    return ledger.read().get("fund", FUND_KEY)


def list_positions(ledger: Ledger, enterprise: str | None = None, status: str | None = None) -> dict[str, Any]:
    """Every position of the fund (or of one investee), with its state."""
    uow = ledger.read()
    fund = uow.get("fund", FUND_KEY)
    owners = sorted({owner for owner in (fund.positions.values() if fund else []) if enterprise in (None, owner)})
    rows = []
    for owner in owners:
        for position in positions(uow.enterprise(owner)).values():
            view = position_view(position)
            if status in (None, view["status"]):
                rows.append({k: view[k] for k in ("id", "enterprise", "principal", "invested_on", "stake", "maturity",
                                                  "status", "dividends", "exited_on")}
                            | {"fund_receives": (position.exit or {}).get("fund_receives"),
                               "concession": (position.exit or {}).get("concession")})
    open_cost = sum(p.principal for owner in owners for p in positions(uow.enterprise(owner)).values() if p.is_open)
    return {"positions": sorted(rows, key=lambda r: (r["invested_on"], r["id"])), "count": len(rows),
            "at_cost": yuan(open_cost)}


def pool_view(ledger: Ledger, as_of: date | None = None) -> dict[str, Any]:
    """The revolving pool over time: each movement in business-date order with the balance after it."""
    fund = _fund(ledger)
    rows = fund.pool_timeline() if fund else []
    day = as_of or date.max
    movements = [{"date": m[0].isoformat(), "kind": m[1], "position": m[2], "enterprise": m[3],
                  "amount": yuan(m[4]), "balance": yuan(balance)} for m, balance in rows if m[0] <= day]
    return {"as_of": as_of.isoformat() if as_of else None, "balance": yuan(fund.pool_balance(day) if fund else 0),
            "at_cost": yuan(fund.at_cost(day) if fund else 0), "movements": movements}


def extend_enterprise_view(party: Any, view: dict[str, Any]) -> None:
    """``enterprise show``: the fund's positions in this investee."""
    held = positions(party) if "equity" in party.sections else {}
    view["equity_invested"] = yuan(sum(p.principal for p in held.values()))
    view["equity_at_cost"] = yuan(sum(p.principal for p in held.values() if p.is_open))
    view["equity_positions"] = sorted(held)
