"""What the ledger knows about one grant (项目资助), rebuilt from its events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache

MILESTONES = ("midterm", "acceptance")  # 中期评估, 验收（综合绩效评价）


@lru_cache(maxsize=256)
def _ratio(text: str) -> Fraction:
    """A stage ceiling as recorded (``"2/5"``), parsed once per process rather than per release."""
    return Fraction(text)


@dataclass
class GrantState:
    grant_id: str
    program: str
    policy_version: str
    project: str
    project_budget: int
    awarded: int
    award_date: date
    stages: tuple[tuple[str, str], ...]  # (milestone after which, cumulative ceiling as a ratio string)
    staging_rule: str
    staging_citation: str
    releases: list[tuple[date, int]] = field(default_factory=list)
    milestones: list[tuple[date, str, str]] = field(default_factory=list)  # (date, milestone, passed|failed)
    released_commitment: int = 0  # undisbursed commitment given back (termination)
    recovered: int = 0  # repaid, less refunded
    receivable: int = 0
    cancelled: int = 0  # unpaid recovery orders taken back on review: never received, so never recovered
    terminated_on: date | None = None
    suspended_by: set[str] = field(default_factory=set)  # open integrity cases suspending releases
    suspensions_closed: list[tuple[str, date, date]] = field(default_factory=list)  # (case, from, until) lifted

    _summed: tuple[int, int] = field(default=(0, 0), init=False, repr=False, compare=False)  # (releases counted, sum)
    _as_of: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Milestone-derived answers by (question, day), for as many milestones as ``_as_of[None]`` says."""

    @property
    def disbursed(self) -> int:
        """Sum of releases; they are only ever appended, so only the new ones are added (long grants replay in linear time)."""
        counted, total = self._summed
        if counted != len(self.releases):
            if counted > len(self.releases):
                counted, total = 0, 0
            total += sum(amount for _, amount in self.releases[counted:])
            self._summed = (len(self.releases), total)
        return total

    @property
    def undisbursed(self) -> int:
        """Commitment still outstanding: awarded, not released, not given back."""
        return self.awarded - self.disbursed - self.released_commitment

    def _remembered(self) -> dict:
        """Answers that depend only on the milestones (appended, never changed) and a day: kept
        until another milestone is recorded, as one command's checks and view ask them repeatedly."""
        memo = self._as_of
        if memo.get(None) != len(self.milestones):
            memo.clear()
            memo[None] = len(self.milestones)
        return memo

    def latest_results(self, day: date) -> dict[str, str]:
        """The latest result of each milestone with a business date on or before ``day`` (not to be changed)."""
        if not self.milestones:
            return {}
        memo = self._remembered()
        latest = memo.get(("latest", day))
        if latest is None:
            latest = memo[("latest", day)] = {}
            for when, milestone, result in sorted(self.milestones, key=lambda m: m[0]):
                if when <= day:
                    latest[milestone] = result
        return latest

    def blocked_by(self, day: date) -> str | None:
        """The milestone whose failure blocks releases on ``day`` (D3), if any."""
        latest = self.latest_results(day)
        if latest.get("acceptance") == "failed":
            return "acceptance"
        if latest.get("midterm") == "failed" and latest.get("acceptance") != "passed":
            return "midterm"
        return None

    def passed_by(self, day: date) -> set[str]:
        """Milestones passed on or before ``day``; a pass, once recorded, is never undone (D1)."""
        return {milestone for when, milestone, result in self.milestones if when <= day and result == "passed"}

    def stage_as_of(self, day: date) -> tuple[str, Fraction]:
        """The last stage reached on ``day`` and its cumulative ceiling ratio.

        A later failure blocks releases (D3) but does not lower the ceiling already reached, so
        what was lawfully released never stands above the ceiling afterwards.
        """
        if not self.stages:
            return "award", _ratio("1")
        memo = self._remembered()
        reached = memo.get(("stage", day))
        if reached is None:
            passed = self.passed_by(day)
            reached = ("award", _ratio(self.stages[0][1]))
            for after, ratio in self.stages:
                if after == "award" or after in passed:
                    reached = (after, _ratio(ratio))
            memo[("stage", day)] = reached
        return reached

    def ceiling_as_of(self, day: date) -> Fraction:
        """The exact cumulative release ceiling on ``day``, in fen."""
        return self.awarded * self.stage_as_of(day)[1]

    def ceiling_fen(self, day: date) -> int:
        """The ceiling on ``day`` rounded down to a whole fen (integer arithmetic, no Fraction built)."""
        ratio = self.stage_as_of(day)[1]
        return self.awarded * ratio.numerator // ratio.denominator

    def status(self) -> str:
        if self.terminated_on:
            return "terminated"
        if self.suspended_by:
            return "suspended"
        if self.blocked_by(date.max):
            return "blocked"
        if self.latest_results(date.max).get("acceptance") == "passed" and self.undisbursed == 0:
            return "closed"
        return "active"
