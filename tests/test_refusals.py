"""Every refusal the code can raise, triggered once through the CLI: its message names the rule, the
citation, the numbers (¥ amounts, or percentages, years, counts and dates where the rule is not money)
and a hint saying what would make it pass — in Chinese and in English. A raise site with no scenario
here fails ``test_every_refusal_site_has_a_scenario``, so a new refusal cannot skip this review."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qdledger.errors import RuleViolation
from qdledger.money import show_yuan
from subsidy_helpers import valid_code

SRC = Path(__file__).resolve().parents[1] / "src"
MONEY = ("limit", "used", "requested", "excess")


def party(key: str, n: int, district: str = "崂山区", kind: str = "enterprise") -> tuple[str, ...]:
    return ("enterprise", "register", key, "--name", f"青岛{key}科技有限公司", "--credit-code", valid_code(n),
            "--district", district, "--kind", kind, "--date", "2024-01-02")


E1 = party("E1", 1)
AWARD = ("grant", "award", "G1", "--enterprise", "E1", "--program", "sci_demo_project", "--project-budget", "4500万",
         "--amount", "1000万", "--date", "2024-12-20")
RELEASE = ("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")
OPEN = ("integrity", "open", "C1", "--party", "E1", "--date", "2025-03-01", "--grounds", "八")
BANNED = (E1, AWARD, RELEASE, OPEN,
          ("integrity", "decide", "C1", "--severity", "严重", "--date", "2025-04-01", "--ban-years", "4", "--terminate", "all"))
INVEST = ("equity", "invest", "P1", "--enterprise", "E1", "--amount", "500万", "--stake", "18", "--largest-other", "40",
          "--term-years", "5", "--date", "2025-01-02")
ORDER = ("recovery", "order", "G1", "--basis", "amount", "--amount", "100万", "--reason", "违规使用", "--date", "2025-03-01")


def loan(key: str, principal: str, signed: str, maturity: str, *, lpr: str | None = "3.10", mode: str = "tou-dai"):
    """A loan registered and repaid on its maturity."""
    return (("loan", "register", key, "--enterprise", "E1", "--principal", principal, "--rate", "3.45", "--signed", signed,
             "--maturity", maturity, "--mode", mode, *(("--lpr", lpr) if lpr else ())),
            ("loan", "repaid", key, "--date", maturity))


def claim(program: str, obj: str, day: str, *extra: str, owner: str = "E1") -> tuple[str, ...]:
    return ("subsidy", "claim", program, "--enterprise", owner, "--object", obj, "--date", day, *extra)


def given(argv: tuple[str, ...], *pairs: str) -> tuple[str, ...]:
    """The command line with some words replaced: an option's value (``--amount``, ``500万``) or an argument."""
    words = list(argv)
    for old, new in zip(pairs[::2], pairs[1::2]):
        at = words.index(old)
        words[at + (1 if old.startswith("--") else 0)] = new
    return tuple(words)


@dataclass(frozen=True)
class Scenario:
    site: str
    """Where the refusal is raised: path under src/ and the innermost function, ``path::function``."""
    rule: str
    steps: tuple[tuple[str, ...], ...]
    refused: tuple[str, ...]
    unitless: bool = False
    """A refusal with no figure to show (a program without any amount); its hint must still say what to do."""
    hint_in_words: bool = False
    """A hint whose figure is not a digit: the kind of party a program supports."""


