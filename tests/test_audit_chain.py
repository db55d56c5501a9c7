"""The hash chain: a fixed canonical encoding, and every kind of alteration detected by verify."""

from __future__ import annotations

import pytest

from auditkit import RawEvents, small_history
from qdledger.audit import shards
from qdledger.audit.chain import GENESIS, current_digest, encode, link, links, parse_digest
from qdledger.audit.verify import verify_ledger
from qdledger.errors import BadInput
from qdledger.ledger.storage import open_ledger


@pytest.fixture(autouse=True, params=[1, 2], ids=["one_process", "two_processes"])
def workers(request, monkeypatch):
    """Every alteration must be found alike with the replay in one process and split over two,
    however small the ledger."""
    monkeypatch.setattr(shards, "SHARD_FROM", 0)
    monkeypatch.setattr(shards, "default_workers", lambda: request.param)
    return request.param


ROW = (7, "0f" * 16, 3, "qdledger.grants.events:TrancheReleased", '{"amount":400000000}'.encode())


def test_encoding_is_length_prefixed_and_fixed():
    assert encode(*ROW).hex() == (
        "0000000000000007" "0020" "0000000000000003" "00000026" "00000014"
        + ("0f" * 16).encode().hex() + ROW[3].encode().hex() + ROW[4].hex())


def test_golden_links():
    first = link(GENESIS, ROW)
    assert first.hex() == "23bcdd537a2326ce979147a0c387d3937d04ddb304437fd60d9d0806a1b292e4"
    second = (8, "a0" * 16, 1, "qdledger.ledger.enterprise:Enterprise.Registered", "{\"name\":\"青岛\"}".encode())
    assert [p for p, _ in links([ROW, second])] == [7, 8]
    assert list(links([ROW, second]))[-1][1].hex() == "9ee08b1e12fe713e1b49e95355b4a086dc2f99f028a8a7373fd5d688caa96903"


def test_digest_parses_with_or_without_position():
    assert parse_digest("12:" + "AB" * 32) == (12, "ab" * 32)
    assert parse_digest("ab" * 32) == (None, "ab" * 32)
    with pytest.raises(BadInput):
        parse_digest("12:xyz")


def test_a_clean_ledger_verifies_and_every_save_is_sealed(ledger):
    small_history(ledger)
    report = verify_ledger(ledger)
    assert report.ok, report.as_dict()
    assert report.sealed == 0  # every save already extended the chain
    digest = current_digest(ledger)
    assert (digest.position, digest.digest) == (report.position, report.head.hex())
    assert verify_ledger(ledger, (digest.position, digest.digest)).ok
    assert verify_ledger(ledger, (None, digest.digest)).ok


def _positions(ledger):
    return [p for p, _ in ledger.all_events()]


def test_one_edited_byte_is_found_at_its_position(ledger):
    small_history(ledger)
    positions = _positions(ledger)
    raw = RawEvents(ledger)
    target = positions[-1]  # the second release
    state = raw.state(target)
    raw.flip_byte(target, state.index(b"400000000"))  # 400000000 → 500000000: same length, still valid JSON
    report = verify_ledger(ledger).as_dict()
    assert report["ok"] is False
    assert report["first_bad_position"] == target
    assert report["problems"][0]["check"] == "chain"


@pytest.mark.parametrize("offset", [0, 1, 17, -1])
def test_any_single_byte_anywhere_is_detected(ledger, offset):
    small_history(ledger)
    target = _positions(ledger)[1]
    raw = RawEvents(ledger)
    raw.flip_byte(target, offset % len(raw.state(target)))
    report = verify_ledger(ledger, replay=False).as_dict()
    assert (report["ok"], report["first_bad_position"]) == (False, target)


def test_a_deleted_event_is_found(ledger):
    small_history(ledger)
    positions = _positions(ledger)
    RawEvents(ledger).delete(positions[2])
    report = verify_ledger(ledger).as_dict()
    assert (report["ok"], report["first_bad_position"]) == (False, positions[2])


