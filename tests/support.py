"""Small helpers the reliability tests share: valid credit codes, seeding a ledger, counting events."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.credit_code import ALPHABET, check_character
from qdledger.enterprises import register_enterprise
from qdledger.grants.service import award_grant, record_milestone
from qdledger.ledger.application import Context, Ledger
from qdledger.ledger.storage import open_ledger

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


def events(cli: Any) -> int:
    """How many events the ledger a CLI runs against holds."""
    ledger = open_ledger(cli.ledger)
    try:
        return event_count(ledger)
    finally:
        ledger.close()


def register(ledger: Ledger, key: str, n: int, day: date = date(2024, 11, 1)) -> dict[str, Any]:
    return register_enterprise(ledger, ADMIN, key=key, name=f"青岛测试企业{n}有限公司", credit_code=credit_code(n),
                               district="崂山区", day=day)


def award(ledger: Ledger, grant: str, enterprise: str, amount: int, budget: int, day: date = date(2024, 12, 20),
          project: str | None = None) -> dict[str, Any]:
    return award_grant(ledger, ADMIN, grant_id=grant, enterprise=enterprise, program="sci_demo_project",
                       project_budget=budget, amount=amount, day=day, project=project)


def midterm_passed(ledger: Ledger, grant: str, day: date = date(2025, 6, 30)) -> dict[str, Any]:
    return record_milestone(ledger, ADMIN, grant_id=grant, milestone="midterm", result="passed", day=day)


class InProcessCli:
    """The ``cli`` fixture's interface, run in this process through typer's CliRunner (no process start-up)."""

    def __init__(self, ledger: str, lang: str = "en", actor: str = "officer") -> None:
        self.ledger, self.lang, self.actor = ledger, lang, actor

    def __call__(self, *args: str, json_out: bool = True, check: bool | None = None, roles: str | None = None) -> Any:
        import os

        from typer.testing import CliRunner

        from conftest import Outcome
        from qdledger_cli.main import app

        argv = ["--ledger", self.ledger, "--actor", self.actor, "--lang", self.lang,
                *(["--roles", roles] if roles else []), *args, *(["--json"] if json_out else [])]
        env = {k: None for k in os.environ if k.startswith("QDLEDGER_")}
        result = CliRunner().invoke(app, argv, env=env)
        outcome = Outcome(result.exit_code, result.stdout, result.stderr)
        assert result.exception is None or isinstance(result.exception, SystemExit), (argv, result.exception)
        assert "Traceback" not in result.stdout + result.stderr
        if check:
            assert result.exit_code == 0, (argv, result.stdout, result.stderr)
        return outcome

    def ok(self, *args: str, roles: str | None = None) -> Any:
        return self(*args, check=True, roles=roles).json


def verify_if_present(url: str) -> bool:
    """Run ``qdledger verify`` (tamper evidence) when this build has it; it must pass. Returns whether it ran."""
    import typer.main

    from qdledger_cli.main import app

    if "verify" not in typer.main.get_command(app).commands:
        return False
    outcome = InProcessCli(url)("verify")
    assert outcome.code == 0, outcome.stdout + outcome.stderr
    return True
