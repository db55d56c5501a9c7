"""The grant decision functions: project caps (D2), staging ceilings (D1) and blocked releases (D3)."""

from __future__ import annotations

from datetime import date

import pytest

from qdledger.errors import BadInput, RuleViolation
from qdledger.grants import rules
from qdledger.grants.state import GrantState
from qdledger.money import parse_amount
from qdledger.policy.loader import policy_book
from qdledger.policy.model import ProjectCap

WAN = 10_000 * 100
AWARD_DAY = date(2024, 12, 20)


def program(program_id: str):
    return policy_book().in_force(program_id, AWARD_DAY).program


def cap_of(program_id: str):
    return program(program_id).rule_of_kind(ProjectCap)


def staged(awarded: int = 1000 * WAN, stages=(("award", "2/5"), ("midterm", "4/5"), ("acceptance", "1"))) -> GrantState:
    return GrantState(grant_id="G1", program="sci_demo_project", policy_version="v", project="G1",
                      project_budget=4500 * WAN, awarded=awarded, award_date=AWARD_DAY, stages=tuple(stages),
                      staging_rule="sci_demo_project.staging", staging_citation="《青岛市科技示范工程管理实施细则》第十四条")


def release(grant: GrantState, day: str, amount: str) -> None:
    """Check a release as the service does, then apply it as the event would."""
    fen, when = parse_amount(amount), date.fromisoformat(day)
    rules.check_release_date(grant, when)
    rules.check_not_blocked(grant, fen, when)
    rules.check_within_ceiling(grant, fen, when)
    grant.releases.append((when, fen))


def review(grant: GrantState, day: str, milestone: str, result: str) -> None:
    grant.milestones.append((date.fromisoformat(day), milestone, result))


# --- project caps (D2) ----------------------------------------------------------------------------

@pytest.mark.parametrize("program_id, budget, limit", [
    ("sci_demo_project", "2400万", "800万"),       # E6: 1/3 of the budget
    ("sci_demo_project", "4500万", "1000万"),      # E4: the cap binds
    ("key_tech_project", "1200万", "500万"),       # E6: min(600万, 500万)
    ("key_tech_project", "800万", "400万"),
    ("sci_demo_project", "100.01", "33.33"),       # a third of 10,001 fen is 3,333.67 fen: at most 3,333
])
def test_the_project_limit_is_the_smaller_of_share_and_cap(program_id, budget, limit):
    _, rule = cap_of(program_id)
    assert rules.project_limit(rule, parse_amount(budget)) == parse_amount(limit)


def test_e6_an_award_above_a_third_of_the_budget_is_refused_saying_by_how_much():
    rule_id, rule = cap_of("sci_demo_project")
    with pytest.raises(RuleViolation) as refused:
        rules.check_project_cap(program("sci_demo_project"), rule_id, rule, parse_amount("2400万"), 0, parse_amount("900万"))
    error = refused.value
    assert (error.rule, error.limit, error.used, error.requested, error.excess) == (
        "sci_demo_project.project_cap", 800 * WAN, 0, 900 * WAN, 100 * WAN)
    assert "第十三条" in error.citation
    assert "8,000,000.00" in error.hint.en
    rules.check_project_cap(program("sci_demo_project"), rule_id, rule, parse_amount("2400万"), 0, parse_amount("800万"))


def test_money_already_approved_for_the_project_counts_toward_its_cap():
    rule_id, rule = cap_of("key_tech_project")
    rules.check_project_cap(program("key_tech_project"), rule_id, rule, 1200 * WAN, 300 * WAN, 200 * WAN)
    with pytest.raises(RuleViolation) as refused:
        rules.check_project_cap(program("key_tech_project"), rule_id, rule, 1200 * WAN, 300 * WAN, 200 * WAN + 1)
    assert (refused.value.used, refused.value.excess) == (300 * WAN, 1)


# --- staging ceilings (D1) ------------------------------------------------------------------------

def test_e4_forty_percent_then_one_yuan_more_is_refused_until_the_midterm_passes():
    grant = staged()
    release(grant, "2025-01-10", "400万")
    with pytest.raises(RuleViolation) as refused:
        release(grant, "2025-06-01", "1")
    error = refused.value
    assert (error.limit, error.used, error.requested, error.excess) == (400 * WAN, 400 * WAN, 100, 100)
    assert error.details["stage"] == "award"
    assert "midterm" in error.hint.en
    review(grant, "2026-01-15", "midterm", "passed")
    release(grant, "2026-01-20", "400万")
    with pytest.raises(RuleViolation) as refused:
        release(grant, "2026-06-01", "0.01")
    assert (refused.value.limit, refused.value.excess, refused.value.details["stage"]) == (800 * WAN, 1, "midterm")
    review(grant, "2027-03-01", "acceptance", "passed")
    release(grant, "2027-03-10", "200万")
    assert grant.disbursed == grant.awarded and grant.status() == "closed"


