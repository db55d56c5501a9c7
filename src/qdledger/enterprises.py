"""Registering parties and showing what the ledger holds about them."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.credit_code import validate_credit_code
from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.enterprise import PARTY_KINDS, Enterprise
from qdledger.ledger.handles import check_key
from qdledger.money import yuan

VIEW_EXTENSIONS: list = []
"""Functions ``extend(party, view)`` that add a capability's figures to ``enterprise show``."""


def register_enterprise(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, register(**fields))


def register(*, key: str, name: str, credit_code: str, district: str, kind: str = "enterprise",
             day: date) -> Command:
    """Register a party under its own id, once, with a valid 统一社会信用代码."""
    key = check_key(key.strip())
    if kind not in PARTY_KINDS:
        raise BadInput(Text(f"主体类型应为 {'/'.join(PARTY_KINDS)} 之一", f"kind must be one of {'/'.join(PARTY_KINDS)}"), field="kind")
    if not name.strip() or not district.strip():
        raise BadInput(Text("名称和所在区（市）不能为空", "name and district are required"), field="name")
    code = validate_credit_code(credit_code)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        uow.claim("enterprise", key, key)
        uow.claim("uscc", code, key)
        party = uow.add(Enterprise.register(key=key, name=name.strip(), credit_code=code, district=district.strip(),
                                            party_kind=kind, **ctx.envelope(day)))
        return enterprise_view(party)

    return Command("enterprise.register", dict(key=key, name=name, credit_code=code, district=district,
                                               kind=kind, day=day), decide,
                   reads=(("enterprise", key), ("uscc", code)))


def show_enterprise(ledger: Ledger, key: str) -> dict[str, Any]:
    return enterprise_view(ledger.read().enterprise(key))


def enterprise_view(party: Enterprise) -> dict[str, Any]:
    """The contract's enterprise JSON: id, name, awarded, disbursed, recovered, receivable, banned_until …"""
    grants = party.grants.values()
    view = {
        "id": party.key, "name": party.name, "credit_code": party.credit_code, "district": party.district,
        "kind": party.party_kind, "registered_on": party.registered_on.isoformat(),
        "awarded": yuan(sum(g.awarded for g in grants)), "disbursed": yuan(sum(g.disbursed for g in grants)),
        "undisbursed_commitment": yuan(sum(g.undisbursed for g in grants)),
        "recovered": yuan(sum(g.recovered for g in grants)), "cancelled": yuan(sum(g.cancelled for g in grants)),
        "receivable": yuan(sum(g.receivable for g in grants)),
        "banned_until": None,
        "grants": sorted(party.grants),
    }
    for extend in VIEW_EXTENSIONS:
        extend(party, view)
    return view

