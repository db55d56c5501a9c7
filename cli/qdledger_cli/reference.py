"""The CLI reference page, generated from the command tree so it cannot drift from the code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SKIPPED = {"help", "install_completion", "show_completion"}  # the shell's, not qdledger's


def _walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    yield path, command
    for name in sorted(getattr(command, "commands", {})):  # groups have sub-commands
        yield from _walk(command.commands[name], path + [name])


def _param_row(path: str, param: Any) -> str:
    from qdledger_cli.help_lang import param_help

    help_text = (getattr(param, "help", "") or "").replace("|", "/")
    chinese = (param_help(path, param) or "").replace("|", "/")
    if param.param_type_name == "argument":
        name = f"`{param.metavar or param.name.upper()}`"
        kind = "argument, required" if param.required else "argument"
    else:
        name = ", ".join(f"`{o}`" for o in param.opts)
        kind = "required" if param.required else ("flag" if getattr(param, "is_flag", False) else "optional")
        if param.envvar:
            help_text += f" (env `{param.envvar}`)"
    return f"| {name} | {kind} | {chinese} | {help_text} |"


def _chinese(path: str, english: str) -> str:
    """The Chinese help as one paragraph: description, then the example in code."""
    from qdledger_cli.help_lang import example
    from qdledger_cli.help_zh import COMMANDS

    shown = example(english)
    return COMMANDS.get(path, "") + (f"示例：`{shown}`" if shown else "")


def cli_reference() -> str:
    import typer.main

    from qdledger_cli.main import app

    root = typer.main.get_command(app)
    lines = ["# CLI reference (命令参考)", "",
             "Generated from the code by `qdledger docs cli`; a test fails when this page is stale. "
             "Each command and parameter shows its Chinese help (as `--help` prints it by default) and its "
             "English help (`--lang en`).", ""]
    for path, command in _walk(root, ["qdledger"]):
        if command.hidden:
            continue
        title, english = " ".join(path), (command.help or "").strip()
        lines += [f"## `{title}`", "", _chinese(" ".join(path[1:]), english), "", english, ""]
        params = [p for p in command.params if p.name not in SKIPPED]
        if params:
            lines += ["| parameter | kind | 说明 | help |", "|---|---|---|---|"]
            lines += [_param_row(" ".join(path[1:]), p) for p in params]
            lines.append("")
    return "\n".join(lines)
