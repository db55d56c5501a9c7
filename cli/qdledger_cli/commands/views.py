"""qdledger rebuild / views update: the read-model file (SQLite, opens in any SQLite tool)."""

from __future__ import annotations

from typing import Annotated

import typer

from qdledger_cli import options as opt
from qdledger_cli.progress import events_recorded, progress
from qdledger_cli.runtime import run, say, session

app = typer.Typer(help="Read models: SQLite tables for any SQLite tool or Datasette (查询库). Example: qdledger views update", no_args_is_help=True)
ViewsPath = Annotated[str | None, typer.Option("--views", envvar="QDLEDGER_VIEWS", help="The read-model file (default: beside the ledger, x.db → x.views.db; ./qdledger.views.db for PostgreSQL)")]


def _path(views: str | None) -> str:
    from qdledger.errors import BadInput
    from qdledger.i18n import Text
    from qdledger.ledger.storage import ledger_location
    from qdledger.views.location import views_location

    path = views or views_location(ledger_location(session.ledger))
    if not path:
        raise BadInput(Text("内存账本没有查询库，请用 --views 指定文件", "an in-memory ledger has no read-model file; give --views"), field="views")
    return path


def _run(views: str | None, as_json: bool, full: bool) -> None:
    def action(ledger):
        from qdledger.views import store as views_store

        path = _path(views)
        size = events_recorded(ledger) if full else views_store.behind(ledger, path)
        with progress("rebuild" if full else "update", size) as advance:
            return (views_store.rebuild if full else views_store.catch_up)(ledger, path, advance)

    run(as_json, action, _render)


def rebuild(views: ViewsPath = None, as_json: opt.Json = False) -> None:
    """Build the read-model file anew from the whole event log (重建查询库). Example: qdledger rebuild --json"""
    _run(views, as_json, full=True)


@app.command("update")
def update(views: ViewsPath = None, as_json: opt.Json = False) -> None:
    """Apply events recorded since the file was last brought up to date (增量更新). Example: qdledger views update"""
    _run(views, as_json, full=False)


def _render(result: dict) -> None:
    from qdledger.i18n import tr

    from pathlib import Path

    name = Path(result["views"]).name
    say(tr(f"查询库 {name} 已至位置 {result['position']}（本次 {result['applied']} 个事件）",
           f"read models {name} are at position {result['position']} ({result['applied']} events applied)"))
