"""The installed ``qdledger`` command, as a finance officer uses it: WORKED-EXAMPLES E4 (staging) and E6."""

from __future__ import annotations

from qdledger.ledger.storage import open_ledger

E001 = ("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
        "--district", "崂山区", "--date", "2024-11-01")
E002 = ("enterprise", "register", "E002", "--name", "青岛蓝谷新材料科技有限公司", "--credit-code", "91370282MA94XY3N5D",
        "--district", "即墨区", "--date", "2024-11-05")


def award(grant, enterprise, program, budget, amount, date="2024-12-20"):
    return ("grant", "award", grant, "--enterprise", enterprise, "--program", program, "--project-budget", budget,
            "--amount", amount, "--date", date)


def release(grant, amount, date):
    return ("grant", "release", grant, "--amount", amount, "--date", date)


def events_in(location: str) -> int:
    ledger = open_ledger(location)
    try:
        return ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()


def refused(cli, *args, code: int = 1) -> dict:
    """Run a command that must be refused; check it wrote nothing; return its JSON error."""
    before = events_in(cli.ledger)
    outcome = cli(*args)
    assert outcome.code == code, (outcome.stdout, outcome.stderr)
    assert events_in(cli.ledger) == before
    return outcome.error


def test_e4_staging_forty_percent_then_refusal_midterm_eighty_percent_then_refusal(cli):
    cli.ok(*E001)
    awarded = cli.ok(*award("G1", "E001", "sci_demo_project", "4500万", "1000万"))
    assert (awarded["awarded"], awarded["ceiling_now"], awarded["disbursed"]) == ("10000000.00", "4000000.00", "0.00")

    first = cli.ok(*release("G1", "400万", "2025-01-10"))
    assert (first["disbursed"], first["available_now"], first["stage"]) == ("4000000.00", "0.00", "award")

    error = refused(cli, *release("G1", "1", "2025-06-01"))
    assert error["code"] == "rule_violation"
    assert error["rule"] == "sci_demo_project.staging"
    assert "第十四条" in error["citation"] and "002_c7edba7bc4e1e1ff.txt:2227" in error["citation"]
    assert (error["limit"], error["used"], error["requested"], error["excess"]) == (
        "4000000.00", "4000000.00", "1.00", "1.00")
    assert "mid-term" in error["hint"]

    passed = cli.ok("grant", "midterm", "G1", "--result", "passed", "--date", "2026-01-15")
    assert (passed["ceiling_now"], passed["stage"]) == ("8000000.00", "midterm")

    second = cli.ok(*release("G1", "400万", "2026-01-20"))
    assert second["disbursed"] == "8000000.00"

    error = refused(cli, *release("G1", "0.01", "2026-06-01"))
    assert (error["rule"], error["limit"], error["used"], error["requested"], error["excess"]) == (
        "sci_demo_project.staging", "8000000.00", "8000000.00", "0.01", "0.01")
    error = refused(cli, *release("G1", "200万", "2026-06-01"))
    assert error["excess"] == "2000000.00"

    shown = cli.ok("grant", "show", "G1")
    assert {k: shown[k] for k in ("id", "program", "enterprise", "awarded", "disbursed", "ceiling_now", "status",
                                  "recovered", "receivable")} == {
        "id": "G1", "program": "sci_demo_project", "enterprise": "E001", "awarded": "10000000.00",
        "disbursed": "8000000.00", "ceiling_now": "8000000.00", "status": "active", "recovered": "0.00",
        "receivable": "0.00"}


def test_e6_caps_refuse_and_say_by_how_much(cli):
    cli.ok(*E002)
    error = refused(cli, *award("G2024-017", "E002", "sci_demo_project", "2400万", "900万"))
    assert (error["rule"], error["limit"], error["used"], error["requested"], error["excess"]) == (
        "sci_demo_project.project_cap", "8000000.00", "0.00", "9000000.00", "1000000.00")
    assert "第十三条" in error["citation"] and "002_c7edba7bc4e1e1ff.txt:2225" in error["citation"]
    assert cli.ok(*award("G2024-017", "E002", "sci_demo_project", "2400万", "800万"))["awarded"] == "8000000.00"

    error = refused(cli, *award("G2024-018", "E002", "key_tech_project", "1,200万", "600万"))
    assert (error["rule"], error["limit"], error["requested"], error["excess"]) == (
        "key_tech_project.project_cap", "5000000.00", "6000000.00", "1000000.00")
    key_tech = cli.ok(*award("G2024-018", "E002", "key_tech_project", "12,000,000.00", "500万"))
    assert (key_tech["awarded"], key_tech["ceiling_now"]) == ("5000000.00", "5000000.00")


