"""Bilingual text: every message a user reads exists in Chinese (default) and English."""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass

LANGUAGES = ("zh", "en")
_lang: ContextVar[str] = ContextVar("qdledger_lang", default="")


def current_language() -> str:
    """The language chosen for this run: set explicitly, else ``QDLEDGER_LANG``, else Chinese."""
    chosen = _lang.get() or os.environ.get("QDLEDGER_LANG", "zh")
    return chosen if chosen in LANGUAGES else "zh"


def set_language(lang: str) -> None:
    _lang.set(lang)


@dataclass(frozen=True)
class Text:
    """One message in both languages; rendered in the run's language."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: str | None = None) -> str:
        return self.en if (lang or current_language()) == "en" else self.zh


def tr(zh: str, en: str) -> str:
    """Pick the run's language for a short label."""
    return Text(zh, en).render()
