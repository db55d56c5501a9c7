"""Shared fixtures: a fresh ledger on each backend, and the installed ``qdledger`` command.

Backends come from ``QDLEDGER_TEST_BACKENDS`` (comma-separated: ``sqlite``, ``postgres``,
``memory``); the default is ``sqlite``. CI runs the suite with ``sqlite,postgres``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from qdledger.ledger.storage import open_ledger

POSTGRES_URL = os.environ.get("QDLEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b.strip() for b in os.environ.get("QDLEDGER_TEST_BACKENDS", "sqlite").split(",") if b.strip()]
QDLEDGER = str(Path(sys.executable).parent / "qdledger")
# the validated policy book is cached between runs; the suite keeps its own cache, not the user's
os.environ.setdefault("QDLEDGER_CACHE_DIR", tempfile.mkdtemp(prefix="qdledger-test-cache-"))


def _postgres_schema_url() -> tuple[str, str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{POSTGRES_URL}?schema={schema}", schema


def _drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def ledger_url(request, tmp_path):
    """A location for a new, empty ledger on each backend under test."""
    if request.param == "postgres":
        url, schema = _postgres_schema_url()
        yield url
        _drop_schema(schema)
    elif request.param == "memory":
        yield ":memory:"
    else:
        yield str(tmp_path / "ledger.db")


@pytest.fixture
def ledger(ledger_url):
    """An open application on a fresh ledger; closed after the test."""
    app = open_ledger(ledger_url)
    yield app
    app.close()


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error(self) -> dict[str, Any]:
        return self.json["error"]


@dataclass
class Cli:
    """Runs the installed ``qdledger`` command against one ledger, as a user would."""

    ledger: str
    lang: str = "en"
    actor: str = "officer"
    extra_env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, json_out: bool = True, check: bool | None = None, input: str | None = None) -> Outcome:
        argv = [QDLEDGER, "--ledger", self.ledger, "--actor", self.actor, "--lang", self.lang, *args]
        if json_out:
            argv.append("--json")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
        env.update(self.extra_env)
        done = subprocess.run(argv, capture_output=True, text=True, env=env, input=input, timeout=120)
        outcome = Outcome(done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        if check is True:
            assert done.returncode == 0, (argv, done.stdout, done.stderr)
        return outcome

    def ok(self, *args: str) -> Any:
        """Run a command that must succeed; return its JSON."""
        return self(*args, check=True).json


@pytest.fixture
def cli(ledger_url) -> Cli:
    return Cli(ledger_url)


@pytest.fixture
def app_cli(ledger_url):
    """The command run in-process (typer's runner) against a fresh ledger: fast, for many invocations."""
    from support import InProcessCli

    return InProcessCli(ledger_url)


from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_terminal_summary(terminalreporter):
    """Print the counts the race, crash and fuzz tests gathered, so CI logs show them."""
    from support import SUMMARY

    if SUMMARY:
        terminalreporter.section("reliability counts")
        for line in SUMMARY:
            terminalreporter.write_line(line)


def pytest_sessionstart(session):
    """A run that asks for PostgreSQL fails at once when the server does not answer: never a silent skip."""
    if "postgres" not in BACKENDS:
        return
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.Error as exc:
        pytest.exit(f"PostgreSQL requested but {POSTGRES_URL} does not answer ({exc}); run scripts/ensure-postgres",
                    returncode=1)
