"""``--help`` in the run's language: Chinese from ``help_zh``, unless ``--lang en`` or ``QDLEDGER_LANG=en``.

The English help is the one written beside the code. Help is printed while click parses, before the
``--lang`` option is applied, so the language is read from the arguments and the environment first;
only the command whose help is being printed (and its sub-commands' one-line summaries) is translated.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any

from qdledger_cli import help_zh

ENGLISH_EXAMPLE = "Example:"
_chinese = False  # set by localize_help for this run


def localize_help(argv: list[str]) -> None:
    """Choose the help language for this run from ``argv`` and the environment, before click parses."""
    global _chinese
    _chinese = help_language(argv, os.environ) != "en"
    if _chinese:
        _install()


def help_language(argv: list[str], environ: Any) -> str:
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return environ.get("QDLEDGER_LANG") or "zh"


def _install() -> None:
    """Translate at the moment help is made: ``--help``, or a group called without a command."""
    try:  # typer ships its own copy of click; older releases use click itself
        from typer._click.core import Context
    except ImportError:
        from click import Context
    english = Context.get_help
    if getattr(english, "translates", False):
        return

    def get_help(ctx: Any) -> str:
        if not _chinese:
            return english(ctx)
        translate(ctx)
        return chinese_labels(english(ctx))

    get_help.translates = True  # type: ignore[attr-defined]
    Context.get_help = get_help
    _install_usage_errors()


def _install_usage_errors() -> None:
    """Click's usage errors ("Missing option", "No such command" …) in Chinese, on stderr as before."""
    try:
        from typer._click.exceptions import ClickException, UsageError
    except ImportError:
        from click.exceptions import ClickException, UsageError
    for cls in (ClickException, UsageError):  # a usage error shows itself its own way
        english = cls.__dict__["show"]
        if not getattr(english, "translates", False):
            cls.show = _translated(english)


def _translated(english: Any) -> Any:
    def show(error: Any, file: Any = None) -> None:
        if not _chinese:
            return english(error, file)
        shown = io.StringIO()
        english(error, shown)
        (file or sys.stderr).write(usage_text(shown.getvalue()))

    show.translates = True  # type: ignore[attr-defined]
    return show


def usage_text(text: str) -> str:
    """A usage error as click words it, in Chinese when the run is (names and values kept)."""
    import re

    if not _chinese:
        return text
    for pattern, chinese in help_zh.USAGE_ERRORS:
        text = re.sub(pattern, chinese, text, flags=re.M)
    return text


def translate(ctx: Any) -> None:
    """Put the Chinese help on the click objects of the command ``ctx`` is about to describe."""
    command, path = ctx.command, command_path(ctx)
    if getattr(command, "help_in_chinese", False):
        return
    command.help_in_chinese = True
    command.help = command_help(path, command.help or "")
    for param in command.get_params(ctx):
        param.help = param_help(path, param) or param.help
    for name in getattr(command, "list_commands", lambda _: [])(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None:
            sub.short_help = help_zh.COMMANDS.get(join(path, name), sub.short_help)


def chinese_labels(text: str) -> str:
    """Click's own headings and marks in Chinese (a mark may have been wrapped across lines)."""
    import re

    for english, chinese in help_zh.LABELS.items():
        text = re.sub(re.escape(english).replace(r"\ ", r"\s+"), chinese, text)
    return text


def command_path(ctx: Any) -> str:
    """The command's path below ``qdledger``, e.g. "grant award" ("" for qdledger itself)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


def join(path: str, name: str) -> str:
    return f"{path} {name}".strip()


def example(english: str) -> str | None:
    """The example of an English help text: what follows ``Example:``."""
    head, found, tail = english.partition(ENGLISH_EXAMPLE)
    return tail.strip() if found else None


def command_help(path: str, english: str) -> str:
    """Chinese description, then the example from the English help (kept on one line)."""
    chinese = help_zh.COMMANDS.get(path)
    if chinese is None:
        return english
    shown = example(english)
    return f"{chinese}\n\n\b\n示例：{shown}" if shown else chinese


def param_key(param: Any) -> str:
    """How the catalogue names a parameter: an option by its long name, an argument by its metavar."""
    if param.param_type_name == "argument":
        return param.metavar or param.name.upper()
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def param_help(path: str, param: Any) -> str | None:
    key = param_key(param)
    return help_zh.PER_COMMAND.get(path, {}).get(key) or help_zh.OPTIONS.get(key)
