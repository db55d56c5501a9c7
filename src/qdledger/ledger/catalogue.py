"""The event catalogue (docs/events.md), read from the event classes so it cannot drift from them."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from typing import Any

import qdledger
from qdledger.ledger import accounts
from qdledger.ledger.events import LedgerEvent

BASE_FIELDS = ("originator_id", "originator_version", "timestamp", "originator_topic")
ENVELOPE = ("business_date", "actor", "reference")


def load_all_modules() -> None:
    """Import every module of the library, so every event class is defined."""
    for module in pkgutil.walk_packages(qdledger.__path__, "qdledger."):
        importlib.import_module(module.name)


def event_classes() -> list[type[LedgerEvent]]:
    """Every concrete fact class of the library (intermediate bases such as GrantEvent are left out;
    classes defined elsewhere, by a test say, are not the library's facts)."""
    load_all_modules()
    found: list[type[LedgerEvent]] = []
    pending = _own(LedgerEvent.__subclasses__())
    while pending:
        cls = pending.pop()
        subclasses = _own(cls.__subclasses__())
        pending.extend(subclasses)
        if not subclasses and cls not in found:
            found.append(cls)
    return sorted(found, key=topic)


def _own(classes: list[type]) -> list[type]:
    return [cls for cls in classes if cls.__module__.startswith("qdledger.")]


def topic(cls: type) -> str:
    """The name the event is stored under (``module:QualName``); renaming it breaks replay."""
    return f"{cls.__module__}:{cls.__qualname__}"


def own_fields(cls: type) -> list[tuple[str, str]]:
    """(name, type) of the fields the fact adds to the envelope every fact carries."""
    skip = set(BASE_FIELDS) | set(ENVELOPE)
    return [(f.name, _type_name(f.type)) for f in dataclasses.fields(cls) if f.name not in skip]


def _type_name(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return text.replace(" | None", ", optional").replace("|", " or ")


def posting_accounts(cls: type) -> list[str]:
    """Accounts named in the class's ``postings()``, in chart order; empty for facts that move no money."""
    owner = next((c for c in cls.__mro__ if "postings" in vars(c)), LedgerEvent)
    if owner is LedgerEvent:
        return []
    source = inspect.getsource(vars(owner)["postings"])
    names = {name: value for name, value in vars(accounts).items() if name.isupper() and isinstance(value, str) and value in accounts.CHART}
    return [value for name, value in names.items() if re.search(rf"\b{name}\b", source)]


def _doc(cls: type) -> str:
    """The class's own docstring (an aggregate's nested events are re-created, so look along the MRO)."""
    for klass in cls.__mro__:
        if klass is LedgerEvent or not issubclass(klass, LedgerEvent):
            return ""
        doc = vars(klass).get("__doc__") or ""
        if doc and not doc.startswith(f"{klass.__name__}("):  # not the signature dataclasses write
            return inspect.cleandoc(doc)
    return ""


def entry(cls: type[LedgerEvent]) -> dict[str, Any]:
    money = set(getattr(cls, "money_fields", ()))
    return {"name": cls.__qualname__, "topic": topic(cls), "doc": _doc(cls),
            "fields": [{"name": n, "type": "fen (JSON: yuan string)" if n in money else t} for n, t in own_fields(cls)],
            "accounts": posting_accounts(cls)}


def events_markdown() -> str:
    """``docs/events.md``: every fact the ledger can record, its fields and the accounts it posts to."""
    lines = ["# Event catalogue (事件目录)", "",
             "Generated from the event classes by `qdledger docs events`; a test fails when this page is stale.", "",
             "Every event is a fact in the past tense, appended to one aggregate and never changed. Besides its own",
             "fields, each carries the envelope: `business_date` (业务日期, when it took effect), `timestamp` (when it",
             "was recorded), `actor` (who recorded it) and `reference` (voucher, contract or decision number).",
             "Amounts are integer fen. Postings are debit positive, credit negative, and sum to zero per event.", "",
             "## Chart of accounts (会计科目)", "", "| account | 中文 | English |", "|---|---|---|"]
    lines += [f"| `{code}` | {text.zh} | {text.en} |" for code, text in accounts.CHART.items()]
    lines.append("")
    for item in (entry(cls) for cls in event_classes()):
        lines += [f"## `{item['name']}`", "", item["doc"] or "(no description)", "", f"- stored as `{item['topic']}`"]
        posted = ", ".join(f"`{a}`" for a in item["accounts"]) or "none (moves no money)"
        lines += [f"- posts to: {posted}", ""]
        if item["fields"]:
            lines += ["| field | type |", "|---|---|"]
            lines += [f"| `{f['name']}` | {f['type']} |" for f in item["fields"]]
            lines.append("")
    return "\n".join(lines)
