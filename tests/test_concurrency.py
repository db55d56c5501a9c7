"""Processes racing on the same parties: no cap or ceiling is ever passed, nothing is recorded twice.

Each worker process opens its own ledger and, after a common start signal, fires attempts drawn
from RACERS at the same few enterprises and grants. Every attempt must end as committed, refused
by a rule, refused as bad input (an id another worker took first), or given up after the bounded
retries with a clear message; then the whole ledger is checked (qdledger.consistency) and the
committed attempts are matched one-to-one with stored events.

To race another capability (subsidy claims, repayments …), add a Racer to RACERS and, if it has an
invariant of its own, a check to qdledger.consistency.CHECKS.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from conftest import QDLEDGER
from qdledger.consistency import check_ledger
from qdledger.errors import BadInput, ConcurrencyGaveUp, RuleViolation
from qdledger.grants.events import GrantAwarded, TrancheReleased
from qdledger.grants.service import award, release
from qdledger.ledger.application import Command, Context
from qdledger.ledger.storage import open_ledger
from qdledger.subsidies.events import SubsidyClaimed
from qdledger.subsidies.service import ClaimInput, claim
from support import WAN, award as seed_award, midterm_passed, register, report, verify_if_present

WORKERS = int(os.environ.get("QDLEDGER_RACE_WORKERS", "4"))
ATTEMPTS = int(os.environ.get("QDLEDGER_RACE_ATTEMPTS", "25"))
PROJECT_BUDGET = 3000 * WAN  # project cap min(1/3 × 3000万, 1000万) = 1000万


@dataclass(frozen=True)
class Racer:
    """One kind of attempt: builds a command for worker ``w``'s attempt ``i`` from a random source."""

    name: str
    build: Callable[[random.Random, int, int], Command]


def _release(rng: random.Random, w: int, i: int) -> Command:
    return release(grant_id=rng.choice(["G1", "G2"]), amount=rng.choice([5, 10, 20]) * WAN, day=date(2025, 7, 1))


def _award(rng: random.Random, w: int, i: int) -> Command:
    """Awards into project P1 (its cap shared by every worker) or under ids every worker tries to take."""
    if rng.random() < 0.3:
        grant = f"SHARED-{i // 3}"
        return award(grant_id=grant, enterprise="E2", program="sci_demo_project", project_budget=300 * WAN,
                     amount=50 * WAN, day=date(2025, 3, 1))
    return award(grant_id=f"W{w}-{i}", enterprise="E1", program="sci_demo_project", project_budget=PROJECT_BUDGET,
                 amount=rng.choice([20, 30, 50]) * WAN, day=date(2025, 3, 1), project="P1")


def _claim(rng: random.Random, w: int, i: int) -> Command:
    """青科保 premium claims on new policies of E1, all under its one cumulative cap (10万, D21)."""
    return claim(program="qingkebao_premium_subsidy", enterprise="E1", object_ref=f"insurance:W{w}-{i}",
                 day=date(2025, 7, 1), inputs=ClaimInput(base=rng.choice([4, 8, 12]) * WAN))


RACERS = [Racer("release", _release), Racer("award", _award), Racer("claim", _claim)]
PREMIUM_CAP = 10 * WAN


def seed(url: str) -> None:
    """Two parties; G1 (award stage, ceiling 40%) and G2 (mid-term passed, 80%); project P1 half used."""
    ledger = open_ledger(url)
    try:
        register(ledger, "E1", 1)
        register(ledger, "E2", 2)
        seed_award(ledger, "G1", "E1", 500 * WAN, PROJECT_BUDGET, project="P1")
        seed_award(ledger, "G2", "E2", 600 * WAN, 1800 * WAN)
        midterm_passed(ledger, "G2")
    finally:
        ledger.close()


