"""Batch import: CSV and XLSX, every problem by row, all-or-nothing, and re-imports that record nothing new."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from qdledger.grants.service import milestone_result
from qdledger.i18n import Text
from qdledger.imports.kinds import DATE, GRANT, ROW_KINDS
from qdledger.imports.rows import Column, RowKind, choice
from qdledger.imports.template import column_reference
from support import events

DOCS = Path(__file__).resolve().parents[1] / "docs"


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def seed_rows() -> list[list[str]]:
    return [["kind", "id", "name", "credit_code", "district", "date", "grant", "enterprise", "program", "project_budget", "amount"],
            ["enterprise", "E001", "青岛海研智能装备有限公司", "91370212MA3C5Y2K1H", "崂山区", "2024-11-01", "", "", "", "", ""],
            ["award", "", "", "", "", "2024-12-20", "G1", "E001", "sci_demo_project", "4500万", "1000万"]]


def releases(*amounts: str) -> list[list[str]]:
    return [["kind", "grant", "amount", "date"]] + [["release", "G1", a, "2025-01-10"] for a in amounts]


def test_the_template_imports_as_it_is_and_a_second_import_records_nothing(app_cli, tmp_path):
    path = tmp_path / "rows.csv"
    app_cli.ok("import-template", "all", "--out", str(path))
    first = app_cli.ok("import", str(path))
    assert (first["rows"], first["applied"], first["replayed"]) == (4, 4, 0)
    assert first["by_kind"] == {"enterprise": 1, "award": 1, "release": 1, "milestone": 1}
    before = events(app_cli)
    again = app_cli.ok("import", str(path))
    assert (again["applied"], again["replayed"]) == (0, 4)
    assert events(app_cli) == before
    grant = app_cli.ok("grant", "show", "G1")
    assert (grant["disbursed"], grant["ceiling_now"]) == ("4000000.00", "8000000.00")


def test_an_xlsx_workbook_with_typed_cells_imports_to_the_fen(app_cli, tmp_path):
    from openpyxl import Workbook

    template = tmp_path / "template.xlsx"
    app_cli.ok("import-template", "all", "--format", "xlsx", "--out", str(template))
    app_cli.ok("import", str(template))
    book = Workbook()
    book.active.append(["Kind", "Grant", "Amount", "Date", "Reference"])
    book.active.append(["release", "G1", 1234567.89, datetime(2026, 1, 5), "凭证-1"])
    book.active.append(["release", "G1", 100, datetime(2026, 1, 6), None])
    path = tmp_path / "releases.xlsx"
    book.save(path)
    assert app_cli.ok("import", str(path))["applied"] == 2
    assert app_cli.ok("grant", "show", "G1")["disbursed"] == "5234667.89"


def test_every_problem_is_reported_with_its_row_and_nothing_is_written(app_cli, tmp_path):
    app_cli.ok("import", str(write_csv(tmp_path / "seed.csv", seed_rows())))
    before = events(app_cli)
    path = write_csv(tmp_path / "bad.csv", [
        ["kind", "grant", "amount", "date", "colour"],
        ["release", "G1", "100万", "2025-01-10", ""],
        ["release", "G1", "-5", "2025-02-30", ""],
        ["release", "G404", "5", "2025-01-10", ""],
        ["refund", "G1", "5", "2025-01-10", ""],
        ["release", "G1", "900万", "2025-01-11", ""],
    ])
    refused = app_cli("import", str(path))
    assert refused.code == 2 and events(app_cli) == before
    problems = [(p["row"], p.get("column"), p["code"]) for p in refused.error["problems"]]
    assert problems == [(1, "colour", "bad_input"), (3, "amount", "bad_input"), (3, "date", "bad_input"),
                        (4, None, "unknown_id"), (5, "kind", "bad_input"), (6, None, "rule_violation")]
    human = app_cli("import", str(path), json_out=False)
    assert human.code == 2
    assert "row 3 [amount]: invalid amount '-5'" in human.stderr
    assert "row 6: [sci_demo_project.staging]" in human.stderr and "002_c7edba7bc4e1e1ff.txt:2227" in human.stderr


def test_a_file_whose_only_problems_are_rules_exits_1(app_cli, tmp_path):
    app_cli.ok("import", str(write_csv(tmp_path / "seed.csv", seed_rows())))
    refused = app_cli("import", str(write_csv(tmp_path / "r.csv", releases("300万", "200万"))))
    assert refused.code == 1
    assert [(p["row"], p["rule"], p["excess"]) for p in refused.error["problems"]] == [(3, "sci_demo_project.staging", "1000000.00")]


def test_rows_appended_to_an_imported_file_are_the_only_ones_recorded(app_cli, tmp_path):
    app_cli.ok("import", str(write_csv(tmp_path / "seed.csv", seed_rows())))
    path = tmp_path / "releases.csv"
    assert app_cli.ok("import", str(write_csv(path, releases("50万", "50万"))))["applied"] == 2  # identical rows: both paid
    result = app_cli.ok("import", str(write_csv(path, releases("50万", "50万", "50万", "10万"))))
    assert (result["applied"], result["replayed"]) == (2, 2)
    assert app_cli.ok("grant", "show", "G1")["disbursed"] == "1600000.00"


def test_an_explicit_key_reused_for_a_different_row_is_a_problem(app_cli, tmp_path):
    app_cli.ok("import", str(write_csv(tmp_path / "seed.csv", seed_rows())))
    path = write_csv(tmp_path / "k.csv", [["kind", "grant", "amount", "date", "idempotency_key"],
                                          ["release", "G1", "10万", "2025-01-10", "V-1"],
                                          ["release", "G1", "20万", "2025-01-10", "V-1"]])
    refused = app_cli("import", str(path))
    assert refused.code == 2 and refused.error["problems"][0]["row"] == 3
    assert refused.error["problems"][0]["field"] == "idempotency_key"


def test_a_dry_run_checks_every_row_and_writes_nothing(app_cli, tmp_path):
    path = write_csv(tmp_path / "seed.csv", seed_rows())
    result = app_cli.ok("import", str(path), "--dry-run")
    assert result["dry_run"] is True and result["applied"] == 2 and events(app_cli) == 0


def test_a_gb18030_csv_from_excel_is_read(app_cli, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", seed_rows(), encoding="gb18030")
    assert app_cli.ok("import", str(path))["applied"] == 2
    assert app_cli.ok("enterprise", "show", "E001")["name"] == "青岛海研智能装备有限公司"


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"grant,amount\nG1,5\n", "the kind column (each row's kind) is missing"),
    (b"PK\x03\x04garbage", "not a readable XLSX workbook"),
    (b"kind,grant,amount,date\nrelease,G1,5,2025-01-10,surplus\n", "a value in a column without a name"),
    (b"kind,grant,,amount,date\nrelease,G1,x,5,2025-01-10\n", "a value in a column without a name"),
    (b"\xff\xfe\x00k\x00i\x80\x81", "cannot be decoded"),
])
def test_broken_files_are_bad_input(app_cli, tmp_path, content, message):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    refused = app_cli("import", str(path))
    assert refused.code == 2
    assert message in refused.error["message"] + "".join(p["message"] for p in refused.error.get("problems", []))


def test_empty_unnamed_columns_from_a_spreadsheet_are_ignored(app_cli, tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_bytes("kind,id,name,credit_code,district,date,,\nenterprise,E001,青岛海研智能装备有限公司,91370212MA3C5Y2K1H,崂山区,2024-11-01,,\n".encode())
    assert app_cli.ok("import", str(path))["applied"] == 1


def test_a_missing_file_is_bad_input(app_cli, tmp_path):
    refused = app_cli("import", str(tmp_path / "nowhere.csv"))
    assert refused.code == 2 and "file not found" in refused.error["message"]


def test_a_new_row_kind_plugs_in_with_one_entry(app_cli, tmp_path, monkeypatch):
    acceptance = RowKind("acceptance", Text("验收", "acceptance"),
                         (GRANT, Column("result", Text("结果", "result"), choice("passed", "failed")), DATE),
                         lambda grant_id, result, day: milestone_result(grant_id=grant_id, milestone="acceptance",
                                                                        result=result, day=day))
    monkeypatch.setitem(ROW_KINDS, "acceptance", acceptance)
    app_cli.ok("import", str(write_csv(tmp_path / "seed.csv", seed_rows())))
    path = write_csv(tmp_path / "a.csv", [["kind", "grant", "result", "date"], ["acceptance", "G1", "passed", "2026-06-30"]])
    assert app_cli.ok("import", str(path))["by_kind"] == {"acceptance": 1}
    assert app_cli.ok("grant", "show", "G1")["stage"] == "acceptance"
    assert "acceptance" in app_cli.ok("import-template", "acceptance")["csv"]


def test_the_template_command_describes_columns_and_refuses_unknown_kinds(app_cli):
    described = app_cli.ok("import-template", "release")
    assert [c["name"] for c in described["kinds"][0]["columns"]] == ["grant", "amount", "date"]
    assert described["csv"].splitlines()[0] == "kind,grant,amount,date,reference,idempotency_key"
    assert app_cli("import-template", "refund").code == 2


def test_operations_guide_documents_the_current_column_format():
    assert column_reference() in (DOCS / "operations.md").read_text(encoding="utf-8")


def test_import_end_to_end_through_the_installed_command(cli, tmp_path):
    path = tmp_path / "rows.csv"
    cli.ok("import-template", "all", "--out", str(path))
    assert cli.ok("import", str(path))["applied"] == 4
    human = cli("import", str(path), json_out=False)
    assert human.code == 0
    assert human.stdout.strip() == ("Imported 4 rows of rows.csv (enterprise 1, award 1, release 1, milestone 1): "
                                    "0 recorded, 4 were recorded before")
