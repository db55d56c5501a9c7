"""The ``qdledger`` command: a thin shell over the library."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli.lazy import Entry, lazy_group
from qdledger_cli.runtime import session

# Every top-level command, in the order of the help listing; imported only when invoked.
# The help is the first paragraph of the command's own (a test keeps the two equal).
COMMANDS = (
    Entry("demo", "qdledger_cli.commands.demo:demo",
          "Walk a realistic fund history: registrations, a staged grant, refusals explained, trial balance (演示). Example: qdledger demo"),
    Entry("digest", "qdledger_cli.commands.audit:digest",
          "Print the chain's position and digest, to keep outside the system (摘要). Example: qdledger digest --out kept-digest.txt"),
    Entry("verify", "qdledger_cli.commands.audit:verify",
          "Recompute the chain, replay every aggregate, re-check every invariant; exit 1 naming the first bad position (核验). Example: qdledger verify --digest 1234:9f2c…"),
    Entry("history", "qdledger_cli.commands.history:history",
          "Show an entity's history with the rules behind each amount and running totals (历史). Example: qdledger history grant:G1 --as-of 2025-12-31"),
    Entry("rebuild", "qdledger_cli.commands.views:rebuild",
          "Build the read-model file anew from the whole event log (重建查询库). Example: qdledger rebuild --json"),
    Entry("import", "qdledger_cli.commands.imports:import_file",
          "Import a batch file: check every row, report every problem by row, then record all rows at once or none (批量导入). Re-importing a file records nothing new. Example: qdledger import releases.csv"),
    Entry("import-template", "qdledger_cli.commands.imports:import_template",
          "Write a template for batch files: the header and one example row per kind, and list the columns (导入模板). Example: qdledger import-template release --out releases.csv"),
    Entry("enterprise", "qdledger_cli.commands.enterprise:app",
          "Parties: enterprises, institutes, universities, platforms (主体登记与查询). Example: qdledger enterprise show E001"),
    Entry("grant", "qdledger_cli.commands.grant:app",
          "Grants paid in stages (项目资助：立项、分期拨付、中期评估、验收). Example: qdledger grant show G1"),
    Entry("equity", "qdledger_cli.commands.equity:app",
          "拨改投 equity positions and exit concessions (股权投资与收益让渡). Example: qdledger equity positions --status open"),
    Entry("policy", "qdledger_cli.commands.policy:app",
          "Policies as data, with citations (政策规则). Example: qdledger policy list"),
    Entry("lpr", "qdledger_cli.commands.lpr:app",
          "Loan Prime Rate fixings (贷款市场报价利率). Example: qdledger lpr list"),
    Entry("report", "qdledger_cli.commands.report:app",
          "Reports (报表). Example: qdledger report trial-balance"),
    Entry("docs", "qdledger_cli.commands.docs:app",
          "Generate documentation pages from the code and policies (生成文档). Example: qdledger docs cli --out docs/cli-reference.md"),
    Entry("integrity", "qdledger_cli.commands.integrity:app",
          "Research-integrity cases: suspension, decisions, bans, repair (科研诚信案件). Example: qdledger integrity list --as-of 2027-01-01"),
    Entry("recovery", "qdledger_cli.commands.recovery:app",
          "Recoveries: orders, repayments, reversals (追回款). Example: qdledger recovery show G1"),
    Entry("loan", "qdledger_cli.commands.loan:app",
          "Loans a subsidy can pay on (贷款登记与还款). Example: qdledger loan show A"),
    Entry("guarantee", "qdledger_cli.commands.guarantee:app",
          "Credit-enhancement fees a subsidy can pay on (担保/保险增信登记). Example: qdledger guarantee register G1 --loan L1 --fee-rate 1.5"),
    Entry("insurance", "qdledger_cli.commands.insurance:app",
          "青科保 insurance policies (保单登记). Example: qdledger insurance register P1 --enterprise E001 --premium 8万 --start 2025-03-01"),
    Entry("subsidy", "qdledger_cli.commands.subsidy:app",
          "Subsidies and awards: claim, pay, show (补贴与奖补：核定、拨付). Example: qdledger subsidy list --enterprise E001"),
    Entry("views", "qdledger_cli.commands.views:app",
          "Read models: SQLite tables for any SQLite tool or Datasette (查询库). Example: qdledger views update"),
    Entry("export", "qdledger_cli.commands.export:app",
          "Exports for auditors: CSV, JSON, XLSX and the auditor bundle (导出). Example: qdledger export bundle audit-2025"),
)

app = typer.Typer(
    name="qdledger",
    help="qdledger — Qingdao science-and-technology fund ledger (青岛市科技资金台账). "
         "Every write is checked against the cited policy rules before anything is recorded. "
         "Example: qdledger demo",
    no_args_is_help=True,
    cls=lazy_group(COMMANDS),
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,  # plain help: importing rich to format it would double the start-up time
)


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
