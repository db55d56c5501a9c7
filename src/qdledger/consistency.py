"""Whole-ledger consistency: every aggregate replays, the books balance, no release ever passed its ceiling.

Run after anything that could have left the store half-written (a killed process, a restore) and
in the concurrency tests. Each check returns problems as plain sentences; an empty list means clean.
Further checks (the hash-chain ``verify``, a capability's own invariants) append to ``CHECKS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qdledger.errors import LedgerError
from qdledger.grants import rules
from qdledger.grants.events import GrantAwarded, TrancheReleased
from qdledger.ledger.application import Ledger
from qdledger.ledger.enterprise import Enterprise
from qdledger.policy.loader import policy_book
from qdledger.policy.model import ProjectCap
from qdledger.reports import balances


def check_ledger(ledger: Ledger) -> list[str]:
    """Every problem any registered check finds."""
    return [problem for check in CHECKS for problem in check(ledger)]


def aggregates_replay(ledger: Ledger) -> list[str]:
    """Every aggregate's events are numbered 1, 2, 3 … and rebuild its state without error."""
    versions: dict[Any, list[int]] = {}
    for _, event in ledger.all_events():
        versions.setdefault(event.originator_id, []).append(event.originator_version)
    problems = []
    for aggregate_id, seen in versions.items():
        if sorted(seen) != list(range(1, len(seen) + 1)):
            problems.append(f"aggregate {aggregate_id}: versions {sorted(seen)} are not 1..{len(seen)}")
            continue
        try:
            ledger.repository.get(aggregate_id)
        except Exception as exc:  # noqa: BLE001 - any failure to replay is the finding
            problems.append(f"aggregate {aggregate_id} does not replay: {type(exc).__name__}: {exc}")
    return problems


def books_balance(ledger: Ledger) -> list[str]:
    """The trial balance sums to zero."""
    total = sum(balances(ledger).values())
    return [] if total == 0 else [f"trial balance is off by {total} fen"]


def grants_within_rules(ledger: Ledger) -> list[str]:
    """Replaying each party in recorded order, every release and award passes the check it passed when recorded."""
    problems = []
    for aggregate_id in _party_ids(ledger):
        party = None
        for event in ledger.history_of(aggregate_id):
            problem = _recheck(party, event) if party is not None else None
            if problem:
                problems.append(problem)
            party = event.mutate(party)
    return problems


def _party_ids(ledger: Ledger) -> list[Any]:
    return [event.originator_id for _, event in ledger.all_events() if isinstance(event, Enterprise.Registered)]


def _recheck(party: Enterprise, event: Any) -> str | None:
    try:
        if isinstance(event, TrancheReleased):
            rules.check_within_ceiling(party.grants[event.grant_id], event.amount, event.business_date)
        elif isinstance(event, GrantAwarded):
            _recheck_award(party, event)
    except LedgerError as error:
        return f"party {party.key}, {type(event).__name__} of {event.grant_id} on {event.business_date}: {error.text.en}"
    return None


def _recheck_award(party: Enterprise, event: GrantAwarded) -> None:
    program = policy_book().in_force(event.program, event.business_date).program
    cap = program.rule_of_kind(ProjectCap)
    if cap:
        already = party.projects.get(event.project, {}).get("approved", 0)
        rules.check_project_cap(program, cap[0], cap[1], event.project_budget, already, event.amount)


CHECKS: list[Callable[[Ledger], list[str]]] = [aggregates_replay, books_balance, grants_within_rules]
"""Every whole-ledger check, in order; ``verify`` (tamper evidence) belongs here once it exists."""
