"""The generator with several writer processes: the same events per aggregate as one process,
a verifiable chain, no batch decided twice, and a refusal or a crash in a worker stops the run."""

from __future__ import annotations

import os
from collections import defaultdict

import orjson
import pytest

from qdledger.audit.rows import event_store
from qdledger.audit.verify import verify_ledger
from qdledger.bench.generate import GeneratorRefused, Scale, generate, parties_for, plan_party
from qdledger.bench.workers import SHARED, check_own, run_workers, split, survey
from qdledger.ledger.storage import open_ledger

SMALL = Scale(events=6000, enterprises=60, batch=400)


def per_aggregate(ledger) -> dict[str, list[tuple[int, str, dict]]]:
    """Each aggregate's events in version order, without the time they were recorded."""
    store = event_store(ledger)
    found: dict[str, list[tuple[int, str, dict]]] = defaultdict(list)
    try:
        for page in store.pages():
            for _position, oid, version, topic, state in page:
                body = orjson.loads(state)
                body.pop("timestamp", None)
                found[oid].append((version, topic, body))
    finally:
        store.close()
    return {oid: sorted(events, key=lambda e: e[0]) for oid, events in found.items()}


def test_two_workers_write_the_same_events_per_aggregate_as_one_and_the_chain_verifies(ledger_url):
    if ledger_url == ":memory:":
        pytest.skip("workers need a ledger other processes can open")
    two = open_ledger(ledger_url)
    one = open_ledger(":memory:")
    try:
        parallel = generate(two, SMALL, progress=False, workers=2)
        serial = generate(one, SMALL, progress=False)
        assert parallel.workers == 2 and serial.workers == 1
        assert parallel.retries == 0
        assert (parallel.events, parallel.commands, parallel.refusals) == (serial.events, serial.commands, 0)
        assert parallel.batches >= serial.batches
        assert parallel.long_tail == serial.long_tail == ["E00001"]
        assert parallel.samples == serial.samples
        assert parallel.cpu_in_batches > 0 and parallel.seconds_in_batches > 0
        assert per_aggregate(two) == per_aggregate(one)
        report = verify_ledger(two)
        assert report.ok, report.as_dict()
        assert report.as_dict()["events"] == serial.events
    finally:
        two.close()
        one.close()


def test_a_refused_command_in_a_worker_stops_the_run_with_its_message(ledger_url):
    if ledger_url == ":memory:":
        pytest.skip("workers need a ledger other processes can open")
    ledger = open_ledger(ledger_url)
    try:
        tiny = Scale(events=400, enterprises=8, batch=50)
        generate(ledger, tiny, progress=False, workers=2)
        with pytest.raises(GeneratorRefused, match=r"batch 1: \d+ generated command\(s\) refused; the first, "
                                                   r"enterprise.register "):
            generate(ledger, tiny, progress=False, workers=2)
    finally:
        ledger.close()


class Crash:
    """A job that ends its worker's process the moment the worker receives it."""

    def __reduce__(self):
        return os._exit, (3,)


def test_a_worker_that_dies_stops_the_run_instead_of_hanging():
    with pytest.raises(RuntimeError, match=r"worker [12] of 2 stopped \(exit code 3\) before it finished"):
        run_workers(2, [Crash(), Crash()], lambda surveys: [], lambda: None)


def test_a_worker_left_without_parties_ends_at_once():
    assert run_workers(2, [list, list], lambda surveys: [], lambda: None) == [{}, {}]


def test_a_worker_crashing_in_its_job_stops_the_run():
    with pytest.raises(RuntimeError, match=r"worker 1 of 1 stopped \(exit code 3\) before it finished"):
        run_workers(1, [list], lambda surveys: [Crash()], lambda: None)


def test_parties_sharing_the_fund_or_the_case_registry_go_to_the_first_group_and_budgets_balance():
    parties = parties_for(Scale(events=40_000, enterprises=400))
    shared = {p.key for p in parties if survey(p, Scale.seed)[0]}
    assert 20 <= len(shared) <= 200, len(shared)
    groups = split(parties, 2, shared)
    assert sorted(p.key for g in groups for p in g) == sorted(p.key for p in parties)
    assert shared <= {p.key for p in groups[0]}
    assert all([p.key for p in g] == sorted(p.key for p in g) for g in groups)
    loads = [sum(p.budget for p in g) for g in groups]
    assert max(loads) - min(loads) <= max(p.budget for p in parties), loads


def test_every_generated_command_reads_only_its_own_partys_records():
    scale = Scale(events=40_000, enterprises=400)
    makers = set()
    for party in parties_for(scale):
        for item in plan_party(party, scale.seed):
            check_own(party, item.command())
            makers.add(item.make)
    assert SHARED <= makers


def test_a_command_reading_another_partys_records_is_refused():
    from qdledger.grants.service import release

    party = parties_for(Scale(events=400, enterprises=4))[1]
    command = release(grant_id="G-E00001-001", amount=100, day=party.registered_on)
    with pytest.raises(GeneratorRefused, match="reads G-E00001-001, which belongs to another party"):
        check_own(party, command)
