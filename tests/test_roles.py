"""Roles: a roles file decides who may record what; auditors only read; on PostgreSQL the database enforces it too."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import POSTGRES_URL, QDLEDGER
from qdledger.access import load_access
from qdledger.errors import BadInput, NotPermitted
from qdledger.grants.service import release, show_grant
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from support import WAN, InProcessCli, award, event_count, register

ROLES = """\
# actor = role (经办 / 复核 / 投资经理 / 审计 / 管理员, or the English names)
[actors]
wang = "经办"
li = "finance_reviewer"
zhao = "investment_manager"
sun = "审计"
root = "admin"
zhou = "district_officer"

[roles.district_officer]
zh = "区科技局经办"
en = "district officer"
allow = ["grant.release", "grant.midterm"]
"""
RELEASE = ("grant", "release", "G1", "--amount", "10万", "--date", "2025-01-10")
AWARD = ("grant", "award", "G2", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "300万",
         "--amount", "100万", "--date", "2025-01-10")


@pytest.fixture
def roles_file(tmp_path) -> str:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    return str(path)


@pytest.fixture
def seeded(ledger_url):
    ledger = open_ledger(ledger_url)
    register(ledger, "E001", 1)
    award(ledger, "G1", "E001", 1000 * WAN, 4500 * WAN)
    yield ledger
    ledger.close()


def as_actor(url: str, actor: str) -> InProcessCli:
    return InProcessCli(url, actor=actor)


def test_each_role_may_run_its_own_commands_and_no_others(ledger_url, seeded, roles_file):
    allowed = {("wang", "release"): True, ("wang", "award"): False, ("li", "award"): True, ("zhao", "release"): False,
               ("sun", "release"): False, ("root", "release"): True, ("zhou", "release"): True, ("zhou", "award"): False}
    for (actor, what), may in allowed.items():
        before = event_count(seeded)
        args = [*(RELEASE if what == "release" else AWARD), "--idempotency-key", f"{actor}-{what}"]
        outcome = as_actor(ledger_url, actor)(*args, roles=roles_file)
        assert (outcome.code == 0) is may, (actor, what, outcome.stdout)
        if not may:
            assert outcome.code == 1 and outcome.error["code"] == "not_permitted"
            assert event_count(seeded) == before


def test_an_auditor_reads_everything_and_writes_nothing(ledger_url, seeded, roles_file):
    sun = as_actor(ledger_url, "sun")
    assert sun.ok("grant", "show", "G1", roles=roles_file)["awarded"] == "10000000.00"
    assert sun.ok("report", "trial-balance", roles=roles_file)["total"] == "0.00"
    refused = sun(*RELEASE, json_out=False, roles=roles_file)
    assert refused.code == 1
    assert refused.stderr.strip() == ("Not permitted (nothing written): actor sun (auditor (read only)) may not run "
                                      "grant.release; this role may run: nothing (read only)")


def test_an_actor_missing_from_the_roles_file_may_not_write(ledger_url, seeded, roles_file):
    refused = as_actor(ledger_url, "stranger")(*RELEASE, roles=roles_file)
    assert refused.code == 1 and "not listed in the roles file roles.toml" in refused.error["message"]


def test_without_a_roles_file_everyone_may_write(ledger_url, seeded):
    assert as_actor(ledger_url, "anyone").ok(*RELEASE)["disbursed"] == "100000.00"


def test_import_rows_are_checked_against_the_importers_role(ledger_url, seeded, roles_file, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("kind,grant,enterprise,program,project_budget,amount,date\n"
                    "release,G1,,,,10万,2025-01-10\n"
                    "award,G3,E001,sci_demo_project,300万,100万,2025-01-10\n", encoding="utf-8")
    refused = as_actor(ledger_url, "wang")("import", str(path), roles=roles_file)
    assert refused.code == 1
    assert [(p["row"], p["code"]) for p in refused.error["problems"]] == [(3, "not_permitted")]


@pytest.mark.parametrize("content, message", [
    ("[actors]\nwang = \"cashier\"\n", "unknown role 'cashier'"),
    ("[actors\n", "cannot be read"),
    ("[roles.x]\nallow = \"grant.*\"\n", "needs allow ="),
])
def test_a_broken_roles_file_is_bad_input(tmp_path, content, message):
    path = tmp_path / "roles.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as refused:
        load_access(path)
    assert message in refused.value.text.en


def test_roles_file_from_the_environment(cli, roles_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    env.update(QDLEDGER_ROLES=roles_file, QDLEDGER_ACTOR="sun", QDLEDGER_LANG="en")
    done = subprocess.run([QDLEDGER, "--ledger", cli.ledger, "lpr", "set", "2030-01", "--one-year", "3.00"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1 and "may not run lpr.set" in done.stderr
    missing = subprocess.run([QDLEDGER, "--ledger", cli.ledger, "--roles", "/nonexistent/roles.toml", "lpr", "list"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode == 2 and "roles file not found" in missing.stderr


AUDITOR = "qdledger_auditor"
GRANTS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def test_a_postgres_auditor_login_can_read_but_cannot_insert(ledger_url, seeded):
    if not ledger_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    import psycopg

    schema = ledger_url.split("schema=")[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DO $$ BEGIN CREATE ROLE {AUDITOR} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {AUDITOR}")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {AUDITOR}")
    auditor_url = ledger_url.replace("postgres@", f"{AUDITOR}@", 1)

    auditor = open_ledger(auditor_url)
    try:
        assert show_grant(auditor, "G1")["awarded"] == "10000000.00"
        with pytest.raises(NotPermitted) as refused:
            auditor.execute(Context("sun"), release(grant_id="G1", amount=WAN, day=date(2025, 1, 10)))
        assert "read-only" in refused.value.text.en
    finally:
        auditor.close()
    with psycopg.connect(auditor_url.split("?")[0], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {schema}.qdledger_events (originator_id, originator_version, topic, state) "
                         "VALUES (gen_random_uuid(), 1, 'x', '')")
    outcome = InProcessCli(auditor_url, actor="sun")(*RELEASE)
    assert outcome.code == 1 and outcome.error["code"] == "not_permitted"
    assert event_count(seeded) == 4


def test_the_operations_guide_shows_the_auditor_grants():
    text = GRANTS.read_text(encoding="utf-8")
    for statement in ("CREATE ROLE qdledger_auditor LOGIN", "GRANT USAGE ON SCHEMA", "GRANT SELECT ON ALL TABLES IN SCHEMA",
                      "ALTER DEFAULT PRIVILEGES"):
        assert statement in text
