"""Facts about grants: awarded (立项), tranche released (拨付), milestone recorded (评估/验收)."""

from __future__ import annotations

from qdledger.grants.state import GrantState
from qdledger.ledger import accounts as acct
from qdledger.ledger.events import LedgerEvent, Posting, balanced, transfer


class GrantEvent(LedgerEvent):
    grant_id: str

    def entity_keys(self) -> tuple[str, ...]:
        return (f"grant:{self.grant_id}",)


class GrantAwarded(GrantEvent):
    """A municipal grant approved for a project; ``stages`` copies the staging terms in force."""

    money_fields = ("project_budget", "amount")

    program: str
    policy_version: str
    project: str
    project_budget: int
    amount: int
    stages: list
    staging_rule: str
    staging_citation: str
    rules: list

    def apply(self, party) -> None:
        party.grants[self.grant_id] = GrantState(
            grant_id=self.grant_id, program=self.program, policy_version=self.policy_version,
            project=self.project, project_budget=self.project_budget, awarded=self.amount,
            award_date=self.business_date, stages=tuple((a, r) for a, r in self.stages),
            staging_rule=self.staging_rule, staging_citation=self.staging_citation)
        project = party.projects.setdefault(self.project, {"budget": self.project_budget, "approved": 0,
                                                           "program": self.program})
        project["program"] = project["program"] or self.program
        project["approved"] += self.amount

    def postings(self) -> list[Posting]:
        return transfer(acct.OBLIGATED, acct.GRANTS_PAYABLE, self.amount)


class TrancheReleased(GrantEvent):
    """Money paid to the grantee under the grant (分期拨付)."""

    money_fields = ("amount",)

    amount: int
    stage: str
    rules: list

    def apply(self, party) -> None:
        party.grants[self.grant_id].releases.append((self.business_date, self.amount))

    def postings(self) -> list[Posting]:
        return balanced(*transfer(acct.GRANTS_DISBURSED, acct.CASH, self.amount),
                        *transfer(acct.GRANTS_PAYABLE, acct.OBLIGATED, self.amount))


class MilestoneRecorded(GrantEvent):
    """A mid-term evaluation (中期评估) or acceptance (验收) result."""

    milestone: str
    result: str

    def apply(self, party) -> None:
        party.grants[self.grant_id].milestones.append((self.business_date, self.milestone, self.result))