def test_contract_fields_of_enterprise_show_and_trial_balance(cli):
    cli.ok(*E001)
    cli.ok(*award("G1", "E001", "sci_demo_project", "4500万", "1000万"))
    cli.ok(*release("G1", "400万", "2025-01-10"))
    party = cli.ok("enterprise", "show", "E001")
    assert {k: party[k] for k in ("id", "name", "awarded", "disbursed", "recovered", "receivable", "banned_until")} == {
        "id": "E001", "name": "青岛海研智能装备有限公司", "awarded": "10000000.00", "disbursed": "4000000.00",
        "recovered": "0.00", "receivable": "0.00", "banned_until": None}
    balance = cli.ok("report", "trial-balance")
    assert balance["total"] == "0.00"
    accounts = {a["account"]: a["balance"] for a in balance["accounts"]}
    assert accounts == {"budget:obligated": "6000000.00", "grants:payable": "-6000000.00",
                        "grants:disbursed": "4000000.00", "fund:cash": "-4000000.00"}


def test_policy_list_names_both_programs_with_citations(cli):
    listed = {p["id"]: p for p in cli.ok("policy", "list")["policies"]}
    assert {"sci_demo_project", "key_tech_project"} <= set(listed)
    for policy in listed.values():
        assert set(policy) >= {"id", "name", "kind", "citation", "valid_from", "valid_to"}
    assert "《青岛市科技示范工程管理实施细则》" in listed["sci_demo_project"]["citation"]
    assert "《青岛市关键技术攻关项目管理实施细则》" in listed["key_tech_project"]["citation"]


BAD_INPUT = [
    release("G1", "1e3", "2025-01-10"),
    release("G1", "-5", "2025-01-10"),
    release("G1", "0.001", "2025-01-10"),
    release("G1", "100万", "2025-02-30"),
    release("G1", "100万", "2024-12-19"),          # before the award
    release("G9", "100万", "2025-01-10"),          # unknown grant
    award("G2", "E404", "sci_demo_project", "4500万", "100万"),
    award("G2", "E001", "no_such_program", "4500万", "100万"),
    award("G1", "E001", "sci_demo_project", "4500万", "100万"),  # the id is taken
    ("grant", "midterm", "G1", "--result", "maybe", "--date", "2025-06-01"),
    ("enterprise", "register", "E001", "--name", "又一家", "--credit-code", "91370282MA94XY3N5D", "--district", "崂山区"),
    ("enterprise", "register", "E003", "--name", "重复代码", "--credit-code", "91370212MA3C5Y2K1H", "--district", "崂山区"),
    ("enterprise", "register", "E004", "--name", "错误代码", "--credit-code", "91370212MA3C5Y2K1X", "--district", "崂山区"),
    ("grant", "release", "G1", "--amount", "100万"),  # no --date: a usage error, still one JSON object
]


def test_bad_input_exits_2_with_a_json_error_and_writes_nothing(cli):
    cli.ok(*E001)
    cli.ok(*award("G1", "E001", "sci_demo_project", "4500万", "1000万"))
    for args in BAD_INPUT:
        error = refused(cli, *args, code=2)
        assert error["code"] in ("bad_input", "unknown_id", "already_exists", "usage"), (args, error)
        assert error["message"], args
        assert set(error) >= {"code", "rule", "citation", "message", "limit", "used", "requested", "excess"}


def test_a_refusal_speaks_chinese_by_default_and_never_shows_a_traceback(cli):
    cli.ok(*E001)
    cli.ok(*award("G1", "E001", "sci_demo_project", "4500万", "1000万"))
    cli.lang = "zh"
    outcome = cli(*release("G1", "400万零1元", "2025-01-10"), json_out=False)
    assert outcome.code == 2 and "金额格式无效" in outcome.stderr
    cli.ok(*release("G1", "400万", "2025-01-10"))
    outcome = cli(*release("G1", "1", "2025-06-01"), json_out=False)
    assert outcome.code == 1
    assert "已拒绝" in outcome.stderr and "《青岛市科技示范工程管理实施细则》第十四条" in outcome.stderr
    assert "上限 ¥4,000,000.00" in outcome.stderr and "超出 ¥1.00" in outcome.stderr


def test_every_way_of_writing_an_amount_means_the_same_money(cli):
    cli.ok(*E001)
    cli.ok(*award("G1", "E001", "sci_demo_project", "4500万", "1000万"))
    for number, amount in enumerate(["1000000", "1,000,000.00", "100万", "0.01亿"], start=1):
        assert cli.ok(*release("G1", amount, "2025-01-10"))["disbursed"] == f"{number}000000.00"
