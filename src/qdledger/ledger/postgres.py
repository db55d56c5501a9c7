"""The PostgreSQL recorder, saving without pipeline mode.

The library's recorder sends the table lock, the notification and the insert of a whole save as
one pipeline. With a large save (a batch of thousands of events, one array parameter of
megabytes) psycopg can stop in ``Pipeline.sync`` waiting for results while the server waits in
``ClientRead`` for the rest of the statement: both sides wait for ever. The same statements sent
one after another in the same transaction cost two more round trips per save and cannot stall.

Events are read back in binary format: the server sends ``bytea`` and ``uuid`` as stored instead of
spelling them as text for the client to parse (half the client's and the server's work for a
1,000-event aggregate).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import errors as pg_errors
from psycopg.rows import tuple_row
from psycopg.sql import SQL


class SequentialPostgresApplicationRecorder(PostgresApplicationRecorder):
    """PostgresApplicationRecorder with the same rows, locks and positions, sent statement by statement."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        _open_pool(datastore)
        super().__init__(datastore, **kwargs)

    @retry((pg_errors.InterfaceError, pg_errors.OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(self, originator_id: UUID | str, *, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> Sequence[StoredEvent]:
        """The library's query and its result, the rows fetched as tuples in binary format."""
        statement, params = self.select_events_statement, [originator_id]
        if gt is not None:
            statement += SQL(" AND originator_version > %s")
            params.append(gt)
        if lte is not None:
            statement += SQL(" AND originator_version <= %s")
            params.append(lte)
        statement += SQL(" ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC")
        if limit is not None:
            statement += SQL(" LIMIT %s")
            params.append(limit)
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row, binary=True) as curs:
            curs.execute(statement, params, prepare=True)
            return [StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2], state=row[3])
                    for row in curs.fetchall()]


def _open_pool(datastore: Any) -> None:
    """Open the pool and wait for its first connection. The library opens it on first use without
    waiting, and a request that finds the pool still connecting makes it grow: every process would
    log in twice (six times with the library's pool of five)."""
    from psycopg_pool import PoolTimeout

    try:
        datastore.pool.open(wait=True, timeout=datastore.pool.timeout)
    except PoolTimeout as error:
        raise OperationalError(str(error)) from None


TOPIC = f"{__name__}:{SequentialPostgresApplicationRecorder.__name__}"
