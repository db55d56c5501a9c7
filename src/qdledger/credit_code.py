"""统一社会信用代码 (unified social credit code) check, per GB 32100-2015."""

from __future__ import annotations

from qdledger.errors import BadInput
from qdledger.i18n import Text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTRY_OFFICES = "123456789ANY"  # first character: the registering authority
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015, 4.2)."""
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the code upper-cased, or refuse it saying exactly what is wrong."""
    value = code.strip().upper()
    if len(value) != LENGTH:
        raise _bad(code, f"应为 18 位，实为 {len(value)} 位", f"must be 18 characters, got {len(value)}")
    bad = [ch for ch in value if ch not in ALPHABET]
    if bad:
        raise _bad(code, f"含非法字符 {''.join(bad)!r}（不得含 I、O、S、V、Z）",
                   f"has characters outside the code alphabet: {''.join(bad)!r} (no I, O, S, V, Z)")
    if value[0] not in REGISTRY_OFFICES:
        raise _bad(code, f"第 1 位登记管理部门代码 {value[0]!r} 无效", f"registry office code {value[0]!r} is invalid")
    if not value[8:17].isalnum():
        raise _bad(code, "主体标识码无效", "organisation code part is invalid")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise _bad(code, f"校验码应为 {expected!r}，实为 {value[17]!r}",
                   f"check character should be {expected!r}, got {value[17]!r}")
    return value


def _bad(code: str, zh: str, en: str) -> BadInput:
    return BadInput(Text(f"统一社会信用代码 {code!r} 无效：{zh}（GB 32100-2015）",
                         f"credit code {code!r} is invalid: {en} (GB 32100-2015)"), field="credit_code")
