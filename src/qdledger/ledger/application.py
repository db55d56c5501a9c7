"""The qdledger application: load, decide, save — atomically, retried on concurrent change."""

from __future__ import annotations

import gc
import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (EventStore, IntegrityError, JSONTranscoder, Mapper, OperationalError,
                                        ProgrammingError, Transcoder, Transcoding)

from qdledger.errors import AlreadyExists, BadInput, ConcurrencyGaveUp, LedgerError, RuleViolation, UnknownId
from qdledger.i18n import Text
from qdledger.ledger import bulk
from qdledger.ledger.enterprise import Enterprise
from qdledger.ledger.events import LedgerEvent
from qdledger.ledger.handles import Handle, aggregate_id, check_key
from qdledger.ledger.mapper import FastEventStore, FastMapper
from qdledger.ledger.transcoder import FastJSONTranscoder
from qdledger.money import yuan

MAX_ATTEMPTS = 8
BACKOFF_FIRST, BACKOFF_MAX = 0.005, 0.25  # seconds: random wait before attempt n ≤ min(MAX, FIRST × 2ⁿ)
PAGE = 2000


def backoff(attempt: int) -> None:
    """Wait a random, growing, bounded time so racing writers stop colliding in step."""
    time.sleep(random.uniform(0, min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** attempt)))


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Context:
    """Who records a command, under which voucher, and its idempotency key if any."""

    actor: str
    reference: str = ""
    idempotency_key: str | None = None
    dry_run: bool = False

    def envelope(self, day: date) -> dict[str, Any]:
        return {"business_date": day, "actor": self.actor, "reference": self.reference}


NOUNS = {"enterprise": Text("企业", "enterprise"), "grant": Text("项目资助", "grant"),
         "case": Text("诚信案件", "integrity case"), "position": Text("股权投资", "equity position"),
         "loan": Text("贷款", "loan"), "uscc": Text("统一社会信用代码", "credit code"),
         "guarantee": Text("增信协议", "credit-enhancement agreement"), "insurance": Text("保单", "insurance policy"),
         "claim": Text("补贴核定", "subsidy claim")}


def _noun(kind: str) -> Text:
    return NOUNS.get(kind, Text(kind, kind))


@dataclass
class UnitOfWork:
    """The aggregates one command reads and changes; saved together or not at all."""

    ledger: Ledger
    touched: dict[Any, Aggregate] = field(default_factory=dict)
    absent: set[Any] = field(default_factory=set)

    def enterprise(self, key: str) -> Enterprise:
        party = self._get(aggregate_id("enterprise", key))
        if party is None:
            noun = _noun("enterprise")
            raise UnknownId(Text(f"未找到{noun.zh}：{key}", f"unknown {noun.en}: {key}"), id=key)
        return party

    def owner_of(self, kind: str, key: str) -> Enterprise:
        """The party that owns ``grant:G1`` (or a case, position, loan …)."""
        handle = self._get(aggregate_id(kind, key))
        if handle is None:
            noun = _noun(kind)
            raise UnknownId(Text(f"未找到{noun.zh}：{key}", f"unknown {noun.en}: {key}"), id=key)
        return self.enterprise(handle.owner)

    def claim(self, kind: str, key: str, owner: str, data: dict[str, Any] | None = None) -> Handle:
        """Take a new id; refuse one that is malformed or taken."""
        check_key(key)
        if self._get(aggregate_id(kind, key)) is not None:
            noun = _noun(kind)
            raise AlreadyExists(Text(f"{noun.zh} {key} 已存在", f"{noun.en} {key} already exists"), id=key)
        return self.add(Handle.claim(kind, key, owner, data))

    def add(self, aggregate: Aggregate) -> Any:
        self.touched[aggregate.id] = aggregate
        return aggregate

    def get(self, kind: str, key: str) -> Any | None:
        """Any aggregate by its kind and key, or None."""
        return self._get(aggregate_id(kind, key))

    def _get(self, aggregate_id_: Any) -> Any | None:
        if aggregate_id_ in self.touched:
            return self.touched[aggregate_id_]
        if aggregate_id_ in self.absent:
            return None
        aggregate = self.ledger.load_many([aggregate_id_]).get(aggregate_id_)
        if aggregate is None:
            self.absent.add(aggregate_id_)
            return None
        self.touched[aggregate_id_] = aggregate
        return aggregate

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        """Read ahead, in a few queries, the aggregates that commands will look up by (kind, key),
        and the parties owning the ids among them; ids found nowhere are remembered as absent."""
        wanted = {aggregate_id(kind, key) for kind, key in keys}
        handles = self._load(wanted)
        owners = {aggregate_id("enterprise", h.owner) for h in handles if isinstance(h, Handle) and h.kind != "idempotency"}
        self._load(owners)

    def _load(self, ids: set[Any]) -> list[Any]:
        ids = ids - self.touched.keys() - self.absent
        found = self.ledger.load_many(ids)
        self.touched.update(found)
        self.absent.update(ids - found.keys())
        return list(found.values())

    def pending(self) -> list[Any]:
        return [e for agg in self.touched.values() for e in agg.pending_events]


