"""benchmarks/run on a small ledger: it must run and print its table (timings are never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    written = out.read_text(encoding="utf-8")
    assert "<!-- results:begin -->" in written and table.strip() in written
