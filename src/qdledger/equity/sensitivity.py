"""The sensitivity view (退出测算敏感性分析): the exit distribution over several net prices and exit
dates, with the exact prices and dates at which the concession grounds cross."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Any

from qdledger.dates import add_years, parse_date
from qdledger.equity.distribution import Distribution
from qdledger.equity.exits import distribution
from qdledger.equity.lookup import concession_terms, open_position
from qdledger.equity.state import Position
from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.ledger.application import Ledger
from qdledger.money import parse_amount, percent, round_half_up, yuan

MAX_ROWS = 400
_GROUPED_HEAD = re.compile(r"^\d{1,3}(,\d{3})*$")
_GROUP_TAIL = re.compile(r"^\d{3}(\D.*)?$")


def parse_amount_list(text: str) -> list[int]:
    """``1000万,1200万,1,600万`` → fen; a comma followed by three digits after a bare number is a
    thousands separator, any other comma separates amounts."""
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    merged: list[str] = []
    for part in parts:
        if merged and _GROUPED_HEAD.match(merged[-1]) and _GROUP_TAIL.match(part):
            merged[-1] += "," + part
        else:
            merged.append(part)
    return [parse_amount(p, allow_zero=True) for p in merged if p]


def parse_date_list(text: str) -> list[date]:
    return [parse_date(p) for p in text.replace("，", ",").split(",") if p.strip()]


def sensitivity(ledger: Ledger, *, position_id: str, days: list[date], proceeds: list[int],
                lpr: Fraction | None = None) -> dict[str, Any]:
    """Every (date, net proceeds) pair quoted at the maximum concession, and where the grounds cross."""
    if not days or not proceeds:
        raise BadInput(Text("至少给出一个日期和一个退出价格", "give at least one date and one price"), field="proceeds")
    if len(days) * len(proceeds) > MAX_ROWS:
        raise BadInput(Text(f"最多 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows"), field="proceeds")
    uow = ledger.read()
    party, position = open_position(uow, position_id, min(days))
    rows, crossings = [], []
    for day in sorted(set(days)):
        quotes = [distribution(uow, position, day, p, lpr) for p in sorted(set(proceeds))]
        rows += [_row(day, q) for q in quotes]
        crossings += _crossings(day, quotes[-1], concession_terms(position, day).combine[1].cap_share)
    names = list(dict.fromkeys(name for row in rows for name in row["ceilings"]))
    early = _early_dates(position, min(days))
    return {"position": position_id, "enterprise": party.key, "principal": yuan(position.principal),
            "maturity": position.maturity.isoformat(), "return_basis": rows[0]["return_basis"],
            "grounds": names, "rows": rows, "crossings": crossings, "early_exit_until": early,
            "ground_names": _ground_names(position, days, {*names, *(e["ground"] for e in early)})}


def _ground_names(position: Position, days: list[date], ids: set[str]) -> dict[str, str]:
    """Each ground shown, named as its policy words it, in the run's language."""
    names: dict[str, Text] = {}
    for day in sorted(set(days)):
        names.update(concession_terms(position, day).ground_names())
    return {key: names[key].render() if key in names else key for key in sorted(ids)}


def _row(day: date, q: Distribution) -> dict[str, Any]:
    return {"date": day.isoformat(), "net_proceeds": yuan(q.proceeds), "return": yuan(q.ret),
            "early_by_days": q.early_by_days, "lpr": percent(q.lpr), "benchmark": yuan(q.benchmark), "ceilings": {g.name: yuan(g.ceiling) for g in q.grounds},
            "chosen_ground": q.chosen.name if q.chosen else None, "concession": yuan(q.concession),
            "fund_receives": yuan(q.fund_receives), "buyer_receives": yuan(q.buyer_receives),
            "return_basis": q.basis}


def _crossings(day: date, q: Distribution, cap: Fraction) -> list[dict[str, Any]]:
    """Net prices at which, on ``day``, a gain begins, and where the chosen ground changes: the LPR
    ground begins to concede, then overtakes the highest fixed-share ground (R − benchmark = share × R)."""
    base = q.principal - q.distributions  # net proceeds at which the return is zero
    found = [{"date": day.isoformat(), "kind": "gain_from", "net_proceeds": yuan(base)}]
    bench = next((g for g in q.grounds if g.benchmark is not None), None)
    shares = [g for g in q.grounds if g.share is not None]
    top = max(shares, key=lambda g: g.share, default=None)
    if bench is None or (top is not None and top.share >= cap):
        return found  # no LPR ground, or a ground that concedes everything always wins
    if top is None:
        found.append({"date": day.isoformat(), "kind": "above_benchmark_from", "ground": bench.name,
                      "net_proceeds": yuan(base + bench.benchmark)})
        return found
    ret = _overtaking_return(bench.benchmark, top.share)
    found.append({"date": day.isoformat(), "kind": "overtakes", "ground": bench.name, "over": top.name,
                  "return": yuan(ret), "net_proceeds": yuan(ret + base)})
    return found


def _overtaking_return(benchmark: int, share: Fraction) -> int:
    """The least return (fen) at which R − benchmark exceeds the share ground's rounded ceiling; the
    gap only grows with R, so from there on the LPR ground is the one chosen."""
    ret = max(0, int(Fraction(benchmark) / (1 - share)) - 2)
    while ret - benchmark <= round_half_up(share * ret):
        ret += 1
    return ret


def _early_dates(position: Position, day: date) -> list[dict[str, Any]]:
    """The last exit date on which each early-exit ground still applies (D15)."""
    terms = concession_terms(position, day)
    return [{"ground": stem, "rule": rule_id, "exit_on_or_before": add_years(position.maturity, -rule.years).isoformat()}
            for stem, rule_id, rule in (*terms.shares, *terms.benchmarks)]
