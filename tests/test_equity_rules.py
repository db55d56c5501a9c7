"""Equity rules at library level: what is refused (and writes nothing), what an approval allows,
the project cap shared with grants, stake changes, extensions, the pool and the trustee allowance."""

from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.equity.exits import exit_position, quote_exit
from qdledger.equity.service import invest_in, record_award, record_dividend, record_extension, record_stake_change
from qdledger.equity.trustee import allowance_view, record_trustee_fee
from qdledger.equity.views import list_positions, pool_view, show_position
from qdledger.errors import BadInput, RuleViolation
from qdledger.grants.service import award_grant, record_milestone
from qdledger.ledger.application import Context
from qdledger.reports import trial_balance

CTX = Context(actor="tester")
D = date.fromisoformat
WAN = 10_000_00


@pytest.fixture
def firm(ledger):
    register_enterprise(ledger, CTX, key="E1", name="青岛海研智能装备有限公司", credit_code="91370212MA3C5Y2K1H",
                        district="崂山区", day=D("2024-11-01"))
    return ledger


def invest(ledger, pos="P1", amount=500 * WAN, stake="18%", other="40%", years=5, day="2025-01-02", **extra):
    return invest_in(ledger, CTX, position_id=pos, enterprise="E1", amount=amount, stake=_pct(stake),
                     largest_other=_pct(other), term_years=years, day=D(day), **extra)


def _pct(text: str) -> Fraction:
    return Fraction(text.rstrip("%")) / 100


def events(ledger) -> int:
    return sum(1 for _ in ledger.all_events())


@pytest.mark.parametrize("fields, rule", [
    (dict(amount=1000 * WAN + 1), "sci_equity_investment.investment_cap"),
    (dict(stake="25.01%"), "sci_equity_investment.stake_ceiling"),
    (dict(stake="30%", other="30%"), "sci_equity_investment.not_largest"),
    (dict(years=6), "sci_equity_investment.term"),
    (dict(years=11, special_approval="特批"), "sci_equity_investment.term"),
    (dict(source="pool"), "sci_equity_investment.revolving_pool"),
    (dict(day="2024-07-31"), "sci_equity_investment.validity"),
])
def test_refused_investments_write_nothing(firm, fields, rule):
    before = events(firm)
    with pytest.raises(RuleViolation) as refused:
        invest(firm, **fields)
    assert refused.value.rule == rule
    assert events(firm) == before


def test_a_special_approval_allows_a_larger_stake_and_a_longer_term(firm):
    view = invest(firm, stake="30%", other="45%", years=8, special_approval="青科财〔2025〕1号")
    assert view["exceptions"] == ["sci_equity_investment.stake_ceiling", "sci_equity_investment.term"]
    assert view["maturity"] == "2033-01-02"


def test_an_open_key_technology_project_requires_a_discount_until_it_is_accepted(firm):
    award_grant(firm, CTX, grant_id="G1", enterprise="E1", program="key_tech_project", project_budget=1200 * WAN,
                amount=400 * WAN, day=D("2024-12-20"))
    with pytest.raises(RuleViolation) as refused:
        invest(firm)
    assert refused.value.rule == "sci_equity_investment.discount" and refused.value.details["open_grants"] == ["G1"]
    with pytest.raises(RuleViolation):
        invest(firm, discount=Fraction(0))
    assert invest(firm, discount=Fraction(1, 10))["discount"] == "10.00"
    record_milestone(firm, CTX, grant_id="G1", milestone="acceptance", result="passed", day=D("2025-06-30"))
    assert invest(firm, pos="P2", day="2025-07-01")["discount"] is None


def test_the_equity_leg_counts_toward_the_project_cap_shared_with_grants(firm):
    award_grant(firm, CTX, grant_id="G1", enterprise="E1", program="key_tech_project", project_budget=1200 * WAN,
                amount=400 * WAN, day=D("2024-12-20"))
    with pytest.raises(RuleViolation) as refused:
        invest(firm, amount=101 * WAN, project="G1", discount=Fraction(1, 10))
    assert (refused.value.rule, refused.value.limit, refused.value.excess) == ("key_tech_project.project_cap", 500 * WAN, 1 * WAN)
    invest(firm, amount=100 * WAN, project="G1", discount=Fraction(1, 10))
    assert firm.read().enterprise("E1").projects["G1"]["approved"] == 500 * WAN


