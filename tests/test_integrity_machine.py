"""Random histories of awards, releases, cases, decisions, repairs, reviews and repayments over the real ledger.

A small model runs beside the application. After every step: no release while suspended or terminated, no award
to a banned party inside its ban, recovered + receivable ≤ disbursed per grant, receivable ≥ 0, the model's
figures equal the ledger's, the trial balance is zero, and what a command returned equals the state replayed
from storage. At the end a brand-new application on the same storage shows the same parties.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from conftest import BACKENDS, _drop_schema, _postgres_schema_url
from qdledger.dates import add_years
from qdledger.enterprises import register_enterprise, show_enterprise
from qdledger.errors import LedgerError, RuleViolation
from qdledger.grants.service import award_grant, record_milestone, release_tranche, show_grant
from qdledger.integrity.cases import decide_case, open_case, repair_case, review_case, show_case
from qdledger.integrity.recoveries import repay_recovery, show_recovery
from qdledger.integrity.state import banned_until
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from qdledger.reports import balances

CTX = Context(actor="machine")
WAN = 1_000_000  # fen in 1万
PARTIES = {"E1": "91370212MA3C5Y2K1H", "E2": "91370282MA94XY3N5D"}
START, LAST_AWARD, LAST_CASE = date(2024, 12, 20), date(2027, 9, 13), date(2027, 3, 13)
SEVERITY_YEARS = [("较重", 1), ("较重", 3), ("较重", 4), ("严重", 3), ("严重", 4), ("严重", 6), ("特别严重", 5), ("特别严重", 4),
                  ("较轻", None), ("严重", None)]
VALID_YEARS = {"较重": range(1, 4), "严重": range(3, 6), "特别严重": range(5, 100)}

SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") else None  # many small ledgers: spare the disk's fsyncs
days = st.dates(min_value=START, max_value=LAST_CASE)
shares = st.sampled_from([0, 10, 20, 40])  # percent of the awarded amount; 0 means one fen


@dataclass
class Grant:
    party: str
    awarded: int
    award_date: date
    releases: list[tuple[date, int]] = field(default_factory=list)
    terminated: bool = False
    suspended_by: set[str] = field(default_factory=set)
    windows: list[tuple[date, date]] = field(default_factory=list)

    def disbursed(self, day: date = date.max) -> int:
        return sum(a for when, a in self.releases if when <= day)


@dataclass
class Order:
    grant: str
    case: str | None
    day: date
    amount: int
    repaid: int = 0
    cancelled: int = 0
    refunded: int = 0

    @property
    def outstanding(self) -> int:
        return self.amount - self.repaid - self.cancelled


@dataclass
class Case:
    party: str
    opened: date
    suspended: list[str]
    decided: date | None = None
    ban_until: date | None = None
    revoked: bool = False


class IntegrityMachine(RuleBasedStateMachine):
    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        if self.backend == "postgres":
            self.url, schema = _postgres_schema_url()
            self.cleanup = lambda: _drop_schema(schema)
        else:
            folder = tempfile.mkdtemp(prefix="qdledger-machine-", dir=SCRATCH)
            self.url = ":memory:" if self.backend == "memory" else f"{folder}/ledger.db"
            self.cleanup = lambda: shutil.rmtree(folder, ignore_errors=True)
        self.ledger = open_ledger(self.url)
        for key, code in PARTIES.items():
            register_enterprise(self.ledger, CTX, key=key, name=f"企业{key}", credit_code=code, district="崂山区", day=START)
        self.grants: dict[str, Grant] = {}
        self.cases: dict[str, Case] = {}
        self.orders: list[Order] = []

    def teardown(self) -> None:
        try:
            if self.url != ":memory:":
                fresh = open_ledger(self.url)
                try:
                    for key in PARTIES:
                        assert show_enterprise(fresh, key) == show_enterprise(self.ledger, key)
                finally:
                    fresh.close()
        finally:
            self.ledger.close()
            self.cleanup()

    # --- model questions -------------------------------------------------------------------------
    def banned(self, party: str, day: date) -> bool:
        return any(c.party == party and c.decided and c.ban_until and c.decided <= day < c.ban_until
                   for c in self.cases.values())

    def claimed(self, gid: str) -> int:
        return sum(o.outstanding + o.repaid - o.refunded for o in self.orders if o.grant == gid)

    def attempt(self, call, **fields):
        """Run a command; return (result, None) or (None, the refusal), checking nothing was written on refusal."""
        before = self.ledger.recorder.max_notification_id()
        try:
            return call(self.ledger, CTX, **fields), None
        except LedgerError as error:
            assert self.ledger.recorder.max_notification_id() == before
            return None, error

    # --- rules -----------------------------------------------------------------------------------
    @initialize(amounts=st.lists(st.sampled_from([100 * WAN, 1000 * WAN]), min_size=2, max_size=2),
                after=st.lists(st.integers(0, 300), min_size=2, max_size=2))
    def a_grant_each_partly_paid(self, amounts, after):
        """Start with money out the door, so recoveries have something to claim back."""
        for (party, amount, later) in zip(sorted(PARTIES), amounts, after):
            self.award(party, amount, START)
            gid = f"G{len(self.grants)}"
            release_tranche(self.ledger, CTX, grant_id=gid, amount=amount * 40 // 100, day=START + timedelta(days=later))
            self.grants[gid].releases.append((START + timedelta(days=later), amount * 40 // 100))

    @rule(party=st.sampled_from(sorted(PARTIES)), amount=st.sampled_from([100 * WAN, 300 * WAN, 1000 * WAN]),
          day=st.one_of(days, st.dates(min_value=START, max_value=LAST_AWARD)))
    def award(self, party, amount, day):
        gid = f"G{len(self.grants) + 1}"
        result, error = self.attempt(award_grant, grant_id=gid, enterprise=party, program="sci_demo_project",
                                     project_budget=3 * amount, amount=amount, day=day)
        if self.banned(party, day):
            assert isinstance(error, RuleViolation) and error.rule == "research_integrity.award_ban", error
            event("award refused inside a ban")
            return
        assert error is None, error
        self.grants[gid] = Grant(party, amount, day)
        assert show_grant(self.ledger, gid) == result

    @precondition(lambda self: self.grants)
    @rule(data=st.data(), share=shares, after=st.integers(-5, 700))
    def release(self, data, share, after):
        gid = data.draw(st.sampled_from(sorted(self.grants)))
        g = self.grants[gid]
        amount, day = max(1, g.awarded * share // 100), g.award_date + timedelta(days=after)
        result, error = self.attempt(release_tranche, grant_id=gid, amount=amount, day=day)
        if g.terminated or g.suspended_by or any(start <= day < end for start, end in g.windows):
            assert isinstance(error, RuleViolation) and error.rule.startswith("research_integrity."), error
            event(f"release refused: {error.rule}")
            return
        if error is None:
            g.releases.append((day, amount))
            assert show_grant(self.ledger, gid) == result

    @precondition(lambda self: self.grants)
    @rule(data=st.data(), after=st.integers(0, 500))
    def midterm_passed(self, data, after):
        gid = data.draw(st.sampled_from(sorted(self.grants)))
        day = self.grants[gid].award_date + timedelta(days=after)
        self.attempt(record_milestone, grant_id=gid, milestone="midterm", result="passed", day=day)

    @precondition(lambda self: len(self.cases) < 4)
    @rule(party=st.sampled_from(sorted(PARTIES)), day=days, suspend=st.sampled_from(["all", "none"]))
    def open_a_case(self, party, day, suspend):
        cid = f"C{len(self.cases) + 1}"
        result, error = self.attempt(open_case, case_id=cid, party=party, day=day, suspend=suspend)
        assert error is None, error
        expected = [gid for gid, g in self.grants.items() if g.party == party and not g.terminated] if suspend == "all" else []
        assert sorted(result["suspended_grants"]) == sorted(expected)
        self.cases[cid] = Case(party, day, result["suspended_grants"])
        for gid in result["suspended_grants"]:
            self.grants[gid].suspended_by.add(cid)
        assert show_case(self.ledger, cid) == result

    @precondition(lambda self: any(c.decided is None for c in self.cases.values()))
    @rule(data=st.data(), delay=st.integers(0, 200), choice=st.sampled_from(SEVERITY_YEARS),
          terminate=st.booleans(), recover=st.booleans())
    def decide(self, data, delay, choice, terminate, recover):
        cid = data.draw(st.sampled_from(sorted(k for k, c in self.cases.items() if c.decided is None)))
        case = self.cases[cid]
        severity, years = choice
        day = min(case.opened + timedelta(days=delay), LAST_CASE)
        ending = [gid for gid, g in self.grants.items() if g.party == case.party and not g.terminated] if terminate else []
        result, error = self.attempt(decide_case, case_id=cid, severity=severity, day=day, ban_years=years,
                                     terminate="all" if terminate else None, recover="all" if recover else None)
        lawful = ((severity != "较轻" or not (years or ending or recover))
                  and (years is None or years in VALID_YEARS.get(severity, ())))
        targets = ending or case.suspended or [gid for gid, g in self.grants.items() if g.party == case.party]
        room = {gid: max(0, self.grants[gid].disbursed(day) - self.claimed(gid)) for gid in targets}
        if not lawful or (recover and sum(room.values()) == 0):
            assert isinstance(error, RuleViolation), error
            event(f"decision refused: {error.rule}")
            return
        assert error is None, error
        event(f"decided {severity}" + (" with recovery" if recover else ""))
        case.decided = day
        suspended_days = (day - case.opened).days if case.suspended else 0
        case.ban_until = max(day, add_years(day, years) - timedelta(days=suspended_days)) if years else None
        assert result["ban_until"] == (case.ban_until.isoformat() if case.ban_until else None)
        for gid in case.suspended:
            self.grants[gid].suspended_by.discard(cid)
            self.grants[gid].windows.append((case.opened, day))
        for gid in ending:
            self.grants[gid].terminated = True
        if recover:
            for gid in sorted(room):
                if room[gid]:
                    self.orders.append(Order(gid, cid, day, room[gid]))
        assert show_case(self.ledger, cid) == result

    @precondition(lambda self: any(o.outstanding for o in self.orders))
    @rule(data=st.data(), delay=st.integers(-30, 400), part=st.sampled_from(["one", "half", "all", "over"]))
    def repay(self, data, delay, part):
        gid = data.draw(st.sampled_from(sorted({o.grant for o in self.orders if o.outstanding})))
        mine = sorted((o for o in self.orders if o.grant == gid), key=lambda o: o.day)
        day = mine[0].day + timedelta(days=delay)
        due = sum(o.outstanding for o in mine if o.day <= day)
        amount = {"one": 1, "half": max(1, due // 2), "all": max(1, due), "over": due + 1}[part]
        result, error = self.attempt(repay_recovery, grant_id=gid, amount=amount, day=day)
        if amount > due:
            assert isinstance(error, RuleViolation) and error.rule == "research_integrity.repayment_bound", error
            event("repayment above the outstanding refused")
            return
        assert error is None, error
        event(f"repaid ({part})")
        left = amount
        for o in mine:
            if o.day <= day and o.outstanding and left:
                share = min(left, o.outstanding)
                o.repaid += share
                left -= share
        assert show_recovery(self.ledger, gid) == result

    @precondition(lambda self: any(c.ban_until and not c.revoked for c in self.cases.values()))
    @rule(data=st.data(), at=st.integers(-10, 2000), shorten=st.integers(0, 2000))
    def repair(self, data, at, shorten):
        cid = data.draw(st.sampled_from(sorted(k for k, c in self.cases.items() if c.ban_until and not c.revoked)))
        case = self.cases[cid]
        day = case.decided + timedelta(days=at)
        until = day + timedelta(days=shorten)
        result, error = self.attempt(repair_case, case_id=cid, day=day, ban_until=until)
        if not (case.decided <= day < case.ban_until and until < case.ban_until):
            assert isinstance(error, RuleViolation), error
            event("repair refused")
            return
        assert error is None, error
        event("ban repaired")
        case.ban_until = until
        assert show_case(self.ledger, cid) == result

    @precondition(lambda self: any(c.decided and not c.revoked for c in self.cases.values()))
    @rule(data=st.data(), delay=st.integers(0, 300), result=st.sampled_from(["requested", "upheld", "revoked"]))
    def review(self, data, delay, result):
        cid = data.draw(st.sampled_from(sorted(k for k, c in self.cases.items() if c.decided and not c.revoked)))
        case = self.cases[cid]
        day = case.decided + timedelta(days=delay)
        view, error = self.attempt(review_case, case_id=cid, day=day, result=result)
        assert error is None, error
        event(f"review {result}")
        if result == "revoked":
            case.revoked = True
            if case.ban_until and case.ban_until > day:
                case.ban_until = max(day, case.decided)
            for o in self.orders:
                if o.case == cid:
                    o.cancelled += o.outstanding
                    o.refunded = o.repaid
        assert show_case(self.ledger, cid) == view

    # --- invariants ------------------------------------------------------------------------------
    @invariant()
    def money_and_bans_match_the_model_and_never_go_wrong(self):
        reader = self.ledger.read()
        for key in PARTIES:
            party = reader.enterprise(key)
            for gid, g in ((gid, g) for gid, g in self.grants.items() if g.party == key):
                state = party.grants[gid]
                mine = [o for o in self.orders if o.grant == gid]
                assert state.disbursed == g.disbursed()
                assert state.receivable == sum(o.outstanding for o in mine) >= 0
                assert state.recovered == sum(o.repaid - o.refunded for o in mine) >= 0
                assert state.recovered + state.receivable <= state.disbursed
                assert bool(state.terminated_on) == g.terminated
            ends = [c.ban_until for c in self.cases.values() if c.party == key and c.ban_until]
            assert banned_until(party) == (max(ends) if ends else None)

    @invariant()
    def the_books_balance(self):
        totals = balances(self.ledger)
        assert sum(totals.values()) == 0
        assert totals.get("recoveries:receivable", 0) == sum(o.outstanding for o in self.orders)


@pytest.mark.parametrize("backend", BACKENDS)
def test_integrity_invariants_hold_over_random_histories(backend):
    IntegrityMachine.backend = backend
    examples = settings().max_examples if backend != "postgres" else max(10, settings().max_examples // 8)
    run_state_machine_as_test(IntegrityMachine, settings=settings(max_examples=examples, stateful_step_count=30))
