"""The shape of policy data: programs, their rules and citations, validated by pydantic.

Numbers live in ``policies/*.toml``; this module only says which kinds of rule exist and what
each one needs. A rule kind is a calculation the code knows; its parameters are data.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from qdledger.money import parse_amount, parse_ratio

SEED_REF = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt:\d+(-\d+)?$")


def _fen(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("amounts must be written as strings such as '1000万' or whole yuan")
    return parse_amount(value, allow_zero=True)


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError("a ratio cannot be true/false")
    return parse_ratio(value)


Fen = Annotated[int, BeforeValidator(_fen)]
"""An amount in fen, written in policy files as ``"1000万"`` or ``"4,000,000.00"``."""
Ratio = Annotated[Fraction, BeforeValidator(_ratio), PlainSerializer(str, return_type=str)]
"""A ratio, written as ``"40%"``, ``"1/3"`` or ``"0.5"``; stored exactly as a Fraction."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """Where a rule comes from: document, 文号 if printed, article, and seed file:line."""

    document: str = Field(min_length=2, description="document title, e.g. 青岛市科技示范工程管理实施细则")
    doc_number: str | None = Field(None, description="文号 where the seed prints one")
    issuer: str | None = None
    article: str = Field(min_length=1, description="article or item, e.g. 第十四条")
    seed: str = Field(description="seed file and line(s), e.g. 002_c7edba7bc4e1e1ff.txt:2227")
    quote: str | None = Field(None, description="verbatim words of the seed the rule rests on")

    @model_validator(mode="after")
    def _seed_format(self) -> Citation:
        if not SEED_REF.match(self.seed):
            raise ValueError(f"seed must look like '002_c7edba7bc4e1e1ff.txt:2227', got {self.seed!r}")
        return self

    def short(self) -> str:
        """One line for refusals: 《document》(文号) article [seed]."""
        number = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.document}》{number}{self.article} [{self.seed}]"


class RuleBase(Strict):
    citation: Citation
    note: str | None = Field(None, description="how qdledger reads the text, e.g. 'D1'")


class ProjectCap(RuleBase):
    """Approved municipal money for one project ≤ min(ratio × project budget, cap) (D2)."""

    kind: Literal["project_cap"]
    ratio: Ratio
    cap: Fen


class Stage(Strict):
    after: Literal["award", "midterm", "acceptance"]
    cumulative: Ratio = Field(description="ceiling on cumulative releases, share of the awarded amount")


class StagedCeilings(RuleBase):
    """Cumulative releases ≤ the ceiling of the last milestone passed (D1, D3)."""

    kind: Literal["staged_ceilings"]
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _increasing(self) -> StagedCeilings:
        ceilings = [s.cumulative for s in self.stages]
        if ceilings != sorted(ceilings) or ceilings[-1] != 1 or any(c <= 0 for c in ceilings):
            raise ValueError("stage ceilings must rise and end at 100%")
        return self


class ReleaseFreely(RuleBase):
    """Releases in one or several payments up to the awarded amount, no milestone ceilings."""

    kind: Literal["lump_or_staged"]


Rule = Annotated[Union[ProjectCap, StagedCeilings, ReleaseFreely], Field(discriminator="kind")]


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
