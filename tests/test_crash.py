"""Killing an import with SIGKILL at random moments never leaves part of a batch; re-running completes it once."""

from __future__ import annotations

import atexit
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from conftest import QDLEDGER
from qdledger.consistency import check_ledger
from qdledger.grants.events import TrancheReleased
from qdledger.ledger.storage import open_ledger
from support import credit_code, report, verify_if_present

KILLS = int(os.environ.get("QDLEDGER_CRASH_KILLS", "12"))
PARTIES = int(os.environ.get("QDLEDGER_CRASH_PARTIES", "8"))
"""New parties each run adds; run k imports the rows of runs 1..k, so every run has something new to record."""


def batch_file(path: Path, runs: int) -> Path:
    """Per party: register, award 900万, release 360万 (40%), mid-term passed, release 300万."""
    lines = ["kind,id,name,credit_code,district,date,grant,enterprise,program,project_budget,amount,milestone,result"]
    for n in range(PARTIES * runs):
        e, g = f"C{n:03d}", f"CG{n:03d}"
        lines += [f"enterprise,{e},青岛崩溃测试{n}有限公司,{credit_code(n)},黄岛区,2024-11-01,,,,,,,",
                  f"award,,,,,2024-12-20,{g},{e},sci_demo_project,3000万,900万,,",
                  f"release,,,,,2025-01-10,{g},,,,360万,,",
                  f"milestone,,,,,2025-06-30,{g},,,,,midterm,passed",
                  f"release,,,,,2025-07-10,{g},,,,300万,,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_import(url: str, path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    return subprocess.Popen([QDLEDGER, "--ledger", url, "--actor", "importer", "--lang", "en", "import", str(path), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def state(url: str) -> tuple[list[str], int]:
    """(consistency problems, releases stored)."""
    ledger = open_ledger(url)
    try:
        releases = sum(isinstance(e, TrancheReleased) for _, e in ledger.all_events())
        return check_ledger(ledger), releases
    finally:
        ledger.close()


def timed_run(url: str, path: Path) -> float:
    started = time.perf_counter()
    done = start_import(url, path)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    return time.perf_counter() - started


def scratch_ledgers(ledger_url: str, tmp_path: Path) -> list[str]:
    """Two throwaway ledgers on the backend under test, to time a whole import there."""
    if not ledger_url.startswith("postgres"):
        return [str(tmp_path / "a.db"), str(tmp_path / "b.db")]
    from conftest import _drop_schema, _postgres_schema_url

    made = [_postgres_schema_url() for _ in range(2)]
    atexit.register(lambda: [_drop_schema(schema) for _, schema in made])
    return [url for url, _ in made]


def test_sigkill_during_import_never_leaves_a_partial_batch(ledger_url, tmp_path):
    for k in range(1, KILLS + 1):
        (tmp_path / f"run{k}").mkdir()
    files = [batch_file(tmp_path / f"run{k}" / "batch.csv", k) for k in range(1, KILLS + 1)]  # one file, growing
    small, large = (timed_run(scratch, path) for scratch, path in zip(scratch_ledgers(ledger_url, tmp_path), (files[0], files[-1])))
    rng = random.Random(20250110)
    outcomes = {"killed before commit": 0, "killed after commit": 0, "finished before the kill": 0}
    aim = 1.0  # steers the kills towards the moment of commit: later after an early kill, earlier after a late one
    for k, path in enumerate(files, start=1):
        _, before = state(ledger_url)
        process = start_import(ledger_url, path)
        expected = small + (large - small) * (k - 1) / max(1, KILLS - 1)
        time.sleep(rng.uniform(0.6, 1.0) * aim * expected)
        process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=60)
        process.communicate()
        problems, releases = state(ledger_url)
        assert problems == [], problems
        verify_if_present(ledger_url)
        assert releases in (before, 2 * PARTIES * k), f"partial batch: {releases} releases after run {k}"
        outcome = "killed before commit" if releases == before else "finished before the kill" if code == 0 else "killed after commit"
        outcomes[outcome] += 1
        aim *= 1.3 if releases == before else 0.8
    timed_run(ledger_url, files[-1])  # the re-run completes the batch …
    again = start_import(ledger_url, files[-1])
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0 and '"applied": 0' in out  # … and a further run records nothing new
    problems, releases = state(ledger_url)
    assert problems == [] and releases == 2 * PARTIES * KILLS
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    report(f"crash [{backend}] {KILLS} SIGKILLs during imports of {PARTIES * 5}–{PARTIES * 5 * KILLS} rows "
           f"(runs of {small:.1f}–{large:.1f}s): " + ", ".join(f"{k} {v}" for k, v in outcomes.items())
           + f"; partial batches 0; after the re-run {releases} releases, each once; consistency problems 0")
