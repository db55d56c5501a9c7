"""Two officers acting at once on the same party never both pass a ceiling or a cap.

The second officer decides against the state both saw; the first one's save lands in between;
the second save then meets a changed party, is decided again on the new state, and is refused.
"""

from __future__ import annotations

from datetime import date

import pytest

from qdledger.enterprises import register_enterprise
from qdledger.errors import RuleViolation
from qdledger.grants.service import award_grant, release_tranche, show_grant
from qdledger.ledger.application import Context
from qdledger.ledger.storage import open_ledger
from qdledger.money import parse_amount

FIRST, SECOND = Context(actor="officer-1"), Context(actor="officer-2")


@pytest.fixture
def two_officers(ledger_url):
    if ledger_url == ":memory:":
        pytest.skip("two applications share a store only on SQLite and PostgreSQL")
    first, second = open_ledger(ledger_url), open_ledger(ledger_url)
    register_enterprise(first, FIRST, key="E001", name="青岛海研智能装备有限公司", credit_code="91370212MA3C5Y2K1H",
                        district="崂山区", day=date(2024, 11, 1))
    award_grant(first, FIRST, grant_id="G1", enterprise="E001", program="sci_demo_project",
                project_budget=parse_amount("4500万"), amount=parse_amount("600万"), day=date(2024, 12, 20))
    yield first, second
    second.close()
    first.close()


def racing(second, first_moves) -> None:
    """Let the first officer's command land just before the second officer's save."""
    save = second.save

    def save_after_the_other(*aggregates, **kwargs):
        second.save = save
        first_moves()
        return save(*aggregates, **kwargs)

    second.save = save_after_the_other


def test_two_releases_at_once_cannot_both_pass_the_first_stage_ceiling(two_officers):
    first, second = two_officers
    racing(second, lambda: release_tranche(first, FIRST, grant_id="G1", amount=parse_amount("200万"), day=date(2025, 1, 10)))
    with pytest.raises(RuleViolation) as refused:
        release_tranche(second, SECOND, grant_id="G1", amount=parse_amount("200万"), day=date(2025, 1, 11))
    assert (refused.value.limit, refused.value.used) == (parse_amount("240万"), parse_amount("200万"))
    assert show_grant(first, "G1")["disbursed"] == "2000000.00"


def test_two_awards_at_once_cannot_both_pass_the_project_cap(two_officers):
    first, second = two_officers
    more = dict(enterprise="E001", program="sci_demo_project", project_budget=parse_amount("4500万"),
                amount=parse_amount("300万"), day=date(2025, 1, 10), project="G1")
    racing(second, lambda: award_grant(first, FIRST, grant_id="G2", **more))
    with pytest.raises(RuleViolation) as refused:
        award_grant(second, SECOND, grant_id="G3", **more)
    assert (refused.value.limit, refused.value.used, refused.value.excess) == (
        parse_amount("1000万"), parse_amount("900万"), parse_amount("200万"))
