"""The ``qdledger`` command: a thin shell over the library."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli.commands import audit, demo, docs, enterprise, equity, export, grant, guarantee, history, imports
from qdledger_cli.commands import insurance, integrity, loan, lpr, policy, recovery, report, subsidy, views
from qdledger_cli.runtime import session

app = typer.Typer(
    name="qdledger",
    help="qdledger — Qingdao science-and-technology fund ledger (青岛市科技资金台账). "
         "Every write is checked against the cited policy rules before anything is recorded. "
         "Example: qdledger demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,  # plain help: importing rich to format it would double the start-up time
)
app.add_typer(enterprise.app, name="enterprise")
app.add_typer(grant.app, name="grant")
app.add_typer(equity.app, name="equity")
app.add_typer(policy.app, name="policy")
app.add_typer(lpr.app, name="lpr")
app.add_typer(report.app, name="report")
app.add_typer(docs.app, name="docs")
app.add_typer(integrity.app, name="integrity")
app.add_typer(recovery.app, name="recovery")
app.add_typer(loan.app, name="loan")
app.add_typer(guarantee.app, name="guarantee")
app.add_typer(insurance.app, name="insurance")
app.add_typer(subsidy.app, name="subsidy")
app.command("demo")(demo.demo)
app.command("digest")(audit.digest)
app.command("verify")(audit.verify)
app.command("history")(history.history)
app.command("rebuild")(views.rebuild)
app.add_typer(views.app, name="views")
app.add_typer(export.app, name="export")
app.command("import")(imports.import_file)
app.command("import-template")(imports.import_template)


def _version(value: bool) -> None:
    if value:
        from qdledger import __version__

        typer.echo(f"qdledger {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    ledger: Annotated[str | None, typer.Option("--ledger", envvar="QDLEDGER_DB", help="SQLite file or postgresql:// URL (default ./qdledger.db)", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option("--actor", envvar="QDLEDGER_ACTOR", help="Who records (经办人); default the OS user", show_default=False)] = None,
    lang: Annotated[str | None, typer.Option("--lang", envvar="QDLEDGER_LANG", help="zh (default) or en")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No human output; exit code only (JSON still printed with --json)")] = False,
    roles: Annotated[str | None, typer.Option("--roles", envvar="QDLEDGER_ROLES", help="Roles file (TOML: actor = role); without one everyone may write (角色文件)", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")] = False,
) -> None:
    """qdledger — Qingdao science-and-technology fund ledger."""
    from qdledger.i18n import set_language

    session.ledger, session.actor, session.quiet = ledger, actor, quiet
    source = ctx.get_parameter_source("ledger")
    session.ledger_given = source is not None and source.name == "COMMANDLINE"
    session.roles = roles
    if lang:
        if lang not in ("zh", "en"):
            raise typer.BadParameter("--lang must be zh or en")
        set_language(lang)


def run() -> None:
    """Run the command; quietly stop when the reader of the output goes away (``| head``)."""
    import os
    import sys

    try:
        _run()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def _run() -> None:
    """Run the command; with ``--json`` even a usage error is one JSON object (exit 2)."""
    import sys

    from qdledger_cli.help_lang import localize_help

    localize_help(sys.argv[1:])
    if "--json" not in sys.argv[1:]:
        app()
        return
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:
        from qdledger_cli.runtime import usage_error

        code = usage_error(error)
    except typer.Abort:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
