"""Loan Prime Rate (贷款市场报价利率) reference data: shipped fixings plus those users record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from eventsourcing.domain import Aggregate
from pydantic import BeforeValidator, Field, model_validator

from qdledger.errors import BadInput, RuleViolation
from qdledger.i18n import Text
from qdledger.ledger.application import Command, Context, Ledger, UnitOfWork
from qdledger.ledger.events import LedgerEvent
from qdledger.ledger.handles import aggregate_id
from qdledger.money import parse_rate, percent
from qdledger.policy.base import Strict
from qdledger.policy.loader import load_model, policies_dir

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
TENORS = ("one_year", "five_year")


@dataclass(frozen=True)
class Fixing:
    month: str
    one_year: Fraction
    five_year: Fraction | None
    source: str


class RateBook(Aggregate):
    """Fixings recorded by users (``qdledger lpr set``), one aggregate for the whole ledger."""

    class Opened(Aggregate.Created):
        def apply(self, book: RateBook) -> None:
            book.fixings = {}

    class FixingRecorded(LedgerEvent):
        """A published LPR fixing recorded by a user (录入报价), overriding the shipped table for its month."""

        month: str
        one_year: str
        five_year: str | None

        def apply(self, book: RateBook) -> None:
            book.fixings[self.month] = (self.one_year, self.five_year)

        def entity_keys(self) -> tuple[str, ...]:
            return (f"lpr:{self.month}",)

    @classmethod
    def open(cls) -> RateBook:
        return cls._create(cls.Opened, id=aggregate_id("reference", "lpr"))


def parse_month(text: str) -> str:
    if not MONTH.match(text.strip()):
        raise BadInput(Text(f"月份格式无效：{text!r}（格式 YYYY-MM）", f"invalid month {text!r} (use YYYY-MM)"), field="month")
    return text.strip()


def _rate(value: Any) -> Fraction:
    if not isinstance(value, str):
        raise ValueError("write rates as strings in percent, e.g. '3.10'")
    try:
        return parse_rate(value)
    except BadInput as error:
        raise ValueError(error.text.en) from None


Month = Annotated[str, Field(pattern=MONTH.pattern)]
Rate = Annotated[Fraction, BeforeValidator(_rate)]


class ShippedFixing(Strict):
    month: Month
    one_year: Rate
    five_year: Rate | None = None


class LprTable(Strict):
    """``policies/reference/lpr.toml``: published change points, in month order, up to ``known_through``."""

    source: str = Field(min_length=2)
    known_through: Month
    published_day: int | None = Field(None, ge=1, le=28, description="day of the month a fixing is published")
    fixings: list[ShippedFixing] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LprTable:
        months = [f.month for f in self.fixings]
        if months != sorted(set(months)):
            raise ValueError("fixings must be in month order, each month once")
        if months[-1] > self.known_through:
            raise ValueError(f"known_through {self.known_through} is before the last fixing {months[-1]}")
        return self


def shipped_fixings() -> tuple[list[Fixing], str]:
    """The published change points shipped in ``policies/reference/lpr.toml`` and the month they run to."""
    table = shipped_table()
    return [Fixing(row.month, row.one_year, row.five_year, table.source) for row in table.fixings], table.known_through


def shipped_table() -> LprTable:
    """``policies/reference/lpr.toml``, read and validated once per process, not once per interest claim."""
    return _load_table(str(policies_dir() / "reference" / "lpr.toml"))


@lru_cache(maxsize=4)
def _load_table(path: str) -> LprTable:
    return load_model(Path(path), LprTable)


def all_fixings(ledger: Ledger) -> tuple[list[Fixing], str]:
    """Shipped and recorded fixings by month (a recorded month overrides), and the last month known."""
    shipped, known_through = shipped_fixings()
    by_month = {f.month: f for f in shipped}
    book = ledger.read().get("reference", "lpr")
    for month, (one, five) in (book.fixings.items() if book else []):
        by_month[month] = Fixing(month, parse_rate(one), parse_rate(five) if five else None, "recorded")
        known_through = max(known_through, month)
    return [by_month[m] for m in sorted(by_month)], known_through


def rate_for_month(ledger: Ledger, month: str, tenor: str = "one_year") -> tuple[Fraction, Fixing]:
    """The LPR in force in ``month``; refuse a month after the last known one, naming it."""
    fixings, known_through = all_fixings(ledger)
    if month > known_through:
        raise RuleViolation("reference.lpr", "全国银行间同业拆借中心 贷款市场报价利率（LPR）公告",
                            Text(f"缺少 {month} 的 LPR 报价（已知至 {known_through}）",
                                 f"no LPR fixing known for {month} (known through {known_through})"),
                            month=month, known_through=known_through,
                            hint=Text(f"先用 qdledger lpr set {month} --one-year 利率 录入", f"record it first: qdledger lpr set {month} --one-year RATE"))
    in_force = [f for f in fixings if f.month <= month]
    if not in_force:
        raise BadInput(Text(f"{month} 早于 LPR 首次报价（2019-08）", f"{month} is before the first LPR fixing (2019-08)"), field="month")
    fixing = in_force[-1]
    rate = fixing.one_year if tenor == "one_year" else fixing.five_year
    if rate is None:
        fixing = next(f for f in reversed(in_force) if f.five_year is not None)
        rate = fixing.five_year
    return rate, fixing


def previous_month(day: date) -> str:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def set_fixing(ledger: Ledger, ctx: Context, *, month: str, one_year: str, five_year: str | None) -> dict[str, Any]:
    month = parse_month(month)
    one = _published(one_year)
    five = _published(five_year) if five_year is not None else None
    year, mon = int(month[:4]), int(month[5:])

    def decide(uow: UnitOfWork, ctx: Context) -> dict[str, Any]:
        book = uow.get("reference", "lpr") or uow.add(RateBook.open())
        book.trigger_event(RateBook.FixingRecorded, month=month, one_year=one, five_year=five,
                           **ctx.envelope(date(year, mon, 20)))
        return {"month": month, "one_year": one, "five_year": five}

    return ledger.execute(ctx, Command("lpr.set", dict(month=month, one_year=one, five_year=five), decide))


def _published(text: str) -> str:
    """An LPR as published: percent with at most two decimals (``3.10``); finer input is a typing error."""
    rate = parse_rate(text)
    shown = percent(rate)
    if parse_rate(shown) != rate:
        raise BadInput(Text(f"LPR 报价最多两位小数：{text!r}", f"an LPR is published with at most two decimals: {text!r}"),
                       field="rate")
    return shown


def list_fixings(ledger: Ledger) -> dict[str, Any]:
    fixings, known_through = all_fixings(ledger)
    return {"fixings": [{"month": f.month, "one_year": percent(f.one_year), "five_year": percent(f.five_year),
                         "source": f.source} for f in fixings], "known_through": known_through}