def test_a_grant_after_an_equity_first_project_counts_the_equity_leg(firm):
    with pytest.raises(BadInput):
        invest(firm, amount=300 * WAN, project="PRJ")  # a new project needs its budget
    invest(firm, amount=300 * WAN, project="PRJ", project_budget=1200 * WAN)
    with pytest.raises(RuleViolation) as refused:
        award_grant(firm, CTX, grant_id="G1", enterprise="E1", program="key_tech_project", project_budget=1200 * WAN,
                    amount=300 * WAN, day=D("2025-02-01"), project="PRJ")
    assert refused.value.used == 300 * WAN and refused.value.excess == 100 * WAN


def test_stake_changes_are_rechecked(firm):
    invest(firm)
    with pytest.raises(RuleViolation) as largest:
        record_stake_change(firm, CTX, position_id="P1", stake=_pct("20%"), largest_other=_pct("20%"), day=D("2026-01-01"))
    assert largest.value.rule == "sci_equity_investment.not_largest"
    with pytest.raises(RuleViolation):
        record_stake_change(firm, CTX, position_id="P1", stake=_pct("26%"), largest_other=_pct("40%"), day=D("2026-01-01"))
    record_stake_change(firm, CTX, position_id="P1", stake=_pct("26%"), largest_other=_pct("40%"), day=D("2026-01-01"),
                        approval="特批")
    view = record_stake_change(firm, CTX, position_id="P1", stake=_pct("24%"), largest_other=_pct("40%"), day=D("2026-06-01"))
    assert view["stake"] == "24.00" and len(view["stake_changes"]) == 2
    with pytest.raises(BadInput):
        record_stake_change(firm, CTX, position_id="P1", stake=_pct("15%"), largest_other=_pct("40%"), day=D("2026-03-01"))


def test_term_extension_needs_its_approval_and_moves_maturity(firm):
    invest(firm, day="2025-01-01")
    with pytest.raises(RuleViolation):
        record_extension(firm, CTX, position_id="P1", term_years=7, day=D("2029-06-01"))
    with pytest.raises(RuleViolation):
        record_extension(firm, CTX, position_id="P1", term_years=11, day=D("2029-06-01"), approval="特批")
    assert record_extension(firm, CTX, position_id="P1", term_years=7, day=D("2029-06-01"), approval="特批")["maturity"] == "2032-01-01"
    quote = quote_exit(firm, position_id="P1", day=D("2030-01-01"), proceeds=600 * WAN)
    assert quote["chosen_ground"] == "early_two_years" and quote["early_by_days"] == 730


def test_awards_count_only_as_lead_unit_and_listed_rank(firm):
    invest(firm)
    with pytest.raises(BadInput):
        record_award(firm, CTX, position_id="P1", level="national", rank=1, day=D("2024-12-01"))
    assert record_award(firm, CTX, position_id="P1", level="national", rank=1, day=D("2026-01-01"), lead=False)["award_ground"] is None
    assert record_award(firm, CTX, position_id="P1", level="municipal", rank=0, day=D("2026-02-01"))["award_ground"] is None
    assert record_award(firm, CTX, position_id="P1", level="national", rank=2, day=D("2026-03-01"))["award_ground"] == "award_national_2"
    quote = quote_exit(firm, position_id="P1", day=D("2030-01-02"), proceeds=700 * WAN)
    assert [g["ground"] for g in quote["grounds"]] == ["award_national_2"]
    assert quote["concession"] == f"{100 * 10_000}.00"  # 50% of the 200万 return


def test_a_loss_has_no_concession_and_posts_a_tolerated_loss(firm):
    invest(firm)
    record_award(firm, CTX, position_id="P1", level="national", rank=1, day=D("2026-01-01"))
    with pytest.raises(RuleViolation) as refused:
        exit_position(firm, CTX, position_id="P1", day=D("2030-01-02"), proceeds=400 * WAN, method="liquidation",
                      concession=1)
    assert refused.value.rule == "equity_return_concession.return"
    done = exit_position(firm, CTX, position_id="P1", day=D("2030-01-02"), proceeds=400 * WAN, method="清算")
    assert (done["return"], done["concession"], done["chosen_ground"], done["method"]) == ("-1000000.00", "0.00", None, "liquidation")
    accounts = {a["account"]: a["balance"] for a in trial_balance(firm)["accounts"]}
    assert accounts["equity:loss"] == "1000000.00" and trial_balance(firm)["total"] == "0.00"


