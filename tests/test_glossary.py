"""The glossary names commands a user can type; each must exist, with the options it names."""

from __future__ import annotations

import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
NAMED = re.compile(r"`(qdledger [^`]+)`")
TERMS = ("立项", "拨付", "首期", "中期评估", "验收", "追回", "暂停拨付", "科研失信", "禁止期", "信用修复", "复查",
         "拨改投", "收益让渡", "回购", "循环滚动投资", "受托管理机构", "贴息", "青科贷", "投（保）贷", "担保费",
         "青科保", "就高不重复", "业务日期", "统一社会信用代码", "LPR")


def _entries() -> list[tuple[str, str]]:
    """(term, whole table row) for every glossary entry."""
    rows = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return [(row.split("|")[1].strip(), row) for row in rows if row.split("|")[1].strip() != "中文"]


def _commands() -> dict[tuple[str, ...], set[str]]:
    """Every command path of the CLI with its option names, walked as the CLI reference walks it."""
    import typer.main

    from qdledger_cli.main import app
    from qdledger_cli.reference import _walk

    found = {}
    for path, command in _walk(typer.main.get_command(app), ["qdledger"]):
        found[tuple(path)] = {opt for p in command.params for opt in getattr(p, "opts", [])}
    return found


def _resolve(text: str, commands: dict[tuple[str, ...], set[str]]) -> tuple[tuple[str, ...], list[str]]:
    """The command path a `qdledger ...` span names, and the options it mentions."""
    words = text.split()
    path = tuple(w for w in words if not w.startswith("-"))
    while path and path not in commands:
        path = path[:-1]  # trailing words are option values, e.g. --mode tou-dai
    return path, [w for w in words if w.startswith("--")]


def test_glossary_has_the_terms_users_meet():
    terms = " ".join(term for term, _ in _entries())
    assert [t for t in TERMS if t not in terms] == []


def test_every_named_command_exists():
    commands = _commands()
    problems = []
    for term, row in _entries():
        for text in NAMED.findall(row):
            path, options = _resolve(text, commands)
            named = tuple(w for w in text.split() if not w.startswith("-"))
            if len(path) < 2 or (named[len(path):] and not options):
                problems.append(f"{term}: `{text}` is not a qdledger command")
            elif unknown := [o for o in options if o not in commands[path]]:
                problems.append(f"{term}: `{text}`: {' '.join(path)} has no option {', '.join(unknown)}")
    assert problems == []


def test_every_entry_says_where_it_appears():
    bare = [term for term, row in _entries() if "qdledger" not in row and "--" not in row]
    assert bare == []
