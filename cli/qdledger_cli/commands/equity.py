"""qdledger equity …: 拨改投 positions — invest, awards, dividends, stake changes, extensions, exit
quotes with a sensitivity table, exits with 收益让渡, the revolving pool and the trustee allowance."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger.labels import label
from qdledger_cli.display import cell, money
from qdledger_cli.runtime import context, run, say, show_fields, show_table, writes

app = typer.Typer(help="拨改投 equity positions and exit concessions (股权投资与收益让渡). Example: qdledger equity positions --status open", no_args_is_help=True)
Pos = Annotated[str, typer.Argument(metavar="POS", help="The position's id, e.g. EQ2025-001")]
Stake = Annotated[str, typer.Option("--stake", help="The fund's stake after the investment, percent of total share capital (持股比例), e.g. 18", show_default=False)]
LargestOther = Annotated[str, typer.Option("--largest-other", help="Stake of the largest other holder, percent (最大其他股东持股)", show_default=False)]
Proceeds = Annotated[str, typer.Option("--proceeds", help="Net exit proceeds after taxes and fees (扣除税费后退出所得)", show_default=False)]
Lpr = Annotated[str | None, typer.Option("--lpr", help="1-year LPR in percent for the month before exit, e.g. 3.00; default: the reference table")]
Concession = Annotated[str | None, typer.Option("--concession", help="max (default) or an amount not above the ceiling (批准让渡额)")]


@app.command("invest")
@writes
def invest(
    position: Pos,
    enterprise: Annotated[str, typer.Option("--enterprise", help="Id of the investee", show_default=False)],
    amount: opt.Amount,
    stake: Stake,
    largest_other: LargestOther,
    term_years: Annotated[int, typer.Option("--term-years", help="Investment term in whole years (投资期限)", show_default=False)],
    date: opt.Date,
    special_approval: Annotated[str, typer.Option("--special-approval", help="Special approval for a stake above 25% or a term above 5 years (特批文件)")] = "",
    discount: Annotated[str | None, typer.Option("--discount", help="Negotiated price discount, percent (股价折扣), required with an open municipal project")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project id shared with its grants; counts toward the project cap")] = None,
    project_budget: Annotated[str | None, typer.Option("--project-budget", help="Total budget of a project not yet in the ledger")] = None,
    source: Annotated[str, typer.Option("--source", help="budget (年度预算) or pool (循环滚动资金)")] = "budget",
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Invest in an enterprise within the amount, stake, largest-holder and term rules (股权投资). Example: qdledger equity invest EQ1 --enterprise E001 --amount 1000万 --stake 18 --largest-other 40 --term-years 5 --date 2025-01-02"""
    from qdledger.dates import parse_date
    from qdledger.equity.service import invest_in
    from qdledger.money import parse_amount, parse_percent

    run(as_json, lambda ledger: invest_in(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, enterprise=enterprise,
        amount=parse_amount(amount), stake=parse_percent(stake, "stake"), largest_other=parse_percent(largest_other, "largest_other"),
        term_years=term_years, day=parse_date(date), special_approval=special_approval,
        discount=parse_percent(discount, "discount") if discount is not None else None, project=project,
        project_budget=parse_amount(project_budget) if project_budget else None, source=source), render_position)


@app.command("award")
@writes
def award(
    position: Pos,
    level: Annotated[str, typer.Option("--level", help="national|provincial|municipal (国家/山东省/青岛市)", show_default=False)],
    rank: Annotated[int, typer.Option("--rank", help="1 = 一等奖, 2 = 二等奖, 3 = 三等奖, 0 = 特等奖", show_default=False)],
    date: opt.Date,
    not_lead: Annotated[bool, typer.Option("--not-lead", help="The investee was not the lead unit (非牵头): no concession ground")] = False,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record an award the investee won during holding (获奖). Example: qdledger equity award EQ1 --level provincial --rank 1 --date 2027-06-01"""
    from qdledger.dates import parse_date
    from qdledger.equity.service import record_award

    run(as_json, lambda ledger: record_award(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, level=level, rank=rank,
        day=parse_date(date), lead=not not_lead), _render_award)


@app.command("dividend")
@writes
def dividend(
    position: Pos, amount: opt.Amount, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Record a dividend paid to the fund; it goes to the revolving pool (分红). Example: qdledger equity dividend EQ1 --amount 100万 --date 2028-06-30"""
    from qdledger.dates import parse_date
    from qdledger.equity.service import record_dividend
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: record_dividend(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, amount=parse_amount(amount),
        day=parse_date(date)), render_position)


