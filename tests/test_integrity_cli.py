"""Worked examples E4 (staged grant, then an integrity finding) and E8 (proportional clawback), through the installed CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Cli

POLICIES = Path(__file__).resolve().parents[1] / "policies"


@pytest.fixture
def cli_later(cli, tmp_path) -> Cli:
    """The CLI with the shipped policies plus a successor of 科技示范工程 in force from 2027-09-14.

    The shipped 细则 lapses on 2027-09-13; a 2030 award needs the version then in force. The successor
    is a copy with a later window, standing in for whatever the bureau registers then.
    """
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    text = (POLICIES / "programs" / "sci_demo_project.toml").read_text(encoding="utf-8")
    successor = text.replace("valid_from = 2024-09-14", "valid_from = 2027-09-14").replace("valid_to = 2027-09-13", "")
    (root / "programs" / "sci_demo_project_successor.toml").write_text(successor, encoding="utf-8")
    return Cli(cli.ledger, extra_env={"QDLEDGER_POLICIES": str(root)})


def register(cli: Cli) -> None:
    cli.ok("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
           "--district", "崂山区", "--date", "2024-11-01")


def staged_to_800(cli: Cli, *, refusals: bool = False) -> None:
    """E4 up to the integrity case: 1000万 awarded on a 4500万 project, 400万 + 400万 released."""
    register(cli)
    cli.ok("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
           "--amount", "1000万", "--date", "2024-12-20")
    cli.ok("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")
    if refusals:
        early = cli("grant", "release", "G1", "--amount", "1", "--date", "2025-06-01")
        assert early.code == 1 and "第十四条" in early.error["citation"]
    cli.ok("grant", "midterm", "G1", "--result", "passed", "--date", "2026-01-15")
    assert cli.ok("grant", "release", "G1", "--amount", "400万", "--date", "2026-01-20")["disbursed"] == "8000000.00"
    if refusals:
        over = cli("grant", "release", "G1", "--amount", "1", "--date", "2026-06-01")
        assert over.code == 1 and over.error["limit"] == "8000000.00"


def test_e4_suspension_grave_decision_ban_and_repayments(cli_later):
    cli = cli_later
    staged_to_800(cli, refusals=True)
    opened = cli.ok("integrity", "open", "C1", "--party", "E001", "--date", "2026-09-01", "--grounds", "八")
    assert opened["suspended_grants"] == ["G1"] and opened["status"] == "open"

    suspended = cli("grant", "release", "G1", "--amount", "1", "--date", "2026-09-02")
    assert suspended.code == 1
    assert suspended.error["rule"] == "research_integrity.interim_suspension"
    assert "第二十条" in suspended.error["citation"] and suspended.error["message"].startswith("第二十条")
    assert suspended.error["requested"] == "1.00" and suspended.error["used"] == "8000000.00"

    case = cli.ok("integrity", "decide", "C1", "--severity", "严重", "--date", "2026-12-01", "--ban-years", "4",
                  "--terminate", "all", "--recover", "all", "--reference", "青科诚决〔2026〕1号")
    assert case["severity"] == "严重" and case["measures"] == ["四", "五", "九"]
    assert case["suspended_days"] == 91 and case["ban_until"] == "2030-09-01"
    assert case["terminated"] == ["G1"] and case["released_commitment"] == "2000000.00"
    assert case["recovery"]["ordered"] == "8000000.00" and case["recovery"]["outstanding"] == "8000000.00"
    assert cli.ok("integrity", "show", "C1") == case

    grant = cli.ok("grant", "show", "G1")
    assert (grant["status"], grant["undisbursed_commitment"], grant["receivable"]) == ("terminated", "0.00", "8000000.00")
    party = cli.ok("enterprise", "show", "E001")
    assert (party["receivable"], party["recovered"], party["banned_until"]) == ("8000000.00", "0.00", "2030-09-01")
    balances = {a["account"]: a["balance"] for a in cli.ok("report", "trial-balance")["accounts"]}
    assert balances["recoveries:receivable"] == "8000000.00" and balances["grants:payable"] == "0.00"

    terminated = cli("grant", "release", "G1", "--amount", "1", "--date", "2027-01-05")
    assert terminated.code == 1 and terminated.error["rule"] == "research_integrity.termination"

    for day in ("2027-01-15", "2030-08-31"):
        banned = cli("grant", "award", "G2", "--enterprise", "E001", "--program", "sci_demo_project",
                     "--project-budget", "900万", "--amount", "300万", "--date", day)
        assert banned.code == 1 and banned.error["rule"] == "research_integrity.award_ban"
        assert "第十二条第（五）项" in banned.error["citation"]
        assert "2030-09-01" in banned.error["message"] and banned.error["award_possible_from"] == "2030-09-01"
    allowed = cli.ok("grant", "award", "G2", "--enterprise", "E001", "--program", "sci_demo_project",
                     "--project-budget", "900万", "--amount", "300万", "--date", "2030-09-01")
    assert allowed["awarded"] == "3000000.00"

    assert cli.ok("recovery", "repay", "G1", "--amount", "300万", "--date", "2027-01-10")["receivable"] == "5000000.00"
    paid = cli.ok("recovery", "repay", "G1", "--amount", "500万", "--date", "2027-03-10")
    assert (paid["receivable"], paid["recovered"]) == ("0.00", "8000000.00")
    again = cli("recovery", "repay", "G1", "--amount", "1", "--date", "2027-03-11")
    assert again.code == 1 and again.error["rule"] == "research_integrity.repayment_bound"
    assert (again.error["limit"], again.error["requested"], again.error["excess"]) == ("0.00", "1.00", "1.00")

    assert cli.ok("report", "trial-balance")["total"] == "0.00"
    listed = cli.ok("integrity", "list", "--as-of", "2027-01-31")["entries"]
    assert [(e["party"], e["severity"], e["ban_until"], e["receivable"]) for e in listed] == [
        ("E001", "严重", "2030-09-01", "5000000.00")]


def test_e4_minor_variant_no_recovery_no_ban_releases_resume(cli):
    staged_to_800(cli)
    cli.ok("integrity", "open", "C1", "--party", "E001", "--date", "2026-09-01")
    for extra, rule in ((["--recover", "all"], "research_integrity.minor"), (["--ban-years", "1"], "research_integrity.minor")):
        refused = cli("integrity", "decide", "C1", "--severity", "minor", "--date", "2026-12-01", *extra)
        assert refused.code == 1 and refused.error["rule"] == rule and "第十三条第（一）项" in refused.error["citation"]
    case = cli.ok("integrity", "decide", "C1", "--severity", "较轻", "--date", "2026-12-01", "--measures", "一,三")
    assert (case["ban_until"], case["recovery"]["ordered"], case["terminated"]) == (None, "0.00", [])
    inside = cli("grant", "release", "G1", "--amount", "1", "--date", "2026-10-01")
    assert inside.code == 1 and "2026-12-01" in inside.error["message"]
    cli.ok("grant", "acceptance", "G1", "--result", "passed", "--date", "2027-03-01")
    grant = cli.ok("grant", "release", "G1", "--amount", "200万", "--date", "2027-03-10")
    assert (grant["disbursed"], grant["status"]) == ("10000000.00", "closed")
    party = cli.ok("enterprise", "show", "E001")
    assert (party["banned_until"], party["receivable"]) == (None, "0.00")


def test_ban_length_and_database_measure_are_validated(cli):
    register(cli)
    cli.ok("integrity", "open", "C1", "--party", "E001", "--date", "2026-09-01", "--suspend", "none")
    four = cli("integrity", "decide", "C1", "--severity", "较重", "--date", "2026-12-01", "--ban-years", "4")
    assert four.code == 1 and four.error["rule"] == "research_integrity.serious"
    assert "第十三条第（二）项" in four.error["message"] and "4" in four.error["message"] and four.error["ban_years_max"] == 3
    for measures in ("五,七,八",):
        lacking = cli("integrity", "decide", "C1", "--severity", "较重", "--date", "2026-12-01", "--ban-years", "3",
                      "--measures", measures)
        assert lacking.code == 1 and lacking.error["rule"] == "research_integrity.database_required"
        assert lacking.error["message"].startswith("第十二条第二款")
    case = cli.ok("integrity", "decide", "C1", "--severity", "serious", "--date", "2026-12-01", "--ban-years", "3",
                  "--measures", "(五),(九)")
    assert (case["suspended_days"], case["ban_until"]) == (0, "2029-12-01")


def test_e8_proportional_clawback_of_the_poc_pilot_subsidy(cli):
    cli.ok("enterprise", "register", "P01", "--name", "青岛概念验证中心", "--credit-code", "91370212MA3C5Y2K1H",
           "--district", "崂山区", "--kind", "platform", "--date", "2024-01-02")
    over = cli("grant", "award", "POC1", "--enterprise", "P01", "--program", "poc_pilot_construction_subsidy",
               "--project-budget", "3000万", "--amount", "900万", "--date", "2024-03-01")
    assert over.code == 1 and (over.error["limit"], over.error["excess"]) == ("8000000.00", "1000000.00")
    cli.ok("grant", "award", "POC1", "--enterprise", "P01", "--program", "poc_pilot_construction_subsidy",
           "--project-budget", "3000万", "--amount", "800万", "--date", "2024-03-01")
    cli.ok("grant", "release", "POC1", "--amount", "800万", "--date", "2024-03-15")
    result = cli.ok("recovery", "order", "POC1", "--basis", "proportional", "--planned", "2200万", "--actual", "1650万",
                    "--date", "2025-03-01")
    (order,) = result["orders"]
    assert (order["basis"], order["amount"]) == ("proportional", "2000000.00")
    assert order["figures"]["rule"] == "poc_pilot_construction_subsidy.matched_funding"
    assert (result["receivable"], result["net_disbursed"]) == ("2000000.00", "6000000.00")
    assert cli.ok("report", "trial-balance")["total"] == "0.00"
