"""统一社会信用代码 (unified social credit code) check, per GB 32100-2015.

Structure: 1 registry office (登记管理部门码), 2 kind of body (机构类别码), 3–8 the registering
authority's region (登记管理机关行政区划码, GB/T 2260), 9–17 the body's own code (主体标识码),
18 the check character (校验码, 4.2 of the standard).
"""

from __future__ import annotations

from qdledger.errors import BadInput
from qdledger.i18n import Text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTRY_OFFICES = "123456789ANY"  # first character: the registering authority
BODY_KINDS = {"1": "1239", "5": "1239", "9": "123", "Y": "1"}
"""Second character allowed under the registry offices whose kinds the standard lists (机构编制, 民政, 工商, 其他)."""
PROVINCES = {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
             "71", "81", "82"}
"""First two digits of a GB/T 2260 region code (10: registered nationally)."""
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015, 4.2)."""
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def complete(first17: str) -> str:
    """A whole code from its first 17 characters: append the check character."""
    return first17 + check_character(first17)


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
    kinds = BODY_KINDS.get(value[0])
    if kinds and value[1] not in kinds:
        raise _bad(code, f"第 2 位机构类别代码 {value[1]!r} 不属于登记管理部门 {value[0]!r}（应为 {'、'.join(kinds)}）",
                   f"kind-of-body code {value[1]!r} does not exist under registry office {value[0]!r} "
                   f"(expected one of {', '.join(kinds)})")
    region = value[2:8]
    if not region.isdigit() or region[:2] not in PROVINCES:
        raise _bad(code, f"第 3–8 位登记管理机关行政区划码 {region!r} 无效", f"region code {region!r} (characters 3–8) is invalid")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise _bad(code, f"校验码应为 {expected!r}，实为 {value[17]!r}",
                   f"check character should be {expected!r}, got {value[17]!r}")
    return value


def _bad(code: str, zh: str, en: str) -> BadInput:
    return BadInput(Text(f"统一社会信用代码 {code!r} 无效：{zh}（GB 32100-2015）",
                         f"credit code {code!r} is invalid: {en} (GB 32100-2015)"), field="credit_code")
