"""The subsidy engine's rules, one behaviour per test, through the library on every backend."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from qdledger.errors import BadInput, RuleViolation, UnknownId
from qdledger.reports import trial_balance
from qdledger.subsidies.headroom import headroom
from qdledger.subsidies.service import pay_subsidy
from subsidy_helpers import CTX, claim, loan, party, policy, refusal


def rows(ledger, key, as_of="2026-06-30"):
    return {(r["rule"], r["scope_key"]): r for r in headroom(ledger, key, date.fromisoformat(as_of))["caps"]}


def test_a_lapsed_program_still_judges_claims_dated_inside_its_window_and_refuses_later_ones(ledger):
    party(ledger, "N1", kind="nri")
    inside = claim(ledger, "nri_excellence_funding", "N1", "year:2024", "2025-06-19", amount="50万")
    assert inside["payable"] == "500000.00"
    error = refusal(ledger, "nri_excellence_funding", "N1", "year:2025", "2025-06-20", amount="50万")
    assert error.rule == "nri_excellence_funding.validity" and "2025-06-19" in error.message


def test_a_party_of_the_wrong_kind_is_refused_by_the_eligibility_rule(ledger):
    party(ledger, "E1")
    error = refusal(ledger, "nri_excellence_funding", "E1", "year:2024", "2025-03-01", amount="50万")
    assert error.rule == "nri_excellence_funding.eligible"


def test_a_program_declared_without_a_number_cannot_be_claimed(ledger):
    party(ledger, "E1")
    error = refusal(ledger, "rd_post_subsidy", "E1", "rd-year:2024", "2025-03-01", base="100万")
    assert error.rule == "rd_post_subsidy.declared"


def test_district_quota_is_shared_by_every_party_of_the_district_and_says_who_took_the_places(ledger):
    for n, key in enumerate(("S1", "S2", "S3")):
        party(ledger, key, district="黄岛区", n=100 + n)
    party(ledger, "S4", district="李沧区", n=104)
    for key, product in (("S1", "p1"), ("S2", "p2")):
        assert claim(ledger, "scene_demo_award", key, f"product:{product}", "2025-03-01", base="500万")["payable"] == "1500000.00"
    full = refusal(ledger, "scene_demo_award", "S3", "product:p3", "2025-03-01", base="500万")
    assert full.rule == "scene_demo_award.district_quota" and full.details["count_used"] == 2
    assert claim(ledger, "scene_demo_award", "S4", "product:p3", "2025-03-01", base="800万")["payable"] == "2000000.00"
    same_product = refusal(ledger, "scene_demo_award", "S3", "product:p1", "2025-03-01", base="500万")
    assert same_product.rule in ("scene_demo_award.district_quota", "scene_demo_award.once_per_product")
    small = refusal(ledger, "scene_demo_award", "S4", "product:p9", "2025-03-01", base="99万")
    assert small.rule == "scene_demo_award.amount" and small.limit == 1_000_000_00
    quota = rows(ledger, "S1", "2025-03-01")[("scene_demo_award.district_quota", "黄岛区")]
    assert (quota["limit"], quota["used"], quota["remaining"]) == (2, 2, 0)


def test_one_new_product_is_rewarded_once_whoever_builds_the_project(ledger):
    party(ledger, "S1", district="黄岛区", n=1)
    party(ledger, "S2", district="李沧区", n=2)
    claim(ledger, "scene_demo_award", "S1", "product:robot-x", "2025-03-01", base="300万")
    error = refusal(ledger, "scene_demo_award", "S2", "product:robot-x", "2025-04-01", base="300万")
    assert error.rule == "scene_demo_award.once_per_product"


def test_once_per_enterprise_refuses_a_second_qingkedai_claim_on_another_loan(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "400万", "2025-01-10", "2026-01-10", repaid="2026-01-10")
    loan(ledger, "B", "E1", "400万", "2025-01-10", "2026-01-10", repaid="2026-01-10")
    assert claim(ledger, "qingkedai_interest_subsidy", "E1", "loan:A", "2026-02-01")["payable"] == "62000.00"
    error = refusal(ledger, "qingkedai_interest_subsidy", "E1", "loan:B", "2026-02-01")
    assert error.rule == "qingkedai_interest_subsidy.once"


def test_qingkedai_refuses_a_loan_above_ten_million_and_one_repaid_late(ledger):
    party(ledger, "E1")
    loan(ledger, "BIG", "E1", "1000.01万", "2025-01-10", "2026-01-10", repaid="2026-01-10")
    assert refusal(ledger, "qingkedai_interest_subsidy", "E1", "loan:BIG", "2026-02-01").rule == "qingkedai_interest_subsidy.interest"
    loan(ledger, "LATE", "E1", "100万", "2025-01-10", "2026-01-10", repaid="2026-01-11")
    late = refusal(ledger, "qingkedai_interest_subsidy", "E1", "loan:LATE", "2026-02-01")
    assert "schedule" in late.text.en


def test_interest_subsidy_never_exceeds_the_interest_actually_paid(ledger):
    from qdledger.subsidies.objects import repay_loan

    party(ledger, "E1")
    loan(ledger, "A", "E1", "1000万", "2025-02-10", "2026-02-10", rate="1.00")
    repay_loan(ledger, CTX, loan_id="A", day=date(2026, 2, 10), interest_paid=90_000_00)
    done = claim(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-03-01")
    assert done["basis"]["reference_rate"] == "1.00"  # the contract rate is below the LPR (D20)
    assert done["payable"] == "75000.00"  # 500万 × 1% + 500万 × 0.5%, below the 90,000.00 paid
    loan(ledger, "B", "E1", "1000万", "2025-02-10", "2026-02-10", rate="3.45")
    repay_loan(ledger, CTX, loan_id="B", day=date(2026, 2, 10), interest_paid=100_000_00)
    assert claim(ledger, "tbd_interest_subsidy", "E1", "loan:B", "2026-03-01")["payable"] == "100000.00"


def test_the_lpr_comes_from_the_reference_table_when_the_loan_states_none(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "100万", "2025-06-10", "2026-06-10", lpr=None, repaid="2026-06-10")
    done = claim(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-07-01")
    assert done["basis"]["lpr"] == "3.00" and "2025-05" in done["basis"]["lpr_source"]
    assert done["payable"] == "30000.00"
    loan(ledger, "B", "E1", "100万", "2025-06-25", "2026-06-25", lpr=None, repaid="2026-06-25")
    unknown = refusal(ledger, "tbd_interest_subsidy", "E1", "loan:B", "2026-07-01")
    assert unknown.rule == "reference.lpr" and "2025-06" in unknown.message


def test_investment_loan_years_are_capped_at_three_and_can_be_cut_to_the_headroom(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "100万", "2024-08-10", "2026-08-10", repaid="2026-08-10")
    assert claim(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-09-01")["loan_years"] == "2.00"
    loan(ledger, "B", "E1", "100万", "2025-01-05", "2027-01-05", repaid="2027-01-05")
    error = refusal(ledger, "tbd_interest_subsidy", "E1", "loan:B", "2027-02-01")
    assert error.rule == "tbd_interest_subsidy.loan_years" and error.details["loan_years_used"] == "2.00"
    cut = claim(ledger, "tbd_interest_subsidy", "E1", "loan:B", "2027-02-01", trim=True)
    assert (cut["loan_years"], cut["basis"]["days"], cut["payable"]) == ("1.00", 365, "31000.00")
    assert rows(ledger, "E1", "2027-02-01")[("tbd_interest_subsidy.loan_years", None)]["remaining"] == "0.00"


def test_a_plain_loan_gets_no_investment_loan_subsidy(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "100万", "2025-01-05", "2026-01-05", mode="plain", repaid="2026-01-05")
    assert refusal(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-02-01").rule == "tbd_interest_subsidy.interest"


def test_a_claim_on_someone_elses_loan_or_the_wrong_object_kind_is_bad_input(ledger):
    party(ledger, "E1", n=1)
    party(ledger, "E2", n=2)
    loan(ledger, "A", "E1", "100万", "2025-01-05", "2026-01-05", repaid="2026-01-05")
    assert isinstance(refusal(ledger, "tbd_interest_subsidy", "E2", "loan:A", "2026-02-01"), BadInput)
    assert isinstance(refusal(ledger, "tbd_interest_subsidy", "E1", "rd-year:2025", "2026-02-01"), BadInput)
    assert isinstance(refusal(ledger, "tbd_interest_subsidy", "E1", "loan:NOPE", "2026-02-01"), UnknownId)
    assert isinstance(refusal(ledger, "rd_hq_award", "E1", "loan:A", "2026-02-01", base="2000万"), BadInput)


def test_a_recorded_base_cannot_change_between_claims_on_the_same_object(ledger):
    party(ledger, "E1")
    claim(ledger, "rd_hq_award", "E1", "rd-year:2025", "2026-03-01", base="2000万")
    error = refusal(ledger, "first_rd_activity_award", "E1", "rd-year:2025", "2026-03-01", base="2100万", revenue="1亿")
    assert isinstance(error, BadInput) and error.details["field"] == "base"


def test_rd_policy_programs_on_one_enterprise_year_pay_only_the_highest(ledger):
    party(ledger, "E1")
    first = claim(ledger, "first_rd_activity_award", "E1", "rd-year:2025", "2026-03-01", base="2000万", revenue="2亿")
    assert first["payable"] == "300000.00"
    higher = claim(ledger, "rd_hq_award", "E1", "rd-year:2025", "2026-03-02")
    assert (higher["entitlement"], higher["payable"]) == ("1000000.00", "700000.00")
    lower = refusal(ledger, "first_upscale_hnte_award", "E1", "rd-year:2025", "2026-03-03")
    assert lower.rule == "first_upscale_hnte_award.non_stacking" and lower.used == 1_000_000_00


def test_share_threshold_uses_the_revenue_given(ledger):
    party(ledger, "E1")
    error = refusal(ledger, "first_rd_activity_award", "E1", "rd-year:2025", "2026-03-01", base="499万", revenue="1亿")
    assert error.rule == "first_rd_activity_award.amount"
    assert claim(ledger, "first_rd_activity_award", "E1", "rd-year:2024", "2026-03-01", base="500万", revenue="1亿")["payable"] == "300000.00"


def test_transfer_award_and_nrdi_award_of_one_institution_year_pay_the_higher(ledger):
    party(ledger, "N1", kind="nri")
    nrdi = claim(ledger, "nri_excellence_funding", "N1", "year:2024", "2024-12-01", amount="50万")
    assert nrdi["payable"] == "500000.00"
    transfer = claim(ledger, "rd_institution_transfer_award", "N1", "year:2024", "2025-03-01", base="3000万", grade="优秀", rank=3)
    assert (transfer["entitlement"], transfer["payable"]) == ("1500000.00", "1000000.00")
    graded = claim(ledger, "rd_institution_transfer_award", "N1", "year:2023", "2025-03-01", base="3000万", grade="优秀", rank=9)
    assert graded["basis"]["tier"] == "B-优秀" and graded["payable"] == "600000.00"
    outside = refusal(ledger, "rd_institution_transfer_award", "N1", "year:2022", "2025-03-01", base="3000万", grade="良好", rank=21)
    assert "top 20" in outside.text.en


def test_categories_and_the_first_or_repeat_cap(ledger):
    party(ledger, "E1")
    lab = claim(ledger, "key_lab_award", "E1", "lab:ocean", "2025-01-10", category="national_participant", amount="300万")
    assert lab["payable"] == "3000000.00"
    over = refusal(ledger, "key_lab_award", "E1", "lab:polar", "2025-01-10", category="provincial", amount="101万")
    assert over.rule == "key_lab_award.amount" and over.limit == 100_000_000
    trimmed = claim(ledger, "key_lab_award", "E1", "lab:polar", "2025-01-10", category="provincial", amount="101万", trim=True)
    assert trimmed["payable"] == "1000000.00"
    assert claim(ledger, "hnte_certification_award", "E1", "certification:2022", "2025-01-10", amount="10万")["payable"] == "100000.00"
    again = refusal(ledger, "hnte_certification_award", "E1", "certification:2025", "2025-11-10", amount="10万")
    assert again.limit == 50_000_00
    assert claim(ledger, "hnte_certification_award", "E1", "certification:2025", "2025-11-10", amount="5万")["payable"] == "50000.00"


def test_prize_quotas_count_each_category_group_city_wide_per_year(ledger):
    for n in range(4):
        party(ledger, f"P{n}", n=200 + n)
    for n in range(3):
        assert claim(ledger, "award_tiered_prizes", f"P{n}", f"result:r{n}", "2025-05-01", category="special")["payable"] == "500000.00"
    full = refusal(ledger, "award_tiered_prizes", "P3", "result:r3", "2025-05-01", category="special")
    assert full.rule == "award_tiered_prizes.special_quota"
    assert claim(ledger, "award_tiered_prizes", "P3", "result:r3", "2025-05-01", category="first")["payable"] == "200000.00"
    assert claim(ledger, "award_tiered_prizes", "P3", "result:r4", "2026-05-01", category="special")["payable"] == "500000.00"


def test_per_enterprise_and_per_enterprise_year_caps_shared_across_programs(ledger):
    party(ledger, "V1")
    assert claim(ledger, "vc_seed_investment_reward", "V1", "investment:a", "2025-02-01", base="8000万")["payable"] == "8000000.00"
    error = refusal(ledger, "vc_investment_reward", "V1", "investee:b", "2025-03-01", base="3亿")
    assert error.rule == "vc_investment_reward.per_investee"
    error = refusal(ledger, "vc_seed_investment_reward", "V1", "investment:c", "2025-03-01", base="3000万")
    assert error.rule == "vc_seed_investment_reward.per_year" and error.used == 8_000_000_00
    assert claim(ledger, "vc_investment_reward", "V1", "investee:b", "2025-04-01", base="1亿", trim=True)["payable"] == "1000000.00"
    assert claim(ledger, "vc_investment_reward", "V1", "investee:d", "2025-04-01", base="1亿", trim=True)["payable"] == "1000000.00"
    assert refusal(ledger, "vc_investment_reward", "V1", "investee:e", "2025-04-01", base="1亿", trim=True).rule == "vc_investment_reward.per_year"
    assert claim(ledger, "vc_investment_reward", "V1", "investee:e", "2026-01-02", base="1亿")["payable"] == "1000000.00"


def test_per_project_cap_counts_every_claim_on_the_project(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "5亿", "2024-03-01", "2025-03-01", lpr=None, repaid="2025-03-01")
    error = refusal(ledger, "major_transfer_loan_interest", "E1", "loan:A", "2025-04-01")
    assert isinstance(error, BadInput) and error.details["field"] == "project"
    done = claim(ledger, "major_transfer_loan_interest", "E1", "loan:A", "2025-04-01", project="MT-1", trim=True)
    assert (done["entitlement"], done["payable"]) == ("17250000.00", "17250000.00")
    loan(ledger, "B", "E1", "1亿", "2024-03-01", "2025-03-01", repaid="2025-03-01")
    cut = claim(ledger, "major_transfer_loan_interest", "E1", "loan:B", "2025-04-01", project="MT-1", trim=True)
    assert cut["payable"] == "2750000.00"


def test_payment_is_a_separate_step_that_never_exceeds_what_was_approved(ledger):
    party(ledger, "E1")
    policy(ledger, "P1", "E1", "8万", "2025-03-01")
    done = claim(ledger, "qingkebao_premium_subsidy", "E1", "insurance:P1", "2025-04-01")
    pay_subsidy(ledger, CTX, claim_id=done["claim"], day=date(2025, 4, 2), amount=1_000_00)
    with pytest.raises(RuleViolation):
        pay_subsidy(ledger, CTX, claim_id=done["claim"], day=date(2025, 4, 3), amount=40_000_00)
    paid = pay_subsidy(ledger, CTX, claim_id=done["claim"], day=date(2025, 4, 3))
    assert (paid["paid"], paid["outstanding"]) == ("40000.00", "0.00")
    balances = {a["account"]: a["balance"] for a in trial_balance(ledger)["accounts"]}
    assert balances["subsidies:paid"] == "40000.00" and balances["fund:cash"] == "-40000.00"
    assert trial_balance(ledger)["total"] == "0.00"


def test_a_dry_run_decides_but_writes_nothing(ledger):
    from qdledger.ledger.application import Context
    from qdledger.subsidies.service import ClaimInput, claim_subsidy

    party(ledger, "E1")
    policy(ledger, "P1", "E1", "8万", "2025-03-01")
    dry = claim_subsidy(ledger, Context("officer", dry_run=True), program="qingkebao_premium_subsidy", enterprise="E1",
                        object_ref="insurance:P1", day=date(2025, 4, 1), inputs=ClaimInput())
    assert dry["dry_run"] and dry["payable"] == "40000.00"
    assert claim(ledger, "qingkebao_premium_subsidy", "E1", "insurance:P1", "2025-04-01")["claim"] == "E1-S1"


@pytest.fixture
def broad_reading(tmp_path, monkeypatch):
    """A copy of the policies where 市级科技金融 non-stacking is read per enterprise (A23, broad)."""
    from qdledger.policy.loader import policies_dir

    copy = tmp_path / "policies"
    shutil.copytree(policies_dir(), copy)
    for path in (copy / "programs").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if 'group = "municipal_sci_finance"' in text:
            path.write_text(text.replace('group = "municipal_sci_finance"\nscope = "per_object"',
                                         'group = "municipal_sci_finance"\nscope = "per_enterprise"'), encoding="utf-8")
    monkeypatch.setenv("QDLEDGER_POLICIES", str(copy))


def test_the_per_enterprise_scope_reading_pays_only_the_highest_finance_subsidy_of_the_party(ledger, broad_reading):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "100万", "2025-01-05", "2026-01-05", repaid="2026-01-05")
    assert claim(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-02-01")["payable"] == "31000.00"
    policy(ledger, "P1", "E1", "6万", "2025-03-01")
    lower = refusal(ledger, "qingkebao_premium_subsidy", "E1", "insurance:P1", "2026-02-01")
    assert lower.rule == "qingkebao_premium_subsidy.non_stacking"
    policy(ledger, "P2", "E1", "20万", "2025-04-01")
    higher = claim(ledger, "qingkebao_premium_subsidy", "E1", "insurance:P2", "2026-02-01")
    assert (higher["entitlement"], higher["already_granted"], higher["payable"]) == ("60000.00", "31000.00", "29000.00")


def test_a_grant_program_is_recorded_with_grant_award_not_as_a_subsidy(ledger):
    party(ledger, "E1")
    error = refusal(ledger, "sci_demo_project", "E1", "project:P1", "2025-03-01", amount="100万")
    assert isinstance(error, BadInput) and "grant award" in error.text.en


def test_claims_come_after_the_repayment_and_after_the_policy_was_bought(ledger):
    party(ledger, "E1")
    loan(ledger, "A", "E1", "100万", "2025-01-05", "2026-01-05", repaid="2026-01-05")
    early = refusal(ledger, "tbd_interest_subsidy", "E1", "loan:A", "2026-01-04")
    assert early.rule == "tbd_interest_subsidy.interest" and "2026-01-04" in early.text.en
    policy(ledger, "P1", "E1", "8万", "2025-09-01")
    before = refusal(ledger, "qingkebao_premium_subsidy", "E1", "insurance:P1", "2025-08-31")
    assert before.rule == "qingkebao_premium_subsidy.premium"