def test_exit_dry_run_and_exit_before_a_recorded_fact_write_nothing(firm):
    invest(firm)
    record_dividend(firm, CTX, position_id="P1", amount=10 * WAN, day=D("2027-06-30"))
    before = events(firm)
    with pytest.raises(BadInput):
        exit_position(firm, CTX, position_id="P1", day=D("2027-06-01"), proceeds=600 * WAN, method="buyback")
    dry = exit_position(firm, Context(actor="tester", dry_run=True), position_id="P1", day=D("2030-01-02"),
                        proceeds=600 * WAN, method="buyback")
    assert dry["dry_run"] and events(firm) == before
    with pytest.raises(BadInput):
        exit_position(firm, CTX, position_id="P1", day=D("2030-01-02"), proceeds=600 * WAN, method="ipo")


def test_the_lpr_comes_from_the_reference_table_and_an_unknown_month_is_named(firm):
    invest(firm, day="2024-10-08", years=3)  # maturity 2027-10-08; early by one year up to 2026-10-08
    quote = quote_exit(firm, position_id="P1", day=D("2025-06-10"), proceeds=520 * WAN)
    assert quote["lpr"] == "3.00" and quote["lpr_month"] == "2025-05"  # the early-2-year ground applies too
    with pytest.raises(RuleViolation) as missing:
        quote_exit(firm, position_id="P1", day=D("2026-06-10"), proceeds=520 * WAN)
    assert "2026-05" in missing.value.text.en


def test_pool_investments_never_overdraw_on_any_date(firm):
    register_enterprise(firm, CTX, key="E2", name="青岛蓝谷新材料科技有限公司", credit_code="91370282MA94XY3N5D",
                        district="即墨区", day=D("2024-11-05"))
    invest(firm)
    record_dividend(firm, CTX, position_id="P1", amount=50 * WAN, day=D("2026-06-30"))
    with pytest.raises(RuleViolation):  # before the dividend arrived
        invest_in(firm, CTX, position_id="P2", enterprise="E2", amount=50 * WAN, stake=_pct("10%"),
                  largest_other=_pct("50%"), term_years=5, day=D("2026-06-01"), source="pool")
    invest_in(firm, CTX, position_id="P2", enterprise="E2", amount=50 * WAN, stake=_pct("10%"),
              largest_other=_pct("50%"), term_years=5, day=D("2026-07-01"), source="pool")
    pool = pool_view(firm)
    assert [m["balance"] for m in pool["movements"]] == ["500000.00", "0.00"] and pool["at_cost"] == "5500000.00"
    listing = list_positions(firm)
    assert [p["id"] for p in listing["positions"]] == ["P1", "P2"] and listing["at_cost"] == "5500000.00"
    assert show_enterprise(firm, "E2")["equity_positions"] == ["P2"]


def test_trustee_cost_is_refused_above_the_allowance(firm):
    invest(firm, amount=1000 * WAN, day="2025-01-02")
    info = allowance_view(firm, 2026)
    assert (info["basis"], info["allowance"]) == ("10000000.00", "150000.00")  # 1.5% × 1,000万 at 2025-12-31
    record_trustee_fee(firm, CTX, year=2026, amount=15 * WAN, day=D("2026-12-20"))
    with pytest.raises(RuleViolation) as refused:
        record_trustee_fee(firm, CTX, year=2026, amount=1, day=D("2026-12-21"))
    assert (refused.value.limit, refused.value.used, refused.value.excess) == (15 * WAN, 15 * WAN, 1)
    assert allowance_view(firm, 2025)["allowance"] == "0.00"
    assert trial_balance(firm)["total"] == "0.00"


def test_daily_average_reading_of_money_under_investment(ledger, tmp_path, monkeypatch):
    policies = tmp_path / "policies"
    shutil.copytree(Path(__file__).resolve().parents[1] / "policies", policies)
    path = policies / "programs" / "sci_equity_investment.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('measure = "year_end"', 'measure = "daily_average"'), encoding="utf-8")
    monkeypatch.setenv("QDLEDGER_POLICIES", str(policies))
    register_enterprise(ledger, CTX, key="E1", name="甲", credit_code="91370212MA3C5Y2K1H", district="崂山区", day=D("2024-11-01"))
    invest(ledger, amount=730 * WAN, day="2025-07-02")  # held from 2 July: 183 of 365 days at end of day
    assert allowance_view(ledger, 2026)["basis"] == f"{730 * 10_000 * 183 // 365}.00"


