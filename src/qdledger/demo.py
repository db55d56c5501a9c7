"""A walk through a realistic fund history, told step by step for a finance officer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from fractions import Fraction

from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.equity.exits import exit_position, quote_exit
from qdledger.equity.service import invest_in, record_award
from qdledger.errors import LedgerError
from qdledger.grants.service import award_grant, record_milestone, release_tranche
from qdledger.integrity.cases import decide_case, open_case
from qdledger.integrity.recoveries import repay_recovery
from qdledger.i18n import Text
from qdledger.ledger.application import Context, Ledger
from qdledger.money import parse_amount, show_yuan
from qdledger.reports import trial_balance


@dataclass
class Step:
    """One thing the demo does, what it tells the reader, and whether a refusal is expected."""

    title: Text
    action: Callable[[Ledger, Context], dict[str, Any]]
    expect_refusal: bool = False
    tell: Callable[[dict[str, Any]], Text] | None = None


def _amount(text: str) -> int:
    return parse_amount(text)


def story() -> list[Step]:
    """The steps, in business-date order."""
    d = date.fromisoformat
    return [
        Step(Text("登记企业：青岛海研智能装备有限公司（崂山区）", "Register an enterprise: Qingdao Haiyan Intelligent Equipment (Laoshan)"),
             lambda l, c: register_enterprise(l, c, key="E001", name="青岛海研智能装备有限公司", credit_code="91370212MA3C5Y2K1H",
                                              district="崂山区", day=d("2024-11-01"))),
        Step(Text("登记企业：青岛蓝谷新材料科技有限公司（即墨区）", "Register an enterprise: Qingdao Langu New Materials (Jimo)"),
             lambda l, c: register_enterprise(l, c, key="E002", name="青岛蓝谷新材料科技有限公司", credit_code="91370282MA94XY3N5D",
                                              district="即墨区", day=d("2024-11-05"))),
        Step(Text("科技示范工程立项：项目总额 2,400万，申请 900万 —— 超过 1/3 上限，应被拒绝",
                  "Award a demonstration project: budget 24M, 9M requested — above the 1/3 cap, must be refused"),
             lambda l, c: award_grant(l, c, grant_id="G2024-017", enterprise="E002", program="sci_demo_project",
                                      project_budget=_amount("2400万"), amount=_amount("900万"), day=d("2024-12-20")),
             expect_refusal=True),
        Step(Text("按上限改为 800万 立项", "Award 8M instead, at the cap"),
             lambda l, c: award_grant(l, c, grant_id="G2024-017", enterprise="E002", program="sci_demo_project",
                                      project_budget=_amount("2400万"), amount=_amount("800万"), day=d("2024-12-20"))),
        Step(Text("科技示范工程立项：项目总额 4,500万，批准 1,000万（E001）",
                  "Award a demonstration project: budget 45M, 10M approved (E001)"),
             lambda l, c: award_grant(l, c, grant_id="G2024-009", enterprise="E001", program="sci_demo_project",
                                      project_budget=_amount("4500万"), amount=_amount("1000万"), day=d("2024-12-20"))),
        Step(Text("首期拨付 400万（40%）", "First tranche: 4M (40%)"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-009", amount=_amount("400万"), day=d("2025-01-10"))),
        Step(Text("中期评估前再拨 1 元 —— 超过 40% 上限，应被拒绝", "One more yuan before the mid-term review — above 40%, must be refused"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-009", amount=_amount("1"), day=d("2025-06-01")),
             expect_refusal=True),
        Step(Text("中期评估通过", "Mid-term evaluation passed"),
             lambda l, c: record_milestone(l, c, grant_id="G2024-009", milestone="midterm", result="passed", day=d("2026-01-15"))),
        Step(Text("第二期拨付 400万（累计 80%）", "Second tranche: 4M (80% cumulative)"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-009", amount=_amount("400万"), day=d("2026-01-20"))),
        Step(Text("验收前再拨 50万 —— 超过 80% 上限，应被拒绝", "500k more before acceptance — above 80%, must be refused"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-009", amount=_amount("50万"), day=d("2026-06-01")),
             expect_refusal=True),
        Step(Text("项目验收通过", "Acceptance passed"),
             lambda l, c: record_milestone(l, c, grant_id="G2024-009", milestone="acceptance", result="passed", day=d("2027-03-01"))),
        Step(Text("拨付剩余 200万", "Release the remaining 2M"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-009", amount=_amount("200万"), day=d("2027-03-10"))),
        *clawback(),
        *equity_exit(),
        Step(Text("E001 汇总", "E001 totals"), lambda l, c: show_enterprise(l, "E001")),
        Step(Text("试算平衡", "Trial balance"), lambda l, c: trial_balance(l)),
    ]


def clawback() -> list[Step]:
    """E002: a first tranche, then a research-integrity finding: suspension, decision, recovery, ban."""
    d = date.fromisoformat
    return [
        Step(Text("E002 首期拨付 320万（40%）", "E002 first tranche: 3.2M (40%)"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-017", amount=_amount("320万"), day=d("2025-01-15"))),
        Step(Text("E002 科研失信案件立案，暂停拨付其全部在研项目", "Integrity case opened on E002; all its releases suspended"),
             lambda l, c: open_case(l, c, case_id="C2026-003", party="E002", day=d("2026-09-01"), suspend="all"),
             tell=lambda r: Text(f"暂停拨付：{', '.join(r['suspended_grants'])}", f"releases suspended: {', '.join(r['suspended_grants'])}")),
        Step(Text("暂停期间拨付 1 元 —— 应被拒绝", "Release 1 yuan while suspended — must be refused"),
             lambda l, c: release_tranche(l, c, grant_id="G2024-017", amount=_amount("1"), day=d("2026-10-01")),
             expect_refusal=True),
        Step(Text("处理决定：严重，终止项目，追回已拨资金，禁止申报 4 年", "Decision: grave; project terminated, all disbursed money recovered, 4-year ban"),
             lambda l, c: decide_case(l, c, case_id="C2026-003", severity="严重", day=d("2026-12-01"), ban_years=4,
                                      terminate="all", recover="all"),
             tell=lambda r: Text(f"释放未拨付承诺 {_show(r['released_commitment'])}，应收追回款 {_show(r['recovery']['outstanding'])}，"
                                 f"扣除暂停 {r['suspended_days']} 天后禁止期至 {r['ban_until']}",
                                 f"undisbursed commitment released {_show(r['released_commitment'])}, receivable "
                                 f"{_show(r['recovery']['outstanding'])}, ban until {r['ban_until']} after {r['suspended_days']} days suspended")),
        Step(Text("禁止期内向 E002 立项关键技术攻关 —— 应被拒绝", "Award E002 a key-technology project during the ban — must be refused"),
             lambda l, c: award_grant(l, c, grant_id="G2027-002", enterprise="E002", program="key_tech_project",
                                      project_budget=_amount("600万"), amount=_amount("300万"), day=d("2027-01-10")),
             expect_refusal=True),
        Step(Text("E002 退回 120万", "E002 repays 1.2M"),
             lambda l, c: repay_recovery(l, c, grant_id="G2024-017", amount=_amount("120万"), day=d("2027-02-01")),
             tell=lambda r: Text(f"已追回 {_show(r['recovered'])}，尚欠 {_show(r['receivable'])}",
                                 f"recovered {_show(r['recovered'])}, still owed {_show(r['receivable'])}")),
    ]


def equity_exit() -> list[Step]:
    """E003: a 拨改投 investment, awards won while held, a quote, then the exit with 收益让渡."""
    d = date.fromisoformat
    return [
        Step(Text("登记企业：青岛澜海生物医药有限公司（黄岛区）", "Register an enterprise: Qingdao Lanhai Biomedicine (Huangdao)"),
             lambda l, c: register_enterprise(l, c, key="E003", name="青岛澜海生物医药有限公司", credit_code="91370214MA3R8QW7KT",
                                              district="黄岛区", day=d("2024-12-01"))),
        Step(Text("拨改投：向 E003 投资 1,000万，持股 18%（最大股东 40%），期限 5 年", "Grant-to-investment: 10M into E003 for 18% (largest other holder 40%), 5 years"),
             lambda l, c: invest_in(l, c, position_id="P2025-001", enterprise="E003", amount=_amount("1000万"),
                                    stake=Fraction(18, 100), largest_other=Fraction(40, 100), term_years=5, day=d("2025-01-02")),
             tell=lambda r: Text(f"股权投资（成本）{_show(r['principal'])}，到期日 {r['maturity']}",
                                 f"equity at cost {_show(r['principal'])}, maturity {r['maturity']}")),
        Step(Text("E003 作为牵头单位获山东省科技奖一等奖", "E003, as lead unit, wins a Shandong provincial first prize"),
             lambda l, c: record_award(l, c, position_id="P2025-001", level="provincial", rank=1, day=d("2027-06-01")),
             tell=lambda r: Text("记入持有期奖项", "award recorded for the holding period")),
        Step(Text("E003 获青岛市科技奖二等奖", "E003 wins a Qingdao municipal second prize"),
             lambda l, c: record_award(l, c, position_id="P2025-001", level="municipal", rank=2, day=d("2028-06-01")),
             tell=lambda r: Text("记入持有期奖项", "award recorded for the holding period")),
        Step(Text("到期回购测算：净收入 1,600万（不写入）", "Quote a buyback at maturity for 16M net (nothing written)"),
             lambda l, c: quote_exit(l, position_id="P2025-001", day=d("2030-01-02"), proceeds=_amount("1600万")),
             tell=_tell_exit),
        Step(Text("按最高让渡比例批准回购退出", "Exit by buyback with the maximum concession approved"),
             lambda l, c: exit_position(l, c, position_id="P2025-001", day=d("2030-01-02"), proceeds=_amount("1600万"),
                                        method="buyback", approval="青科投〔2029〕12号"),
             tell=_tell_exit),
    ]


def _show(amount: str) -> str:
    return show_yuan(parse_amount(amount, allow_zero=True))


def _tell_exit(r: dict[str, Any]) -> Text:
    grounds = "、".join(f"{g['ground']} {g['share']}%" for g in r["grounds"])
    return Text(f"收益 {_show(r['return'])}；依据 {grounds}；就高取 {r['chosen_ground']}（不叠加）；让渡 {_show(r['concession'])}；"
                f"财政收回 {_show(r['fund_receives'])}",
                f"return {_show(r['return'])}; grounds {grounds}; the highest, {r['chosen_ground']}, applies (never a sum); "
                f"concession {_show(r['concession'])}; the fund receives {_show(r['fund_receives'])}")


def run_demo(ledger: Ledger, actor: str = "demo") -> Iterator[tuple[Step, dict[str, Any] | None, LedgerError | None]]:
    """Run each step; yield what it returned or the refusal it met."""
    ctx = Context(actor=actor, reference="DEMO")
    for step in story():
        try:
            yield step, step.action(ledger, ctx), None
        except LedgerError as refusal:
            if not step.expect_refusal:
                raise
            yield step, None, refusal


def money(view: dict[str, Any], key: str) -> str:
    return show_yuan(parse_amount(view[key], allow_zero=True))
