"""Storage under pressure: many processes creating a new ledger at once, locks held by others, retries that give up."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from datetime import date

import pytest

from qdledger.enterprises import register
from qdledger.errors import BadInput, ConcurrencyGaveUp
from qdledger.ledger import application
from qdledger.ledger.application import Context, Ledger
from qdledger.ledger.storage import open_ledger, storage_env
from support import ADMIN, credit_code, event_count, register as seed_register

STARTERS = 6


def _start_and_register(url: str, n: int, go, results) -> None:
    go.wait()
    try:
        ledger = open_ledger(url)
        seed_register(ledger, f"S{n}", n)
        ledger.close()
        results.put((n, "ok"))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put((n, f"{type(exc).__name__}: {exc}"))


def test_processes_starting_together_on_a_new_ledger_all_succeed(ledger_url):
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=_start_and_register, args=(ledger_url, n, go, results)) for n in range(STARTERS)]
    for p in processes:
        p.start()
    time.sleep(0.5)  # let every interpreter reach the start line
    go.set()
    outcomes = dict(results.get(timeout=120) for _ in processes)
    for p in processes:
        p.join(timeout=30)
    assert outcomes == {n: "ok" for n in range(STARTERS)}
    ledger = open_ledger(ledger_url)
    assert event_count(ledger) == STARTERS * 2  # each: the party, its credit-code handle
    ledger.close()


def _command(n: int = 500):
    return register(key=f"R{n}", name="青岛重试测试有限公司", credit_code=credit_code(n), district="市南区", day=date(2025, 1, 1))


def test_a_write_that_keeps_conflicting_gives_up_after_bounded_retries(ledger, monkeypatch):
    from eventsourcing.persistence import IntegrityError

    monkeypatch.setattr(application, "backoff", lambda attempt: None)
    monkeypatch.setattr(ledger, "save", lambda *a: (_ for _ in ()).throw(IntegrityError("taken")))
    with pytest.raises(ConcurrencyGaveUp) as gave_up:
        ledger.execute(ADMIN, _command())
    assert gave_up.value.exit_code == 3 and gave_up.value.details["attempts"] == application.MAX_ATTEMPTS
    assert "gave up after 8 attempts, nothing written" in gave_up.value.text.en
    assert ledger.retries == application.MAX_ATTEMPTS - 1


def test_a_lock_timeout_is_retried_then_succeeds(ledger, monkeypatch):
    from eventsourcing.persistence import OperationalError

    real_save, failures = ledger.save, iter([OperationalError("database is locked")] * 2)

    def flaky_save(*aggregates):
        error = next(failures, None)
        if error:
            raise error
        return real_save(*aggregates)

    monkeypatch.setattr(ledger, "save", flaky_save)
    assert ledger.execute(ADMIN, _command())["id"] == "R500"
    assert ledger.retries == 2


def test_backoff_is_bounded():
    started = time.perf_counter()
    for attempt in range(1, application.MAX_ATTEMPTS):
        application.backoff(attempt)
    assert time.perf_counter() - started < application.BACKOFF_MAX * application.MAX_ATTEMPTS


def test_sqlite_database_is_locked_is_retried(tmp_path):
    path = tmp_path / "locked.db"
    ledger = Ledger(env={**storage_env(str(path)), "SQLITE_LOCK_TIMEOUT": "1"})
    seed_register(ledger, "E1", 1)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock for 1.5 s
    threading.Timer(1.5, holder.rollback).start()
    assert ledger.execute(ADMIN, _command())["id"] == "R500"
    assert ledger.retries >= 1
    ledger.close()


def test_postgres_lock_held_by_another_session_is_waited_out(ledger_url):
    if not ledger_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    import psycopg

    from conftest import POSTGRES_URL

    schema = ledger_url.split("schema=")[1]
    ledger = Ledger(env={**storage_env(ledger_url), "POSTGRES_LOCK_TIMEOUT": "1"})
    seed_register(ledger, "E1", 1)
    holder = psycopg.connect(POSTGRES_URL)
    holder.execute(f"LOCK TABLE {schema}.qdledger_events IN EXCLUSIVE MODE")
    threading.Timer(1.5, holder.rollback).start()
    assert ledger.execute(ADMIN, _command())["id"] == "R500"
    holder.close()
    ledger.close()


def test_an_unreachable_postgres_server_is_bad_input_not_a_crash():
    with pytest.raises(BadInput) as refused:
        open_ledger("postgresql://postgres@127.0.0.1:1/test")
    assert "cannot connect to PostgreSQL at 127.0.0.1:1/test" in refused.value.text.en


def test_context_without_roles_lets_anyone_write(ledger):
    assert ledger.access is None
    assert ledger.execute(Context(actor="anyone"), _command())["id"] == "R500"


def test_the_command_line_reports_giving_up_clearly_with_exit_3(ledger_url, monkeypatch):
    from eventsourcing.persistence import IntegrityError

    from support import InProcessCli

    monkeypatch.setattr(application, "backoff", lambda attempt: None)
    monkeypatch.setattr(Ledger, "save", lambda self, *a: (_ for _ in ()).throw(IntegrityError("taken")))
    cli = InProcessCli(ledger_url)
    args = ("enterprise", "register", "E1", "--name", "青岛重试测试有限公司", "--credit-code", credit_code(7),
            "--district", "市南区", "--date", "2025-01-01")
    gave_up = cli(*args, json_out=False)
    assert gave_up.code == 3
    assert gave_up.stderr.strip() == ("Not done (nothing written): other writers kept changing the same records (or the "
                                      "database lock was not granted in time); gave up after 8 attempts, nothing "
                                      "written — try again")
    error = cli(*args).error
    assert (error["code"], error["attempts"], error["reason"]) == ("conflict", 8, "conflict")


@pytest.mark.parametrize("location, message", [
    ("postgresql://x@127.0.0.1:notaport/db", "invalid port"),
    ("postgresql://postgres@127.0.0.1:5432/", "names no database"),
    ("postgresql://postgres@127.0.0.1:5432/test?schema=bad-name;drop", "schema must be letters"),
    ("/nonexistent/folder/ledger.db", "ledger folder does not exist"),
])
def test_a_ledger_location_that_cannot_be_used_is_bad_input(location, message):
    with pytest.raises(BadInput) as refused:
        open_ledger(location)
    assert message in refused.value.text.en


def test_a_save_of_tens_of_thousands_of_events_completes_and_returns_their_positions(ledger):
    """PostgreSQL saves without pipeline mode: a multi-megabyte save once stalled both sides for ever."""
    from auditkit import generate

    before = event_count(ledger)
    made = generate(ledger, 30_000, per_party=300, batch=100)
    assert event_count(ledger) - before == made == 30_000
    if type(ledger.recorder).__module__.endswith("postgres"):
        assert type(ledger.recorder).__name__ == "SequentialPostgresApplicationRecorder"


def _postgres_ledger_with_history(url: str):
    """A PostgreSQL ledger whose enterprise E1 has several versions (registered, then grants awarded)."""
    from support import award

    ledger = open_ledger(url)
    seed_register(ledger, "E1", 1)
    seed_register(ledger, "E2", 2)
    for n in range(3):
        award(ledger, f"G{n}", "E1", 100_000_00, 1_000_000_00)
    return ledger


def test_postgres_reads_in_binary_give_the_library_stored_events(ledger_url):
    if not ledger_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    from eventsourcing.postgres import PostgresApplicationRecorder

    from qdledger.ledger.bulk import select_many
    from qdledger.ledger.handles import aggregate_id

    ledger = _postgres_ledger_with_history(ledger_url)
    try:
        recorder, party = ledger.recorder, aggregate_id("enterprise", "E1")
        library = PostgresApplicationRecorder.select_events
        everything = library(recorder, party)
        assert len(everything) >= 4 and all(type(e.state) is bytes for e in everything)
        for bounds in ({}, {"gt": 1}, {"lte": 2}, {"gt": 1, "lte": 3}, {"desc": True}, {"limit": 2},
                       {"gt": 1, "desc": True, "limit": 2}, {"lte": 3, "desc": True}):
            assert recorder.select_events(party, **bounds) == library(recorder, party, **bounds), bounds
        others = [aggregate_id("enterprise", "E2"), aggregate_id("enterprise", "E404")]
        assert select_many(recorder, [party, *others]) == {
            i: list(library(recorder, i)) for i in (party, others[0])}
    finally:
        ledger.close()


def test_postgres_ledger_opens_one_pooled_connection(ledger_url):
    if not ledger_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    ledger = _postgres_ledger_with_history(ledger_url)
    try:
        pool = ledger.recorder.datastore.pool
        ledger.repository.get(ledger.read().enterprise("E1").id)
        assert (pool.min_size, pool.max_size) == (1, 11)
        assert pool.get_stats()["pool_size"] == 1
    finally:
        ledger.close()
