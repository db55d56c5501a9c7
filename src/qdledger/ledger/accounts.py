"""The chart of accounts: every posting names one of these (debit positive, credit negative)."""

from __future__ import annotations

from qdledger.i18n import Text

CASH = "fund:cash"
OBLIGATED = "budget:obligated"
GRANTS_PAYABLE = "grants:payable"
GRANTS_DISBURSED = "grants:disbursed"
EQUITY_AT_COST = "equity:at_cost"
EQUITY_POOL = "equity:pool"
EQUITY_GAIN = "equity:gain"
EQUITY_LOSS = "equity:loss"
EQUITY_CONCESSION = "equity:concession"
EQUITY_DIVIDENDS = "equity:dividends"
EQUITY_TRUSTEE_COST = "equity:trustee_cost"
RECOVERIES_RECEIVABLE = "recoveries:receivable"
RECOVERIES_CANCELLED = "recoveries:cancelled"
RECOVERIES_REFUNDED = "recoveries:refunded"
SUBSIDIES_APPROVED = "subsidies:approved"
SUBSIDIES_PAYABLE = "subsidies:payable"
SUBSIDIES_PAID = "subsidies:paid"

CHART: dict[str, Text] = {
    CASH: Text("财政资金（银行存款）", "fund cash"),
    OBLIGATED: Text("已承诺预算", "budget obligated to awards"),
    GRANTS_PAYABLE: Text("应付资助款（已立项未拨付）", "grants payable (awarded, not yet released)"),
    GRANTS_DISBURSED: Text("已拨付资助", "grants disbursed"),
    EQUITY_AT_COST: Text("财政股权投资（成本）", "fiscal equity investments at cost"),
    EQUITY_POOL: Text("循环滚动投资资金", "revolving investment pool"),
    EQUITY_GAIN: Text("股权退出收益", "gain on equity exits"),
    EQUITY_LOSS: Text("股权退出损失（容错）", "loss on equity exits (tolerated)"),
    EQUITY_CONCESSION: Text("收益让渡", "return conceded on exits"),
    EQUITY_DIVIDENDS: Text("股权分红收入", "dividends from equity positions"),
    EQUITY_TRUSTEE_COST: Text("受托管理机构工作成本", "trustee cost allowance used"),
    RECOVERIES_RECEIVABLE: Text("应收追回款", "recoveries receivable"),
    RECOVERIES_CANCELLED: Text("已撤销追回（未收部分）", "recovery orders cancelled (unpaid part)"),
    RECOVERIES_REFUNDED: Text("已退还追回款", "recoveries refunded"),
    SUBSIDIES_APPROVED: Text("已核定补贴（预算占用）", "budget committed to approved subsidies and awards"),
    SUBSIDIES_PAYABLE: Text("应付补贴（已核定未拨付）", "subsidies payable (approved, not yet paid)"),
    SUBSIDIES_PAID: Text("已拨付补贴与奖补", "subsidies and awards paid"),
}


def label(account: str) -> str:
    text = CHART.get(account)
    return text.render() if text else account
