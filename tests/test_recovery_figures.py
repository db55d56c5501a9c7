"""Recovered means money actually back: cancelled and refunded orders are shown apart, the same
in the history, the grant and party views, the read models, the exports and verify's checks."""

from __future__ import annotations

import sqlite_utils

from auditkit import CTX, D
from qdledger.audit.exports import ledger_tables, statement
from qdledger.audit.history import history
from qdledger.audit.verify import verify_ledger
from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.grants.service import award_grant, release_tranche, show_grant
from qdledger.integrity.cases import decide_case, open_case, review_case
from qdledger.integrity.recoveries import order_recovery, repay_recovery, reverse_recovery, show_recovery
from qdledger.reports import balances, trial_balance
from qdledger.views.store import rebuild

WAN = 10_000_00  # one 万元 in fen


def ordered_100_repaid_30(ledger) -> None:
    """G1 awarded 1000万, 400万 released; case C1 decided; an order of 100万 on it, 30万 repaid."""
    register_enterprise(ledger, CTX, key="E1", name="企业E1", credit_code="91370212MA3C5Y2K1H", district="崂山区",
                        day=D("2024-11-01"))
    award_grant(ledger, CTX, grant_id="G1", enterprise="E1", program="sci_demo_project", project_budget=4500 * WAN,
                amount=1000 * WAN, day=D("2024-12-20"))
    release_tranche(ledger, CTX, grant_id="G1", amount=400 * WAN, day=D("2025-01-10"))
    open_case(ledger, CTX, case_id="C1", party="E1", day=D("2026-09-01"))
    decide_case(ledger, CTX, case_id="C1", severity="较重", day=D("2026-12-01"), ban_years=1)
    order_recovery(ledger, CTX, grants=["G1"], basis="amount", amount=100 * WAN, reason="违规使用", case_id="C1",
                   day=D("2026-12-02"))
    repay_recovery(ledger, CTX, grant_id="G1", amount=30 * WAN, day=D("2027-01-10"))


def figures(view: dict) -> tuple:
    return view["disbursed"], view["recovered"], view["cancelled"], view["receivable"]


def test_an_order_partly_repaid_then_reversed_shows_30_recovered_and_70_cancelled(ledger, tmp_path):
    ordered_100_repaid_30(ledger)
    reverse_recovery(ledger, CTX, grant_id="G1", day=D("2027-02-01"), amount=70 * WAN, reason="复查部分撤销")
    expected = ("4000000.00", "300000.00", "700000.00", "0.00")
    assert figures(show_grant(ledger, "G1")) == expected
    assert figures(show_enterprise(ledger, "E1")) == expected
    assert figures(show_recovery(ledger, "G1")) == expected
    (order,) = show_recovery(ledger, "G1")["orders"]
    assert (order["repaid"], order["cancelled"], order["refunded"], order["outstanding"]) == (
        "300000.00", "700000.00", "0.00", "0.00")
    for entity in ("E1", "grant:G1"):
        totals = history(ledger, entity)["totals"]
        assert (totals["disbursed"], totals["recovered"], totals["cancelled"], totals["refunded"], totals["receivable"]) == (
            "4000000.00", "300000.00", "700000.00", "0.00", "0.00")
    rows = history(ledger, "grant:G1")["events"]
    assert [(r["type"], r["totals"]["recovered"], r["totals"]["cancelled"], r["totals"]["receivable"]) for r in rows[-3:]] == [
        ("RecoveryOrdered", "0.00", "0.00", "1000000.00"), ("RecoveryRepaid", "300000.00", "0.00", "700000.00"),
        ("RecoveryReversed", "300000.00", "700000.00", "0.00")]
    assert rows[-1]["postings"] == [{"account": "recoveries:cancelled", "amount": "700000.00"},
                                    {"account": "recoveries:receivable", "amount": "-700000.00"}]
    owed = balances(ledger)
    assert (owed["recoveries:receivable"], owed["recoveries:cancelled"], owed["grants:disbursed"]) == (
        0, 70 * WAN, 300 * WAN)
    assert trial_balance(ledger)["total"] == "0.00"
    _same_in_exports_and_views(ledger, tmp_path, recovered=30 * WAN, cancelled=70 * WAN, refunded=0)
    report = verify_ledger(ledger)
    assert report.ok, report.as_dict()["problems"]


def test_a_revocation_on_review_cancels_the_unpaid_70_and_refunds_the_30_repaid(ledger, tmp_path):
    ordered_100_repaid_30(ledger)
    review_case(ledger, CTX, case_id="C1", day=D("2027-02-01"), result="revoked")
    assert figures(show_grant(ledger, "G1")) == ("4000000.00", "0.00", "700000.00", "0.00")
    (order,) = show_recovery(ledger, "G1")["orders"]
    assert (order["repaid"], order["cancelled"], order["refunded"]) == ("300000.00", "700000.00", "300000.00")
    totals = history(ledger, "E1")["totals"]
    assert (totals["disbursed"], totals["recovered"], totals["cancelled"], totals["refunded"], totals["receivable"]) == (
        "4000000.00", "0.00", "700000.00", "300000.00", "0.00")
    owed = balances(ledger)
    assert (owed["recoveries:receivable"], owed["recoveries:cancelled"], owed["recoveries:refunded"]) == (
        0, 70 * WAN, 30 * WAN)
    _same_in_exports_and_views(ledger, tmp_path, recovered=0, cancelled=70 * WAN, refunded=30 * WAN)
    assert verify_ledger(ledger).ok


def _same_in_exports_and_views(ledger, tmp_path, recovered: int, cancelled: int, refunded: int) -> None:
    yuan = lambda fen: f"{fen // 100}.{fen % 100:02d}"
    whole = ledger_tables(ledger)
    totals = {row["figure"]: row["amount"] for row in whole["totals"]}
    assert (totals["recovered"], totals["cancelled"], totals["refunded"], totals["receivable"]) == (
        yuan(recovered), yuan(cancelled), yuan(refunded), "0.00")
    (grant,) = whole["grants"]
    assert (grant["recovered"], grant["cancelled"], grant["receivable"]) == (yuan(recovered), yuan(cancelled), "0.00")
    sheet = statement(ledger, "E1")
    assert (sheet["enterprise"]["recovered"], sheet["totals"]["recovered"], sheet["totals"]["cancelled"]) == (
        yuan(recovered), yuan(recovered), yuan(cancelled))
    path = tmp_path / "views.db"
    rebuild(ledger, path)
    (party,) = sqlite_utils.Database(path)["enterprises"].rows
    assert (party["recovered_fen"], party["cancelled_fen"], party["refunded_fen"], party["receivable_fen"]) == (
        recovered, cancelled, refunded, 0)
