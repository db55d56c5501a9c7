"""Pieces of the sentences that say what a rule means: amounts, shares, lists and scopes in both languages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import TypeVar

from qdledger.i18n import Text
from qdledger.labels import CATALOGUE
from qdledger.money import show_ratio, show_wan, show_yuan

Item = TypeVar("Item")

SCOPES: dict[str, Text] = {
    "per_enterprise": Text("每个主体", "per party"), "per_enterprise_year": Text("每个主体每年", "per party per year"),
    "per_object": Text("同一对象", "per object"), "per_object_year": Text("同一对象每年", "per object per year"),
    "per_project": Text("每个项目", "per project"), "per_district": Text("每个区（市）", "per district"),
    "per_year": Text("每年", "per year"), "per_district_year": Text("每个区（市）每年", "per district per year"),
    "per_program": Text("政策有效期内", "over the program's life"),
}


def money(fen: int) -> Text:
    """An amount in yuan and in 万元, as policies speak: ``¥10,000,000.00（1,000.00万元）``."""
    return Text(f"{show_yuan(fen)}（{show_wan(fen)}）", f"{show_yuan(fen)} ({show_wan(fen)})")


def share(ratio: Fraction) -> str:
    return show_ratio(ratio)


def same(text: str) -> Text:
    """Words that read the same in both languages (names, amounts)."""
    return Text(text, text)


def code(group: str, word: str) -> Text:
    """A code word's label from the catalogue of labels; an unknown word as it is."""
    return CATALOGUE[group].get(word) or same(word)


def group(word: str) -> Text:
    """A group of programs (a shared cap, 就高不重复) named by the programs whose rules join it, as the
    policies name them: the group id itself means nothing to a reader, and membership is the policies' fact."""
    from qdledger.policy.loader import policy_book

    names = [version.program.name_zh for version in policy_book().all_latest()
             if any(getattr(rule, "group", None) == word for rule in version.program.rules.values())]
    if not names:
        return same(word)
    return Text("、".join(f"《{name}》" for name in names), ", ".join(names))


def scope(word: str) -> Text:
    return SCOPES.get(word) or same(word)


def each(items: Iterable[Item], say: Callable[[Item], Text], zh: str = "；", en: str = "; ") -> Text:
    """Several pieces joined with the separator of each language."""
    parts = [say(item) for item in items]
    return Text(zh.join(p.zh for p in parts), en.join(p.en for p in parts))


def codes(group: str, words: Iterable[str]) -> Text:
    return each(words, lambda w: code(group, w), "、", ", ")


def items(words: Iterable[str], zh: str = "、", en: str = ", ") -> Text:
    return each(words, same, zh, en)


def glue(*parts: Text | None, zh: str = "；", en: str = "; ") -> Text:
    """Pieces of one description, skipping those a rule does not set."""
    return each([p for p in parts if p is not None], lambda p: p, zh, en)


def measure_codes(words: Iterable[str]) -> Text:
    """Measure items as the article numbers them: 第五、七、八项 / measure 五, 七 or 八."""
    words = list(words)
    en = "measures " + ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else f"measure {words[0]}"
    return Text(f"第{'、'.join(words)}项", en)


def years(count: int) -> str:
    """``1 year``, ``2 years`` (English)."""
    return f"{count} year" + ("" if count == 1 else "s")
