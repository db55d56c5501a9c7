"""Choosing where the ledger lives: a SQLite file (default), PostgreSQL, or memory for tests."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from eventsourcing.persistence import PersistenceError

from qdledger.errors import BadInput, LedgerError
from qdledger.i18n import Text
from qdledger.ledger import sqlite as bulk_sqlite
from qdledger.ledger.application import Ledger

DEFAULT_LEDGER = "qdledger.db"
SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
MEMORY = ":memory:"


def ledger_location(explicit: str | None = None) -> str:
    """``--ledger``, else ``$QDLEDGER_DB``, else ``./qdledger.db``."""
    return explicit or os.environ.get("QDLEDGER_DB") or DEFAULT_LEDGER


def storage_env(location: str) -> dict[str, str]:
    """The eventsourcing settings for a location."""
    if location == MEMORY:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if location.startswith(("postgresql://", "postgres://")):
        return _postgres_env(location)
    path = Path(location).expanduser()
    if path.is_dir():
        raise BadInput(Text(f"账本路径是一个目录：{location}", f"ledger path is a directory: {location}"), field="ledger")
    if not path.parent.exists():
        raise BadInput(Text(f"账本所在目录不存在：{path.parent}", f"ledger folder does not exist: {path.parent}"),
                       field="ledger")
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "30", "APPLICATION_RECORDER_TOPIC": bulk_sqlite.TOPIC}


def _postgres_env(url: str) -> dict[str, str]:
    """The library's settings for a PostgreSQL URL. The pool starts with one connection, not the
    library's five: a command runs one statement at a time, and every idle connection is a server
    process started (and a login done) for nothing; the pool still grows when threads share it."""
    parts = urlparse(url)
    try:
        port = parts.port or 5432
    except ValueError:
        raise BadInput(Text(f"PostgreSQL 地址端口无效：{shown(url)}", f"PostgreSQL URL has an invalid port: {shown(url)}"),
                       field="ledger") from None
    name = parts.path.lstrip("/")
    if not name:
        raise BadInput(Text(f"PostgreSQL 地址缺少数据库名：{shown(url)}", f"PostgreSQL URL names no database: {shown(url)}"),
                       field="ledger")
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": name,
           "POSTGRES_HOST": parts.hostname or "127.0.0.1", "POSTGRES_PORT": str(port),
           "POSTGRES_USER": unquote(parts.username or "postgres"),
           "POSTGRES_PASSWORD": unquote(parts.password or ""), "POSTGRES_LOCK_TIMEOUT": "30",
           "POSTGRES_CONNECT_TIMEOUT": "10", "POSTGRES_POOL_SIZE": "1",
           "APPLICATION_RECORDER_TOPIC": "qdledger.ledger.postgres:SequentialPostgresApplicationRecorder"}
    schema = parse_qs(parts.query).get("schema")
    if schema:
        if not SCHEMA_NAME.fullmatch(schema[0]):
            raise BadInput(Text(f"schema 名称应为字母、数字和下划线（不以数字开头）：{schema[0]!r}",
                                f"schema must be letters, digits and underscores, not starting with a digit: {schema[0]!r}"),
                           field="ledger")
        env["POSTGRES_SCHEMA"] = schema[0]
    return env


class LedgerUnavailable(LedgerError):
    """The ledger named by ``--ledger`` cannot be opened: no server, not a ledger file …"""

    code = "ledger_unavailable"


def open_ledger(location: str | None = None) -> Ledger:
    """Open (and on first use create) the ledger at a location; close it when done."""
    where = ledger_location(location)
    env = storage_env(where)
    try:
        if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
            from qdledger.ledger.pg_schema import open_postgres

            return open_postgres(Ledger, env)
        return Ledger(env=env)
    except (PersistenceError, sqlite3.Error, OSError) as error:
        reason = str(error).strip() or type(error).__name__
        raise LedgerUnavailable(Text(f"无法打开账本 {shown(where)}：{reason}", f"cannot open the ledger {shown(where)}: {reason}"),
                                field="ledger") from None


def shown(location: str) -> str:
    """A location fit to print: a URL's password is masked."""
    parts = urlparse(location)
    if parts.password:
        return location.replace(f":{parts.password}@", ":***@", 1)
    return location
