"""verify over a large generated ledger, the invariant checks after a consistent rewrite, and the CLI."""

from __future__ import annotations

import time

from auditkit import RawEvents, generate, small_history
from qdledger.audit.verify import verify_ledger
from qdledger.ledger.storage import open_ledger


def test_verify_of_a_100000_event_ledger(ledger):
    made = generate(ledger, 100_000)
    started = time.perf_counter()
    report = verify_ledger(ledger)
    elapsed = time.perf_counter() - started
    assert report.ok, report.as_dict()["problems"][:3]
    assert report.events == made == 100_000
    print(f"\nverify: {made} events in {elapsed:.1f} s ({made / elapsed:,.0f} events/s)")
    positions = [p for page in _pages(ledger) for p in page]
    middle = positions[len(positions) // 2]
    RawEvents(ledger).flip_byte(middle, 5)
    tampered = verify_ledger(ledger, replay=False).as_dict()
    assert (tampered["ok"], tampered["first_bad_position"]) == (False, middle)


def _pages(ledger):
    from qdledger.audit.rows import event_store

    store = event_store(ledger)
    try:
        for page in store.pages():
            yield [row[0] for row in page]
    finally:
        store.close()


def test_invariants_catch_a_rewrite_that_kept_the_chain_consistent(ledger):
    """An edited amount, resealed: the chain agrees with itself, the replayed books do not."""
    small_history(ledger)
    raw = RawEvents(ledger)
    last = [p for p, _ in ledger.all_events()][-1]
    raw.set_state(last, raw.state(last).replace(b'"amount":400000000', b'"amount":900000000'))
    raw.drop_chain()
    report = verify_ledger(ledger).as_dict()
    assert report["ok"] is False and report["first_bad_position"] == last
    found = {p["check"] for p in report["problems"]}
    assert {"recheck_release", "disbursed_within_awarded"} <= found


def test_cli_digest_and_verify(cli):
    cli.ok("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
           "--district", "崂山区", "--date", "2024-11-01")
    cli.ok("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
           "--amount", "1000万", "--date", "2024-12-20")
    kept = cli.ok("digest")
    assert set(kept) == {"position", "digest"} and kept["position"] > 0 and len(kept["digest"]) == 64
    token = f"{kept['position']}:{kept['digest']}"
    assert cli.ok("verify", "--digest", token)["ok"] is True
    cli.ok("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")
    assert cli.ok("verify", "--digest", token)["digest_matched"] is True  # history only grew
    quiet = cli("--quiet", "verify", json_out=False)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")
    ledger = open_ledger(cli.ledger)
    try:
        RawEvents(ledger).flip_byte(kept["position"], 10)
    finally:
        ledger.close()
    failed = cli("verify", "--digest", token)
    assert failed.code == 1
    assert failed.json["ok"] is False and failed.json["first_bad_position"] == kept["position"]
    human = cli("verify", json_out=False)
    assert human.code == 1 and f"first bad position {kept['position']}" in human.stdout
    bad = cli("verify", "--digest", "nonsense")
    assert bad.code == 2 and bad.error["code"] == "bad_input"


def test_every_check_verify_runs_says_what_it_looks_at(ledger):
    from qdledger.audit.checks import describe
    from qdledger.audit.verify import verify_ledger

    names = [c["name"] for c in verify_ledger(ledger).as_dict()["checks"]]
    assert "chain" in names and "trial_balance" in names
    assert [n for n in names if describe(n) is None] == []