@dataclass(frozen=True)
class Command:
    """A write the ledger can decide: its name, its arguments, and how to decide it.

    ``decide`` returns the result, or a function that builds it: a view can cost as much as the
    decision itself, and a batch whose results nobody reads (bulk generation) skips it.
    """

    name: str
    args: dict[str, Any]
    decide: Callable[[UnitOfWork, Context], dict[str, Any] | Callable[[], dict[str, Any]]]
    reads: tuple[tuple[str, str], ...] = ()
    """(kind, key) of what ``decide`` looks up, so a batch can read them all in a few queries."""

    def fingerprint(self) -> str:
        """Same name and arguments, same fingerprint: how a repeated idempotency key is recognised."""
        canonical = json.dumps({"command": self.name, "args": self.args}, sort_keys=True, default=str,
                               ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class BatchRefused(LedgerError):
    """One or more commands of a batch were refused; nothing of the batch was written."""

    code = "batch_refused"

    def __init__(self, problems: list[tuple[int, LedgerError]]) -> None:
        self.problems = problems
        self.exit_code = 1 if any(isinstance(e, RuleViolation) for _, e in problems) else 2
        super().__init__(Text(f"{len(problems)} 条命令未通过，整批未写入", f"{len(problems)} command(s) refused; nothing of the batch was written"),
                         problems=[{"index": i, **e.as_dict()} for i, e in problems])


class Ledger(Application):
    """The event-sourced ledger; storage comes from the environment given at construction."""

    name = "qdledger"
    access: Any = None
    """Who may run which command (qdledger.access.Access); None lets everyone do everything."""
    retries = 0
    """Attempts repeated because another writer changed the same records first (this process)."""

    def __init__(self, env: Any = None) -> None:
        import qdledger.capabilities  # noqa: F401  (every capability's checks and figures, wired once)

        super().__init__(env)
        self.followers: list[Callable[[Ledger], None]] = []  # called after every save (read models)

    def _notify(self, recordings: list[Any]) -> None:
        """After every save: extend the tamper-evident chain, then let followers catch up."""
        from qdledger.audit.chain import seal_after_save

        seal_after_save(self, recordings)
        for follow in self.followers:
            follow(self)

    def construct_mapper(self) -> Mapper:
        mapper_class = None if self.env.get(self.factory.MAPPER_TOPIC) else FastMapper
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=mapper_class)

    def construct_event_store(self) -> EventStore:
        return FastEventStore(mapper=self.mapper, recorder=self.recorder)

    def construct_transcoder(self) -> Transcoder:
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """As Application.save, but aggregates are collected without the runtime Protocol check
        that costs tens of microseconds per object on Python 3.11 (most of a bulk save)."""
        processing_event: ProcessingEvent = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)
        return recordings

    def execute(self, ctx: Context, command: Command) -> dict[str, Any]:
        """Run one write command: decide against fresh state, save atomically, retry on conflict."""
        try:
            return self.execute_batch([(ctx, command)])[0]
        except BatchRefused as refused:
            raise refused.problems[0][1] from None

    def execute_batch(self, items: list[tuple[Context, Command]],
                      progress: Callable[[int], None] | None = None, *, results: bool = True) -> list[dict[str, Any]]:
        """Decide every command in order against one unit of work, then save all or nothing.

        A command whose idempotency key was used before is not decided again: its first result is
        returned. If any command is refused, every problem is collected and nothing is saved.
        ``results=False``: the caller reads no result, so views left to be built are not built (None).
        """
        with _no_cycle_collection():
            return self._execute_batch(items, progress, results)

    def _execute_batch(self, items: list[tuple[Context, Command]],
                       progress: Callable[[int], None] | None, wanted: bool = True) -> list[dict[str, Any]]:
        reads = [read for _, command in items for read in command.reads]
        reads += [("idempotency", ctx.idempotency_key) for ctx, _ in items if ctx.idempotency_key]
        waited_for = "conflict"
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.retries += 1
                backoff(attempt)
            uow = UnitOfWork(self)
            uow.preload(reads)
            results, problems = self._decide_all(uow, items, progress, wanted)
            if problems:
                raise BatchRefused(problems)
            if any(ctx.dry_run for ctx, _ in items):  # a dry run anywhere in a batch writes nothing
                events = uow.pending()
                pending, rules = [describe(e) for e in events], rules_applied(events)
                return [{**r, "dry_run": True, "would_record": pending, "rules_applied": rules} for r in results]
            try:
                self.save(*uow.touched.values())
            except IntegrityError:  # another writer took the same aggregate version or id first
                waited_for = "conflict"
                continue
            except OperationalError:  # SQLite "database is locked", a PostgreSQL lock timeout
                waited_for = "lock"
                continue
            except ProgrammingError as error:
                if "permission denied" in str(error).lower():
                    raise _write_refused(error) from None
                raise
            return results
        raise ConcurrencyGaveUp(Text(
            f"其他操作员同时修改了相同记录（或数据库锁等待超时），已重试 {MAX_ATTEMPTS} 次仍未成功；未写入任何内容，请稍后重试",
            f"other writers kept changing the same records (or the database lock was not granted in time); "
            f"gave up after {MAX_ATTEMPTS} attempts, nothing written — try again"),
            attempts=MAX_ATTEMPTS, reason=waited_for)

    def _decide_all(self, uow: UnitOfWork, items: list[tuple[Context, Command]],
                    progress: Callable[[int], None] | None,
                    wanted: bool = True) -> tuple[list[Any], list[tuple[int, LedgerError]]]:
        results: list[Any] = []
        problems: list[tuple[int, LedgerError]] = []
        for index, (ctx, command) in enumerate(items):
            try:
                results.append(self._decide_one(uow, ctx, command, wanted))
            except LedgerError as error:
                problems.append((index, error))
                results.append(None)
            if progress:
                progress(index + 1)
        return results, problems

    def _decide_one(self, uow: UnitOfWork, ctx: Context, command: Command, wanted: bool = True) -> dict[str, Any]:
        if self.access is not None:
            self.access.check(ctx.actor, command.name)
        key = ctx.idempotency_key
        fingerprint = command.fingerprint() if key else ""
        if key:
            earlier = uow.get("idempotency", key)
            if earlier is not None:
                if earlier.data["fingerprint"] != fingerprint:
                    raise BadInput(Text(f"幂等键 {key} 已用于另一条命令", f"idempotency key {key} was used for a different command"),
                                   field="idempotency_key")
                return {**earlier.data["result"], "replayed": True}
        result = command.decide(uow, ctx)
        if callable(result):  # built now, against the state just decided, or not at all
            result = result() if wanted or key or ctx.dry_run else None
        if key and not ctx.dry_run:
            uow.add(Handle.claim("idempotency", key, ctx.actor, {"fingerprint": fingerprint, "result": result}))
        return result

    def read(self) -> UnitOfWork:
        """A read-only view for queries."""
        return UnitOfWork(self)

    def all_events(self, start: int = 1, stop: int | None = None) -> Iterator[tuple[int, Any]]:
        """Every stored event in global order, with its notification position."""
        position = start
        while True:
            page = self.recorder.select_notifications(start=position, limit=PAGE, stop=stop)
            for notification in page:
                yield notification.id, self.mapper.to_domain_event(notification)
            if len(page) < PAGE:
                return
            position = page[-1].id + 1

    def history_of(self, aggregate_id_: Any) -> list[Any]:
        return list(self.events.get(aggregate_id_))

    def load_many(self, ids: Iterable[Any]) -> dict[Any, Aggregate]:
        """The current state of each existing aggregate among ``ids``, read in a few queries."""
        ids = list(ids)
        if not ids:
            return {}
        stored = bulk.select_many(self.recorder, ids) if self.snapshots is None else None
        if stored is None:
            return {i: a for i in ids if (a := self._get_or_none(i)) is not None}
        to_event = self.mapper.to_domain_event
        return {i: bulk.project(None, [to_event(s) for s in events]) for i, events in stored.items()}

    def _get_or_none(self, aggregate_id_: Any) -> Aggregate | None:
        try:
            return self.repository.get(aggregate_id_, projector_func=bulk.project)
        except AggregateNotFoundError:
            return None


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is decided and saved: a batch makes
    hundreds of thousands of short-lived objects (events, states, views) and no reference cycles
    worth collecting, and the collector passes over all of them again and again (a quarter or
    more of a bulk append's time). Whatever cycles there are get collected after the batch."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _write_refused(error: ProgrammingError) -> LedgerError:
    """The database itself refused the write: a read-only login (auditor) or a missing grant."""
    from qdledger.errors import NotPermitted

    return NotPermitted(Text("数据库拒绝写入：当前数据库账号只有只读权限；未写入任何内容",
                             "the database refused the write: this database login is read-only; nothing was written"),
                        reason=str(error).splitlines()[0])


def describe(event: Any) -> dict[str, Any]:
    """A plain description of one event, for dry runs and history."""
    body: dict[str, Any] = {"type": type(event).__name__}
    if isinstance(event, LedgerEvent):
        body.update(business_date=event.business_date.isoformat(), actor=event.actor,
                    reference=event.reference, recorded_at=event.timestamp.isoformat())
        money = set(getattr(event, "money_fields", ()))
        body.update({k: yuan(v) if k in money else _plain(v) for k, v in event.payload().items()})
        body["postings"] = [[account, yuan(amount)] for account, amount in event.postings()]
    return body


def rules_applied(events: list[Any]) -> list[dict[str, str | None]]:
    """The policy rules the events of a decision name, each once, with its citation."""
    from qdledger.audit.history import rules_of

    found: dict[str, str | None] = {}
    for event in events:
        if not isinstance(event, LedgerEvent):
            continue
        payload = event.payload()
        for rule in rules_of(payload):
            found.setdefault(rule, _citation(rule, payload, event.business_date))
    return [{"rule": rule, "citation": citation} for rule, citation in found.items()]


def _citation(rule: str, payload: dict[str, Any], day: date) -> str | None:
    """A rule's citation: the one the event carries beside it, else the policy in force on its date."""
    for key, value in payload.items():
        if value == rule and key.endswith("rule"):
            cited = payload.get(key[:-len("rule")] + "citation")
            if cited:
                return cited
    from qdledger.policy.loader import policy_book

    program, _, key = rule.partition(".")
    try:
        found = policy_book().in_force(program, day).program.rule(key)
    except LedgerError:
        return None
    return found.citation.short() if found is not None and getattr(found, "citation", None) else None


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
