"""Tables read like a Chinese finance system: ¥ and 万元, code words by their labels, programs by name.

JSON keeps the contract's code words and plain yuan; only the human tables change.
"""

from __future__ import annotations

import re

import pytest

from qdledger.labels import CATALOGUE, label
from support import InProcessCli

E001 = ("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
        "--district", "崂山区", "--date", "2024-11-01")
AWARD = ("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
         "--amount", "1000万", "--date", "2024-12-20")
RELEASE = ("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")


@pytest.fixture
def wide(monkeypatch):
    """Tables as wide as they want, so a cell is never folded across lines."""
    monkeypatch.setenv("COLUMNS", "250")


def cells(text: str) -> list[list[str]]:
    """The rows of every table printed, each as its stripped cells."""
    return [[c.strip() for c in re.split(r"[│┃]", line)[1:-1]] for line in text.splitlines() if line.startswith(("│", "┃"))]


def table(cli: InProcessCli, *args: str) -> list[list[str]]:
    outcome = cli(*args, json_out=False, check=True)
    return cells(outcome.stdout)


def given_a_released_grant(ledger_url: str) -> None:
    setup = InProcessCli(ledger_url)
    for command in (E001, AWARD, RELEASE):
        setup.ok(*command)


def test_grant_table_in_chinese_shows_yuan_wan_labels_and_the_program_name(ledger_url, wide):
    given_a_released_grant(ledger_url)
    rows = table(InProcessCli(ledger_url, lang="zh"), "grant", "show", "G1")
    assert ["项目类别", "科技示范工程（sci_demo_project）"] in rows
    assert ["批准金额", "¥10,000,000.00（1,000.00万元）"] in rows
    assert ["已拨付", "¥4,000,000.00（400.00万元）"] in rows
    assert ["当前累计拨付上限", "¥4,000,000.00（400.00万元）"] in rows
    assert ["当前可拨付", "¥0.00（0.00万元）"] in rows
    assert ["阶段", "立项"] in rows
    assert ["状态", "执行中"] in rows
    assert ["应收追回款", "¥0.00（0.00万元）"] in rows


def test_grant_table_in_english_keeps_the_program_name_chinese(ledger_url, wide):
    given_a_released_grant(ledger_url)
    rows = table(InProcessCli(ledger_url, lang="en"), "grant", "show", "G1")
    assert ["program", "科技示范工程（sci_demo_project）"] in rows
    assert ["awarded", "¥10,000,000.00（1,000.00万元）"] in rows
    assert ["stage", "award"] in rows
    assert ["status", "active"] in rows


def test_json_keeps_the_contract_code_words_and_plain_yuan(ledger_url):
    given_a_released_grant(ledger_url)
    shown = InProcessCli(ledger_url, lang="zh").ok("grant", "show", "G1")
    assert (shown["program"], shown["awarded"], shown["disbursed"], shown["stage"], shown["status"]) == \
        ("sci_demo_project", "10000000.00", "4000000.00", "award", "active")


def test_party_table_names_the_party_kind_in_either_language(ledger_url, wide):
    given_a_released_grant(ledger_url)
    assert ["主体类型", "企业"] in table(InProcessCli(ledger_url, lang="zh"), "enterprise", "show", "E001")
    rows = table(InProcessCli(ledger_url, lang="en"), "enterprise", "show", "E001")
    assert ["kind", "enterprise"] in rows
    assert ["undisbursed commitment", "¥6,000,000.00（600.00万元）"] in rows


def test_trial_balance_totals_debits_and_credits_and_says_they_balance(ledger_url, wide):
    given_a_released_grant(ledger_url)
    zh = table(InProcessCli(ledger_url, lang="zh"), "report", "trial-balance")
    assert ["grants:disbursed", "已拨付资助", "¥4,000,000.00", "¥0.00"] in zh
    assert zh[-1] == ["合计", "平衡", "¥10,000,000.00", "¥10,000,000.00"]
    en = table(InProcessCli(ledger_url, lang="en"), "report", "trial-balance")
    assert en[-1] == ["total", "balanced", "¥10,000,000.00", "¥10,000,000.00"]


def test_trial_balance_that_does_not_balance_says_so(capsys, monkeypatch, wide):
    from qdledger.i18n import set_language
    from qdledger_cli.commands.report import _render

    set_language("zh")
    try:
        _render({"accounts": [{"account": "fund:cash", "label": "财政资金（银行存款）", "debit": "0.00", "credit": "100.00"},
                              {"account": "grants:disbursed", "label": "已拨付资助", "debit": "99.99", "credit": "0.00"}],
                 "total": "-0.01"})
    finally:
        set_language("")
    assert cells(capsys.readouterr().out)[-1] == ["合计", "不平衡", "¥99.99", "¥100.00"]


def test_headroom_shows_caps_in_yuan_and_wan_and_counts_with_their_unit(ledger_url, wide):
    given_a_released_grant(ledger_url)
    rows = table(InProcessCli(ledger_url, lang="zh"), "enterprise", "headroom", "E001", "--as-of", "2026-03-02")
    assert rows[0] == ["项目", "规则", "范围", "上限", "已用", "剩余", "剩余（万元）"]
    assert ["青科贷贷款贴息", "额度上限", "每家单位累计", "¥300,000.00", "¥0.00", "¥300,000.00", "30.00万元"] in rows
    assert ["投（保）贷贷款贴息", "贴息年限", "每家单位累计", "3.00 贴息年", "0.00 贴息年", "3.00 贴息年", "—"] in rows


