"""What every command shares: the ledger it opens, who acts, output as JSON or tables, exit codes."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import typer

from qdledger.errors import LedgerError, RuleViolation
from qdledger.i18n import tr


@dataclass
class Session:
    ledger: str | None = None
    actor: str | None = None
    quiet: bool = False
    view_problems: list[str] = field(default_factory=list)
    ledger_given: bool = False  # --ledger on the command line, not from QDLEDGER_DB
    roles: str | None = None


session = Session()


def actor() -> str:
    if session.actor:
        return session.actor
    if os.environ.get("QDLEDGER_ACTOR"):
        return os.environ["QDLEDGER_ACTOR"]
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers): still record someone
        return "unknown"


def writes(command: Callable[..., None]) -> Callable[..., None]:
    """Mark a command that records to the ledger (place it under ``@app.command``): every such command
    takes ``--dry-run``, and only such a command may build a write context."""
    command.records = True  # type: ignore[attr-defined]  # copied onto typer's wrapper by update_wrapper
    return command


def is_write(command: Any) -> bool:
    """Whether a click command (as typer built it) was marked with ``writes``."""
    return bool(getattr(getattr(command, "callback", None), "records", False))


def context(reference: str = "", idempotency_key: str | None = None, dry_run: bool = False):
    from qdledger.ledger.application import Context

    ctx = _click_context()
    if ctx is not None and not (is_write(ctx.command) and "dry_run" in ctx.params):
        raise RuntimeError(f"command {ctx.command_path} records to the ledger but is not marked as a write "
                           f"(qdledger_cli.runtime.writes) with --dry-run")

    return Context(actor=actor(), reference=reference or "", idempotency_key=idempotency_key, dry_run=dry_run)


def run(as_json: bool, action: Callable[[Any], dict[str, Any]],
        render: Callable[[dict[str, Any]], None] | None = None, *, needs_ledger: bool = True,
        exit_code_of: Callable[[dict[str, Any]], int] | None = None) -> None:
    """Open the ledger, run ``action(ledger)``, print the result; refusals and bad input never trace."""
    ledger = None
    try:
        check_arguments()
        if needs_ledger:
            from qdledger.ledger.storage import open_ledger

            ledger = open_ledger(session.ledger)
            _follow_views(ledger)
            if session.roles:
                from qdledger.access import load_access

                ledger.access = load_access(session.roles)
        result = action(ledger)
    except LedgerError as error:
        _report(error, as_json)
        raise typer.Exit(error.exit_code) from None
    except Exception as error:  # a defect, not the user's fault: say so plainly, no traceback
        internal(error, as_json)
    finally:
        if ledger is not None:
            ledger.close()
    for problem in session.view_problems:
        typer.echo(tr(f"注意：查询库未能更新（{problem}），请运行 qdledger rebuild",
                      f"note: the read models were not updated ({problem}); run qdledger rebuild"), err=True)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif render is not None and not session.quiet:
        if isinstance(result, dict):
            from qdledger_cli.explain import before_result

            before_result(result, _given("idempotency_key"))
        render(result)
    if exit_code_of:
        code = exit_code_of(result)
        if code:
            raise typer.Exit(code)


def _given(name: str) -> Any:
    """A parameter of the command being run, as given on the command line (None when it has none)."""
    ctx = _click_context()
    return ctx.params.get(name) if ctx is not None else None


def _click_context() -> Any:
    try:  # typer ships its own copy of click; older releases use click itself
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context
    return get_current_context(silent=True)


def _follow_views(ledger: Any) -> None:
    """Once a read-model file exists, every write brings it up to date."""
    from pathlib import Path

    from qdledger.ledger.storage import ledger_location
    from qdledger.views.location import follow, views_location

    path = views_location(ledger_location(session.ledger))
    if path and Path(path).exists():
        from qdledger_cli.progress import catch_up_progress

        ledger.followers.append(follow(path, session.view_problems, catch_up_progress()))
def check_arguments() -> None:
    """Refuse arguments no ledger should hold: undecodable bytes (a broken encoding) or control characters."""
    from qdledger.errors import BadInput
    from qdledger.i18n import Text

    ctx = _click_context()
    while ctx is not None:
        for name, value in ctx.params.items():
            if isinstance(value, str) and not _printable(value):
                raise BadInput(Text(f"参数 {name} 含有无法识别的字符（编码错误或控制字符）",
                                    f"argument {name} holds undecodable bytes or control characters"), field=name)
        ctx = ctx.parent


def _printable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in text)


HEADINGS = {"not_permitted": ("无权操作（未写入任何内容）", "Not permitted (nothing written)"),
            "conflict": ("未完成（未写入任何内容）", "Not done (nothing written)"),
            "batch_refused": ("整批未写入", "Nothing of the batch was written")}


def _report(error: LedgerError, as_json: bool) -> None:
    body = error.as_dict()
    if as_json:
        print(json.dumps({"error": body}, ensure_ascii=False, indent=2))
        return
    if isinstance(error, RuleViolation):
        lines = [tr("已拒绝（未写入任何内容）", "Refused (nothing written)") + f" [{error.rule}]: {error.message}",
                 tr("依据", "Citation") + f": {error.citation}"]
        from qdledger_cli.explain import refusal_numbers

        shown = refusal_numbers(body)
        if shown:
            lines.append(shown)
        if error.hint:
            lines.append(tr("如何通过", "To pass") + f": {error.hint.render()}")
    else:
        heading = HEADINGS.get(error.code, ("输入有误（未写入任何内容）", "Bad input (nothing written)"))
        lines = [tr(*heading) + f": {error.message}"]
    lines += [_problem_line(p) for p in body.get("problems") or []]
    typer.echo("\n".join(lines), err=True)


def internal(error: Exception, as_json: bool) -> None:
    """A defect, not the user's fault: say so plainly, without a traceback, and exit 4."""
    if isinstance(error, BrokenPipeError):
        raise error  # the reader went away (``| head``): not a defect
    message = tr(f"内部错误：{type(error).__name__}: {error}；未写入任何内容",
                 f"internal error: {type(error).__name__}: {error}; nothing was written")
    _report_raw({"code": "internal", "message": message}, as_json)
    raise typer.Exit(4) from None


