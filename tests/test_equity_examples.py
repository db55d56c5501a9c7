"""Worked examples E1–E3 (拨改投 exits with 收益让渡) through the installed command, to the fen."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import Cli

POLICIES = Path(__file__).resolve().parents[1] / "policies"


def register(cli: Cli, key: str = "E001", code: str = "91370212MA3C5Y2K1H") -> None:
    cli.ok("enterprise", "register", key, "--name", "青岛海研智能装备有限公司", "--credit-code", code,
           "--district", "崂山区", "--date", "2024-11-01")


def invest(cli: Cli, pos: str, amount: str, date: str, *extra: str) -> dict:
    return cli.ok("equity", "invest", pos, "--enterprise", "E001", "--amount", amount, "--stake", "18",
                  "--largest-other", "40", "--term-years", "5", "--date", date, *extra)


def grounds(quote: dict) -> dict[str, str]:
    return {g["ground"]: g["ceiling"] for g in quote["grounds"]}


def test_e1_award_concession_takes_the_highest_ground_never_the_sum(cli):
    register(cli)
    invest(cli, "EQ1", "1000万", "2025-01-02")
    assert cli.ok("equity", "award", "EQ1", "--level", "provincial", "--rank", "1", "--date", "2027-06-01")["award_ground"] == "award_provincial_1"
    cli.ok("equity", "award", "EQ1", "--level", "municipal", "--rank", "2", "--date", "2028-05-20")
    cli.ok("equity", "dividend", "EQ1", "--amount", "100万", "--date", "2028-06-30")

    quote = cli.ok("equity", "quote-exit", "EQ1", "--date", "2030-01-02", "--proceeds", "1600万")
    assert grounds(quote) == {"award_provincial_1": "3600000.00", "award_municipal_2": "1800000.00"}
    assert (quote["return"], quote["chosen_ground"], quote["concession"], quote["fund_receives"], quote["buyer_receives"]) == \
        ("6000000.00", "award_provincial_1", "3600000.00", "12400000.00", "3600000.00")
    assert (quote["holding_days"], quote["early_by_days"], quote["lpr"], quote["benchmark"]) == (1826, 0, None, None)

    exited = cli.ok("equity", "exit", "EQ1", "--date", "2030-01-02", "--proceeds", "1600万", "--method", "buyback",
                    "--concession", "max", "--approval", "青科财〔2029〕12号")
    assert {k: exited[k] for k in quote if k != "recorded"} == {k: v for k, v in quote.items() if k != "recorded"}
    pool = cli.ok("equity", "pool")
    assert pool["balance"] == "13400000.00"  # 1,240万 at exit + 100万 dividends: 1,340万 in all
    assert [m["amount"] for m in pool["movements"]] == ["1000000.00", "12400000.00"]
    assert cli.ok("report", "trial-balance")["total"] == "0.00"


def test_e1_with_exit_plus_distributions_counts_dividends_in_the_return(cli, tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    terms = policies / "programs" / "equity_return_concession.toml"
    terms.write_text(terms.read_text(encoding="utf-8").replace('basis = "exit_only"', 'basis = "exit_plus_distributions"'),
                     encoding="utf-8")
    cli = Cli(cli.ledger, extra_env={"QDLEDGER_POLICIES": str(policies)})
    register(cli)
    invest(cli, "EQ1", "1000万", "2025-01-02")
    cli.ok("equity", "award", "EQ1", "--level", "provincial", "--rank", "1", "--date", "2027-06-01")
    cli.ok("equity", "dividend", "EQ1", "--amount", "100万", "--date", "2028-06-30")
    exited = cli.ok("equity", "exit", "EQ1", "--date", "2030-01-02", "--proceeds", "1600万", "--method", "buyback")
    assert (exited["return_basis"], exited["return"], exited["concession"], exited["fund_receives"]) == \
        ("exit_plus_distributions", "7000000.00", "4200000.00", "11800000.00")


def test_e2_two_years_early_concedes_everything_and_one_day_less_falls_to_the_lpr_ground(cli):
    register(cli)
    invest(cli, "EQ2", "800万", "2025-03-01")
    quote = cli.ok("equity", "quote-exit", "EQ2", "--date", "2027-12-01", "--proceeds", "1100万")
    assert (quote["return"], quote["chosen_ground"], quote["concession"], quote["fund_receives"]) == \
        ("3000000.00", "early_two_years", "3000000.00", "8000000.00")
    assert quote["early_by_days"] == 821  # 2 years 3 months

    missing = cli("equity", "quote-exit", "EQ2", "--date", "2028-03-02", "--proceeds", "1100万")
    assert missing.code == 1 and "2028-02" in missing.error["message"] and missing.error["rule"] == "reference.lpr"

    late = cli.ok("equity", "quote-exit", "EQ2", "--date", "2028-03-02", "--proceeds", "1100万", "--lpr", "3.00")
    assert "early_two_years" not in grounds(late)  # early by 1 year 364 days
    assert (late["chosen_ground"], late["early_by_days"], late["holding_days"]) == ("early_one_year", 729, 1097)
    assert late["benchmark"] == "721315.07"  # 800万 × 3.00% × 1097 / 365
    assert late["concession"] == "2278684.93"

    exited = cli.ok("equity", "exit", "EQ2", "--date", "2027-12-01", "--proceeds", "1100万", "--method", "buyback")
    assert (exited["concession"], exited["fund_receives"]) == ("3000000.00", "8000000.00")


def test_e3_lpr_carve_out_keeps_the_benchmark_for_the_fund(cli):
    register(cli)
    invest(cli, "EQ3", "1000万", "2025-01-01")
    edge = cli.ok("equity", "quote-exit", "EQ3", "--date", "2028-07-01", "--proceeds", "1080万", "--lpr", "3.00")
    assert (edge["return"], edge["benchmark"], edge["concession"], edge["fund_receives"], edge["chosen_ground"]) == \
        ("800000.00", "1049589.04", "0.00", "10800000.00", None)

    cli.ok("lpr", "set", "2028-06", "--one-year", "3.00")
    exited = cli.ok("equity", "exit", "EQ3", "--date", "2028-07-01", "--proceeds", "1300万", "--method", "transfer",
                    "--approval", "青科财〔2028〕5号")
    assert (exited["holding_days"], exited["return"], exited["lpr"], exited["benchmark"]) == (1277, "3000000.00", "3.00", "1049589.04")
    assert (exited["concession"], exited["fund_receives"], exited["chosen_ground"]) == ("1950410.96", "11049589.04", "early_one_year")
    assert exited["lpr_month"] == "2028-06"


def test_concession_above_the_ceiling_is_refused_and_writes_nothing(cli):
    register(cli)
    invest(cli, "EQ3", "1000万", "2025-01-01")
    refused = cli("equity", "exit", "EQ3", "--date", "2028-07-01", "--proceeds", "1300万", "--method", "transfer",
                  "--lpr", "3.00", "--concession", "1950410.97")
    assert refused.code == 1
    assert (refused.error["rule"], refused.error["limit"], refused.error["excess"]) == \
        ("equity_return_concession.early_one_year", "1950410.96", "0.01")
    assert cli.ok("equity", "show", "EQ3")["status"] == "open"
