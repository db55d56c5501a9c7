"""Every rule says what it means in words people read, in Chinese and in English, with its real numbers."""

from __future__ import annotations

import re

import pytest

from qdledger.i18n import set_language
from qdledger.policy.base import RuleBase
from qdledger.policy.catalogue import rule_words
from qdledger.policy.loader import policy_book
from qdledger.policy.model import RULE_KINDS

REPR = re.compile(r"[{}\[\]]|\('|'[,:)]|, '")
"""Marks of a Python dict, list or tuple printed as it is."""


def shipped_rules(kind: type) -> list:
    return [rule for version in policy_book().all_latest() for rule in version.program.rules.values()
            if isinstance(rule, kind)]


@pytest.mark.parametrize("kind", RULE_KINDS, ids=lambda k: k.__name__)
def test_every_kind_describes_every_shipped_rule_of_it_in_both_languages(kind):
    assert kind.describe is not RuleBase.describe, f"{kind.__name__} falls back to no description"
    for rule in shipped_rules(kind):
        words = rule.describe()
        for text in (words.zh, words.en):
            assert text.strip() and not REPR.search(text), text


def test_every_rule_kind_has_at_least_one_shipped_rule():
    assert [k.__name__ for k in RULE_KINDS if not shipped_rules(k)] == []


def test_describe_falls_back_to_nothing():
    class Unworded(RuleBase):
        pass

    with pytest.raises(NotImplementedError):
        Unworded.model_construct().describe()


def rule(rule_id: str):
    program_id, _, key = rule_id.partition(".")
    return policy_book().latest(program_id).program.rules[key].describe()


@pytest.mark.parametrize("lang, words", [
    ("zh", "项目支持上限：不超过项目总投入的 1/3，且最高 ¥10,000,000.00（1,000.00万元）"),
    ("en", "project cap: at most 1/3 of the project budget, and at most ¥10,000,000.00 (1,000.00万元)"),
])
def test_the_project_cap_reads_like_the_policy(lang, words):
    set_language(lang)
    try:
        assert rule_words("sci_demo_project.project_cap") == words
    finally:
        set_language("")


def test_stages_fees_bands_and_grounds_in_words():
    assert rule("sci_demo_project.staging").zh == "立项后累计 40%，中期评估通过后累计 80%，验收后累计 100%"
    assert rule("guarantee_insurance_fee_subsidy.fee").zh == (
        "费率不低于 2% 的，按贷款额的 1% 补贴；费率不低于 1% 的，按贷款额的 0.5% 补贴；不超过实付费用")
    assert rule("equity_return_concession.award_provincial").en == (
        "a provincial science and technology award won during holding as lead unit: 1st prize at most 60% of the return, "
        "2nd prize at most 40% of the return, 3rd prize at most 20% of the return")
    assert rule("research_integrity.grave").zh == "严重：可给予第二、四、五、六、七、八、九项处理措施；禁止期限 3 至 5 年（含）"
    assert rule("tbd_interest_subsidy.interest").en.startswith(
        "up to ¥5,000,000.00 (500.00万元) at 100% of the rate; ¥5,000,000.00 (500.00万元) to ¥10,000,000.00 (1,000.00万元) "
        "at 50% of the rate; the part above is not subsidised")
    assert rule("innovation_voucher.year_cap").zh == "每个主体每年最高 ¥200,000.00（20.00万元）"


def test_categories_and_groups_are_named_not_shown_as_ids():
    assert rule("intl_coop_award.amount").zh == (
        "核定金额不超过所属类别上限：“一带一路”联合实验室 ¥5,000,000.00（500.00万元），国家级国际科技合作基地 ¥500,000.00（50.00万元），"
        "省级国际科技合作基地 ¥300,000.00（30.00万元），市级国际科技合作基地 ¥200,000.00（20.00万元）")
    assert rule("award_tiered_prizes.special_quota").en == "at most 3 awards (special prize) per year, across all parties"
    assert rule("nri_excellence_funding.non_stacking").zh == (
        "《新型研发机构绩效评价优秀经费支持》、《研发机构科技成果转化绩效评价奖补》之间同一对象只取最高一项")
    assert rule("vc_seed_investment_reward.per_year").en == (
        "at most ¥10,000,000.00 (1,000.00万元) per party per year, shared by 创投风投投资奖励（实际到位投资额1%）, "
        "创投风投投资奖励（种子期、人才企业10%）")


def test_no_description_shows_a_category_or_group_id():
    ids = set()
    for version in policy_book().all_latest():
        for found in version.program.rules.values():
            ids |= set(getattr(found, "categories", None) or ())
            ids |= {found.group} if getattr(found, "group", None) else set()
    assert {"belt_road_lab", "special", "rd_investment_policy", "municipal_sci_finance"} <= ids
    for version in policy_book().all_latest():
        for found in version.program.rules.values():
            said = found.describe()
            for word in ids:  # English prose may say "first" or "local"; an id with "_" never reads as a word
                assert not re.search(rf"(?<![A-Za-z_]){word}(?![A-Za-z_])", said.zh), (found, word)
                assert "_" not in word or word not in said.en, (found, word)
