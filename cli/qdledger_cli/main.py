"""The ``qdledger`` command: a thin shell over the library."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli.commands import demo, docs, enterprise, grant, lpr, policy, report
from qdledger_cli.runtime import session

app = typer.Typer(
    name="qdledger",
    help="qdledger — Qingdao science-and-technology fund ledger (青岛市科技资金台账). "
         "Every write is checked against the cited policy rules before anything is recorded.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,  # plain help: importing rich to format it would double the start-up time
)
app.add_typer(enterprise.app, name="enterprise")
app.add_typer(grant.app, name="grant")
app.add_typer(policy.app, name="policy")
app.add_typer(lpr.app, name="lpr")
app.add_typer(report.app, name="report")
app.add_typer(docs.app, name="docs")
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        from qdledger import __version__

        typer.echo(f"qdledger {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ledger: Annotated[str | None, typer.Option("--ledger", envvar="QDLEDGER_DB", help="SQLite file or postgresql:// URL (default ./qdledger.db)", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option("--actor", envvar="QDLEDGER_ACTOR", help="Who records (经办人); default the OS user", show_default=False)] = None,
    lang: Annotated[str | None, typer.Option("--lang", envvar="QDLEDGER_LANG", help="zh (default) or en")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No human output; exit code only (JSON still printed with --json)")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")] = False,
) -> None:
    """qdledger — Qingdao science-and-technology fund ledger."""
    from qdledger.i18n import set_language

    session.ledger, session.actor, session.quiet = ledger, actor, quiet
    if lang:
        if lang not in ("zh", "en"):
            raise typer.BadParameter("--lang must be zh or en")
        set_language(lang)


def run() -> None:
    app()
