"""Building blocks of policy data: exact amounts and ratios, citations, the base of every rule."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.money import parse_amount, parse_ratio, show_ratio, yuan

SEED_REF = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt:\d+(-\d+)?$")


def _fen(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("amounts must be written as strings such as '1000万' or whole yuan")
    try:
        return parse_amount(value, allow_zero=True)
    except BadInput as error:  # pydantic reports ValueErrors with the field they belong to
        raise ValueError(error.text.en) from None


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError("a ratio cannot be true/false")
    return parse_ratio(value)


Fen = Annotated[int, BeforeValidator(_fen), PlainSerializer(yuan, return_type=str)]
"""An amount in fen, written in policy files as ``"1000万"`` or ``"4,000,000.00"``."""
Ratio = Annotated[Fraction, BeforeValidator(_ratio), PlainSerializer(show_ratio, return_type=str)]
"""A ratio, written as ``"40%"``, ``"1/3"`` or ``"0.5"``; stored exactly as a Fraction."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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

    def describe(self) -> Text:
        """What the rule means, in words people read; every kind says it its own way."""
        raise NotImplementedError(f"rule kind {type(self).__name__} does not describe itself")
