"""Random claim sequences over several parties, programs, objects and dates, against the real application.

After every step: each 就高不重复 scope has paid exactly its highest entitlement (less only when a
claim was cut to a cap); no cap, loan-year cap, claim limit or quota is exceeded; every approved
claim is dated inside its program's window and every claim dated outside was refused; the trial
balance is zero; and the claims replayed from the store equal what the commands returned.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from qdledger.errors import BadInput, RuleViolation
from qdledger.ledger.storage import open_ledger
from qdledger.policy import kinds_subsidy as k
from qdledger.policy.loader import policy_book
from qdledger.reports import trial_balance
from qdledger.subsidies.service import pay_subsidy
from qdledger.subsidies.state import book_of
from subsidy_helpers import CTX, claim, loan, party, policy

PARTIES = {"E0": "崂山区", "E1": "崂山区", "E2": "黄岛区"}
DAYS = st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 6, 30))
AFTER = st.integers(min_value=-20, max_value=700)
AMOUNTS = st.sampled_from(["30万", "99万", "100万", "300万", "500万", "800万", "1000万", "1200万", "3000万", "1.2亿"])
RD_PROGRAMS = ["rd_hq_award", "first_rd_activity_award", "first_upscale_hnte_award", "rd_investment_subsidy"]


class ClaimSequences(RuleBasedStateMachine):
    loans = Bundle("loans")
    policies = Bundle("policies")
    claims = Bundle("claims")

    @initialize()
    def open_ledger(self):
        self.ledger = open_ledger(":memory:")
        for n, (key, district) in enumerate(PARTIES.items()):
            party(self.ledger, key, district=district, n=300 + n)
        party(self.ledger, "N0", district="崂山区", kind="nri", n=310)
        self.returned: dict[str, dict] = {}  # claim id → what the command returned
        self.offered: dict[tuple, list[int]] = defaultdict(list)  # 就高不重复 scope → entitlements offered
        self.trimmed: set[tuple] = set()
        self.counter = 0

    def teardown(self):
        self.ledger.close()

    # -- financed objects ------------------------------------------------------------------------

    @rule(target=loans, owner=st.sampled_from(list(PARTIES)), principal=st.sampled_from(["100万", "300万", "500万", "800万", "1000万", "1200万"]), signed=st.dates(date(2024, 6, 1), date(2026, 3, 1)),
          years=st.sampled_from([1, 2, 3]), mode=st.sampled_from(["plain", "tou-dai", "tou-bao-dai", "bao-dai"]),
          rate=st.sampled_from(["2.50", "3.45"]), late=st.sampled_from([False, False, False, True]))
    def register_loan(self, owner, principal, signed, years, mode, rate, late):
        self.counter += 1
        key = f"L{self.counter}"
        maturity = signed.replace(year=signed.year + years) if not (signed.month == 2 and signed.day == 29) else signed + timedelta(days=365 * years)
        repaid = maturity + timedelta(days=3) if late else maturity
        loan(self.ledger, key, owner, principal, signed.isoformat(), maturity.isoformat(), mode=mode, rate=rate, lpr="3.10",
             repaid=repaid.isoformat())
        return (key, owner, repaid)

    @rule(target=policies, owner=st.sampled_from(list(PARTIES)), premium=st.sampled_from(["3万", "8万", "12万", "20万"]),
          start=st.dates(date(2024, 6, 1), date(2026, 6, 1)))
    def register_policy(self, owner, premium, start):
        self.counter += 1
        key = f"P{self.counter}"
        policy(self.ledger, key, owner, premium, start.isoformat())
        return (key, owner, start)

    # -- claims ------------------------------------------------------------------------------------

    @rule(target=claims, target_loan=loans, program=st.sampled_from(["qingkedai_interest_subsidy", "tbd_interest_subsidy", "guarantee_insurance_fee_subsidy"]),
          after=AFTER, trim=st.booleans(), fee_rate=st.sampled_from(["0.8", "1", "1.5", "2", "3"]))
    def claim_on_loan(self, target_loan, program, after, trim, fee_rate):
        key, owner, repaid = target_loan
        day = repaid + timedelta(days=after)
        inputs = {"fee_rate": Fraction(fee_rate) / 100} if program == "guarantee_insurance_fee_subsidy" else {}
        return self._attempt(program, owner, f"loan:{key}", day, trim, **inputs)

    @rule(target=claims, target_policy=policies, after=AFTER, trim=st.booleans())
    def claim_on_policy(self, target_policy, after, trim):
        key, owner, start = target_policy
        day = start + timedelta(days=after)
        return self._attempt("qingkebao_premium_subsidy", owner, f"insurance:{key}", day, trim)

    @rule(target=claims, owner=st.sampled_from(list(PARTIES)), product=st.sampled_from(["p0", "p1", "p2", "p3"]), base=AMOUNTS,
          day=DAYS, trim=st.booleans())
    def claim_scene(self, owner, product, base, day, trim):
        return self._attempt("scene_demo_award", owner, f"product:{product}", day, trim, base=base)

    @rule(target=claims, owner=st.sampled_from(list(PARTIES)), program=st.sampled_from(RD_PROGRAMS), year=st.sampled_from([2024, 2025]),
          base=st.sampled_from(["800万", "1500万", "6000万"]), prior=st.sampled_from(["500万", "4000万"]), rank=st.integers(1, 40),
          day=st.dates(date(2024, 6, 1), date(2029, 3, 1)))
    def claim_rd(self, owner, program, year, base, prior, rank, day):
        # one base per enterprise-year: the same object always carries the same facts
        base = {"800万": base, "1500万": base, "6000万": base}[base] if year == 2024 else "6000万"
        return self._attempt(program, owner, f"rd-year:{year}", day, False, base=base, prior_base=prior if year == 2024 else "4000万",
                             revenue="1亿", rank=rank if year == 2024 else 12)

    @rule(target=claims, day=st.dates(date(2025, 5, 1), date(2025, 8, 1)), amount=st.sampled_from(["20万", "50万", "60万"]),
          transfer=st.booleans(), year=st.sampled_from([2023, 2024]))
    def claim_institution(self, day, amount, transfer, year):
        if transfer:
            return self._attempt("rd_institution_transfer_award", "N0", f"year:{year}", day, False, base="2000万", grade="优秀", rank=3)
        return self._attempt("nri_excellence_funding", "N0", f"year:{year}", day, True, amount=amount)

    @rule(target_claim=claims, day=DAYS)
    def pay(self, target_claim, day):
        if target_claim is None:
            return
        view = self.returned[target_claim]
        try:
            paid = pay_subsidy(self.ledger, CTX, claim_id=target_claim, day=max(day, date.fromisoformat(view["date"])))
        except RuleViolation:
            assert view["outstanding"] == "0.00"
            return
        self.returned[target_claim] = {**view, **paid}

    def _attempt(self, program, owner, obj, day, trim, **inputs):
        book = policy_book()
        in_force = any(v.program.in_force(day) for v in book.versions[program])
        try:
            result = claim(self.ledger, program, owner, obj, day.isoformat(), trim=trim, **inputs)
        except RuleViolation as refused:
            event(f"refused by {refused.rule.split('.', 1)[1]}")
            if not in_force:
                assert refused.rule == f"{program}.validity"
            elif refused.rule.endswith("non_stacking"):
                self.offered[self._scope(program, owner, obj)].append(refused.requested)
            return None
        except BadInput as bad:
            event(f"bad input {bad.details.get('field')}")
            return None
        assert in_force, f"{program} approved on {day}, outside its window"
        event(f"approved {program}")
        scope = self._scope(program, owner, result["object"])
        self.offered[scope].append(int(Fraction(result["entitlement"]) * 100))
        if result["trimmed_to_headroom"]:
            self.trimmed.add(scope)
        self.returned[result["claim"]] = result
        return result["claim"]

    def _scope(self, program, owner, obj):
        version = policy_book().latest(program).program
        stacking = [r for r in version.rules.values() if isinstance(r, k.NonStacking)]
        group = stacking[0].group if stacking else program
        what = {"qingkedai_interest_subsidy": "interest", "tbd_interest_subsidy": "interest", "guarantee_insurance_fee_subsidy": "fee",
                "qingkebao_premium_subsidy": "premium"}.get(program, "base")
        return (group, owner, obj, what)

    # -- invariants --------------------------------------------------------------------------------

    def _books(self):
        uow = self.ledger.read()
        return {key: (uow.enterprise(key), book_of(uow.enterprise(key))) for key in [*PARTIES, "N0"]}

    @invariant()
    def after_every_step(self):
        books = self._books()
        assert trial_balance(self.ledger)["total"] == "0.00"
        self.replay_equals_what_the_commands_returned(books)
        self.each_scope_paid_its_highest_entitlement(books)
        self.no_cap_limit_or_quota_is_exceeded(books)

    def replay_equals_what_the_commands_returned(self, books):
        replayed = {cid: c for _, (_, b) in books.items() for cid, c in b.claims.items()}
        assert set(replayed) == set(self.returned)
        for cid, c in replayed.items():
            view = self.returned[cid]
            assert (c.program, c.object_ref, str(c.day)) == (view["program"], view["object"], view["date"])
            assert int(Fraction(view["payable"]) * 100) == c.payable
            assert int(Fraction(view["paid"]) * 100) == c.paid

    def each_scope_paid_its_highest_entitlement(self, books):
        granted = defaultdict(int)
        for key, (_, b) in books.items():
            for c in b.claims.values():
                granted[(c.group, key, c.object_ref, c.pays_on)] += c.payable
        for scope, total in granted.items():
            best = max(self.offered[scope])
            assert total <= best
            if scope not in self.trimmed:
                assert total == best, scope

    def no_cap_limit_or_quota_is_exceeded(self, books):
        book = policy_book()
        places = defaultdict(int)
        for key, (party_, b) in books.items():
            for c in b.claims.values():
                program = next(v.program for v in book.versions[c.program] if v.version == c.policy_version)
                assert program.in_force(c.day)
                self._check_party_bounds(program, b, c)
                for rid, q in ((f"{program.id}.{n}", r) for n, r in program.rules.items() if isinstance(r, k.Quota)):
                    if q.categories is None or c.category in q.categories:
                        scope = {"per_district": party_.district, "per_year": c.day.year, "per_object": c.object_ref,
                                 "per_district_year": (party_.district, c.day.year), "per_program": "*"}[q.scope]
                        places[(rid, scope, q.count)] += 1
        for (rid, scope, count), used in places.items():
            assert used <= count, (rid, scope)

    def _check_party_bounds(self, program, b, c):
        mine = [o for o in b.claims.values() if o.program == c.program]
        for bound in program.rules.values():
            if isinstance(bound, k.Cap) and bound.active:
                group = {p for p, vs in policy_book().versions.items() for v in vs for r in v.program.rules.values()
                         if isinstance(r, k.Cap) and bound.group and r.group == bound.group} | {c.program}
                same = {"per_enterprise": lambda o: True, "per_enterprise_year": lambda o: o.day.year == c.day.year,
                        "per_object": lambda o: o.object_ref == c.object_ref, "per_project": lambda o: o.project == c.project}[bound.scope]
                assert sum(o.payable for o in b.claims.values() if o.program in group and same(o)) <= bound.limit
            if isinstance(bound, k.LoanYearsCap):
                assert sum(o.loan_years for o in mine) <= bound.years
            if isinstance(bound, k.ClaimLimit):
                same = {"per_enterprise": lambda o: True, "per_object": lambda o: o.object_ref == c.object_ref,
                        "per_enterprise_year": lambda o: o.day.year == c.day.year,
                        "per_object_year": lambda o: o.object_ref == c.object_ref and o.day.year == c.day.year}[bound.scope]
                assert sum(1 for o in mine if same(o)) <= bound.count


TestClaimSequences = ClaimSequences.TestCase
TestClaimSequences.settings = settings(stateful_step_count=30)  # examples from the loaded profile (dev 40, ci 200)
