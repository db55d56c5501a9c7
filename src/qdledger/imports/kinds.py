"""The row kinds a batch file may hold; a capability adds its own with one entry in ROW_KINDS."""

from __future__ import annotations

from qdledger.enterprises import register
from qdledger.grants.service import award, milestone_result, release
from qdledger.i18n import Text
from qdledger.imports.rows import Column, RowKind, amount, choice, day

GRANT = Column("grant", Text("项目资助编号", "grant id"), argument="grant_id")
AMOUNT = Column("amount", Text("金额：4000000、4,000,000.00 或 400万", "amount: 4000000, 4,000,000.00 or 400万"), amount)
DATE = Column("date", Text("业务日期 YYYY-MM-DD", "business date YYYY-MM-DD"), day, argument="day")

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
}
"""Every row kind by the name written in the ``kind`` column."""
