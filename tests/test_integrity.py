"""Integrity cases, bans and recoveries at library level: the arithmetic, the refusals and the compensations."""

from __future__ import annotations

from datetime import date

import pytest

from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.errors import AlreadyExists, BadInput, RuleViolation, UnknownId
from qdledger.grants.service import award_grant, record_milestone, release_tranche, show_grant
from qdledger.integrity.cases import decide_case, list_cases, open_case, repair_case, review_case, show_case
from qdledger.integrity.recoveries import order_recovery, repay_recovery, reverse_recovery, show_recovery
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from qdledger.money import parse_amount
from qdledger.policy.loader import policy_book
from qdledger.reports import balances, trial_balance

CTX = Context(actor="officer", reference="test")
d = date.fromisoformat
W = parse_amount


def party(ledger, key="E1", code="91370212MA3C5Y2K1H") -> None:
    register_enterprise(ledger, CTX, key=key, name=f"企业{key}", credit_code=code, district="崂山区", day=d("2024-11-01"))


def grant(ledger, gid="G1", key="E1", amount="1000万", budget="4500万", day="2024-12-20") -> None:
    award_grant(ledger, CTX, grant_id=gid, enterprise=key, program="sci_demo_project", project_budget=W(budget),
                amount=W(amount), day=d(day))


def e4_until_case(ledger) -> None:
    """E4 up to 800万 disbursed, then case C1 opened on 2026-09-01 with 暂停拨付 on all grants."""
    party(ledger)
    grant(ledger)
    release_tranche(ledger, CTX, grant_id="G1", amount=W("400万"), day=d("2025-01-10"))
    record_milestone(ledger, CTX, grant_id="G1", milestone="midterm", result="passed", day=d("2026-01-15"))
    release_tranche(ledger, CTX, grant_id="G1", amount=W("400万"), day=d("2026-01-20"))
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-09-01"))


def grave(ledger, **extra):
    fields = dict(case_id="C1", severity="严重", day=d("2026-12-01"), ban_years=4, terminate="all", recover="all") | extra
    return decide_case(ledger, CTX, **fields)


