"""Worked examples E5, E7 and E9 through the installed command, to the fen."""

from __future__ import annotations

import pytest

PARTY = ("--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H", "--district", "崂山区", "--date", "2024-11-01")


@pytest.fixture
def party(cli):
    cli.ok("enterprise", "register", "E1", *PARTY)
    return cli


def loan_a(cli):
    """E5's loan A: 1,000万 for one year from 2025-02-10 as 投贷 at 3.45%, LPR at signing 3.10%."""
    cli.ok("loan", "register", "A", "--enterprise", "E1", "--principal", "1000万", "--rate", "3.45",
           "--signed", "2025-02-10", "--maturity", "2026-02-10", "--mode", "tou-dai", "--lpr", "3.10")
    cli.ok("loan", "repaid", "A", "--date", "2026-02-10")


def claim(cli, program, *more):
    return cli("subsidy", "claim", program, "--enterprise", "E1", "--object", "loan:A", "--date", "2026-03-02", *more)


def loan_years(cli):
    caps = cli.ok("enterprise", "headroom", "E1", "--as-of", "2026-03-31")["caps"]
    return next(c for c in caps if c["rule"] == "tbd_interest_subsidy.loan_years")


def test_e5_investment_loan_subsidy_first_then_qingkedai_refused(party):
    loan_a(party)
    tbd = claim(party, "tbd_interest_subsidy").json
    assert (tbd["entitlement"], tbd["payable"]) == ("232500.00", "232500.00")
    assert [p["amount"] for p in tbd["basis"]["parts"]] == ["155000.00", "77500.00"]
    years = next(c for c in tbd["caps"] if c["rule"] == "tbd_interest_subsidy.loan_years")
    assert (years["limit"], years["used"], years["remaining"]) == ("3.00", "1.00", "2.00")
    amounts = {r["program"]: (r["amount"], r["highest"]) for r in tbd["considered"] if r["amount"]}
    assert amounts == {"tbd_interest_subsidy": ("232500.00", True), "qingkedai_interest_subsidy": ("155000.00", False)}
    assert all(r["citation"] for r in tbd["considered"])
    lapsed = next(r for r in tbd["considered"] if r["program"] == "major_transfer_loan_interest")
    assert lapsed["status"] == "not_in_force"

    refused = claim(party, "qingkedai_interest_subsidy")
    assert refused.code == 1
    error = refused.error
    assert error["rule"] == "qingkedai_interest_subsidy.non_stacking"
    assert "2499" in error["citation"]
    assert (error["used"], error["requested"]) == ("232500.00", "155000.00")
    assert "就高不重复" in error["message"]
    assert loan_years(party)["used"] == "1.00" and loan_years(party)["limit"] == "3.00"


def test_e5_qingkedai_first_then_topped_up_to_the_higher_amount(party):
    loan_a(party)
    first = claim(party, "qingkedai_interest_subsidy").json
    assert (first["entitlement"], first["payable"]) == ("155000.00", "155000.00")
    topup = claim(party, "tbd_interest_subsidy").json
    assert (topup["entitlement"], topup["already_granted"], topup["payable"]) == ("232500.00", "155000.00", "77500.00")
    listed = party.ok("subsidy", "list", "--enterprise", "E1")
    assert listed["approved"] == "232500.00"
    assert loan_years(party)["used"] == "1.00"
    party.ok("subsidy", "pay", first["claim"], "--date", "2026-04-01")
    paid = party.ok("subsidy", "pay", topup["claim"], "--date", "2026-04-01")
    assert paid["status"] == "paid"
    assert party.ok("report", "trial-balance")["total"] == "0.00"
    assert party.ok("enterprise", "show", "E1")["subsidies_paid"] == "232500.00"


def register_bao_dai(cli, loan, principal):
    cli.ok("loan", "register", loan, "--enterprise", "E1", "--principal", principal, "--rate", "4.00",
           "--signed", "2025-01-02", "--maturity", "2026-01-02", "--mode", "bao-dai")
    cli.ok("loan", "repaid", loan, "--date", "2026-01-02")


