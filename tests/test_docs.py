"""The pages made from code and policy data are committed; each must equal what its command makes now."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _cli() -> str:
    from qdledger_cli.reference import cli_reference

    return cli_reference()


def _policies() -> str:
    from qdledger.policy.catalogue import catalogue_markdown

    return catalogue_markdown()


def _events() -> str:
    from qdledger.ledger.catalogue import events_markdown

    return events_markdown()


PAGES = {"cli-reference.md": ("cli", _cli), "policy-catalogue.md": ("policies", _policies), "events.md": ("events", _events)}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_generated_page_is_up_to_date(page):
    command, make = PAGES[page]
    committed = (DOCS / page).read_text(encoding="utf-8") if (DOCS / page).exists() else ""
    assert committed == make(), (
        f"docs/{page} is stale; refresh it with: qdledger docs {command} --out docs/{page}")


def test_every_command_shows_an_example_and_every_option_says_what_it_is_for():
    import typer.main

    from qdledger_cli.main import app
    from qdledger_cli.reference import SKIPPED, _walk

    for path, command in _walk(typer.main.get_command(app), ["qdledger"]):
        assert "Example: qdledger" in (command.help or ""), " ".join(path)  # groups too
        for param in command.params:
            assert param.name in SKIPPED or (param.help or "").strip(), f"{' '.join(path)} {param.name}"
