"""The SQLite recorder, inserting a save's events with one ``executemany`` instead of one
``execute`` per event.

The library's application recorder runs one statement per event to learn each row's id (its
notification position). Inside one write transaction nothing else can insert, and SQLite gives
each new row the largest row id so far plus one, so a save's rows get consecutive ids ending at
the last one inserted: those are read back once, and checked against the row count.

A save's transaction begins ``IMMEDIATE``: it takes the write lock before its first statement,
waiting for another writer's save to end (up to ``SQLITE_LOCK_TIMEOUT`` seconds) instead of
failing with "database is locked" and making the application decide its batch again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteTransaction


class ImmediateTransaction(SQLiteTransaction):
    """A write transaction that holds the write lock from its start (the library's begins deferred)."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:  # "database is locked" after the timeout: the library's error, as for any statement
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return cursor


class BulkSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """SQLiteApplicationRecorder with the same rows and the same returned positions, inserted at once."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.pool.is_sqlite_memory_mode:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection(commit=True) as conn, ImmediateTransaction(conn, commit=True) as c, c:
            return self._insert_events(c, stored_events, **kwargs)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if len(stored_events) < 2:
            return super()._insert_events(c, stored_events)
        c.executemany(self.insert_events_statement, [
            (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
             s.originator_version, s.topic, s.state) for s in stored_events])
        c.execute(self.select_max_notification_id_statement)
        last = c.fetchone()[0]
        first = last - len(stored_events) + 1
        c.execute(f"SELECT COUNT(*) FROM {self.events_table_name} WHERE rowid >= ?", (first,))
        if c.fetchone()[0] != len(stored_events):  # row ids not consecutive: read each one back
            return self._positions(c, stored_events)
        return list(range(first, last + 1))

    def _positions(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        statement = f"SELECT rowid FROM {self.events_table_name} WHERE originator_id = ? AND originator_version = ?"
        positions = []
        for s in stored_events:
            c.execute(statement, (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                                  s.originator_version))
            positions.append(c.fetchone()[0])
        return positions


TOPIC = f"{__name__}:{BulkSQLiteApplicationRecorder.__name__}"
