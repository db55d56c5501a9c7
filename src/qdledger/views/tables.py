"""The read-model tables: name, primary key and columns (money always integer fen, ``*_fen``).

A capability adds its tables with ``TABLES.append(Table(...))`` and its projectors in
``projectors.PROJECTORS``; ``qdledger rebuild`` then builds them from the whole log.
"""

from __future__ import annotations

from dataclasses import dataclass

from qdledger.audit.figures import FIGURES


@dataclass(frozen=True)
class Table:
    name: str
    pk: str | tuple[str, ...]
    columns: dict[str, type]


def enterprise_columns() -> dict[str, type]:
    base = {"id": str, "aggregate_id": str, "name": str, "credit_code": str, "district": str, "kind": str,
            "registered_on": str}
    return {**base, **{f"{figure.name}_fen": int for figure in FIGURES}}


TABLES: list[Table] = [
    Table("events", "position", {"position": int, "aggregate_id": str, "version": int, "type": str, "topic": str,
                                 "party": str, "entities": str, "business_date": str, "recorded_at": str,
                                 "actor": str, "reference": str, "state": str}),
    Table("postings", ("position", "line"), {"position": int, "line": int, "account": str, "fen": int,
                                             "business_date": str, "party": str, "entity": str}),
    Table("trial_balance", "account", {"account": str, "label_zh": str, "label_en": str, "debit_fen": int,
                                       "credit_fen": int, "balance_fen": int}),
    Table("enterprises", "id", enterprise_columns()),
    Table("grants", "id", {"id": str, "enterprise": str, "program": str, "policy_version": str, "project": str,
                           "project_budget_fen": int, "awarded_fen": int, "disbursed_fen": int, "releases": int,
                           "award_date": str, "midterm": str, "acceptance": str}),
    Table("tranches", "position", {"position": int, "grant_id": str, "enterprise": str, "business_date": str,
                                   "amount_fen": int, "stage": str, "recorded_at": str, "actor": str, "reference": str}),
]