SCENARIOS = [
    Scenario("qdledger/grants/rules.py::check_project_cap", "sci_demo_project.project_cap", (E1,),
             given(AWARD, "--amount", "5000万")),
    Scenario("qdledger/grants/rules.py::check_within_ceiling", "sci_demo_project.staging", (E1, AWARD),
             ("grant", "release", "G1", "--amount", "900万", "--date", "2025-01-10")),
    Scenario("qdledger/grants/rules.py::check_not_blocked", "sci_demo_project.staging",
             (E1, AWARD, ("grant", "midterm", "G1", "--result", "failed", "--date", "2025-06-30")),
             ("grant", "release", "G1", "--amount", "1", "--date", "2025-07-01")),
    Scenario("qdledger/grants/service.py::decide", "sci_demo_project.staging", BANNED,
             ("grant", "midterm", "G1", "--result", "passed", "--date", "2025-06-01")),
    Scenario("qdledger/integrity/checks.py::check_not_terminated", "research_integrity.termination", BANNED,
             ("grant", "release", "G1", "--amount", "1", "--date", "2025-05-01")),
    Scenario("qdledger/integrity/checks.py::check_not_suspended", "research_integrity.interim_suspension",
             (E1, AWARD, RELEASE, OPEN), ("grant", "release", "G1", "--amount", "1", "--date", "2025-03-02")),
    Scenario("qdledger/integrity/checks.py::check_applications_not_held", "research_integrity.interim_suspension",
             (E1, OPEN + ("--hold-applications",)), given(AWARD, "G1", "G2", "--date", "2025-03-05")),
    Scenario("qdledger/integrity/checks.py::check_not_banned", "research_integrity.award_ban", BANNED,
             given(AWARD, "G1", "G2", "--date", "2025-05-01")),
    Scenario("qdledger/integrity/rules.py::check_measures_allowed", "research_integrity.minor",
             (E1, AWARD, OPEN), ("integrity", "decide", "C1", "--severity", "较轻", "--date", "2025-04-01", "--measures", "五,九")),
    Scenario("qdledger/integrity/rules.py::check_requires", "research_integrity.database_required",
             (E1, AWARD, OPEN), ("integrity", "decide", "C1", "--severity", "严重", "--date", "2025-04-01", "--ban-years", "4",
                                 "--measures", "五")),
    Scenario("qdledger/integrity/rules.py::check_ban_years", "research_integrity.grave",
             (E1, AWARD, OPEN), ("integrity", "decide", "C1", "--severity", "严重", "--date", "2025-04-01", "--ban-years", "9")),
    Scenario("qdledger/integrity/cases.py::_check_effects", "research_integrity.measures",
             (E1, AWARD, OPEN), ("integrity", "decide", "C1", "--severity", "严重", "--date", "2025-04-01", "--ban-years", "4",
                                 "--measures", "五,九", "--terminate", "all")),
    Scenario("qdledger/integrity/rules.py::check_repair", "research_integrity.credit_repair", BANNED,
             ("integrity", "repair", "C1", "--date", "2025-05-01", "--ban-until", "2035-01-01")),
    Scenario("qdledger/integrity/rules.py::check_repair", "research_integrity.credit_repair", BANNED,
             ("integrity", "repair", "C1", "--date", "2025-03-15", "--ban-until", "2026-01-01")),
    Scenario("qdledger/integrity/rules.py::check_repair", "research_integrity.credit_repair", BANNED,
             ("integrity", "repair", "C1", "--date", "2025-03-15", "--remove")),
    Scenario("qdledger/integrity/rules.py::check_recovery_bound", "research_integrity.recovery_bound", (E1, AWARD, RELEASE),
             given(ORDER, "--amount", "500万")),
    Scenario("qdledger/integrity/rules.py::check_repayment", "research_integrity.repayment_bound", (E1, AWARD, RELEASE, ORDER),
             ("recovery", "repay", "G1", "--amount", "200万", "--date", "2025-03-02")),
    Scenario("qdledger/integrity/rules.py::check_reversal", "research_integrity.review", (E1, AWARD, RELEASE, ORDER),
             ("recovery", "reverse", "G1", "--amount", "200万", "--date", "2025-03-02", "--reason", "复查撤销")),
    Scenario("qdledger/equity/rules.py::check_amount", "sci_equity_investment.investment_cap", (E1,),
             given(INVEST, "--amount", "1000.01万")),
    Scenario("qdledger/equity/rules.py::check_stake", "sci_equity_investment.stake_ceiling", (E1,),
             given(INVEST, "--stake", "25.01")),
    Scenario("qdledger/equity/rules.py::check_not_largest", "sci_equity_investment.not_largest", (E1,),
             given(given(INVEST, "--stake", "30"), "--largest-other", "30")),
    Scenario("qdledger/equity/rules.py::check_term", "sci_equity_investment.term", (E1,),
             given(INVEST, "--term-years", "6")),
    Scenario("qdledger/equity/rules.py::check_discount", "sci_equity_investment.discount",
             (E1, ("grant", "award", "G1", "--enterprise", "E1", "--program", "key_tech_project", "--project-budget", "1200万",
                   "--amount", "400万", "--date", "2024-12-20")), INVEST),
    Scenario("qdledger/equity/rules.py::check_pool", "sci_equity_investment.revolving_pool", (E1,),
             INVEST + ("--source", "pool")),
    Scenario("qdledger/equity/distribution.py::_approved", "equity_return_concession.return",
             (E1, INVEST, ("equity", "award", "P1", "--level", "national", "--rank", "1", "--date", "2026-01-01")),
             ("equity", "exit", "P1", "--date", "2030-01-02", "--proceeds", "400万", "--method", "liquidation",
              "--concession", "1")),
    Scenario("qdledger/equity/trustee.py::decide", "sci_equity_investment.trustee_cost",
             (E1, given(INVEST, "--amount", "1000万"),
              ("equity", "trustee-fee", "--year", "2026", "--amount", "15万", "--date", "2026-12-20")),
             ("equity", "trustee-fee", "--year", "2026", "--amount", "0.01", "--date", "2026-12-21")),
    Scenario("qdledger/policy/loader.py::in_force", "sci_equity_investment.validity", (E1,),
             given(INVEST, "--date", "2024-07-31")),
    Scenario("qdledger/reference/lpr.py::rate_for_month", "reference.lpr",
             (E1, *loan("B", "100万", "2025-06-25", "2026-06-25", lpr=None)),
             claim("tbd_interest_subsidy", "loan:B", "2026-07-01")),
    Scenario("qdledger/subsidies/service.py::_calculation", "rd_post_subsidy.declared", (E1,),
             claim("rd_post_subsidy", "rd-year:2024", "2025-03-01", "--base", "100万"), unitless=True),
    Scenario("qdledger/subsidies/service.py::_eligible", "nri_excellence_funding.eligible", (E1,),
             claim("nri_excellence_funding", "year:2024", "2025-03-01", "--amount", "50万"), hint_in_words=True),
    Scenario("qdledger/subsidies/service.py::decide", "qingkebao_premium_subsidy.payment",
             (E1, ("insurance", "register", "P1", "--enterprise", "E1", "--premium", "8万", "--start", "2025-03-01"),
              claim("qingkebao_premium_subsidy", "insurance:P1", "2025-04-01", "--claim-id", "S1")),
             ("subsidy", "pay", "S1", "--date", "2025-04-02", "--amount", "100万")),
    Scenario("qdledger/subsidies/resolver.py::refuse_lower", "first_upscale_hnte_award.non_stacking",
             (E1, claim("rd_hq_award", "rd-year:2025", "2026-03-01", "--base", "2000万")),
             claim("first_upscale_hnte_award", "rd-year:2025", "2026-03-03", "--revenue", "2亿")),
    Scenario("qdledger/subsidies/bounds.py::_cap_refusal", "vc_seed_investment_reward.per_year",
             (E1, claim("vc_seed_investment_reward", "investment:a", "2025-02-01", "--base", "8000万")),
             claim("vc_seed_investment_reward", "investment:c", "2025-03-01", "--base", "3000万")),
    Scenario("qdledger/subsidies/bounds.py::check_loan_years", "tbd_interest_subsidy.loan_years",
             (E1, *loan("A", "100万", "2024-08-10", "2026-08-10"), claim("tbd_interest_subsidy", "loan:A", "2026-09-01"),
              *loan("B", "100万", "2025-01-05", "2027-01-05")),
             claim("tbd_interest_subsidy", "loan:B", "2027-02-01")),
    Scenario("qdledger/subsidies/bounds.py::check_claim_limits", "qingkedai_interest_subsidy.once",
             (E1, *loan("A", "400万", "2025-01-10", "2026-01-10"), *loan("B", "400万", "2025-01-10", "2026-01-10"),
              claim("qingkedai_interest_subsidy", "loan:A", "2026-02-01")),
             claim("qingkedai_interest_subsidy", "loan:B", "2026-02-01")),
    Scenario("qdledger/subsidies/bounds.py::check_quotas", "scene_demo_award.district_quota",
             (party("S1", 101, "黄岛区"), party("S2", 102, "黄岛区"), party("S3", 103, "黄岛区"),
              claim("scene_demo_award", "product:p1", "2025-03-01", "--base", "500万", owner="S1"),
              claim("scene_demo_award", "product:p2", "2025-03-01", "--base", "500万", owner="S2")),
             claim("scene_demo_award", "product:p3", "2025-03-01", "--base", "500万", owner="S3")),
    Scenario("qdledger/subsidies/calc/amounts.py::check_min_base", "scene_demo_award.amount", (E1,),
             claim("scene_demo_award", "product:p9", "2025-03-01", "--base", "99万")),
    Scenario("qdledger/subsidies/calc/amounts.py::check_min_share", "first_rd_activity_award.amount", (E1,),
             claim("first_rd_activity_award", "rd-year:2025", "2026-03-01", "--base", "499万", "--revenue", "1亿")),
    Scenario("qdledger/subsidies/calc/amounts.py::capped_amount", "key_lab_award.amount", (E1,),
             claim("key_lab_award", "lab:polar", "2025-01-10", "--category", "provincial", "--amount", "101万")),
    Scenario("qdledger/subsidies/calc/finance.py::_refuse", "qingkedai_interest_subsidy.interest",
             (E1, *loan("BIG", "1000.01万", "2025-01-10", "2026-01-10")),
             claim("qingkedai_interest_subsidy", "loan:BIG", "2026-02-01")),
    Scenario("qdledger/subsidies/calc/tiers.py::tiered", "rd_institution_transfer_award.tiers", (party("N1", 7, kind="nri"),),
             claim("rd_institution_transfer_award", "year:2022", "2025-03-01", "--base", "3000万", "--grade", "良好",
                   "--rank", "21", owner="N1")),
]


