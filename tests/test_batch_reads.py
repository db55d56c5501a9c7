"""Reading ahead for a batch changes nothing a batch decides: same state, same refusals."""

from __future__ import annotations

from datetime import date

import pytest

from qdledger.enterprises import register
from qdledger.errors import AlreadyExists
from qdledger.grants.service import award, milestone_result, release, show_grant
from qdledger.ledger import bulk
from qdledger.ledger.application import BatchRefused, Context
from qdledger.ledger.handles import aggregate_id

CTX = Context(actor="officer")
D = date(2024, 12, 20)


def party(key: str, code: str):
    return register(key=key, name=f"青岛{key}科技有限公司", credit_code=code, district="崂山区", day=D)


def test_loaded_together_equals_loaded_one_by_one(ledger):
    ledger.execute_batch([(CTX, party("E1", "91370212MA3C5Y2K1H")), (CTX, party("E2", "91370282MA94XY3N5D"))])
    ledger.execute_batch([(CTX, award(grant_id="G1", enterprise="E1", program="sci_demo_project",
                                      project_budget=4_500_000_000, amount=1_000_000_000, day=D)),
                          (CTX, release(grant_id="G1", amount=400_000_000, day=date(2025, 1, 10))),
                          (CTX, milestone_result(grant_id="G1", milestone="midterm", result="passed", day=date(2026, 1, 15)))])
    ids = [aggregate_id("enterprise", "E1"), aggregate_id("enterprise", "E2"), aggregate_id("grant", "G1"),
           aggregate_id("enterprise", "nobody")]
    together = ledger.load_many(ids)
    assert set(together) == set(ids[:3])
    for aggregate_id_ in ids[:3]:
        alone = ledger.repository.get(aggregate_id_)
        assert together[aggregate_id_] == alone
        assert ledger.repository.get(aggregate_id_, projector_func=bulk.project) == alone
    assert show_grant(ledger, "G1")["disbursed"] == "4000000.00"


def test_ids_taken_in_the_same_batch_or_before_are_still_refused(ledger):
    ledger.execute(CTX, party("E1", "91370212MA3C5Y2K1H"))
    with pytest.raises(BatchRefused) as refused:
        ledger.execute_batch([(CTX, party("E2", "91370282MA94XY3N5D")), (CTX, party("E2", "91370282MA94XY3N5D")),
                              (CTX, party("E1", "91370212MA3C5Y2K1H"))])
    assert [index for index, _ in refused.value.problems] == [1, 2]
    assert all(isinstance(error, AlreadyExists) for _, error in refused.value.problems)
    assert ledger.load_many([aggregate_id("enterprise", "E2")]) == {}


def test_a_party_registered_earlier_in_the_batch_can_be_awarded(ledger):
    results = ledger.execute_batch([
        (CTX, party("E1", "91370212MA3C5Y2K1H")),
        (CTX, award(grant_id="G1", enterprise="E1", program="key_tech_project", project_budget=1_000_000_000,
                    amount=500_000_000, day=D)),
        (CTX, release(grant_id="G1", amount=500_000_000, day=D))])
    assert results[-1]["disbursed"] == "5000000.00"


def test_a_batch_whose_results_nobody_reads_records_the_same_and_builds_no_view(ledger):
    ledger.execute_batch([(CTX, party("E1", "91370212MA3C5Y2K1H"))])
    items = [(CTX, award(grant_id="G1", enterprise="E1", program="sci_demo_project",
                         project_budget=4_500_000_000, amount=1_000_000_000, day=D)),
             (CTX, release(grant_id="G1", amount=400_000_000, day=date(2025, 1, 10)))]
    assert ledger.execute_batch(items, results=False) == [None, None]
    assert show_grant(ledger, "G1")["disbursed"] == "4000000.00"
    reviewed = milestone_result(grant_id="G1", milestone="midterm", result="passed", day=date(2026, 1, 15))
    assert ledger.execute_batch([(CTX, reviewed)])[0]["ceiling_now"] == "8000000.00"
