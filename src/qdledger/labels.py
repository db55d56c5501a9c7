"""What the ledger's code words mean to people: one catalogue, Chinese and English.

JSON keeps the code words (``award``, ``active``, ``enterprise``); tables show these labels.
Program names are the policies' own Chinese names in both languages.
"""

from __future__ import annotations

from qdledger.i18n import Text

CATALOGUE: dict[str, dict[str, Text]] = {
    "stage": {
        "award": Text("立项", "award"), "midterm": Text("中期评估", "mid-term review"),
        "acceptance": Text("验收", "acceptance"),
    },
    "grant_status": {
        "active": Text("执行中", "active"), "blocked": Text("暂停拨付（评估未通过）", "blocked (a review failed)"),
        "suspended": Text("暂停拨付（诚信调查）", "suspended (integrity case)"), "terminated": Text("已终止", "terminated"),
        "closed": Text("已结项", "closed"),
    },
    "claim_status": {
        "approved": Text("已核定", "approved"), "paid": Text("已拨付", "paid"), "granted": Text("已核定", "granted"),
    },
    "position_status": {"open": Text("在投", "open"), "exited": Text("已退出", "exited")},
    "case_status": {
        "open": Text("调查中（已立案）", "open"), "decided": Text("已作出处理决定", "decided"),
        "revoked": Text("处理决定已撤销", "revoked"),
    },
    "party_kind": {
        "enterprise": Text("企业", "enterprise"), "institute": Text("科研院所", "research institute"),
        "university": Text("高等院校", "university"), "nri": Text("新型研发机构", "new R&D institution"),
        "platform": Text("创新平台", "innovation platform"),
    },
    "recovery_basis": {
        "all_disbursed": Text("全部已拨资金", "all disbursed"), "amount": Text("指定金额", "named amount"),
        "proportional": Text("同比例收回", "proportional"), "covenant": Text("违反承诺退还", "covenant refund"),
    },
    "loan_mode": {
        "plain": Text("普通贷款", "plain loan"), "tou-dai": Text("投贷", "investment-linked loan"),
        "tou-bao-dai": Text("投保贷", "investment-insurance-linked loan"), "gen-dai": Text("跟贷", "follow-on loan"),
        "bao-dai": Text("保贷", "insured loan"),
    },
    "object_kind": {
        "loan": Text("贷款", "loan"), "guarantee": Text("增信", "credit enhancement"),
        "insurance": Text("保单", "insurance policy"), "project": Text("项目", "project"),
        "rd-year": Text("研发投入年度", "R&D year"),
    },
    "program_kind": {
        "award": Text("奖励", "award"), "declared": Text("申报制", "declared"), "equity": Text("股权投资", "equity"),
        "equity_concession": Text("股权收益让渡", "equity concession"), "grant": Text("资助", "grant"),
        "integrity": Text("科研诚信", "research integrity"), "staged_grant": Text("分期资助", "staged grant"),
        "subsidy": Text("补贴", "subsidy"),
    },
    "pool_movement": {
        "dividend": Text("分红", "dividend"), "exit": Text("退出收回", "exit receipts"),
        "invest": Text("投资", "investment"),
    },
    "return_basis": {
        "exit_only": Text("仅退出所得", "exit proceeds only"),
        "exit_plus_distributions": Text("退出所得加分红", "exit proceeds plus distributions"),
    },
    "award_category": {
        "special": Text("特等奖", "special prize"), "first": Text("一等奖", "first prize"),
        "second": Text("二等奖", "second prize"),
        "national_sub_centre": Text("国家临床医学研究中心分中心", "branch of a national clinical research centre"),
        "provincial_centre": Text("省临床医学研究中心", "provincial clinical research centre"),
        "municipal_centre": Text("市临床医学研究中心", "municipal clinical research centre"),
        "new_national_centre": Text("新获批的国家技术创新中心和临床医学研究中心",
                                    "newly approved national technology innovation or clinical research centre"),
        "local": Text("本地获奖企业", "local winner"), "relocating": Text("在青落户的外地获奖企业", "winner relocating to Qingdao"),
        "belt_road_lab": Text("“一带一路”联合实验室", "Belt and Road joint laboratory"),
        "national_base": Text("国家级国际科技合作基地", "national international cooperation base"),
        "provincial_base": Text("省级国际科技合作基地", "provincial international cooperation base"),
        "municipal_base": Text("市级国际科技合作基地", "municipal international cooperation base"),
        "national_lead": Text("全国重点实验室牵头组建单位", "national key laboratory, lead unit"),
        "national_participant": Text("全国重点实验室参与组建单位", "national key laboratory, participating unit"),
        "provincial": Text("省重点实验室", "provincial key laboratory"),
        "municipal": Text("市重点实验室", "municipal key laboratory"),
    },
    "rule_kind": {
        "project_cap": Text("项目支持上限", "project cap"), "staged_ceilings": Text("分期拨付上限", "staged ceilings"),
        "lump_or_staged": Text("一次或分次拨付", "lump sum or staged"),
        "investment_cap": Text("单个项目投资上限", "investment cap"), "stake_ceiling": Text("持股比例上限", "stake ceiling"),
        "not_largest_shareholder": Text("不做第一大股东", "never the largest shareholder"),
        "term_limit": Text("投资期限", "term limit"),
        "discount_when_open_project": Text("在研项目须折让", "discount while a project is open"),
        "exit_methods": Text("退出方式", "exit methods"), "revolving_pool": Text("循环滚动投资", "revolving pool"),
        "trustee_cost_allowance": Text("受托管理工作成本", "trustee cost allowance"),
        "investment_return": Text("投资收益", "investment return"), "award_ground": Text("获奖让渡情形", "award ground"),
        "early_exit_share": Text("提前退出让渡比例", "early-exit share"),
        "early_exit_above_benchmark": Text("提前退出让渡基准以上收益", "early exit above benchmark"),
        "concession_grounds_combine": Text("让渡情形就高", "grounds combine (highest)"),
        "ground_catalogue": Text("失信行为", "grounds of misconduct"), "measure_catalogue": Text("处理措施", "measures"),
        "measure_requires": Text("措施须并用", "measures required together"), "severity_band": Text("情节档次", "severity band"),
        "interim_suspension": Text("暂停拨付", "interim suspension"), "termination": Text("终止项目", "termination"),
        "ban_clock": Text("禁止期计算", "ban clock"), "award_ban": Text("禁止期内不得立项", "award ban"),
        "credit_repair": Text("信用修复", "credit repair"), "review": Text("复查", "review"),
        "recovery_bound": Text("追回上限", "recovery bound"), "repayment_bound": Text("还款上限", "repayment bound"),
        "covenant_refund": Text("违反承诺退回", "covenant refund"),
        "proportional_clawback": Text("同比例收回", "proportional clawback"), "fixed_amount": Text("定额", "fixed amount"),
        "capped_amount": Text("最高限额", "capped amount"), "rate_of_base": Text("按基数比例", "rate of base"),
        "tiered": Text("分档", "tiered"), "interest_subsidy": Text("贷款贴息", "interest subsidy"),
        "fee_band": Text("增信费用补贴档次", "fee bands"), "premium_share": Text("保费补贴比例", "premium share"),
        "cap": Text("额度上限", "cap"), "loan_years_cap": Text("贴息年限", "loan-years cap"),
        "claim_limit": Text("次数限制", "claim limit"), "quota": Text("名额", "quota"),
        "non_stacking": Text("就高不重复", "non-stacking (highest only)"), "eligibility": Text("申报条件", "eligibility"),
    },
    "event": {
        "DividendReceived": Text("收到分红", "dividend received"),
        "EquityAwardRecorded": Text("记录获奖", "award recorded"), "EquityExited": Text("股权退出", "equity exited"),
        "EquityInvested": Text("股权投资", "equity invested"), "StakeChanged": Text("持股变动", "stake changed"),
        "TermExtended": Text("延长期限", "term extended"), "Moved": Text("资金池变动", "pool moved"),
        "TrusteeFeeRecorded": Text("列支受托管理成本", "trustee fee recorded"),
        "GrantAwarded": Text("立项", "grant awarded"), "MilestoneRecorded": Text("评估/验收", "milestone recorded"),
        "TrancheReleased": Text("拨付", "tranche released"), "CreditRepaired": Text("信用修复", "credit repaired"),
        "GrantTerminated": Text("终止项目", "grant terminated"), "IntegrityCaseOpened": Text("诚信立案", "case opened"),
        "IntegrityDecisionRecorded": Text("处理决定", "decision recorded"),
        "IntegrityReviewRecorded": Text("复查", "review recorded"), "RecoveryOrdered": Text("追回决定", "recovery ordered"),
        "RecoveryRepaid": Text("追回款到账", "recovery repaid"), "RecoveryReversed": Text("撤销追回", "recovery reversed"),
        "Registered": Text("登记主体", "party registered"), "FixingRecorded": Text("LPR 报价", "LPR fixing recorded"),
        "GuaranteeRegistered": Text("登记增信", "guarantee registered"),
        "InsuranceRegistered": Text("登记保单", "insurance registered"),
        "LoanRegistered": Text("登记贷款", "loan registered"), "LoanRepaid": Text("贷款还清", "loan repaid"),
        "SubsidyClaimed": Text("补贴核定", "subsidy approved"), "SubsidyPaid": Text("补贴拨付", "subsidy paid"),
        "PlaceTaken": Text("占用名额", "quota place taken"),
    },
    "field": {
        "allocations": Text("分配", "allocations"),
        "allowance": Text("受托管理成本额度", "allowance"),
        "amount": Text("金额", "amount"),
        "approval": Text("批准文件", "approval"),
        "approved_stake": Text("批准持股比例", "approved stake"),
        "ban_citation": Text("禁止依据", "ban citation"),
        "ban_rule": Text("禁止规则", "ban rule"),
        "ban_until": Text("禁止期至", "ban until"),
        "ban_until_before": Text("原禁止期至", "ban until before"),
        "ban_years": Text("禁止年限", "ban years"),
        "basis": Text("依据", "basis"),
        "cancelled": Text("已撤销", "cancelled"),
        "case_id": Text("案件", "case"),
        "category": Text("类别", "category"),
        "citation": Text("依据", "citation"),
        "claim_id": Text("申请", "claim"),
        "concession": Text("收益让渡", "concession"),
        "cost_delta": Text("成本变动", "cost change"),
        "credit_code": Text("统一社会信用代码", "credit code"),
        "discount": Text("折让", "discount"),
        "distribution": Text("分配", "distribution"),
        "district": Text("所在区（市）", "district"),
        "drawn": Text("放款日", "drawn"),
        "due_on": Text("到期日", "due on"),
        "end": Text("止", "end"),
        "enhancer": Text("增信机构类型", "enhancer"),
        "enterprise": Text("主体", "party"),
        "entitlement": Text("核定金额", "entitlement"),
        "exceptions": Text("例外", "exceptions"),
        "facts": Text("事实", "facts"),
        "fee": Text("费用", "fee"),
        "fee_rate": Text("费率", "fee rate"),
        "figures": Text("数据", "figures"),
        "five_year": Text("5年期以上", "five-year"),
        "fund_receives": Text("基金所得", "fund receives"),
        "grant_id": Text("项目", "grant"),
        "grounds": Text("情形", "grounds"),
        "group": Text("就高组", "group"),
        "guarantee_id": Text("增信协议", "guarantee"),
        "hold_applications": Text("暂停受理申报", "hold applications"),
        "interest_paid": Text("已付利息", "interest paid"),
        "key": Text("键", "key"),
        "kind": Text("类型", "kind"),
        "largest_other": Text("最大其他股东持股", "largest other holder"),
        "lead": Text("牵头单位", "lead"),
        "level": Text("级别", "level"),
        "loan_id": Text("贷款", "loan"),
        "loan_years": Text("贴息年数", "loan-years"),
        "lpr": Text("LPR", "LPR"),
        "lpr_source": Text("LPR 来源", "LPR source"),
        "maturity": Text("到期日", "maturity"),
        "measures": Text("处理措施", "measures"),
        "method": Text("方式", "method"),
        "milestone": Text("节点", "milestone"),
        "mode": Text("方式", "mode"),
        "month": Text("月份", "month"),
        "name": Text("名称", "name"),
        "object_ref": Text("对象", "object"),
        "one_year": Text("1年期", "one-year"),
        "order_id": Text("追回决定", "order"),
        "party_kind": Text("主体类型", "party kind"),
        "payable": Text("应付", "payable"),
        "pays_on": Text("拨付条件", "pays on"),
        "policy_id": Text("保单", "policy"),
        "policy_version": Text("政策版本", "policy version"),
        "pool_delta": Text("资金池变动", "pool change"),
        "position_id": Text("投资项目", "position"),
        "premium": Text("保费", "premium"),
        "principal": Text("本金", "principal"),
        "proceeds": Text("退出所得", "proceeds"),
        "product": Text("险种", "product"),
        "program": Text("项目类别", "program"),
        "project": Text("项目", "project"),
        "project_budget": Text("项目总预算", "project budget"),
        "purchase": Text("投保", "purchase"),
        "quota_key": Text("名额", "quota"),
        "rank": Text("排名", "rank"),
        "rate": Text("利率", "rate"),
        "reason": Text("原因", "reason"),
        "refunded": Text("已退回", "refunded"),
        "released": Text("已拨付", "released"),
        "removed": Text("已移出", "removed"),
        "result": Text("结果", "result"),
        "rule": Text("规则", "rule"),
        "rules": Text("规则", "rules"),
        "severity": Text("情节", "severity"),
        "signed": Text("签订日", "signed"),
        "source": Text("来源", "source"),
        "special_approval": Text("特别批准", "special approval"),
        "stage": Text("阶段", "stage"),
        "stages": Text("阶段", "stages"),
        "staging_citation": Text("分期依据", "staging citation"),
        "staging_rule": Text("分期规则", "staging rule"),
        "stake": Text("持股比例", "stake"),
        "start": Text("起", "start"),
        "suspended": Text("暂停", "suspended"),
        "suspended_days": Text("暂停天数", "days suspended"),
        "term_years": Text("投资期限（年）", "term (years)"),
        "terminated": Text("已终止", "terminated"),
        "trimmed": Text("已调减", "trimmed"),
        "year": Text("年度", "year"),
    },
    "trustee_measure": {"year_end": Text("年末余额", "year-end balance"), "daily_average": Text("日均余额", "daily average")},
    "exit_method": {
        "buyback": Text("股东回购", "buyback"), "transfer": Text("股权转让", "transfer"),
        "exchange": Text("产权交易", "exchange"), "liquidation": Text("清算解散", "liquidation"),
    },
    "enhancer": {"guarantor": Text("担保机构", "guarantor"), "insurer": Text("保险机构", "insurer")},
    "purchase": {"first": Text("首次投保", "first purchase"), "repeat": Text("续保", "repeat purchase")},
    "lpr_source": {"given": Text("经办录入", "given at registration")},
    "yes_no": {"yes": Text("是", "yes"), "no": Text("否", "no")},
    "balance": {"balanced": Text("平衡", "balanced"), "unbalanced": Text("不平衡", "NOT balanced")},
}