def fail(error: LedgerError, as_json: bool) -> None:
    """Report an expected failure met outside ``run`` and exit with its code."""
    _report(error, as_json)
    raise typer.Exit(error.exit_code)


def usage_error(error: Exception) -> int:
    """A command line that does not parse, under ``--json``: the contract's error object, exit 2."""
    from qdledger_cli.help_lang import usage_text

    message = usage_text(error.format_message() if hasattr(error, "format_message") else str(error))
    body = {"code": "usage", "rule": None, "citation": None, "message": message,
            "limit": None, "used": None, "requested": None, "excess": None}
    print(json.dumps({"error": body}, ensure_ascii=False, indent=2))
    return int(getattr(error, "exit_code", 2) or 2)


def _problem_line(problem: dict[str, Any]) -> str:
    """One problem of a refused batch: where (row, column) and what."""
    where = [tr(f"第 {problem['row']} 行", f"row {problem['row']}")] if problem.get("row") is not None else []
    column = problem.get("column") or problem.get("field")
    if column:
        where.append(f"[{column}]")
    rule = f" [{problem['rule']}] " if problem.get("rule") else " "
    cite = f" ({problem['citation']})" if problem.get("citation") else ""
    return f"  {' '.join(where) or '-'}:{rule}{problem['message']}{cite}"


def _report_raw(body: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"error": body}, ensure_ascii=False, indent=2))
    else:
        typer.echo(body["message"], err=True)


def show_fields(title: str, rows: list[tuple[str, Any]]) -> None:
    """A two-column table for people."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")  # Chinese runs have no spaces to wrap at: fold them, never cut them off
    for name, value in rows:
        table.add_row(name, "—" if value is None else str(value))
    Console(file=sys.stdout).print(table)


def show_table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*["—" if v is None else str(v) for v in row])
    Console(file=sys.stdout).print(table)


def say(message: str) -> None:
    if not session.quiet:
        typer.echo(message)
