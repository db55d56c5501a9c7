"""Creating the PostgreSQL tables exactly once, even when many processes start at the same moment.

Concurrent ``CREATE TYPE`` / ``CREATE TABLE`` from several new processes can fail with "tuple
concurrently updated"; so the first opener creates the schema under an advisory lock, and every
later opener (including read-only logins, which may not create anything) skips creation.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from qdledger.errors import BadInput
from qdledger.i18n import Text

EVENTS_TABLE = "qdledger_events"


def open_postgres(factory: Callable[..., Any], env: dict[str, str]) -> Any:
    """Construct the application, creating its tables under a lock if they are not there yet."""
    with _connect(env) as conn:
        if _tables_exist(conn, env):
            return factory(env={**env, "CREATE_TABLE": "n"})
        with _advisory_lock(conn, env):
            if env.get("POSTGRES_SCHEMA"):
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{_schema(env)}"')
            return factory(env=env)


def _schema(env: dict[str, str]) -> str:
    return env.get("POSTGRES_SCHEMA") or "public"


def _tables_exist(conn: Any, env: dict[str, str]) -> bool:
    row = conn.execute("SELECT to_regclass(%s)", (f'"{_schema(env)}"."{EVENTS_TABLE}"',)).fetchone()
    return row[0] is not None


@contextmanager
def _advisory_lock(conn: Any, env: dict[str, str]):
    key = zlib.crc32(f"qdledger:{_schema(env)}".encode())
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


@contextmanager
def _connect(env: dict[str, str]):
    import psycopg

    where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
    try:
        conn = psycopg.connect(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], dbname=env["POSTGRES_DBNAME"],
                               user=env["POSTGRES_USER"], password=env.get("POSTGRES_PASSWORD") or None,
                               autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(Text(f"无法连接 PostgreSQL {where}：{reason}", f"cannot connect to PostgreSQL at {where}: {reason}"),
                       field="ledger") from None
    try:
        yield conn
    finally:
        conn.close()
