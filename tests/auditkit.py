"""Helpers for the audit tests: small histories, a fast large ledger, and raw edits of stored events."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from qdledger.credit_code import check_character
from qdledger.enterprises import register, register_enterprise
from qdledger.grants.events import GrantAwarded, TrancheReleased
from qdledger.grants.service import award_grant, record_milestone, release_tranche
from qdledger.ledger.application import Command, Context, Ledger

CTX = Context(actor="officer", reference="V-1")
D = date.fromisoformat


def credit_code(i: int) -> str:
    body = f"91370212{i:09d}"
    return body + check_character(body)


def small_history(ledger: Ledger) -> None:
    """E001 with a staged grant G1: award, first tranche, mid-term passed, second tranche."""
    register_enterprise(ledger, CTX, key="E001", name="青岛海研智能装备有限公司", credit_code="91370212MA3C5Y2K1H",
                        district="崂山区", day=D("2024-11-01"))
    award_grant(ledger, CTX, grant_id="G1", enterprise="E001", program="sci_demo_project",
                project_budget=45_000_000_00, amount=10_000_000_00, day=D("2024-12-20"))
    release_tranche(ledger, CTX, grant_id="G1", amount=4_000_000_00, day=D("2025-01-10"))
    record_milestone(ledger, CTX, grant_id="G1", milestone="midterm", result="passed", day=D("2026-01-15"))
    release_tranche(ledger, CTX, grant_id="G1", amount=4_000_000_00, day=D("2026-01-20"))


STAGES = [["award", "2/5"], ["midterm", "4/5"], ["acceptance", "1"]]


def seeded_party(i: int, releases: int) -> Command:
    """A party with one grant and many small releases, recorded without policy decisions (fast)."""
    key, grant = f"E{i:06d}", f"G{i:06d}"
    registration = register(key=key, name=f"企业{i}", credit_code=credit_code(i), district="崂山区", day=D("2024-10-01"))

    def decide(uow, ctx):
        registration.decide(uow, ctx)
        party = uow.enterprise(key)
        uow.claim("grant", grant, key)
        party.record(GrantAwarded, grant_id=grant, program="sci_demo_project", policy_version="seed", project=grant,
                     project_budget=45_000_000_00, amount=10_000_000_00, stages=STAGES,
                     staging_rule="sci_demo_project.staging", staging_citation="seed",
                     rules=["sci_demo_project.project_cap"], **ctx.envelope(D("2024-12-20")))
        for k in range(releases):
            party.record(TrancheReleased, grant_id=grant, amount=1_000_00, stage="award",
                         rules=["sci_demo_project.staging"], **ctx.envelope(D("2025-01-10") + timedelta(days=k % 300)))
        return {}

    return Command("seed", {"i": i}, decide)


def generate(ledger: Ledger, events: int, per_party: int = 200, batch: int = 100) -> int:
    """About ``events`` events (4 per party plus its releases), saved in large batches; returns the count."""
    ctx = Context(actor="seed", reference="SEED")
    made, i, items = 0, 0, []
    while made < events:
        releases = max(0, min(per_party, events - made - 4))
        items.append((ctx, seeded_party(i, releases)))
        made += 4 + releases
        i += 1
        if len(items) >= batch:
            ledger.execute_batch(items)
            items = []
    if items:
        ledger.execute_batch(items)
    return made


class RawEvents:
    """Edits the stored events behind the application's back, as an intruder with database access would."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        module = type(ledger.recorder).__module__
        self.postgres = module.endswith("postgres")
        if self.postgres:
            ds = ledger.recorder.datastore
            self.table = f'"{ds.schema}"."{ledger.recorder.events_table_name}"'
            self.chain = f'"{ds.schema}".qdledger_chain'
            self.pos = "notification_id"
        else:
            self.table, self.chain, self.pos = ledger.recorder.events_table_name, "qdledger_chain", "rowid"

    def execute(self, sql: str, params: tuple = ()) -> list[Any]:
        if self.postgres:
            with self.ledger.recorder.datastore.get_connection() as conn, conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        conn = sqlite3.connect(self.ledger.env.get("SQLITE_DBNAME"))
        try:
            with conn:
                return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def state(self, position: int) -> bytes:
        row = self.execute(f"SELECT state FROM {self.table} WHERE {self.pos} = ?", (position,))[0]
        return bytes(row["state"] if isinstance(row, dict) else row[0])

    def set_state(self, position: int, state: bytes) -> None:
        self.execute(f"UPDATE {self.table} SET state = ? WHERE {self.pos} = ?", (state, position))

    def flip_byte(self, position: int, offset: int) -> None:
        state = bytearray(self.state(position))
        state[offset] ^= 0x01
        self.set_state(position, bytes(state))

    def delete(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.table} WHERE {self.pos} = ?", (position,))

    def swap(self, first: int, second: int) -> None:
        """Exchange the positions of two events: the same events, in another order."""
        self.execute(f"UPDATE {self.table} SET {self.pos} = ? WHERE {self.pos} = ?", (-1, first))
        self.execute(f"UPDATE {self.table} SET {self.pos} = ? WHERE {self.pos} = ?", (first, second))
        self.execute(f"UPDATE {self.table} SET {self.pos} = ? WHERE {self.pos} = ?", (second, -1))

    def drop_chain(self) -> None:
        self.execute(f"DELETE FROM {self.chain}")
