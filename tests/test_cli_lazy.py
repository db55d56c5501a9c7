"""Top-level commands are imported only when invoked; the table the help listing comes from stays true."""

from __future__ import annotations

import subprocess
import sys

import typer
import typer.main

from qdledger_cli.main import COMMANDS, app


def _real_commands() -> dict:
    """The commands as typer builds them when every one is registered up front."""
    eager = typer.Typer(rich_markup_mode=None)
    eager.callback()(lambda: None)
    for entry in COMMANDS:
        target = entry.load()
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=entry.name)
        else:
            eager.command(entry.name)(target)
    return typer.main.get_group(eager).commands


def test_the_table_lists_every_command_in_typers_order_with_its_own_help():
    real = _real_commands()
    assert [entry.name for entry in COMMANDS] == list(real)
    for entry in COMMANDS:
        command = real[entry.name]
        first_paragraph = (command.help or "").split("\n\n")[0]
        assert entry.help == " ".join(first_paragraph.split()), entry.name
        assert not command.short_help and not command.hidden and not command.deprecated, entry.name


def test_a_lazily_built_command_equals_the_eager_one():
    real = _real_commands()
    lazy = typer.main.get_command(app).commands
    for entry in COMMANDS:
        shown = [command.get_help(typer.Context(command, info_name=entry.name))
                 for command in (lazy[entry.name], real[entry.name])]
        assert shown[0] == shown[1], entry.name


def _imported_after(argv: list[str]) -> set[str]:
    script = ("import sys\nfrom qdledger_cli.main import app\n"
              f"try:\n    app({argv!r}, prog_name='qdledger')\nexcept SystemExit:\n    pass\n"
              "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_help_imports_no_command_module():
    imported = _imported_after(["--help"])
    assert not {name for name in imported if name.startswith("qdledger_cli.commands.")}


def test_a_group_imports_only_its_own_module():
    imported = _imported_after(["grant", "--help"])
    assert {name for name in imported if name.startswith("qdledger_cli.commands.")} == {"qdledger_cli.commands.grant"}


def test_the_top_level_help_lists_every_command(app_cli):
    shown = app_cli("--help", json_out=False)
    for entry in COMMANDS:
        assert f"  {entry.name} " in shown.stdout, entry.name
