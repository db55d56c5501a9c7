"""qdledger integrity …: research-integrity cases — open with suspension, decide, repair, review, show, list."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.runtime import context, run, show_fields, show_table, writes

app = typer.Typer(help="Research-integrity cases: suspension, decisions, bans, repair (科研诚信案件). Example: qdledger integrity list --as-of 2027-01-01", no_args_is_help=True)
CaseId = Annotated[str, typer.Argument(metavar="CASE", help="The case's id, e.g. C2026-003")]


@app.command("open")
@writes
def open_(
    case: CaseId,
    party: Annotated[str, typer.Option("--party", help="Id of the party the case is about (责任主体)", show_default=False)],
    date: opt.Date,
    suspend: Annotated[str | None, typer.Option("--suspend", help="暂停拨付 (Art. 20): all (default: every open grant of the party), none, or GRANT[,GRANT...]")] = None,
    grounds: Annotated[str | None, typer.Option("--grounds", help="Misconduct items of Art. 11, e.g. 八 or 4,8 (失信行为)")] = None,
    hold_applications: Annotated[bool, typer.Option("--hold-applications", help="Also 暂停受理申报 (Art. 20): no new award requiring good research credit until the decision")] = False,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Open a case; with 暂停拨付 every release to the suspended grants is refused from now on (立案). Example: qdledger integrity open C1 --party E001 --date 2026-09-01 --suspend all --grounds 八"""
    from qdledger.dates import parse_date
    from qdledger.integrity.cases import open_case

    run(as_json, lambda ledger: open_case(ledger, context(reference, idempotency_key, dry_run), case_id=case, party=party,
                                          day=parse_date(date), suspend=suspend, grounds=grounds,
                                          hold_applications=hold_applications), render_case)


@app.command("decide")
@writes
def decide(
    case: CaseId,
    severity: Annotated[str, typer.Option("--severity", help="较轻/minor, 较重/serious, 严重/grave, 特别严重/extreme (情节)", show_default=False)],
    date: opt.Date,
    ban_years: Annotated[int | None, typer.Option("--ban-years", help="Ban term in years, from the decision date less the days suspended (禁止期限)")] = None,
    measures: Annotated[str | None, typer.Option("--measures", help="Measures of Art. 12, e.g. 二,四,五,九; default: what the other options imply (处理措施)")] = None,
    terminate: Annotated[str | None, typer.Option("--terminate", help="all or GRANT[,GRANT...]: projects terminated, commitment released (终止项目)")] = None,
    recover: Annotated[str | None, typer.Option("--recover", help="all (everything disbursed) or an AMOUNT to recover (追回)")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why a named amount is recovered (追回理由)")] = "",
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record the decision (处理决定): severity, measures, ban, terminations, recovery. Example: qdledger integrity decide C1 --severity 严重 --date 2026-12-01 --ban-years 4 --terminate all --recover all"""
    from qdledger.dates import parse_date
    from qdledger.integrity.cases import decide_case

    run(as_json, lambda ledger: decide_case(
        ledger, context(reference, idempotency_key, dry_run), case_id=case, severity=severity, day=parse_date(date),
        ban_years=ban_years, measures=measures, terminate=terminate, recover=recover, reason=reason), render_case)


@app.command("repair")
@writes
def repair(
    case: CaseId,
    date: opt.Date,
    ban_until: Annotated[str | None, typer.Option("--ban-until", help="New, earlier end of the ban YYYY-MM-DD (减少惩戒期限)")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the party from the 异常名录 as of --date (移出名录)")] = False,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record a credit repair (信用修复, Art. 18): an earlier ban end, or removal. Example: qdledger integrity repair C1 --date 2028-06-01 --ban-until 2029-06-01"""
    from qdledger.dates import parse_date
    from qdledger.integrity.cases import repair_case

    run(as_json, lambda ledger: repair_case(
        ledger, context(reference, idempotency_key, dry_run), case_id=case, day=parse_date(date),
        ban_until=parse_date(ban_until, "ban_until") if ban_until else None, remove=remove), render_case)


@app.command("review")
@writes
def review(
    case: CaseId,
    date: opt.Date,
    result: Annotated[str, typer.Option("--result", help="requested (复查申请), upheld (维持) or revoked (撤销: recoveries reversed, ban ended)")] = "requested",
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record a review (复查, Art. 23); the decision keeps running meanwhile. Example: qdledger integrity review C1 --date 2026-12-15"""
    from qdledger.dates import parse_date
    from qdledger.integrity.cases import review_case

    run(as_json, lambda ledger: review_case(ledger, context(reference, idempotency_key, dry_run), case_id=case,
                                            day=parse_date(date), result=result), render_case)


@app.command("show")
def show(case: CaseId, as_json: opt.Json = False) -> None:
    """Show a case: party, severity, ban, days suspended, recovery (案件详情). Example: qdledger integrity show C1 --json"""
    from qdledger.integrity.cases import show_case

    run(as_json, lambda ledger: show_case(ledger, case), render_case)


@app.command("list")
def list_(
    as_of: Annotated[str | None, typer.Option("--as-of", help="The list as it stood on this business date (default today)")] = None,
    as_json: opt.Json = False,
) -> None:
    """The 科研诚信异常名录 on a date: party, severity, ban end, receivable outstanding. Example: qdledger integrity list --as-of 2027-01-01"""
    from qdledger.dates import parse_date, today
    from qdledger.integrity.cases import list_cases

    run(as_json, lambda ledger: list_cases(ledger, parse_date(as_of, "as_of") if as_of else today()), render_list)


def render_case(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import cell

    recovery = view["recovery"]
    rows = [(tr(zh, en), value) for zh, en, value in (
        ("责任主体", "party", f"{view['party']} {view['party_name']}"), ("状态", "status", cell("status", view["status"], "case_status")),
        ("立案日期", "opened", view["opened_on"]), ("失信行为", "grounds", _items(view["grounds"])),
        ("暂停拨付项目", "suspended grants", ", ".join(view["suspended_grants"]) or None),
        ("情节", "severity", cell("severity", view["severity"])), ("决定日期", "decided", view["decided_on"]),
        ("处理措施", "measures", _items(view["measures"])), ("禁止期限（年）", "ban years", view["ban_years"]),
        ("折抵暂停天数", "days suspended", view["suspended_days"]), ("禁止期至（不含）", "ban until (excl.)", view["ban_until"]),
        ("终止项目", "terminated", ", ".join(view["terminated"]) or None),
        ("释放未拨承诺", "commitment released", cell("released_commitment", view["released_commitment"])),
        ("追回决定金额", "recovery ordered", cell("ordered", recovery["ordered"])), ("已还", "repaid", cell("repaid", recovery["repaid"])),
        ("应收余额", "outstanding", cell("outstanding", recovery["outstanding"])))]
    show_fields(tr("诚信案件", "Integrity case") + f" {view['id']}", rows)


def render_list(result: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import cell, yes_no

    show_table(tr("科研诚信异常名录", "Research-integrity list") + f" {result['as_of']}",
               [tr("主体", "party"), tr("名称", "name"), tr("案件", "case"), tr("情节", "severity"), tr("禁止期至", "ban until"),
                tr("禁止中", "banned"), tr("应收追回款", "receivable")],
               [[e["party"], e["name"], e["case"], cell("severity", e["severity"]), e["ban_until"], yes_no(e["banned"]),
                 cell("receivable", e["receivable"], stacked=True)] for e in result["entries"]])


def _items(codes: list[str]) -> str | None:
    return "".join(f"（{c}）" for c in codes) or None