def test_show_position_after_exit(firm):
    invest(firm)
    exit_position(firm, CTX, position_id="P1", day=D("2030-01-02"), proceeds=600 * WAN, method="transfer", approval="A1")
    view = show_position(firm, "P1")
    assert view["status"] == "exited" and view["exit"]["fund_receives"] == "6000000.00"
    assert view["exit"]["approval"] == "A1"
    with pytest.raises(BadInput):
        record_dividend(firm, CTX, position_id="P1", amount=1, day=D("2030-02-01"))


def test_sensitivity_names_where_the_lpr_ground_overtakes_the_award(firm):
    from qdledger.equity.sensitivity import parse_amount_list, sensitivity

    invest(firm, amount=1000 * WAN)
    record_award(firm, CTX, position_id="P1", level="provincial", rank=1, day=D("2027-06-01"))
    table = sensitivity(firm, position_id="P1", days=[D("2029-01-02"), D("2027-12-01")],
                        proceeds=parse_amount_list("1300万,1,200万"), lpr=Fraction(3, 100))
    assert [(r["date"], r["net_proceeds"], r["chosen_ground"]) for r in table["rows"]] == [
        ("2027-12-01", "12000000.00", "early_two_years"), ("2027-12-01", "13000000.00", "early_two_years"),
        ("2029-01-02", "12000000.00", "award_provincial_1"), ("2029-01-02", "13000000.00", "award_provincial_1")]
    overtakes = [c for c in table["crossings"] if c["kind"] == "overtakes"]
    assert overtakes == [{"date": "2029-01-02", "kind": "overtakes", "ground": "early_one_year", "over": "award_provincial_1",
                          "return": "3002054.82", "net_proceeds": "13002054.82"}]  # ≈ 1,200,821.92 / (1 − 60%), to the fen
    assert {e["ground"]: e["exit_on_or_before"] for e in table["early_exit_until"]} == \
        {"early_two_years": "2028-01-02", "early_one_year": "2029-01-02"}
    def chosen(fen):
        return quote_exit(firm, position_id="P1", day=D("2029-01-02"), proceeds=fen, lpr=Fraction(3, 100))["chosen_ground"]

    assert (chosen(13_002_054_81), chosen(13_002_054_82)) == ("award_provincial_1", "early_one_year")


def test_sensitivity_names_each_ground_as_its_policy_words_it(firm):
    from qdledger.equity.sensitivity import sensitivity
    from qdledger.i18n import set_language

    invest(firm, amount=1000 * WAN)
    record_award(firm, CTX, position_id="P1", level="provincial", rank=1, day=D("2027-06-01"))
    names = {}
    for lang in ("zh", "en"):
        set_language(lang)
        try:
            names[lang] = sensitivity(firm, position_id="P1", days=[D("2027-12-01")], proceeds=[1300 * WAN],
                                      lpr=Fraction(3, 100))["ground_names"]
        finally:
            set_language("")
    assert names["zh"] == {"award_provincial_1": "山东省科学技术奖一等奖", "early_two_years": "提前退出 2 年（含）以上",
                           "early_one_year": "提前退出 1 年（含）以上，高于 LPR 基准的收益"}
    assert names["en"] == {"award_provincial_1": "Shandong provincial S&T award, 1st prize",
                           "early_two_years": "exit 2 years or more early",
                           "early_one_year": "exit 1 year or more early, the return above the LPR benchmark"}


def test_early_by_years_counts_calendar_years_and_29_february_falls_on_28_february(firm):
    invest(firm, day="2028-02-29", years=4)  # maturity 2032-02-29; two years earlier is 2030-02-28
    on_time = quote_exit(firm, position_id="P1", day=D("2030-02-28"), proceeds=600 * WAN, lpr=Fraction(3, 100))
    one_day_late = quote_exit(firm, position_id="P1", day=D("2030-03-01"), proceeds=600 * WAN, lpr=Fraction(3, 100))
    assert on_time["chosen_ground"] == "early_two_years" and on_time["maturity"] == "2032-02-29"
    assert one_day_late["chosen_ground"] == "early_one_year" and one_day_late["early_by_days"] == 730
