"""A walk through a realistic fund history, told step by step for a finance officer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.errors import LedgerError
from qdledger.grants.service import award_grant, record_milestone, release_tranche
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
        Step(Text("E001 汇总", "E001 totals"), lambda l, c: show_enterprise(l, "E001")),
        Step(Text("试算平衡", "Trial balance"), lambda l, c: trial_balance(l)),
    ]


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
