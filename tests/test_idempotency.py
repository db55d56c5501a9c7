"""Idempotency keys: a repeated command changes nothing and reports the first result; a reused key is refused."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import QDLEDGER
from qdledger.ledger.storage import open_ledger
from qdledger.grants.service import show_grant
from support import WAN, award, event_count, events, register

REGISTER = ("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
            "--district", "崂山区", "--date", "2024-11-01")
AWARD = ("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
         "--amount", "1000万", "--date", "2024-12-20")
WRITES = {
    "enterprise register": REGISTER,
    "grant award": AWARD,
    "grant release": ("grant", "release", "G1", "--amount", "100万", "--date", "2025-01-10"),
    "grant midterm": ("grant", "midterm", "G1", "--result", "passed", "--date", "2025-06-30"),
    "grant acceptance": ("grant", "acceptance", "G1", "--result", "passed", "--date", "2026-06-30"),
    "lpr set": ("lpr", "set", "2030-01", "--one-year", "3.00"),
}
"""Every write command, in an order where each succeeds after the ones before it."""


def test_every_write_command_repeated_with_its_key_is_a_no_op_reporting_the_first_result(app_cli):
    for name, args in WRITES.items():
        key = f"key-{name.replace(' ', '-')}"
        first = app_cli.ok(*args, "--idempotency-key", key)
        before = events(app_cli)
        again = app_cli.ok(*args, "--idempotency-key", key)
        assert again.pop("replayed") is True, name
        assert again == first, name
        assert events(app_cli) == before, name


def test_a_release_repeated_under_its_key_is_not_paid_twice(app_cli):
    app_cli.ok(*REGISTER)
    app_cli.ok(*AWARD)
    release = ("grant", "release", "G1", "--amount", "100万", "--date", "2025-01-10", "--idempotency-key", "pay-1")
    app_cli.ok(*release)
    app_cli.ok(*release)
    assert app_cli.ok("grant", "show", "G1")["disbursed"] == "1000000.00"


def test_a_different_command_under_a_used_key_is_refused_and_writes_nothing(app_cli):
    app_cli.ok(*REGISTER)
    app_cli.ok(*AWARD)
    app_cli.ok("grant", "release", "G1", "--amount", "100万", "--date", "2025-01-10", "--idempotency-key", "pay-1")
    before = events(app_cli)
    other = app_cli("grant", "release", "G1", "--amount", "200万", "--date", "2025-01-10", "--idempotency-key", "pay-1")
    assert other.code == 2
    assert other.error["code"] == "bad_input" and "pay-1" in other.error["message"]
    assert other.error["field"] == "idempotency_key"
    assert events(app_cli) == before


def test_a_refused_command_does_not_use_up_its_key(app_cli):
    app_cli.ok(*REGISTER)
    app_cli.ok(*AWARD)
    too_much = app_cli("grant", "release", "G1", "--amount", "900万", "--date", "2025-01-10", "--idempotency-key", "k")
    assert too_much.code == 1
    assert "replayed" not in app_cli.ok("grant", "release", "G1", "--amount", "100万", "--date", "2025-01-10",
                                    "--idempotency-key", "k")


def test_a_dry_run_does_not_use_up_its_key(app_cli):
    app_cli.ok(*REGISTER)
    app_cli.ok(*AWARD, "--idempotency-key", "a", "--dry-run")
    assert "replayed" not in app_cli.ok(*AWARD, "--idempotency-key", "a")


def test_the_same_key_sent_by_several_processes_at_once_is_recorded_once(cli, copies=4):
    ledger = open_ledger(cli.ledger)
    register(ledger, "E001", 1)
    award(ledger, "G1", "E001", 1000 * WAN, 4500 * WAN)
    before = event_count(ledger)
    ledger.close()
    argv = [QDLEDGER, "--ledger", cli.ledger, "--actor", "officer", "--lang", "en", "grant", "release", "G1",
            "--amount", "50万", "--date", "2025-01-10", "--idempotency-key", "voucher-2025-0001", "--json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    running = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for _ in range(copies)]
    done = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in running]
    assert [code for code, _, _ in done] == [0] * copies, done
    results = [json.loads(out) for _, out, _ in done]
    assert sorted(bool(r.get("replayed")) for r in results) == [False] + [True] * (copies - 1)
    assert {r["disbursed"] for r in results} == {"500000.00"}
    assert events(cli) == before + 2  # the release and its key
    ledger = open_ledger(cli.ledger)
    assert show_grant(ledger, "G1")["disbursed"] == "500000.00"
    ledger.close()


def test_random_sequences_of_keyed_commands_behave_like_a_key_table(ledger):
    """Model: key → (command, first result). Replays change nothing, a reused key with other arguments is refused."""
    import uuid
    from datetime import date

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qdledger.errors import BadInput
    from qdledger.grants.service import release
    from qdledger.ledger.application import Context

    register(ledger, "E001", 1)
    award(ledger, "G1", "E001", 1000 * WAN, 4500 * WAN)
    step = st.tuples(st.integers(0, 3), st.integers(1, 3), st.sampled_from([date(2025, 1, 10), date(2025, 2, 1)]))

    @settings(max_examples=min(50, settings().max_examples))
    @given(steps=st.lists(step, min_size=1, max_size=8))
    def check(steps):
        run, table = uuid.uuid4().hex[:8], {}
        for key_no, yuan, day in steps:
            key, args = f"{run}-{key_no}", (yuan, day)
            before = event_count(ledger)
            command = release(grant_id="G1", amount=yuan * 100, day=day)
            if key in table and table[key][0] != args:
                with pytest.raises(BadInput):
                    ledger.execute(Context("officer", idempotency_key=key), command)
                assert event_count(ledger) == before
                continue
            result = ledger.execute(Context("officer", idempotency_key=key), command)
            if key in table:
                assert result == {**table[key][1], "replayed": True} and event_count(ledger) == before
            else:
                table[key] = (args, result)
                assert "replayed" not in result and event_count(ledger) == before + 2

    check()
