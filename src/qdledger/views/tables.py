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
    Table("positions", "id", {"id": str, "enterprise": str, "principal_fen": int, "stake": str, "term_years": int,
                              "invested_on": str, "source": str, "project": str, "awards": int, "dividends_fen": int,
                              "exited_on": str, "method": str, "proceeds_fen": int, "concession_fen": int,
                              "fund_receives_fen": int}),
    Table("integrity_cases", "id", {"id": str, "party": str, "opened_on": str, "suspended": str, "severity": str,
                                    "decided_on": str, "ban_until": str, "suspended_days": int, "terminated": str,
                                    "repaired_on": str, "review": str}),
    Table("recoveries", "id", {"id": str, "grant_id": str, "enterprise": str, "case_id": str, "basis": str,
                               "ordered_on": str, "due_on": str, "ordered_fen": int, "repaid_fen": int,
                               "cancelled_fen": int, "refunded_fen": int}),
    Table("subsidies", "id", {"id": str, "enterprise": str, "program": str, "object": str, "claimed_on": str,
                              "entitlement_fen": int, "payable_fen": int, "paid_fen": int, "trimmed": int,
                              "policy_version": str}),
]
