"""Policies are data: the shipped files load, and a malformed file is refused naming file, field and problem."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from qdledger.errors import RuleViolation, UnknownId
from qdledger.policy.catalogue import list_programs, show_program
from qdledger.policy.loader import PolicyFileError, load_book, load_model, policies_dir, policy_book
from qdledger.policy.model import ProjectCap, ReleaseFreely, StagedCeilings
from qdledger.reference.lpr import LprTable, shipped_fixings

SRC = Path(__file__).resolve().parents[1] / "src" / "qdledger"

GOOD = '''
id = "trial_program"
name_zh = "试验项目"
name_en = "Trial program"
kind = "staged_grant"
valid_from = 2024-09-14
valid_to = 2027-09-13

[citation]
document = "青岛市科技示范工程管理实施细则"
article = "第十三条"
seed = "002_c7edba7bc4e1e1ff.txt:2225"

[rules.project_cap]
kind = "project_cap"
ratio = "1/3"
cap = "1000万"
citation = { document = "青岛市科技示范工程管理实施细则", article = "第十三条", seed = "002_c7edba7bc4e1e1ff.txt:2225" }

[rules.staging]
kind = "staged_ceilings"
stages = [
    { after = "award", cumulative = "40%" },
    { after = "midterm", cumulative = "80%" },
    { after = "acceptance", cumulative = "100%" },
]
citation = { document = "青岛市科技示范工程管理实施细则", article = "第十四条", seed = "002_c7edba7bc4e1e1ff.txt:2227" }
'''


def write(root: Path, name: str, text: str) -> Path:
    (root / "programs").mkdir(parents=True, exist_ok=True)
    path = root / "programs" / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(root: Path) -> PolicyFileError:
    with pytest.raises(PolicyFileError) as refused:
        load_book(root)
    return refused.value


# --- the shipped files --------------------------------------------------------------------------

def test_the_shipped_programs_load_with_their_numbers_and_citations():
    book = load_book(policies_dir())
    assert {"sci_demo_project", "key_tech_project"} <= set(book.ids())
    demo = book.latest("sci_demo_project").program
    _, cap = demo.rule_of_kind(ProjectCap)
    assert (cap.ratio, cap.cap) == (Fraction(1, 3), 1000 * 10_000 * 100)
    _, staging = demo.rule_of_kind(StagedCeilings)
    assert [(s.after, s.cumulative) for s in staging.stages] == [
        ("award", Fraction(2, 5)), ("midterm", Fraction(4, 5)), ("acceptance", Fraction(1))]
    assert staging.citation.article == "第十四条" and staging.citation.seed == "002_c7edba7bc4e1e1ff.txt:2227"
    key_tech = book.latest("key_tech_project").program
    _, cap = key_tech.rule_of_kind(ProjectCap)
    assert (cap.ratio, cap.cap) == (Fraction(1, 2), 500 * 10_000 * 100)
    assert key_tech.rule_of_kind(ReleaseFreely) is not None


def test_every_shipped_rule_carries_a_full_citation():
    for version in policy_book().all_latest():
        for rule in [version.program, *version.program.rules.values()]:
            citation = rule.citation
            assert citation.document and citation.article
            assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt:\d+(-\d+)?", citation.seed)


def test_policy_list_names_both_programs_with_citations_and_windows():
    listed = {p["id"]: p for p in list_programs()["policies"]}
    assert listed["sci_demo_project"]["citation"].startswith("《青岛市科技示范工程管理实施细则》")
    assert listed["key_tech_project"]["citation"].startswith("《青岛市关键技术攻关项目管理实施细则》")
    assert listed["sci_demo_project"]["valid_from"] == "2024-09-14"
    assert listed["sci_demo_project"]["valid_to"] == "2027-09-13"


def test_policy_show_prints_rules_as_the_documents_write_them():
    shown = show_program("sci_demo_project")
    rules = {r["id"]: r for r in shown["rules"]}
    assert rules["sci_demo_project.project_cap"]["parameters"] == {"ratio": "1/3", "cap": "10000000.00"}
    stages = rules["sci_demo_project.staging"]["parameters"]["stages"]
    assert [s["cumulative"] for s in stages] == ["40%", "80%", "100%"]


def test_unknown_programs_are_unknown_ids():
    with pytest.raises(UnknownId):
        show_program("no_such_program")


def test_the_shipped_lpr_table_loads():
    fixings, known_through = shipped_fixings()
    assert fixings[0].month == "2019-08" and fixings[0].one_year == Fraction(425, 10000)
    assert known_through >= fixings[-1].month


def test_no_cap_rate_or_percentage_is_written_in_the_grant_code():
    literal = re.compile(r"\d+\s*(%|万|亿)|\b0\.\d+\b|Fraction\(\d+, *\d+\)")
    for path in [*(SRC / "grants").glob("*.py"), SRC / "policy" / "model.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not literal.search(line), f"{path.name}:{number} holds a number that belongs in policies/: {line.strip()}"


# --- validity windows -----------------------------------------------------------------------------

def test_an_event_date_picks_the_version_in_force_and_outside_every_window_is_refused(tmp_path):
    write(tmp_path, "a.toml", GOOD.replace("valid_to = 2027-09-13", "valid_to = 2025-12-31"))
    write(tmp_path, "b.toml", GOOD.replace("valid_from = 2024-09-14", "valid_from = 2026-01-01")
          .replace("valid_to = 2027-09-13", "").replace('cap = "1000万"', 'cap = "800万"'))
    book = load_book(tmp_path)
    assert book.in_force("trial_program", date(2025, 12, 31)).file == "a.toml"
    assert book.in_force("trial_program", date(2026, 1, 1)).file == "b.toml"
    assert book.latest("trial_program").file == "b.toml"
    with pytest.raises(RuleViolation) as refused:
        book.in_force("trial_program", date(2024, 9, 13))
    assert refused.value.rule == "trial_program.validity"


# --- malformed files ------------------------------------------------------------------------------

@pytest.mark.parametrize("change, field, problem", [
    (("id = \"trial_program\"", "id = \"Trial Program\""), "id", "should match pattern"),
    (("name_zh = \"试验项目\"", "name_zh = 5"), "name_zh", "valid string"),
    (("valid_from = 2024-09-14", "valid_from = \"soon\""), "valid_from", "valid date"),
    (("valid_to = 2027-09-13", "valid_to = 2023-01-01"), "(file)", "valid_to is before valid_from"),
    (("seed = \"002_c7edba7bc4e1e1ff.txt:2225\"\n", "seed = \"the seed, somewhere\"\n"), "citation", "seed must look like"),
    (("ratio = \"1/3\"", "ratio = 0.333"), "rules.project_cap.project_cap.ratio", "never floats"),
    (("ratio = \"1/3\"", "ratio = \"1e-1\""), "rules.project_cap.project_cap.ratio", "invalid ratio"),
    (("ratio = \"1/3\"", "ratio = \"150%\""), "rules.project_cap.project_cap", "no more than the whole budget"),
    (("cap = \"1000万\"", "cap = 1e7"), "rules.project_cap.project_cap.cap", "amounts must be written as strings"),
    (("cap = \"1000万\"", "cap = \"lots\""), "rules.project_cap.project_cap.cap", "invalid amount"),
    (("cap = \"1000万\"", "cap = \"-5\""), "rules.project_cap.project_cap.cap", "invalid amount"),
    (("kind = \"project_cap\"", "kind = \"project_ceiling\""), "rules.project_cap", "does not match any of the expected tags"),
    (("{ after = \"award\", cumulative = \"40%\" },", "{ after = \"award\", cumulative = \"40%\" }, { after = \"award\", cumulative = \"50%\" },"),
     "rules.staging.staged_ceilings", "once each"),
    (("{ after = \"award\", cumulative = \"40%\" },", ""), "rules.staging.staged_ceilings", "must start after award"),
    (("cumulative = \"100%\"", "cumulative = \"90%\""), "rules.staging.staged_ceilings", "end at the whole awarded amount"),
    (("cumulative = \"80%\"", "cumulative = \"30%\""), "rules.staging.staged_ceilings", "must rise"),
    (("kind = \"staged_grant\"", "kind = \"staged_grant\"\ncolour = \"blue\""), "colour", "Extra inputs are not permitted"),
])
def test_a_malformed_program_file_is_refused_naming_file_field_and_problem(tmp_path, change, field, problem):
    old, new = change
    assert old in GOOD
    write(tmp_path, "trial.toml", GOOD.replace(old, new, 1))
    error = refusal(tmp_path)
    assert error.details["file"] == "trial.toml"
    assert error.details["field"].startswith(field), error.details
    assert problem in error.details["problem"], error.details
    assert "trial.toml" in error.text.en and field in error.text.en and "trial.toml" in error.text.zh


def test_a_missing_citation_is_refused(tmp_path):
    text = GOOD.split("[citation]")[0] + GOOD.split("seed = \"002_c7edba7bc4e1e1ff.txt:2225\"\n", 1)[1]
    write(tmp_path, "trial.toml", text)
    error = refusal(tmp_path)
    assert (error.details["field"], error.details["problem"]) == ("citation", "Field required")


def test_a_rule_without_its_citation_is_refused(tmp_path):
    text = GOOD.replace('citation = { document = "青岛市科技示范工程管理实施细则", article = "第十四条", seed = "002_c7edba7bc4e1e1ff.txt:2227" }\n', "")
    write(tmp_path, "trial.toml", text)
    error = refusal(tmp_path)
    assert error.details["field"] == "rules.staging.staged_ceilings.citation"


def test_a_file_that_is_not_toml_is_refused_with_where_it_breaks(tmp_path):
    write(tmp_path, "trial.toml", GOOD.replace('ratio = "1/3"', 'ratio = "1/3'))
    error = refusal(tmp_path)
    assert error.details["file"] == "trial.toml"
    assert "not valid TOML" in error.text.en and "line" in error.details["problem"]


def test_overlapping_windows_of_one_program_are_refused_naming_both_files(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD.replace("valid_from = 2024-09-14", "valid_from = 2027-09-13").replace("valid_to = 2027-09-13", ""))
    error = refusal(tmp_path)
    assert error.details["file"] == "b.toml" and error.details["field"] == "valid_from/valid_to"
    assert "a.toml" in error.details["problem"]


def test_several_problems_are_counted(tmp_path):
    write(tmp_path, "trial.toml", GOOD.replace('name_zh = "试验项目"', "name_zh = 5").replace('name_en = "Trial program"', "name_en = 6"))
    assert "and 1 more" in refusal(tmp_path).text.en


@pytest.mark.parametrize("text, field, problem", [
    ('source = "x1"\nknown_through = "2025-05"\nfixings = [{ month = "2025-5", one_year = "3.00" }]', "fixings.0.month", "should match pattern"),
    ('source = "x1"\nknown_through = "2025-05"\nfixings = [{ month = "2025-05", one_year = 3.0 }]', "fixings.0.one_year", "strings in percent"),
    ('source = "x1"\nknown_through = "2025-05"\nfixings = [{ month = "2025-05", one_year = "1e3" }]', "fixings.0.one_year", "invalid rate"),
    ('source = "x1"\nknown_through = "2025-04"\nfixings = [{ month = "2025-05", one_year = "3.00" }]', "(file)", "before the last fixing"),
    ('source = "x1"\nknown_through = "2025-05"\nfixings = [{ month = "2025-05", one_year = "3.00" }, { month = "2025-01", one_year = "3.10" }]',
     "(file)", "month order"),
    ('known_through = "2025-05"\nfixings = [{ month = "2025-05", one_year = "3.00" }]', "source", "Field required"),
])
def test_a_malformed_lpr_table_is_refused_naming_field_and_problem(tmp_path, text, field, problem):
    path = tmp_path / "lpr.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError) as refused:
        load_model(path, LprTable)
    assert refused.value.details["file"] == "lpr.toml"
    assert refused.value.details["field"] == field
    assert problem in refused.value.details["problem"]


def test_a_missing_reference_file_is_refused_not_a_crash(tmp_path):
    with pytest.raises(PolicyFileError, match="cannot be read"):
        load_model(tmp_path / "lpr.toml", LprTable)
