"""Exits: the quote (writes nothing), the recorded exit (records exactly the quote), and the
sensitivity table over several prices and dates that shows where the concession grounds cross."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.equity import rules
from qdledger.equity.distribution import Distribution, Holding, exit_distribution
from qdledger.equity.events import EquityExited
from qdledger.equity.fund import load_fund
from qdledger.equity.lookup import concession_terms, investment_rules, open_position
from qdledger.equity.state import Position
from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.money import parse_amount
from qdledger.reference.lpr import rate_for_month

METHOD_ALIASES = {"回购": "buyback", "股东回购": "buyback", "转让": "transfer", "股权转让": "transfer",
                  "产权交易": "exchange", "清算": "liquidation", "清算解散": "liquidation"}


def lpr_lookup(ledger: Ledger, given: Fraction | None):
    """LPR by month: the one given (``--lpr``), else the reference table (refusing an unknown month)."""

    def lookup(month: str, tenor: str) -> tuple[Fraction, str]:
        if given is not None:
            return given, "--lpr"
        rate, fixing = rate_for_month(ledger, month, tenor)
        return rate, f"{fixing.source} {fixing.month}"

    return lookup


def parse_concession(text: str | None) -> str | int:
    """``max`` (the default) or an amount."""
    if text is None or text.strip().lower() == "max":
        return "max"
    return parse_amount(text, allow_zero=True)


def holding_of(position: Position) -> Holding:
    return Holding(position.principal, position.invested_on, position.maturity, tuple(position.dividends),
                   tuple(position.awards))


def distribution(uow: UnitOfWork, position: Position, day: date, proceeds: int, lpr: Fraction | None,
                 concession: str | int = "max") -> Distribution:
    """The one computation behind quote, exit and sensitivity; facts dated after ``day`` (awards,
    dividends) do not count, so a quote may look back as well as ahead."""
    return exit_distribution(concession_terms(position, day), holding_of(position), day, proceeds,
                             lpr_lookup(uow.ledger, lpr), concession)


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    """The distribution as the fact keeps it: numbers, rules and citations, no display language."""
    return {**body, "grounds": [{k: v for k, v in g.items() if k != "label"} for g in body["grounds"]]}


def not_before_facts(position: Position, day: date) -> None:
    """An exit closes the position, so it cannot be dated before anything already recorded on it."""
    last = position.last_fact_date()
    if day < last:
        raise BadInput(Text(f"退出日期 {day} 早于已记录的 {last} 事项", f"exit date {day} is before a fact recorded on {last}"),
                       field="date")


def quote_exit(ledger: Ledger, *, position_id: str, day: date, proceeds: int, lpr: Fraction | None = None,
               concession: str | int = "max") -> dict[str, Any]:
    """退出测算: the distribution an exit on ``day`` would record; writes nothing."""
    uow = ledger.read()
    party, position = open_position(uow, position_id, day)
    result = distribution(uow, position, day, proceeds, lpr, concession)
    return {"position": position_id, "enterprise": party.key, "date": day.isoformat(), **result.as_json(),
            "recorded": False}


def exit_position(ledger: Ledger, ctx: Context, **fields: Any) -> dict[str, Any]:
    return ledger.execute(ctx, exit_(**fields))


def exit_(*, position_id: str, day: date, proceeds: int, method: str, concession: str | int = "max",
          approval: str = "", lpr: Fraction | None = None) -> Command:
    """股权退出: record exactly the quoted distribution; the fund's receipts go to the revolving pool."""
    method = METHOD_ALIASES.get(method.strip(), method.strip())
    args = dict(position_id=position_id, day=day, proceeds=proceeds, method=method, concession=concession,
                approval=approval, lpr=str(lpr) if lpr is not None else None)

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        party, position = open_position(uow, position_id, day)
        not_before_facts(position, day)
        method_rule = rules.check_method(investment_rules(position), method)
        result = distribution(uow, position, day, proceeds, lpr, concession)
        body = result.as_json()
        approved_by = approval or ctx.reference
        party.record(EquityExited, position_id=position_id, method=method, approval=approved_by,
                     principal=result.principal, proceeds=proceeds, concession=result.concession,
                     fund_receives=result.fund_receives, distribution=_stored(body), policy_version=result.policy_version,
                     rules=[method_rule, *result.rules], **ctx.envelope(day))
        load_fund(uow).move("exit", position_id, party.key, result.fund_receives, -result.principal, **ctx.envelope(day))
        return {"position": position_id, "enterprise": party.key, "date": day.isoformat(), **body,
                "method": method, "approval": approved_by or None, "recorded": True}

    return Command("equity.exit", args, decide)
