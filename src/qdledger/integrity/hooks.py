"""Plugs integrity into grants (release and award checks) and into ``enterprise show`` (recoveries, ban)."""

from __future__ import annotations

from typing import Any

from qdledger import enterprises
from qdledger.dates import iso
from qdledger.grants import service
from qdledger.integrity import checks
from qdledger.integrity.state import banned_until, cases_of


def extend_view(party: Any, view: dict[str, Any]) -> None:
    """``banned_until``: the end of the party's latest ban; ``integrity_cases``: its case ids."""
    view["banned_until"] = iso(banned_until(party))
    view["integrity_cases"] = sorted(cases_of(party))


service.RELEASE_CHECKS[0:0] = [checks.check_not_terminated, checks.check_not_suspended]
service.AWARD_CHECKS += [checks.check_applications_not_held, checks.check_not_banned]
enterprises.VIEW_EXTENSIONS.append(extend_view)
