"""History by business date and by recording time (bitemporal), with the rules and running totals."""

from __future__ import annotations

from datetime import datetime

import pytest

from auditkit import CTX, D, small_history
from qdledger.audit.history import history
from qdledger.enterprises import show_enterprise
from qdledger.errors import BadInput, UnknownId
from qdledger.enterprises import register_enterprise
from qdledger.grants.service import award_grant, release_tranche


def test_a_party_history_lists_every_fact_in_business_date_order_with_totals(ledger):
    small_history(ledger)
    result = history(ledger, "E001")
    assert [e["type"] for e in result["events"]] == [
        "Registered", "GrantAwarded", "TrancheReleased", "MilestoneRecorded", "TrancheReleased"]
    assert [e["business_date"] for e in result["events"]] == sorted(e["business_date"] for e in result["events"])
    shown = show_enterprise(ledger, "E001")
    assert result["totals"]["awarded"] == shown["awarded"] == "10000000.00"
    assert result["totals"]["disbursed"] == shown["disbursed"] == "8000000.00"
    assert [e["totals"]["disbursed"] for e in result["events"]] == ["0.00", "0.00", "4000000.00", "4000000.00", "8000000.00"]
    award = result["events"][1]
    assert award["rules"] == ["sci_demo_project.staging", "sci_demo_project.project_cap"]
    assert award["policy_version"].startswith("sci_demo_project@2024-09-14#")
    assert award["actor"] == "officer" and award["reference"] == "V-1"
    assert {p["account"]: p["amount"] for p in award["postings"]} == {
        "budget:obligated": "10000000.00", "grants:payable": "-10000000.00"}


def test_a_grant_history_holds_only_that_grant(ledger):
    small_history(ledger)
    for entity in ("grant:G1", "G1"):
        result = history(ledger, entity)
        assert result["entity"] == "grant:G1" and result["party"] == "E001"
        assert [e["type"] for e in result["events"]] == ["GrantAwarded", "TrancheReleased", "MilestoneRecorded", "TrancheReleased"]


def test_as_of_cuts_by_business_date(ledger):
    small_history(ledger)
    result = history(ledger, "grant:G1", as_of=D("2025-12-31"))
    assert [e["business_date"] for e in result["events"]] == ["2024-12-20", "2025-01-10"]
    assert result["totals"]["disbursed"] == "4000000.00"


def test_known_at_shows_a_backdated_fact_only_once_it_was_recorded(ledger):
    register_enterprise(ledger, CTX, key="E001", name="青岛海研智能装备有限公司", credit_code="91370212MA3C5Y2K1H",
                        district="崂山区", day=D("2024-11-01"))
    award_grant(ledger, CTX, grant_id="G1", enterprise="E001", program="sci_demo_project",
                project_budget=45_000_000_00, amount=10_000_000_00, day=D("2024-12-20"))
    release_tranche(ledger, CTX, grant_id="G1", amount=3_000_000_00, day=D("2025-01-10"))
    last_known = max(datetime.fromisoformat(e["recorded_at"]) for e in history(ledger, "grant:G1")["events"])
    release_tranche(ledger, CTX, grant_id="G1", amount=1_000_000_00, day=D("2025-01-05"))  # recorded now, dated back
    everything = history(ledger, "grant:G1")
    assert [e["business_date"] for e in everything["events"]] == ["2024-12-20", "2025-01-05", "2025-01-10"]
    assert [e["totals"]["disbursed"] for e in everything["events"]] == ["0.00", "1000000.00", "4000000.00"]
    assert [e["recorded_late"] for e in everything["events"]] == [False, True, False]
    then = history(ledger, "grant:G1", known_at=last_known)
    assert [e["business_date"] for e in then["events"]] == ["2024-12-20", "2025-01-10"]
    assert then["totals"]["disbursed"] == "3000000.00"
    recorded = datetime.fromisoformat(everything["events"][1]["recorded_at"])
    assert recorded > last_known
    assert len(history(ledger, "grant:G1", known_at=recorded)["events"]) == 3
    both = history(ledger, "grant:G1", as_of=D("2025-01-07"), known_at=recorded)
    assert both["totals"]["disbursed"] == "1000000.00"
    assert history(ledger, "grant:G1", as_of=D("2025-01-07"), known_at=last_known)["totals"]["disbursed"] == "0.00"


def test_known_at_before_anything_was_recorded_shows_nothing(ledger):
    small_history(ledger)
    result = history(ledger, "E001", known_at=datetime.fromisoformat("2000-01-01T00:00:00+00:00"))
    assert result["events"] == [] and result["totals"]["awarded"] == "0.00"


def test_unknown_and_malformed_entities_are_refused(ledger):
    small_history(ledger)
    with pytest.raises(UnknownId):
        history(ledger, "E404")
    with pytest.raises(UnknownId):
        history(ledger, "grant:G404")
    with pytest.raises(BadInput):
        history(ledger, "planet:X")
