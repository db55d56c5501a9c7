"""Garbage in, exit 2 out: generated arguments and import files never trace, never write.

Each example mixes valid values with at least one that is certainly invalid (wrong type, negative
or absurd amount, impossible date, unknown or taken id, broken encoding, wrong column), runs the
command in-process through typer's CliRunner, and checks: exit code 2, no traceback, and the same
number of stored events as before. A few subprocess runs check the installed command the same way.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections import Counter
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import QDLEDGER
from qdledger.dates import parse_date
from qdledger.errors import BadInput
from qdledger.ledger.storage import open_ledger
from qdledger.money import parse_amount, parse_rate
from support import WAN, InProcessCli, award, credit_code, event_count, register, report

EXAMPLES = int(os.environ.get("QDLEDGER_FUZZ_EXAMPLES", "0")) or min(60, settings().max_examples)
TALLY: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="module", autouse=True)
def tally():
    """Print, per backend, how many invalid invocations were generated and refused cleanly."""
    yield
    for backend in sorted({b for b, _ in TALLY}):
        counts = {cmd: n for (b, cmd), n in TALLY.items() if b == backend}
        report(f"fuzz [{backend}] {sum(counts.values())} generated invalid invocations, each exit 2, no traceback, "
               "nothing written: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _refused_by(parse, text: str) -> bool:
    try:
        parse(text)
    except (BadInput, ValueError):
        return True
    return False


junk = st.text(max_size=24)
broken = st.sampled_from(["\udcff\udcfe", "G\x00", "\x1b[31mred", "E\udc80001", "\u202egnirts", "\t", " ", ""])
bad_amounts = st.one_of(
    st.sampled_from(["-5", "0", "0.00", "abc", "1e3", "1.001", "10000000000000000000000", "", "NaN", "inf", "¥-1", "--1",
                     "4,00,000", "1/3", "400万万", "五万", "0x10", "1_000"]),
    st.integers(max_value=0).map(str), st.floats(allow_nan=True).map(str),
    junk.filter(lambda t: _refused_by(parse_amount, t)), broken)
bad_dates = st.one_of(
    st.sampled_from(["2025-02-30", "2025-13-01", "20250101", "2025/01/01", "", "0000-01-01", "9999-99-99", "2025-1-1",
                     "2023-02-29", "tomorrow", "2025-01-01T00:00"]),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")), junk.filter(lambda t: _refused_by(parse_date, t)), broken)
unknown_ids = st.one_of(junk.filter(lambda t: t.strip() not in ("G1", "E001", "")), broken)
bad_words = st.one_of(junk.filter(lambda t: t not in ("passed", "failed", "enterprise", "institute", "university", "nri",
                                                      "platform", "sci_demo_project", "key_tech_project")), broken)
bad_rates = st.one_of(st.sampled_from(["-1", "100", "abc", "", "1e9", "NaN"]), junk.filter(lambda t: _refused_by(parse_rate, t)))
bad_months = st.one_of(st.sampled_from(["2030-13", "2030-00", "203001", "", "2030-1", "30-01"]), junk)


def field(valid, invalid):
    return (valid, invalid)


COMMANDS = {
    "grant release": (["grant", "release"], {
        "GRANT": field(st.just("G1"), unknown_ids), "--amount": field(st.sampled_from(["1", "10万", "4,000.00"]), bad_amounts),
        "--date": field(st.sampled_from(["2025-01-10", "2026-03-01"]), bad_dates)}),
    "grant midterm": (["grant", "midterm"], {
        "GRANT": field(st.just("G1"), unknown_ids), "--result": field(st.sampled_from(["passed", "failed"]), bad_words),
        "--date": field(st.just("2025-06-30"), bad_dates)}),
    "grant acceptance": (["grant", "acceptance"], {
        "GRANT": field(st.just("G1"), unknown_ids), "--result": field(st.sampled_from(["passed", "failed"]), bad_words),
        "--date": field(st.just("2026-06-30"), bad_dates)}),
    "grant award": (["grant", "award", "--project=PX"], {
        "GRANT": field(st.just("G2"), st.one_of(st.just("G1"), broken, st.just("G 2"), st.just("x" * 129))),
        "--enterprise": field(st.just("E001"), unknown_ids), "--program": field(st.just("sci_demo_project"), bad_words),
        "--project-budget": field(st.just("4500万"), bad_amounts), "--amount": field(st.sampled_from(["1", "100万"]), bad_amounts),
        "--date": field(st.just("2025-03-01"), bad_dates)}),
    "enterprise register": (["enterprise", "register"], {
        "ID": field(st.just("E100"), st.one_of(st.just("E001"), broken, st.just("E 1"), st.just("x" * 65))),
        "--name": field(st.just("青岛测试有限公司"), st.one_of(st.just(" "), st.just("名\x00称"), st.just("\udcff"))),
        "--credit-code": field(st.just(credit_code(100)), st.one_of(bad_words, st.just(credit_code(1)))),
        "--district": field(st.just("崂山区"), st.one_of(st.just(""), st.just("\x07"))),
        "--kind": field(st.just("enterprise"), bad_words), "--date": field(st.just("2025-01-01"), bad_dates)}),
    "lpr set": (["lpr", "set"], {
        "YYYY-MM": field(st.just("2030-01"), bad_months), "--one-year": field(st.just("3.00"), bad_rates),
        "--five-year": field(st.just("3.50"), bad_rates)}),
    "grant show": (["grant", "show"], {"GRANT": field(st.just("G1"), unknown_ids), "--as-of": field(st.just("2025-01-01"), bad_dates)}),
    "enterprise show": (["enterprise", "show"], {"ID": field(unknown_ids, unknown_ids)}),
    "integrity open": (["integrity", "open"], {
        "CASE": field(st.just("C9"), st.one_of(broken, st.just("C 9"))), "--party": field(st.just("E001"), unknown_ids),
        "--date": field(st.just("2025-06-01"), bad_dates)}),
    "recovery repay": (["recovery", "repay"], {
        "GRANT": field(st.just("G1"), unknown_ids), "--amount": field(st.just("1万"), bad_amounts),
        "--date": field(st.just("2025-06-01"), bad_dates)}),
    "equity invest": (["equity", "invest"], {
        "POS": field(st.just("P9"), st.one_of(broken, st.just("P 9"))), "--enterprise": field(st.just("E001"), unknown_ids),
        "--amount": field(st.just("100万"), bad_amounts), "--stake": field(st.just("10"), bad_rates),
        "--largest-other": field(st.just("40"), bad_rates), "--term-years": field(st.just("5"), st.sampled_from(["-1", "x", "0", ""])),
        "--date": field(st.just("2025-03-01"), bad_dates)}),
    "loan register": (["loan", "register"], {
        "LOAN": field(st.just("L9"), st.one_of(broken, st.just("L 9"))), "--enterprise": field(st.just("E001"), unknown_ids),
        "--principal": field(st.just("500万"), bad_amounts), "--rate": field(st.just("3.45"), bad_rates),
        "--signed": field(st.just("2025-02-10"), bad_dates), "--maturity": field(st.just("2026-02-10"), bad_dates)}),
    "subsidy claim": (["subsidy", "claim"], {
        "PROGRAM": field(st.just("qingkebao_premium_subsidy"), unknown_ids), "--enterprise": field(st.just("E001"), unknown_ids),
        "--object": field(st.just("insurance:P9"), st.one_of(broken, st.just("nokind"), st.just(":"))),
        "--date": field(st.just("2025-07-01"), bad_dates),
        "--base": field(st.just("8万"), st.sampled_from(["-5", "abc", "1e3", "0.001", "1,00", "万", "NaN", "8万元整"]))}),
}
"""Each command: its words, and per argument a strategy of valid values and one of certainly invalid ones."""


@st.composite
def garbage_args(draw, name: str) -> list[str]:
    words, fields = COMMANDS[name]
    names = list(fields)
    spoiled = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)))
    options, positional = [], []
    for arg in names:
        valid, invalid = fields[arg]
        value = draw(invalid if arg in spoiled else valid)
        if arg.startswith("--"):
            options.append(f"{arg}={value}")
        else:
            positional.append(value)
    return [*words, *options, "--json", "--", *positional]


@pytest.fixture
def seeded(ledger_url):
    ledger = open_ledger(ledger_url)
    register(ledger, "E001", 1)
    award(ledger, "G1", "E001", 1000 * WAN, 4500 * WAN)
    yield InProcessCli(ledger_url), ledger
    ledger.close()


def assert_refused_cleanly(cli: InProcessCli, ledger, args: list[str]) -> None:
    before = event_count(ledger)
    outcome = cli(*args, json_out=False)
    assert outcome.code == 2, (args, outcome.code, outcome.stdout, outcome.stderr)
    if outcome.stdout.strip():
        assert outcome.error["code"] in ("bad_input", "unknown_id", "already_exists", "batch_refused", "policy_file"), outcome.stdout
    assert event_count(ledger) == before, args
    backend = "postgres" if cli.ledger.startswith("postgres") else "sqlite"
    TALLY[backend, args[0] if args[0] == "import" else " ".join(args[:2])] += 1


@pytest.mark.parametrize("name", list(COMMANDS))
def test_garbage_arguments_are_bad_input_and_write_nothing(seeded, name):
    cli, ledger = seeded

    @settings(max_examples=EXAMPLES)
    @given(args=garbage_args(name))
    def check(args):
        assert_refused_cleanly(cli, ledger, args)

    check()


KIND_COLUMNS = {"release": ["grant", "amount", "date"], "milestone": ["grant", "milestone", "result", "date"],
                "award": ["grant", "enterprise", "program", "project_budget", "amount", "date"],
                "enterprise": ["id", "name", "credit_code", "district", "date"]}
ALL_COLUMNS = sorted({c for cols in KIND_COLUMNS.values() for c in cols} | {"kind", "reference", "idempotency_key"})
cells = st.one_of(junk, bad_amounts, bad_dates, st.sampled_from(["G1", "E001", "10万", "2025-01-10", "passed", "midterm"]))
typed_cells = st.one_of(cells, st.none(), st.integers(), st.floats(), st.booleans(),
                        st.datetimes(min_value=datetime(1900, 1, 1)), st.dates(min_value=date(1900, 1, 1)))
POISON = {"kind": "release", "grant": "G1", "amount": "-1", "date": "2025-02-30"}


@st.composite
def garbage_table(draw, cell_strategy) -> list[list]:
    """A header of known and unknown columns, junk rows, and one row that is certainly invalid."""
    header = draw(st.lists(st.one_of(st.sampled_from(ALL_COLUMNS), junk), min_size=1, max_size=10))
    header = [h for h in dict.fromkeys(header)] + [c for c in ("kind", "grant", "amount", "date") if c not in header]
    rows = draw(st.lists(st.lists(cell_strategy, min_size=len(header), max_size=len(header)), max_size=6))
    for row in rows:
        if draw(st.booleans()):
            row[header.index("kind")] = draw(st.sampled_from(list(KIND_COLUMNS)))
    rows.insert(draw(st.integers(0, len(rows))), [POISON.get(h, "") for h in header])
    return [header, *rows]


def write_csv(rows: list[list], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def test_garbage_files_are_bad_input_and_write_nothing(seeded, tmp_path):
    cli, ledger = seeded
    path = tmp_path / "garbage.csv"

    @settings(max_examples=EXAMPLES)
    @given(content=st.one_of(st.binary(max_size=400),
                             st.builds(write_csv, garbage_table(cells), st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"]))))
    def check(content):
        path.write_bytes(content)
        assert_refused_cleanly(cli, ledger, ["import", str(path), "--json"])

    check()


def test_garbage_workbooks_are_bad_input_and_write_nothing(seeded, tmp_path):
    from openpyxl import Workbook

    cli, ledger = seeded
    path = tmp_path / "garbage.xlsx"

    @settings(max_examples=max(10, (EXAMPLES) // 4))
    @given(table=garbage_table(typed_cells))
    def check(table):
        book = Workbook()
        for row in table:
            book.active.append([_excel_safe(v) for v in row])
        book.save(path)
        assert_refused_cleanly(cli, ledger, ["import", str(path), "--json"])

    check()


def _excel_safe(value):
    """openpyxl refuses some strings (control characters) when writing; such a cell becomes a marker instead."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str) and (ILLEGAL_CHARACTERS_RE.search(value) or any(0xD800 <= ord(c) <= 0xDFFF for c in value)):
        return "\u2049"
    return value


