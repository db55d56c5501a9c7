"""The shape of policy data: programs, their rules and citations, validated by pydantic.

Numbers live in ``policies/*.toml``; this module only says which kinds of rule exist and what
each one needs. A rule kind is a calculation the code knows; its parameters are data. Kinds of
each capability live in their own module and are listed in ``RULE_KINDS``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union  # noqa: F401

from pydantic import Field, model_validator

from qdledger.i18n import Text
from qdledger.policy.base import Citation, Fen, Ratio, RuleBase, Strict
from qdledger.policy.kinds_equity import EQUITY_KINDS
from qdledger.policy.kinds_integrity import INTEGRITY_KINDS
from qdledger.policy.kinds_subsidy import SUBSIDY_KINDS
from qdledger.policy.words import each, money, share


class ProjectCap(RuleBase):
    """Approved municipal money for one project ≤ min(ratio × project budget, cap) (D2)."""

    kind: Literal["project_cap"]
    ratio: Ratio
    cap: Fen

    @model_validator(mode="after")
    def _share(self) -> ProjectCap:
        if not 0 < self.ratio <= 1:
            raise ValueError("ratio must be a positive share of the budget, no more than the whole budget")
        if self.cap <= 0:
            raise ValueError("cap must be above zero")
        return self

    def describe(self) -> Text:
        cap = money(self.cap)
        return Text(f"不超过项目总投入的 {share(self.ratio)}，且最高 {cap.zh}",
                    f"at most {share(self.ratio)} of the project budget, and at most {cap.en}")


MILESTONE_ORDER = ("award", "midterm", "acceptance")
PASSED = {"award": Text("立项后", "after award"), "midterm": Text("中期评估通过后", "after the mid-term review passes"),
          "acceptance": Text("验收后", "after acceptance")}


class Stage(Strict):
    after: Literal["award", "midterm", "acceptance"]
    cumulative: Ratio = Field(description="ceiling on cumulative releases, share of the awarded amount")


class StagedCeilings(RuleBase):
    """Cumulative releases ≤ the ceiling of the last milestone passed (D1, D3)."""

    kind: Literal["staged_ceilings"]
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _increasing(self) -> StagedCeilings:
        afters = [s.after for s in self.stages]
        if afters[0] != "award" or afters != sorted(set(afters), key=MILESTONE_ORDER.index):
            raise ValueError(f"stages must start after award and follow {' → '.join(MILESTONE_ORDER)}, once each")
        ceilings = [s.cumulative for s in self.stages]
        if ceilings != sorted(ceilings) or ceilings[-1] != 1 or any(c <= 0 for c in ceilings):
            raise ValueError("stage ceilings must rise and end at the whole awarded amount")
        return self

    def describe(self) -> Text:
        stages = each(self.stages, lambda s: Text(f"{PASSED[s.after].zh}累计 {share(s.cumulative)}",
                                                  f"{share(s.cumulative)} {PASSED[s.after].en}"), "，", ", ")
        return Text(stages.zh, f"in all, {stages.en}")


class ReleaseFreely(RuleBase):
    """Releases in one or several payments up to the awarded amount, no milestone ceilings."""

    kind: Literal["lump_or_staged"]

    def describe(self) -> Text:
        return Text("可一次或分次拨付，累计不超过立项金额，不设节点比例",
                    "in one or several payments up to the awarded amount, with no milestone ceilings")


RULE_KINDS = [
    ProjectCap,
    StagedCeilings,
    ReleaseFreely,
    *EQUITY_KINDS,
    *INTEGRITY_KINDS,
    *SUBSIDY_KINDS,
]
"""Every rule kind the code can compute; a policy file may use any of them."""

Rule = Annotated[Union[tuple(RULE_KINDS)], Field(discriminator="kind")]



class Program(Strict):
    """One funding program as a policy document sets it, valid over a window of business dates."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    kind: str = Field(description="what the program pays: staged_grant, grant, equity, subsidy, declared …")
    valid_from: date
    valid_to: date | None = None
    requires_good_credit: bool = Field(False, description="refused to a party under an integrity ban")
    citation: Citation
    rules: dict[str, Rule] = Field(default_factory=dict)
    parameters: dict[str, str] = Field(default_factory=dict, description="readings of open points (D…)")

    @model_validator(mode="after")
    def _window(self) -> Program:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def rule(self, key: str) -> Rule | None:
        return self.rules.get(key)

    def rule_of_kind(self, kind: type) -> tuple[str, Any] | None:
        """The first rule of a given kind, with its full id ``program.key``."""
        for key, rule in self.rules.items():
            if isinstance(rule, kind):
                return f"{self.id}.{key}", rule
        return None
