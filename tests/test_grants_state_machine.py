"""Staged grants driven at random through the real ledger, next to a tiny model of D1–D3 and D2.

Several parties and grants on both programs; awards, releases, mid-term and acceptance results
with valid and invalid amounts and dates. After every step: what was disbursed never exceeds
the ceiling of the milestones reached nor the award, project approvals stay within the project
cap, refused commands wrote nothing, the trial balance is zero, and a second application
rebuilding state from the stored events sees exactly what the live one returned.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from conftest import BACKENDS, _drop_schema, _postgres_schema_url
from qdledger.credit_code import complete
from qdledger.dates import parse_date
from qdledger.enterprises import enterprise_view, register_enterprise
from qdledger.errors import BadInput, RuleViolation
from qdledger.grants.service import award_grant, grant_view, record_milestone, release_tranche
from qdledger.ledger import accounts
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from qdledger.money import parse_amount, yuan
from qdledger.policy.loader import policy_book
from qdledger.policy.model import ProjectCap, StagedCeilings
from qdledger.reports import balances

PROGRAMS = ("sci_demo_project", "key_tech_project")
WAN = 10_000 * 100
FIRST_DAY, LAST_DAY = date(2024, 6, 1), date(2028, 3, 1)  # reaches either side of the programs' windows
BAD_AMOUNTS = ("1e3", "-5", "0.001", "0", "", "4,00", "inf", "1.2.3", "五万")
BAD_DATES = ("2025-02-30", "2025-13-01", "20250101", "2025-W01-1", "yesterday")


@dataclass
class Terms:
    """What the policy files say about one program, read as data."""

    ratio: Fraction
    cap: int
    stages: list[tuple[str, Fraction]]
    valid_from: date
    valid_to: date

    @classmethod
    def of(cls, program_id: str) -> Terms:
        program = policy_book().latest(program_id).program
        _, cap = program.rule_of_kind(ProjectCap)
        staging = program.rule_of_kind(StagedCeilings)
        stages = [(s.after, s.cumulative) for s in staging[1].stages] if staging else []
        return cls(cap.ratio, cap.cap, stages, program.valid_from, program.valid_to)

    def limit(self, budget: int) -> int:
        return min(math.floor(self.ratio * budget), self.cap)


TERMS = {p: Terms.of(p) for p in PROGRAMS}


@dataclass
class ModelGrant:
    """D1 and D3 as plainly as they can be written."""

    enterprise: str
    program: str
    project: str
    awarded: int
    award_date: date
    releases: list[tuple[date, int]] = field(default_factory=list)
    reviews: list[tuple[date, str, str]] = field(default_factory=list)

    @property
    def disbursed(self) -> int:
        return sum(amount for _, amount in self.releases)

    @property
    def last_day(self) -> date:
        return max([self.award_date, *(d for d, _ in self.releases), *(d for d, _, _ in self.reviews)])

    def passed(self, day: date) -> set[str]:
        return {m for d, m, r in self.reviews if d <= day and r == "passed"}

    def ceiling(self, day: date) -> Fraction:
        stages = TERMS[self.program].stages
        if not stages:
            return Fraction(self.awarded)
        passed = self.passed(day)
        share = max(ratio for after, ratio in stages if after == "award" or after in passed)
        return self.awarded * share

    def blocked(self, day: date) -> bool:
        latest: dict[str, str] = {}
        for d, milestone, result in sorted(self.reviews, key=lambda r: r[0]):
            if d <= day:
                latest[milestone] = result
        return latest.get("acceptance") == "failed" or (
            latest.get("midterm") == "failed" and latest.get("acceptance") != "passed")

    def judge_release(self, amount: int, day: date) -> str:
        if day < self.award_date:
            return "bad"
        if self.blocked(day) or self.disbursed + amount > self.ceiling(day):
            return "rule"
        return "ok"


class Location:
    """A fresh ledger per example on the backend under test."""

    def __init__(self, backend: str) -> None:
        self.backend, self.schema, self.workdir = backend, None, None
        if backend == "postgres":
            self.url, self.schema = _postgres_schema_url()
        elif backend == "memory":
            self.url = ":memory:"
        else:
            shm = "/dev/shm" if Path("/dev/shm").is_dir() else None  # same SQLite, without waiting on the disk
            self.workdir = tempfile.TemporaryDirectory(prefix="qdledger-machine-", dir=shm)
            self.url = str(Path(self.workdir.name) / "ledger.db")

    def close(self) -> None:
        if self.schema:
            _drop_schema(self.schema)
        if self.workdir:
            self.workdir.cleanup()


class StagedGrants(RuleBasedStateMachine):
    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.location = Location(self.backend)
        self.ledger = open_ledger(self.location.url)
        # a second application on the same store rebuilds state from the stored events alone
        self.replica = self.ledger if self.backend == "memory" else open_ledger(self.location.url)
        self.ctx = Context(actor="machine", reference="SM")
        self.parties: dict[str, str] = {}  # id → credit code
        self.grants: dict[str, ModelGrant] = {}
        self.projects: dict[tuple[str, str], dict] = {}  # (party, project) → budget, approved, program
        self.views: dict[str, dict] = {}  # the last view of each grant the live application returned
        self.serial = 0
        self.changed: set[str] = set()  # parties whose stored events changed in the last step

    def teardown(self) -> None:
        if self.replica is not self.ledger:
            self.replica.close()
        self.ledger.close()
        self.location.close()

    # --- helpers ----------------------------------------------------------------------------------

    def position(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def attempt(self, expected: str, action, name: str = "command") -> dict | None:
        """Run a command; it must be decided as the model expects, and a refusal must write nothing."""
        before = self.position()
        try:
            result, outcome = action(), "ok"
        except RuleViolation:
            result, outcome = None, "rule"
        except BadInput:
            result, outcome = None, "bad"
        event(f"{name}: {outcome}")
        assert outcome == expected, f"{name}: expected {expected}, got {outcome}"
        assert (self.position() > before) if outcome == "ok" else (self.position() == before)
        return result

    @staticmethod
    def stage(grant: ModelGrant, day: date) -> str:
        share = grant.ceiling(day) / grant.awarded
        return ("blocked " if grant.blocked(day) else "") + f"{share * 100}%"

    @staticmethod
    def next_day(grant: ModelGrant, data) -> date:
        """Mostly a few weeks after the grant's last fact; sometimes backdated, even before the award."""
        if data.draw(st.booleans()) and data.draw(st.booleans()):
            return grant.award_date + timedelta(days=data.draw(st.integers(min_value=-30, max_value=1200)))
        return grant.last_day + timedelta(days=data.draw(st.integers(min_value=0, max_value=120)))

    def new_code(self) -> str:
        self.serial += 1
        return complete(f"91370212{self.serial:09d}")

    def register(self, key: str, code: str) -> None:
        expected = "bad" if key in self.parties or code in self.parties.values() else "ok"
        self.attempt(expected, lambda: register_enterprise(self.ledger, self.ctx, key=key, name=f"企业{key}",
                                                             credit_code=code, district="崂山区", day=FIRST_DAY),
                     "register" + (" taken" if expected == "bad" else ""))
        if expected == "ok":
            self.parties[key] = code
            self.changed.add(key)

    def award(self, *, enterprise: str, grant_id: str, program: str, project: str, budget: int, amount: int,
              day: date) -> None:
        """Award as the ledger would be asked to, and say beforehand what the model expects of it."""
        terms = TERMS[program]
        known = self.projects.get((enterprise, project))
        headroom = terms.limit(budget) - (known["approved"] if known else 0)
        if enterprise not in self.parties or grant_id in self.grants \
                or (known and (known["budget"], known["program"]) != (budget, program)):
            expected = "bad"
        elif not terms.valid_from <= day <= terms.valid_to or amount > headroom:
            expected = "rule"
        else:
            expected = "ok"
        view = self.attempt(expected, lambda: award_grant(
            self.ledger, self.ctx, grant_id=grant_id, enterprise=enterprise, program=program,
            project_budget=budget, amount=amount, day=day, project=project), f"award {program}")
        if view:
            self.grants[grant_id] = ModelGrant(enterprise, program, project, amount, day)
            entry = self.projects.setdefault((enterprise, project), {"budget": budget, "approved": 0, "program": program})
            entry["approved"] += amount
            self.views[grant_id] = view
            self.changed.add(enterprise)

    # --- rules --------------------------------------------------------------------------------------

    @initialize(count=st.integers(min_value=1, max_value=3))
    def parties_register(self, count: int) -> None:
        self.changed.clear()
        for _ in range(count):
            self.register(f"E{len(self.parties) + 1}", self.new_code())

    @precondition(lambda self: len(self.parties) < 6)
    @rule()
    def register_party(self) -> None:
        self.changed.clear()
        self.register(f"E{len(self.parties) + 1}", self.new_code())

    @rule(data=st.data(), use_code=st.booleans())
    def register_a_taken_id_or_code(self, data, use_code: bool) -> None:
        self.changed.clear()
        other = data.draw(st.sampled_from(sorted(self.parties)))
        self.register(*((f"E{len(self.parties) + 1}", self.parties[other]) if use_code else (other, self.new_code())))

    @rule(data=st.data(), program=st.sampled_from(PROGRAMS))
    def award_a_grant(self, data, program: str) -> None:
        """A new project, or a further grant for one the party has: amounts up to and around the cap."""
        self.changed.clear()
        enterprise = data.draw(st.sampled_from(sorted(self.parties)))
        terms = TERMS[program]
        own = sorted(p for (e, p), v in self.projects.items() if e == enterprise and v["program"] == program)
        grant_id = f"G{len(self.grants) + 1}"
        if own and data.draw(st.booleans()):
            project = data.draw(st.sampled_from(own))
            budget = self.projects[(enterprise, project)]["budget"]
            approved = self.projects[(enterprise, project)]["approved"]
        else:
            project, approved = f"P-{grant_id}", 0
            budget = data.draw(st.integers(min_value=1, max_value=6000)) * WAN + data.draw(st.integers(0, 99))
        headroom = terms.limit(budget) - approved
        amount = data.draw(st.sampled_from([headroom, headroom // 2, headroom + 1, 1])
                           | st.integers(min_value=1, max_value=terms.limit(budget) + WAN))
        offset = data.draw(st.integers(min_value=0, max_value=(terms.valid_to - terms.valid_from).days))
        if amount >= 1:
            self.award(enterprise=enterprise, grant_id=grant_id, program=program, project=project, budget=budget,
                       amount=amount, day=terms.valid_from + timedelta(days=offset))

    @rule(data=st.data(), program=st.sampled_from(PROGRAMS),
          flaw=st.sampled_from(["unknown party", "taken id", "other budget", "other program", "outside window"]))
    def award_something_wrong(self, data, program: str, flaw: str) -> None:
        self.changed.clear()
        terms = TERMS[program]
        enterprise = "NOBODY" if flaw == "unknown party" else data.draw(st.sampled_from(sorted(self.parties)))
        grant_id = f"G{len(self.grants) + 1}"
        if flaw == "taken id" and self.grants:
            grant_id = data.draw(st.sampled_from(sorted(self.grants)))
        project, budget, day = f"P-{grant_id}", 3000 * WAN, terms.valid_from
        own = sorted((p, v) for (e, p), v in self.projects.items() if e == enterprise)
        if flaw in ("other budget", "other program") and own:
            project, known = data.draw(st.sampled_from(own))
            budget = known["budget"] + (100 if flaw == "other budget" else 0)
            program = known["program"] if flaw == "other budget" else next(p for p in PROGRAMS if p != known["program"])
        if flaw == "outside window":
            day = data.draw(st.sampled_from([terms.valid_from - timedelta(days=1), terms.valid_to + timedelta(days=1)]))
        self.award(enterprise=enterprise, grant_id=grant_id, program=program, project=project, budget=budget,
                   amount=1, day=day)

    @precondition(lambda self: self.grants)
    @rule(data=st.data())
    def release(self, data) -> None:
        self.changed.clear()
        grant_id = data.draw(st.sampled_from(sorted(self.grants)))
        grant = self.grants[grant_id]
        day = self.next_day(grant, data)
        room = max(1, math.floor(grant.ceiling(day)) - grant.disbursed)
        amount = data.draw(st.sampled_from([room, max(1, room // 3), room + 1, 1])
                           | st.integers(min_value=1, max_value=grant.awarded + 1))
        text = data.draw(st.sampled_from([yuan(amount), f"{amount // 100:,}.{amount % 100:02d}"]
                                         + ([f"{amount // WAN}万"] if amount % WAN == 0 else [])))
        view = self.attempt(grant.judge_release(amount, day), lambda: release_tranche(
            self.ledger, self.ctx, grant_id=grant_id, amount=parse_amount(text), day=day),
            f"release at {self.stage(grant, day)}")
        if view:
            grant.releases.append((day, amount))
            self.views[grant_id] = view
            self.changed.add(grant.enterprise)

    @precondition(lambda self: self.grants)
    @rule(data=st.data(), in_order=st.booleans(), milestone=st.sampled_from(["midterm", "acceptance"]),
          result=st.sampled_from(["passed", "failed"]))
    def review(self, data, in_order: bool, milestone: str, result: str) -> None:
        """The next review in the usual order (mid-term until passed, then acceptance), or any review."""
        self.changed.clear()
        grant_id = data.draw(st.sampled_from(sorted(self.grants)))
        grant = self.grants[grant_id]
        if in_order:
            milestone = "acceptance" if grant.passed(date.max) & {"midterm"} else "midterm"
        day = self.next_day(grant, data)
        view = self.attempt("bad" if day < grant.award_date else "ok", lambda: record_milestone(
            self.ledger, self.ctx, grant_id=grant_id, milestone=milestone, result=result, day=day),
            f"{milestone} {result}")
        if view:
            grant.reviews.append((day, milestone, result))
            self.views[grant_id] = view
            self.changed.add(grant.enterprise)

    @rule(data=st.data(), wrong=st.sampled_from([*((a, "2025-01-10") for a in BAD_AMOUNTS),
                                                  *(("1", d) for d in BAD_DATES), ("1", "2025-01-10")]))
    def release_with_bad_input(self, data, wrong: tuple[str, str]) -> None:
        self.changed.clear()
        amount, day = wrong
        grant_id = data.draw(st.sampled_from(sorted(self.grants))) if self.grants else "NO-SUCH-GRANT"
        if wrong == ("1", "2025-01-10"):
            grant_id = "NO-SUCH-GRANT"
        self.attempt("bad", lambda: release_tranche(self.ledger, self.ctx, grant_id=grant_id,
                                                     amount=parse_amount(amount), day=parse_date(day)), "bad input")

    # --- invariants -----------------------------------------------------------------------------------

    @invariant()
    def disbursed_within_the_award_and_the_ceiling_reached(self) -> None:
        for grant in self.grants.values():
            assert grant.disbursed <= grant.awarded
            assert grant.disbursed <= grant.ceiling(date.max)

    @invariant()
    def project_approvals_within_the_project_cap(self) -> None:
        for project in self.projects.values():
            assert project["approved"] <= TERMS[project["program"]].limit(project["budget"])

    @invariant()
    def trial_balance_is_zero_and_matches_the_model(self) -> None:
        if not self.changed:
            return  # a refused step wrote nothing (checked as it ran): the balance is as it was
        totals = balances(self.ledger)
        assert sum(totals.values()) == 0
        awarded = sum(g.awarded for g in self.grants.values())
        disbursed = sum(g.disbursed for g in self.grants.values())
        assert totals.get(accounts.GRANTS_DISBURSED, 0) == disbursed
        assert totals.get(accounts.CASH, 0) == -disbursed
        assert totals.get(accounts.OBLIGATED, 0) == awarded - disbursed

    @invariant()
    def rebuilt_state_equals_live_state(self) -> None:
        """Every party whose events changed, replayed by the second application, is what the live one said."""
        for key in sorted(self.changed):
            party = self.replica.read().enterprise(key)  # replayed from the stored events
            mine = [g for g in self.grants.values() if g.enterprise == key]
            view = enterprise_view(party)
            assert (view["awarded"], view["disbursed"]) == (yuan(sum(g.awarded for g in mine)),
                                                            yuan(sum(g.disbursed for g in mine)))
            for grant_id, grant in party.grants.items():
                assert grant_view(grant, party) == self.views[grant_id]
                assert (grant.awarded, grant.disbursed) == (self.grants[grant_id].awarded, self.grants[grant_id].disbursed)
            assert sorted(party.grants) == sorted(g for g, m in self.grants.items() if m.enterprise == key)
        self.changed.clear()


@pytest.mark.parametrize("backend", BACKENDS)
def test_staged_grants_keep_every_invariant(backend):
    machine = type(f"StagedGrants_{backend}", (StagedGrants,), {"backend": backend})
    current = settings()
    examples = max(20, current.max_examples // (2 if backend != "postgres" else 8))
    run_state_machine_as_test(machine, settings=settings(current, max_examples=examples, stateful_step_count=30))
