"""The policy catalogue as data for people and scripts: list, show, and the generated docs page."""

from __future__ import annotations

from typing import Any

from qdledger.i18n import current_language
from qdledger.policy.loader import ProgramVersion, policy_book
from qdledger.policy.model import Program


def _name(program: Program) -> str:
    return program.name_en if current_language() == "en" else program.name_zh


def summary(version: ProgramVersion) -> dict[str, Any]:
    p = version.program
    return {"id": p.id, "name": _name(p), "name_zh": p.name_zh, "name_en": p.name_en, "kind": p.kind,
            "citation": p.citation.short(), "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat() if p.valid_to else None,
            "requires_good_credit": p.requires_good_credit, "version": version.version}


def list_programs() -> dict[str, Any]:
    return {"policies": [summary(v) for v in policy_book().all_latest()]}


def rule_parameters(rule: Any) -> dict[str, Any]:
    data = rule.model_dump(mode="json", exclude={"citation", "kind", "note"})
    return {k: v for k, v in data.items() if v is not None}


def show_program(program_id: str) -> dict[str, Any]:
    version = policy_book().latest(program_id)
    p = version.program
    rules = [{"id": f"{p.id}.{key}", "kind": rule.kind, "parameters": rule_parameters(rule), "note": rule.note,
              "citation": rule.citation.short(), "quote": rule.citation.quote} for key, rule in p.rules.items()]
    return {**summary(version), "rules": rules, "parameters": p.parameters}


def catalogue_markdown() -> str:
    """``docs/policy-catalogue.md``: every program and rule with its citation, generated from policies/."""
    lines = ["# Policy catalogue (政策目录)", "",
             "Generated from `policies/` by `qdledger docs policies`; a test fails when this page is stale.", ""]
    for version in policy_book().all_latest():
        p = version.program
        window = f"{p.valid_from} — {p.valid_to or 'open'}"
        lines += [f"## `{p.id}` {p.name_zh} / {p.name_en}", "",
                  f"- kind: `{p.kind}`; valid {window}; good research credit required: {'yes' if p.requires_good_credit else 'no'}",
                  f"- source: {p.citation.short()}", f"- version: `{version.version}`", ""]
        if p.rules:
            lines += ["| rule | kind | parameters | citation |", "|---|---|---|---|"]
            for key, rule in p.rules.items():
                params = rule.describe() if hasattr(rule, "describe") else ", ".join(f"{k}={_plain(v)}" for k, v in rule_parameters(rule).items())
                lines.append(f"| `{p.id}.{key}` | {rule.kind} | {params} | {rule.citation.short()} |")
            lines.append("")
            lines += [f"- `{p.id}.{key}`: " + " ".join(filter(None, [rule.note, f"「{rule.citation.quote}」" if rule.citation.quote else None]))
                      for key, rule in p.rules.items() if rule.note or rule.citation.quote]
            lines.append("")
        if p.parameters:
            lines += ["- readings: " + ", ".join(f"`{k}` = `{v}`" for k, v in p.parameters.items()), ""]
    return "\n".join(lines)


def _plain(value: Any) -> str:
    """A parameter as one table cell: lists in brackets, records as key=value."""
    if isinstance(value, list):
        return "[" + "; ".join(_plain(item) for item in value) + "]"
    if isinstance(value, dict):
        return " ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return str(value).replace("|", "/")
