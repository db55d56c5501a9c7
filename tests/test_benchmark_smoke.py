"""benchmarks/run on a small ledger: it must run and print its table (timings are never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_script_runs_and_prints_its_table(tmp_path):
    backends = [b.strip() for b in os.environ.get("QDLEDGER_TEST_BACKENDS", "sqlite").split(",")]
    chosen = ",".join(b for b in ("sqlite", "postgres") if b in backends) or "sqlite"
    out = tmp_path / "benchmarks.md"
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run([str(ROOT / "benchmarks" / "run"), "--events", "20000", "--runs", "3", "--help-runs", "3",
                           "--backends", chosen, "--out", str(out), "--quiet"],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    table = done.stdout
    assert "| measurement |" in table
    for label in ("bulk append through the application", "**ratio**", "one CLI write", "`qdledger --help` cold start",
                  "history: replay", "`grant show`", "decode the whole notification log", "read-model rebuild",
                  "`verify`", "`equity quote-exit`"):
        assert label in table, label
    slots = ("`qdledger history`", "read-model rebuild", "`verify`", "`equity quote-exit`")
    core = [line for line in table.splitlines() if line.startswith("| ") and not any(s in line for s in slots)]
    assert not [line for line in core if "failed" in line], table
    quote = next(line for line in table.splitlines() if "`equity quote-exit`" in line)
    assert "failed" not in quote and "slot" not in quote, quote
    written = out.read_text(encoding="utf-8")
    assert "<!-- results:begin -->" in written and table.strip() in written


PART_EVENTS = {
    "grants": ("GrantAwarded", "TrancheReleased", "MilestoneRecorded"),
    "equity": ("EquityInvested", "EquityAwardRecorded", "DividendReceived", "StakeChanged", "EquityExited"),
    "subsidies": ("LoanRegistered", "GuaranteeRegistered", "LoanRepaid", "InsuranceRegistered", "SubsidyClaimed",
                  "SubsidyPaid"),
    "integrity": ("IntegrityCaseOpened", "IntegrityDecisionRecorded", "RecoveryOrdered", "RecoveryRepaid"),
}


def test_a_small_generation_has_every_part_verifies_clean_and_balances(ledger, ledger_url, cli):
    from collections import Counter

    from qdledger.bench.generate import Scale, generate
    from qdledger.bench.parts import PARTS
    from qdledger.reports import trial_balance

    if ledger_url == ":memory:":
        pytest.skip("the CLI cannot open an in-memory ledger")
    stats = generate(ledger, Scale(events=8000, enterprises=80), progress=False)
    assert stats.refusals == 0
    assert 7000 <= stats.events <= 9000, stats.events
    assert sorted(part.name for part in PARTS) == sorted(PART_EVENTS)
    kinds = Counter(type(event).__name__ for _, event in ledger.all_events())
    for part, names in PART_EVENTS.items():
        missing = [name for name in names if not kinds[name]]
        assert not missing, (part, missing, kinds)
    assert stats.long_tail == ["E00001"]
    assert all(stats.samples.get(kind) for kind in ("grant", "position", "loan", "claim", "case")), stats.samples.keys()
    assert cli.ok("verify")["ok"] is True
    assert trial_balance(ledger)["total"] == "0.00"
