"""The CLI reference page, generated from the command tree so it cannot drift from the code."""

from __future__ import annotations

import click
import typer.main


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], path + [name])


def _param_row(param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        name = f"`{param.human_readable_name}`"
        help_text = getattr(param, "help", "") or ""
        kind = "argument, required" if param.required else "argument"
    else:
        name = ", ".join(f"`{o}`" for o in param.opts)
        help_text = getattr(param, "help", "") or ""
        kind = "required" if param.required else ("flag" if getattr(param, "is_flag", False) else "optional")
    return f"| {name} | {kind} | {help_text.replace('|', '/')} |"


def cli_reference() -> str:
    from qdledger_cli.main import app

    root = typer.main.get_command(app)
    lines = ["# CLI reference (命令参考)", "",
             "Generated from the code by `qdledger docs cli`; a test fails when this page is stale.", ""]
    for path, command in _walk(root, ["qdledger"]):
        if command.hidden:
            continue
        title = " ".join(path)
        lines += [f"## `{title}`", "", (command.help or "").strip(), ""]
        params = [p for p in command.params if p.name not in ("help",)]
        if params:
            lines += ["| parameter | kind | help |", "|---|---|---|"]
            lines += [_param_row(p) for p in params]
            lines.append("")
    return "\n".join(lines)