def raise_sites() -> set[str]:
    """Every ``path::function`` under src/ whose own body (not a nested function's) builds a RuleViolation."""
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            if any(_builds_refusal(node) for node in _own_nodes(function)):
                found.add(f"{path.relative_to(SRC).as_posix()}::{function.name}")
    return found


def _own_nodes(function: ast.AST):
    pending = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def _builds_refusal(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "RuleViolation"


def test_every_refusal_site_has_a_scenario():
    covered = {s.site for s in SCENARIOS}
    assert sorted(raise_sites() - covered) == [], "refusals without a scenario in tests/test_refusals.py"
    assert sorted(covered - raise_sites()) == [], "scenarios naming a site that no longer raises"


@pytest.fixture
def raised_at(monkeypatch) -> list[str]:
    """Where each RuleViolation built in this test came from, as ``path::function``."""
    sites: list[str] = []
    original = RuleViolation.__init__

    def recording(self, *args: Any, **kwargs: Any) -> None:
        import sys

        frame = sys._getframe(1)
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(SRC):
            sites.append(f"{path.relative_to(SRC).as_posix()}::{frame.f_code.co_name}")
        original(self, *args, **kwargs)

    monkeypatch.setattr(RuleViolation, "__init__", recording)
    return sites


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.site.split("/", 1)[1])
def test_each_refusal_explains_itself_in_both_languages(app_cli, raised_at, scenario):
    for step in scenario.steps:
        app_cli(*step, check=True)
    error = app_cli(*scenario.refused).error
    assert (error["code"], error["rule"]) == ("rule_violation", scenario.rule)
    assert raised_at[-1] == scenario.site
    assert error["citation"] and error["hint"]
    numbers = [show_yuan(round(float(error[k]) * 100)) for k in MONEY if error.get(k) is not None]
    numbers += _other_numbers(error)
    assert numbers or scenario.unitless, f"{scenario.rule} carries no number"
    for lang, to_pass in (("zh", "如何通过: "), ("en", "To pass: ")):
        app_cli.lang = lang
        told = app_cli(*scenario.refused, json_out=False)
        assert told.code == 1
        text = told.stderr
        assert f"[{scenario.rule}]" in text and error["citation"] in text
        for number in numbers:
            assert number in text, (lang, number, text)
        hint = [line for line in text.splitlines() if line.startswith(to_pass)]
        assert hint and len(hint[0]) > len(to_pass) + 3, text
        assert any(ch.isdigit() for ch in hint[0]) or scenario.unitless or scenario.hint_in_words, hint[0]


def _other_numbers(error: dict[str, Any]) -> list[str]:
    """Figures other than money the refusal carries (percentages, years, counts, dates), as shown."""
    from qdledger.integrity.terms import number
    from qdledger_cli.explain import NUMBER_LABELS

    shown = []
    for key, (_, _, unit) in NUMBER_LABELS.items():
        value = error.get(key)
        if value is None or value == []:
            continue
        if unit == "list":
            shown += [str(v) for v in value]
        elif unit == "items":  # measure items coded 五, 九: shown as digits, in both languages
            shown += [str(number(v)) for v in value]
        else:
            shown.append(show_yuan(round(float(value) * 100)) if unit == "money" else str(value))
    return shown
