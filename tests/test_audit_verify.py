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
    split = cli.ok("verify", "--workers", "2")
    assert (split["ok"], split["events"]) == (True, kept["position"] + 1)
    nobody = cli("verify", "--workers", "0")
    assert nobody.code == 2 and nobody.error["code"] == "usage" and "--workers" in nobody.error["message"]
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


def _tampered_in_every_way(ledger):
    """Forty parties; then a release inflated past its grant, an undecodable event, a grant id
    pointing at a party that does not exist, an event moved to another aggregate, an id handle
    moved away from the id it names, and the chain
    rewritten to agree with all of it, so that every replay check has something to find."""
    generate(ledger, 400, per_party=6)
    raw = RawEvents(ledger)
    rows = raw.execute(f"SELECT {raw.pos}, topic, state FROM {raw.table} ORDER BY {raw.pos}")
    rows = [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
    releases = [p for p, topic, _ in rows if topic.endswith("TrancheReleased")]
    claims = [p for p, topic, state in rows if topic.endswith("Handle.Claimed") and b'"kind":"grant"' in bytes(state)]
    raw.set_state(releases[3], raw.state(releases[3]).replace(b'"amount":100000', b'"amount":1990000000'))
    raw.set_state(releases[40], b"{not json")
    raw.set_state(claims[7], raw.state(claims[7]).replace(b'"owner":"E', b'"owner":"X'))
    moved = releases[100]
    other = raw.execute(f"SELECT originator_id FROM {raw.table} WHERE {raw.pos} = ?", (releases[3],))[0]
    raw.execute(f"UPDATE {raw.table} SET originator_id = ?, originator_version = 999 WHERE {raw.pos} = ?",
                (other["originator_id"] if isinstance(other, dict) else other[0], moved))
    raw.execute(f"UPDATE {raw.table} SET originator_id = ? WHERE {raw.pos} = ?", ("ab" * 16, claims[12]))
    raw.drop_chain()


def test_the_replay_split_over_processes_reports_exactly_what_one_process_does(ledger):
    _tampered_in_every_way(ledger)
    one = verify_ledger(ledger, workers=1).as_dict()
    assert one["ok"] is False and one["aggregates"] == 120 and one["events"] == 400
    found = {c["name"]: c["problems"] for c in one["checks"] if c["problems"]}
    assert found == {"replay": 4, "recheck_release": 4, "disbursed_within_awarded": 1, "ids_indexed": 2}, one["problems"]
    for workers in (2, 3):
        assert verify_ledger(ledger, workers=workers).as_dict() == one


def test_the_id_check_computes_the_ids_the_ledger_gives():
    from uuid import uuid5

    from qdledger.ledger.handles import NAMESPACE, aggregate_id, aggregate_id_bytes

    for kind, key in [("grant", "G1"), ("enterprise", "E000001"), ("credit_code", "91370212MA3C5Y2K1H"), ("grant", "青岛-1")]:
        assert aggregate_id_bytes(kind, key) == aggregate_id(kind, key).bytes == uuid5(NAMESPACE, f"{kind}:{key}").bytes


def test_a_clean_ledger_split_over_processes_reports_what_one_process_does(ledger):
    generate(ledger, 400, per_party=6)
    one = verify_ledger(ledger, workers=1)
    two = verify_ledger(ledger, workers=2)
    assert one.ok and (one.events, one.aggregates) == (400, 120)
    assert two.as_dict() == one.as_dict()


def test_a_failing_or_lost_worker_is_named_not_waited_for(ledger, monkeypatch):
    import os

    import pytest

    from qdledger.audit import verify
    from qdledger.audit.shards import WorkerFailed

    generate(ledger, 400, per_party=6)

    def broken(store, decoder, end, keys):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(verify, "replay_shard", broken)
    with pytest.raises(WorkerFailed, match="shard 1 failed: RuntimeError: disk gone"):
        verify_ledger(ledger, workers=2)
    monkeypatch.setattr(verify, "replay_shard", lambda *args: os._exit(3))
    with pytest.raises(WorkerFailed, match="shard 1 failed: exit code 3"):
        verify_ledger(ledger, workers=2)


def test_when_no_process_can_be_forked_verify_replays_everything_itself(ledger, monkeypatch):
    from qdledger.audit import verify

    generate(ledger, 400, per_party=6)

    def no_fork(split, work):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(verify, "Workers", no_fork)
    report = verify_ledger(ledger, workers=2)
    assert report.ok and (report.events, report.aggregates) == (400, 120)
