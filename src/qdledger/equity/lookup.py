"""Finding a position and the policy versions it is judged by."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.equity.distribution import Terms
from qdledger.equity.state import Position, positions
from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.application import UnitOfWork
from qdledger.policy.loader import policy_book

PROGRAM = "sci_equity_investment"
CONCESSION = "equity_return_concession"


def open_position(uow: UnitOfWork, position_id: str, day: date) -> tuple[Any, Position]:
    """The investee and the position, refusing a date before the investment or a closed position."""
    party = uow.owner_of("position", position_id)
    position = positions(party)[position_id]
    if position.exited_on is not None:
        raise BadInput(Text(f"股权投资 {position_id} 已于 {position.exited_on} 退出", f"position {position_id} was exited on {position.exited_on}"),
                       field="position")
    if day < position.invested_on:
        raise BadInput(Text(f"日期 {day} 早于投资日期 {position.invested_on}", f"date {day} is before the investment date {position.invested_on}"),
                       field="date")
    return party, position


def investment_rules(position: Position) -> Any:
    """The investment rules the position was made under (the version in force on its date)."""
    return policy_book().in_force(PROGRAM, position.invested_on).program


def concession_terms(position: Position, day: date) -> Terms:
    """The concession rules an exit on ``day`` follows: by default those in force on the investment
    date (parameter ``terms_as_of``), else those in force on the exit date."""
    book = policy_book()
    version = book.in_force(CONCESSION, position.invested_on)
    if version.program.parameters.get("terms_as_of", "investment") == "exit":
        version = book.in_force(CONCESSION, day)
    return Terms.of(version.program, version.version)