@app.command("stake")
@writes
def stake(
    position: Pos, stake: Stake, largest_other: LargestOther, date: opt.Date,
    approval: Annotated[str, typer.Option("--approval", help="Special approval for a stake above 25% (特批文件)")] = "",
    reference: opt.Reference = "", idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record a cap-table change (dilution, transfers), re-checked against the stake rules (股权变动). Example: qdledger equity stake EQ1 --stake 15 --largest-other 35 --date 2026-03-01"""
    from qdledger.dates import parse_date
    from qdledger.equity.service import record_stake_change
    from qdledger.money import parse_percent

    run(as_json, lambda ledger: record_stake_change(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, stake=parse_percent(stake, "stake"),
        largest_other=parse_percent(largest_other, "largest_other"), day=parse_date(date), approval=approval), render_position)


@app.command("extend")
@writes
def extend(
    position: Pos,
    term_years: Annotated[int, typer.Option("--term-years", help="The new total term in years (延期后总期限)", show_default=False)],
    date: opt.Date,
    approval: Annotated[str, typer.Option("--approval", help="Special-case approval (特殊情况批准文件)")] = "",
    reference: opt.Reference = "", idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Extend the term with its approval, at most to the maximum (延期). Example: qdledger equity extend EQ1 --term-years 7 --approval 青科财〔2029〕8号 --date 2029-10-01"""
    from qdledger.dates import parse_date
    from qdledger.equity.service import record_extension

    run(as_json, lambda ledger: record_extension(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, term_years=term_years,
        day=parse_date(date), approval=approval), render_position)


@app.command("quote-exit")
def quote_exit(
    position: Pos, date: opt.Date, proceeds: Proceeds, lpr: Lpr = None, concession: Concession = None,
    as_json: opt.Json = False,
) -> None:
    """Quote an exit: return, every concession ground with its ceiling and citation, the distribution; writes nothing (退出测算). Example: qdledger equity quote-exit EQ1 --date 2030-01-02 --proceeds 1600万"""
    from qdledger.dates import parse_date
    from qdledger.equity.exits import parse_concession, quote_exit as quote
    from qdledger.money import parse_amount, parse_rate

    run(as_json, lambda ledger: quote(
        ledger, position_id=position, day=parse_date(date), proceeds=parse_amount(proceeds, allow_zero=True),
        lpr=parse_rate(lpr) if lpr else None, concession=parse_concession(concession)), render_exit)


@app.command("sensitivity")
def sensitivity(
    position: Pos,
    date: Annotated[str, typer.Option("--date", help="Exit date(s), comma-separated: 2027-12-01,2028-07-01", show_default=False)],
    proceeds: Annotated[str, typer.Option("--proceeds", help="Net proceeds, comma-separated: 1000万,1200万,1600万", show_default=False)],
    lpr: Lpr = None,
    as_json: opt.Json = False,
) -> None:
    """Quote an exit over several prices and dates and show where the grounds cross; writes nothing (敏感性分析). Example: qdledger equity sensitivity EQ1 --date 2028-07-01 --proceeds 1100万,1300万,1600万 --lpr 3.00"""
    from qdledger.equity.sensitivity import parse_amount_list, parse_date_list, sensitivity as build
    from qdledger.money import parse_rate

    run(as_json, lambda ledger: build(
        ledger, position_id=position, days=parse_date_list(date), proceeds=parse_amount_list(proceeds),
        lpr=parse_rate(lpr) if lpr else None), _render_sensitivity)


@app.command("exit")
@writes
def exit_(
    position: Pos, date: opt.Date, proceeds: Proceeds,
    method: Annotated[str, typer.Option("--method", help="buyback|transfer|exchange|liquidation (回购/转让/产权交易/清算)", show_default=False)],
    concession: Concession = None,
    approval: Annotated[str, typer.Option("--approval", help="Approval of the exit and its concession (审核同意文件); default --reference")] = "",
    lpr: Lpr = None,
    reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None,
    dry_run: opt.DryRun = False,
    as_json: opt.Json = False,
) -> None:
    """Record an exit exactly as quoted; the fund's receipts go to the revolving pool (股权退出). Example: qdledger equity exit EQ1 --date 2030-01-02 --proceeds 1600万 --method buyback --concession max --approval 青科财〔2029〕12号"""
    from qdledger.dates import parse_date
    from qdledger.equity.exits import exit_position, parse_concession
    from qdledger.money import parse_amount, parse_rate

    run(as_json, lambda ledger: exit_position(
        ledger, context(reference, idempotency_key, dry_run), position_id=position, day=parse_date(date),
        proceeds=parse_amount(proceeds, allow_zero=True), method=method, concession=parse_concession(concession),
        approval=approval, lpr=parse_rate(lpr) if lpr else None), render_exit)


@app.command("show")
def show(position: Pos, as_json: opt.Json = False) -> None:
    """Show a position: terms, cap table, awards, dividends, exit (股权投资详情). Example: qdledger equity show EQ1 --json"""
    from qdledger.equity.views import show_position

    run(as_json, lambda ledger: show_position(ledger, position), render_position)


@app.command("positions")
def positions(
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="Only this investee")] = None,
    status: Annotated[str | None, typer.Option("--status", help="open|exited")] = None,
    as_json: opt.Json = False,
) -> None:
    """List the fund's positions (股权投资清单). Example: qdledger equity positions --status open"""
    from qdledger.equity.views import list_positions

    run(as_json, lambda ledger: list_positions(ledger, enterprise, status), _render_positions)