def test_policy_table_names_program_and_rule_kinds_in_chinese(ledger_url, wide):
    """Each rule reads like the policy text: its kind, then what it means with its numbers."""
    rows = table(InProcessCli(ledger_url, lang="zh"), "policy", "show", "sci_demo_project")
    assert ["类别", "分期资助"] in rows
    staging = next(shown for name, shown in rows if name == "sci_demo_project.staging")
    assert staging == "分期拨付上限：立项后累计 40%，中期评估通过后累计 80%，验收后累计 100%"
    cap = next(shown for name, shown in rows if name == "sci_demo_project.project_cap")
    assert cap == "项目支持上限：不超过项目总投入的 1/3，且最高 ¥10,000,000.00（1,000.00万元）"


def test_policy_table_in_english_says_the_rules_in_english(ledger_url, wide):
    rows = table(InProcessCli(ledger_url, lang="en"), "policy", "show", "sci_demo_project")
    cap = next(shown for name, shown in rows if name == "sci_demo_project.project_cap")
    assert cap == "project cap: at most 1/3 of the project budget, and at most ¥10,000,000.00 (1,000.00万元)"


def test_labels_fall_back_to_the_code_word_they_do_not_know():
    assert label("stage", "award") in ("立项", "award")
    assert label("stage", "someday") == "someday"
    assert label("stage", None) is None


def test_every_rule_kind_and_program_kind_has_a_label():
    from qdledger.policy.loader import policy_book
    from qdledger.policy.model import RULE_KINDS

    kinds = {k.model_fields["kind"].annotation.__args__[0] for k in RULE_KINDS}
    assert kinds - set(CATALOGUE["rule_kind"]) == set()
    programs = {v.program.kind for v in policy_book().all_latest()}
    assert programs - set(CATALOGUE["program_kind"]) == set()


def test_every_event_type_has_a_label():
    from qdledger.ledger.catalogue import event_classes

    assert {cls.__name__ for cls in event_classes()} - set(CATALOGUE["event"]) == set()


CODE_WORDS = {code for group in CATALOGUE.values() for code in group if code.isascii() and not code.isupper()}
TOKEN = re.compile(r"[A-Za-z0-9_.:#@-]+")

ZH_SESSION = [
    E001, AWARD, RELEASE,
    ("grant", "midterm", "G1", "--result", "passed", "--date", "2026-01-15"),
    ("loan", "register", "A", "--enterprise", "E001", "--principal", "1000万", "--rate", "3.45", "--signed", "2025-02-10",
     "--maturity", "2026-02-10", "--mode", "tou-dai", "--lpr", "3.10"),
    ("loan", "repaid", "A", "--date", "2026-02-10"),
    ("loan", "show", "A"),
    ("guarantee", "register", "GA", "--loan", "A", "--fee-rate", "1.5", "--enhancer", "insurer"),
    ("insurance", "register", "P1", "--enterprise", "E001", "--premium", "8万", "--start", "2025-03-01"),
    ("subsidy", "claim", "tbd_interest_subsidy", "--enterprise", "E001", "--object", "loan:A", "--date", "2026-03-02"),
    ("subsidy", "list", "--enterprise", "E001"),
    ("enterprise", "show", "E001"),
    ("enterprise", "headroom", "E001", "--as-of", "2026-03-02"),
    ("equity", "invest", "EQ1", "--enterprise", "E001", "--amount", "500万", "--stake", "18", "--largest-other", "40",
     "--term-years", "5", "--date", "2025-01-02", "--discount", "5"),
    ("equity", "dividend", "EQ1", "--amount", "10万", "--date", "2025-06-30"),
    ("equity", "positions"),
    ("equity", "pool"),
    ("integrity", "open", "C1", "--party", "E001", "--date", "2026-09-01", "--suspend", "all", "--grounds", "八"),
    ("integrity", "decide", "C1", "--severity", "严重", "--date", "2026-12-01", "--ban-years", "4", "--terminate", "all",
     "--recover", "all"),
    ("integrity", "show", "C1"),
    ("integrity", "list", "--as-of", "2027-01-01"),
    ("recovery", "show", "G1"),
    ("grant", "show", "G1"),
    ("history", "E001"),
    ("report", "trial-balance"),
]


def test_no_table_shows_an_english_code_word_under_chinese(ledger_url, wide):
    cli = InProcessCli(ledger_url, lang="zh")
    leaks = []
    for command in ZH_SESSION:
        for row in table(cli, *command):
            for shown in row:
                words = set(TOKEN.findall(shown)) & CODE_WORDS
                leaks += [f"{' '.join(command[:2])}: {word!r} in {shown!r}" for word in words]
    assert not leaks, "\n".join(leaks)


def test_equity_tables_show_the_position_status_and_pool_movements_in_either_language(ledger_url, wide):
    setup = InProcessCli(ledger_url)
    setup.ok(*E001)
    setup.ok("equity", "invest", "EQ1", "--enterprise", "E001", "--amount", "1000万", "--stake", "18", "--largest-other", "40",
             "--term-years", "5", "--date", "2025-01-02")
    setup.ok("equity", "dividend", "EQ1", "--amount", "100万", "--date", "2025-06-30")
    zh = InProcessCli(ledger_url, lang="zh")
    positions = table(zh, "equity", "positions")
    first = positions.index(["EQ1", "E001", "¥10,000,000.00", "2025-01-02", "18.00%", "2030-01-02", "在投", "—"])
    assert positions[first + 1] == ["", "", "（1,000.00万元）", "", "", "", "", ""]
    assert ["2025-06-30", "分红", "EQ1", "¥1,000,000.00", "¥1,000,000.00"] in table(zh, "equity", "pool")
    en = InProcessCli(ledger_url, lang="en")
    assert ["status", "open"] in table(en, "equity", "show", "EQ1")
    assert ["2025-06-30", "dividend", "EQ1", "¥1,000,000.00", "¥1,000,000.00"] in table(en, "equity", "pool")
