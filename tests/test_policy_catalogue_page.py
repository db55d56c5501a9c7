"""The generated policy catalogue in docs/ matches the policy files; regenerate it when a policy changes."""

from __future__ import annotations

from pathlib import Path

from qdledger.i18n import set_language
from qdledger.policy.catalogue import catalogue_markdown

PAGE = Path(__file__).resolve().parents[1] / "docs" / "policy-catalogue.md"


def test_the_policy_catalogue_page_is_current():
    set_language("zh")
    assert PAGE.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/policy-catalogue.md is stale: run qdledger docs policies --out docs/policy-catalogue.md")


def test_every_program_is_in_the_catalogue_with_its_citation():
    from qdledger.policy.loader import policy_book

    page = PAGE.read_text(encoding="utf-8")
    for version in policy_book().all_latest():
        assert f"`{version.program.id}`" in page and version.program.citation.seed in page
