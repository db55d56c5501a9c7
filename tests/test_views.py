"""Read models: kept current incrementally, always equal to a rebuild, money in integer fen."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit import CTX, D, credit_code, small_history
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
