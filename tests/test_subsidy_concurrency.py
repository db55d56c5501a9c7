"""Officers racing each other: concurrent claims can never both pass a cap or a quota."""

from __future__ import annotations

import threading
from fractions import Fraction

from qdledger.errors import ConcurrencyGaveUp, RuleViolation
from qdledger.ledger.storage import open_ledger
from qdledger.subsidies.state import book_of
from subsidy_helpers import claim, party, policy


def race(ledger_url, attempts):
    """Run each attempt in its own thread with its own connection; collect results and refusals."""
    results, refusals, failures, barrier = [], [], [], threading.Barrier(len(attempts), timeout=60)
    ledgers = [open_ledger(ledger_url) for _ in attempts]

    def run(attempt, ledger):
        try:
            barrier.wait()
            results.append(attempt(ledger))
        except (RuleViolation, ConcurrencyGaveUp) as refused:
            refusals.append(refused)
        except Exception as error:  # reported below, so the test fails with the cause
            failures.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(attempts, ledgers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for ledger in ledgers:
        ledger.close()
    assert not failures, failures
    return results, refusals


def test_concurrent_premium_claims_never_pass_the_enterprise_cap_together(ledger, ledger_url):
    party(ledger, "E1")
    for n in range(6):
        policy(ledger, f"P{n}", "E1", "8万", f"2025-0{n + 1}-01")
    attempts = [lambda l, n=n: claim(l, "qingkebao_premium_subsidy", "E1", f"insurance:P{n}", "2025-12-01") for n in range(6)]
    results, refusals = race(ledger_url, attempts)
    assert len(results) + len(refusals) == 6
    assert all(r.rule == "qingkebao_premium_subsidy.enterprise_cap" for r in refusals if isinstance(r, RuleViolation))
    stored = book_of(ledger.read().enterprise("E1")).claims.values()
    assert sum(c.payable for c in stored) <= 100_000_00
    assert sorted(int(Fraction(r["payable"]) * 100) for r in results) == sorted(c.payable for c in stored)


def test_concurrent_claims_of_one_district_never_take_more_than_its_quota(ledger, ledger_url):
    for n in range(4):
        party(ledger, f"S{n}", district="黄岛区", n=400 + n)
    attempts = [lambda l, n=n: claim(l, "scene_demo_award", f"S{n}", f"product:p{n}", "2025-03-01", base="300万") for n in range(4)]
    results, refusals = race(ledger_url, attempts)
    assert len(results) <= 2 and len(results) + len(refusals) == 4
    uow = ledger.read()
    approved = sum(len(book_of(uow.enterprise(f"S{n}")).claims) for n in range(4))
    assert approved == len(results) <= 2
