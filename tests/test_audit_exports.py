"""Exports re-read in every format with totals equal to `enterprise show`; the auditor bundle verified offline."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from auditkit import small_history
from qdledger.audit.bundle import export_bundle, verify_bundle
from qdledger.audit.chain import current_digest
from qdledger.audit.exports import ledger_tables, statement, statement_tables, write
from qdledger.enterprises import show_enterprise
from qdledger.grants.service import show_grant

FIGURES = ("awarded", "disbursed", "recovered", "receivable")


def _read(fmt, path):
    """Tables back from a written export, money as yuan strings with two decimals."""
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "csv":
        return {p.stem: list(csv.DictReader(p.open(encoding="utf-8-sig"))) for p in path.glob("*.csv")}
    book = load_workbook(path, read_only=True)
    tables = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        tables[sheet.title] = [dict(zip(rows[0], (_text(v) for v in r))) for r in rows[1:]]
    return tables


def _text(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{Decimal(str(value)):.2f}"  # money cells are numbers in a spreadsheet
    return "" if value is None else value


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_statement_reads_back_with_the_totals_of_enterprise_show(ledger, tmp_path, fmt):
    small_history(ledger)
    out = tmp_path / ("E001" if fmt == "csv" else f"E001.{fmt}")
    write(statement_tables(statement(ledger, "E001")), fmt, out)
    tables = _read(fmt, out)
    shown = show_enterprise(ledger, "E001")
    totals = {row["figure"]: row["amount"] for row in tables["totals"]}
    assert {f: totals[f] for f in FIGURES} == {f: shown[f] for f in FIGURES}
    assert {f: tables["lines"][-1][f] for f in FIGURES} == {f: shown[f] for f in FIGURES}
    assert [line["type"] for line in tables["lines"]] == [
        "Registered", "GrantAwarded", "TrancheReleased", "MilestoneRecorded", "TrancheReleased"]
    assert tables["enterprise"][0]["name"] == "青岛海研智能装备有限公司"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_whole_ledger_reads_back_balanced_and_equal_to_the_views(ledger, tmp_path, fmt):
    small_history(ledger)
    out = tmp_path / ("ledger" if fmt == "csv" else f"ledger.{fmt}")
    write(ledger_tables(ledger), fmt, out)
    tables = _read(fmt, out)
    shown = show_enterprise(ledger, "E001")
    party = tables["enterprises"][0]
    assert {f: party[f] for f in FIGURES} == {f: shown[f] for f in FIGURES}
    grant = tables["grants"][0]
    assert (grant["awarded"], grant["disbursed"], grant["ceiling_now"]) == tuple(
        show_grant(ledger, "G1")[k] for k in ("awarded", "disbursed", "ceiling_now"))
    assert tables["trial_balance"][-1]["balance"] == "0.00"
    assert sum(Decimal(p["amount"]) for p in tables["postings"]) == 0
    assert len(tables["events"]) == 5  # the party's five facts; id handles are not ledger facts
    totals = {row["figure"]: row["amount"] for row in tables["totals"]}
    assert totals["disbursed"] == "8000000.00"


def test_a_bundle_verifies_without_the_ledger_and_names_what_was_changed(ledger, tmp_path):
    small_history(ledger)
    kept = current_digest(ledger)
    folder = tmp_path / "bundle"
    made = export_bundle(ledger, folder)
    assert (made["position"], made["digest"]) == (kept.position, kept.digest)
    assert {"README.md", "events.jsonl", "chain.jsonl", "digest.json", "policies.json", "manifest.json"} <= set(made["files"])
    clean = verify_bundle(folder, (kept.position, kept.digest))
    assert clean["ok"] and clean["digest_matched"] and clean["events"] == made["events"]

    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    target = max(i for i, line in enumerate(lines) if "officer" in line)
    edited = lines[:]
    edited[target] = edited[target].replace("officer", "officeR")
    (folder / "events.jsonl").write_text("\n".join(edited) + "\n", encoding="utf-8")
    report = verify_bundle(folder)
    assert report["ok"] is False and report["first_bad_position"] == json.loads(lines[target])["position"]

    (folder / "events.jsonl").write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    assert verify_bundle(folder)["first_bad_position"] == json.loads(lines[1])["position"]

    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert verify_bundle(folder)["ok"]
    policy = next(p for p in (folder / "policies").glob("*.toml") if "1000万" in p.read_text(encoding="utf-8"))
    policy.write_text(policy.read_text(encoding="utf-8").replace("1000万", "2000万"), encoding="utf-8")
    changed = verify_bundle(folder)
    assert changed["ok"] is False and changed["problems"][0]["check"] == "manifest"


def test_a_zip_bundle_and_a_foreign_digest(ledger, tmp_path):
    small_history(ledger)
    made = export_bundle(ledger, tmp_path / "audit.zip")
    assert verify_bundle(tmp_path / "audit.zip")["ok"]
    foreign = verify_bundle(tmp_path / "audit.zip", (made["position"], "ab" * 32))
    assert foreign["ok"] is False and foreign["digest_matched"] is False


def test_cli_exports_and_offline_bundle_check(cli, tmp_path):
    cli.ok("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
           "--district", "崂山区", "--date", "2024-11-01")
    cli.ok("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
           "--amount", "1000万", "--date", "2024-12-20")
    cli.ok("grant", "release", "G1", "--amount", "400万", "--date", "2025-01-10")
    done = cli.ok("export", "statement", "E001", "--format", "xlsx", "--out", str(tmp_path / "E001.xlsx"))
    assert done["totals"]["disbursed"] == cli.ok("enterprise", "show", "E001")["disbursed"] == "4000000.00"
    cli.ok("export", "ledger", "--format", "csv", "--out", str(tmp_path / "ledger"))
    assert (tmp_path / "ledger" / "postings.csv").exists()
    kept = cli.ok("digest")
    made = cli.ok("export", "bundle", str(tmp_path / "bundle"))
    assert made["digest"] == kept["digest"]
    elsewhere = type(cli)(str(tmp_path / "nowhere" / "missing.db"))  # no ledger at all on this side
    checked = elsewhere.ok("verify", "--bundle", str(tmp_path / "bundle"), "--digest", f"{kept['position']}:{kept['digest']}")
    assert checked["ok"] is True and checked["digest_matched"] is True
    refused = elsewhere("verify", "--bundle", str(tmp_path / "bundle"), "--digest", "1:" + "00" * 32)
    assert refused.code == 1 and refused.json["ok"] is False


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_writing_an_export_reports_every_row_once(ledger, tmp_path, fmt, monkeypatch):
    from qdledger.audit import exports

    monkeypatch.setattr(exports, "XLSX_PROGRESS_EVERY", 2)  # several reports per sheet, and a remainder
    small_history(ledger)
    tables, reported = ledger_tables(ledger), []
    out = tmp_path / ("ledger" if fmt == "csv" else f"ledger.{fmt}")
    write(tables, fmt, out, reported.append)
    written = sum(len(rows) for rows in _read(fmt, out).values())
    assert sum(reported) == exports.rows_to_write(tables) == written > 2
