"""Writes of one page of events, gathered and sent as a few ``executemany`` calls.

Projectors say what changes (insert a row, set columns, add to columns); the batch applies
inserts first, then sets (last one wins), then additions (they commute), per table. A column is
either set or added to, never both, so the order inside a page does not matter.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any


class Batch:
    def __init__(self, keys: dict[str, str]) -> None:
        self.keys = keys  # table → primary key column
        self.inserts: dict[tuple[str, tuple[str, ...]], list[tuple]] = defaultdict(list)
        self.sets: dict[tuple[str, Any], dict[str, Any]] = {}
        self.adds: dict[tuple[str, Any], dict[str, int]] = {}

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self.inserts[(table, tuple(row))].append(tuple(row.values()))

    def rows(self, table: str, columns: tuple[str, ...]) -> list[tuple]:
        """The list to append value tuples to, for tables written once per event (the hot path)."""
        return self.inserts[(table, columns)]

    def set(self, table: str, key: Any, **values: Any) -> None:
        self.sets.setdefault((table, key), {}).update(values)

    def add(self, table: str, key: Any, **deltas: int) -> None:
        current = self.adds.setdefault((table, key), {})
        for column, delta in deltas.items():
            current[column] = current.get(column, 0) + delta

    def flush(self, conn: sqlite3.Connection) -> None:
        for (table, columns), rows in self.inserts.items():
            names = ", ".join(f"[{c}]" for c in columns)
            conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
        self._upserts(conn, self.sets, lambda c: f"[{c}] = excluded.[{c}]")
        self._upserts(conn, self.adds, lambda c: f"[{c}] = coalesce([{c}], 0) + excluded.[{c}]")
        self.inserts.clear()
        self.sets.clear()
        self.adds.clear()

    def _upserts(self, conn: sqlite3.Connection, changes: dict, assign) -> None:
        grouped: dict[tuple[str, tuple[str, ...]], list[tuple]] = defaultdict(list)
        for (table, key), values in changes.items():
            grouped[(table, tuple(values))].append((key, *values.values()))
        for (table, columns), rows in grouped.items():
            pk = self.keys[table]
            names = ", ".join(f"[{c}]" for c in (pk, *columns))
            updates = ", ".join(assign(c) for c in columns)
            conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * (len(columns) + 1))}) "
                             f"ON CONFLICT([{pk}]) DO UPDATE SET {updates}", rows)