SUBPROCESS_CASES = [
    [b"grant", b"release", b"G\xff\xfe", b"--amount", b"1", b"--date", b"2025-01-10"],
    [b"grant", b"release", b"G1", b"--amount", b"-100", b"--date", b"2025-01-10"],
    [b"grant", b"release", b"G1", b"--amount", b"1", b"--date", b"2025-02-30"],
    [b"enterprise", b"register", b"E\x80", b"--name", b"\xe4\xb8", b"--credit-code", b"X", b"--district", b"d"],
    [b"grant", b"award", b"G9", b"--enterprise", b"E001", b"--program", b"nope", b"--project-budget", b"1",
     b"--amount", b"1", b"--date", b"2025-01-01"],
]


@pytest.mark.parametrize("argv", SUBPROCESS_CASES, ids=[b" ".join(a[:3]).decode("utf-8", "replace") for a in SUBPROCESS_CASES])
def test_the_installed_command_refuses_garbage_without_a_traceback(seeded, argv):
    cli, ledger = seeded
    before = event_count(ledger)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    done = subprocess.run([QDLEDGER.encode(), b"--ledger", cli.ledger.encode(), b"--lang", b"en", *argv, b"--json"],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert b"Traceback" not in done.stderr + done.stdout
    assert event_count(ledger) == before


def test_garbage_import_file_through_the_installed_command(seeded, tmp_path):
    cli, ledger = seeded
    path = tmp_path / "junk.csv"
    path.write_bytes(b"kind,grant,amount\xff\nrelease,G1,\x00\x01\n")
    before = event_count(ledger)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    done = subprocess.run([QDLEDGER, "--ledger", cli.ledger, "import", str(path)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "导入文件 junk.csv" in done.stderr  # Chinese by default
    assert event_count(ledger) == before
