"""Raw access to the stored events and the chain table, in pages, on SQLite, PostgreSQL or memory.

The auditor's tools read the event table as it is stored (bytes, not domain objects), so that
what they hash is exactly what is kept, and so that reading a million events costs one query
per page rather than one per event.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

from qdledger.audit.shards import CHAIN_SHARE, Range, range_sql, shard_key

Row = tuple[int, str, int, str, bytes]
"""(position, originator id as 32 hex digits, version, topic, state bytes) of one stored event."""

Link = tuple[int, bytes]
"""(position, chain hash after the event at that position)."""

CHAIN_TABLE = "qdledger_chain"
PAGE = 10_000



def event_store(ledger: Any) -> EventStore:
    """The raw store behind an open ledger, whichever backend it uses."""
    module = type(ledger.recorder).__module__
    if module.endswith("sqlite"):
        return SQLiteStore(ledger)
    if module.endswith("postgres"):
        return PostgresStore(ledger)
    return MemoryStore(ledger)


class EventStore:
    """Pages of stored events in global order, the events of one aggregate, and the chain table."""

    chain_share = CHAIN_SHARE
    """The chain's cost beside the replay's, where reading the rows is part of both (see ``Split``)."""

    def pages(self, after: int = 0, upto: int | None = None, page: int = PAGE,
              shard: Range | None = None) -> Iterator[list[Row]]:
        while True:
            rows = self._page(after, upto, page, shard)
            if rows:
                yield rows
            if len(rows) < page:
                return
            after = rows[-1][0]

    def last_position(self) -> int:
        raise NotImplementedError

    def count(self, upto: int | None = None) -> int:
        raise NotImplementedError

    def rows_of(self, originator_id: Any) -> list[Row]:
        raise NotImplementedError

    def _page(self, after: int, upto: int | None, page: int, shard: Range | None = None) -> list[Row]:
        raise NotImplementedError

    def reopened(self) -> EventStore:
        """The same tables through a connection of this process's own: a forked process must not
        use its parent's."""
        raise NotImplementedError

    # the chain table
    def last_link(self) -> Link | None:
        raise NotImplementedError

    def links(self, after: int = 0, page: int = PAGE) -> Iterator[list[Link]]:
        while True:
            rows = self._links_page(after, page)
            if rows:
                yield rows
            if len(rows) < page:
                return
            after = rows[-1][0]

    def _links_page(self, after: int, page: int) -> list[Link]:
        raise NotImplementedError

    def add_links(self, links: list[Link]) -> None:
        raise NotImplementedError


