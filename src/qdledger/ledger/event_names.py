"""What each kind of fact is called for people, in Chinese and English (dry runs, explanations)."""

from __future__ import annotations

from qdledger.i18n import Text

EVENT_NAMES: dict[str, Text] = {
    "Registered": Text("登记主体", "party registered"),
    "GrantAwarded": Text("项目立项", "grant awarded"),
    "TrancheReleased": Text("分期拨付", "tranche released"),
    "MilestoneRecorded": Text("记录评估/验收结果", "milestone recorded"),
    "IntegrityCaseOpened": Text("诚信案件立案", "integrity case opened"),
    "IntegrityDecisionRecorded": Text("诚信处理决定", "integrity decision recorded"),
    "IntegrityReviewRecorded": Text("复查结果", "integrity review recorded"),
    "CreditRepaired": Text("信用修复", "credit repaired"),
    "GrantTerminated": Text("项目终止", "grant terminated"),
    "RecoveryOrdered": Text("追回决定", "recovery ordered"),
    "RecoveryRepaid": Text("追回款还款", "recovery repaid"),
    "RecoveryReversed": Text("撤销追回", "recovery reversed"),
    "EquityInvested": Text("股权投资", "equity invested"),
    "EquityAwardRecorded": Text("被投企业获奖", "investee award recorded"),
    "DividendReceived": Text("收到分红", "dividend received"),
    "StakeChanged": Text("持股变动", "stake changed"),
    "TermExtended": Text("投资期限延长", "term extended"),
    "EquityExited": Text("股权退出", "equity exited"),
    "Moved": Text("基金资金变动", "fund money moved"),
    "TrusteeFeeRecorded": Text("受托管理费", "trustee fee recorded"),
    "FixingRecorded": Text("登记 LPR 报价", "LPR fixing recorded"),
    "LoanRegistered": Text("登记贷款", "loan registered"),
    "LoanRepaid": Text("贷款还清", "loan repaid"),
    "GuaranteeRegistered": Text("登记增信协议", "credit enhancement registered"),
    "InsuranceRegistered": Text("登记保单", "insurance policy registered"),
    "SubsidyClaimed": Text("补贴核定", "subsidy approved"),
    "SubsidyPaid": Text("补贴拨付", "subsidy paid"),
    "PlaceTaken": Text("占用名额", "quota place taken"),
}
"""Keyed by the event class's own name (``type`` in dry runs and history)."""


def event_name(type_name: str) -> str:
    """The fact's name in the current language, followed by its class name."""
    text = EVENT_NAMES.get(type_name)
    return f"{text.render()} ({type_name})" if text else type_name