@app.command("pool")
def pool(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Balance as of this business date (default: all)")] = None,
    as_json: opt.Json = False,
) -> None:
    """The revolving pool over time: dividends and exit receipts in, reinvestments out (循环滚动资金). Example: qdledger equity pool --json"""
    from qdledger.dates import parse_date
    from qdledger.equity.views import pool_view

    run(as_json, lambda ledger: pool_view(ledger, parse_date(as_of) if as_of else None), _render_pool)


@app.command("allowance")
def allowance(
    year: Annotated[int, typer.Option("--year", help="The year whose cost allowance to show", show_default=False)],
    as_json: opt.Json = False,
) -> None:
    """The trustee's cost allowance for a year and what is used (受托管理工作成本上限). Example: qdledger equity allowance --year 2026"""
    from qdledger.equity.trustee import allowance_view

    run(as_json, lambda ledger: allowance_view(ledger, year), _render_allowance)


@app.command("trustee-fee")
@writes
def trustee_fee(
    year: Annotated[int, typer.Option("--year", help="The year the cost is charged to", show_default=False)],
    amount: opt.Amount, date: opt.Date, reference: opt.Reference = "",
    idempotency_key: opt.IdempotencyKey = None, dry_run: opt.DryRun = False, as_json: opt.Json = False,
) -> None:
    """Record the trustee's working cost for a year, refused above the allowance (列支工作成本). Example: qdledger equity trustee-fee --year 2026 --amount 15万 --date 2026-12-20"""
    from qdledger.dates import parse_date
    from qdledger.equity.trustee import record_trustee_fee
    from qdledger.money import parse_amount

    run(as_json, lambda ledger: record_trustee_fee(
        ledger, context(reference, idempotency_key, dry_run), year=year, amount=parse_amount(amount),
        day=parse_date(date)), _render_allowance)


