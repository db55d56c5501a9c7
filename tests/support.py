"""Small helpers the reliability tests share: valid credit codes, seeding a ledger, counting events."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.credit_code import ALPHABET, check_character
from qdledger.enterprises import register_enterprise
from qdledger.grants.service import award_grant, record_milestone
from qdledger.ledger.application import Context, Ledger

ADMIN = Context(actor="setup")
WAN = 10_000 * 100  # fen in one 万元
SUMMARY: list[str] = []
"""Lines printed at the end of the test run (counts of the race, crash and fuzz tests)."""


def report(line: str) -> None:
    SUMMARY.append(line)
    print(line)


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码, different for each n < 31²."""
    first17 = "91370212MA3C5Y2" + ALPHABET[n // 31 % 31] + ALPHABET[n % 31]
    return first17 + check_character(first17)


def event_count(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def register(ledger: Ledger, key: str, n: int, day: date = date(2024, 11, 1)) -> dict[str, Any]:
    return register_enterprise(ledger, ADMIN, key=key, name=f"青岛测试企业{n}有限公司", credit_code=credit_code(n),
                               district="崂山区", day=day)


def award(ledger: Ledger, grant: str, enterprise: str, amount: int, budget: int, day: date = date(2024, 12, 20),
          project: str | None = None) -> dict[str, Any]:
    return award_grant(ledger, ADMIN, grant_id=grant, enterprise=enterprise, program="sci_demo_project",
                       project_budget=budget, amount=amount, day=day, project=project)


def midterm_passed(ledger: Ledger, grant: str, day: date = date(2025, 6, 30)) -> dict[str, Any]:
    return record_milestone(ledger, ADMIN, grant_id=grant, milestone="midterm", result="passed", day=day)
