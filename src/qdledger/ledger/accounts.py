"""The chart of accounts: every posting names one of these (debit positive, credit negative)."""

from __future__ import annotations

from qdledger.i18n import Text

CASH = "fund:cash"
OBLIGATED = "budget:obligated"
GRANTS_PAYABLE = "grants:payable"
GRANTS_DISBURSED = "grants:disbursed"
SUBSIDIES_APPROVED = "subsidies:approved"
SUBSIDIES_PAYABLE = "subsidies:payable"
SUBSIDIES_PAID = "subsidies:paid"

CHART: dict[str, Text] = {
    CASH: Text("财政资金（银行存款）", "fund cash"),
    OBLIGATED: Text("已承诺预算", "budget obligated to awards"),
    GRANTS_PAYABLE: Text("应付资助款（已立项未拨付）", "grants payable (awarded, not yet released)"),
    GRANTS_DISBURSED: Text("已拨付资助", "grants disbursed"),
    SUBSIDIES_APPROVED: Text("已核定补贴（预算占用）", "budget committed to approved subsidies and awards"),
    SUBSIDIES_PAYABLE: Text("应付补贴（已核定未拨付）", "subsidies payable (approved, not yet paid)"),
    SUBSIDIES_PAID: Text("已拨付补贴与奖补", "subsidies and awards paid"),
}


def label(account: str) -> str:
    text = CHART.get(account)
    return text.render() if text else account