def label(group: str, code: str | None) -> str | None:
    """The label of a code word in the run's language; an unknown word is shown as it is."""
    if code is None:
        return None
    text = CATALOGUE[group].get(code)
    return text.render() if text else code


def program_name(program_id: str) -> str | None:
    """A program's Chinese policy name (the same in both languages); None for an id the policies do not hold."""
    from qdledger.errors import UnknownId
    from qdledger.policy.loader import policy_book

    try:
        return policy_book().latest(program_id).program.name_zh
    except UnknownId:
        return None


def program_label(program_id: str | None) -> str | None:
    """A program as people know it: its Chinese policy name, then its id — ``科技示范工程（sci_demo_project）``."""
    name = program_name(program_id) if program_id else None
    return f"{name}（{program_id}）" if name else program_id


def severity_label(word: str | None) -> str | None:
    """A severity as the policy names it: Chinese (较轻, 严重 …) or its English name."""
    if not word:
        return word
    from qdledger.i18n import current_language

    if current_language() != "en":
        return word
    from qdledger.errors import BadInput
    from qdledger.integrity.terms import regime, severity_band

    try:
        return severity_band(regime().program, word)[1].name_en
    except BadInput:  # a word the policies no longer hold
        return word


def rule_label(rule_id: str) -> str:
    """A rule as people read it: the label of its kind (``名额``, ``贴息年限``), or its id when unknown."""
    from qdledger.errors import UnknownId
    from qdledger.policy.loader import policy_book

    program_id, _, key = rule_id.partition(".")
    try:
        rule = policy_book().latest(program_id).program.rules.get(key)
    except UnknownId:
        rule = None
    return label("rule_kind", rule.kind) if rule is not None else rule_id
