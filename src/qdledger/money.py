"""Exact money: amounts are integer fen (分), ratios are Fractions, rounding is half-up once.

Inputs accept ``4000000``, ``4,000,000.00``, ``400万``, ``1.2亿``; output shows yuan with two
decimals (``4000000.00``), ``¥4,000,000.00`` or ``400.00万元``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from qdledger.errors import BadInput
from qdledger.i18n import Text

FEN_PER_YUAN = 100
_UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}
_AMOUNT = re.compile(r"^(?P<num>\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?)\s*(?P<unit>万元|亿元|万|亿|元)?$")
_MAX_FEN = 10**17  # one quadrillion yuan: anything above is a typing error, not money
_DECIMAL = re.compile(r"^\d{1,12}(\.\d{1,12})?$", re.ASCII)  # plain decimals only: no 1e3, inf, nan


def round_half_up(value: Fraction | int) -> int:
    """Round an exact quantity of fen to a whole fen, halves away from zero (四舍五入)."""
    value = Fraction(value)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return sign * whole


def parse_amount(text: str | int, *, allow_zero: bool = False, field: str = "amount") -> int:
    """Parse a user's amount into fen; refuse anything that is not a plain, exact amount."""
    if isinstance(text, (float, bool)):
        raise BadInput(Text(f"金额必须写成文字或整数，不能是浮点数：{text!r}", f"amounts are never floats: {text!r}"),
                       field=field)
    raw = str(text).strip().replace("，", ",").replace("¥", "").replace("￥", "")
    match = _AMOUNT.match(raw)
    if not match:
        raise BadInput(
            Text(f"金额格式无效：{text!r}（示例：4000000、4,000,000.00、400万）",
                 f"invalid amount {text!r} (examples: 4000000, 4,000,000.00, 400万)"),
            field=field,
        )
    number = Fraction(Decimal(match["num"].replace(",", "")))
    fen = number * _UNITS[match["unit"] or ""] * FEN_PER_YUAN
    if fen.denominator != 1:
        raise BadInput(
            Text(f"金额 {text!r} 精确到分以下，请输入到分", f"amount {text!r} is finer than one fen"),
            field=field,
        )
    fen = int(fen)
    if fen == 0 and not allow_zero:
        raise BadInput(Text(f"金额必须大于零：{text!r}", f"{field} must be positive: {text!r}"), field=field)
    if fen > _MAX_FEN:
        raise BadInput(Text(f"金额过大：{text!r}", f"amount is implausibly large: {text!r}"), field=field)
    return fen


def _plain_decimal(raw: str) -> Fraction | None:
    """``"3.10"`` → 31/10; None for anything but plain digits with an optional decimal point."""
    raw = raw.strip()
    return Fraction(Decimal(raw)) if _DECIMAL.match(raw) else None


def require_fen(value: object, field: str = "amount", *, allow_zero: bool = False) -> int:
    """Guard for library callers: an amount must already be a whole, positive number of fen."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (value == 0 and not allow_zero) \
            or value > _MAX_FEN:
        raise BadInput(Text(f"{field} 必须是正整数分：{value!r}", f"{field} must be a positive whole number of fen: {value!r}"),
                       field=field)
    return value


def parse_ratio(text: str | int | float | Fraction) -> Fraction:
    """Parse a ratio from policy data or input: ``1/3``, ``40%``, ``0.5``, ``3.10%``."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, (float, bool)):
        raise ValueError("ratios must be written as strings ('40%', '1/3'), never floats")
    raw = str(text).strip()
    if raw.endswith("%"):
        value = _plain_decimal(raw[:-1])
        value = None if value is None else value / 100
    elif raw.count("/") == 1:
        num, den = (_plain_decimal(part) for part in raw.split("/"))
        value = None if num is None or den is None or den.denominator != 1 or num.denominator != 1 or not den \
            else num / den
    else:
        value = _plain_decimal(raw)
    if value is None:
        raise ValueError(f"invalid ratio {text!r}: write it as '40%', '1/3' or '0.5'")
    return value


def parse_rate(text: str) -> Fraction:
    """Parse an annual rate given in percent by a user (``3.10`` or ``3.10%``) into a Fraction."""
    raw = str(text).strip()
    value = _plain_decimal(raw[:-1] if raw.endswith("%") else raw)
    if value is None:
        raise BadInput(Text(f"利率格式无效：{text!r}（示例：3.10）", f"invalid rate {text!r} (example: 3.10)"),
                       field="rate")
    value /= 100
    if not 0 <= value < 1:
        raise BadInput(Text(f"利率超出范围：{text!r}", f"rate out of range: {text!r}"), field="rate")
    return value


def yuan(fen: int | None) -> str | None:
    """Render fen as the contract's JSON form: yuan with two decimals, e.g. ``"4000000.00"``."""
    if fen is None:
        return None
    if fen < 0:
        return "-" + yuan(-fen)
    return f"{fen // FEN_PER_YUAN}.{fen % FEN_PER_YUAN:02d}"


def show_yuan(fen: int) -> str:
    """Render fen for people: ``¥4,000,000.00``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}¥{whole:,}.{cents:02d}"


def show_wan(fen: int) -> str:
    """Render fen in 万元 as the policies speak: ``400.00万元``."""
    wan = Fraction(fen, 10_000 * FEN_PER_YUAN)
    hundredths = round_half_up(wan * 100)
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole:,}.{cents:02d}万元"


def percent(ratio: Fraction | None) -> str | None:
    """Render a ratio as the contract's rate form, percent with two decimals: ``"3.10"``."""
    if ratio is None:
        return None
    hundredths = round_half_up(ratio * 10_000)
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{cents:02d}"


def show_ratio(ratio: Fraction) -> str:
    """A policy ratio as written: ``40%`` or ``3.1%`` when a terminating percent, else ``1/3``."""
    hundred = ratio * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    rest = hundred.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest == 1:
        return f"{Decimal(hundred.numerator) / Decimal(hundred.denominator):f}%"
    return f"{ratio.numerator}/{ratio.denominator}"


def parse_percent(text: str, field: str = "percent") -> Fraction:
    """Parse a share a user gives in percent (``18``, ``18%``, ``12.5``) into a Fraction in [0, 1]."""
    value = _plain_decimal(str(text).strip().rstrip("%").strip())
    if value is None:
        raise BadInput(Text(f"百分比格式无效：{text!r}（示例：18 或 18%）", f"invalid percentage {text!r} (example: 18 or 18%)"),
                       field=field)
    value /= 100
    if not 0 <= value <= 1:
        raise BadInput(Text(f"百分比超出 0–100：{text!r}", f"percentage out of 0–100: {text!r}"), field=field)
    return value
