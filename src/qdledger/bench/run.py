"""Measure qdledger at Qingdao scale on SQLite and PostgreSQL; print a Markdown table and write it,
with the machine's facts, to docs/benchmarks.md (between the results markers).

Measurements whose command has not landed yet are slots: they say so in the table and measure
themselves as soon as the command exists (found in the installed CLI's command tree).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from qdledger.bench.generate import Scale, Stats, default_enterprises, generate
from qdledger.bench.part_equity import QUOTE_DAY
from qdledger.bench.workers import default_workers

QDLEDGER = str(Path(sys.executable).parent / "qdledger")
POSTGRES_URL = os.environ.get("QDLEDGER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
FAR_DATE = "2030-12-31"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    target: str = ""
    check: Callable[[str, float], bool | None] | None = None
    fmt: str = "{:,.0f}"


def _at_least(limit: float, backend: str | None = None) -> Callable[[str, float], bool | None]:
    return lambda b, v: (v >= limit) if backend in (None, b) else None


def _below(limit: float) -> Callable[[str, float], bool | None]:
    return lambda b, v: v < limit


MEASURES = [
    Measure("append", "bulk append through the application, events/s (wall, all writer processes)", "≥ 30,000 on SQLite",
            _at_least(30_000, "sqlite")),
    Measure("append_cpu", "bulk append, events per CPU-second (summed over the writer processes' batches)"),
    Measure("append_one", "bulk append by one process (a ledger of its own, `--slice` events): events/s (wall)"),
    Measure("append_one_cpu", "bulk append by one process: events per CPU-second of the process"),
    Measure("raw", "raw insert of the same rows in one transaction, rows/s (sqlite3 / psycopg executemany)"),
    Measure("ratio", "**ratio** bulk append (all writers, wall) ÷ raw insert", "≥ 15% SQLite, ≥ 50% PostgreSQL",
            lambda b, v: v >= (0.15 if b == "sqlite" else 0.50), "{:.1%}"),
    Measure("raw_copy", "raw COPY of the same rows, rows/s (PostgreSQL)"),
    Measure("cli_write_p50", "one CLI write (`grant release`), process start to exit: p50 ms", "< 300 ms", _below(300)),
    Measure("cli_write_p95", "one CLI write: p95 ms"),
    Measure("cli_write_cpu", "one CLI write: CPU ms per run, p50"),
    Measure("help_p50", "`qdledger --help` cold start: p50 ms", "< 200 ms", _below(200)),
    Measure("help_cpu", "`qdledger --help`: CPU ms per run, p50"),
    Measure("history_events", "events of the long-tail enterprise used for history"),
    Measure("history_replay", "history: replay that enterprise's aggregate, ms (median)", "< 30 ms", _below(30), "{:,.1f}"),
    Measure("history_read", "history: read and describe its events now, ms (median)", "< 30 ms", _below(30), "{:,.1f}"),
    Measure("history_inproc", "`qdledger history` of it as of a date, in process: ms (median)", "< 30 ms", _below(30),
            "{:,.1f}"),
    Measure("history_cli", "`qdledger history` of it, end to end: p50 ms"),
    Measure("show_big", "`grant show` on the long-tail enterprise, end to end: p50 ms"),
    Measure("show_typical", "`grant show` on a typical enterprise, end to end: p50 ms"),
    Measure("show_inproc", "`grant show` in process, long-tail enterprise: ms (median)", fmt="{:,.1f}"),
    Measure("select_log", "read the whole notification log, no decoding: events/s"),
    Measure("decode_log", "decode the whole notification log through the library's mapper: events/s"),
    Measure("rebuild", "read-model rebuild (`qdledger rebuild`, whole process): events/s", "≥ 80,000", _at_least(80_000)),
    Measure("rebuild_cpu", "read-model rebuild: events per CPU-second, summed over its processes"),
    Measure("verify", "`verify` (whole process): events/s", "≥ 150,000", _at_least(150_000)),
    Measure("verify_cpu", "`verify`: events per CPU-second of its processes (summed)"),
    Measure("verify_quick", "`verify --quick` (chain only): events per CPU-second of the process"),
    Measure("quote_exit", "`equity quote-exit`, end to end: p50 ms"),
    Measure("trial_balance", "trial balance over every posting: s", fmt="{:,.1f}"),
]


@dataclass
class Result:
    backend: str
    values: dict[str, float | str] = field(default_factory=dict)
    stats: Stats | None = None
    notes: bool = True  # each figure on stderr as it is measured (off with --quiet)

    def put(self, key: str, value: float | str) -> None:
        self.values[key] = value
        shown = value if isinstance(value, str) else _format(key, value)
        if self.notes:
            print(f"  [{self.backend}] {key}: {shown}", file=sys.stderr, flush=True)


def _format(key: str, value: float) -> str:
    measure = next(m for m in MEASURES if m.key == key)
    return measure.fmt.format(value)


# ---------------------------------------------------------------- timing helpers

def median_ms(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDLEDGER_")}
    env.update(QDLEDGER_LANG="en", QDLEDGER_ACTOR="bench")
    return env


def time_cli(args: list[str], runs: int) -> tuple[list[float], list[float], subprocess.CompletedProcess]:
    """Wall and CPU milliseconds of ``runs`` fresh ``qdledger`` processes, and the last outcome."""
    walls, cpus, done = [], [], None
    env = cli_env()
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([QDLEDGER, *args], capture_output=True, text=True, env=env)
        walls.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
        if done.returncode != 0:
            break
    return walls, cpus, done


def command_exists(*path: str) -> bool:
    """Whether the installed CLI has this command (e.g. ``"equity", "quote-exit"``)."""
    return find_command(lambda names: tuple(names[-len(path):]) == path) is not None


def find_command(match: Callable[[list[str]], bool]) -> list[str] | None:
    import typer.main

    from qdledger_cli.main import app

    def walk(command: Any, names: list[str]):
        yield names, command
        for name, sub in (getattr(command, "commands", None) or {}).items():  # a group (typer's own click)
            yield from walk(sub, names + [name])

    for names, _ in walk(typer.main.get_command(app), []):
        if names and match(names):
            return names
    return None


# ---------------------------------------------------------------- one backend

def measure_backend(backend: str, location: str, scale: Scale, runs: int, help_runs: int,
                    progress: bool, postgres_url: str = POSTGRES_URL, workdir: Path | None = None,
                    workers: int = 1, one: Scale | None = None) -> Result:
    from qdledger.ledger.storage import open_ledger

    result = Result(backend, notes=progress)
    if progress:
        print(f"\n== {backend}: generating about {scale.events:,} events for {scale.enterprises:,} enterprises "
              f"with {workers} writer process{'es' if workers > 1 else ''}", file=sys.stderr, flush=True)
    ledger = open_ledger(location)
    try:
        stats = generate(ledger, scale, progress=progress, workers=workers)
        result.stats = stats
        result.put("append", stats.events_per_second)
        result.put("append_cpu", stats.events / max(stats.cpu_in_batches, 1e-9))
        if stats.workers == 1:
            result.put("append_one", stats.events_per_second)
            result.put("append_one_cpu", stats.events / max(stats.cpu_in_batches, 1e-9))
        raw_insert(backend, ledger, result, location, postgres_url)
        in_process(ledger, result, stats)
        fixtures = cli_fixtures(ledger, stats)
    finally:
        ledger.close()
    if stats.workers > 1 and one is not None:
        one_process(backend, result, one, postgres_url, workdir or Path(tempfile.gettempdir()), progress)
    end_to_end(location, result, stats, fixtures, runs, help_runs)
    slots(location, result, stats, runs, workdir or Path(tempfile.gettempdir()))
    return result


def one_process(backend: str, result: Result, one: Scale, postgres_url: str, workdir: Path, progress: bool) -> None:
    """The same generator in one process, on a smaller ledger of its own: what one core does."""
    from qdledger.ledger.storage import open_ledger

    if progress:
        print(f"-- {backend}: about {one.events:,} events in one process", file=sys.stderr, flush=True)
    schema = new_schema(postgres_url) if backend == "postgres" else None
    location = f"{postgres_url}?schema={schema}" if schema else str(workdir / "one-process.db")
    try:
        ledger = open_ledger(location)
        try:
            stats = generate(ledger, one, progress=progress, workers=1)
        finally:
            ledger.close()
        result.put("append_one", stats.events_per_second)
        result.put("append_one_cpu", stats.events / max(stats.cpu_in_batches, 1e-9))
    finally:
        if schema:
            drop_schema(postgres_url, schema)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(location + suffix).unlink(missing_ok=True)


def raw_insert(backend: str, ledger: Any, result: Result, location: str, postgres_url: str) -> None:
    if backend == "sqlite":
        rate = raw_sqlite(location)
        result.put("raw", rate)
    else:
        rate, copy_rate = raw_postgres(ledger, postgres_url)
        result.put("raw", rate)
        result.put("raw_copy", copy_rate)
    result.put("ratio", result.values["append"] / rate)


def raw_sqlite(path: str) -> float:
    """sqlite3 executemany of every stored row into a fresh file with the same table, one transaction."""
    source = sqlite3.connect(path)
    ddl = [row[0] for row in source.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'stored_events' AND sql IS NOT NULL ORDER BY type DESC")]
    rows = source.execute("SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid").fetchall()
    source.close()
    target_path = path + ".raw"
    for suffix in ("", "-wal", "-shm"):
        Path(target_path + suffix).unlink(missing_ok=True)
    target = sqlite3.connect(target_path, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    for statement in ddl:
        target.execute(statement)
    started = time.perf_counter()
    target.execute("BEGIN")
    target.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    for suffix in ("", "-wal", "-shm"):
        Path(target_path + suffix).unlink(missing_ok=True)
    return len(rows) / seconds


def raw_postgres(ledger: Any, url: str) -> tuple[float, float]:
    """psycopg executemany, then COPY, of every stored row into fresh copies of the events table."""
    import psycopg
    from psycopg.sql import SQL, Identifier

    recorder = ledger.recorder
    schema, table = recorder.datastore.schema, recorder.events_table_name
    source = SQL("{}.{}").format(Identifier(schema), Identifier(table))
    columns = "originator_id, originator_version, topic, state"
    with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(SQL(f"SELECT {columns} FROM {{}} ORDER BY notification_id").format(source))
        rows = [(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])) for r in cursor.fetchall()]
    rates = []
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("raw_executemany", "raw_copy"):
            target = SQL("{}.{}").format(Identifier(schema), Identifier(name))
            conn.execute(SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(target, source))
            started = time.perf_counter()
            with conn.transaction(), conn.cursor() as cursor:
                if name == "raw_copy":
                    with cursor.copy(SQL(f"COPY {{}} ({columns}) FROM STDIN").format(target)) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(SQL(f"INSERT INTO {{}} ({columns}) VALUES (%s, %s, %s, %s)").format(target), rows)
            rates.append(len(rows) / (time.perf_counter() - started))
            conn.execute(SQL("DROP TABLE {}").format(target))
    return rates[0], rates[1]


def in_process(ledger: Any, result: Result, stats: Stats) -> None:
    from qdledger.audit.history import history
    from qdledger.grants.service import show_grant
    from qdledger.ledger import bulk
    from qdledger.ledger.application import describe
    from qdledger.ledger.handles import aggregate_id
    from qdledger.reports import trial_balance

    if stats.long_tail:
        party_id = aggregate_id("enterprise", stats.long_tail[0])
        party = ledger.repository.get(party_id, projector_func=bulk.project)
        result.put("history_events", party.version)
        result.put("history_replay", median_ms(lambda: ledger.repository.get(party_id, projector_func=bulk.project), 15))
        result.put("history_read", median_ms(lambda: [describe(e) for e in ledger.history_of(party_id)], 15))
        as_of = date.fromisoformat(FAR_DATE)
        result.put("history_inproc", median_ms(lambda: history(ledger, stats.long_tail[0], as_of), 15))
        grant = next(iter(party.grants))
        result.put("show_inproc", median_ms(lambda: show_grant(ledger, grant), 15))
    started = time.perf_counter()
    count = count_notifications(ledger)
    result.put("select_log", count / (time.perf_counter() - started))
    started = time.perf_counter()
    count = sum(1 for _ in ledger.all_events())
    result.put("decode_log", count / (time.perf_counter() - started))
    started = time.perf_counter()
    trial_balance(ledger)
    result.put("trial_balance", time.perf_counter() - started)


def count_notifications(ledger: Any, page: int = 2000) -> int:
    """Read every stored event in order, as a projection would, without decoding it."""
    count, position = 0, 1
    while True:
        rows = ledger.recorder.select_notifications(start=position, limit=page)
        count += len(rows)
        if len(rows) < page:
            return count
        position = rows[-1].id + 1


@dataclass
class Fixtures:
    """Ids the end-to-end measurements use: a grant to release on, grants to show."""

    release_grant: str | None = None
    big_grant: str | None = None
    typical_grant: str | None = None


def cli_fixtures(ledger: Any, stats: Stats) -> Fixtures:
    """A typical party's grant to show, the long-tail party's, and a fresh grant to release on."""
    from qdledger.bench.part_grants import grant_programs
    from qdledger.errors import LedgerError
    from qdledger.grants.rules import project_limit
    from qdledger.grants.service import award
    from qdledger.ledger.application import Context
    from qdledger.policy.model import ProjectCap, StagedCeilings

    fixtures = Fixtures()
    uow = ledger.read()
    if stats.long_tail:
        fixtures.big_grant = next(iter(uow.enterprise(stats.long_tail[0]).grants), None)
    programs = grant_programs()
    program = next((v for v in programs if not v.program.rule_of_kind(StagedCeilings)), programs[0]).program
    budget = 10_000_000 * 100  # a 1,000万元 project
    cap = program.rule_of_kind(ProjectCap)
    amount = project_limit(cap[1], budget) if cap else budget
    for grant in stats.samples.get("grant", [])[::-1]:
        party = uow.owner_of("grant", grant)
        if party.key in stats.long_tail:
            continue
        fixtures.typical_grant = fixtures.typical_grant or grant
        grant_id = f"BENCH-{uuid.uuid4().hex[:8]}"
        try:
            ledger.execute(Context(actor="bench", reference="BENCH"),
                           award(grant_id=grant_id, enterprise=party.key, program=program.id,
                                 project_budget=budget, amount=amount, day=program.valid_from))
        except LedgerError:  # e.g. a party under an integrity ban: try another
            continue
        fixtures.release_grant = grant_id
        break
    return fixtures


def compile_bytecode() -> None:
    """Byte-compile qdledger's modules first, as installing a wheel does: started with
    ``PYTHONDONTWRITEBYTECODE``, every process would otherwise compile every module from source."""
    import compileall

    import qdledger
    import qdledger_cli

    for package in (qdledger, qdledger_cli):
        compileall.compile_dir(os.path.dirname(package.__file__), quiet=2)


def end_to_end(location: str, result: Result, stats: Stats, fixtures: Fixtures, runs: int, help_runs: int) -> None:
    compile_bytecode()
    base = ["--ledger", location]
    if fixtures.release_grant:
        walls, cpus, done = time_cli(base + ["grant", "release", fixtures.release_grant, "--amount", "0.01",
                                             "--date", FAR_DATE, "--json"], runs)
        if done.returncode == 0:
            result.put("cli_write_p50", percentile(walls, 0.5))
            result.put("cli_write_p95", percentile(walls, 0.95))
            result.put("cli_write_cpu", percentile(cpus, 0.5))
        else:
            result.put("cli_write_p50", f"failed (exit {done.returncode})")
    walls, cpus, _ = time_cli(["--help"], help_runs)
    result.put("help_p50", percentile(walls, 0.5))
    result.put("help_cpu", percentile(cpus, 0.5))
    for key, grant in (("show_big", fixtures.big_grant), ("show_typical", fixtures.typical_grant)):
        if grant:
            walls, _, done = time_cli(base + ["grant", "show", grant, "--json"], runs)
            result.put(key, percentile(walls, 0.5) if done.returncode == 0 else f"failed (exit {done.returncode})")


# ---------------------------------------------------------------- slots for commands landing later

def slots(location: str, result: Result, stats: Stats, runs: int, workdir: Path) -> None:
    base = ["--ledger", location]
    if not command_exists("history"):
        result.put("history_cli", "slot: `history` not yet present")
    elif stats.long_tail:
        key = stats.long_tail[0]
        for entity in (f"enterprise:{key}", key):
            walls, _, done = time_cli(base + ["history", entity, "--as-of", FAR_DATE, "--json"], max(10, runs // 3))
            if done.returncode == 0:
                result.put("history_cli", percentile(walls, 0.5))
                break
        else:
            result.put("history_cli", f"failed (exit {done.returncode})")
    rebuild = find_command(lambda names: names[-1] == "rebuild")
    if rebuild is None:
        result.put("rebuild", "slot: no `rebuild` command yet")
    else:
        views = str(workdir / f"{result.backend}.views.db")
        rates_of(result, ("rebuild", "rebuild_cpu"), base + rebuild + ["--views", views, "--json"], "applied")
    if not command_exists("verify"):
        result.put("verify", "slot: `verify` not yet present")
    else:
        rates_of(result, ("verify", "verify_cpu"), base + ["verify", "--json"], "events")
        rates_of(result, (None, "verify_quick"), base + ["verify", "--quick", "--json"], "events")
    positions = stats.samples.get("position", [])
    if not command_exists("equity", "quote-exit"):
        result.put("quote_exit", "slot: `equity quote-exit` not yet present")
    elif not positions:
        result.put("quote_exit", "slot: no positions generated yet (add the equity part)")
    else:
        walls, _, done = time_cli(base + ["equity", "quote-exit", positions[0], "--date", QUOTE_DAY.isoformat(),
                                          "--proceeds", "1000万", "--json"], max(10, runs // 3))
        result.put("quote_exit", percentile(walls, 0.5) if done.returncode == 0 else f"failed (exit {done.returncode})")


def rates_of(result: Result, keys: tuple[str | None, str], args: list[str], counted: str) -> None:
    """Events per wall-clock second and per CPU-second of one whole ``qdledger`` process (start-up
    included), counting the events the command reports it read."""
    walls, cpus, done = time_cli(args, 1)
    wall_key, cpu_key = keys
    if done.returncode != 0:
        result.put(wall_key or cpu_key, f"failed (exit {done.returncode})")
        return
    events = json.loads(done.stdout)[counted]
    if wall_key:
        result.put(wall_key, events / (walls[0] / 1000))
    result.put(cpu_key, events / (cpus[0] / 1000))


# ---------------------------------------------------------------- the report

def machine_facts(postgres_version: str | None) -> list[tuple[str, str]]:
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((line.split(":", 1)[1].strip() for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), "unknown")
    facts = [("CPU", f"{cpu}, {os.cpu_count()} cores"), ("memory", memory),
             ("OS", f"{platform.system()} {platform.release()}"),
             ("Python", platform.python_version()), ("SQLite", sqlite3.sqlite_version),
             ("eventsourcing", version("eventsourcing")), ("orjson", _version_or("orjson")),
             ("psycopg", _version_or("psycopg"))]
    if postgres_version:
        facts.append(("PostgreSQL", postgres_version))
    return facts


def _version_or(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def render(results: list[Result], scale: Scale, facts: list[tuple[str, str]], loads: tuple[str, str],
           seconds: float, one: Scale | None = None) -> str:
    backends = [r.backend for r in results]
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    lines = [f"Run on {date.today().isoformat()} in {seconds / 60:.1f} min: about {scale.events:,} events for "
             f"{scale.enterprises:,} enterprises (seed {scale.seed}, {scale.batch:,} commands per batch).", ""]
    for result in results:
        stats = result.stats
        if stats:
            lines.append(f"- {names.get(result.backend, result.backend)}: {stats.events:,} events from "
                         f"{stats.commands:,} commands in {stats.batches:,} batches by {stats.workers} writer "
                         f"process{'es' if stats.workers > 1 else ''} ({stats.retries} batches decided again); "
                         f"long-tail enterprises {', '.join(stats.long_tail) or 'none'}.")
    if one and any(r.stats and r.stats.workers > 1 for r in results):
        lines.append(f"- one process: a ledger of its own, about {one.events:,} events for {one.enterprises:,} "
                     f"enterprises, same seed and batch size.")
    lines += ["", "| measurement | " + " | ".join(names.get(b, b) for b in backends) + " | target | met |",
              "|---|" + "---:|" * len(backends) + "---|---|"]
    for measure in MEASURES:
        cells, verdicts = [], []
        for result in results:
            value = result.values.get(measure.key)
            if value is None:
                cells.append("—")
            elif isinstance(value, str):
                cells.append(value)
            else:
                cells.append(measure.fmt.format(value))
                verdict = measure.check(result.backend, value) if measure.check else None
                if verdict is not None:
                    verdicts.append(f"{'yes' if verdict else '**no**'} ({names.get(result.backend, result.backend)})"
                                    if len(results) > 1 else ("yes" if verdict else "**no**"))
        lines.append(f"| {measure.label} | " + " | ".join(cells) + f" | {measure.target} | {', '.join(verdicts)} |")
    lines += ["", "Machine:", ""] + [f"- {name}: {value}" for name, value in facts]
    lines += [f"- load average (1, 5, 15 min) at start: {loads[0]}; at end: {loads[1]}", ""]
    return "\n".join(lines)


def write_doc(path: Path, table: str) -> None:
    block = f"{BEGIN}\n{table}\n{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            path.write_text(head + block + rest.split(END, 1)[1], encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Benchmarks\n\nProduced by `benchmarks/run`.\n\n" + block + "\n", encoding="utf-8")


def _loadavg() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ---------------------------------------------------------------- PostgreSQL

def postgres_version(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return None


def new_schema(url: str) -> str:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="about how many events to generate (default 1,000,000)")
    parser.add_argument("--enterprises", type=int, default=None, help="parties (default events / 100, at most 10,000)")
    parser.add_argument("--seed", type=int, default=Scale.seed)
    parser.add_argument("--batch", type=int, default=Scale.batch, help="commands per batch")
    parser.add_argument("--backends", default=None, help="sqlite,postgres (default: sqlite, and postgres when it answers)")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="PostgreSQL URL; a fresh schema is made in it")
    parser.add_argument("--runs", type=int, default=30, help="processes per end-to-end measurement (default 30)")
    parser.add_argument("--help-runs", type=int, default=30, help="processes for --help (default 30)")
    parser.add_argument("--out", default="docs/benchmarks.md", help="Markdown file to write ('-' for none)")
    parser.add_argument("--workers", type=int, default=None,
                        help="writer processes for the bulk append (default: the CPUs, at most 4)")
    parser.add_argument("--slice", type=int, default=100_000,
                        help="events the one-process bulk append generates, in a ledger of its own (default 100,000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated ledgers")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or running figures on stderr")
    args = parser.parse_args(argv)

    scale = Scale(events=args.events, enterprises=args.enterprises or default_enterprises(args.events),
                  seed=args.seed, batch=args.batch)
    workers = max(1, args.workers or default_workers())
    events = min(args.slice, args.events)
    one = Scale(events=events, enterprises=default_enterprises(events), seed=args.seed, batch=args.batch)
    pg_version = postgres_version(args.postgres)
    backends = (args.backends or ("sqlite,postgres" if pg_version else "sqlite")).split(",")
    if "postgres" in backends and not pg_version:
        print(f"PostgreSQL does not answer at {args.postgres}", file=sys.stderr)
        return 2
    started, load_start = time.perf_counter(), _loadavg()
    workdir = Path(tempfile.mkdtemp(prefix="qdledger-bench-"))
    results = []
    try:
        for backend in backends:
            schema = None
            if backend == "postgres":
                schema = new_schema(args.postgres)
                location = f"{args.postgres}?schema={schema}"
            else:
                location = str(workdir / "ledger.db")
            try:
                results.append(measure_backend(backend, location, scale, args.runs, args.help_runs, not args.quiet,
                                               args.postgres, workdir, workers, one))
            finally:
                if schema and not args.keep:
                    drop_schema(args.postgres, schema)
    finally:
        if args.keep:
            print(f"ledgers kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    table = render(results, scale, machine_facts(pg_version if "postgres" in backends else None),
                   (load_start, _loadavg()), time.perf_counter() - started, one)
    print(table)
    if args.out != "-":
        write_doc(Path(args.out), table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
