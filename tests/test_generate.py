"""The benchmark generator builds a valid, seeded ledger through the real application."""

from __future__ import annotations

from qdledger.bench.generate import Scale, generate, parties_for, plan_party
from qdledger.credit_code import validate_credit_code
from qdledger.ledger.handles import aggregate_id
from qdledger.reports import trial_balance

SMALL = Scale(events=3000, enterprises=40, batch=700)


def test_a_small_ledger_is_generated_without_a_refusal_and_balances(ledger):
    stats = generate(ledger, SMALL, progress=False)
    assert 2500 <= stats.events <= 3100
    assert stats.batches >= 4 and stats.commands > SMALL.enterprises
    assert trial_balance(ledger)["total"] == "0.00"
    assert stats.long_tail == ["E00001"]
    long_tail = ledger.repository.get(aggregate_id("enterprise", "E00001"))
    assert long_tail.version >= 900
    assert {"grant"} <= set(stats.samples)


def test_same_seed_same_plans_and_valid_unique_credit_codes():
    first, second = parties_for(SMALL), parties_for(SMALL)
    codes = [p.credit_code for p in first]
    assert len(set(codes)) == len(codes)
    assert all(validate_credit_code(code) == code for code in codes)
    for a, b in zip(first[:5], second[:5]):
        assert [(i.day, i.make.__name__, i.args) for i in plan_party(a, SMALL.seed)] == \
               [(i.day, i.make.__name__, i.args) for i in plan_party(b, SMALL.seed)]
