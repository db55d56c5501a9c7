"""Every command that records to the ledger explains itself before it commits: ``--dry-run`` everywhere,
a dry run that says so and lists events, postings and rules, and an idempotent repeat that says so."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from qdledger_cli import runtime
from qdledger_cli.main import app
from support import events

REGISTER = ("enterprise", "register", "E001", "--name", "青岛海研智能装备有限公司", "--credit-code", "91370212MA3C5Y2K1H",
            "--district", "崂山区", "--date", "2024-11-01")
AWARD = ("grant", "award", "G1", "--enterprise", "E001", "--program", "sci_demo_project", "--project-budget", "4500万",
         "--amount", "1000万", "--date", "2024-12-20")


def commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Every leaf command of the CLI with its full name, as click sees it."""
    found = []
    for name, command in getattr(group, "commands", {}).items():
        if getattr(command, "commands", None):
            found += commands(command, (*path, name))
        else:
            found.append((" ".join((*path, name)), command))
    return found


def test_every_write_command_takes_dry_run():
    """A write is marked where it is registered (runtime.writes); the mark, not a list, decides."""
    leaves = commands(typer.main.get_command(app))
    writes = {name for name, command in leaves if runtime.is_write(command)}
    lacking = [name for name, command in leaves
               if runtime.is_write(command) and not any("--dry-run" in p.opts for p in command.params)]
    assert not lacking, f"write commands without --dry-run: {lacking}"
    assert {"enterprise register", "grant award", "grant release", "import", "lpr set", "subsidy claim",
            "equity exit", "integrity decide", "recovery order"} <= writes
    assert not writes & {"grant show", "history", "verify", "rebuild", "report trial-balance", "demo"}


def test_an_unmarked_command_cannot_build_a_write_context():
    """The mark cannot drift: a command that builds a write context without it fails before deciding."""
    toy = typer.Typer()

    @toy.command("record")
    def record() -> None:
        runtime.run(False, lambda ledger: {"ctx": runtime.context()}, needs_ledger=False)

    @toy.command("other")
    def other() -> None:
        pass

    result = CliRunner().invoke(toy, ["record"])
    assert result.exit_code == 4
    assert "not marked as a write" in result.output


@pytest.mark.parametrize("lang, banner, events_title, postings_title, rules_title", [
    ("zh", "试算：未写入任何内容", "将记录的事件", "将记录的分录", "适用的规则"),
    ("en", "DRY RUN: nothing written", "Events that would be recorded", "Postings that would be recorded", "Rules applied")])
def test_dry_run_explains_and_writes_nothing(app_cli, lang, banner, events_title, postings_title, rules_title):
    app_cli(*REGISTER, check=True)
    before = events(app_cli)
    app_cli.lang = lang
    out = app_cli(*AWARD, "--dry-run", json_out=False, check=True).stdout
    assert events(app_cli) == before
    assert out.startswith(banner)
    for text in (events_title, postings_title, rules_title, "GrantAwarded", "¥10,000,000.00", "¥45,000,000.00",
                 "sci_demo_project.project_cap", "sci_demo_project.staging", "《青岛市科技示范工程管理实施细则》第十三条"):
        assert text in out, text
    assert out.index(banner) < out.index(events_title) < out.index(postings_title) < out.index(rules_title)


def test_dry_run_json_names_the_rules_with_citations(app_cli):
    app_cli(*REGISTER, check=True)
    result = app_cli(*AWARD, "--dry-run", check=True).json
    assert result["dry_run"] is True
    assert {"rule": "sci_demo_project.project_cap",
            "citation": "《青岛市科技示范工程管理实施细则》第十三条 [002_c7edba7bc4e1e1ff.txt:2225]"} in result["rules_applied"]
    assert [e["type"] for e in result["would_record"] if "business_date" in e] == ["GrantAwarded"]


@pytest.mark.parametrize("lang, said", [
    ("zh", "已按幂等键 K-1 记录过，本次未重复写入"),
    ("en", "already recorded under idempotency key K-1; nothing written again")])
def test_an_idempotent_repeat_says_so_and_shows_the_original(app_cli, lang, said):
    app_cli(*REGISTER, check=True)
    app_cli.lang = lang
    first = app_cli(*AWARD, "--idempotency-key", "K-1", json_out=False, check=True).stdout
    recorded = events(app_cli)
    again = app_cli(*AWARD, "--idempotency-key", "K-1", json_out=False, check=True).stdout
    assert events(app_cli) == recorded
    assert said not in first
    assert again.startswith(said)
    assert again.split("\n", 1)[1] == first


def test_every_event_field_has_a_name_for_people():
    from qdledger.labels import CATALOGUE
    from qdledger.ledger.catalogue import event_classes, load_all_modules, own_fields

    load_all_modules()
    fields = {name for cls in event_classes() for name, _ in own_fields(cls)}
    assert sorted(fields - set(CATALOGUE["field"])) == []


def test_an_import_dry_run_lists_the_whole_batch(app_cli, tmp_path):
    rows = tmp_path / "rows.csv"
    app_cli("import-template", "all", "--out", str(rows), check=True)
    out = app_cli("import", str(rows), "--dry-run", json_out=False, check=True).stdout
    assert events(app_cli) == 0
    assert out.startswith("DRY RUN: nothing written")
    for text in ("(Registered)", "(GrantAwarded)", "(TrancheReleased)", "(MilestoneRecorded)", "¥4,000,000.00",
                 "sci_demo_project.staging", "nothing written"):
        assert text in out, text