def worker(url: str, w: int, start: Any, results: Any) -> None:
    """Open a ledger, wait for the start signal, then fire ATTEMPTS attempts; report each outcome."""
    ledger = open_ledger(url)
    rng = random.Random(w * 7919)
    outcomes = []
    start.wait()
    try:
        for i in range(ATTEMPTS):
            racer = rng.choice(RACERS)
            key = f"race-{w}-{i}"
            try:
                ledger.execute(Context(actor=f"racer-{w}", idempotency_key=key), racer.build(rng, w, i))
                outcome = "committed"
            except RuleViolation:
                outcome = "refused by a rule"
            except ConcurrencyGaveUp as gave_up:
                assert "gave up after" in gave_up.text.en
                outcome = "retried, then gave up"
            except BadInput:
                outcome = "refused as bad input"
            except Exception as exc:  # noqa: BLE001 - anything else is the finding
                outcome = f"unexpected {type(exc).__name__}: {exc}"
            outcomes.append((racer.name, key, outcome))
    finally:
        results.put((w, outcomes, ledger.retries))
        ledger.close()


def race(url: str) -> tuple[list[tuple[str, str, str]], int]:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=worker, args=(url, w, start, results)) for w in range(WORKERS)]
    for p in processes:
        p.start()
    start.set()
    gathered = [results.get(timeout=300) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    outcomes = [o for _, found, _ in gathered for o in found]
    return outcomes, sum(r for _, _, r in gathered)


def test_racing_processes_never_pass_a_cap_or_record_twice(ledger_url):
    seed(url=ledger_url)
    outcomes, retries = race(ledger_url)
    counts = Counter(outcome for _, _, outcome in outcomes)
    unexpected = [o for o in outcomes if o[2].startswith("unexpected")]
    assert not unexpected, unexpected
    assert len(outcomes) == WORKERS * ATTEMPTS

    ledger = open_ledger(ledger_url)
    try:
        assert check_ledger(ledger) == []
        verify_if_present(ledger_url)
        raced = [e for _, e in ledger.all_events() if getattr(e, "actor", "").startswith("racer-")]
        committed = Counter(name for name, _, outcome in outcomes if outcome == "committed")
        names = {TrancheReleased: "release", GrantAwarded: "award", SubsidyClaimed: "claim"}
        stored = Counter(names[type(e)] for e in raced if type(e) in names)
        assert stored == committed, (stored, committed)  # no double release, no lost write
        keys = [k for _, k, outcome in outcomes if outcome == "committed"]
        assert all(ledger.read().get("idempotency", k) is not None for k in keys)
        uow = ledger.read()
        g1, g2 = uow.owner_of("grant", "G1").grants["G1"], uow.owner_of("grant", "G2").grants["G2"]
        project = uow.enterprise("E1").projects["P1"]
        over = [g.grant_id for g in (g1, g2) if g.disbursed > g.ceiling_as_of(date(2025, 7, 1))]
        assert not over and project["approved"] <= 1000 * WAN
        premiums = sum(e.entitlement for e in raced if isinstance(e, SubsidyClaimed))
        assert premiums <= PREMIUM_CAP, premiums
    finally:
        ledger.close()
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    report(f"race [{backend}] {WORKERS} processes × {ATTEMPTS} attempts: "
           + ", ".join(f"{name} {counts[name]}" for name in ("committed", "refused by a rule", "refused as bad input",
                                                             "retried, then gave up"))
           + f"; retries {retries}; ceilings/caps exceeded 0; double releases 0; 青科保 {premiums / WAN:g}/{PREMIUM_CAP // WAN}万; "
           + f"G1 {g1.disbursed // WAN}/{g1.ceiling_as_of(date.max) // WAN}万, G2 {g2.disbursed // WAN}/"
           + f"{g2.ceiling_as_of(date.max) // WAN}万, project P1 {project['approved'] // WAN}/1000万")


def test_four_cli_processes_releasing_the_last_room_one_wins(cli):
    seed(cli.ledger)
    argv = [QDLEDGER, "--ledger", cli.ledger, "--actor", "officer", "--lang", "en", "grant", "release", "G1",
            "--amount", "200万", "--date", "2025-07-01", "--json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    running = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    finished = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in running]
    assert not any("Traceback" in err for _, _, err in finished)
    assert sorted(code for code, _, _ in finished) == [0, 1, 1, 1], finished
    assert cli.ok("grant", "show", "G1")["disbursed"] == "2000000.00"
