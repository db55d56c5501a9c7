"""The PostgreSQL recorder, sending a save's events as four plain arrays instead of one array of
a composite type.

The library's recorder passes the rows as an array of its ``stored_event`` composite type,
which the driver writes out field by field in Python; four arrays of plain types (uuid, bigint,
text, bytea) are written by the driver's compiled adapters. Same statement otherwise: the same
rows, inserted in the same order under the same table lock, their positions returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier


class BulkPostgresApplicationRecorder(PostgresApplicationRecorder):
    """PostgresApplicationRecorder with a save's rows sent as columns."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insert_columns_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[]) RETURNING notification_id"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name),
                 id_type=Identifier(self.datastore.originator_id_type))

    def _insert_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self.insert_columns_statement, (
            [s.originator_id for s in stored_events], [s.originator_version for s in stored_events],
            [s.topic for s in stored_events], [s.state for s in stored_events]))


TOPIC = f"{__name__}:{BulkPostgresApplicationRecorder.__name__}"