def test_a_tranche_may_be_paid_in_several_smaller_payments():
    grant = staged()
    for day in ("2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"):
        release(grant, day, "100万")
    with pytest.raises(RuleViolation):
        release(grant, "2025-05-10", "0.01")


def test_the_ceiling_is_judged_on_the_business_date_of_the_release():
    grant = staged()
    release(grant, "2025-01-10", "400万")
    review(grant, "2026-01-15", "midterm", "passed")
    with pytest.raises(RuleViolation):  # dated before the evaluation passed: still the first-stage ceiling
        release(grant, "2026-01-14", "1")
    release(grant, "2026-01-15", "1")


def test_a_backdated_pass_raises_the_ceiling_only_from_its_own_date():
    grant = staged()
    release(grant, "2025-03-01", "400万")
    review(grant, "2025-02-01", "midterm", "passed")  # recorded late, dated before the release
    release(grant, "2025-03-02", "400万")
    with pytest.raises(RuleViolation):
        release(grant, "2025-01-15", "1")  # before the pass: 40%, and 80% is already out


def test_a_cheap_ceiling_is_never_rounded_up():
    grant = staged(awarded=1001)  # 40% of 10.01 yuan is 400.4 fen
    release(grant, "2025-01-10", "4.00")
    with pytest.raises(RuleViolation) as refused:
        release(grant, "2025-01-10", "0.01")
    assert refused.value.limit == 400


def test_a_grant_without_stages_releases_up_to_the_award_at_once():
    grant = staged(awarded=500 * WAN, stages=())
    release(grant, "2025-01-10", "500万")
    with pytest.raises(RuleViolation):
        release(grant, "2025-01-11", "0.01")


def test_a_release_dated_before_the_award_is_bad_input():
    grant = staged()
    with pytest.raises(BadInput, match="before the award date"):
        release(grant, "2024-12-19", "1")


# --- failed reviews block (D3) --------------------------------------------------------------------

def test_a_failed_midterm_blocks_until_a_later_pass():
    grant = staged()
    release(grant, "2025-01-10", "100万")
    review(grant, "2025-06-01", "midterm", "failed")
    with pytest.raises(RuleViolation) as refused:
        release(grant, "2025-06-02", "1")
    assert (refused.value.limit, refused.value.used, refused.value.requested, refused.value.excess) == (
        100 * WAN, 100 * WAN, 100, 100)
    assert "failed" in refused.value.text.en and "passed" in refused.value.hint.en
    assert grant.status() == "blocked"
    review(grant, "2025-09-01", "midterm", "passed")
    release(grant, "2025-09-02", "700万")
    assert grant.status() == "active"


def test_a_release_dated_before_the_failure_is_judged_as_of_its_own_date():
    grant = staged()
    review(grant, "2025-06-01", "midterm", "failed")
    release(grant, "2025-05-31", "100万")
    with pytest.raises(RuleViolation):
        release(grant, "2025-06-01", "1")


def test_a_failure_after_a_pass_blocks_but_never_lowers_the_ceiling_below_what_was_paid():
    grant = staged()
    review(grant, "2026-01-15", "midterm", "passed")
    release(grant, "2026-01-20", "800万")
    review(grant, "2026-03-01", "midterm", "failed")
    assert grant.stage_as_of(date.max)[0] == "midterm"
    assert grant.disbursed <= grant.ceiling_as_of(date.max)
    with pytest.raises(RuleViolation, match="failed"):
        release(grant, "2026-03-02", "1")


def test_a_failed_acceptance_blocks_even_after_the_midterm_passed():
    grant = staged()
    review(grant, "2026-01-15", "midterm", "passed")
    review(grant, "2027-01-15", "acceptance", "failed")
    with pytest.raises(RuleViolation):
        release(grant, "2027-01-16", "1")
    release(grant, "2027-01-14", "1")  # dated before the failure
    review(grant, "2027-06-15", "acceptance", "passed")
    release(grant, "2027-06-16", "9,999,999")
    assert grant.disbursed == grant.awarded


def test_a_passed_acceptance_lifts_a_failed_midterm():
    grant = staged()
    review(grant, "2025-06-01", "midterm", "failed")
    review(grant, "2026-06-01", "acceptance", "passed")
    assert grant.blocked_by(date(2026, 6, 1)) is None
    release(grant, "2026-06-02", "1000万")


def test_results_recorded_on_the_same_day_count_in_the_order_recorded():
    grant = staged()
    review(grant, "2025-06-01", "midterm", "failed")
    review(grant, "2025-06-01", "midterm", "passed")
    assert grant.blocked_by(date(2025, 6, 1)) is None
    review(grant, "2025-06-01", "midterm", "failed")
    assert grant.blocked_by(date(2025, 6, 1)) == "midterm"