class SQLiteStore(EventStore):
    """The ledger file read through its own connection (WAL lets it read beside writers)."""

    def __init__(self, ledger: Any) -> None:
        self.path = ledger.env.get("SQLITE_DBNAME")
        self.table = ledger.recorder.events_table_name
        self._connect()

    def _connect(self) -> None:
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._chain_ready = False

    def close(self) -> None:
        self.conn.close()

    def reopened(self) -> SQLiteStore:
        store = copy.copy(self)
        store._connect()
        return store

    def _page(self, after: int, upto: int | None, page: int, shard: Range | None = None) -> list[Row]:
        sql = f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.table} WHERE rowid > ?"
        params: list[Any] = [after]
        if upto is not None:
            sql += " AND rowid <= ?"
            params.append(upto)
        if shard is not None:
            condition, keys = range_sql("originator_id", shard)
            sql += f" AND {condition}"
            params += keys
        return self.conn.execute(sql + " ORDER BY rowid LIMIT ?", (*params, page)).fetchall()

    def last_position(self) -> int:
        return self.conn.execute(f"SELECT MAX(rowid) FROM {self.table}").fetchone()[0] or 0

    def count(self, upto: int | None = None) -> int:
        if upto is None:
            return self.conn.execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0]
        return self.conn.execute(f"SELECT COUNT(*) FROM {self.table} WHERE rowid <= ?", (upto,)).fetchone()[0]

    def rows_of(self, originator_id: Any) -> list[Row]:
        return self.conn.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.table} "
            "WHERE originator_id = ? ORDER BY originator_version", (originator_id.hex,)).fetchall()

    def _ensure_chain(self) -> None:
        if not self._chain_ready:
            self.conn.execute(f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (position INTEGER PRIMARY KEY, link BLOB NOT NULL)")
            self._chain_ready = True

    def last_link(self) -> Link | None:
        self._ensure_chain()
        return self.conn.execute(f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1").fetchone()

    def _links_page(self, after: int, page: int) -> list[Link]:
        self._ensure_chain()
        return self.conn.execute(f"SELECT position, link FROM {CHAIN_TABLE} WHERE position > ? ORDER BY position LIMIT ?",
                                 (after, page)).fetchall()

    def add_links(self, links: list[Link]) -> None:
        self._ensure_chain()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(f"INSERT OR IGNORE INTO {CHAIN_TABLE} (position, link) VALUES (?, ?)", links)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")


HEX_ID = "replace(originator_id::text, '-', '')"
"""The aggregate id as 32 lowercase hex digits, as ``UUID.hex`` spells it, made by the server."""


class PostgresStore(EventStore):
    """The ledger's PostgreSQL schema, read through the application's own connection pool."""

    chain_share = 0.27
    """Rows cost more to fetch through psycopg than from SQLite, and the first process fetches all
    of them: about 0.35 s for the chain beside 1.2 s for the replay per 100,000 events."""

    def __init__(self, ledger: Any) -> None:
        from psycopg import sql

        self.datastore = ledger.recorder.datastore
        schema = sql.Identifier(self.datastore.schema)
        self.events = sql.SQL("{}.{}").format(schema, sql.Identifier(ledger.recorder.events_table_name))
        self.chain = sql.SQL("{}.{}").format(schema, sql.Identifier(CHAIN_TABLE))
        self._chain_ready = False
        self.own: Any = None

    def close(self) -> None:
        if self.own is not None:
            self.own.close()

    def reopened(self) -> PostgresStore:
        import psycopg

        store = copy.copy(self)
        settings = {k: v for k, v in self.datastore.pool.kwargs.items() if k != "row_factory"}
        store.own = psycopg.connect(**settings)
        return store

    def _connection(self) -> Any:
        return nullcontext(self.own) if self.own is not None else self.datastore.get_connection()

    def _query(self, statement: Any, params: tuple = ()) -> list[tuple]:
        """Rows as tuples in binary format: the server sends ``bytea`` as it is stored rather than
        spelling it in hex for the client to parse back (less work on both sides)."""
        from psycopg.rows import tuple_row

        with self._connection() as conn, conn.cursor(row_factory=tuple_row, binary=True) as cur:
            cur.execute(statement, params)
            rows = cur.fetchall()
            conn.commit()
            return rows

    def _page(self, after: int, upto: int | None, page: int, shard: Range | None = None) -> list[Row]:
        from psycopg import sql

        where = sql.SQL("notification_id > %s") + (sql.SQL(" AND notification_id <= %s") if upto is not None else sql.SQL(""))
        params: tuple = (after, upto) if upto is not None else (after,)
        if shard is not None:
            condition, keys = range_sql(HEX_ID, shard, "strpos")
            where += sql.SQL(" AND " + condition.replace("?", "%s"))
            params += keys
        params += (page,)
        statement = sql.SQL(f"SELECT notification_id, {HEX_ID}, originator_version, topic, state FROM {{}} WHERE ") \
            .format(self.events) + where + sql.SQL(" ORDER BY notification_id LIMIT %s")
        return self._query(statement, params)

    def last_position(self) -> int:
        from psycopg import sql

        return self._query(sql.SQL("SELECT MAX(notification_id) FROM {}").format(self.events))[0][0] or 0

    def count(self, upto: int | None = None) -> int:
        from psycopg import sql

        if upto is None:
            return self._query(sql.SQL("SELECT COUNT(*) FROM {}").format(self.events))[0][0]
        return self._query(sql.SQL("SELECT COUNT(*) FROM {} WHERE notification_id <= %s").format(self.events), (upto,))[0][0]

    def rows_of(self, originator_id: Any) -> list[Row]:
        from psycopg import sql

        statement = sql.SQL(f"SELECT notification_id, {HEX_ID}, originator_version, topic, state FROM {{}} "
                            "WHERE originator_id = %s ORDER BY originator_version").format(self.events)
        return self._query(statement, (originator_id,))

    def _ensure_chain(self) -> None:
        if self._chain_ready:
            return
        from psycopg import sql

        try:
            self._query(sql.SQL("CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, link bytea NOT NULL)")
                        .format(self.chain))
        except Exception:  # another process created it at the same moment: fine if it is there now
            if self._query(sql.SQL("SELECT to_regclass(%s)"), (f"{self.datastore.schema}.{CHAIN_TABLE}",))[0][0] is None:
                raise
        self._chain_ready = True

    def last_link(self) -> Link | None:
        from psycopg import sql

        self._ensure_chain()
        rows = self._query(sql.SQL("SELECT position, link FROM {} ORDER BY position DESC LIMIT 1").format(self.chain))
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def _links_page(self, after: int, page: int) -> list[Link]:
        from psycopg import sql

        self._ensure_chain()
        rows = self._query(sql.SQL("SELECT position, link FROM {} WHERE position > %s ORDER BY position LIMIT %s")
                           .format(self.chain), (after, page))
        return [(p, bytes(h)) for p, h in rows]

    def add_links(self, links: list[Link]) -> None:
        from psycopg import sql

        self._ensure_chain()
        statement = sql.SQL("INSERT INTO {} (position, link) SELECT * FROM unnest(%s::bigint[], %s::bytea[]) "
                            "ON CONFLICT (position) DO NOTHING").format(self.chain)
        with self._connection() as conn:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(statement, ([p for p, _ in links], [h for _, h in links]))


class MemoryStore(EventStore):
    """The in-memory backend of tests: the notification log, and a chain kept beside it."""

    def __init__(self, ledger: Any) -> None:
        self.recorder = ledger.recorder
        if not hasattr(self.recorder, "qdledger_chain"):
            self.recorder.qdledger_chain = {}
        self.chain: dict[int, bytes] = self.recorder.qdledger_chain

    def close(self) -> None:
        pass

    def reopened(self) -> MemoryStore:
        return self  # a forked process has a copy of the memory of its own

    def _page(self, after: int, upto: int | None, page: int, shard: Range | None = None) -> list[Row]:
        if shard is not None:  # the shard's events are found by reading every page
            low, high = shard
            rows: list[Row] = []
            for found in self.pages(after, upto, page):
                rows.extend(row for row in found if (low is None or shard_key(row[1]) >= low)
                            and (high is None or shard_key(row[1]) < high))
                if len(rows) >= page:
                    break
            return rows[:page]
        found = self.recorder.select_notifications(start=after + 1, limit=page, stop=upto)
        return [(n.id, n.originator_id.hex, n.originator_version, n.topic, n.state) for n in found]

    def last_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def count(self, upto: int | None = None) -> int:
        return sum(len(page) for page in self.pages(0, upto))

    def rows_of(self, originator_id: Any) -> list[Row]:
        return [row for page in self.pages() for row in page if row[1] == originator_id.hex]

    def last_link(self) -> Link | None:
        if not self.chain:
            return None
        last = max(self.chain)
        return last, self.chain[last]

    def _links_page(self, after: int, page: int) -> list[Link]:
        return [(p, self.chain[p]) for p in sorted(self.chain) if p > after][:page]

    def add_links(self, links: list[Link]) -> None:
        for position, link in links:
            self.chain.setdefault(position, link)