def test_e7_fee_subsidies_fill_the_cap_then_refuse_with_headroom_zero(party):
    for loan, principal in (("L1", "800万"), ("L2", "600万"), ("L3", "500万")):
        register_bao_dai(party, loan, principal)
    party.ok("guarantee", "register", "G1", "--loan", "L1", "--fee-rate", "1.5")
    first = party.ok("subsidy", "claim", "guarantee_insurance_fee_subsidy", "--enterprise", "E1", "--object", "guarantee:G1", "--date", "2026-02-01")
    assert first["payable"] == "40000.00"
    second = party.ok("subsidy", "claim", "guarantee_insurance_fee_subsidy", "--enterprise", "E1", "--object", "loan:L2",
                      "--fee-rate", "2.5", "--date", "2026-02-01")
    assert second["payable"] == "60000.00"
    for extra in ((), ("--cap-to-headroom",)):
        third = party("subsidy", "claim", "guarantee_insurance_fee_subsidy", "--enterprise", "E1", "--object", "loan:L3",
                      "--fee-rate", "3", "--date", "2026-02-01", *extra)
        assert third.code == 1
        assert third.error["rule"] == "guarantee_insurance_fee_subsidy.enterprise_cap"
        assert (third.error["limit"], third.error["used"], third.error["requested"], third.error["headroom"]) == (
            "100000.00", "100000.00", "50000.00", "0.00")


def test_e7_premiums_fifty_then_thirty_percent_and_the_headroom_on_request(party):
    party.ok("insurance", "register", "P1", "--enterprise", "E1", "--premium", "8万", "--start", "2025-03-01")
    party.ok("insurance", "register", "P2", "--enterprise", "E1", "--premium", "12万", "--start", "2025-06-01")
    paid = [party.ok("subsidy", "claim", "qingkebao_premium_subsidy", "--enterprise", "E1", "--object", f"insurance:{p}",
                     "--date", "2025-12-01")["payable"] for p in ("P1", "P2")]
    assert paid == ["40000.00", "36000.00"]
    third = party("subsidy", "claim", "qingkebao_premium_subsidy", "--enterprise", "E1", "--object", "insurance:P3",
                  "--base", "10万", "--date", "2025-12-02")
    assert third.code == 1
    assert (third.error["requested"], third.error["headroom"], third.error["excess"]) == ("30000.00", "24000.00", "6000.00")
    capped = party.ok("subsidy", "claim", "qingkebao_premium_subsidy", "--enterprise", "E1", "--object", "insurance:P3",
                      "--base", "10万", "--date", "2025-12-02", "--cap-to-headroom")
    assert (capped["entitlement"], capped["payable"], capped["trimmed_to_headroom"]) == ("30000.00", "24000.00", True)
    caps = party.ok("enterprise", "headroom", "E1", "--as-of", "2025-12-31")["caps"]
    premium = next(c for c in caps if c["rule"] == "qingkebao_premium_subsidy.enterprise_cap")
    assert (premium["limit"], premium["used"], premium["remaining"]) == ("100000.00", "100000.00", "0.00")


def test_e9_rd_spend_tier_pays_ten_percent_of_the_increase_capped(party):
    done = party.ok("subsidy", "claim", "rd_investment_subsidy", "--enterprise", "E1", "--object", "rd-year:2025",
                    "--base", "1.2亿", "--prior-base", "9500万", "--rank", "18", "--date", "2026-03-01")
    assert (done["payable"], done["basis"]["tier"], done["basis"]["by_rate"]) == ("2000000.00", "C", "2500000.00")


def test_e9_exactly_fifty_million_belongs_to_the_fifty_million_to_one_hundred_million_tier(party):
    done = party.ok("subsidy", "claim", "rd_investment_subsidy", "--enterprise", "E1", "--object", "rd-year:2025",
                    "--base", "5000万", "--prior-base", "4000万", "--rank", "25", "--date", "2026-03-01")
    assert (done["basis"]["tier"], done["payable"]) == ("B", "1000000.00")
    refused = party("subsidy", "claim", "rd_investment_subsidy", "--enterprise", "E1", "--object", "rd-year:2024",
                    "--base", "5000万", "--prior-base", "4900万", "--rank", "1", "--date", "2026-03-01")
    assert refused.code == 1 and "tier B" in refused.error["message"]
