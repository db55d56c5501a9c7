"""Batch files carry repayments, subsidy claims and payments too, with the same checks as the commands."""

from __future__ import annotations

import csv

from test_subsidy_examples import PARTY, loan_a


def write(path, rows):
    names = ["kind", "grant", "amount", "date", "program", "enterprise", "object", "claim", "idempotency_key"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_a_claim_and_its_payment_import_to_the_fen_and_a_second_run_adds_nothing(cli, tmp_path):
    cli.ok("enterprise", "register", "E1", *PARTY)
    loan_a(cli)
    rows = [{"kind": "claim", "program": "tbd_interest_subsidy", "enterprise": "E1", "object": "loan:A",
             "date": "2026-03-02", "claim": "E1-TBD-A"},
            {"kind": "payment", "claim": "E1-TBD-A", "date": "2026-04-01"}]
    cli.ok("import", write(tmp_path / "claims.csv", rows))
    shown = cli.ok("subsidy", "show", "E1-TBD-A")
    assert (shown["entitlement"], shown["paid"], shown["outstanding"]) == ("232500.00", "232500.00", "0.00")
    again = cli.ok("import", str(tmp_path / "claims.csv"))
    assert (again["applied"], again["replayed"]) == (0, 2)
    refused = cli("import", write(tmp_path / "stacked.csv", [
        {"kind": "claim", "program": "qingkedai_interest_subsidy", "enterprise": "E1", "object": "loan:A", "date": "2026-03-02"}]))
    assert refused.code == 1 and refused.error["problems"][0]["rule"] == "qingkedai_interest_subsidy.non_stacking"


def test_repayments_import_against_a_recovery_and_one_above_the_receivable_refuses_the_whole_file(cli, tmp_path):
    cli.ok("enterprise", "register", "E1", *PARTY)
    cli.ok("grant", "award", "G1", "--enterprise", "E1", "--program", "sci_demo_project", "--project-budget", "4500万",
           "--amount", "1000万", "--date", "2024-12-20")
    cli.ok("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")
    cli.ok("integrity", "open", "C1", "--party", "E1", "--date", "2026-09-01", "--suspend", "all")
    cli.ok("integrity", "decide", "C1", "--severity", "严重", "--date", "2026-12-01", "--ban-years", "4",
           "--terminate", "all", "--recover", "all")
    too_much = cli("import", write(tmp_path / "over.csv", [
        {"kind": "repayment", "grant": "G1", "amount": "300万", "date": "2027-01-15"},
        {"kind": "repayment", "grant": "G1", "amount": "100万", "date": "2027-02-15"},
        {"kind": "repayment", "grant": "G1", "amount": "1", "date": "2027-03-15"}]))
    assert too_much.code == 1 and [p["row"] for p in too_much.error["problems"]] == [4]
    assert cli.ok("recovery", "show", "G1")["receivable"] == "4000000.00"
    cli.ok("import", write(tmp_path / "repay.csv", [
        {"kind": "repayment", "grant": "G1", "amount": "300万", "date": "2027-01-15"},
        {"kind": "repayment", "grant": "G1", "amount": "100万", "date": "2027-02-15"}]))
    shown = cli.ok("recovery", "show", "G1")
    assert (shown["recovered"], shown["receivable"]) == ("4000000.00", "0.00")