def refused(call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_ban_is_shortened_by_the_days_suspended_before_the_decision(ledger):
    e4_until_case(ledger)
    case = grave(ledger)
    assert (case["suspended_days"], case["ban_until_decided"], case["ban_until"]) == (91, "2030-09-01", "2030-09-01")


@pytest.mark.parametrize("severity, years, zh, en", [
    ("严重", 9, "情节严重的，禁止期限 3 至 5 年（含）；本次 9 年", "a grave (严重) finding carries a ban of 3 to 5 years inclusive"),
    ("较重", 4, "情节较重的，禁止期限不超过 3 年；本次 4 年", "a serious (较重) finding carries a ban of at most 3 years"),
    ("特别严重", 2, "情节特别严重的，禁止期限不少于 5 年；本次 2 年", "an extreme (特别严重) finding carries a ban of at least 5 years")])
def test_a_ban_refusal_words_its_bounds_as_the_policy_catalogue_does(ledger, severity, years, zh, en):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"))
    error = refused(decide_case, ledger, CTX, case_id="C1", severity=severity, day=d("2026-03-01"), ban_years=years)
    article = {"严重": "（三）", "较重": "（二）", "特别严重": "（四）"}[severity]
    assert error.text.zh == f"第十三条第{article}项：{zh}"
    assert error.text.en == f"第十三条第{article}项: {en}; this decision sets {years} years"
    term = zh.split("，", 1)[1].split("；")[0]
    assert error.hint.zh == f"--ban-years 须符合：{term}；或改变情节认定"
    program, _, key = error.rule.partition(".")
    assert f"；{term}" in policy_book().latest(program).program.rules[key].describe().zh  # what `policy show` says


def test_without_a_suspension_the_ban_runs_full_years_and_leap_days_fall_on_28_february(ledger):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"), suspend="none")
    case = decide_case(ledger, CTX, case_id="C1", severity="extreme", day=d("2026-02-28"), ban_years=5, measures="五,九")
    assert (case["suspended_days"], case["ban_until"]) == (0, "2031-02-28")


@pytest.mark.parametrize("severity, years, ok", [
    ("较重", 3, True), ("较重", 4, False), ("严重", 2, False), ("严重", 3, True), ("严重", 5, True), ("严重", 6, False),
    ("特别严重", 4, False), ("特别严重", 5, True), ("特别严重", 12, True)])
def test_ban_bounds_are_inclusive(ledger, severity, years, ok):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"))
    decide = lambda: decide_case(ledger, CTX, case_id="C1", severity=severity, day=d("2026-03-01"), ban_years=years)
    if ok:
        assert decide()["ban_years"] == years
    else:
        error = refused(decide)
        assert error.details["ban_years"] == years and f"{years} 年" in error.text.zh and "第十三条" in error.citation


@pytest.mark.parametrize("measures", ["五", "七", "八", "五,八", "七,八"])
def test_measures_five_seven_eight_require_nine(ledger, measures):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"))
    error = refused(decide_case, ledger, CTX, case_id="C1", severity="较重", day=d("2026-03-01"), ban_years=2,
                    measures=measures)
    assert error.rule == "research_integrity.database_required" and "（九）" in error.text.zh
    assert decide_case(ledger, CTX, case_id="C1", severity="较重", day=d("2026-03-01"), ban_years=2,
                       measures=measures + ",九")["measures"][-1] == "九"


def test_a_minor_finding_allows_only_measures_one_and_three(ledger):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"))
    error = refused(decide_case, ledger, CTX, case_id="C1", severity="minor", day=d("2026-03-01"), measures="一,二")
    assert error.rule == "research_integrity.minor" and "（二）" in error.text.zh
    assert decide_case(ledger, CTX, case_id="C1", severity="minor", day=d("2026-03-01"))["measures"] == ["一"]


def test_terminating_releases_the_commitment_and_the_recovery_is_a_receivable(ledger):
    e4_until_case(ledger)
    grave(ledger)
    totals = balances(ledger)
    assert totals["grants:payable"] == 0 and totals["budget:obligated"] == 0
    assert totals["recoveries:receivable"] == W("800万") and totals["grants:disbursed"] == 0
    assert trial_balance(ledger)["total"] == "0.00"
    assert refused(release_tranche, ledger, CTX, grant_id="G1", amount=1, day=d("2027-01-01")).rule == "research_integrity.termination"


def test_a_named_recovery_cannot_exceed_disbursed_less_already_claimed(ledger):
    e4_until_case(ledger)
    error = refused(grave, ledger, recover="801万", reason="挪用")
    assert (error.limit, error.used, error.requested, error.excess) == (W("800万"), 0, W("801万"), W("1万"))
    grave(ledger, recover="500万", reason="挪用部分")
    error = refused(order_recovery, ledger, CTX, grants=["G1"], basis="amount", amount=W("300万") + 1, reason="结余",
                    day=d("2026-12-02"))
    assert (error.limit, error.used, error.excess) == (W("800万"), W("500万"), 1)
    view = order_recovery(ledger, CTX, grants=["G1"], basis="amount", amount=W("300万"), reason="结余", day=d("2026-12-02"))
    assert [o["id"] for o in view["orders"]] == ["G1#1", "G1#2"] and view["receivable"] == "8000000.00"
    assert refused(order_recovery, ledger, CTX, grants=["G1"], basis="all", day=d("2026-12-03")).limit == W("800万")


def test_repayments_go_to_the_oldest_order_first_and_never_below_zero(ledger):
    e4_until_case(ledger)
    grave(ledger, recover="500万", reason="挪用部分")
    order_recovery(ledger, CTX, grants=["G1"], basis="amount", amount=W("300万"), reason="结余", day=d("2027-01-01"))
    error = refused(repay_recovery, ledger, CTX, grant_id="G1", amount=W("500万") + 1, day=d("2026-12-31"))
    assert (error.limit, error.excess) == (W("500万"), 1)
    view = repay_recovery(ledger, CTX, grant_id="G1", amount=W("600万"), day=d("2027-01-02"))
    assert [(o["repaid"], o["outstanding"]) for o in view["orders"]] == [("5000000.00", "0.00"), ("1000000.00", "2000000.00")]
    assert (view["recovered"], view["receivable"]) == ("6000000.00", "2000000.00")


def test_covenant_refund_is_due_six_months_after_the_breach(ledger):
    party(ledger)
    grant(ledger)
    release_tranche(ledger, CTX, grant_id="G1", amount=W("400万"), day=d("2025-01-10"))
    view = order_recovery(ledger, CTX, grants=["G1"], basis="covenant", day=d("2025-08-31"))
    (order,) = view["orders"]
    assert (order["amount"], order["due_on"], order["figures"]["due_months"]) == ("4000000.00", "2026-02-28", 6)


def test_proportional_clawback_needs_a_matched_funding_program_and_a_shortfall(ledger):
    party(ledger)
    grant(ledger)
    release_tranche(ledger, CTX, grant_id="G1", amount=W("400万"), day=d("2025-01-10"))
    with pytest.raises(BadInput):
        order_recovery(ledger, CTX, grants=["G1"], basis="proportional", planned=W("100万"), actual=W("50万"), day=d("2025-03-01"))
    award_grant(ledger, CTX, grant_id="P1", enterprise="E1", program="poc_pilot_construction_subsidy",
                project_budget=W("2000万"), amount=W("600万"), day=d("2024-12-20"))
    release_tranche(ledger, CTX, grant_id="P1", amount=W("600万"), day=d("2025-01-10"))
    with pytest.raises(BadInput):
        order_recovery(ledger, CTX, grants=["P1"], basis="proportional", planned=W("100万"), actual=W("100万"), day=d("2025-03-01"))
    view = order_recovery(ledger, CTX, grants=["P1"], basis="proportional", planned=W("3"), actual=W("1"), day=d("2025-03-01"))
    assert view["orders"][0]["amount"] == "4000000.00"  # 600万 × 2/3, exact
    view = order_recovery(ledger, CTX, grants=["P1"], basis="proportional", planned=W("7"), actual=W("6"), day=d("2025-03-02"))
    assert view["orders"][1]["amount"] == "857142.86"  # 600万 × 1/7 = 857142.857… half-up


def test_credit_repair_shortens_the_ban_or_removes_the_listing(ledger):
    e4_until_case(ledger)
    grave(ledger)
    for day, until in (("2026-11-30", "2029-01-01"), ("2028-01-01", "2030-09-01"), ("2028-01-01", "2027-12-31")):
        assert refused(repair_case, ledger, CTX, case_id="C1", day=d(day), ban_until=d(until)).rule == "research_integrity.credit_repair"
    case = repair_case(ledger, CTX, case_id="C1", day=d("2028-01-01"), ban_until=d("2029-01-01"))
    assert (case["ban_until"], case["ban_until_decided"]) == ("2029-01-01", "2030-09-01")
    assert refused(grant, ledger, "G2", budget="900万", amount="300万", day="2027-01-15").details["ban_until"] == "2029-01-01"
    assert show_enterprise(ledger, "E1")["banned_until"] == "2029-01-01"
    case = repair_case(ledger, CTX, case_id="C1", day=d("2028-06-01"), remove=True)
    assert (case["ban_until"], case["removed_on"]) == ("2028-06-01", "2028-06-01")
    assert [e["case"] for e in list_cases(ledger, d("2028-05-31"))["entries"]] == ["C1"]
    assert list_cases(ledger, d("2028-06-01"))["entries"] == []
    with pytest.raises(RuleViolation):
        repair_case(ledger, CTX, case_id="C1", day=d("2028-07-01"), remove=True)


def test_a_review_does_not_stop_the_decision_and_a_revocation_compensates(ledger):
    e4_until_case(ledger)
    grave(ledger)
    review_case(ledger, CTX, case_id="C1", day=d("2026-12-10"))
    assert refused(grant, ledger, "G2", budget="900万", amount="300万", day="2027-01-15").rule == "research_integrity.award_ban"
    repay_recovery(ledger, CTX, grant_id="G1", amount=W("300万"), day=d("2027-01-10"))
    case = review_case(ledger, CTX, case_id="C1", day=d("2027-02-01"), result="revoked")
    assert (case["status"], case["ban_until"], case["revoked_on"]) == ("revoked", "2027-02-01", "2027-02-01")
    assert (case["recovery"]["outstanding"], case["recovery"]["repaid"], case["recovery"]["cancelled"]) == ("0.00", "0.00", "5000000.00")
    view = show_grant(ledger, "G1")
    assert (view["status"], view["recovered"], view["receivable"]) == ("terminated", "0.00", "0.00")
    owed = balances(ledger)
    assert (owed["recoveries:receivable"], owed["grants:disbursed"], owed["recoveries:cancelled"], owed["recoveries:refunded"]) == (
        0, 0, W("500万"), W("300万"))
    assert owed["grants:disbursed"] + owed["recoveries:cancelled"] + owed["recoveries:refunded"] == W("800万")
    assert trial_balance(ledger)["total"] == "0.00"
    grant(ledger, "G2", budget="900万", amount="300万", day="2027-02-01")
    assert [r["result"] for r in show_case(ledger, "C1")["reviews"]] == ["requested", "revoked"]


def test_reversal_cancels_the_unpaid_part_first_then_refunds(ledger):
    e4_until_case(ledger)
    grave(ledger)
    repay_recovery(ledger, CTX, grant_id="G1", amount=W("600万"), day=d("2027-01-10"))
    error = refused(reverse_recovery, ledger, CTX, grant_id="G1", day=d("2027-02-01"), amount=W("800万") + 1)
    assert (error.limit, error.excess) == (W("800万"), 1)
    view = reverse_recovery(ledger, CTX, grant_id="G1", day=d("2027-02-01"), amount=W("300万"))
    (order,) = view["orders"]
    assert (order["cancelled"], order["refunded"], view["recovered"], view["receivable"]) == (
        "2000000.00", "1000000.00", "5000000.00", "0.00")
    assert trial_balance(ledger)["total"] == "0.00"


def test_opening_a_case_checks_party_id_grants_and_the_regime_window(ledger):
    party(ledger)
    party(ledger, "E2", "91370282MA94XY3N5D")
    grant(ledger)
    grant(ledger, "G2", key="E2")
    with pytest.raises(UnknownId):
        open_case(ledger, CTX, case_id="C1", party="E9", day=d("2026-01-10"))
    with pytest.raises(BadInput):
        open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"), suspend="G2")
    with pytest.raises(BadInput):
        open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"), grounds="十四")
    assert refused(open_case, ledger, CTX, case_id="C1", party="E1", day=d("2027-03-14")).rule == "research_integrity.validity"
    opened = open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"), grounds="4, (八)")
    assert opened["grounds"] == ["四", "八"] and opened["suspended_grants"] == ["G1"]
    with pytest.raises(AlreadyExists):
        open_case(ledger, CTX, case_id="C1", party="E2", day=d("2026-01-10"))
    assert show_grant(ledger, "G2")["status"] == "active"


def test_dry_run_and_refusals_write_nothing(ledger):
    e4_until_case(ledger)
    before = len(list(ledger.all_events()))
    dry = decide_case(ledger, Context(actor="officer", dry_run=True), case_id="C1", severity="严重", day=d("2026-12-01"),
                      ban_years=4, terminate="all", recover="all")
    assert [e["type"] for e in dry["would_record"]] == ["IntegrityDecisionRecorded", "GrantTerminated", "RecoveryOrdered"]
    refused(grave, ledger, ban_years=6)
    assert len(list(ledger.all_events())) == before
    assert show_case(ledger, "C1")["status"] == "open"


def test_replayed_state_in_a_new_process_equals_what_the_commands_returned(ledger_url):
    ledger = open_ledger(ledger_url)
    try:
        e4_until_case(ledger)
        live_case = grave(ledger)
        live_recovery = repay_recovery(ledger, CTX, grant_id="G1", amount=W("300万"), day=d("2027-01-10"))
    finally:
        ledger.close()
    again = open_ledger(ledger_url)
    try:
        assert show_case(again, "C1") | {"recovery": None} == live_case | {"recovery": None}
        assert show_recovery(again, "G1") == live_recovery
    finally:
        again.close()


def refusals_of_a_case(ledger) -> list[RuleViolation]:
    """One of each integrity refusal, met on the E4 history."""
    e4_until_case(ledger)
    met = [refused(release_tranche, ledger, CTX, grant_id="G1", amount=W("1万"), day=d("2026-09-02")),
           refused(grave, ledger, severity="较重"),
           refused(grave, ledger, measures="四,五"),
           refused(grave, ledger, severity="较轻", ban_years=None, terminate=None, recover=None, measures="一,四"),
           refused(grave, ledger, measures="二,五,九"),
           refused(grave, ledger, recover="900万", reason="挪用")]
    grave(ledger)
    met += [refused(release_tranche, ledger, CTX, grant_id="G1", amount=1, day=d("2027-01-01")),
            refused(grant, ledger, "G2", budget="900万", amount="300万", day="2027-01-15"),
            refused(repay_recovery, ledger, CTX, grant_id="G1", amount=W("800万") + 1, day=d("2027-01-10")),
            refused(reverse_recovery, ledger, CTX, grant_id="G1", day=d("2027-01-10"), amount=W("900万")),
            refused(repair_case, ledger, CTX, case_id="C1", day=d("2031-01-01"), ban_until=d("2031-02-01")),
            refused(order_recovery, ledger, CTX, grants=["G1"], basis="all", day=d("2027-01-11"))]
    return met


def test_every_refusal_opens_with_its_article_cites_the_seed_and_gives_the_numbers(ledger):
    refusals = refusals_of_a_case(ledger)
    assert len({e.rule for e in refusals}) >= 10
    for error in refusals:
        article = error.citation.split("》", 1)[1].split(" [", 1)[0]
        assert error.text.zh.startswith(article + "：") and error.text.en.startswith(article + ": "), error.text
        assert "[002_c7edba7bc4e1e1ff.txt:" in error.citation
        assert error.requested is not None or any(ch.isdigit() or ch in "（" for ch in error.text.zh.split("：", 1)[1])
        assert error.hint is not None


def test_an_order_can_belong_to_the_partys_own_case_and_names_each_grant_once(ledger):
    e4_until_case(ledger)
    party(ledger, "E2", "91370282MA94XY3N5D")
    open_case(ledger, CTX, case_id="C2", party="E2", day=d("2026-09-01"))
    with pytest.raises(BadInput):
        order_recovery(ledger, CTX, grants=["G1"], basis="amount", amount=W("100万"), reason="挪用", day=d("2026-10-01"),
                       case_id="C2")
    view = order_recovery(ledger, CTX, grants=["G1", "G1"], basis="all", day=d("2026-10-01"), case_id="C1")
    assert view["receivable"] == "8000000.00" and view["orders_made"] == ["G1#1"]
    assert show_case(ledger, "C1")["recovery"]["outstanding"] == "8000000.00"


def test_holding_applications_stops_new_awards_until_the_decision(ledger):
    party(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2025-03-01"), hold_applications=True)
    grant(ledger, "G0", day="2025-02-28")
    error = refused(grant, ledger, "G1", day="2025-03-01")
    assert error.rule == "research_integrity.interim_suspension" and error.text.zh.startswith("第二十条：")
    decide_case(ledger, CTX, case_id="C1", severity="较轻", day=d("2025-06-01"))
    grant(ledger, "G1", day="2025-06-01")
    assert refused(grant, ledger, "G2", day="2025-05-31").details["held_from"] == "2025-03-01"


def test_measure_refusals_name_the_items_in_digits_that_measures_accepts(ledger):
    party(ledger)
    grant(ledger)
    open_case(ledger, CTX, case_id="C1", party="E1", day=d("2026-01-10"))
    minor = refused(decide_case, ledger, CTX, case_id="C1", severity="较轻", day=d("2026-03-01"), measures="五,九")
    assert (minor.hint.zh, minor.hint.en) == ("从 --measures 中去掉 5、9（第（五）（九）项），或按更重的情节认定",
                                              "drop 5, 9 (（五）（九）) from --measures, or find a heavier severity")
    missing = refused(decide_case, ledger, CTX, case_id="C1", severity="严重", day=d("2026-03-01"), ban_years=4, measures="5")
    assert (missing.hint.zh, missing.hint.en) == ("在 --measures 中加上 9（第（九）项）", "add 9 (（九）) to --measures")
    effects = refused(decide_case, ledger, CTX, case_id="C1", severity="严重", day=d("2026-03-01"), ban_years=4,
                      measures="5,9", terminate="all")
    assert (effects.hint.zh, effects.details["measures"]) == ("在 --measures 中加上 4（第（四）项）", ["五", "九"])