def render_position(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    shown = rows(view, [("enterprise", "投资企业", "investee"), ("principal", "投资额", "principal"),
                        ("invested_on", "投资日期", "invested on")])
    shown += [(tr("持股比例", "stake"), f"{view['stake']}%"), (tr("最大其他股东", "largest other"), f"{view['largest_other']}%")]
    shown += rows(view, [("term_years", "期限（年）", "term (years)"), ("maturity", "到期日", "maturity"),
                         ("dividends", "累计分红", "dividends"), ("status", "状态", "status")], {"status": "position_status"})
    if view["exit"]:
        shown += [(tr("退出日期", "exited on"), view["exited_on"])]
        shown += rows(view["exit"], [("concession", "让渡", "concession"), ("fund_receives", "基金收回", "fund receives")])
    show_fields(tr("股权投资", "Position") + f" {view['id']}", shown)


def _render_award(view: dict) -> None:
    from qdledger.i18n import tr

    ground = view.get("award_ground_name") or view.get("award_ground")
    say(tr(f"已记录获奖；收益让渡依据：{ground}", f"Award recorded; concession ground: {ground}") if ground else
        tr("已记录获奖；非牵头或该等级不在让渡情形内，不作为让渡依据", "Award recorded; not a concession ground (not lead unit, or rank not listed)"))


def render_exit(view: dict) -> None:
    from qdledger.i18n import tr
    from qdledger_cli.display import rows

    title = tr("股权退出（已记录）", "Exit recorded") if view["recorded"] else tr("退出测算（未写入）", "Exit quote (nothing written)")
    lpr = f"{view['lpr']}% ({view['lpr_month']})" if view["lpr"] else None
    shown = rows(view, [("principal", "投资额", "principal"), ("net_proceeds", "退出净所得", "net proceeds")])
    shown += [(tr("投资收益（{}）", "return ({})").format(label("return_basis", view["return_basis"])), cell("return", view["return"]))]
    shown += rows(view, [("holding_days", "持有天数", "holding days"), ("early_by_days", "提前天数", "early by days")])
    shown += [("LPR", lpr)]
    names = {g["ground"]: g.get("label") or g["ground"] for g in view["grounds"]}
    shown += rows(view, [("benchmark", "LPR 基准收益", "LPR benchmark")])
    shown += [(tr("适用情形（就高）", "chosen ground (highest)"), names.get(view["chosen_ground"], view["chosen_ground"]))]
    shown += rows(view, [("max_concession", "让渡上限", "ceiling"), ("concession", "批准让渡", "concession"),
                         ("fund_receives", "基金收回", "fund receives"), ("buyer_receives", "受让方所得让渡", "buyer receives")])
    show_fields(f"{title} {view['position']} {view['date']}", shown)
    for ground in view["grounds"]:
        share = f"{ground['share']}%" if ground["share"] else tr("高于基准部分", "above benchmark")
        say(f"  {names[ground['ground']]}: {share} → {cell('ceiling', ground['ceiling'])}")
        say(f"    {ground['citation']}")


def _render_sensitivity(result: dict) -> None:
    """One table per exit date: prices across, each ground's ceiling down, the chosen one starred."""
    from qdledger.i18n import tr

    for day in dict.fromkeys(r["date"] for r in result["rows"]):
        rows = [r for r in result["rows"] if r["date"] == day]
        names = [n for n in result["grounds"] if any(n in r["ceilings"] for r in rows)]
        first = rows[0]
        title = tr(f"{day} 退出：提前 {first['early_by_days']} 天", f"Exit on {day}: early by {first['early_by_days']} days")
        if first["benchmark"]:
            title += tr(f"；LPR {first['lpr']}%，基准收益 {cell('benchmark', first['benchmark'])}", f"; LPR {first['lpr']}%, benchmark {cell('benchmark', first['benchmark'])}")
        say(title)
        table = [[tr("收益", "return"), *[cell("return", r["return"]) for r in rows]]]
        table += [[result["ground_names"][name], *[_starred(r, name) for r in rows]] for name in names]
        table += [[tr("让渡", "concession"), *[cell("concession", r["concession"]) for r in rows]],
                  [tr("基金收回", "fund receives"), *[cell("fund_receives", r["fund_receives"]) for r in rows]]]
        show_table("", [tr("退出净所得", "net proceeds"), *[cell("net_proceeds", r["net_proceeds"]) for r in rows]], table)
    named = result["ground_names"]
    for item in result["early_exit_until"]:
        ground = named[item["ground"]]
        say(tr(f"{ground}：退出日不晚于 {item['exit_on_or_before']}", f"{ground}: exit on or before {item['exit_on_or_before']}"))
    for c in result["crossings"]:
        say(_crossing_line(c, named))
    say(tr("* 适用的情形（就高，不叠加）", "* the ground that applies (the highest, never a sum)"))


def _starred(row: dict, name: str) -> str | None:
    ceiling = row["ceilings"].get(name)
    if ceiling is None:
        return None
    return cell("ceiling", ceiling) + ("*" if row["chosen_ground"] == name else "")


def _crossing_line(c: dict, named: dict[str, str]) -> str:
    from qdledger.i18n import tr

    amount = cell("net_proceeds", c["net_proceeds"])
    c = {**c, "ground": named.get(c.get("ground"), c.get("ground")), "over": named.get(c.get("over"), c.get("over"))}
    if c["kind"] == "gain_from":
        return tr(f"{c['date']}：退出净所得高于 {amount} 才有收益可让渡", f"{c['date']}: a gain (and any concession) above {amount}")
    if c["kind"] == "above_benchmark_from":
        return tr(f"{c['date']}：退出净所得高于 {amount} 时 {c['ground']} 才有让渡", f"{c['date']}: {c['ground']} concedes above {amount}")
    return tr(f"{c['date']}：退出净所得自 {amount} 起 {c['ground']} 超过 {c['over']}",
              f"{c['date']}: {c['ground']} overtakes {c['over']} from {amount}")


def _render_positions(result: dict) -> None:
    from qdledger.i18n import tr

    rows = [[p["id"], p["enterprise"], cell("principal", p["principal"], stacked=True), p["invested_on"], f"{p['stake']}%", p["maturity"],
             label("position_status", p["status"]), cell("fund_receives", p["fund_receives"])] for p in result["positions"]]
    show_table(tr("股权投资清单", "Positions") + f" ({tr('在投成本', 'at cost')} {cell('at_cost', result['at_cost'])})",
               [tr("编号", "id"), tr("企业", "investee"), tr("投资额", "principal"), tr("投资日", "invested"), tr("持股", "stake"),
                tr("到期日", "maturity"), tr("状态", "status"), tr("退出收回", "exit receipts")], rows)


def _render_pool(result: dict) -> None:
    from qdledger.i18n import tr

    rows = [[m["date"], label("pool_movement", m["kind"]), m["position"], cell("amount", m["amount"]), cell("balance", m["balance"])] for m in result["movements"]]
    show_table(tr("循环滚动资金", "Revolving pool") + f": {cell('balance', result['balance'])}",
               [tr("日期", "date"), tr("类型", "kind"), tr("投资", "position"), tr("金额", "amount"), tr("余额", "balance")], rows)


def _render_allowance(result: dict) -> None:
    from qdledger.i18n import tr

    rows = [(tr("上年在投财政资金（{}）", "previous year's money under investment ({})").format(label("trustee_measure", result["measure"])),
             money(result["basis"], wan=True)),
            (tr("比例", "rate"), f"{result['rate']}%"), (tr("上限", "allowance"), cell("allowance", result["allowance"])),
            (tr("已列支", "used"), cell("used", result["used"])), (tr("剩余", "remaining"), cell("remaining", result["remaining"]))]
    show_fields(tr("受托管理工作成本", "Trustee cost allowance") + f" {result['year']}", rows)
