"""The row kinds a batch file may hold; a capability adds its own with one entry in ROW_KINDS."""

from __future__ import annotations

from datetime import date

from qdledger.enterprises import register
from qdledger.grants.service import award, milestone_result, release
from qdledger.i18n import Text
from qdledger.imports.rows import Column, RowKind, amount, choice, day
from qdledger.integrity.recoveries import repay
from qdledger.ledger.application import Command
from qdledger.money import parse_rate
from qdledger.subsidies.service import ClaimInput, claim, pay

GRANT = Column("grant", Text("项目资助编号", "grant id"), argument="grant_id")
AMOUNT = Column("amount", Text("金额：4000000、4,000,000.00 或 400万", "amount: 4000000, 4,000,000.00 or 400万"), amount)
DATE = Column("date", Text("业务日期 YYYY-MM-DD", "business date YYYY-MM-DD"), day, argument="day")


def subsidy_claim(*, program: str, enterprise: str, object_ref: str, day: date, base: int | None = None,
                  fee_rate=None, claim_id: str | None = None) -> Command:
    """A claim row: the stated facts of the object become the claim's inputs."""
    return claim(program=program, enterprise=enterprise, object_ref=object_ref, day=day,
                 inputs=ClaimInput(base=base, fee_rate=fee_rate), claim_id=claim_id)

ROW_KINDS: dict[str, RowKind] = {
    "enterprise": RowKind(
        "enterprise", Text("登记主体（enterprise register）", "register a party (enterprise register)"),
        (Column("id", Text("主体编号", "the party's id"), argument="key"),
         Column("name", Text("名称", "registered name")),
         Column("credit_code", Text("统一社会信用代码（18 位）", "unified social credit code (18 characters)")),
         Column("district", Text("所在区（市）", "district")),
         Column("party_kind", Text("主体类型 enterprise|institute|university|nri|platform，默认 enterprise",
                                   "enterprise|institute|university|nri|platform, default enterprise"),
                required=False, argument="kind"),
         DATE),
        register,
        {"id": "E001", "name": "青岛海研智能装备有限公司", "credit_code": "91370212MA3C5Y2K1H", "district": "崂山区",
         "date": "2024-11-01"}),
    "award": RowKind(
        "award", Text("立项（grant award）", "award a grant (grant award)"),
        (GRANT, Column("enterprise", Text("承担单位编号", "id of the party receiving the grant")),
         Column("program", Text("项目类别，如 sci_demo_project（见 policy list）", "program id, e.g. sci_demo_project (see policy list)")),
         Column("project_budget", Text("项目资金总额", "total project budget"), amount), AMOUNT, DATE,
         Column("project", Text("项目编号，默认同资助编号", "project id, default the grant id"), required=False)),
        award,
        {"grant": "G1", "enterprise": "E001", "program": "sci_demo_project", "project_budget": "4500万",
         "amount": "1000万", "date": "2024-12-20"}),
    "release": RowKind(
        "release", Text("分期拨付（grant release）", "release a tranche (grant release)"),
        (GRANT, AMOUNT, DATE), release,
        {"grant": "G1", "amount": "400万", "date": "2025-01-10"}),
    "milestone": RowKind(
        "milestone", Text("中期评估或验收结果（grant midterm / grant acceptance）",
                          "a mid-term evaluation or acceptance result (grant midterm / grant acceptance)"),
        (GRANT, Column("milestone", Text("midterm（中期评估）或 acceptance（验收）", "midterm or acceptance"),
                       choice("midterm", "acceptance")),
         Column("result", Text("passed 或 failed", "passed or failed"), choice("passed", "failed")), DATE),
        milestone_result,
        {"grant": "G1", "milestone": "midterm", "result": "passed", "date": "2025-12-15"}),
    "repayment": RowKind(
        "repayment", Text("退回追回款（recovery repay）", "a repayment of a recovery (recovery repay)"),
        (GRANT, AMOUNT, DATE), repay,
        {"grant": "G1", "amount": "300万", "date": "2027-01-15"},
        Text("项目 G1 的追回决定（integrity decide 或 recovery order）", "a recovery ordered on grant G1 (integrity decide or recovery order)")),
    "claim": RowKind(
        "claim", Text("补贴申报核定（subsidy claim）", "a subsidy claim (subsidy claim)"),
        (Column("program", Text("补贴项目，如 tbd_interest_subsidy（见 policy list）", "program id, e.g. tbd_interest_subsidy (see policy list)")),
         Column("enterprise", Text("申报单位编号", "id of the claiming party")),
         Column("object", Text("补贴对象 KIND:ID，如 loan:A", "the object it pays on, KIND:ID, e.g. loan:A"), argument="object_ref"),
         DATE,
         Column("base", Text("计算基数（按项目要求）", "the recorded base, where the program needs one"), amount, required=False),
         Column("fee_rate", Text("担保/保险费率 %，如 1.5", "guarantee or insurance fee rate in percent, e.g. 1.5"), parse_rate,
                required=False),
         Column("claim", Text("申报编号，默认自动编号", "claim id; default an automatic one"), required=False, argument="claim_id")),
        subsidy_claim,
        {"program": "tbd_interest_subsidy", "enterprise": "E001", "object": "loan:A", "date": "2026-03-02"},
        Text("已登记并正常还款的贷款 A（loan register、loan repaid）", "loan A registered and repaid on time (loan register, loan repaid)")),
    "payment": RowKind(
        "payment", Text("拨付已核定补贴（subsidy pay）", "pay an approved subsidy (subsidy pay)"),
        (Column("claim", Text("申报编号", "the claim id"), argument="claim_id"), DATE,
         Column("amount", Text("金额，默认全部未付金额", "amount; default all that is outstanding"), amount, required=False)),
        pay,
        {"claim": "E001-S1", "date": "2026-04-01"},
        Text("已核定的申报 E001-S1（subsidy claim）", "the approved claim E001-S1 (subsidy claim)")),
}
"""Every row kind by the name written in the ``kind`` column."""
