"""The integrity regime as policy data: severities, measures, grounds and the rules refusals cite."""

from __future__ import annotations

from datetime import date
from typing import Any

from qdledger.errors import BadInput
from qdledger.i18n import Text
from qdledger.policy.kinds_integrity import MeasureCatalogue, SeverityBand
from qdledger.policy.loader import PolicyFileError, ProgramVersion, policy_book
from qdledger.policy.model import Program

REGIME = "research_integrity"
_DIGITS = "一二三四五六七八九"


def regime(day: date | None = None) -> ProgramVersion:
    """The regime in force on ``day`` (opening and deciding), or its latest version (acting on a decision)."""
    return policy_book().in_force(REGIME, day) if day else policy_book().latest(REGIME)


def rule_of(program: Program, kind: type) -> tuple[str, Any]:
    """The program's rule of a kind, with its id; a policy file without it cannot be used."""
    found = program.rule_of_kind(kind)
    if found is None:
        raise PolicyFileError(Text(f"策略 {program.id} 缺少 {kind.__name__} 规则", f"policy {program.id} has no {kind.__name__} rule"),
                              file=program.id)
    return found


def severity_band(program: Program, word: str) -> tuple[str, SeverityBand]:
    """The severity named in Chinese or English (较轻/minor, 较重/serious, 严重/grave, 特别严重/extreme)."""
    wanted = word.strip().lower()
    bands = [(f"{program.id}.{key}", rule) for key, rule in program.rules.items() if isinstance(rule, SeverityBand)]
    for rule_id, band in bands:
        if wanted in (band.severity, band.name_en.lower(), *(a.lower() for a in band.aliases)):
            return rule_id, band
    names = "、".join(f"{b.severity}/{b.name_en}" for _, b in bands)
    raise BadInput(Text(f"情节应为 {names} 之一，实为 {word!r}", f"severity must be one of {names}, not {word!r}"), field="severity")


def numeral(number: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三: how the articles number their items."""
    if number <= 9:
        return _DIGITS[number - 1]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens - 1]) + "十" + (_DIGITS[ones - 1] if ones else "")


def parse_codes(text: str | None, known: list[str], what: Text) -> list[str]:
    """Items like ``二,四,五,九``, ``(五)``, ``5`` → the article's own codes, in the article's order."""
    if not text or not text.strip():
        return []
    codes = []
    for raw in text.replace("，", ",").replace("、", ",").split(","):
        item = raw.strip().strip("()（）第项")
        if item.isdigit() and 0 < int(item) < 100:
            item = numeral(int(item))
        if item not in known:
            raise BadInput(Text(f"{what.zh}应为 {'、'.join(known)} 之一，实为 {raw.strip()!r}",
                                f"{what.en} must be among {', '.join(known)}, not {raw.strip()!r}"), field=what.en)
        codes.append(item)
    return sorted(set(codes), key=known.index)


def effects_of(catalogue: MeasureCatalogue, codes: list[str]) -> set[str]:
    return {effect for m in catalogue.measures if m.code in codes for effect in m.effects}


def codes_with(catalogue: MeasureCatalogue, effect: str) -> list[str]:
    return [m.code for m in catalogue.measures if effect in m.effects]


def number(code: str) -> int:
    """一 → 1, 十 → 10, 十三 → 13: the inverse of ``numeral``, for figures and for what --measures accepts."""
    return next(n for n in range(1, 100) if numeral(n) == code)


def numbered(codes: list[str], sep: str = "、") -> str:
    """``["五", "九"]`` → ``5、9`` (``5, 9`` with ``sep=", "``): measure items as digits, which --measures also takes."""
    return sep.join(str(number(c)) for c in codes)


def bracketed(codes: list[str]) -> str:
    """``["五", "九"]`` → ``（五）（九）`` as the articles write them."""
    return "".join(f"（{c}）" for c in codes)
