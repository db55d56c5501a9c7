"""The PostgreSQL recorder, saving without pipeline mode.

The library's recorder sends the table lock, the notification and the insert of a whole save as
one pipeline. With a large save (a batch of thousands of events, one array parameter of
megabytes) psycopg can stop in ``Pipeline.sync`` waiting for results while the server waits in
``ClientRead`` for the rest of the statement: both sides wait for ever. The same statements sent
one after another in the same transaction cost two more round trips per save and cannot stall.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.errors import InterfaceError, OperationalError


class SequentialPostgresApplicationRecorder(PostgresApplicationRecorder):
    """PostgresApplicationRecorder with the same rows, locks and positions, sent statement by statement."""

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)


TOPIC = f"{__name__}:{SequentialPostgresApplicationRecorder.__name__}"
