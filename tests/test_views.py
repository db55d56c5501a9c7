"""Read models: kept current incrementally, always equal to a rebuild, money in integer fen."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit import CTX, D, credit_code, generate, small_history
from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.errors import LedgerError
from qdledger.grants.service import award_grant, record_milestone, release_tranche
from qdledger.ledger.storage import open_ledger
from qdledger.money import parse_amount
from qdledger.views.location import follow, views_location
from qdledger.views.store import catch_up, rebuild


def tables(path: Path) -> dict[str, list[tuple]]:
    db = sqlite_utils.Database(path)
    try:
        return {name: sorted(tuple(r.values()) for r in db[name].rows) for name in db.table_names()}
    finally:
        db.close()


operations = st.lists(st.one_of(
    st.tuples(st.just("register"), st.integers(0, 2)),
    st.tuples(st.just("award"), st.integers(0, 2), st.integers(0, 3), st.integers(1, 10_000_000_00),
              st.sampled_from(["sci_demo_project", "key_tech_project"])),
    st.tuples(st.just("release"), st.integers(0, 3), st.integers(1, 5_000_000_00), st.integers(0, 900)),
    st.tuples(st.just("milestone"), st.integers(0, 3), st.sampled_from(["midterm", "acceptance"]),
              st.sampled_from(["passed", "failed"]), st.integers(0, 900)),
    st.tuples(st.just("catch_up")),
), max_size=25)


def apply(ledger, op) -> None:
    kind = op[0]
    if kind == "register":
        register_enterprise(ledger, CTX, key=f"E{op[1]}", name=f"企业{op[1]}", credit_code=credit_code(op[1]),
                            district="崂山区", day=D("2024-10-01"))
    elif kind == "award":
        award_grant(ledger, CTX, grant_id=f"G{op[2]}", enterprise=f"E{op[1]}", program=op[4],
                    project_budget=op[3] * 3, amount=op[3], day=D("2024-12-20"))
    elif kind == "release":
        release_tranche(ledger, CTX, grant_id=f"G{op[1]}", amount=op[2], day=D("2024-12-20") + timedelta(days=op[3]))
    elif kind == "milestone":
        record_milestone(ledger, CTX, grant_id=f"G{op[1]}", milestone=op[2], result=op[3],
                         day=D("2024-12-20") + timedelta(days=op[4]))


@settings(max_examples=25)
@given(operations)
def test_incremental_read_models_equal_a_rebuild(ops):
    with tempfile.TemporaryDirectory() as work:
        ledger = open_ledger(str(Path(work) / "ledger.db"))
        try:
            incremental = Path(work) / "ledger.views.db"
            for op in ops:
                if op[0] == "catch_up":
                    catch_up(ledger, incremental)
                    continue
                try:
                    apply(ledger, op)
                except LedgerError:
                    pass
            catch_up(ledger, incremental)
            rebuilt = Path(work) / "rebuilt.views.db"
            rebuild(ledger, rebuilt)
            assert tables(incremental) == tables(rebuilt)
            _match_the_ledger(ledger, rebuilt)
        finally:
            ledger.close()


def _match_the_ledger(ledger, path: Path) -> None:
    db = sqlite_utils.Database(path)
    try:
        for row in db["enterprises"].rows:
            shown = show_enterprise(ledger, row["id"])
            assert (row["awarded_fen"], row["disbursed_fen"]) == (parse_amount(shown["awarded"], allow_zero=True),
                                                                    parse_amount(shown["disbursed"], allow_zero=True))
        assert sum(r["balance_fen"] for r in db["trial_balance"].rows) == 0
        assert all(isinstance(r["fen"], int) for r in db["postings"].rows)
    finally:
        db.close()


def test_a_follower_keeps_the_file_current_on_every_backend(ledger, tmp_path):
    path = tmp_path / "followed.views.db"
    catch_up(ledger, path)
    ledger.followers.append(follow(str(path)))
    small_history(ledger)
    rebuilt = tmp_path / "rebuilt.views.db"
    rebuild(ledger, rebuilt)
    assert tables(path) == tables(rebuilt)
    grants = tables(path)["grants"]
    assert len(grants) == 1 and grants[0][6:9] == (10_000_000_00, 8_000_000_00, 2)


def test_the_file_sits_beside_the_ledger():
    assert views_location("/data/qdledger.db").endswith("/data/qdledger.views.db")
    assert views_location("ledger") == "ledger.views.db"
    assert views_location("postgresql://u@h/db") == "qdledger.views.db"
    assert views_location(":memory:") is None


def test_cli_rebuild_then_writes_keep_it_current(cli):
    cli.ok("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
           "--district", "崂山区", "--date", "2024-11-01")
    views = Path(cli.ledger).with_name("ledger.views.db") if not cli.ledger.startswith("postgres") else None
    if views is None:
        return
    built = cli.ok("rebuild")
    assert built["position"] > 0 and Path(built["views"]) == views
    cli.ok("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
           "--amount", "1000万", "--date", "2024-12-20")
    rows = tables(views)
    party = sqlite_utils.Database(views)["enterprises"].get("E001")
    assert rows["grants"][0][0] == "G1" and party["awarded_fen"] == 10_000_000_00


def test_positions_cases_and_recoveries_follow_step_by_step_and_equal_a_rebuild(tmp_path):
    from qdledger.demo import run_demo

    ledger = open_ledger(str(tmp_path / "demo.db"))
    try:
        for _ in run_demo(ledger):
            catch_up(ledger, tmp_path / "live.views.db")
        rebuild(ledger, tmp_path / "built.views.db")
    finally:
        ledger.close()
    live, built = tables(tmp_path / "live.views.db"), tables(tmp_path / "built.views.db")
    assert live == built
    db = sqlite_utils.Database(tmp_path / "live.views.db")
    position = db["positions"].get("P2025-001")
    assert (position["stake"], position["awards"], position["concession_fen"], position["fund_receives_fen"]) == (
        "18.00", 2, 360_000_000, 1_240_000_000)
    case = db["integrity_cases"].get("C2026-003")
    assert (case["severity"], case["ban_until"], case["suspended_days"]) == ("严重", "2030-09-01", 91)
    recovery = next(db["recoveries"].rows)
    assert (recovery["ordered_fen"], recovery["repaid_fen"]) == (320_000_000, 120_000_000)


def test_a_follower_reports_how_far_behind_the_file_is_and_each_page_applied(ledger, tmp_path):
    from contextlib import contextmanager

    path = tmp_path / "late.views.db"
    catch_up(ledger, path)
    small_history(ledger)  # recorded while nothing followed: the file is behind by all of it
    behind, applied = [], []

    @contextmanager
    def progress(events_behind):
        behind.append(events_behind)
        yield applied.append

    follow(str(path), progress=progress)(ledger)
    from qdledger.audit.rows import event_store

    store = event_store(ledger)
    recorded = store.count()
    store.close()
    assert behind == [ledger.recorder.max_notification_id()] and sum(applied) == recorded > 0


def _events_in(ledger) -> int:
    from qdledger.audit.rows import event_store

    store = event_store(ledger)
    try:
        return store.count()
    finally:
        store.close()


def test_a_rebuild_in_parts_equals_one_process_and_the_catch_up(ledger, tmp_path, monkeypatch):
    from qdledger.demo import run_demo
    from qdledger.views import parts

    for _ in run_demo(ledger):
        catch_up(ledger, tmp_path / "live.views.db")
    generate(ledger, 1_000, per_party=60)
    catch_up(ledger, tmp_path / "live.views.db")
    merged = []
    merge = parts.merge
    monkeypatch.setattr(parts, "merge", lambda *a: (merge(*a), merged.append(len(a[1]))))
    applied: list[int] = []
    for workers in (1, 2, 3):
        built = rebuild(ledger, tmp_path / f"w{workers}.views.db", applied.append, workers=workers)
        assert built["applied"] == _events_in(ledger) > 1_000 and built["workers"] == workers
    assert merged == [2, 3]  # the parts were put together, not rebuilt in one process
    assert sum(applied) == 3 * _events_in(ledger)
    live = tables(tmp_path / "live.views.db")
    assert live == tables(tmp_path / "w1.views.db") == tables(tmp_path / "w2.views.db") == tables(tmp_path / "w3.views.db")
    assert len(live["events"]) == _events_in(ledger) and len(live["recoveries"]) == 1
    db = sqlite_utils.Database(tmp_path / "w2.views.db")
    try:
        order = [tuple(r) for r in db.execute("SELECT position, line FROM postings").fetchall()]
        assert order == sorted(order) and len(order) > 1_000  # stored in the log's order, as one process writes them
        assert db["positions"].get("P2025-001")["fund_receives_fen"] == 1_240_000_000
    finally:
        db.close()


def test_a_failing_part_says_why_and_leaves_the_old_read_models(ledger, tmp_path, monkeypatch):
    import os

    import pytest

    from qdledger.views import parts, store

    small_history(ledger)
    path = tmp_path / "kept.views.db"
    rebuild(ledger, path)
    before = tables(path)

    def broken(*args):
        raise ValueError("page cannot be projected")

    def killed(*args):
        os._exit(3)

    monkeypatch.setattr(store, "apply_page", broken)
    with pytest.raises(parts.RebuildFailed, match="ValueError: page cannot be projected"):
        rebuild(ledger, path, workers=2)
    monkeypatch.setattr(store, "apply_page", killed)
    with pytest.raises(parts.RebuildFailed, match=r"exited \(code 3\)"):
        rebuild(ledger, path, workers=2)
    assert tables(path) == before and [p.name for p in tmp_path.iterdir() if "views" in p.name] == ["kept.views.db"]


def test_parts_that_wrote_the_same_row_are_refused_and_the_rebuild_runs_in_one_process(ledger, tmp_path, monkeypatch):
    import pytest

    from qdledger.views import parts
    from qdledger.views.store import open_views

    for k in range(2):
        db = open_views(tmp_path / f"p{k}.db")
        db["enterprises"].insert({"id": "E001", "aggregate_id": f"{k:032x}", "name": "青岛海研"})
        db.close()
    with pytest.raises(parts.SharedRow):
        parts.merge(tmp_path / "merged.db", [tmp_path / "p0.db", tmp_path / "p1.db"], 2)

    small_history(ledger)
    rebuild(ledger, tmp_path / "one.views.db", workers=1)

    def shared(*args):
        raise parts.SharedRow("UNIQUE constraint failed: enterprises.id")

    monkeypatch.setattr(parts, "merge", shared)
    built = rebuild(ledger, tmp_path / "two.views.db", workers=2)
    assert (built["applied"], built["workers"]) == (_events_in(ledger), 1)
    assert tables(tmp_path / "two.views.db") == tables(tmp_path / "one.views.db")


def test_events_recorded_while_the_parts_are_built_are_applied_before_the_swap(ledger, tmp_path, monkeypatch):
    from qdledger.views import parts

    small_history(ledger)
    merge = parts.merge

    def merge_after_a_write(fresh, paths, upto):
        register_enterprise(ledger, CTX, key="E002", name="青岛后来企业", credit_code=credit_code(2), district="市南区",
                            day=D("2026-02-01"))
        merge(fresh, paths, upto)

    monkeypatch.setattr(parts, "merge", merge_after_a_write)
    built = rebuild(ledger, tmp_path / "parts.views.db", workers=2)
    catch_up(ledger, tmp_path / "live.views.db")
    assert built["position"] == ledger.recorder.max_notification_id() and built["applied"] == _events_in(ledger)
    rows = tables(tmp_path / "parts.views.db")
    assert rows == tables(tmp_path / "live.views.db") and [r[0] for r in rows["enterprises"]] == ["E001", "E002"]
