"""The policy catalogue as data for people and scripts: list, show, and the generated docs page."""

from __future__ import annotations

from typing import Any

from qdledger.i18n import Text, current_language
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


def rule_words(rule_id: str) -> str:
    """A rule as a sentence in the run's language: ``项目支持上限：不超过项目总投入的 1/3，且最高 …``."""
    from qdledger.labels import CATALOGUE

    program_id, _, key = rule_id.partition(".")
    rule = policy_book().latest(program_id).program.rules[key]
    name, words = CATALOGUE["rule_kind"][rule.kind], rule.describe()
    return Text(f"{name.zh}：{words.zh}", f"{name.en}: {words.en}").render()


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
            lines += ["| rule | kind | meaning (含义) | citation |", "|---|---|---|---|"]
            for key, rule in p.rules.items():
                words = rule.describe()
                lines.append(f"| `{p.id}.{key}` | {rule.kind} | {_cell(words.zh)}<br>{_cell(words.en)} | {rule.citation.short()} |")
            lines.append("")
            lines += [f"- `{p.id}.{key}`: " + " ".join(filter(None, [rule.note, f"「{rule.citation.quote}」" if rule.citation.quote else None]))
                      for key, rule in p.rules.items() if rule.note or rule.citation.quote]
            lines.append("")
        if p.parameters:
            lines += ["- readings: " + ", ".join(f"`{k}` = `{v}`" for k, v in p.parameters.items()), ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text inside one markdown table cell."""
    return text.replace("|", "/")