def test_a_deleted_last_event_is_found(ledger):
    small_history(ledger)
    positions = _positions(ledger)
    RawEvents(ledger).delete(positions[-1])
    report = verify_ledger(ledger).as_dict()
    assert (report["ok"], report["first_bad_position"]) == (False, positions[-1])


def test_two_swapped_events_are_found(ledger):
    small_history(ledger)
    positions = _positions(ledger)
    RawEvents(ledger).swap(positions[2], positions[4])
    report = verify_ledger(ledger).as_dict()
    assert (report["ok"], report["first_bad_position"]) == (False, positions[2])
    assert {"chain", "replay"} <= {p["check"] for p in report["problems"]}


def test_a_rewritten_chain_is_caught_only_by_a_kept_digest(ledger):
    """An intruder who edits an event and rebuilds the chain table fools verify alone, not a kept digest."""
    small_history(ledger)
    kept = current_digest(ledger)
    raw = RawEvents(ledger)
    target = _positions(ledger)[-1]
    state = raw.state(target)
    raw.set_state(target, state.replace(b'"reference":"V-1"', b'"reference":"V-9"'))
    raw.drop_chain()
    assert verify_ledger(ledger).ok  # consistent with itself again: this is the limit a digest covers
    report = verify_ledger(ledger, (kept.position, kept.digest)).as_dict()
    assert report["ok"] is False and report["digest_matched"] is False
    assert report["problems"][0]["check"] == "digest"


def test_a_digest_from_another_history_is_refused(ledger, tmp_path):
    small_history(ledger)
    other = open_ledger(str(tmp_path / "other.db"))
    try:
        from auditkit import CTX, D
        from qdledger.enterprises import register_enterprise

        register_enterprise(other, CTX, key="E009", name="另一家", credit_code="91370212MA3C5Y2K1H", district="市南区",
                            day=D("2024-11-02"))
        foreign = current_digest(other)
    finally:
        other.close()
    report = verify_ledger(ledger, (foreign.position, foreign.digest)).as_dict()
    assert report["ok"] is False and report["digest_matched"] is False


def test_a_digest_beyond_the_end_means_events_were_removed(ledger):
    small_history(ledger)
    kept = current_digest(ledger)
    raw = RawEvents(ledger)
    raw.delete(kept.position)
    raw.execute(f"DELETE FROM {raw.chain} WHERE position = ?", (kept.position,))
    assert verify_ledger(ledger).ok  # the tail and its seal both gone: only the digest can tell
    report = verify_ledger(ledger, (kept.position, kept.digest)).as_dict()
    assert report["ok"] is False and report["problems"][0]["check"] == "digest"


def test_unsealed_events_are_checked_then_sealed(ledger):
    small_history(ledger)
    RawEvents(ledger).drop_chain()
    report = verify_ledger(ledger)
    assert report.ok and report.sealed == len(_positions(ledger))
    assert verify_ledger(ledger).sealed == 0


def test_every_single_byte_edit_is_caught_where_it_was_made(tmp_path):
    """Property: flip any one bit of any stored event's state, and verify names that event."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    ledger = open_ledger(str(tmp_path / "ledger.db"))
    try:
        small_history(ledger)
        raw = RawEvents(ledger)
        states = {p: raw.state(p) for p in _positions(ledger)}

        @settings(max_examples=60)
        @given(st.sampled_from(sorted(states)), st.integers(0, 10_000), st.integers(0, 7))
        def flip(position, offset, bit):
            original = states[position]
            edited = bytearray(original)
            edited[offset % len(original)] ^= 1 << bit
            raw.set_state(position, bytes(edited))
            try:
                report = verify_ledger(ledger, replay=False).as_dict()
                assert (report["ok"], report["first_bad_position"]) == (False, position)
            finally:
                raw.set_state(position, original)

        flip()
        assert verify_ledger(ledger).ok
    finally:
        ledger.close()
