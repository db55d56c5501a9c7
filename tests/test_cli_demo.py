"""``qdledger demo`` walks a fresh ledger through a staged grant; a ledger that cannot be opened is bad input."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import QDLEDGER


def test_the_demo_tells_a_staged_grant_a_clawback_and_an_equity_exit_with_a_zero_trial_balance(cli):
    steps = cli.ok("demo")["steps"]
    refused = [step["refused"]["rule"] for step in steps if step["refused"]]
    assert refused == ["sci_demo_project.project_cap", "sci_demo_project.staging", "sci_demo_project.staging",
                       "research_integrity.interim_suspension", "research_integrity.award_ban"]
    results = [step["result"] for step in steps if step["result"]]
    decision = next(r for r in results if r.get("severity"))
    assert (decision["ban_until"], decision["suspended_days"], decision["released_commitment"]) == ("2030-09-01", 91, "4800000.00")
    repaid = next(r for r in results if "recovered" in r and "orders" in r)
    assert (repaid["recovered"], repaid["receivable"]) == ("1200000.00", "2000000.00")
    exit_ = next(r for r in results if r.get("recorded") is not False and "concession" in r)
    assert (exit_["return"], exit_["chosen_ground"], exit_["concession"], exit_["fund_receives"]) == (
        "6000000.00", "award_provincial_1", "3600000.00", "12400000.00")
    assert steps[-1]["result"]["total"] == "0.00"
    assert any(step["result"] and step["result"].get("status") == "closed" for step in steps)
    again = cli("demo")
    assert again.code == 2 and "not empty" in again.error["message"]


def test_the_demo_needs_no_ledger_and_ignores_the_one_in_the_environment(tmp_path):
    existing = tmp_path / "mine.db"
    existing.write_text("not to be touched")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")} | {
        "QDLEDGER_DB": str(existing), "QDLEDGER_LANG": "en"}
    done = subprocess.run([QDLEDGER, "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Refused, nothing written [sci_demo_project.staging]" in done.stdout
    assert "debit minus credit: ¥0.00 (always zero)" in done.stdout
    assert existing.read_text() == "not to be touched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.db"]


def test_a_ledger_that_cannot_be_opened_is_bad_input_not_a_crash(tmp_path):
    not_a_ledger = tmp_path / "notes.db"
    not_a_ledger.write_text("shopping list")
    for location in (str(not_a_ledger), str(tmp_path / "no" / "such" / "folder.db"),
                     "postgresql://postgres:secret@127.0.0.1:not-a-port/test"):
        done = subprocess.run([QDLEDGER, "--ledger", location, "grant", "show", "G1", "--json"], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2, (location, done.stdout, done.stderr)
        error = json.loads(done.stdout)["error"]
        assert error["field"] == "ledger" and "secret" not in error["message"]
        assert "Traceback" not in done.stderr
    assert not_a_ledger.read_text() == "shopping list"
